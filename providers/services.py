"""Writes to service providers and their bank accounts.

Every service runs in one transaction, validates with full_clean() and records
who acted in the history (django-simple-history): views and the admin never
save these models themselves. A bank-account change moves through the steps
declared on BankAccountChange, taken with core.transitions.perform (which also
writes its BankAccountChangeEvent).

What a provider user writes ("Mijn gegevens", a new bank account) is refused unless
that user acts as a service provider for the organisation written to
(portal.scope.require_acts_for: PermissionDenied, nothing changes).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import transitions, validators
from core.locking import ConflictError, conflict_for, version_claim
from organisations.models import ADDRESS_FIELDS
from organisations.services import organisation_update
from portal.models import Membership
from portal.scope import require_acts_for
from providers import emails
from providers.models import BankAccountChange, ServiceProvider, service_provider_history

__all__ = [
    "ConflictError",
    "bank_account_change_reject",
    "bank_account_change_request",
    "bank_account_change_verify",
    "service_provider_save",
]

# Stap 1 fields stored as they are; the bank account goes through a BankAccountChange.
STEP1_FIELDS = [
    "name",
    *ADDRESS_FIELDS,
    "phone",
    "mobile",
    "email",
    "website",
    "contact_last_name",
    "contact_first_name",
    "extra_info",
    "kbo_number",
    "legal_form",
]
BANK_ACCOUNT_FIELDS = ["iban", "bic"]


# --- Organisations ----------------------------------------------------------


def _organisation_complete_from(provider, user):
    """Give an organisation without address (created at sign-in) its MZ's address."""
    organisation = provider.organisation
    if organisation.postcode and organisation.street:
        return
    data = {name: getattr(provider, name) for name in ADDRESS_FIELDS}
    if not organisation.email:
        data["email"] = provider.email
    if organisation.legal_form_id is None and provider.legal_form_id is not None:
        data["legal_form"] = provider.legal_form
    organisation_update(organisation=organisation, data=data, user=user)


# --- Service providers -------------------------------------------------------


def _bank_account_differs(provider, iban, bic):
    return (validators.normalise_iban(iban), validators.normalise_bic(bic)) != (
        provider.iban,
        provider.bic,
    )


def service_provider_save(
    *,
    service_provider=None,
    organisation,
    step1_data,
    step2_data,
    expected_version=None,
    user,
):
    """Save both steps of "Mijn gegevens" in one transaction.

    Editing: optimistic locking on `expected_version` (the version the user's
    form was loaded at); when someone else saved in between, ConflictError
    carries the current record and what they changed, and nothing is written.

    A different IBAN/BIC never becomes the active account here: it becomes a
    pending BankAccountChange that agency staff must verify. That holds for a
    new service provider too: its first account is as much a fraud target as a
    changed one (someone announcing a provider with their own account), so it
    is stored as a pending request and the provider has no active account until
    verified.

    A new service provider is a "Dienstverlener" (DV); only an organisation
    without a registered-office entry yet (created at sign-in) gets its MZ, and
    that MZ's address completes the organisation's own.

    `user` must act as a service provider for `organisation`; an existing
    `service_provider` is looked up within that organisation.
    """
    require_acts_for(user, organisation, Membership.Profile.PROVIDER)
    data = {name: step1_data[name] for name in STEP1_FIELDS if name in step1_data}
    iban = step1_data.get("iban") or ""
    bic = step1_data.get("bic") or ""
    vakgebieden = list(step2_data.get("vakgebieden") or [])
    if not vakgebieden:
        raise ValidationError(
            {"vakgebieden": _("Duid minstens één vakgebied aan.")}, code="required"
        )

    with transaction.atomic():
        if service_provider is None:
            has_office = ServiceProvider.objects.filter(
                organisation=organisation, type=ServiceProvider.Type.REGISTERED_OFFICE
            ).exists()
            provider = ServiceProvider(
                organisation=organisation,
                type=ServiceProvider.Type.PROVIDER
                if has_office
                else ServiceProvider.Type.REGISTERED_OFFICE,
            )
        else:
            provider = ServiceProvider.objects.for_organisation(organisation).get(
                pk=service_provider.pk
            )
            if not version_claim(
                model=ServiceProvider, pk=provider.pk, expected_version=expected_version
            ):
                raise conflict_for(
                    model=ServiceProvider, pk=provider.pk, expected_version=expected_version
                )
            provider.version = expected_version + 1

        for name, value in data.items():
            setattr(provider, name, value)
        provider.description = step2_data.get("description") or ""
        provider.full_clean()
        created = provider.pk is None

        # One historical row per save, with the vakgebieden in it: without this the
        # m2m update would write a second row of its own.
        provider.skip_history_when_saving = True
        try:
            provider.save()
            provider.vakgebieden.set(vakgebieden)
        finally:
            del provider.skip_history_when_saving
        provider._history_user = user
        service_provider_history.create_historical_record(provider, "+" if created else "~")

        if iban and _bank_account_differs(provider, iban, bic):
            pending = provider.bank_account_changes.pending().first()
            if pending is None or (pending.new_iban, pending.new_bic) != (
                validators.normalise_iban(iban),
                validators.normalise_bic(bic),
            ):
                bank_account_change_request(
                    service_provider=provider, iban=iban, bic=bic, requested_by=user
                )
        if provider.type == ServiceProvider.Type.REGISTERED_OFFICE:
            _organisation_complete_from(provider, user)
    return provider


# --- Bank account changes ----------------------------------------------------


def bank_account_change_request(*, service_provider, iban, bic, requested_by):
    """Ask to be paid on another account; it stays pending until staff verify it.

    A newer request supersedes an older pending one. The organisation and the
    provider get an e-mail (masked accounts) once the transaction commits.
    `requested_by` must act as a service provider for the provider's organisation.
    """
    iban = validators.normalise_iban(iban)
    bic = validators.normalise_bic(bic) or validators.derive_bic(iban) or ""
    try:
        validators.validate_iban(iban)
    except ValidationError as error:
        raise ValidationError({"iban": error}) from error
    try:
        if bic:
            validators.validate_bic(bic)
        validators.validate_iban_bic_pair(iban, bic)
    except ValidationError as error:
        raise ValidationError({"bic": error}) from error

    with transaction.atomic():
        provider = (
            ServiceProvider.objects.select_for_update()
            .select_related("organisation")
            .get(pk=service_provider.pk)
        )
        require_acts_for(requested_by, provider.organisation_id, Membership.Profile.PROVIDER)
        if (provider.iban, provider.bic) == (iban, bic):
            raise ValidationError(
                {"iban": _("Dit rekeningnummer is al actief voor betalingen.")},
                code="bank_account_unchanged",
            )
        for older in provider.bank_account_changes.pending():
            transitions.perform(instance=older, name="supersede", actor=requested_by)
        change = BankAccountChange(
            service_provider=provider,
            old_iban=provider.iban,
            old_bic=provider.bic,
            new_iban=iban,
            new_bic=bic,
            requested_by=requested_by,
        )
        transitions.perform(
            instance=change,
            name="request",
            actor=requested_by,
            notify=lambda event: emails.bank_account_change_requested_send(event.change),
        )
    return change


def bank_account_change_verify(*, change, decided_by):
    """Staff confirm the new account: from now on it is "actief voor betalingen".

    Never by the person who asked (BankAccountChange.verify's permission).
    """
    with transaction.atomic():
        change = transitions.perform(
            instance=change,
            name="verify",
            actor=decided_by,
            arguments={"decided_by": decided_by, "decided_at": timezone.now()},
            notify=lambda event: emails.bank_account_change_decided_send(event.change),
        )
        provider = ServiceProvider.objects.select_for_update().get(pk=change.service_provider_id)
        provider.iban, provider.bic = change.new_iban, change.new_bic
        # Someone editing "Mijn gegevens" right now must see this change, not undo it.
        provider.version += 1
        provider._history_user = decided_by
        provider.save()
    return change


def bank_account_change_reject(*, change, decided_by, reason):
    """Staff refuse the new account; the active account stays as it is."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Geef een reden op voor de weigering.")}, code="required"
        )
    return transitions.perform(
        instance=change,
        name="reject",
        actor=decided_by,
        reason=reason,
        arguments={"decided_by": decided_by, "decided_at": timezone.now(), "reason": reason},
        notify=lambda event: emails.bank_account_change_decided_send(event.change),
    )
