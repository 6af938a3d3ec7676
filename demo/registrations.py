"""Demo registrations, loaded by `manage.py load_demo_data` (demo.providers).

Most registered offices get a registration in force for opleiding, advies or
both, a few as starters; the fixed demo organisations get hand-picked cases: a
pending request with a small generated PDF for the agency's queue, a
registration that ends within six months (the reminders), a suspended one.
Each of the three fixed demo organisations has at least one registration in
force, so that the public search and the demo sign-ins have something to show.

Dates are relative to the day of the first run. A provider that already has a
registration of a service type is left alone, so a second run creates nothing;
numbers come from the same counter as real approvals, so they never collide.
Registrations are written directly, not through the services: those would
mail every decision.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from fpdf import FPDF

from core.dates import add_years
from demo.identities import DEMO_ORGANISATIONS
from providers.models import ServiceProvider
from registrations.models import (
    DECLARATION_TEXT,
    QualityLabel,
    Registration,
    RegistrationEvent,
    ServiceType,
    private_storage,
)
from registrations.services import (
    STARTER_VALIDITY_YEARS,
    VALIDITY_YEARS,
    next_number,
    validity_end,
)

Status = Registration.Status
Action = RegistrationEvent.Action
TRAINING, ADVICE = ServiceType.TRAINING, ServiceType.ADVICE

SCHELDE, LEIE, KEMPEN = (kbo for kbo, _name in DEMO_ORGANISATIONS)
# The demo people who file the fixed organisations' requests (see standin.demo).
DECLARANTS = {SCHELDE: "Sofie Maes", LEIE: "Pieter De Smet", KEMPEN: "Pieter De Smet"}
# The portal user behind every demo declaration: the demo people only get a
# portal account when they first sign in, and a declaration needs a user.
DECLARANT_USERNAME = "demo-aanvrager"

SHARED_REPORT = "registrations/audit-reports/demo-auditrapport.pdf"
AUDIT_BODIES = [
    "Kwaliteitsaudit Vlaanderen",
    "Audit & Certificatie Noord",
    "KMOP Audit Partners",
    "Certificatiebureau Schelde-Maas",
]
QUALITY_LABELS = ["ISO 9001:2015", "Q*For", "EFQM Committed to Excellence"]
SUSPENSION_REASON = (
    "Klachten van drie klanten over adviestrajecten die niet werden uitgevoerd zoals "
    "aangerekend. De schorsing loopt tot het onderzoek is afgerond."
)


@dataclass
class Plan:
    """One demo registration: a type, a status and how many days ago it started."""

    service_type: str
    status: str = Status.APPROVED
    is_starter: bool = False
    started_days_ago: int = 365
    # For the registration that must end soon: days from today to valid_until.
    ends_in_days: int | None = None


# Registered offices of the fixed demo organisations.
FIXED_PLANS = {
    SCHELDE: [
        # Over two years: the demo dossiers (demo.projects) go back that far.
        Plan(TRAINING, started_days_ago=800),
        Plan(ADVICE, status=Status.REQUESTED),
    ],
    LEIE: [
        Plan(ADVICE, ends_in_days=120),
        Plan(TRAINING, started_days_ago=900),
    ],
    KEMPEN: [
        Plan(TRAINING, is_starter=True, started_days_ago=300),
        Plan(ADVICE, status=Status.SUSPENDED, started_days_ago=700),
    ],
}
# The other service providers of Vormingscentrum Schelde: a starter.
FIXED_EXTRA_PLANS = {SCHELDE: [Plan(TRAINING, is_starter=True, started_days_ago=200)]}


def _random_plans(rng, *, registered_office):
    """Mostly one type, some both, some none; about one in eight a starter."""
    roll = rng.random()
    if not registered_office:
        types = [rng.choice([TRAINING, ADVICE])] if roll < 0.4 else []
    elif roll < 0.40:
        types = [TRAINING]
    elif roll < 0.70:
        types = [ADVICE]
    elif roll < 0.85:
        types = [TRAINING, ADVICE]
    else:
        types = []
    plans = []
    for service_type in types:
        starter = rng.random() < 0.12
        # Started at most 4 years (a starter: 20 months) ago: all in force today.
        days = rng.randrange(0, 600 if starter else 1460)
        plans.append(Plan(service_type, is_starter=starter, started_days_ago=days))
    return plans


def _validity(plan, today):
    years = STARTER_VALIDITY_YEARS if plan.is_starter else VALIDITY_YEARS
    if plan.ends_in_days is not None:
        end = today + datetime.timedelta(days=plan.ends_in_days)
        valid_from = add_years(end + datetime.timedelta(days=1), -years)
    else:
        valid_from = today - datetime.timedelta(days=plan.started_days_ago)
    return valid_from, validity_end(valid_from, years)


def _pdf(title, lines):
    """A small one-page PDF; the fixed creation date keeps the bytes the same every run."""
    pdf = FPDF()
    pdf.set_creation_date(datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.multi_cell(0, 10, text=title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _ensure_file(name, title, lines):
    storage = private_storage()
    if not storage.exists(name):
        storage.save(name, ContentFile(_pdf(title, lines)))
    return name


def _shared_report():
    return _ensure_file(
        SHARED_REPORT,
        "Auditrapport kmop-norm (demo)",
        [
            "Dit is een voorbeeldrapport uit de demogegevens van het portaal.",
            "Het is geen echt auditrapport.",
        ],
    )


def _request_report(provider, plan, audit_body):
    kind = "opleiding" if plan.service_type == TRAINING else "advies"
    return _ensure_file(
        f"registrations/audit-reports/demo-{provider.kbo_number}-{plan.service_type}.pdf",
        f"Auditrapport kmop-norm: {provider.name}",
        [
            f"Type dienstverlening: {kind}",
            f"Auditinstantie: {audit_body}",
            "Besluit: de dienstverlener voldoet aan de kmop-norm.",
            "Dit is een voorbeeldrapport uit de demogegevens van het portaal.",
        ],
    )


def _declarant():
    user, created = get_user_model().objects.get_or_create(
        username=DECLARANT_USERNAME,
        defaults={"first_name": "Demo", "last_name": "Aanvrager", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _create(provider, plan, *, rng, today, declarant, staff):
    """One registration with its quality label and events, as if it went through the portal."""
    audit_body = rng.choice(AUDIT_BODIES)
    if plan.status == Status.REQUESTED:
        requested_at = _at(today - datetime.timedelta(days=3), 14)
        valid_from = valid_until = decided_at = None
        report = _request_report(provider, plan, audit_body)
    else:
        valid_from, valid_until = _validity(plan, today)
        decided_at = _at(valid_from, 10)
        requested_at = decided_at - datetime.timedelta(days=rng.randrange(10, 40))
        report = _shared_report()
    name = DECLARANTS.get(provider.organisation.kbo_number) or (
        f"{provider.contact_first_name} {provider.contact_last_name}".strip() or "Demo Aanvrager"
    )
    # The status is protected (core.transitions): the row is built in its final status,
    # with the events of the steps that led there.
    registration = Registration(
        service_provider=provider,
        service_type=plan.service_type,
        status=plan.status,
        is_starter=plan.is_starter,
        audit_body=audit_body,
        audit_date=requested_at.date() - datetime.timedelta(days=rng.randrange(14, 60)),
        audit_report=report,
        audit_report_name=f"auditrapport-{plan.service_type.lower()}.pdf",
        declaration_text=str(DECLARATION_TEXT),
        declared_by=declarant,
        declared_by_name=name,
        declared_at=requested_at,
        requested_at=requested_at,
    )
    events = [(Action.REQUEST, "", Status.REQUESTED, declarant, requested_at, "")]
    if plan.status != Status.REQUESTED:
        registration.number = next_number(registration=registration)
        registration.valid_from, registration.valid_until = valid_from, valid_until
        registration.decided_at = decided_at
        events.append((Action.APPROVE, Status.REQUESTED, Status.APPROVED, staff, decided_at, ""))
    if plan.status == Status.SUSPENDED:
        suspended_at = _at(today - datetime.timedelta(days=12), 11)
        registration.reason = SUSPENSION_REASON
        registration.decided_at = suspended_at
        events.append(
            (
                Action.SUSPEND,
                Status.APPROVED,
                Status.SUSPENDED,
                staff,
                suspended_at,
                SUSPENSION_REASON,
            )
        )
    registration.full_clean()
    registration.save()
    if rng.random() < 0.5:
        label = QualityLabel(
            registration=registration,
            name=rng.choice(QUALITY_LABELS),
            expires_on=today + datetime.timedelta(days=rng.randrange(200, 1500)),
        )
        label.full_clean()
        label.save()
    RegistrationEvent.objects.bulk_create(
        RegistrationEvent(
            registration=registration,
            action=action,
            from_status=from_status,
            to_status=to_status,
            actor=actor,
            at=at,
            reason=reason,
        )
        for action, from_status, to_status, actor, at, reason in events
    )


def _office_first(providers):
    office = ServiceProvider.Type.REGISTERED_OFFICE
    return sorted(providers, key=lambda provider: provider.type != office)


def _plans(provider, kbo, seed, organisation_providers):
    office = provider.type == ServiceProvider.Type.REGISTERED_OFFICE
    if kbo in FIXED_PLANS:
        if office:
            return FIXED_PLANS[kbo]
        # Only the first of the other service providers (by name) gets the extra plans.
        extras = [
            p for p in organisation_providers if p.type != ServiceProvider.Type.REGISTERED_OFFICE
        ]
        return FIXED_EXTRA_PLANS.get(kbo, []) if provider == extras[0] else []
    rng = random.Random(f"{seed}:registrations:{kbo}:{provider.name}")  # noqa: S311 - demo data
    return _random_plans(rng, registered_office=office)


def registrations_demo_load(*, kbo_numbers, seed, staff):
    """Create the demo registrations of the organisations `kbo_numbers`, in that order.

    `staff` is the agency user recorded as having decided. Returns (registrations
    of these organisations, how many were created now).
    """
    today = timezone.localdate()
    declarant = _declarant()
    created = 0
    with transaction.atomic():
        _shared_report()
        # Keep the order of the organisations: numbers are handed out in it.
        providers = {kbo: [] for kbo in kbo_numbers}
        for provider in (
            ServiceProvider.objects.filter(organisation__kbo_number__in=kbo_numbers)
            .select_related("organisation")
            .order_by("name", "pk")
        ):
            providers[provider.organisation.kbo_number].append(provider)
        existing = set(
            Registration.objects.filter(
                service_provider__organisation__kbo_number__in=kbo_numbers
            ).values_list("service_provider_id", "service_type")
        )
        for kbo, organisation_providers in providers.items():
            for provider in _office_first(organisation_providers):
                for plan in _plans(provider, kbo, seed, organisation_providers):
                    if (provider.pk, plan.service_type) in existing:
                        continue
                    rng = random.Random(  # noqa: S311 - demo data
                        f"{seed}:registration:{kbo}:{provider.name}:{plan.service_type}"
                    )
                    _create(provider, plan, rng=rng, today=today, declarant=declarant, staff=staff)
                    existing.add((provider.pk, plan.service_type))
                    created += 1
    total = Registration.objects.filter(
        service_provider__organisation__kbo_number__in=kbo_numbers
    ).count()
    return total, created
