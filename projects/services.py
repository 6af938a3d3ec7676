"""Every change to a subsidy dossier: the SME's application and stop, the
provider's confirmation or refusal, and the agency's steps.

Each step is declared on the model (Project's @transition methods) and taken here
through core.transitions.perform: it locks the dossier, refuses a step the status
does not allow, writes the dossier and a ProjectEvent (who, when, from, to, why) in
one transaction, and e-mails the other party once the transaction has committed
(projects.emails). Views, the admin and the lapse command never save a dossier
themselves.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import transitions
from core.transitions import TransitionError
from organisations.models import Organisation
from projects import emails
from projects.eligibility import eligible_rule
from projects.models import (
    AGENCY_STEP,
    DEPOSIT_TERM_DAYS,
    SME_STEP,
    Payment,
    Project,
    ProjectNumberCounter,
    is_not_lapsed,
)
from projects.rates import ZERO, euro, subsidy_quote, to_cents
from registrations.models import ServiceType
from registrations.selectors import listed_registrations

Status = Project.Status

# Filled in by project_build, checked by the database constraints at save.
COMPUTED_FIELDS = [
    "number",
    "registration",
    "provider_organisation",
    "subsidy_percentage",
    "subsidy_amount",
    "own_share",
]


def confirmation_term_days():
    """Days the provider has to confirm: the portal's own informative term.

    No official term is published; nothing lapses when it passes, it only sets
    the "dagen resterend" shown to the provider (PROJECT_CONFIRMATION_DAYS).
    """
    return getattr(settings, "PROJECT_CONFIRMATION_DAYS", 30)


def _perform(project, name, *, user, reason="", remark="", audience=None, **options):
    return transitions.perform(
        instance=project,
        name=name,
        actor=user,
        reason=reason,
        remark=remark,
        notify=lambda event: emails.project_event_send(event, audience=audience),
        **options,
    )


def _require(value, field, message):
    if not (value or "").strip():
        raise ValidationError({field: message})
    return value.strip()


# --- The SME ------------------------------------------------------------------------


def _registration_in_force(*, service_provider, service_type, on):
    """The provider's registration for `service_type` in force on `on`, or None."""
    return (
        listed_registrations(on=on, service_types=[service_type])
        .filter(service_provider_id=service_provider.pk)
        .order_by("-valid_from")
        .first()
    )


def project_build(
    *,
    client,
    user,
    service_provider,
    service_type,
    title,
    vakgebied,
    theme,
    start_date,
    end_date,
    amount_excl_vat,
    company_size,
    training_kind="",
    higher_rate_topic="",
    filed_on=None,
):
    """An unsaved, validated dossier with its subsidy computed: what the SME would file.

    Writes nothing, so the application form can show the subsidy before the SME
    submits. Fills in what follows from the choice of provider (its organisation,
    its registration in force on the filing day) and checks what needs other rows
    (the provider's vakgebieden, that registration) besides Project.clean()'s rules.
    Raises ValidationError keyed by field with the Dutch message (14-day rule, large
    enterprise, vakgebied, registration, eligibility of the service on the filing date,
    annual ceiling, ...), all at once.

    Eligibility (projects.eligibility) is judged here, at filing, by the rules of the
    filing date: advice on another topic than cybersecurity filed on or after 1
    February 2026 is refused. The later steps never judge a dossier again.
    """
    filed_on = filed_on or timezone.localdate()
    project = Project(
        client=client,
        filed_by=user,
        service_provider=service_provider,
        provider_organisation_id=service_provider.organisation_id,
        service_type=service_type,
        title=title,
        training_kind=training_kind or "",
        vakgebied=vakgebied,
        theme=theme,
        higher_rate_topic=higher_rate_topic or "",
        start_date=start_date,
        end_date=end_date,
        amount_excl_vat=amount_excl_vat,
        company_size=company_size,
        filed_on=filed_on,
    )
    errors = {}
    if vakgebied is not None and not service_provider.vakgebieden.filter(pk=vakgebied.pk).exists():
        errors["vakgebied"] = [
            _("Kies een vakgebied uit de selectie van de dienstverlener %(provider)s.")
            % {"provider": service_provider.name}
        ]
    if service_type in ServiceType.values:
        registration = _registration_in_force(
            service_provider=service_provider, service_type=service_type, on=filed_on
        )
        if registration is not None:
            project.registration = registration
        else:
            errors["service_type"] = [
                _(
                    "%(provider)s is op %(date)s niet geregistreerd voor %(type)s in de "
                    "kmo-portefeuille: kies een ander type of een andere dienstverlener."
                )
                % {
                    "provider": service_provider.name,
                    "date": date_format(filed_on, "d/m/Y"),
                    "type": ServiceType(service_type).label,
                }
            ]
    try:
        project.full_clean(exclude=COMPUTED_FIELDS)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    rule = None
    judged = ("service_type", "theme", "higher_rate_topic", "filed_on")
    if not any(name in errors for name in judged):
        try:
            rule = eligible_rule(
                service_type=project.service_type,
                theme=project.theme,
                topic=project.higher_rate_topic,
                on=project.filed_on,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    quote = subsidy_quote(
        client=client,
        company_size=company_size,
        amount_excl_vat=project.amount_excl_vat,
        higher_rate_topic=project.higher_rate_topic,
        higher_rate=rule.higher_rate,
        filed_on=project.filed_on,
    )
    project.amount_excl_vat = quote.amount
    project.subsidy_percentage = quote.percentage
    project.subsidy_amount = quote.subsidy_amount
    project.own_share = quote.own_share
    project.quote = quote
    return project


def _next_number(year):
    ProjectNumberCounter.objects.get_or_create(year=year)
    counter = ProjectNumberCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"KMO-{year}-{counter.last_number:06d}"


def project_submit(
    *,
    client,
    user,
    service_provider,
    service_type,
    title,
    vakgebied,
    theme,
    start_date,
    end_date,
    amount_excl_vat,
    company_size,
    training_kind="",
    higher_rate_topic="",
    filed_on=None,
):
    """File the SME's application (the arguments of project_build).

    The client's row is locked while the annual ceiling is counted, so two
    applications filed at the same moment cannot both use the last euros.
    The provider is told by e-mail. `user` must act as an SME user for `client` (the
    step's declared permission, portal.scope): otherwise nothing is filed.
    """
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=client.pk)
        project = project_build(
            client=client,
            user=user,
            service_provider=service_provider,
            service_type=service_type,
            title=title,
            vakgebied=vakgebied,
            theme=theme,
            start_date=start_date,
            end_date=end_date,
            amount_excl_vat=amount_excl_vat,
            company_size=company_size,
            training_kind=training_kind,
            higher_rate_topic=higher_rate_topic,
            filed_on=filed_on,
        )
        return _perform(
            project,
            "submit",
            user=user,
            arguments={
                "number": _next_number(project.filed_on.year),
                "confirmation_due_on": project.filed_on
                + datetime.timedelta(days=confirmation_term_days()),
            },
        )


def project_stop(*, project, user, reason, by_agency=False):
    """Stop a dossier, with a reason: the SME (its own, until a payment is made) or staff
    (any dossier that is not final). The subsidy no longer counts toward the ceiling.

    The step declares no permission because it is two people's: `by_agency` asks for a
    processor of dossiers, otherwise `user` must act as an SME user for the client.
    """
    reason = _require(reason, "reason", _("Geef een reden op voor de stopzetting."))

    def may_stop(locked):
        if by_agency:
            # The agency's stop is a processor's step, like the others of the agency.
            transitions.require(AGENCY_STEP, locked, user)
            return
        # The client's own stop: first whether it is theirs, then whether it still can.
        transitions.require(SME_STEP, locked, user)
        if locked.status not in Project.SME_STOPPABLE:
            raise TransitionError(
                _(
                    "Een dossier met status '%(status)s' kunt u niet meer zelf stopzetten: neem "
                    "contact op met de kmo-portefeuille via 1700."
                )
                % {"status": locked.get_effective_status_display()},
                code="transition",
            )

    return _perform(
        project,
        "stop",
        user=user,
        reason=reason,
        remark=_("door het agentschap") if by_agency else _("door de klant"),
        # The SME's own stop goes to the provider; the agency's to both parties.
        audience=emails.BOTH if by_agency else emails.TO_PROVIDER,
        arguments={"reason": reason, "at": timezone.now()},
        prepare=may_stop,
    )


# --- The provider ---------------------------------------------------------------------


def project_confirm(*, project, user, remark=""):
    """The provider confirms the application: the SME has 30 days to pay its own share.

    Like the refusal, only for a provider user of the dossier's provider organisation
    (the step's declared permission, portal.scope)."""
    return _perform(
        project, "confirm", user=user, remark=remark.strip(), arguments={"at": timezone.now()}
    )


def project_refuse(*, project, user, reason, remark=""):
    """The provider refuses the application, with a reason from the list and a remark."""
    if reason not in Project.RefusalReason.values:
        raise ValidationError({"reason": _("Kies een reden uit de lijst.")})
    return _perform(
        project,
        "refuse",
        user=user,
        reason=Project.RefusalReason(reason).label,
        remark=remark.strip(),
        arguments={"reason": reason, "remark": remark.strip(), "at": timezone.now()},
    )


# --- The agency -----------------------------------------------------------------------


def project_record_deposit(*, project, user, paid_on):
    """Staff record that the SME paid its own share into the wallet on `paid_on`.

    A deposit made within the term counts even when it is recorded later (the
    bank statement arrives after the deadline); one made after it does not.
    """

    def paid_in_time(locked):
        if paid_on > timezone.localdate():
            raise ValidationError(
                {"paid_on": _("De datum van de storting mag niet in de toekomst liggen.")}
            )
        if paid_on < timezone.localdate(locked.confirmed_at):
            raise ValidationError(
                {
                    "paid_on": _("De storting kan niet vóór de bevestiging van %(date)s liggen.")
                    % {"date": date_format(timezone.localtime(locked.confirmed_at), "d/m/Y")}
                }
            )
        if paid_on > locked.deposit_due_on:
            raise TransitionError(is_not_lapsed.refusal_message(locked), code="lapsed")

    return _perform(
        project,
        "record_deposit",
        user=user,
        remark=_("gestort op %(date)s") % {"date": date_format(paid_on, "d/m/Y")},
        arguments={"paid_on": paid_on},
        prepare=paid_in_time,
    )


def project_grant(*, project, user, remark=""):
    """Staff add the subsidy to the SME's wallet: the SME can now order payments."""
    return _perform(
        project, "grant", user=user, remark=remark.strip(), arguments={"at": timezone.now()}
    )


def project_record_payment(*, project, user, amount, paid_on):
    """Staff record a payment to the provider that the SME ordered from its wallet.

    Several payments are allowed; together they never exceed the dossier's amount
    excluding VAT (own share plus subsidy). The dossier becomes "deels betaald", or
    "betaald" once the whole amount is paid.
    """
    amount = to_cents(amount)
    if amount <= ZERO:
        raise ValidationError({"amount": _("Het bedrag moet groter zijn dan € 0,00.")})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("De betaaldatum mag niet in de toekomst liggen.")})

    def within_outstanding(locked):
        outstanding = locked.amount_outstanding
        if amount > outstanding:
            raise ValidationError(
                {
                    "amount": _(
                        "Dit bedrag is hoger dan wat nog te betalen is (%(outstanding)s van "
                        "%(total)s)."
                    )
                    % {"outstanding": euro(outstanding), "total": euro(locked.amount_excl_vat)}
                }
            )

    with transaction.atomic():
        project = _perform(
            project,
            "record_payment",
            user=user,
            remark=_("%(amount)s betaald op %(date)s")
            % {"amount": euro(amount), "date": date_format(paid_on, "d/m/Y")},
            arguments={"amount": amount, "paid_on": paid_on},
            prepare=within_outstanding,
        )
        payment = Payment(project=project, amount=amount, paid_on=paid_on, recorded_by=user)
        payment.full_clean()
        payment.save()
    return payment


def project_close(*, project, user, remark=""):
    """Staff close a fully paid dossier."""
    return _perform(
        project, "close", user=user, remark=remark.strip(), arguments={"at": timezone.now()}
    )


def project_lapse(*, project, user=None, on=None):
    """Record that a confirmed dossier lapsed: no own share within 30 days of confirmation.

    The portal already treats it as lapsed from the dates alone; this writes the
    status and the event and tells both parties. Returns False when there is
    nothing to record (already lapsed or no longer due), so running twice is safe.
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = transitions.lock(project)
        if transitions.refusal(locked, "lapse") is not None or not locked.is_lapsed(on):
            return False
        _perform(
            locked,
            "lapse",
            user=user,
            reason=_(
                "Het eigen aandeel werd niet gestort binnen %(days)d dagen na de bevestiging "
                "(uiterlijk %(due)s)."
            )
            % {"days": DEPOSIT_TERM_DAYS, "due": date_format(locked.deposit_due_on, "d/m/Y")},
            arguments={"at": timezone.now()},
        )
    project.refresh_from_db()
    return True


def projects_lapse_due(*, on=None):
    """Record the lapse of every confirmed dossier whose deposit deadline passed before `on`.

    Each dossier in its own transaction, with its e-mails in the outbox (core.mail),
    so one failure does not hold back the others; a dossier that changed meanwhile
    (a deposit recorded in time) is left alone by project_lapse. Returns the number
    lapsed; running it twice lapses nothing twice.
    """
    on = on or timezone.localdate()
    lapsed = 0
    due = Project.objects.due_to_lapse(on).order_by("deposit_due_on", "pk")
    for project in due.iterator(chunk_size=500):
        if project_lapse(project=project, on=on):
            lapsed += 1
    return lapsed
