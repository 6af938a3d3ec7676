"""The eligibility rules of an application that follow from its own fields (Project.clean,
through project_build), the constraints, and what the dossier derives from its dates (lapse,
deadlines) in Python and in the database. The rules that need other rows (vakgebied,
registration) are project_build's own: see test_services.py."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from projects.models import Project
from projects.services import project_build
from tests.factories import ProjectFactory, UserFactory
from tests.projects.domain_support import application, registered_provider, sme

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate
Status = Project.Status


@pytest.fixture
def provider():
    return registered_provider(name="Vormingscentrum Schelde")


@pytest.fixture
def client_org():
    return sme()


@pytest.fixture
def an():
    return UserFactory(username="an", first_name="An", last_name="Willems")


def errors_of(provider, client_org, an, **overrides):
    with pytest.raises(ValidationError) as caught:
        project_build(**application(client=client_org, provider=provider, user=an, **overrides))
    return caught.value.message_dict


def test_it_accepts_an_application_filed_on_the_fourteenth_day(provider, client_org, an):
    filed_on = datetime.date(2026, 3, 15)
    project = project_build(
        **application(
            client=client_org,
            provider=provider,
            user=an,
            filed_on=filed_on,
            start_date=filed_on - datetime.timedelta(days=14),
        )
    )
    assert project.filing_deadline == filed_on


def test_it_refuses_an_application_filed_on_the_fifteenth_day(provider, client_org, an):
    filed_on = datetime.date(2026, 3, 16)
    errors = errors_of(
        provider, client_org, an, filed_on=filed_on, start_date=datetime.date(2026, 3, 1)
    )
    assert errors["start_date"] == [
        "Een steunaanvraag moet ten laatste 14 kalenderdagen na de startdatum ingediend "
        "worden. Voor een dienstverlening die startte op 01/03/2026 kon dat tot en met "
        "15/03/2026."
    ]


def test_it_accepts_an_application_filed_before_the_start(provider, client_org, an):
    project = project_build(
        **application(
            client=client_org,
            provider=provider,
            user=an,
            start_date=TODAY() + datetime.timedelta(days=20),
            end_date=TODAY() + datetime.timedelta(days=40),
        )
    )
    assert project.start_date > project.filed_on


def test_it_refuses_an_end_before_the_start(provider, client_org, an):
    errors = errors_of(provider, client_org, an, end_date=TODAY() - datetime.timedelta(days=10))
    assert errors["end_date"] == ["De einddatum mag niet vóór de startdatum liggen."]


@pytest.mark.parametrize("amount", [Decimal("0.00"), Decimal("-5.00")])
def test_it_refuses_an_amount_that_is_not_positive(provider, client_org, an, amount):
    errors = errors_of(provider, client_org, an, amount_excl_vat=amount)
    assert errors["amount_excl_vat"] == ["Het bedrag exclusief btw moet groter zijn dan € 0,00."]


def test_it_refuses_a_large_enterprise_with_the_reason(provider, client_org, an):
    errors = errors_of(provider, client_org, an, company_size="large")
    assert "Een grote onderneming komt niet in aanmerking" in errors["company_size"][0]
    assert "kleine en middelgrote ondernemingen" in errors["company_size"][0]


def test_a_training_needs_its_kind(provider, client_org, an):
    errors = errors_of(provider, client_org, an, service_type="O", training_kind="")
    assert errors["training_kind"] == [
        "Kies de soort opleiding: klassikaal, afstandsleren of intern."
    ]


def test_advice_has_no_kind_of_training(provider, client_org, an):
    errors = errors_of(provider, client_org, an, service_type="A", training_kind="classroom")
    assert errors["training_kind"] == ["De soort opleiding geldt alleen voor een opleiding."]


def test_energy_efficiency_gets_the_higher_rate_only_for_training(provider, client_org, an):
    errors = errors_of(
        provider,
        client_org,
        an,
        service_type="A",
        training_kind="",
        higher_rate_topic="energy_efficiency",
    )
    assert "alleen voor een opleiding" in errors["higher_rate_topic"][0]


def test_an_enterprise_cannot_file_for_its_own_provider(provider, an):
    errors = errors_of(provider, provider.organisation, an)
    assert "eigen dienstverlener" in errors["service_provider"][0]


def test_the_theme_must_be_one_of_the_eight(provider, client_org, an):
    assert "theme" in errors_of(provider, client_org, an, theme="Energie")


def test_clean_runs_no_query_and_changes_nothing(
    provider, client_org, an, django_assert_num_queries
):
    project = project_build(**application(client=client_org, provider=provider, user=an))
    fields = {field.attname: getattr(project, field.attname) for field in Project._meta.fields}

    with django_assert_num_queries(0):
        project.clean()

    assert {field.attname: getattr(project, field.attname) for field in Project._meta.fields} == (
        fields
    )


def test_clean_refuses_without_a_query_when_the_client_owns_the_provider(
    provider, an, django_assert_num_queries
):
    project = Project(
        client_id=provider.organisation_id,
        service_provider_id=provider.pk,
        provider_organisation_id=provider.organisation_id,
        company_size="large",
        service_type="A",
        filed_on=TODAY(),
    )

    with django_assert_num_queries(0), pytest.raises(ValidationError) as caught:
        project.clean()

    assert set(caught.value.message_dict) == {"company_size", "service_provider"}


def test_the_database_refuses_a_large_enterprise():
    with pytest.raises(IntegrityError):
        ProjectFactory(company_size="large")


def test_the_database_refuses_an_own_share_that_is_not_the_rest():
    with pytest.raises(IntegrityError):
        ProjectFactory(own_share=Decimal("1.00"))


def test_the_database_refuses_payments_above_the_amount():
    with pytest.raises(IntegrityError):
        ProjectFactory(amount_paid=Decimal("1000.01"))


# --- Derived from the dates -------------------------------------------------------------


def confirmed_on(day):
    return ProjectFactory(
        status=Status.CONFIRMED,
        confirmed_at=timezone.now(),
        deposit_due_on=day + datetime.timedelta(days=30),
    )


def test_a_confirmed_dossier_is_not_lapsed_on_its_deposit_deadline():
    project = confirmed_on(TODAY() - datetime.timedelta(days=30))
    assert not project.is_lapsed()
    assert project.effective_status() == Status.CONFIRMED
    assert project.days_left() == 0


def test_a_confirmed_dossier_is_lapsed_the_day_after_its_deadline():
    project = confirmed_on(TODAY() - datetime.timedelta(days=31))
    assert project.is_lapsed()
    assert project.get_effective_status_display() == "vervallen"
    assert project.next_deadline() is None
    assert not project.can_be_stopped_by_sme()


def test_the_queryset_finds_lapsed_dossiers_without_the_command():
    in_time = confirmed_on(TODAY() - datetime.timedelta(days=30))
    late = confirmed_on(TODAY() - datetime.timedelta(days=31))
    recorded = ProjectFactory(status=Status.LAPSED, confirmed_at=timezone.now())
    assert set(Project.objects.lapsed()) == {late, recorded}
    assert set(Project.objects.with_status(Status.LAPSED)) == {late, recorded}
    assert set(Project.objects.with_status(Status.CONFIRMED)) == {in_time}
    assert set(Project.objects.counting_for_ceiling()) == {in_time}


def test_the_deadline_annotation_matches_the_instance():
    submitted = ProjectFactory(confirmation_due_on=TODAY() + datetime.timedelta(days=12))
    overdue = ProjectFactory(confirmation_due_on=TODAY() - datetime.timedelta(days=2))
    confirmed = confirmed_on(TODAY() - datetime.timedelta(days=10))
    lapsed = confirmed_on(TODAY() - datetime.timedelta(days=40))
    granted = ProjectFactory(
        status=Status.GRANTED, confirmed_at=timezone.now(), deposit_due_on=TODAY()
    )
    rows = {row.pk: row for row in Project.objects.with_deadline()}
    expected = {
        submitted.pk: (12, Status.SUBMITTED),
        overdue.pk: (-2, Status.SUBMITTED),
        confirmed.pk: (20, Status.CONFIRMED),
        lapsed.pk: (None, Status.LAPSED),
        granted.pk: (None, Status.GRANTED),
    }
    for pk, (days_left, status) in expected.items():
        assert rows[pk].days_left == days_left
        assert rows[pk].effective_status == status
        assert Project.objects.get(pk=pk).days_left() == days_left


def test_the_deadline_annotation_can_be_sorted_on():
    later = ProjectFactory(confirmation_due_on=TODAY() + datetime.timedelta(days=20))
    sooner = ProjectFactory(confirmation_due_on=TODAY() + datetime.timedelta(days=3))
    ordered = Project.objects.with_deadline().order_by("days_left")
    assert list(ordered) == [sooner, later]


def test_the_provider_side_sees_the_dossiers_naming_its_service_providers():
    mine = ProjectFactory()
    other = ProjectFactory()
    assert list(Project.objects.for_organisation(mine.service_provider.organisation)) == [mine]
    assert list(Project.objects.for_client(other.client)) == [other]


def test_annotated_rows_still_give_the_status_display_and_the_days_left():
    ProjectFactory(status=Status.CONFIRMED, confirmed_at=timezone.now(), deposit_due_on=TODAY())
    row = Project.objects.with_deadline().get()
    assert row.effective_status == Status.CONFIRMED
    assert row.get_effective_status_display() == "bevestigd"
    assert Project.days_left(row) == row.days_left == 0
    assert row.can_be_stopped_by_sme()
