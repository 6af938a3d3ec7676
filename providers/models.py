from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import validators
from portal.models import Address

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


class LegalForm(models.Model):
    """A legal form (rechtsvorm) of the KBO code list."""

    code = models.CharField(_("KBO-code"), max_length=3, unique=True)
    name = models.CharField(_("naam"), max_length=150)
    abbreviation = models.CharField(_("afkorting"), max_length=20, blank=True)
    in_use = models.BooleanField(
        _("nog in gebruik"),
        default=True,
        help_text=_("Rechtsvormen van vóór het Wetboek van vennootschappen en verenigingen."),
    )

    class Meta:
        verbose_name = _("rechtsvorm")
        verbose_name_plural = _("rechtsvormen")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name


class OrganisationQuerySet(models.QuerySet):
    def for_user(self, user, profile):
        return self.filter(memberships__user=user, memberships__profile=profile).distinct()


class Organisation(Address):
    """An enterprise (onderneming) known by its KBO number.

    The address fields hold the registered office (maatschappelijke zetel).
    """

    kbo_number = models.CharField(
        _("ondernemingsnummer"),
        max_length=10,
        unique=True,
        validators=[validators.validate_kbo_number],
    )
    name = models.CharField(_("naam"), max_length=200)
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("rechtsvorm"),
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("onderneming")
        verbose_name_plural = _("ondernemingen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def kbo_display(self):
        return validators.format_kbo_number(self.kbo_number)


class ServiceProviderQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class ServiceProvider(Address):
    """A service provider (dienstverlener) announced by an organisation.

    The registered office's own entry has type MZ; the address fields hold the
    billing address ("Facturatie adres"). Fields follow "Mijn gegevens: stap 1
    en stap 2" of seed 000.
    """

    class Type(models.TextChoices):
        REGISTERED_OFFICE = "MZ", _("Maatschappelijke zetel")
        PROVIDER = "DV", _("Dienstverlener")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="service_providers",
        verbose_name=_("onderneming"),
    )
    type = models.CharField(_("type"), max_length=2, choices=Type.choices, default=Type.PROVIDER)
    name = models.CharField(_("maatschappelijke naam"), max_length=200)
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    mobile = models.CharField(_("gsm-nummer"), max_length=20, blank=True)
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
    description = models.TextField(
        _("voorstelling"),
        blank=True,
        validators=[MaxLengthValidator(DESCRIPTION_MAX_LENGTH)],
    )
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = ServiceProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("dienstverlener")
        verbose_name_plural = _("dienstverleners")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(type="MZ"),
                name="service_provider_one_registered_office",
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=["MZ", "DV"]), name="service_provider_type_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def kbo_display(self):
        return validators.format_kbo_number(self.kbo_number)
