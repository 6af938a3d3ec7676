"""`manage.py load_test_seed`: the portal's side of the load test's identities (demo.loadtest).

For each load-test provider: its organisation and registered office (MZ) with
vakgebieden, a bank account and a registration for opleiding in force, so that SMEs
can choose it. For each load-test SME: its organisation. Pending requests that an
earlier run filed are cancelled (as the provider would), so that every run's
providers can file one again. Deterministic and idempotent: a second run changes
nothing but those requests. Installed only with BENCHMARKS_ENABLED=true; the
stand-in seeds its side with `standin_load_test_seed`.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.transitions import TransitionError
from demo import loadtest
from demo.providers import DemoDataSummary, _legal_forms, _load_organisation, _places
from demo.registrations import TRAINING, Plan, _create, _declarant
from providers.models import ServiceProvider, Vakgebied
from registrations.models import Registration
from registrations.services import registration_cancel

SEED = "kmo-portefeuille-load"


def _spec(identity, places, *, is_provider):
    rng = random.Random(f"{SEED}:{identity.kind}:{identity.index}")  # noqa: S311 - test data
    return {
        "kbo": identity.kbo_number,
        "name": identity.organisation_name,
        "kind": "een opleidingscentrum" if is_provider else "een kmo",
        "place": rng.choice(places),
        "street": "Teststraat",
        "house_number": str(identity.index + 1),
        "is_provider": is_provider,
        "extra_providers": 0,
        "vakgebieden": None,
    }


def _staff():
    User = get_user_model()
    staff = User.objects.filter(username="medewerker").first()
    if staff is None:
        staff, _created = User.objects.get_or_create(
            username="belastingtest-medewerker",
            defaults={"is_staff": True, "is_active": False},
        )
    return staff


class Command(BaseCommand):
    help = "Seed the load test's organisations, providers and registrations (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--providers", type=int, default=loadtest.PROVIDER_COUNT)
        parser.add_argument("--smes", type=int, default=loadtest.SME_COUNT)

    def handle(self, *args, providers, smes, **options):
        summary = DemoDataSummary()
        today = timezone.localdate()
        created = cancelled = 0
        with transaction.atomic():
            places, _fallback = _places()
            legal_forms = _legal_forms()
            pool = list(Vakgebied.objects.order_by("slug"))
            for identity in loadtest.providers(providers):
                _load_organisation(
                    _spec(identity, places, is_provider=True),
                    places=places,
                    legal_forms=legal_forms,
                    vakgebieden_pool=pool,
                    summary=summary,
                )
            for identity in loadtest.smes(smes):
                _load_organisation(
                    _spec(identity, places, is_provider=False),
                    places=places,
                    legal_forms=legal_forms,
                    vakgebieden_pool=pool,
                    summary=summary,
                )
            offices = ServiceProvider.objects.filter(
                type=ServiceProvider.Type.REGISTERED_OFFICE,
                kbo_number__in=[identity.kbo_number for identity in loadtest.providers(providers)],
            ).select_related("organisation")
            declarant, staff = _declarant(), _staff()
            for office in offices:
                if not office.registrations.filter(service_type=TRAINING).exists():
                    rng = random.Random(f"{SEED}:registration:{office.kbo_number}")  # noqa: S311
                    _create(
                        office,
                        Plan(TRAINING, started_days_ago=100),
                        rng=rng,
                        today=today - datetime.timedelta(days=0),
                        declarant=declarant,
                        staff=staff,
                    )
                    created += 1
            pending = Registration.objects.filter(
                service_provider__in=offices, status=Registration.Status.REQUESTED
            )
            for registration in pending.select_related("declared_by"):
                # Withdrawn by the provider user who filed it, who acts for the
                # organisation (the services check the scope); a request of someone who
                # no longer does stays, as it would in the portal.
                try:
                    registration_cancel(
                        registration=registration,
                        user=registration.declared_by,
                        reason="Belastingtest opnieuw",
                    )
                except TransitionError:
                    continue
                cancelled += 1
        self.stdout.write(
            f"Load test: {summary.service_providers} providers "
            f"({summary.service_providers_created} new), {smes} SMEs "
            f"({summary.organisations_created} organisations new), {created} registrations "
            f"new, {cancelled} pending requests of an earlier run cancelled."
        )
