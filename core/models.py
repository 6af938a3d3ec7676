"""Abstract models and model fields shared by the apps, and core's two tables: the
tokens of submitted create forms (core.idempotency) and the outbox of e-mails
(core.mail)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core import validators
from core.text import normalise_line_breaks

ACTION_MAX_LENGTH = 20
STATUS_MAX_LENGTH = 20


class TransitionEvent(models.Model):
    """One step in the life of something with a status: who, when, from which status to
    which, and why. Written by core.transitions.perform(), never edited.

    A concrete event model adds the foreign key to its subject (``related_name="events"``)
    and gives `action`, `from_status` and `to_status` their choices with
    action_field() and status_field(): the actions are the names of the subject's
    transitions, with the label the e-mails and histories show.
    """

    action = models.CharField(_("handeling"), max_length=ACTION_MAX_LENGTH)
    # Empty for the step that filed the row.
    from_status = models.CharField(_("vorige status"), max_length=STATUS_MAX_LENGTH, blank=True)
    to_status = models.CharField(_("nieuwe status"), max_length=STATUS_MAX_LENGTH)
    # None for what the portal does by itself (the daily lapse command).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("door"),
    )
    at = models.DateTimeField(_("op"), default=timezone.now)
    reason = models.TextField(_("reden"), blank=True)
    remark = models.TextField(_("opmerking"), blank=True)

    class Meta:
        abstract = True
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["at", "pk"]

    def __str__(self):
        subject = next(
            field.name
            for field in self._meta.concrete_fields
            if field.is_relation and field.remote_field.related_name == "events"
        )
        return f"{getattr(self, subject)}: {self.get_action_display()}"

    @staticmethod
    def action_field(choices):
        return models.CharField(_("handeling"), max_length=ACTION_MAX_LENGTH, choices=choices)

    @staticmethod
    def from_status_field(choices):
        return models.CharField(
            _("vorige status"), max_length=STATUS_MAX_LENGTH, choices=choices, blank=True
        )

    @staticmethod
    def to_status_field(choices):
        return models.CharField(_("nieuwe status"), max_length=STATUS_MAX_LENGTH, choices=choices)


class MultilineTextField(models.TextField):
    """A TextField whose line breaks count once and are stored as LF, whichever way the
    text comes in (a portal form, the admin, a service): see core.forms.MultilineTextField.

    A MaxLengthValidator on it counts what the person typed, not the CR LF a browser
    sends for every line break.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_line_breaks(value) if isinstance(value, str) else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": core_forms.MultilineTextField, **kwargs})


class PhoneNumberField(models.CharField):
    """A phone number stored in E.164 ('+3292251234'), whichever way it comes in.

    Forms (the admin's too) get core.forms.PhoneNumberField: it accepts what people
    type, refuses what is no number with a Dutch message and shows the stored value
    in the national format. A value set in code is tidied to E.164 by full_clean();
    one that is no valid number is kept as it is rather than refused, so that an old
    row can still be saved.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return validators.phone_number_e164_or_unchanged(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": core_forms.PhoneNumberField, **kwargs})


class Submission(models.Model):
    """A create form that was submitted: its one-time token, who sent it and where
    what it created can be seen. Written by core.idempotency.submit_once() in the
    transaction that creates, so that a second submit of the same form finds it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("gebruiker"),
    )
    token = models.CharField(_("formuliertoken"), max_length=64)
    result_url = models.CharField(_("resultaat"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("verstuurd op"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("verstuurd formulier")
        verbose_name_plural = _("verstuurde formulieren")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="core_submission_once"),
        ]

    def __str__(self):
        return self.token


class OutboxMail(models.Model):
    """One e-mail of the portal, written by core.mail.notify() in the transaction of the
    change it tells about, and delivered by the worker (core.tasks) until it is sent.

    `next_attempt_at` is when a worker may (again) try it: for a queued row the end of
    its backoff, for a row being sent the end of the sending worker's lease, after
    which another worker takes it over. `last_error` names the kind of failure (an
    SMTP code, an exception's class), never an address. `message_id` stays the same
    on every attempt, so that a receiver can recognise a message it got twice.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        SENDING = "sending", _("wordt verzonden")
        SENT = "sent", _("verzonden")
        FAILED = "failed", _("mislukt")

    template = models.CharField(_("sjabloon"), max_length=100)
    subject = models.CharField(_("onderwerp"), max_length=998)
    body = models.TextField(_("tekst"))
    recipients = models.JSONField(_("ontvangers"))
    language = models.CharField(_("taal"), max_length=10)
    status = models.CharField(
        _("status"), max_length=STATUS_MAX_LENGTH, choices=Status, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    last_error = models.CharField(_("laatste fout"), max_length=200, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaande e-mail")
        verbose_name_plural = _("uitgaande e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The sweep: rows that wait (queued or being sent) and are due.
            models.Index(fields=["status", "next_attempt_at"], name="core_outbox_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sending", "sent", "failed"]),
                name="core_outboxmail_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="core_outboxmail_sent_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"{self.template} ({self.get_status_display()})"
