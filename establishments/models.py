from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import PhoneNumberField
from organisations.models import Address, Postcode


class EstablishmentQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def active(self):
        return self.filter(is_active=True)


class Establishment(Address):
    """A place where clients can reach the organisation (vestiging).

    "De eerste vestiging is automatisch uw maatschappelijke zetel" (seed 000): the
    registered office is an establishment from the start, follows the
    organisation's address and can be neither removed nor deactivated.
    Coordinates come from the postcode and serve the distance search.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="establishments",
        verbose_name=_("onderneming"),
    )
    is_registered_office = models.BooleanField(_("maatschappelijke zetel"), default=False)
    name = models.CharField(_("naam vestiging"), max_length=200, blank=True)
    phone = PhoneNumberField(_("telefoonnummer"), blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)
    latitude = models.DecimalField(
        _("breedtegraad"), max_digits=7, decimal_places=4, null=True, blank=True, editable=False
    )
    longitude = models.DecimalField(
        _("lengtegraad"), max_digits=7, decimal_places=4, null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = EstablishmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vestiging")
        verbose_name_plural = _("vestigingen")
        ordering = ["-is_registered_office", "municipality", "street"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_registered_office=True),
                name="establishment_one_registered_office",
            ),
            models.CheckConstraint(
                condition=models.Q(is_registered_office=False) | models.Q(is_active=True),
                name="establishment_registered_office_active",
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="establishment_coordinates"),
            # The public search measures distances to the active establishments of
            # the organisations it has already chosen: one index-only probe each.
            models.Index(
                fields=["organisation"],
                include=["latitude", "longitude"],
                condition=models.Q(is_active=True),
                name="establishment_active_org_idx",
            ),
        ]

    def __str__(self):
        return f"{self.place_line}, {self.street_line}"

    def locate(self):
        """Take the coordinates of the postcode (approximate centroid of the place)."""
        place = (
            Postcode.objects.matching(self.postcode, self.municipality).first()
            or Postcode.objects.filter(postcode=self.postcode).first()
        )
        self.latitude = place.latitude if place else None
        self.longitude = place.longitude if place else None
