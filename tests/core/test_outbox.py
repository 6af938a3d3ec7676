"""Mail never lost (core.mail, core.tasks): the outbox against a real SMTP server.

Every test sends to aiosmtpd (tests/mailserver.py) through Django's SMTP backend. Tests
that need commits as production has them (the delivery runs on commit) run outside a
test transaction; the others run the commit's callbacks or the sweep themselves.
Without a broker (the test settings) a task runs in the process, as in development.
"""

import datetime
import logging
import threading
import time

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from core import mail
from core.models import OutboxMail
from core.tasks import mail_deliver, mail_outbox_sweep
from portal.oidc.views import SESSION_AUTH_TIME
from portal.roles import MAIL_OPERATOR
from providers.models import BankAccountChange, ServiceProvider, Vakgebied
from providers.services import bank_account_change_request
from registrations.models import Registration
from registrations.services import registration_approve
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
    company_step1_data,
)

pytestmark = pytest.mark.django_db

Status = OutboxMail.Status
NEW_IBAN = "BE48001123456727"
# Outside a test transaction, as in production; the reference data comes back afterwards.
COMMITS = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def provider(db):
    organisation = OrganisationFactory(name="Acme", email="zetel@acme.example")
    return ServiceProviderFactory(
        organisation=organisation,
        type=ServiceProvider.Type.REGISTERED_OFFICE,
        name="Acme Opleidingen",
        email="info@acme.example",
        iban="BE71096123456769",
        bic="GKCCBEBB",
    )


def request_change(provider):
    """A new account asked for by a provider user of the organisation (each time another)."""
    return bank_account_change_request(
        service_provider=provider,
        iban=NEW_IBAN,
        bic="",
        requested_by=MembershipFactory(organisation=provider.organisation).user,
    )


def due_now():
    """Let the backoff pass: every waiting row is due."""
    OutboxMail.objects.exclude(status=Status.SENT).update(next_attempt_at=timezone.now())


def queued_mail(provider):
    """The bank-account change's mail, written and not yet delivered."""
    request_change(provider)
    return OutboxMail.objects.latest("pk")


# --- Written with the change ----------------------------------------------------------------


@COMMITS
def test_a_change_and_its_mail_commit_together(provider, smtp_server):
    with transaction.atomic():
        change = request_change(provider)
        row = OutboxMail.objects.get()
        # Written, and not delivered before the commit.
        assert row.status == Status.QUEUED
        assert smtp_server.messages == []

    row.refresh_from_db()
    assert BankAccountChange.objects.get() == change
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 1, "")
    assert row.sent_at is not None
    [message] = smtp_server.messages
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == row.subject
    assert sorted(smtp_server.envelopes[0]) == ["info@acme.example", "zetel@acme.example"]


@COMMITS
def test_a_change_and_its_mail_roll_back_together(provider, smtp_server):
    with pytest.raises(RuntimeError), transaction.atomic():
        request_change(provider)
        assert OutboxMail.objects.count() == 1
        raise RuntimeError

    assert not BankAccountChange.objects.exists()
    assert not OutboxMail.objects.exists()
    mail.outbox_sweep()
    assert smtp_server.messages == []


def test_each_mail_has_its_own_message_id_in_the_portals_domain(provider, settings):
    settings.PORTAL_BASE_URL = "https://kmo-portefeuille.vlaio.be"
    request_change(provider)
    request_change(provider)

    ids = list(OutboxMail.objects.values_list("message_id", flat=True))
    assert len(set(ids)) == 2
    assert all(value.endswith("@kmo-portefeuille.vlaio.be>") for value in ids)


# --- The mail server down: the user's save succeeds, the mail waits ---------------------------


@pytest.fixture
def signed_in(client, provider):
    """Alice of Acme, signed in a minute ago (recent enough to change the account)."""
    user = UserFactory(username="alice")
    MembershipFactory(user=user, organisation=provider.organisation)
    client.force_login(user)
    session = client.session
    session[SESSION_AUTH_TIME] = int(time.time()) - 60
    session.save()
    return client


def save_new_bank_account(client, provider):
    """Steps 1 and 2 of the company form with a new account: what Alice does."""
    step1 = reverse("providers:company-step-1", kwargs={"pk": provider.pk})
    step2 = reverse("providers:company-step-2", kwargs={"pk": provider.pk})
    client.post(step1, company_step1_data(provider, iban="BE48 0011 2345 6727"))
    return client.post(
        step2,
        {
            "vakgebieden": [Vakgebied.objects.get(name="ICT").pk],
            "description": "Wij geven opleidingen.",
            "wijzig": "1",
        },
    )


@COMMITS
def test_with_the_mail_server_down_a_bank_account_change_is_saved_and_its_mail_waits(
    signed_in, provider, smtp_server
):
    smtp_server.stop()

    response = save_new_bank_account(signed_in, provider)

    assert response.status_code == 302
    assert BankAccountChange.objects.pending().get().new_iban == NEW_IBAN
    row = OutboxMail.objects.get()
    assert (row.template, row.status, row.attempts) == (
        "bank_account_change_requested",
        Status.QUEUED,
        1,
    )
    assert row.last_error == "ConnectionRefusedError"
    assert row.next_attempt_at > timezone.now()

    # Back: the sweep delivers it once the backoff has passed, and only once.
    smtp_server.start()
    assert mail_outbox_sweep.apply().get() == 0
    due_now()
    mail_outbox_sweep.apply()
    mail_outbox_sweep.apply()

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert smtp_server.message_ids() == [row.message_id]


@COMMITS
def test_a_registration_decision_delivers_its_mail_through_the_outbox(
    provider, smtp_server, sam, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    registration = RegistrationFactory(service_provider=provider)

    registration_approve(registration=registration, user=sam)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    row = OutboxMail.objects.get(template="registration_event")
    assert row.status == Status.SENT
    [message] = smtp_server.messages
    assert message["Message-ID"] == row.message_id
    assert registration.number in message.get_content()


# --- Exactly once ---------------------------------------------------------------------------


def test_a_task_delivered_twice_sends_once(provider, smtp_server):
    row = queued_mail(provider)

    mail_deliver.apply(args=(row.pk,))
    mail_deliver.apply(args=(row.pk,))

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert smtp_server.message_ids() == [row.message_id]


def test_only_one_of_two_workers_claims_a_mail(provider):
    row = queued_mail(provider)

    first = mail.claim(row.pk)
    second = mail.claim(row.pk)

    assert first is not None and first.status == Status.SENDING
    assert second is None
    assert first.next_attempt_at > timezone.now() + datetime.timedelta(seconds=290)


def test_a_mail_being_sent_is_left_alone_until_its_lease_runs_out(provider, smtp_server):
    row = queued_mail(provider)
    mail.claim(row.pk)  # a worker is sending it

    assert mail.outbox_sweep() == 0
    mail_deliver.apply(args=(row.pk,))

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENDING, 1)
    assert smtp_server.messages == []


def test_a_mail_left_sending_by_a_killed_worker_is_delivered_once_after_its_lease(
    provider, smtp_server
):
    row = queued_mail(provider)
    mail.claim(row.pk)
    # The worker died before it sent: its lease runs out.
    OutboxMail.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert mail.outbox_sweep() == 1
    assert mail.outbox_sweep() == 0

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)
    assert smtp_server.message_ids() == [row.message_id]


def test_a_mail_left_sending_on_its_last_attempt_is_failed_by_the_sweep(provider, settings):
    settings.MAIL_OUTBOX_MAX_ATTEMPTS = 1
    row = queued_mail(provider)
    mail.claim(row.pk)
    OutboxMail.objects.filter(pk=row.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    assert mail.outbox_sweep() == 0

    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.FAILED, mail.LEASE_EXPIRED)


# --- Retries and failure --------------------------------------------------------------------


def test_the_wait_between_attempts_doubles_up_to_an_hour(settings):
    settings.MAIL_OUTBOX_RETRY_SECONDS = 60
    assert [mail.retry_delay(attempts) for attempts in range(1, 9)] == [
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
        3600,
    ]


def test_after_the_last_attempt_the_mail_is_failed_with_a_reason_that_names_no_address(
    provider, smtp_server, settings, caplog
):
    settings.MAIL_OUTBOX_MAX_ATTEMPTS = 3
    smtp_server.refused.update({"info@acme.example", "zetel@acme.example"})
    row = queued_mail(provider)
    waits = []

    with caplog.at_level(logging.INFO):
        for _attempt in range(5):
            before = timezone.now()
            mail.outbox_sweep()
            row.refresh_from_db()
            if row.status == Status.QUEUED:
                waits.append(round((row.next_attempt_at - before).total_seconds()))
            due_now()

    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert row.last_error == "SMTPRecipientsRefused"
    assert waits == [60, 120]
    assert smtp_server.messages == []
    # The portal's log (core.mail, Celery); aiosmtpd's own ("mail.log") is the server's.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "mail.log")
    assert "failed after 3 attempts: SMTPRecipientsRefused" in logged
    assert "acme.example" not in logged


def test_a_mail_server_that_says_try_later_is_tried_again(provider, smtp_server):
    smtp_server.unavailable = True
    row = queued_mail(provider)

    mail.outbox_sweep()
    row.refresh_from_db()
    assert (row.status, row.last_error) == (Status.QUEUED, "SMTPSenderRefused 421")

    smtp_server.unavailable = False
    due_now()
    mail.outbox_sweep()
    row.refresh_from_db()
    assert row.status == Status.SENT
    assert len(smtp_server.messages) == 1


# --- Resend by staff ------------------------------------------------------------------------


@pytest.fixture
def mail_operator(db):
    user = UserFactory(username="mo", is_staff=True)
    user.groups.add(Group.objects.get(name=MAIL_OPERATOR.name))
    return user


def failed_mail(provider):
    row = queued_mail(provider)
    OutboxMail.objects.filter(pk=row.pk).update(
        status=Status.FAILED, attempts=10, last_error="SMTPServerDisconnected"
    )
    row.refresh_from_db()
    return row


def test_resend_from_the_admin_delivers_a_failed_mail(
    client, mail_operator, provider, smtp_server, django_capture_on_commit_callbacks
):
    row = failed_mail(provider)
    client.force_login(mail_operator)
    change_url = reverse("admin:core_outboxmail_change", args=[row.pk])
    resend_url = reverse("admin:core_outboxmail_resend", args=[row.pk])

    page = client.get(change_url)
    assert resend_url in page.content.decode()
    assert "SMTPServerDisconnected" in page.content.decode()
    assert client.get(resend_url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url)

    assert response.status_code == 302
    assert response["Location"] == change_url
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.SENT, 1, "")
    assert smtp_server.message_ids() == [row.message_id]
    assert LogEntry.objects.get(object_id=str(row.pk)).user == mail_operator


def test_a_sent_mail_is_not_resent(
    client, mail_operator, provider, smtp_server, django_capture_on_commit_callbacks
):
    row = queued_mail(provider)
    mail.outbox_sweep()
    client.force_login(mail_operator)
    resend_url = reverse("admin:core_outboxmail_resend", args=[row.pk])

    assert (
        resend_url
        not in client.get(reverse("admin:core_outboxmail_change", args=[row.pk])).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url, follow=True)

    assert "Alleen een mislukte of wachtende e-mail" in response.content.decode()
    assert len(smtp_server.messages) == 1


def test_failed_mails_can_be_resent_together_from_the_list(
    client, mail_operator, provider, smtp_server, django_capture_on_commit_callbacks
):
    first = failed_mail(provider)
    second = failed_mail(ServiceProviderFactory())
    client.force_login(mail_operator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:core_outboxmail_changelist"),
            {"action": "resend_selected", "_selected_action": [first.pk, second.pk]},
        )

    assert set(OutboxMail.objects.values_list("status", flat=True)) == {Status.SENT}
    assert sorted(smtp_server.message_ids()) == sorted([first.message_id, second.message_id])


def test_the_outbox_list_filters_by_status_and_searches_by_template(
    client, mail_operator, provider
):
    failed_mail(provider)
    queued_mail(ServiceProviderFactory())
    client.force_login(mail_operator)
    url = reverse("admin:core_outboxmail_changelist")

    assert client.get(url, {"status__exact": "failed"}).context["cl"].result_count == 1
    assert client.get(url, {"q": "bank_account"}).context["cl"].result_count == 2
    assert client.get(url, {"q": "registration"}).context["cl"].result_count == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent connections: SQLite's in-memory test database says 'table is locked' "
    "instead of waiting (production runs PostgreSQL)",
)
@COMMITS
def test_of_workers_claiming_a_mail_at_the_same_moment_one_wins(provider):
    row = queued_mail(provider)  # sent on commit: queue it again, as if not yet
    OutboxMail.objects.filter(pk=row.pk).update(
        status=Status.QUEUED, attempts=0, sent_at=None, next_attempt_at=timezone.now()
    )
    start = threading.Barrier(6)
    winners, errors = [], []

    def worker():
        try:
            start.wait()
            if mail.claim(row.pk) is not None:
                winners.append(threading.get_ident())
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(winners) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENDING, 1)
