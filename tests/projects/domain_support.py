"""Helpers for the domain tests of subsidy dossiers (models, rates, services, lapse, admin).

Bakkerij De Gouden Korst (the SME, An files for it) buys from Vormingscentrum
Schelde (the provider, registered for opleiding and advies since 2024); Sam is
agency staff.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from projects.models import Project
from projects.services import project_submit
from providers.models import Vakgebied
from registrations.services import validity_end
from tests.factories import (
    OrganisationFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
    UserFactory,
)

REGISTERED_SINCE = datetime.date(2024, 1, 1)


def registered_provider(*, service_types=("O", "A"), valid_from=REGISTERED_SINCE, **fields):
    """A service provider registered for `service_types` from `valid_from` for five years,
    offering the vakgebieden ICT and Energie."""
    provider = ServiceProviderFactory(**fields)
    for service_type in service_types:
        RegistrationFactory(
            approved=True,
            service_provider=provider,
            service_type=service_type,
            number=f"DV.{service_type}{provider.pk:06d}",
            valid_from=valid_from,
            valid_until=validity_end(valid_from, 5),
            audit_report="registrations/audit-reports/test.pdf",
        )
    provider.vakgebieden.add(*Vakgebied.objects.filter(name__in=["ICT", "Energie"]))
    return provider


def sme(**fields):
    fields.setdefault("name", "Bakkerij De Gouden Korst")
    fields.setdefault("email", "info@goudenkorst.example")
    return OrganisationFactory(**fields)


def staff(username="sam"):
    return UserFactory(
        username=username, first_name="Sam", last_name="VLAIO", is_staff=True, is_superuser=True
    )


def application(*, client, provider, user, filed_on=None, **overrides):
    """The keyword arguments of project_submit for a valid opleiding application.

    Opleiding, because advice on any topic but cybersecurity is no longer eligible
    since 1 February 2026 (projects.eligibility); tests of advice say so.
    """
    filed_on = filed_on or timezone.localdate()
    data = {
        "client": client,
        "user": user,
        "service_provider": provider,
        "service_type": "O",
        "training_kind": "classroom",
        "title": "Digitale boekhouding",
        "vakgebied": Vakgebied.objects.get(name="ICT"),
        "theme": "digitalisation",
        "start_date": filed_on - datetime.timedelta(days=5),
        "end_date": filed_on + datetime.timedelta(days=60),
        "amount_excl_vat": Decimal("2000.00"),
        "company_size": "small",
        "filed_on": filed_on,
    }
    data.update(overrides)
    return data


def submit(**kwargs):
    return project_submit(**application(**kwargs))


def project_in(status, **fields):
    """A dossier in `status`, with the dates that status implies (written directly)."""
    now = timezone.now()
    today = timezone.localdate()
    values = {"status": status}
    if status not in (Project.Status.SUBMITTED, Project.Status.REFUSED):
        values.update(confirmed_at=now, deposit_due_on=today + datetime.timedelta(days=30))
    if status == Project.Status.REFUSED:
        values.update(refused_at=now, refusal_reason="wrong_provider")
    if status in (
        Project.Status.DEPOSITED,
        Project.Status.GRANTED,
        Project.Status.PARTIALLY_PAID,
        Project.Status.PAID,
        Project.Status.CLOSED,
    ):
        values["deposit_paid_on"] = today
    if status == Project.Status.PARTIALLY_PAID:
        values["amount_paid"] = Decimal("100.00")
    if status in (Project.Status.PAID, Project.Status.CLOSED):
        values["amount_paid"] = Decimal("1000.00")
    values.update(fields)
    return ProjectFactory(**values)
