"""Data of the ACM/IDM stand-in: people, organisations, work relationships, rights.

Mirrors what the Flemish Gebruikersbeheer (IDM) keeps (seed 003). Unlike the
portal, the stand-in may store a rijksregisternummer; it shows it masked in lists.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import validators
from core.dates import add_years
from standin import validators as national_numbers

WORK_RELATIONSHIP_MAX_YEARS = 10
USER_RIGHT_MAX_YEARS = 5


class SignInMethod(models.TextChoices):
    """ACM's ways of signing in; the value travels in the `acr` claim."""

    EID = "eid", _("eID en aangesloten kaartlezer")
    ITSME = "itsme", _("itsme®")
    FEDERAL_TOKEN = "federal_token", _("Federaal token")
    APP_CODE = "app_code", _("Beveiligingscode via mobiele app")
    SMS_CODE = "sms_code", _("Beveiligingscode via sms")


class IdmOrganisation(models.Model):
    """An organisation as IDM knows it from the KBO."""

    kbo_number = models.CharField(
        _("ondernemingsnummer"),
        max_length=10,
        unique=True,
        validators=[validators.validate_kbo_number],
    )
    name = models.CharField(_("naam"), max_length=200)
    legal_representatives = models.ManyToManyField(
        "Person",
        blank=True,
        related_name="represented_organisations",
        verbose_name=_("wettelijke vertegenwoordigers"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie (IDM)")
        verbose_name_plural = _("organisaties (IDM)")

    def __str__(self):
        return f"{self.name} ({validators.format_kbo_number(self.kbo_number)})"

    @property
    def formatted_kbo_number(self):
        return validators.format_kbo_number(self.kbo_number)


class PersonQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        """People with a work relationship (of any date) at `organisation`."""
        return self.filter(work_relationships__organisation=organisation).distinct()


class Person(models.Model):
    """A person in the national register, as far as the stand-in needs one.

    `uuid` is the pseudonymous id that ACM hands out as `sub`; the portal keys
    its users on it and never sees the rijksregisternummer.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("Man")
        FEMALE = "V", _("Vrouw")

    uuid = models.UUIDField(_("pseudoniem"), default=uuid.uuid4, unique=True, editable=False)
    national_number = models.CharField(
        _("rijksregisternummer"),
        max_length=11,
        unique=True,
        validators=[national_numbers.validate_national_number],
    )
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("naam"), max_length=100)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    sex = models.CharField(_("geslacht"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(
        _("telefoonnummer"),
        max_length=20,
        blank=True,
        validators=[validators.validate_phone_number],
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="standin_person",
        verbose_name=_("stand-in-account"),
    )
    # What the latest sign-in and authorization request chose; the token
    # endpoint has no browser session, so the claims are read from here.
    last_sign_in_method = models.CharField(
        _("laatste manier van aanmelden"), max_length=20, choices=SignInMethod.choices, blank=True
    )
    requested_organisation = models.ForeignKey(
        IdmOrganisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gevraagde organisatie (login_hint)"),
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def masked_national_number(self):
        return national_numbers.mask_national_number(self.national_number)


class LocalAdministrator(models.Model):
    """A person a legal representative appointed to manage an organisation's users."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="administrator_appointments",
        verbose_name=_("persoon"),
    )
    organisation = models.ForeignKey(
        IdmOrganisation,
        on_delete=models.CASCADE,
        related_name="local_administrators",
        verbose_name=_("organisatie"),
    )
    appointed_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangesteld door"),
    )
    appointed_at = models.DateTimeField(_("aangesteld op"), default=timezone.now)

    class Meta:
        verbose_name = _("lokale beheerder")
        verbose_name_plural = _("lokale beheerders")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="standin_local_administrator_unique"
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.organisation}"


class ValidityQuerySet(models.QuerySet):
    def valid_on(self, date):
        return self.filter(begin_date__lte=date, end_date__gte=date, paused=False)


class WorkRelationship(models.Model):
    """A werkrelatie: the link between a person and an organisation, at most 10 years."""

    class Category(models.TextChoices):
        PERMANENT = "vaste_medewerker", _("Vaste Medewerker")
        TEMPORARY = "tijdelijke_medewerker", _("Tijdelijke Medewerker")
        EXTERNAL = "externe_medewerker", _("Externe Medewerker")

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="work_relationships",
        verbose_name=_("persoon"),
    )
    organisation = models.ForeignKey(
        IdmOrganisation,
        on_delete=models.CASCADE,
        related_name="work_relationships",
        verbose_name=_("organisatie"),
    )
    category = models.CharField(
        _("categorie"), max_length=30, choices=Category.choices, default=Category.PERMANENT
    )
    begin_date = models.DateField(_("begindatum"))
    end_date = models.DateField(_("einddatum"))
    phone = models.CharField(
        _("telefoonnummer"), max_length=20, validators=[validators.validate_phone_number]
    )
    email = models.EmailField(_("e-mailadres"))
    paused = models.BooleanField(_("gepauzeerd"), default=False)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("werkrelatie")
        verbose_name_plural = _("werkrelaties")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation"], name="standin_work_relationship_unique"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("begin_date")),
                name="standin_work_relationship_end_after_begin",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.organisation}"

    def clean(self):
        errors = {}
        if self.begin_date and self.end_date:
            if self.end_date < self.begin_date:
                errors["end_date"] = _("De einddatum mag niet voor de begindatum liggen.")
            elif self.end_date > add_years(self.begin_date, WORK_RELATIONSHIP_MAX_YEARS):
                errors["end_date"] = _(
                    "Een werkrelatie duurt ten hoogste 10 jaar: kies een einddatum "
                    "tot 10 jaar na de begindatum."
                )
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, date):
        return not self.paused and self.begin_date <= date <= self.end_date


class UserRightQuerySet(ValidityQuerySet):
    def valid_on(self, date):
        """Rights in force on `date`: the right and its work relationship both run
        and neither is paused."""
        return self.filter(
            begin_date__lte=date,
            end_date__gte=date,
            paused=False,
            work_relationship__begin_date__lte=date,
            work_relationship__end_date__gte=date,
            work_relationship__paused=False,
        )


class UserRight(models.Model):
    """A gebruikersrecht granted on a work relationship, at most 5 years."""

    class Right(models.TextChoices):
        VLAIO_INKOM = "VLAIOInkomGebruikerNieuw", _("VLAIO Inkom Gebruiker Nieuw")

    work_relationship = models.ForeignKey(
        WorkRelationship,
        on_delete=models.CASCADE,
        related_name="rights",
        verbose_name=_("werkrelatie"),
    )
    right = models.CharField(
        _("gebruikersrecht"), max_length=50, choices=Right.choices, default=Right.VLAIO_INKOM
    )
    profile_provider = models.BooleanField(_("Dienstverlener kmo-portefeuille"), default=False)
    profile_sme = models.BooleanField(_("Gebruiker"), default=False)
    begin_date = models.DateField(_("begindatum"))
    end_date = models.DateField(_("einddatum"))
    paused = models.BooleanField(_("gepauzeerd"), default=False)

    objects = UserRightQuerySet.as_manager()

    class Meta:
        ordering = ["begin_date", "pk"]
        verbose_name = _("gebruikersrecht")
        verbose_name_plural = _("gebruikersrechten")
        constraints = [
            models.CheckConstraint(
                condition=Q(profile_provider=True) | Q(profile_sme=True),
                name="standin_user_right_has_a_profile",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("begin_date")),
                name="standin_user_right_end_after_begin",
            ),
        ]

    def __str__(self):
        return f"{self.get_right_display()} – {self.work_relationship}"

    def clean(self):
        errors = {}
        if not (self.profile_provider or self.profile_sme):
            errors["profile_provider"] = _("Kies minstens één profiel.")
        if self.begin_date and self.end_date:
            if self.end_date < self.begin_date:
                errors["end_date"] = _("De einddatum mag niet voor de begindatum liggen.")
            elif self.end_date > add_years(self.begin_date, USER_RIGHT_MAX_YEARS):
                errors["end_date"] = _(
                    "Een gebruikersrecht duurt ten hoogste 5 jaar: kies een einddatum "
                    "tot 5 jaar na de begindatum."
                )
            elif self.work_relationship_id and self.end_date > self.work_relationship.end_date:
                errors["end_date"] = _(
                    "De einddatum mag niet na de einddatum van de werkrelatie liggen."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def profile_names(self):
        names = []
        if self.profile_provider:
            names.append(str(self._meta.get_field("profile_provider").verbose_name))
        if self.profile_sme:
            names.append(str(self._meta.get_field("profile_sme").verbose_name))
        return names

    def role_values(self):
        """The strings ACM puts in the role claim for this right."""
        kbo = self.work_relationship.organisation.kbo_number
        profiles = []
        if self.profile_provider:
            profiles.append(settings.OIDC_PROFILE_PROVIDER)
        if self.profile_sme:
            profiles.append(settings.OIDC_PROFILE_SME)
        return [f"{settings.OIDC_ROLE_RIGHT}-{profile}:{kbo}" for profile in profiles]

    def is_valid_on(self, date):
        return (
            not self.paused
            and self.begin_date <= date <= self.end_date
            and self.work_relationship.is_valid_on(date)
        )


class HistoryEntry(models.Model):
    """One change in IDM, shown on the Historiek tab."""

    class Action(models.TextChoices):
        ADMINISTRATOR_APPOINTED = "administrator_appointed", _("Lokale beheerder aangesteld")
        PERSON_ADDED = "person_added", _("Gebruiker toegevoegd")
        WORK_RELATIONSHIP_ADDED = "work_relationship_added", _("Werkrelatie toegevoegd")
        WORK_RELATIONSHIP_CHANGED = "work_relationship_changed", _("Werkrelatie gewijzigd")
        WORK_RELATIONSHIP_EXTENDED = (
            "work_relationship_extended",
            _("Werkrelatie en gebruikersrechten verlengd"),
        )
        WORK_RELATIONSHIP_PAUSED = "work_relationship_paused", _("Werkrelatie gepauzeerd")
        WORK_RELATIONSHIP_RESUMED = "work_relationship_resumed", _("Werkrelatie hervat")
        WORK_RELATIONSHIP_REMOVED = "work_relationship_removed", _("Werkrelatie verwijderd")
        RIGHT_GRANTED = "right_granted", _("Gebruikersrecht toegekend")
        RIGHT_CHANGED = "right_changed", _("Gebruikersrecht gewijzigd")
        RIGHT_PAUSED = "right_paused", _("Gebruikersrecht gepauzeerd")
        RIGHT_RESUMED = "right_resumed", _("Gebruikersrecht hervat")
        RIGHT_REMOVED = "right_removed", _("Gebruikersrecht verwijderd")

    organisation = models.ForeignKey(
        IdmOrganisation,
        on_delete=models.CASCADE,
        related_name="history",
        verbose_name=_("organisatie"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="history",
        verbose_name=_("persoon"),
    )
    actor = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uitgevoerd door"),
    )
    when = models.DateTimeField(_("tijdstip"), default=timezone.now)
    action = models.CharField(_("actie"), max_length=40, choices=Action.choices)
    details = models.TextField(_("details"), blank=True)

    class Meta:
        ordering = ["-when", "-pk"]
        verbose_name = _("historiekregel")
        verbose_name_plural = _("historiek")

    def __str__(self):
        return f"{self.when:%d/%m/%Y %H:%M} {self.get_action_display()}"


def today():
    return timezone.localdate()
