"""The reads behind 2.4 and the SME's provider choice (projects.selectors, projviews' section)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects.models import Project
from projects.selectors import (
    EXPORT_FIELDS,
    application_provider_candidates,
    project_export_rows,
    project_overview,
    project_overview_filtered,
    project_overview_totals,
)
from tests.factories import OrganisationFactory, ProjectFactory, ServiceProviderFactory
from tests.projects.domain_support import registered_provider

pytestmark = pytest.mark.django_db


def dossier(provider, **fields):
    registration = provider.registrations.get(service_type=fields.get("service_type", "A"))
    return ProjectFactory(service_provider=provider, registration=registration, **fields)


def test_the_overview_holds_only_the_organisations_dossiers(provider, provider_organisation):
    own = dossier(provider)
    dossier(registered_provider(name="Elders"))

    assert list(project_overview(organisation=provider_organisation)) == [own]


def test_a_dossier_of_a_second_service_provider_of_the_organisation_is_included(
    provider, provider_organisation
):
    second = registered_provider(organisation=provider_organisation, name="Tweede")
    first_dossier, second_dossier = dossier(provider), dossier(second)

    rows = project_overview(organisation=provider_organisation, sort="aanvraagdatum")

    assert set(rows) == {first_dossier, second_dossier}


def test_the_totals_of_an_empty_set_are_zero(provider_organisation):
    totals = project_overview_totals(project_overview_filtered(organisation=provider_organisation))

    assert totals == {"count": 0, "amount": Decimal("0.00"), "subsidy": Decimal("0.00")}


def test_the_totals_add_up_cents_exactly(provider, provider_organisation):
    for amount in ("0.10", "0.20", "1000.05"):
        dossier(provider, amount_excl_vat=Decimal(amount), subsidy_amount=Decimal("0.03"))

    totals = project_overview_totals(project_overview_filtered(organisation=provider_organisation))

    assert totals == {"count": 3, "amount": Decimal("1000.35"), "subsidy": Decimal("0.09")}


def test_sorting_on_status_follows_the_dossiers_life_with_the_derived_lapse(
    provider, provider_organisation
):
    closed = dossier(provider, status="closed")
    lapsed = dossier(provider, confirmed=True)
    Project.objects.filter(pk=lapsed.pk).update(
        deposit_due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    submitted = dossier(provider)
    granted = dossier(provider, status="granted")

    rows = project_overview(organisation=provider_organisation, sort="status", descending=False)

    assert list(rows) == [submitted, granted, closed, lapsed]
    assert [row.effective_status for row in rows] == ["submitted", "granted", "closed", "lapsed"]


def test_the_client_filter_takes_a_kbo_number_in_any_notation_or_a_name(
    provider, provider_organisation
):
    korst = dossier(provider, client=OrganisationFactory(kbo_number="0456789034", name="Korst"))
    dossier(provider, client=OrganisationFactory(name="Bakkerij Brood"))

    for text in ("0456.789.034", "BE0456789034", "korst"):
        rows = project_overview_filtered(organisation=provider_organisation, client=text)
        assert list(rows) == [korst], text


def test_the_period_includes_both_ends(provider, provider_organisation):
    first = dossier(provider, filed_on=datetime.date(2025, 5, 1))
    last = dossier(provider, filed_on=datetime.date(2025, 5, 31))
    dossier(provider, filed_on=datetime.date(2025, 6, 1))

    rows = project_overview_filtered(
        organisation=provider_organisation,
        filed_from=datetime.date(2025, 5, 1),
        filed_until=datetime.date(2025, 5, 31),
    )

    assert set(rows) == {first, last}


def test_the_export_rows_are_read_in_one_query(
    provider, provider_organisation, django_assert_num_queries
):
    for _ in range(5):
        dossier(provider)

    with django_assert_num_queries(1):
        rows = list(project_export_rows(organisation=provider_organisation, chunk_size=2))

    assert len(rows) == 5
    assert len(rows[0]) == len(EXPORT_FIELDS)
    days_left = dict(zip(EXPORT_FIELDS, rows[0], strict=True))["days_left"]
    assert days_left == 30
    assert type(days_left) is int  # as the database gives it, on either engine


# --- The provider choice of the application ------------------------------------------


def test_the_candidates_are_the_publicly_listed_providers_matching_every_word(provider):
    ServiceProviderFactory(name="Vormingscentrum Schelde Bis")  # not registered
    registered_provider(name="Vormingscentrum Leie")

    found = application_provider_candidates(text="schelde vormings")

    assert list(found) == [provider]


@pytest.mark.parametrize(
    "notation",
    [
        "{number}",
        "{lower}",
        "DV {kind} {digits}",
        "DV{kind}{digits}",
        "DV{kind}{short}",
        "dv-{kind}-{short}",
    ],
)
def test_a_registration_number_finds_its_provider(provider, notation):
    """Every spelling that registrations.numbers reads, also without the leading zeros
    ("DVA123"), which the public search has always accepted."""
    number = provider.registrations.get(service_type="O").number
    text = notation.format(
        number=number,
        lower=number.lower(),
        kind=number[3],
        digits=number[4:],
        short=int(number[4:]),
    )

    assert list(application_provider_candidates(text=text)) == [provider]


def test_the_candidates_come_with_registrations_and_vakgebieden_in_three_queries(
    provider, django_assert_num_queries
):
    registered_provider(name="Schelde Twee")

    with django_assert_num_queries(3):
        found = list(application_provider_candidates(text="schelde"))
        summary = [
            ([r.number for r in p.listed_registrations], [v.name for v in p.vakgebieden.all()])
            for p in found
        ]

    assert len(found) == 2
    assert summary[0][1] == ["Energie", "ICT"]


def test_no_text_finds_nobody(provider):
    assert list(application_provider_candidates(text="  ")) == []
