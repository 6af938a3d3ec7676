from django.utils.translation import gettext_lazy as _

from portal.views import FeaturePlaceholderView


class EstablishmentListView(FeaturePlaceholderView):
    """The "Vestigingen: overzicht" page (placeholder until the feature is built)."""

    menu_key = "vestigingen"
    explanation = (
        _(
            "Als je meerdere vestigingen hebt waar je klanten terecht kunnen, dan kan je deze "
            "hier toevoegen of wijzigen."
        ),
        _(
            "De eerste vestiging is automatisch uw maatschappelijke zetel. Deze vestigingen "
            "kunnen gebruikt worden als zoekcriterium bij het zoeken van een geregistreerde "
            "dienstverlener."
        ),
    )
