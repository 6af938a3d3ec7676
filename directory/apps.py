from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The public search over registered service providers ("Zoek een geregistreerde
    dienstverlener")."""

    name = "directory"
    verbose_name = _("Zoekmodule")

    def ready(self):
        from django.core import checks

        from directory import cache, compounds, index

        index.connect_signals()
        cache.connect_signals()
        checks.register(cache.check_shared_cache, checks.Tags.caches, deploy=True)
        checks.register(compounds.check_dictionary)
