"""The enterprises the portal knows and the reference data their addresses use.

`Organisation` is the tenant: every provider-side page is scoped to one (see
portal.access), and SMEs act for one too. `Address` is the abstract block of
address fields that organisations, service providers and establishments share;
a Belgian address must name a real postcode/municipality pair of `Postcode`
(reference data loaded by a migration, like the legal forms).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import validators
from core.text import name_key


def place_spelling(municipality, spellings):
    """The first of `spellings` that is `municipality` as people type it (ignoring case,
    accents, hyphens and spaces: 'sint niklaas' is 'Sint-Niklaas'), or None."""
    key = name_key(municipality)
    if not key:
        return None
    return next((name for name in spellings if name and name_key(name) == key), None)


class PostcodeQuerySet(models.QuerySet):
    def matching(self, postcode, municipality):
        """Rows whose postcode is `postcode` and whose name (Dutch, French or main
        municipality) is `municipality`, ignoring case, accents, hyphens and spaces.

        A postcode has a handful of places: they are compared in Python, the same way
        on every database."""
        pks = [
            place.pk
            for place in self.filter(postcode=postcode)
            if place_spelling(municipality, place.spellings)
        ]
        return self.filter(pk__in=pks)

    def spelling(self, postcode, municipality):
        """The postcode list's spelling of `municipality` at `postcode` ('gent' at 9000
        -> 'Gent'), or None when the list has no such place: what is stored and shown
        instead of what was typed. Dutch names first, then French, then the main
        municipality."""
        places = list(self.filter(postcode=postcode))
        for field in ("municipality_nl", "municipality_fr", "main_municipality"):
            spelling = place_spelling(municipality, [getattr(place, field) for place in places])
            if spelling:
                return spelling
        return None


class Postcode(models.Model):
    """A Belgian postcode and place (reference data, loaded by a migration).

    Source: GeoNames and BeST Address, CC BY 4.0 (see
    organisations.reference.POSTCODE_ATTRIBUTION).
    """

    postcode = models.CharField(_("postcode"), max_length=4, db_index=True)
    municipality_nl = models.CharField(_("gemeente"), max_length=100)
    municipality_fr = models.CharField(_("gemeente (Frans)"), max_length=100, blank=True)
    main_municipality = models.CharField(_("hoofdgemeente"), max_length=100)
    province = models.CharField(_("provincie"), max_length=50)
    latitude = models.DecimalField(_("breedtegraad"), max_digits=7, decimal_places=4)
    longitude = models.DecimalField(_("lengtegraad"), max_digits=7, decimal_places=4)

    objects = PostcodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["postcode", "municipality_nl"]
        constraints = [
            models.UniqueConstraint(
                fields=["postcode", "municipality_nl"], name="postcode_unique_place"
            )
        ]

    def __str__(self):
        return f"{self.postcode} {self.municipality_nl}"

    @property
    def spellings(self):
        return [self.municipality_nl, self.municipality_fr, self.main_municipality]


def validate_postcode_municipality(postcode, municipality):
    """The pair must name a real Belgian postcode and one of its places.

    Returns the postcode list's spelling of the place, to be stored instead of what
    was typed.
    """
    validators.validate_postcode(postcode)
    postcode = str(postcode).strip()
    municipality = str(municipality or "").strip()
    places = Postcode.objects.filter(postcode=postcode)
    if not places.exists():
        raise ValidationError(
            _("De postcode %(postcode)s bestaat niet."),
            code="postcode_unknown",
            params={"postcode": postcode},
        )
    spelling = places.spelling(postcode, municipality)
    if spelling is None:
        names = list(dict.fromkeys(places.values_list("municipality_nl", flat=True)))
        raise ValidationError(
            _("De postcode %(postcode)s hoort bij %(places)s, niet bij %(municipality)s."),
            code="postcode_municipality_mismatch",
            params={
                "postcode": postcode,
                "places": validators.dutch_enumeration(names),
                "municipality": municipality,
            },
        )
    return spelling


ADDRESS_FIELDS = ["country", "postcode", "municipality", "street", "house_number", "box"]


class Address(models.Model):
    """Address fields shared by organisations, service providers and establishments.

    A Belgian address must name a real postcode/municipality pair.
    """

    country = models.CharField(_("land"), max_length=2, default="BE")
    postcode = models.CharField(_("postcode"), max_length=10)
    municipality = models.CharField(_("gemeente"), max_length=100)
    street = models.CharField(_("straat"), max_length=200)
    house_number = models.CharField(_("nr"), max_length=10)
    box = models.CharField(_("bus"), max_length=10, blank=True)

    class Meta:
        abstract = True

    @property
    def street_line(self):
        """ "Straat en nr./bus" as the seed's overviews show it."""
        return " ".join(part for part in (self.street, self.house_number, self.box) if part)

    @property
    def place_line(self):
        return f"{self.postcode} {self.municipality}".strip()

    def clean(self):
        super().clean()
        if self.country == "BE" and self.postcode and self.municipality:
            try:
                self.municipality = validate_postcode_municipality(
                    self.postcode, self.municipality
                )
            except ValidationError as error:
                raise ValidationError({"municipality": error}) from error


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
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("onderneming")
        verbose_name_plural = _("ondernemingen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def kbo_display(self):
        return validators.format_kbo_number(self.kbo_number)
