"""`manage.py load_demo_data`: fill a development database with realistic demo data."""

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.providers import DEMO_STAFF, demo_data_load


class Command(BaseCommand):
    help = (
        "Load deterministic demo organisations, service providers, registrations, subsidy "
        "dossiers and staff accounts. "
        "Safe to run twice. For development and demos only: it creates admin/admin, so "
        "it refuses to run without DEBUG unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            type=int,
            default=200,
            help="Number of organisations, the fixed demo organisations included (default 200).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off (a demo server); never on a production database.",
        )

    def handle(self, *args, organisations, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo_data creates the accounts admin/admin, medewerker/medewerker and "
                "auditor/auditor: it runs only with DJANGO_DEBUG=true (development). On a "
                "demo server that is not production, pass --force."
            )
        summary = demo_data_load(organisations=organisations)
        if summary.used_fallback_places:
            self.stdout.write(
                self.style.WARNING(
                    "The Postcode table is empty: used the built-in list of places."
                )
            )
        self.stdout.write(
            f"Organisations: {summary.organisations} ({summary.organisations_created} new)\n"
            f"Service providers: {summary.service_providers} "
            f"({summary.service_providers_created} new)\n"
            f"Registrations: {summary.registrations} ({summary.registrations_created} new)\n"
            f"Subsidy dossiers: {summary.projects} ({summary.projects_created} new)"
        )
        self.stdout.write("Demo staff accounts for /admin/ (demo only, never in production):")
        for account in DEMO_STAFF:
            role = (
                "superuser"
                if account["is_superuser"]
                else ", ".join(role.name for role in account["roles"])
            )
            self.stdout.write(f"  {account['username']} / {account['password']} ({role})")

        if apps.is_installed("standin"):
            call_command("standin_load_demo", stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
