"""`manage.py standin_load_test_seed`: the stand-in's side of the load test's identities.

One person per load-test organisation (demo.loadtest), with a work relationship and a
right in force: the provider profile for a provider, the Gebruiker profile for an SME.
Deterministic and idempotent. The portal seeds its side with `load_test_seed`.
"""

import datetime

from django.core.management.base import BaseCommand
from django.db import transaction

from core.dates import add_years
from demo import loadtest
from standin.models import IdmOrganisation, Person, UserRight, WorkRelationship, today
from standin.validators import birth_date_from_national_number


class Command(BaseCommand):
    help = "Seed the load test's people and rights in the stand-in (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=loadtest.PROVIDER_COUNT)
        parser.add_argument("--smes", type=int, default=loadtest.SME_COUNT)

    @transaction.atomic
    def handle(self, *args, providers, smes, **options):
        start = today() - datetime.timedelta(days=30)
        identities = [*loadtest.providers(providers), *loadtest.smes(smes)]
        for identity in identities:
            organisation, _created = IdmOrganisation.objects.update_or_create(
                kbo_number=identity.kbo_number, defaults={"name": identity.organisation_name}
            )
            person, _created = Person.objects.update_or_create(
                national_number=identity.national_number,
                defaults={
                    "first_name": identity.first_name,
                    "last_name": identity.last_name,
                    "birth_date": birth_date_from_national_number(identity.national_number),
                    "phone": "+3292671200",
                    "email": identity.email,
                },
            )
            relationship, _created = WorkRelationship.objects.update_or_create(
                person=person,
                organisation=organisation,
                defaults={
                    "category": WorkRelationship.Category.PERMANENT,
                    "begin_date": start,
                    "end_date": add_years(start, 10),
                    "phone": "+3292671200",
                    "email": identity.email,
                    "paused": False,
                },
            )
            right = relationship.rights.first() or UserRight(work_relationship=relationship)
            right.right = UserRight.Right.VLAIO_INKOM
            right.profile_provider = identity.kind == "provider"
            right.profile_sme = identity.kind == "sme"
            right.begin_date, right.end_date, right.paused = start, add_years(start, 5), False
            right.full_clean()
            right.save()
        self.stdout.write(f"Stand-in load test: {len(identities)} people with a right in force.")
