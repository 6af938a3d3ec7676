"""Register (or update) an OIDC client at the stand-in, e.g. for another host name."""

from django.conf import settings
from django.core.management.base import BaseCommand

from standin.demo import register_client


class Command(BaseCommand):
    help = "Registreert de client van het portaal bij de ACM/IDM-stand-in (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument(
            "--post-logout-uri", action="append", default=[], dest="post_logout_uris"
        )
        parser.add_argument("--client-id", default=settings.OIDC_RP_CLIENT_ID)
        parser.add_argument("--client-secret", default=settings.OIDC_RP_CLIENT_SECRET)
        parser.add_argument("--name", default="Kmo-portefeuille – portaal dienstverleners")

    def handle(self, *args, **options):
        application = register_client(
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            redirect_uris=options["redirect_uris"],
            post_logout_redirect_uris=options["post_logout_uris"],
            name=options["name"],
        )
        self.stdout.write(
            f"Client {application.client_id}: {application.redirect_uris} "
            f"(afmelden: {application.post_logout_redirect_uris or '-'})"
        )
