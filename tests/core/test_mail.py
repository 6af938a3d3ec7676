"""The one mail path (core.mail): rendering in a language, cleaning the addresses,
waiting for the commit, failing without naming anyone, and every app's mails on it.
The outbox itself (retries, the claim, the sweep, the worker) is test_outbox.py's."""

import datetime
import logging
import traceback

import pytest
from django.core import mail as django_mail
from django.db import transaction
from django.utils import timezone, translation

from core import mail
from core.models import OutboxMail
from projects import emails as project_emails
from projects.models import ProjectEvent
from providers import emails as provider_emails
from providers.models import BankAccountChange
from registrations import emails as registration_emails
from registrations.models import ExpiryReminder, RegistrationEvent
from tests.factories import (
    OrganisationFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# Two messages of the English catalogue, so that the language shows.
GREETING = {
    "emails/greeting_subject.txt": '{% load i18n %}\n  {% trans "Beste," %}\n{{ name }}\n',
    "emails/greeting_body.txt": (
        '{% load i18n %}{% trans "Beste," %} {{ name }}\n'
        '{% trans "Details bekijken" %}: {{ url }}\n'
    ),
}


@pytest.fixture
def greeting(settings):
    """The template `greeting`, from memory: core has no templates of its own."""
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", GREETING)]},
        }
    ]
    return "greeting"


def notify_now(template, recipients, **context):
    """notify, then deliver what it wrote, as the commit (or the sweep) would."""
    count = mail.notify(template, recipients, context)
    mail.outbox_sweep()
    return count


# --- Rendering ------------------------------------------------------------------------------


def test_it_renders_in_dutch_whatever_language_the_acting_user_has(greeting):
    with translation.override("en"):
        notify_now(greeting, ["alice@acme.example"], name="Alice", url="https://portal/x")

    message = django_mail.outbox[0]
    assert message.subject == "Beste, Alice"
    assert "Details bekijken: https://portal/x" in message.body


def test_it_renders_in_english_when_asked_and_leaves_the_active_language_alone(greeting):
    with translation.override("nl-be"):
        mail.notify(
            greeting,
            ["alice@acme.example"],
            {"name": "Alice", "url": "https://portal/x"},
            language="en",
        )
        assert translation.get_language() == "nl-be"
    mail.outbox_sweep()

    message = django_mail.outbox[0]
    assert message.subject == "Dear Sir or Madam, Alice"
    assert "View details: https://portal/x" in message.body


def test_the_subject_is_one_line_whatever_the_template_and_the_data(greeting):
    notify_now(greeting, ["alice@acme.example"], name="Acme\n  Advies ")

    assert django_mail.outbox[0].subject == "Beste, Acme Advies"


def test_the_app_templates_render_in_both_languages():
    provider = ServiceProviderFactory(name="Acme Advies")
    change = BankAccountChange(
        service_provider=provider,
        new_iban="BE68539007547034",
        status=BankAccountChange.Status.REJECTED,
        reason="Bewijs ontbreekt",
    )
    context = {"change": change, "provider_url": "https://portal/dienstverleners/1/"}

    dutch = mail.render("bank_account_change_rejected", ["a@x.example"], context)
    english = mail.render("bank_account_change_rejected", ["a@x.example"], context, language="en")

    assert dutch.subject == "Nieuw rekeningnummer geweigerd voor Acme Advies"
    assert english.subject == "New account number rejected for Acme Advies"
    assert "Details bekijken: https://portal/dienstverleners/1/" in dutch.body
    assert "View details: https://portal/dienstverleners/1/" in english.body


# --- Addresses ------------------------------------------------------------------------------


def test_duplicates_and_blanks_are_dropped_in_their_first_order(greeting):
    sent = notify_now(
        greeting,
        ["zetel@acme.example", "", None, " Zetel@Acme.example ", "info@acme.example", "  "],
        name="Acme",
    )

    assert sent == 1
    assert len(django_mail.outbox) == 1
    assert django_mail.outbox[0].to == ["zetel@acme.example", "info@acme.example"]


def test_nothing_is_rendered_or_sent_without_an_address():
    # The template does not exist: rendering it would raise.
    assert mail.notify("no_such_template", ["", None, "  "], {}) == 0
    assert mail.notify("no_such_template", [], {}) == 0
    assert django_mail.outbox == []
    assert not OutboxMail.objects.exists()


def test_it_sends_from_the_portals_address(greeting, settings):
    settings.DEFAULT_FROM_EMAIL = "kmo-portefeuille <noreply@vlaio.example>"
    notify_now(greeting, ["alice@acme.example"], name="Alice")

    assert django_mail.outbox[0].from_email == "kmo-portefeuille <noreply@vlaio.example>"


# --- When it leaves -------------------------------------------------------------------------


def test_it_waits_for_the_commit(greeting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert mail.notify(greeting, ["alice@acme.example"], {"name": "Alice"}) == 1
    assert django_mail.outbox == []

    for callback in callbacks:
        callback()
    assert len(django_mail.outbox) == 1


def test_nothing_leaves_when_the_transaction_rolls_back(
    greeting, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        mail.notify(greeting, ["alice@acme.example"], {"name": "Alice"})
        raise RuntimeError

    assert callbacks == []
    assert django_mail.outbox == []


# As in production: the services wrap the senders in on_commit, and notify waits again.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_on_commit_around_it_sends_once_after_the_commit(greeting):
    with transaction.atomic():
        transaction.on_commit(
            lambda: mail.notify(greeting, ["alice@acme.example"], {"name": "Alice"})
        )
        assert django_mail.outbox == []

    assert len(django_mail.outbox) == 1


# --- Failures and the log -------------------------------------------------------------------


def test_a_refused_mail_raises_an_oserror_that_names_no_address(greeting, smtp_server):
    address = "refused@acme.example"
    smtp_server.refused.add(address)
    message = mail.render(greeting, [address], {"name": "Alice"})

    with pytest.raises(OSError) as caught:
        mail.deliver(message)

    assert isinstance(caught.value, mail.MailNotSent)
    assert caught.value.reason == "SMTPRecipientsRefused"
    # What a logger.exception() would write: the source lines of the stack, the error.
    logged = "".join(traceback.format_exception(caught.value))
    assert "'greeting' not sent: SMTPRecipientsRefused" in logged
    assert address not in logged


def test_a_server_error_keeps_its_smtp_code(greeting, smtp_server):
    smtp_server.unavailable = True
    message = mail.render(greeting, ["alice@acme.example"], {"name": "Alice"})

    with pytest.raises(mail.MailNotSent, match="SMTPSenderRefused 421"):
        mail.deliver(message)


def test_the_log_names_the_template_and_a_count_never_an_address(greeting, caplog):
    mail.notify(greeting, ["alice@acme.example", "bob@acme.example"], {"name": "Alice"})
    with caplog.at_level(logging.INFO, logger="core.mail"):
        mail.outbox_sweep()

    assert [r.getMessage() for r in caplog.records if r.name == "core.mail"] == [
        "Mail 'greeting' sent to 2 recipient(s)"
    ]


# --- Every app's mails take this path -------------------------------------------------------


def delivered():
    """(template, recipients) of every outbox row, in the order written; each was sent."""
    rows = OutboxMail.objects.order_by("pk")
    assert {row.status for row in rows} <= {OutboxMail.Status.SENT}
    assert len(django_mail.outbox) == len(rows)
    return [(row.template, sorted(row.recipients)) for row in rows]


@pytest.fixture
def provider():
    organisation = OrganisationFactory(email="zetel@acme.example")
    return ServiceProviderFactory(organisation=organisation, email="advies@acme.example")


def test_the_bank_account_mails_go_through_core_mail(provider, django_capture_on_commit_callbacks):
    requested = {
        "service_provider": provider,
        "old_iban": "BE68539007547034",
        "new_iban": "BE71096123456769",
        "requested_by": UserFactory(),
        "requested_at": timezone.now(),
    }
    pending = BankAccountChange(**requested, status=BankAccountChange.Status.PENDING)
    verified = BankAccountChange(
        **requested, status=BankAccountChange.Status.VERIFIED, decided_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        provider_emails.bank_account_change_requested_send(pending)
        provider_emails.bank_account_change_decided_send(verified)

    addresses = ["advies@acme.example", "zetel@acme.example"]
    assert delivered() == [
        ("bank_account_change_requested", addresses),
        ("bank_account_change_verified", addresses),
    ]
    assert f"/{provider.pk}/" in django_mail.outbox[-1].body


def test_the_registration_mails_go_through_core_mail(provider, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(
        service_provider=provider, approved=True, audit_report="registrations/x.pdf"
    )
    event = RegistrationEvent(
        registration=registration,
        action=RegistrationEvent.Action.APPROVE,
        from_status="requested",
        to_status="approved",
    )
    reminder = ExpiryReminder(
        registration=registration,
        kind=ExpiryReminder.Kind.SIX_MONTHS,
        valid_until=registration.valid_until,
    )

    with django_capture_on_commit_callbacks(execute=True):
        registration_emails.registration_event_send(event)
        registration_emails.expiry_reminder_send(reminder)

    addresses = ["advies@acme.example", "zetel@acme.example"]
    assert delivered() == [
        ("registration_event", addresses),
        ("registration_expiry_reminder", addresses),
    ]
    assert f"/{registration.pk}/" in django_mail.outbox[-1].body


def test_the_dossier_mails_go_through_core_mail_one_per_party(
    django_capture_on_commit_callbacks,
):
    project = ProjectFactory(
        client=OrganisationFactory(email="info@korst.example"),
        filed_by=UserFactory(email="an@korst.example"),
        service_provider=ServiceProviderFactory(email="dv@schelde.example"),
    )
    event = ProjectEvent(
        project=project,
        action=ProjectEvent.Action.LAPSE,
        from_status="confirmed",
        to_status="lapsed",
        at=timezone.now() - datetime.timedelta(minutes=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert project_emails.project_event_send(event) == 2

    assert delivered() == [
        ("project_event", sorted(["dv@schelde.example", project.provider_organisation.email])),
        ("project_event", ["an@korst.example", "info@korst.example"]),
    ]
