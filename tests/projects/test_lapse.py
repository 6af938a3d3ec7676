"""A dossier lapses when the own share is not paid within 30 days of the confirmation: the
portal derives it from the dates, and the daily command records it, once."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxMail
from projects.models import Project, ProjectEvent
from projects.services import project_lapse, projects_lapse_due
from tests.factories import OrganisationFactory, UserFactory
from tests.projects.domain_support import project_in

pytestmark = pytest.mark.django_db
Status = Project.Status
TODAY = timezone.localdate


def confirmed(days_ago, **fields):
    """A dossier the provider confirmed `days_ago` days ago."""
    # Count in calendar days from today: "now minus n times 24 h" can fall on another local
    # date near midnight when a daylight-saving change lies in between.
    confirmed_on = timezone.localdate() - datetime.timedelta(days=days_ago)
    return project_in(
        Status.CONFIRMED,
        confirmed_at=timezone.now() - datetime.timedelta(days=days_ago),
        deposit_due_on=confirmed_on + datetime.timedelta(days=30),
        **fields,
    )


def run(*args):
    out = StringIO()
    call_command("lapse_projects", *args, stdout=out)
    return out.getvalue()


def test_the_portal_sees_the_lapse_before_the_command_runs():
    on_time = confirmed(30)
    late = confirmed(31)
    assert not on_time.is_lapsed()
    assert late.is_lapsed()
    assert set(Project.objects.lapsed()) == {late}
    # Nothing was written.
    assert Project.objects.filter(status=Status.LAPSED).count() == 0


def test_the_command_records_the_lapse_once(django_capture_on_commit_callbacks):
    sme = OrganisationFactory(email="info@korst.example")
    late = confirmed(31, client=sme, filed_by=UserFactory(email="an@korst.example"))
    on_time = confirmed(30)
    with django_capture_on_commit_callbacks(execute=True):
        assert run() == "Dossiers lapsed: 1\n"
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert (late.status, on_time.status) == (Status.LAPSED, Status.CONFIRMED)
    assert late.lapsed_at is not None
    event = late.events.get()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        ProjectEvent.Action.LAPSE,
        Status.CONFIRMED,
        Status.LAPSED,
        None,
    )
    assert "niet gestort binnen 30 dagen" in event.reason
    # Both parties are told.
    addresses = sorted(address for message in mail.outbox for address in message.to)
    assert "an@korst.example" in addresses
    assert late.service_provider.email in addresses
    assert len(mail.outbox) == 2

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert run() == "Dossiers lapsed: 0\n"
    assert late.events.count() == 1
    assert mail.outbox == []


def test_the_command_can_act_as_of_another_day():
    project = confirmed(20)
    assert run("--today", (TODAY() + datetime.timedelta(days=9)).isoformat()).endswith(": 0\n")
    assert run("--today", (TODAY() + datetime.timedelta(days=11)).isoformat()).endswith(": 1\n")
    project.refresh_from_db()
    assert project.status == Status.LAPSED


def test_the_command_leaves_other_statuses_alone():
    deposited = project_in(Status.DEPOSITED, deposit_due_on=TODAY() - datetime.timedelta(days=5))
    submitted = project_in(Status.SUBMITTED)
    assert projects_lapse_due() == 0
    deposited.refresh_from_db()
    submitted.refresh_from_db()
    assert (deposited.status, submitted.status) == (Status.DEPOSITED, Status.SUBMITTED)


def test_lapsing_a_dossier_that_is_not_due_does_nothing():
    project = confirmed(10)
    assert project_lapse(project=project) is False
    assert not project.events.exists()


# Outside a test transaction, as in production: the e-mails are delivered when each lapse
# commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_mail_server_that_is_down_stops_no_lapse(smtp_server):
    first = confirmed(40)
    second = confirmed(35)
    smtp_server.stop()

    assert projects_lapse_due() == 2

    first.refresh_from_db()
    second.refresh_from_db()
    # Two parties per dossier; each mail waits in the outbox for the server.
    assert OutboxMail.objects.filter(status=OutboxMail.Status.QUEUED, attempts=1).count() == 4
    assert first.status == second.status == Status.LAPSED
