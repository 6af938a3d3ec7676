"""Reads about subsidy dossiers.

The domain part (history of one dossier) comes first; the provider overview
and the export have their own section below.
"""

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Sum, When

from core import validators
from projects.models import ZERO, Payment, Project, ProjectEvent
from providers.models import ServiceProvider, Vakgebied
from registrations.models import Registration, ServiceType
from registrations.numbers import parse_registration_number
from registrations.selectors import listed_registrations, listed_service_providers


def project_with_history(*, queryset=None):
    """Dossiers with what their detail pages show: the parties, the vakgebied and the
    registration joined, the events (with who acted) and the payments prefetched.

    Pass an already scoped queryset (`Project.objects.for_organisation(org)` or
    `.for_client(org)`); the result is a queryset to `get()` from.
    """
    queryset = Project.objects.all() if queryset is None else queryset
    return queryset.select_related(
        "client", "service_provider", "provider_organisation", "vakgebied", "registration"
    ).prefetch_related(
        Prefetch("events", queryset=ProjectEvent.objects.select_related("actor")),
        Prefetch("payments", queryset=Payment.objects.order_by("paid_on", "pk")),
    )


# --- Provider overview and export (projviews) -----------------------------------------
#
# The 2.4 overview runs over up to a million dossiers: every filter is on
# Project's own columns (provider_organisation leads each overview index), the
# totals are one aggregate over the filtered rows without the display joins,
# and the page and the export read the rows with the joins they show. The
# number of queries does not depend on the page size or on the export's length.

# Workflow order for sorting on status (alphabetical codes would mean nothing).
STATUS_ORDER = [
    Project.Status.SUBMITTED,
    Project.Status.CONFIRMED,
    Project.Status.DEPOSITED,
    Project.Status.GRANTED,
    Project.Status.PARTIALLY_PAID,
    Project.Status.PAID,
    Project.Status.CLOSED,
    Project.Status.REFUSED,
    Project.Status.STOPPED,
    Project.Status.LAPSED,
]
OVERVIEW_SORTS = {
    "aanvraagdatum": "filed_on",
    "startdatum": "start_date",
    "klant": "client__name",
    "bedrag": "amount_excl_vat",
    "status": "status_rank",
}
# What a row of the overview shows (projects.presenters.overview_rows lays it out): the
# dossier's own columns, the names it joins, and the status and next deadline that
# ProjectQuerySet.with_deadline() works out in the same query.
OVERVIEW_FIELDS = [
    "pk",
    "number",
    "title",
    "client__name",
    "client__kbo_number",
    "service_type",
    "vakgebied__name",
    "service_provider__name",
    "filed_on",
    "start_date",
    "amount_excl_vat",
    "subsidy_amount",
    "subsidy_percentage",
    "effective_status",
    "next_deadline",
    "days_left",
]
# What the export reads of each dossier (projects.exports turns it into columns).
EXPORT_FIELDS = [
    "number",
    "filed_on",
    "client__name",
    "client__kbo_number",
    "service_provider__name",
    "registration__number",
    "service_type",
    "title",
    "training_kind",
    "vakgebied__name",
    "theme",
    "higher_rate_topic",
    "start_date",
    "end_date",
    "amount_excl_vat",
    "subsidy_percentage",
    "subsidy_amount",
    "own_share",
    "amount_paid",
    "effective_status",
    "next_deadline",
    "days_left",
]


def _client_filter(text):
    """A client by KBO number when `text` is one, else by (part of) its name."""
    try:
        return Q(client__kbo_number=validators.normalise_kbo_number(text))
    except ValidationError:
        return Q(client__name__icontains=text)


def project_overview_filtered(
    *,
    organisation,
    status="",
    filed_from=None,
    filed_until=None,
    client="",
    vakgebied=None,
    service_type="",
    service_provider=None,
    on=None,
):
    """The dossiers naming `organisation`'s service providers, narrowed by the filters.

    `status` is the status as people see it (a confirmed dossier past its deposit
    deadline counts as "vervallen"); the period is on the filing date, both ends
    included. No ordering, joins or annotations: the base for the page, the
    totals and the export.
    """
    projects = Project.objects.for_organisation(organisation)
    if status:
        projects = projects.with_status(status, on=on)
    if filed_from:
        projects = projects.filter(filed_on__gte=filed_from)
    if filed_until:
        projects = projects.filter(filed_on__lte=filed_until)
    if client:
        projects = projects.filter(_client_filter(client))
    if vakgebied is not None:
        projects = projects.filter(vakgebied=vakgebied)
    if service_type:
        projects = projects.filter(service_type=service_type)
    if service_provider is not None:
        projects = projects.filter(service_provider=service_provider)
    return projects


def project_overview(*, sort="aanvraagdatum", descending=True, on=None, **filters):
    """The rows of the 2.4 overview: filtered, sorted (newest filing first by default),
    with the client, service provider and vakgebied joined and the next deadline
    and days left annotated (ProjectQuerySet.with_deadline). Ties break on the
    dossier's id, so paging is stable."""
    projects = (
        project_overview_filtered(on=on, **filters)
        .select_related("client", "service_provider", "vakgebied", "registration")
        .with_deadline(on=on)
    )
    field = OVERVIEW_SORTS.get(sort, OVERVIEW_SORTS["aanvraagdatum"])
    if field == "status_rank":
        projects = projects.annotate(
            status_rank=Case(
                *(
                    When(effective_status=value, then=rank)
                    for rank, value in enumerate(STATUS_ORDER)
                ),
                output_field=IntegerField(),
            )
        )
    prefix = "-" if descending else ""
    return projects.order_by(f"{prefix}{field}", f"{prefix}pk")


class OverviewRows:
    """The overview's rows as a sequence for the Paginator, read a page at a time by a
    deferred join: the sort runs on the dossiers' ids alone (with only the join its
    sort key needs), then the page's rows are read by id with their joins.

    Sorting a big provider's 100,000 dossiers on the client's name or the amount
    with every displayed column joined costs the sort all those wide rows; sorting
    ids and reading 25 rows does not. One query per page, whatever its size.
    `count` is known beforehand (from project_overview_totals), so len() costs nothing.

    A row is a dict of OVERVIEW_FIELDS, not a Project with its client, service
    provider and vakgebied: the page only shows them, and reading the columns it
    shows as values takes a quarter of the time of building five model instances
    per row.
    """

    def __init__(self, *, count, **overview):
        self.count = count
        self.overview = overview

    def __len__(self):
        return self.count

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("OverviewRows are read a page (a slice) at a time")
        rows = project_overview(**self.overview)
        page_ids = rows.values("pk")[index]
        return list(rows.filter(pk__in=page_ids).values(*OVERVIEW_FIELDS))


def overview_service_providers(organisation):
    """The organisation's service providers as the overview's filter offers them, each
    with `offers_advice`: whether it has a registration for advice, which decides the
    page's notice about the reform of 1 February 2026. One query for both."""
    advice = Registration.objects.filter(
        service_provider=OuterRef("pk"), service_type=ServiceType.ADVICE
    )
    return (
        ServiceProvider.objects.for_organisation(organisation)
        .annotate(offers_advice=Exists(advice))
        .order_by("type", "name", "pk")
    )


def project_overview_totals(queryset):
    """Count, amount excluding VAT and subsidy of a filtered set of dossiers, in one query."""
    totals = queryset.order_by().aggregate(
        count=Count("pk"),
        amount=Sum("amount_excl_vat"),
        subsidy=Sum("subsidy_amount"),
    )
    return {
        "count": totals["count"],
        "amount": totals["amount"] or ZERO,
        "subsidy": totals["subsidy"] or ZERO,
    }


def project_export_rows(*, chunk_size=2000, **filters):
    """The overview's rows for the export, as tuples of EXPORT_FIELDS in that order,
    read in chunks.

    One query whatever the number of rows (a server-side cursor on PostgreSQL),
    so a long export never holds all dossiers in memory. Tuples, not dicts: a dict
    per row cost a tenth of the time of a 10,000-row export.
    """
    return (
        project_overview(**filters)
        .select_related(None)
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def application_provider_candidates(*, text, limit=20, on=None):
    """The publicly listed service providers an SME can name in an application, matching
    a registration number (DV.O000123), a KBO number or every word of `text` in the
    name; at most `limit`, by name, with their registrations in force and vakgebieden.

    Who may be named is decided by registrations.selectors alone, and a registration
    number is read by registrations.numbers alone, as for the public search: a number
    the search finds, the SME can name ("DVA123" as well as "DV.A000123").
    """
    text = (text or "").strip()
    if not text:
        return ServiceProvider.objects.none()
    registrations = listed_registrations(on=on)
    providers = listed_service_providers(on=on)
    number = parse_registration_number(text)
    if number:
        providers = providers.filter(
            pk__in=registrations.filter(number=number).values("service_provider_id")
        )
    else:
        try:
            providers = providers.filter(kbo_number=validators.normalise_kbo_number(text))
        except ValidationError:
            for word in text.split():
                providers = providers.filter(name__icontains=word)
    return (
        providers.select_related("organisation")
        .prefetch_related(
            Prefetch(
                "registrations",
                queryset=registrations.order_by("service_type"),
                to_attr="listed_registrations",
            ),
            Prefetch("vakgebieden", queryset=Vakgebied.objects.order_by("name")),
        )
        .order_by("name", "pk")[:limit]
    )
