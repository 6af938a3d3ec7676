from django.utils.translation import gettext_lazy as _

from portal.views import FeaturePlaceholderView


class RegistrationListView(FeaturePlaceholderView):
    """The "Registraties beheren" page (placeholder until the feature is built)."""

    menu_key = "registraties"
    explanation = (
        _(
            "Een dienstverlener wordt per type dienstverlening (opleiding, advies) geregistreerd "
            "na een audit volgens de kmop-norm. Een registratie is vijf jaar geldig."
        ),
        _(
            "Na aanmelding van een dienstverlener kan de maatschappelijke zetel hier een "
            "registratie voor die dienstverlener aanvragen."
        ),
    )
