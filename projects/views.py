from django.utils.translation import gettext_lazy as _

from portal.views import FeaturePlaceholderView


class ProjectListView(FeaturePlaceholderView):
    """The "Overzicht projecten" page (placeholder until the feature is built)."""

    menu_key = "projecten"
    explanation = (
        _(
            "Als geregistreerde dienstverlener van de kmo-portefeuille krijg je hier steeds een "
            "actueel overzicht van de steundossiers van jouw klanten."
        ),
        _(
            "Je bevestigt of weigert hier elke steunaanvraag waarin een klant jouw organisatie "
            "als dienstverlener noemt."
        ),
    )
