"""`manage.py load_demo_data`: fill a development database with realistic demo data."""

import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand

from providers.demo_data import DEMO_STAFF, STAFF_GROUP, demo_data_load


class Command(BaseCommand):
    help = (
        "Load deterministic demo organisations, service providers and staff accounts. "
        "Safe to run twice. For development and demos only: it creates admin/admin."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            type=int,
            default=200,
            help="Number of organisations, the fixed demo organisations included (default 200).",
        )

    def handle(self, *args, organisations, **options):
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
            f"Registrations: {summary.registrations} ({summary.registrations_created} new)"
        )
        self.stdout.write("Demo staff accounts for /admin/ (demo only, never in production):")
        for account in DEMO_STAFF:
            role = "superuser" if account["is_superuser"] else f"group {STAFF_GROUP}"
            self.stdout.write(f"  {account['username']} / {account['password']} ({role})")

        if settings.STANDIN_ENABLED and importlib.util.find_spec("portal.standin.demo"):
            importlib.import_module("portal.standin.demo").load()
            self.stdout.write("Stand-in demo people loaded.")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
