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

    def warm_up(self):
        """Before an app server's worker serves its first request (portal/wsgi.py): the
        Dutch lexicon that splits compounds (directory.compounds), about 1.5 s to read.
        Read lazily, it made a visitor's first search on every new worker wait for it (1.9
        s against 0.08 for the next one). The stand-in OP serves no search."""
        from django.conf import settings

        from directory import compounds

        if not settings.STANDIN_SERVICE:
            compounds.lexicon()
