"""The portal's one path for notifications: every e-mail of every app goes through `notify`.

An app's `emails.py` says only what to say to whom (a template name, the
addresses, the context); this module renders, cleans the addresses, decides when
the mail leaves and sends it. It is the only place that talks to the mail
backend, so that putting mail on a queue (a transactional outbox delivered by a
worker) changes this module and nothing else:

- `notify` today schedules `deliver` for when the caller's transaction commits;
  with an outbox it writes the row in that same transaction instead.
- `deliver` today sends through Django's mail API; with an outbox the worker
  calls it for each row, retrying until it is sent.

A message is rendered when it is asked for, not when it leaves: it says what was
true at that moment and needs nothing else to be delivered later.

To add a notification: write templates/emails/<name>_subject.txt and
<name>_body.txt (Dutch source text in {% trans %}, then `make messages`), and a
sender in the app's emails.py that calls notify(<name>, recipients, context).
"""

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """One rendered e-mail, ready to leave: all an outbox row would have to hold."""

    template: str
    subject: str
    body: str
    to: tuple[str, ...]
    language: str


class MailNotSent(OSError):
    """The mail backend refused or failed: one message that names no address.

    SMTP errors quote the addresses they refused, and whatever logs the traceback
    (a command's failure count, Django's 500 handler) would write them down. An
    OSError, as SMTP and socket errors are, so callers catch it the same way.
    """


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


def notify(template, recipients, context, *, language=None, after_commit=True):
    """Mail `template` to `recipients`; returns the number of messages (0 or 1).

    Nothing is rendered or sent when no address is left after dropping blanks
    and duplicates. All recipients are on one message, as the portal has always
    sent them: they are the addresses of one organisation and its people.

    By default the mail leaves once the caller's transaction commits, and not at
    all when it rolls back. A caller that already waits for the commit (on_commit
    around its call) is no problem: after a commit no transaction is open, so the
    mail leaves at once. `after_commit=False` sends at once, inside the caller's
    transaction, for a caller whose own record says "sent" and must be rolled
    back when the mail fails (the expiry reminders); an outbox gives both kinds
    the same guarantee, a row committed with the caller's change.
    """
    to = addresses(recipients)
    if not to:
        return 0
    message = render(template, to, context, language=language)
    if after_commit:
        transaction.on_commit(partial(deliver, message))
    else:
        deliver(message)
    return 1


def deliver(message):
    """Send `message` through Django's mail API from DEFAULT_FROM_EMAIL.

    Failures are raised as MailNotSent for the caller to count or report; the
    log names the template and the number of recipients, never an address.
    """
    try:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, list(message.to))
    except OSError as error:  # socket errors and every smtplib.SMTPException
        code = getattr(error, "smtp_code", None)  # SMTPResponseException: 550, 421, ...
        reason = type(error).__name__ + (f" {code}" if code else "")
        raise MailNotSent(f"Mail {message.template!r} not sent: {reason}") from None
    LOGGER.info("Mail %r sent to %d recipient(s)", message.template, len(message.to))
