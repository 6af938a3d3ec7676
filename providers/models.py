from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core import transitions, validators
from core.models import MultilineTextField, PhoneNumberField, TransitionEvent
from organisations.models import Address, LegalForm, Organisation

DESCRIPTION_MAX_LENGTH = 1000


class Vakgebied(models.Model):
    """One of the 19 fields of expertise a provider can be active in (seed 000).

    Not to be confused with the eight themes VLAIO uses since 2023.
    """

    name = models.CharField(_("naam"), max_length=100, unique=True)
    slug = models.SlugField(_("code"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("vakgebied")
        verbose_name_plural = _("vakgebieden")
        ordering = ["name"]

    def __str__(self):
        return self.name


# Kept at module level so that the create service can write the first historical
# row itself, after the vakgebieden are set (see providers.services).
service_provider_history = HistoricalRecords(m2m_fields=["vakgebieden"])


class ServiceProviderQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class ServiceProviderType(models.TextChoices):
    REGISTERED_OFFICE = "MZ", _("Maatschappelijke zetel")
    PROVIDER = "DV", _("Dienstverlener")


class ServiceProvider(Address):
    """A service provider (dienstverlener) announced by an organisation.

    The registered office's own entry has type MZ; the address fields hold the
    billing address ("Facturatieadres"). Fields follow "Mijn gegevens: stap 1
    en stap 2" of seed 000.
    """

    # Module level, so that Meta's constraints can name it too.
    Type = ServiceProviderType

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="service_providers",
        verbose_name=_("onderneming"),
    )
    type = models.CharField(_("type"), max_length=2, choices=Type.choices, default=Type.PROVIDER)
    name = models.CharField(_("maatschappelijke naam"), max_length=200)
    phone = PhoneNumberField(_("telefoonnummer"), blank=True)
    mobile = PhoneNumberField(_("gsm-nummer"), blank=True)
    email = models.EmailField(_("e-mailadres"))
    website = models.URLField(_("URL"), blank=True)
    contact_last_name = models.CharField(_("naam contactpersoon"), max_length=100, blank=True)
    contact_first_name = models.CharField(_("voornaam contactpersoon"), max_length=100, blank=True)
    extra_info = models.TextField(_("extra info"), blank=True)
    kbo_number = models.CharField(
        _("ondernemingsnummer"), max_length=10, validators=[validators.validate_kbo_number]
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("rechtsvorm"),
    )
    vakgebieden = models.ManyToManyField(
        Vakgebied, blank=True, related_name="service_providers", verbose_name=_("vakgebieden")
    )
    # Line breaks count once toward the limit, however the text comes in (the admin too).
    description = MultilineTextField(
        _("voorstelling"),
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = ServiceProviderQuerySet.as_manager()
    history = service_provider_history

    class Meta:
        verbose_name = _("dienstverlener")
        verbose_name_plural = _("dienstverleners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(type=ServiceProviderType.REGISTERED_OFFICE),
                name="service_provider_one_registered_office",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=ServiceProviderType.values),
                name="service_provider_type_valid",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def kbo_display(self):
        return validators.format_kbo_number(self.kbo_number)

    @property
    def iban_display(self):
        return validators.format_iban(self.iban)


class BankAccountChangeQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(service_provider__organisation=organisation)

    def pending(self):
        return self.filter(status=BankAccountChange.Status.PENDING)


class BankAccountChangeStatus(models.TextChoices):
    PENDING = "pending", _("in behandeling")
    VERIFIED = "verified", _("geverifieerd")
    REJECTED = "rejected", _("geweigerd")
    SUPERSEDED = "superseded", _("vervangen door een nieuwere aanvraag")


# A verifier of bank accounts (portal.roles): agency staff with the role.
is_verifier = transitions.staff_permission(
    "providers.change_bankaccountchange",
    _(
        "Alleen medewerkers van het agentschap met de rol verificateur van rekeningnummers "
        "kunnen een rekeningnummer goedkeuren of weigeren."
    ),
    code="bank_account_change_not_staff",
)


@transitions.rule(
    _("Wie de wijziging aanvroeg, kan ze niet zelf goedkeuren of weigeren."),
    code="bank_account_change_four_eyes",
)
def is_not_the_requester(change, user):
    """The four-eyes rule: whoever asked for the new account cannot decide on it."""
    return user is not None and user.pk != change.requested_by_id


MAY_DECIDE = transitions.all_of(is_verifier, is_not_the_requester)


class BankAccountChange(transitions.TransitionsMixin, models.Model):
    """A request to pay a service provider on another bank account.

    Bank accounts are where fraud happens: the new account only becomes the one
    "actief voor betalingen" (ServiceProvider.iban/bic) once agency staff verify
    it, and never by the person who asked. A small state machine, declared below:
    pending -> verified | rejected | superseded (by a newer request); every status
    but pending is final.
    """

    # Module level, so that Meta's constraints can name it too.
    Status = BankAccountChangeStatus

    service_provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.CASCADE,
        related_name="bank_account_changes",
        verbose_name=_("dienstverlener"),
    )
    old_iban = models.CharField(_("vorig IBAN"), max_length=34, blank=True)
    old_bic = models.CharField(_("vorige BIC"), max_length=11, blank=True)
    new_iban = models.CharField(_("nieuw IBAN"), max_length=34)
    new_bic = models.CharField(_("nieuwe BIC"), max_length=11, blank=True)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.PENDING,
        protected=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("aangevraagd door"),
    )
    requested_at = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beslist door"),
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    reason = models.TextField(_("reden"), blank=True)

    objects = BankAccountChangeQuerySet.as_manager()
    history = HistoricalRecords()

    transition_refused = _(
        "Deze aanvraag is al afgehandeld (%(status)s) en kan niet meer gewijzigd worden."
    )

    class Meta:
        verbose_name = _("wijziging rekeningnummer")
        verbose_name_plural = _("wijzigingen rekeningnummer")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_provider"],
                condition=models.Q(status=BankAccountChangeStatus.PENDING),
                name="bank_account_change_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BankAccountChangeStatus.values),
                name="bank_account_change_status_valid",
            ),
            # The four-eyes rule, also for changes made outside the services.
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("requested_by")),
                name="bank_account_change_not_decided_by_requester",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    status__in=[BankAccountChangeStatus.VERIFIED, BankAccountChangeStatus.REJECTED]
                )
                | models.Q(decided_by__isnull=False, decided_at__isnull=False),
                name="bank_account_change_decision_recorded",
            ),
        ]

    def __str__(self):
        return f"{self.service_provider}: {self.new_iban_masked} ({self.get_status_display()})"

    @property
    def old_iban_masked(self):
        return validators.mask_iban(self.old_iban) if self.old_iban else ""

    @property
    def new_iban_masked(self):
        return validators.mask_iban(self.new_iban)

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    # --- Transitions ------------------------------------------------------------------
    # Each only sets the change's own fields; providers.services takes them through
    # core.transitions.perform (lock, checks, event, e-mail, history).

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.PENDING,
        conditions=[transitions.is_new],
        custom={"label": _("Aanvragen")},
    )
    def request(self):
        """The provider asks to be paid on the new account."""

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.VERIFIED,
        permission=MAY_DECIDE,
        custom={"label": _("Goedkeuren"), "admin": True},
    )
    def verify(self, *, decided_by, decided_at):
        """The new account becomes the active one (the service updates the provider)."""
        self.decided_by, self.decided_at = decided_by, decided_at

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.REJECTED,
        permission=MAY_DECIDE,
        custom={"label": _("Weigeren"), "admin": True, "destructive": True},
    )
    def reject(self, *, decided_by, decided_at, reason):
        self.decided_by, self.decided_at = decided_by, decided_at
        self.reason = reason

    @transition(
        field=status,
        source=Status.PENDING,
        target=Status.SUPERSEDED,
        custom={"label": _("Vervangen")},
    )
    def supersede(self):
        """A newer request of the same provider takes this one's place."""


class BankAccountChangeEventQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(change__service_provider__organisation=organisation)


class BankAccountChangeEvent(TransitionEvent):
    """One step of a bank-account change: who asked, who decided, when and why."""

    class Action(models.TextChoices):
        REQUEST = "request", _("aangevraagd")
        VERIFY = "verify", _("goedgekeurd")
        REJECT = "reject", _("geweigerd")
        SUPERSEDE = "supersede", _("vervangen door een nieuwere aanvraag")

    change = models.ForeignKey(
        BankAccountChange,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("wijziging rekeningnummer"),
    )
    action = TransitionEvent.action_field(Action.choices)
    from_status = TransitionEvent.from_status_field(BankAccountChangeStatus.choices)
    to_status = TransitionEvent.to_status_field(BankAccountChangeStatus.choices)

    objects = BankAccountChangeEventQuerySet.as_manager()
