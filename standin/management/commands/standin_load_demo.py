"""Load the stand-in's demo people and their rights (idempotent); `load_demo_data` runs it."""

from django.core.management.base import BaseCommand

from standin import demo


class Command(BaseCommand):
    help = "Loads the demo people of the ACM/IDM stand-in and registers the portal's client."

    def handle(self, *args, **options):
        demo.load()
        self.stdout.write("Stand-in demo people loaded.")
