"""Amounts in the admin as the portal shows them ("€ 40.000,00"), short dossier lists,
and red buttons only for what takes something away.

Sam administers (superuser) and is signed in.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import AnnualCeiling, Payment, Project
from tests.factories import make_superuser
from tests.projects.domain_support import project_in

pytestmark = pytest.mark.django_db
Status = Project.Status
QUEUE = reverse("admin:projects_project_changelist")


@pytest.fixture
def sam(sam, client):
    client.force_login(make_superuser(sam))
    return sam


@pytest.fixture
def large(sam):
    return project_in(
        Status.PARTIALLY_PAID,
        amount_excl_vat=Decimal("40000.00"),
        subsidy_amount=Decimal("12000.00"),
        own_share=Decimal("28000.00"),
        amount_paid=Decimal("1234.50"),
    )


def test_the_dossier_queue_shows_amounts_in_euro_the_belgian_way(client, large):
    text = client.get(QUEUE, {"status": Status.PARTIALLY_PAID}).content.decode()

    assert "€ 40.000,00" in text
    assert "€ 12.000,00" in text
    assert "€ 1.234,50" in text
    assert "40000,00" not in text


def test_the_dossier_queue_keeps_status_amounts_and_dates_in_a_few_columns(client, large):
    response = client.get(QUEUE)

    columns = response.context["cl"].list_display
    assert len(columns) <= 9
    for needed in ["state", "filed_on", "amount_excl_vat_eur", "subsidy_amount_eur"]:
        assert needed in columns


def test_a_dossiers_page_shows_its_amounts_and_payments_in_euro(client, sam, large):
    Payment.objects.create(
        project=large, amount=Decimal("1234.50"), paid_on=large.filed_on, recorded_by=sam
    )

    text = client.get(reverse("admin:projects_project_change", args=[large.pk])).content.decode()

    for amount in ["€ 40.000,00", "€ 12.000,00", "€ 28.000,00", "€ 1.234,50", "€ 38.765,50"]:
        assert amount in text, amount


def test_the_annual_ceilings_show_in_euro(client, sam):
    AnnualCeiling.objects.all().delete()
    AnnualCeiling.objects.create(amount=Decimal("7500.00"), valid_from="2020-01-01")

    text = client.get(reverse("admin:projects_annualceiling_changelist")).content.decode()

    assert "€ 7.500,00" in text


def test_the_step_pages_show_amounts_in_euro(client, large):
    url = reverse("admin:projects_project_record_payment", args=[large.pk])

    text = client.get(url).content.decode()

    assert "€ 40.000,00" in text
    assert "€ 38.765,50" in text


def test_granting_is_a_primary_button_and_stopping_a_red_one(client, sam):
    deposited = project_in(Status.DEPOSITED)

    page = client.get(reverse("admin:projects_project_change", args=[deposited.pk]))
    buttons = {action["label"]: action["danger"] for action in page.context["object_actions"]}
    grant = client.get(reverse("admin:projects_project_grant", args=[deposited.pk]))
    stop = client.get(reverse("admin:projects_project_stop", args=[deposited.pk]))

    assert buttons == {"Subsidie toekennen": False, "Stopzetten": True}
    assert 'value="Subsidie toekennen" class="default"' in grant.content.decode()
    assert 'value="Stopzetten" class="button-danger"' in stop.content.decode()


def test_annuleren_is_a_button_like_the_action_beside_it(client, sam):
    deposited = project_in(Status.DEPOSITED)

    text = client.get(reverse("admin:projects_project_grant", args=[deposited.pk])).content
    text = text.decode()

    assert 'class="submit-row kmo-actions"' in text
    assert 'class="button button-secondary">Annuleren</a>' in text


def test_the_admin_loads_its_own_stylesheet(client, sam):
    text = client.get(QUEUE).content.decode()

    assert "css/admin" in text
