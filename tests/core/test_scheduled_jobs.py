"""The jobs beat runs (CELERY_BEAT_SCHEDULE): each one is a task of the portal, and each is
safe to run twice: a second run has no effect of its own.

The tasks run as the worker runs them (Celery's apply); their mails go through the
outbox to a real SMTP server (aiosmtpd).
"""

import datetime
import io

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from core import mail
from core.models import OutboxMail
from core.tasks import mail_outbox_sweep, sessions_clear
from portal.celery import app
from projects.models import Project, ProjectEvent
from projects.tasks import projects_lapse
from registrations.models import ExpiryReminder
from registrations.tasks import registration_reminders_send
from tests.factories import OrganisationFactory, RegistrationFactory, ServiceProviderFactory
from tests.projects.domain_support import project_in

pytestmark = pytest.mark.django_db

DAILY = {
    "core.tasks.sessions_clear",
    "directory.tasks.search_documents_listing_refresh",
    "projects.tasks.projects_lapse",
    "registrations.tasks.registration_reminders_send",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The registrations' audit reports of the factories."""
    settings.MEDIA_ROOT = tmp_path


def run_twice(task):
    return [task.apply().get(), task.apply().get()]


def test_beat_runs_the_daily_jobs_once_a_day_and_the_sweep_every_minute():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"]: entry["schedule"] for entry in schedule.values()}

    assert set(tasks) == DAILY | {"core.tasks.mail_outbox_sweep"}
    assert tasks["core.tasks.mail_outbox_sweep"] == 60
    for name in DAILY:
        assert isinstance(tasks[name], crontab)
        assert len(tasks[name].hour) == len(tasks[name].minute) == 1, name
    # Every name is a task the worker knows (it imports every app's tasks module when
    # it starts, as here), and the hours are Brussels hours.
    app.loader.import_default_modules()
    assert set(tasks) <= set(app.tasks)
    assert app.conf.timezone == "Europe/Brussels"


def test_the_registration_reminders_run_twice_send_one_reminder(smtp_server):
    organisation = OrganisationFactory(email="zetel@acme.example")
    registration = RegistrationFactory(
        approved=True,
        service_provider=ServiceProviderFactory(organisation=organisation),
        valid_from=timezone.localdate() - datetime.timedelta(days=1500),
        valid_until=timezone.localdate() + datetime.timedelta(days=150),
    )

    results = run_twice(registration_reminders_send)
    mail.outbox_sweep()

    assert results == [{"six_months": 1, "three_months": 0}, {"six_months": 0, "three_months": 0}]
    assert registration.reminders.get().kind == ExpiryReminder.Kind.SIX_MONTHS
    assert OutboxMail.objects.get().template == "registration_expiry_reminder"
    assert len(smtp_server.messages) == 1


def test_the_lapse_run_twice_records_one_lapse(smtp_server):
    today = timezone.localdate()
    project = project_in(
        Project.Status.CONFIRMED,
        confirmed_at=timezone.now() - datetime.timedelta(days=40),
        deposit_due_on=today - datetime.timedelta(days=10),
    )

    assert run_twice(projects_lapse) == [1, 0]
    mail.outbox_sweep()

    project.refresh_from_db()
    assert project.status == Project.Status.LAPSED
    assert list(project.events.values_list("action", flat=True)) == [ProjectEvent.Action.LAPSE]
    # One mail to each party, once.
    assert OutboxMail.objects.count() == 2
    assert len(smtp_server.messages) == 2


def test_clearing_the_sessions_twice_removes_the_expired_ones_once(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    live = SessionStore()
    live["who"] = "alice"
    live.create()
    expired = SessionStore()
    expired["who"] = "bob"
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    run_twice(sessions_clear)

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_the_outbox_sweep_run_twice_delivers_once(smtp_server):
    organisation = OrganisationFactory(email="zetel@acme.example")
    mail.notify("registration_expiry_reminder", [organisation.email], context_of_a_reminder())

    assert run_twice(mail_outbox_sweep) == [1, 0]

    assert OutboxMail.objects.get().status == OutboxMail.Status.SENT
    assert len(smtp_server.messages) == 1


def context_of_a_reminder():
    registration = RegistrationFactory(approved=True)
    reminder = ExpiryReminder(
        registration=registration,
        kind=ExpiryReminder.Kind.SIX_MONTHS,
        valid_until=registration.valid_until,
    )
    return {
        "registration": registration,
        "service_provider": registration.service_provider,
        "registration_url": "https://portal/x",
        "reminder": reminder,
    }


def test_the_command_without_a_scheduler_delivers_the_outbox_once(smtp_server):
    organisation = OrganisationFactory(email="zetel@acme.example")
    mail.notify("registration_expiry_reminder", [organisation.email], context_of_a_reminder())

    first, second = io.StringIO(), io.StringIO()
    call_command("send_queued_mail", stdout=first)
    call_command("send_queued_mail", stdout=second)

    assert (first.getvalue(), second.getvalue()) == ("Mails due: 1\n", "Mails due: 0\n")
    assert len(smtp_server.messages) == 1
