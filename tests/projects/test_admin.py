"""The agency's side in the Django admin: the dossier queue, the step pages, and the rates.

Sam may act (superuser), Vera may only look (view permission), Alice is no staff.
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from projects.models import Payment, Project, ProjectEvent, SubsidyRate
from tests.factories import OrganisationFactory, UserFactory, make_superuser
from tests.projects.domain_support import project_in

pytestmark = pytest.mark.django_db
Status = Project.Status
QUEUE = reverse("admin:projects_project_changelist")
TODAY = timezone.localdate


@pytest.fixture
def sam(sam, client):
    """Sam administers the portal (every right in the admin) and is signed in."""
    client.force_login(make_superuser(sam))
    return sam


@pytest.fixture
def vera(db):
    vera = UserFactory(username="vera", is_staff=True)
    vera.user_permissions.add(Permission.objects.get(codename="view_project"))
    return vera


def step_url(project, key):
    return reverse(f"admin:projects_project_{key}", args=[project.pk])


def change_url(project):
    return reverse("admin:projects_project_change", args=[project.pk])


def test_the_queue_finds_a_client_by_kbo_number_in_any_notation(client, sam):
    korst = OrganisationFactory(name="Bakkerij De Gouden Korst", kbo_number="0123456749")
    mine = project_in(Status.SUBMITTED, client=korst)
    other = project_in(Status.SUBMITTED)
    for term in ["0123.456.749", "BE 0123 456 749", "123456749"]:
        response = client.get(QUEUE, {"q": term})
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [mine], term
    assert other.number.encode() in client.get(QUEUE).content


def test_the_status_filter_shows_dossiers_lapsed_by_their_dates(client, sam):
    late = project_in(Status.CONFIRMED, deposit_due_on=TODAY() - datetime.timedelta(days=1))
    in_time = project_in(Status.CONFIRMED)
    assert list(client.get(QUEUE, {"status": "lapsed"}).context["cl"].result_list) == [late]
    assert list(client.get(QUEUE, {"status": "confirmed"}).context["cl"].result_list) == [in_time]


def test_the_queue_runs_a_constant_number_of_queries(client, sam, django_assert_max_num_queries):
    project_in(Status.SUBMITTED)
    client.get(QUEUE)  # warm the session and content types
    with django_assert_max_num_queries(12) as one:
        client.get(QUEUE)
    for status in [Status.CONFIRMED, Status.GRANTED, Status.PAID] * 5:
        project_in(status)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(QUEUE)


@pytest.mark.parametrize(
    ("status", "labels"),
    [
        (Status.SUBMITTED, ["Stopzetten"]),
        (Status.CONFIRMED, ["Eigen aandeel gestort registreren", "Stopzetten"]),
        (Status.DEPOSITED, ["Subsidie toekennen", "Stopzetten"]),
        (Status.GRANTED, ["Betaling registreren", "Stopzetten"]),
        (Status.PARTIALLY_PAID, ["Betaling registreren", "Stopzetten"]),
        (Status.PAID, ["Afsluiten", "Stopzetten"]),
        (Status.CLOSED, []),
        (Status.STOPPED, []),
        (Status.REFUSED, []),
        (Status.LAPSED, []),
    ],
)
def test_the_change_page_offers_the_steps_the_status_allows(client, sam, status, labels):
    project = project_in(status)
    response = client.get(change_url(project))
    assert response.status_code == 200
    assert [step["label"] for step in response.context["object_actions"]] == labels
    for step in response.context["object_actions"]:
        assert str(step["label"]) in response.content.decode()


def test_the_change_page_shows_the_events_and_payments_and_edits_nothing(client, sam):
    project = project_in(Status.PARTIALLY_PAID)
    Payment.objects.create(
        project=project, amount=Decimal("100.00"), paid_on=TODAY(), recorded_by=sam
    )
    ProjectEvent.objects.create(
        project=project, action="grant", from_status="deposited", to_status="granted", actor=sam
    )
    response = client.get(change_url(project))
    content = response.content.decode()
    assert "subsidie toegekend" in content
    assert "100,00" in content
    assert 'name="title"' not in content
    assert client.post(change_url(project), {"title": "Gewijzigd"}).status_code == 403


def test_staff_record_the_deposit(client, sam, django_capture_on_commit_callbacks):
    project = project_in(Status.CONFIRMED)
    assert client.get(step_url(project, "record_deposit")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            step_url(project, "record_deposit"), {"paid_on": TODAY().isoformat()}
        )
    assert response.status_code == 302
    assert response.url == change_url(project)
    project.refresh_from_db()
    assert (project.status, project.deposit_paid_on) == (Status.DEPOSITED, TODAY())
    assert project.events.get().actor == sam
    assert len(mail.outbox) == 2  # to the SME and to the provider


def test_a_deposit_after_the_deadline_is_refused_with_the_reason(client, sam):
    project = project_in(
        Status.CONFIRMED,
        confirmed_at=timezone.now() - datetime.timedelta(days=40),
        deposit_due_on=TODAY() - datetime.timedelta(days=10),
    )
    response = client.post(
        step_url(project, "record_deposit"), {"paid_on": TODAY().isoformat()}, follow=True
    )
    assert "Dit dossier is vervallen" in str(next(iter(response.context["messages"])))
    project.refresh_from_db()
    assert project.status == Status.CONFIRMED


def test_staff_grant_the_subsidy(client, sam):
    project = project_in(Status.DEPOSITED)
    response = client.post(step_url(project, "grant"), {"remark": "Budget 2026"})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Status.GRANTED
    assert project.events.get().remark == "Budget 2026"


def test_staff_record_payments_with_amount_and_date(client, sam):
    project = project_in(Status.GRANTED)
    form = client.get(step_url(project, "record_payment")).context["form"]
    assert form.initial["amount"] == Decimal("1000.00")
    client.post(
        step_url(project, "record_payment"),
        {"amount": "400,00", "paid_on": TODAY().isoformat()},
    )
    project.refresh_from_db()
    assert (project.status, project.amount_paid) == (Status.PARTIALLY_PAID, Decimal("400.00"))
    client.post(
        step_url(project, "record_payment"), {"amount": "600", "paid_on": TODAY().isoformat()}
    )
    project.refresh_from_db()
    assert project.status == Status.PAID
    assert project.payments.count() == 2


def test_a_payment_above_what_is_left_keeps_the_form_with_the_message(client, sam):
    project = project_in(Status.GRANTED)
    response = client.post(
        step_url(project, "record_payment"), {"amount": "1000.01", "paid_on": TODAY().isoformat()}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount"] == [
        "Dit bedrag is hoger dan wat nog te betalen is (€ 1.000,00 van € 1.000,00)."
    ]
    assert not Payment.objects.exists()


def test_staff_close_a_paid_dossier(client, sam):
    project = project_in(Status.PAID)
    client.post(step_url(project, "close"), {"remark": ""})
    project.refresh_from_db()
    assert project.status == Status.CLOSED


def test_staff_stop_a_dossier_with_a_reason(client, sam):
    project = project_in(Status.GRANTED)
    response = client.post(step_url(project, "stop"), {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    client.post(step_url(project, "stop"), {"reason": "Dubbele aanvraag"})
    project.refresh_from_db()
    assert (project.status, project.stop_reason) == (Status.STOPPED, "Dubbele aanvraag")


def test_a_step_the_status_does_not_allow_is_refused_with_a_message(client, sam):
    project = project_in(Status.SUBMITTED)
    response = client.post(step_url(project, "grant"), {"remark": ""}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(project)
    assert [str(message) for message in response.context["messages"]] == [
        "'Subsidie toekennen' kan niet bij een dossier met status 'ingediend'. De pagina toont "
        "de stappen die nu mogelijk zijn."
    ]
    project.refresh_from_db()
    assert project.status == Status.SUBMITTED


def test_viewing_staff_see_no_steps_and_cannot_take_one(client, vera):
    client.force_login(vera)
    project = project_in(Status.DEPOSITED)
    response = client.get(change_url(project))
    assert response.status_code == 200
    assert response.context["object_actions"] == []
    assert client.post(step_url(project, "grant"), {}).status_code == 403
    project.refresh_from_db()
    assert project.status == Status.DEPOSITED


def test_a_provider_user_cannot_open_the_admin(client):
    client.force_login(UserFactory(username="alice"))
    project = project_in(Status.DEPOSITED)
    response = client.get(step_url(project, "grant"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_staff_add_a_rate_period_but_not_an_overlapping_one(client, sam):
    url = reverse("admin:projects_subsidyrate_add")
    data = {
        "company_size": "small",
        "higher_rate": "",
        "percentage": "25",
        "valid_from": "2027-01-01",
        "valid_until": "",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Deze periode overlapt met" in response.content.decode()
    SubsidyRate.objects.filter(company_size="small", higher_rate=False).update(
        valid_until=datetime.date(2026, 12, 31)
    )
    assert client.post(url, data).status_code == 302
    assert SubsidyRate.objects.filter(percentage=Decimal("25")).exists()


def test_the_rate_lists_open(client, sam):
    assert client.get(reverse("admin:projects_subsidyrate_changelist")).status_code == 200
    assert client.get(reverse("admin:projects_annualceiling_changelist")).status_code == 200
