"""Register (or update) an OIDC client at the stand-in, e.g. for another host name or port."""

from django.conf import settings
from django.core.management.base import BaseCommand

from standin.demo import (
    PORTAL_CLIENT_NAME,
    portal_post_logout_uri,
    portal_redirect_uri,
    register_client,
)


class Command(BaseCommand):
    help = (
        "Registreert de client van het portaal bij de ACM/IDM-stand-in (idempotent). De "
        "opgegeven adressen komen bij de adressen die de client al heeft, tenzij met "
        "--replace. Zonder --redirect-uri: het adres van het portaal volgens PORTAL_BASE_URL "
        "of PORT (make run PORT=8400)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--redirect-uri",
            action="append",
            dest="redirect_uris",
            metavar="URI",
            help=(
                "Adres waarnaar de stand-in na het aanmelden terugkeert (de callback van het "
                "portaal); herhaalbaar. Standaard: PORTAL_BASE_URL + /oidc/callback/ "
                f"(nu {portal_redirect_uri()})."
            ),
        )
        parser.add_argument(
            "--post-logout-uri",
            action="append",
            dest="post_logout_uris",
            metavar="URI",
            help=(
                "Adres waarnaar de stand-in na het afmelden terugkeert; herhaalbaar. Standaard: "
                f"PORTAL_BASE_URL + / (nu {portal_post_logout_uri()})."
            ),
        )
        parser.add_argument(
            "--client-id",
            default=settings.OIDC_RP_CLIENT_ID,
            help="Client-id van de client (standaard OIDC_RP_CLIENT_ID: %(default)s).",
        )
        parser.add_argument(
            "--client-secret",
            default=settings.OIDC_RP_CLIENT_SECRET,
            help="Geheim van de client (standaard OIDC_RP_CLIENT_SECRET).",
        )
        parser.add_argument(
            "--name",
            default=PORTAL_CLIENT_NAME,
            help="Naam van de client in de stand-in (standaard: %(default)s).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=(
                "Vervang de adressen die de client al heeft door de opgegeven adressen, in "
                "plaats van ze toe te voegen."
            ),
        )

    def handle(self, *args, **options):
        application = register_client(
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            redirect_uris=options["redirect_uris"] or [portal_redirect_uri()],
            post_logout_redirect_uris=options["post_logout_uris"] or [portal_post_logout_uri()],
            name=options["name"],
            replace=options["replace"],
        )
        self.stdout.write(
            f"Client {application.client_id}: {application.redirect_uris} "
            f"(afmelden: {application.post_logout_redirect_uris or '-'})"
        )
