from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstablishmentsConfig(AppConfig):
    name = "establishments"
    verbose_name = _("Vestigingen")

    def ready(self):
        from establishments.receivers import organisation_saved_received
        from organisations.signals import organisation_saved

        # The registered office is the first establishment and follows the address.
        organisation_saved.connect(
            organisation_saved_received, dispatch_uid="registered_office_sync"
        )
