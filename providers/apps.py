from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = _("Dienstverleners")

    def ready(self):
        from django.core import checks

        from providers import search_cache, search_index

        search_index.connect_signals()
        search_cache.connect_signals()
        checks.register(search_cache.check_shared_cache, checks.Tags.caches, deploy=True)
