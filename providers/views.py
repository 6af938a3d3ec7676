from django.utils.translation import gettext_lazy as _

from portal.views import FeaturePlaceholderView


class ServiceProviderListView(FeaturePlaceholderView):
    """The "Dienstverleners: overzicht" page (placeholder until the feature is built)."""

    menu_key = "dienstverleners"
    explanation = (
        _(
            "Wijzig hier de gegevens van jouw organisatie in 2 stappen: stap 1: adres, "
            "contactgegevens en rekeningnummer; stap 2: de vakgebieden en voorstelling van uw "
            "organisatie."
        ),
        _(
            "De maatschappelijke zetel moet de dienstverlener(s) aanmelden. Na aanmelding kan "
            "door de maatschappelijke zetel een registratie aangevraagd worden voor de "
            "dienstverlener via 'registraties beheren'."
        ),
    )
