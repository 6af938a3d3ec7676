"""The portal's one path for notifications: every e-mail of every app goes through `notify`,
and it is never lost.

An app's `emails.py` says only what to say to whom (a template name, the
addresses, the context); this module renders, cleans the addresses, writes the
mail to the outbox and delivers it. It is the only place that talks to the mail
backend.

The outbox (core.models.OutboxMail) is transactional: `notify` writes the rendered
message as a row in the caller's transaction, so the change and its mail commit
together or roll back together, and asks the worker to deliver the row once that
transaction commits. Nothing the mail server or the broker does can fail the
caller's request:

- the request only writes a row; asking the worker (Redis) is `on_commit(...,
  robust=True)`: when the broker is down the row simply stays queued;
- the worker (core.tasks.mail_deliver -> `outbox_deliver`) claims the row with one
  conditional UPDATE (queued, or sending with an expired lease -> sending, with a
  lease of MAIL_OUTBOX_LEASE_SECONDS), sends it with its stable Message-ID and
  marks it sent. A failure puts it back in the queue with an exponential backoff
  (MAIL_OUTBOX_RETRY_SECONDS, doubled per attempt, at most an hour) and after
  MAIL_OUTBOX_MAX_ATTEMPTS marks it failed, with a reason that names no address;
- every minute beat's sweep (core.tasks.mail_outbox_sweep -> `outbox_sweep`) asks
  the worker for every due row: so a row whose request could not reach the broker,
  a retry whose time has come and a row left 'sending' by a killed worker are all
  delivered, later.

Exactly once, and the one window left. Only the claim leads to sending, and a row
is claimed by one worker at a time: a task delivered twice (Celery's acks_late
redelivers the task of a worker that died) finds the row sending or sent and does
nothing. A worker killed before the SMTP server accepted the message leaves the
row 'sending'; after its lease another worker sends it, once. The remaining window
is between the SMTP server's "250 OK" for the message and the UPDATE that marks
the row sent: a few milliseconds of one local query. A worker that dies exactly
there (or loses the database at that moment) leaves a row that is sent again after
the lease; the receiver then gets the same message with the same Message-ID, which
mail clients and archives recognise as one. No outbox can close this window
without the SMTP server taking part; it is as small as one UPDATE can make it.

Without a broker (CELERY_TASK_ALWAYS_EAGER: development and the tests) the task
runs in the process when the transaction commits, and a failure leaves the row
queued for the next sweep (`manage.py` or beat) instead of raising.

A message is rendered when it is asked for, not when it leaves: it says what was
true at that moment and needs nothing else to be delivered later.

To add a notification: write templates/emails/<name>_subject.txt and
<name>_body.txt (Dutch source text in {% trans %}, then `make messages`), and a
sender in the app's emails.py that calls notify(<name>, recipients, context).
"""

import datetime
import logging
from dataclasses import dataclass
from email.utils import make_msgid
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.models import OutboxMail

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """One rendered e-mail, ready to leave: what an outbox row holds."""

    template: str
    subject: str
    body: str
    to: tuple[str, ...]
    language: str
    message_id: str = ""


class MailNotSent(OSError):
    """The mail backend refused or failed: one message that names no address.

    SMTP errors quote the addresses they refused, and whatever logs the traceback
    would write them down. `reason` is what the outbox row keeps: the kind of
    failure and its SMTP code ("SMTPRecipientsRefused", "SMTPSenderRefused 421").
    """

    def __init__(self, message, *, reason):
        super().__init__(message)
        self.reason = reason


def addresses(values):
    """`values` without blanks and duplicates, in their first order ("A@x" and "a@x" are one)."""
    unique = {}
    for value in values:
        address = (value or "").strip()
        if address:
            unique.setdefault(address.casefold(), address)
    return tuple(unique.values())


def portal_url(viewname, **kwargs):
    """The absolute link to a portal page: mails are rendered without a request at hand."""
    return settings.PORTAL_BASE_URL + reverse(viewname, kwargs=kwargs)


def render(template, to, context, *, language=None):
    """The Mail of `emails/<template>_subject.txt` and `_body.txt` in `language`.

    Dutch (LANGUAGE_CODE) unless told otherwise: the portal has no language per
    person yet, and the acting user's browser language says nothing about the
    reader's. The subject is one line, whatever the template's whitespace.
    """
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    return Mail(
        template=template,
        subject=" ".join(subject.split()),
        body=body,
        to=tuple(to),
        language=language,
    )


def notify(template, recipients, context, *, language=None):
    """Mail `template` to `recipients`; returns the number of messages (0 or 1).

    Nothing is rendered or written when no address is left after dropping blanks
    and duplicates. All recipients are on one message, as the portal has always
    sent them: they are the addresses of one organisation and its people.

    The message is written to the outbox in the caller's transaction (it commits
    and rolls back with the caller's change) and delivered after the commit. A
    record of the caller's that says "sent" (an expiry reminder) is therefore true
    once it commits: the mail is in the outbox and will leave.
    """
    to = addresses(recipients)
    if not to:
        return 0
    message = render(template, to, context, language=language)
    row = OutboxMail.objects.create(
        template=message.template,
        subject=message.subject,
        body=message.body,
        recipients=list(message.to),
        language=message.language,
        message_id=new_message_id(),
    )
    deliver_after_commit(row.pk)
    return 1


def new_message_id():
    """A Message-ID in the portal's own domain, the same on every attempt to send."""
    return make_msgid(domain=urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost")


def deliver_after_commit(pk):
    """Ask for the delivery of row `pk` once the caller's transaction commits.

    Robust: a broker that is down is logged, never raised into the request, and the
    row waits for the sweep. (A named function, not a functools.partial: Django logs
    a robust callback's failure by its __qualname__, which a partial lacks.)
    """

    def request_delivery_on_commit():
        request_delivery(pk)

    transaction.on_commit(request_delivery_on_commit, robust=True)


def request_delivery(pk, **options):
    """Ask the worker to deliver outbox row `pk` (at once, in this process, without a
    broker). The task is looked up by name: core.tasks imports this module, and core's
    AppConfig registers it in every process."""
    current_app.tasks[DELIVER_TASK].apply_async((pk,), **options)


DELIVER_TASK = "core.tasks.mail_deliver"


# --- The worker's side --------------------------------------------------------------------


def lease_seconds():
    return settings.MAIL_OUTBOX_LEASE_SECONDS


def retry_delay(attempts):
    """The wait after the `attempts`-th failed attempt: doubling from
    MAIL_OUTBOX_RETRY_SECONDS, at most an hour."""
    return min(settings.MAIL_OUTBOX_RETRY_SECONDS * 2 ** (attempts - 1), RETRY_DELAY_MAX)


RETRY_DELAY_MAX = 60 * 60


def due(now):
    """Outbox rows a worker may take now: queued and due, or left sending by a worker
    whose lease ran out."""
    return OutboxMail.objects.filter(
        status__in=[OutboxMail.Status.QUEUED, OutboxMail.Status.SENDING],
        next_attempt_at__lte=now,
    )


def claim(pk):
    """Take row `pk` for sending, or None when it is not ours to send.

    One conditional UPDATE, atomic on every database: of two workers (or one task
    delivered twice) only one changes the row; the other finds it sending with a
    lease that has not run out, or sent, and sends nothing. The attempts counter
    that the claim raises is the claimant's token: only it may mark the row.
    """
    now = timezone.now()
    claimed = (
        due(now)
        .filter(pk=pk, attempts__lt=settings.MAIL_OUTBOX_MAX_ATTEMPTS)
        .update(
            status=OutboxMail.Status.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + datetime.timedelta(seconds=lease_seconds()),
        )
    )
    if not claimed:
        return None
    return OutboxMail.objects.get(pk=pk)


def outbox_deliver(pk):
    """Deliver outbox row `pk` if it is due and no other worker has it; never raises
    for a mail that could not be sent (that is recorded on the row).

    Returns the row's status after this attempt, or None when it was not claimed.
    Must run outside any transaction: each step commits at once, so that what the
    mail server accepted is marked sent right away.
    """
    row = claim(pk)
    if row is None:
        return None
    mine = OutboxMail.objects.filter(
        pk=row.pk, status=OutboxMail.Status.SENDING, attempts=row.attempts
    )
    try:
        deliver(
            Mail(
                template=row.template,
                subject=row.subject,
                body=row.body,
                to=tuple(row.recipients),
                language=row.language,
                message_id=row.message_id,
            )
        )
    except MailNotSent as error:
        return _failed(row, mine, error.reason)
    mine.update(status=OutboxMail.Status.SENT, sent_at=timezone.now(), last_error="")
    return OutboxMail.Status.SENT


def _failed(row, mine, reason):
    if row.attempts >= settings.MAIL_OUTBOX_MAX_ATTEMPTS:
        mine.update(status=OutboxMail.Status.FAILED, last_error=reason)
        LOGGER.error(
            "Mail %r (outbox %s) failed after %d attempts: %s",
            row.template,
            row.pk,
            row.attempts,
            reason,
        )
        return OutboxMail.Status.FAILED
    delay = retry_delay(row.attempts)
    mine.update(
        status=OutboxMail.Status.QUEUED,
        last_error=reason,
        next_attempt_at=timezone.now() + datetime.timedelta(seconds=delay),
    )
    LOGGER.warning(
        "Mail %r (outbox %s) not sent (attempt %d): %s; next attempt in %d s",
        row.template,
        row.pk,
        row.attempts,
        reason,
        delay,
    )
    return OutboxMail.Status.QUEUED


# The reason of a row whose worker died while sending it, on its last attempt.
LEASE_EXPIRED = "WorkerLostError (lease expired)"


def outbox_sweep(*, limit=1000):
    """Ask the worker for every due row; returns how many were asked for.

    Run every minute by beat. A row asked for twice (its commit asked too, or the
    worker is behind) is claimed once. The requests expire after a minute, when
    the next sweep asks again, so that a worker that was down does not find an
    hour of duplicates. A row whose worker died on its last allowed attempt is
    marked failed here: nobody would claim it again.
    """
    now = timezone.now()
    stuck = due(now).filter(
        status=OutboxMail.Status.SENDING, attempts__gte=settings.MAIL_OUTBOX_MAX_ATTEMPTS
    )
    stuck.update(status=OutboxMail.Status.FAILED, last_error=LEASE_EXPIRED)
    pks = list(
        due(now)
        .filter(attempts__lt=settings.MAIL_OUTBOX_MAX_ATTEMPTS)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in pks:
        request_delivery(pk, expires=SWEEP_EXPIRES)
    return len(pks)


SWEEP_EXPIRES = 60


RESENDABLE = (OutboxMail.Status.FAILED, OutboxMail.Status.QUEUED)


def mail_resend(*, mail, user):
    """Queue outbox row `mail` again, due now and with a full set of attempts, and ask
    the worker for it once this commits; returns the row.

    For a failed mail once its cause is solved (the address corrected at the
    organisation, the mail server back), or a queued one that should not wait for
    its backoff. A mail that is being sent or was sent is refused (ValidationError):
    resending it could deliver it twice. It keeps its Message-ID: it is the same
    message.
    """
    with transaction.atomic():
        row = OutboxMail.objects.select_for_update().get(pk=mail.pk)
        if row.status not in RESENDABLE:
            raise ValidationError(
                _("Alleen een mislukte of wachtende e-mail kan opnieuw verzonden worden."),
                code="not_resendable",
            )
        row.status = OutboxMail.Status.QUEUED
        row.attempts = 0
        row.next_attempt_at = timezone.now()
        row.save(update_fields=["status", "attempts", "next_attempt_at"])
        deliver_after_commit(row.pk)
    LOGGER.info("Mail %r (outbox %s) queued again by user %s", row.template, row.pk, user.pk)
    return row


def deliver(message):
    """Send `message` through Django's mail API from DEFAULT_FROM_EMAIL, with its
    Message-ID when it has one.

    Failures are raised as MailNotSent; the log names the template and the number of
    recipients, never an address.
    """
    headers = {"Message-ID": message.message_id} if message.message_id else {}
    email = EmailMessage(
        message.subject,
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        list(message.to),
        headers=headers,
    )
    try:
        email.send()
    except Exception as error:  # every smtplib and socket error, a bad header, ...
        code = getattr(error, "smtp_code", None)  # SMTPResponseException: 550, 421, ...
        reason = type(error).__name__ + (f" {code}" if code else "")
        raise MailNotSent(f"Mail {message.template!r} not sent: {reason}", reason=reason) from None
    LOGGER.info("Mail %r sent to %d recipient(s)", message.template, len(message.to))
