"""Reads for the provider pages: overviews, the pending bank account, the history."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from core.locking import history_changes
from core.people import user_display
from establishments.models import Establishment
from providers.models import BankAccountChange, ServiceProvider


def service_provider_list(*, organisation):
    """The organisation's service providers for "Dienstverleners: overzicht", MZ first."""
    return ServiceProvider.objects.for_organisation(organisation).order_by("-type", "name", "pk")


def bank_account_change_pending(*, service_provider):
    """The pending change of the provider's bank account, or None."""
    return (
        BankAccountChange.objects.filter(service_provider=service_provider)
        .pending()
        .select_related("requested_by")
        .first()
    )


def service_providers_with_pending_change(*, organisation):
    """Providers of the organisation with `pending_changes` prefetched (a list of 0 or 1)."""
    return service_provider_list(organisation=organisation).prefetch_related(
        Prefetch(
            "bank_account_changes",
            queryset=BankAccountChange.objects.pending(),
            to_attr="pending_changes",
        )
    )


@dataclass
class HistoryEntry:
    """One line of the "Wijzigingshistoriek": who did what to which fields, when."""

    when: datetime
    who: str
    action: str
    subject: str = ""
    fields: list = field(default_factory=list)
    changes: list = field(default_factory=list)


ACTIONS = {"+": _("aangemaakt"), "~": _("gewijzigd"), "-": _("verwijderd")}


def _object_history(instance, subject=""):
    """Entries for one object's historical rows, oldest first.

    A row is compared with the one before it; rows that changed nothing a
    person edits (only the version number, say) are left out.
    """
    records = list(instance.history.select_related("history_user").order_by("history_date"))
    entries = []
    previous = None
    for record in records:
        if previous is None:
            changes, action = [], ACTIONS["+"]
        else:
            changes = history_changes(record, previous)
            action = ACTIONS.get(record.history_type, ACTIONS["~"])
            if not changes:
                previous = record
                continue
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=user_display(record.history_user),
                action=str(action),
                subject=subject,
                fields=[change.label for change in changes],
                changes=changes,
            )
        )
        previous = record
    return entries


def _bank_account_entries(changes, subject=""):
    entries = []
    for change in changes:
        label = str(_("Rekeningnummer"))
        entries.append(
            HistoryEntry(
                when=change.requested_at,
                who=user_display(change.requested_by),
                action=str(_("nieuw rekeningnummer aangevraagd (%(account)s)"))
                % {"account": change.new_iban_masked},
                subject=subject,
                fields=[label],
            )
        )
        if change.decided_at:
            entries.append(
                HistoryEntry(
                    when=change.decided_at,
                    who=user_display(change.decided_by),
                    action=str(_("nieuw rekeningnummer %(status)s (%(account)s)"))
                    % {"status": change.get_status_display(), "account": change.new_iban_masked},
                    subject=subject,
                    fields=[label],
                )
            )
    return entries


def service_provider_history(service_provider):
    """The provider's "Wijzigingshistoriek", newest first: company data and bank account."""
    entries = _object_history(service_provider)
    changes = service_provider.bank_account_changes.select_related("requested_by", "decided_by")
    entries += _bank_account_entries(changes)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def organisation_history(organisation):
    """Every change to the organisation's service providers and establishments, newest first."""
    entries = []
    for provider in ServiceProvider.objects.for_organisation(organisation):
        subject = str(_("Dienstverlener %(name)s")) % {"name": provider.name}
        entries += _object_history(provider, subject)
        changes = provider.bank_account_changes.select_related("requested_by", "decided_by")
        entries += _bank_account_entries(changes, subject)
    for establishment in Establishment.objects.for_organisation(organisation):
        subject = str(_("Vestiging %(place)s, %(street)s")) % {
            "place": establishment.place_line,
            "street": establishment.street_line,
        }
        entries += _object_history(establishment, subject)
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
