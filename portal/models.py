from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal import validators


class User(AbstractUser):
    """A person known to the portal.

    Provider and SME users are keyed on the OIDC subject (`sub`) of the identity
    provider, never on a rijksregisternummer: the portal stores none. Agency
    staff sign in to the admin with a username and password.
    """

    oidc_subject = models.CharField(
        _("OIDC-subject"), max_length=255, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")


class Membership(models.Model):
    """A profile a user may act in for an organisation.

    Rebuilt from the role claim of the ID token at every login: a right that is
    no longer in the token is no longer here.
    """

    class Profile(models.TextChoices):
        PROVIDER = "provider", _("Dienstverlener kmo-portefeuille")
        SME = "sme", _("Gebruiker")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    organisation = models.ForeignKey(
        "providers.Organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("onderneming"),
    )
    profile = models.CharField(_("profiel"), max_length=20, choices=Profile.choices)
    granted_at = models.DateTimeField(_("laatst bevestigd"), auto_now=True)

    class Meta:
        verbose_name = _("gebruikersrecht")
        verbose_name_plural = _("gebruikersrechten")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "profile"], name="membership_unique_profile"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_profile_display()})"


class PostcodeQuerySet(models.QuerySet):
    def matching(self, postcode, municipality):
        """Rows whose postcode is `postcode` and whose name (Dutch, French or
        main municipality) is `municipality`, ignoring case."""
        return self.filter(postcode=postcode).filter(
            models.Q(municipality_nl__iexact=municipality)
            | models.Q(municipality_fr__iexact=municipality)
            | models.Q(main_municipality__iexact=municipality)
        )


class Postcode(models.Model):
    """A Belgian postcode and place (reference data, loaded by a migration).

    Source: GeoNames and BeST Address, CC BY 4.0 (see portal.reference.POSTCODE_ATTRIBUTION).
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
                validators.validate_postcode_municipality(self.postcode, self.municipality)
            except ValidationError as error:
                raise ValidationError({"municipality": error}) from error
