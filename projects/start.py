"""What the start pages show of the dossiers (and, for a provider, of its registrations
and bank accounts): what needs the provider now, the provider's dossiers per month,
the SME's dossiers per status.

The portal's start pages cannot import the feature apps (tests/test_architecture.py),
so they show these through the template tags of projects.templatetags.start_pages.
Every function here is a selector scoped to one organisation, with a fixed number of
queries whatever the number of rows.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext

from core import charts
from core.dates import add_months
from projects import presenters
from projects.models import ZERO, Project
from projects.rates import euro
from providers.models import BankAccountChange
from registrations.reminders import reminder_candidates

# How many dossiers to confirm the start page lists; the rest is one link away.
ATTENTION_LIMIT = 10
CHART_MONTHS = 24


# --- What needs the provider now ------------------------------------------------------


@dataclass(frozen=True)
class ExpiringRegistration:
    registration: object
    days_left: int

    @property
    def days_text(self):
        # On its last day a registration is still in force: "vandaag".
        return presenters.days_left_text(self.days_left)


@dataclass
class ProviderAttention:
    """The provider's open work: dossiers to confirm (each with its Deadline), its
    registrations ending within six months, its bank-account changes in review."""

    projects_to_confirm: list = field(default_factory=list)
    more_projects_to_confirm: bool = False
    expiring_registrations: list = field(default_factory=list)
    bank_account_changes: list = field(default_factory=list)

    def __bool__(self):
        return bool(
            self.projects_to_confirm or self.expiring_registrations or self.bank_account_changes
        )


def provider_attention(organisation, *, on=None):
    """What waits for `organisation` as a provider on `on` (default today): three queries.

    - filed dossiers waiting for its confirmation, the nearest term first (at most
      ATTENTION_LIMIT; `more_projects_to_confirm` says there are more);
    - its registrations in force that end within six months and have no successor
      (the ones the expiry reminders are about, registrations.reminders);
    - its bank-account changes waiting for the agency's verification.
    """
    on = on or timezone.localdate()
    projects = list(
        Project.objects.for_organisation(organisation)
        .filter(status=Project.Status.SUBMITTED)
        .select_related("client")
        .order_by(F("confirmation_due_on").asc(nulls_last=True), "filed_on", "pk")[
            : ATTENTION_LIMIT + 1
        ]
    )
    registrations = reminder_candidates(on).filter(service_provider__organisation=organisation)
    changes = (
        BankAccountChange.objects.for_organisation(organisation)
        .pending()
        .select_related("service_provider")
        .order_by("requested_at", "pk")
    )
    return ProviderAttention(
        projects_to_confirm=[
            (project, presenters.deadline(project, viewer=presenters.PROVIDER, on=on))
            for project in projects[:ATTENTION_LIMIT]
        ],
        more_projects_to_confirm=len(projects) > ATTENTION_LIMIT,
        expiring_registrations=[
            ExpiringRegistration(registration, (registration.valid_until - on).days)
            for registration in registrations
        ],
        bank_account_changes=list(changes),
    )


# --- The provider's dossiers per month ------------------------------------------------


@dataclass(frozen=True)
class MonthTotal:
    month: datetime.date  # the first day of the month
    count: int
    amount: object  # Decimal: the dossiers' amounts excluding VAT
    subsidy: object  # Decimal: their subsidy amounts


def chart_window(on=None, months=CHART_MONTHS):
    """The first days of the `months` calendar months up to and including `on`'s."""
    on = on or timezone.localdate()
    first = on.replace(day=1)
    return [add_months(first, offset) for offset in range(-(months - 1), 1)]


def project_monthly_totals(organisation, *, on=None, months=CHART_MONTHS):
    """The dossiers `organisation` was named in per month of filing, over the last
    `months` calendar months up to `on` (this month included): one aggregate query;
    a month without dossiers is there with zeros."""
    on = on or timezone.localdate()
    window = chart_window(on, months)
    rows = (
        Project.objects.for_organisation(organisation)
        .filter(filed_on__gte=window[0], filed_on__lte=on)
        .annotate(month=TruncMonth("filed_on"))
        .values("month")
        .annotate(count=Count("pk"), amount=Sum("amount_excl_vat"), subsidy=Sum("subsidy_amount"))
        .order_by("month")
    )
    found = {}
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        found[month] = row
    return [
        MonthTotal(
            month=month,
            count=found.get(month, {}).get("count") or 0,
            amount=found.get(month, {}).get("amount") or ZERO,
            subsidy=found.get(month, {}).get("subsidy") or ZERO,
        )
        for month in window
    ]


# The chart's box (SVG user units; the SVG scales to the width of the page).
CHART_WIDTH = 760
CHART_LEFT = 96
CHART_RIGHT_MARGIN = 12
PANEL_HEIGHT = 130


def _whole_euro(value):
    return f"€ {number_format(value, decimal_pos=0, force_grouping=True)}"


def _count(value):
    return number_format(value, decimal_pos=0, force_grouping=True)


def monthly_chart(totals):
    """The geometry of the dossiers-per-month chart: two panels (number of dossiers,
    amounts excluding VAT) over the same months, and the month labels below."""
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT_MARGIN
    months = [total.month for total in totals]
    month_names = [date_format(month, "F Y") for month in months]
    count_panel = charts.bar_panel(
        [total.count for total in totals],
        heading=gettext("Aantal dossiers"),
        top=28,
        height=PANEL_HEIGHT,
        left=CHART_LEFT,
        width=plot_width,
        format_value=_count,
        integer=True,
        titles=[
            ngettext("%(month)s: %(count)s dossier", "%(month)s: %(count)s dossiers", t.count)
            % {"month": name, "count": _count(t.count)}
            for name, t in zip(month_names, totals, strict=True)
        ],
    )
    amount_panel = charts.bar_panel(
        [total.amount for total in totals],
        heading=gettext("Bedrag exclusief btw"),
        top=count_panel.bottom + 52,
        height=PANEL_HEIGHT,
        left=CHART_LEFT,
        width=plot_width,
        format_value=_whole_euro,
        titles=[f"{name}: {euro(t.amount)}" for name, t in zip(month_names, totals, strict=True)],
    )
    # A label under every third month (January, April, July, October and so on from
    # the window's start), with the year: 24 labels would not fit on a phone.
    labels = [
        {
            "x": charts.slot_centre(index, count=len(months), left=CHART_LEFT, width=plot_width),
            "text": date_format(month, "M Y"),
        }
        for index, month in enumerate(months)
        if month.month % 3 == 1
    ]
    return {
        "width": CHART_WIDTH,
        "height": amount_panel.bottom + 40,
        "panels": [count_panel, amount_panel],
        "month_labels": labels,
        "label_y": amount_panel.bottom + 22,
        "first_month": months[0] if months else None,
        "last_month": months[-1] if months else None,
        "total_count": sum(total.count for total in totals),
        "total_amount": sum((total.amount for total in totals), ZERO),
    }


# --- The SME's dossiers per status ----------------------------------------------------


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def sme_status_counts(organisation, *, on=None):
    """How many of the dossiers `organisation` filed as the client have each status as
    people see it (the derived lapse applied), in workflow order: one query."""
    rows = (
        Project.objects.for_client(organisation)
        .with_deadline(on=on)
        .values("effective_status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    counts = {row["effective_status"]: row["count"] for row in rows}
    return [
        StatusCount(status=status, label=presenters.status_label(status), count=counts[status])
        for status in Project.Status
        if counts.get(status)
    ]
