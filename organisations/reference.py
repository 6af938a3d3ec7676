"""Reference texts that belong with the reference data loaded by migrations."""

from django.utils.translation import gettext_lazy as _

# Shown wherever postcode data is displayed (CC BY 4.0 requires attribution);
# see organisations/data/README.md.
POSTCODE_ATTRIBUTION = _(
    "Postcodegegevens © GeoNames (geonames.org), CC BY 4.0. "
    "Gemeentenamen: BeST-adressen, FOD BOSA (CC BY 4.0)."
)
