"""Demo subsidy dossiers (steundossiers), loaded by `manage.py load_demo_data`.

The three demo providers get dossiers of the demo SMEs (Bakkerij De Gouden Korst,
for which An Willems files, and four more) in every status of the dossier's state
machine: waiting for the provider's confirmation (some with only a few days
left), confirmed, refused with a reason, stopped by the SME or by the agency,
own share deposited, subsidy granted, partly and fully paid (with the payments),
closed, and lapsed. Their filing dates spread over the last 24 months, so that a
chart of dossiers per month has something to show.

Every step is taken through projects.services, so the dossiers obey the rules
(14-day filing term, registration in force, rates and the annual ceiling, the
30-day deposit term). The services stamp each step with "now": the loader takes
the steps of all dossiers in the order of their dates, with Django's clock
(django.utils.timezone.now) set to the moment of the step. The parties are demo
portal users holding the memberships that the services check (Sofie Maes and
Pieter De Smet for the providers, An Willems and the other SMEs' people for the
clients); the agency's steps are the demo's `medewerker`.

Dates are relative to the day of the first run. The dossiers follow the rules of their
filing dates (projects.eligibility): advice on other topics than cybersecurity is filed
before the reform of 1 February 2026 (a plan that would fall after it when the demo is
loaded later is filed on the last day before the reform instead), cybersecurity advice
and training on both sides of it; "Marketingplan voor de tweede winkel" (January 2026,
partly paid) shows that an older dossier keeps the rules of its own date. A dossier is
found again by its client and title, so a second run files nothing; a dossier whose
provider had no registration in force on its filing day (an older demo database) is
left out.
"""

import contextlib
import dataclasses
import datetime
from decimal import Decimal
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from demo.identities import DEMO_CLIENTS, DEMO_ORGANISATIONS, DEMO_SME
from establishments.services import registered_office_sync
from organisations.models import Organisation
from portal.models import Membership
from projects import services
from projects.eligibility import restriction
from projects.models import Project
from projects.rates import to_cents
from providers.models import ServiceProvider
from registrations.models import ServiceType

SCHELDE, LEIE, KEMPEN = (kbo for kbo, _name in DEMO_ORGANISATIONS)
BAKKERIJ = DEMO_SME[0]
SCHRIJNWERKERIJ, DRUKKERIJ, BROUWERIJ, TRANSPORT = (client["kbo"] for client in DEMO_CLIENTS)
TRAINING, ADVICE = ServiceType.TRAINING, ServiceType.ADVICE
# The provider's other service provider (a starter under Vormingscentrum Schelde) is
# named by the organisation's KBO number and this marker; None is the registered office.
OTHER = "other"

# The people behind the demo's steps: (username, first name, last name, profile, KBO numbers).
PEOPLE = [
    ("demo-sofie-maes", "Sofie", "Maes", Membership.Profile.PROVIDER, [SCHELDE]),
    ("demo-pieter-de-smet", "Pieter", "De Smet", Membership.Profile.PROVIDER, [LEIE, KEMPEN]),
    ("demo-an-willems", "An", "Willems", Membership.Profile.SME, [BAKKERIJ]),
    *(
        (
            f"demo-{slugify(client['person'][0])}-{slugify(client['person'][1])}",
            *client["person"],
            Membership.Profile.SME,
            [client["kbo"]],
        )
        for client in DEMO_CLIENTS
    ),
]
# Who takes each party's steps: {KBO number: username}.
PROVIDER_PEOPLE = {
    kbo: username
    for username, *_names, profile, kbos in PEOPLE
    for kbo in kbos
    if profile == Membership.Profile.PROVIDER
}
CLIENT_PEOPLE = {
    kbo: username
    for username, *_names, profile, kbos in PEOPLE
    for kbo in kbos
    if profile == Membership.Profile.SME
}
STAFF_USERNAME = "medewerker"

COMPANY_SIZES = {BAKKERIJ: "small", **{client["kbo"]: client["size"] for client in DEMO_CLIENTS}}

# Outcomes: the status the dossier ends in, and how it got there.
SUBMITTED = "submitted"
CONFIRMED = "confirmed"
REFUSED = "refused"
STOPPED_BY_SME = "stopped_by_sme"
STOPPED_AFTER_CONFIRMATION = "stopped_after_confirmation"
STOPPED_BY_AGENCY = "stopped_by_agency"
DEPOSITED = "deposited"
GRANTED = "granted"
PARTIALLY_PAID = "partially_paid"
PAID = "paid"
CLOSED = "closed"
LAPSED = "lapsed"

# Days after the filing of each step (the deposit is paid two days before it is recorded).
CONFIRM_AFTER = 3
DEPOSIT_PAID_AFTER = 12
DEPOSIT_RECORDED_AFTER = 14
GRANT_AFTER = 18
FIRST_PAYMENT_AFTER = 45
SECOND_PAYMENT_AFTER = 75
CLOSE_AFTER = 85
STOP_AFTER = 6
AGENCY_STOP_AFTER = 60
# The dossier lapses the day after its deposit deadline (confirmation + 30 days).
LAPSE_AFTER = CONFIRM_AFTER + 31
# The days each outcome needs after the filing.
NEEDS_DAYS = {
    SUBMITTED: 0,
    CONFIRMED: CONFIRM_AFTER,
    REFUSED: CONFIRM_AFTER,
    STOPPED_BY_SME: STOP_AFTER,
    STOPPED_AFTER_CONFIRMATION: STOP_AFTER,
    STOPPED_BY_AGENCY: AGENCY_STOP_AFTER,
    DEPOSITED: DEPOSIT_RECORDED_AFTER,
    GRANTED: GRANT_AFTER,
    PARTIALLY_PAID: FIRST_PAYMENT_AFTER,
    PAID: SECOND_PAYMENT_AFTER,
    CLOSED: CLOSE_AFTER,
    LAPSED: LAPSE_AFTER,
}

REFUSAL_REMARKS = {
    "service_not_eligible": (
        "Het gaat om de jaarlijkse verplichte veiligheidsopleiding van het personeel; die komt "
        "niet in aanmerking voor de kmo-portefeuille."
    ),
    "wrong_provider": (
        "Deze opleiding wordt gegeven door onze partnerorganisatie, die zelf geregistreerd is. "
        "Dien de aanvraag in bij die dienstverlener."
    ),
    "related_enterprise": (
        "De zaakvoerder van de aanvrager is ook vennoot bij ons: wij kunnen deze aanvraag niet "
        "bevestigen."
    ),
}
STOP_REASONS = {
    STOPPED_BY_SME: "De opleiding gaat niet door: te weinig deelnemers uit ons bedrijf.",
    STOPPED_AFTER_CONFIRMATION: (
        "We hebben beslist het project uit te stellen tot volgend jaar; we dienen dan een "
        "nieuwe aanvraag in."
    ),
    STOPPED_BY_AGENCY: (
        "Na controle bleek dat de opleiding deels werd gevolgd door medewerkers van een "
        "andere onderneming. Het dossier wordt stopgezet; de betaalde steun wordt teruggevorderd."
    ),
}


@dataclasses.dataclass(frozen=True)
class Plan:
    """One demo dossier: who buys what from whom, when it was filed, where it ended."""

    title: str
    client: str
    provider: str
    service_type: str
    filed_days_ago: int
    outcome: str
    amount: Decimal
    theme: str
    vakgebieden: tuple = ()
    training_kind: str = ""
    higher_rate_topic: str = ""
    # Days from the start of the service to the filing (at most 14), and its length.
    started_days_before_filing: int = 5
    duration_days: int = 60
    refusal_reason: str = "service_not_eligible"
    service_provider: str | None = None  # OTHER: the organisation's other service provider


def _training(title, client, provider, days, outcome, amount, theme, vakgebieden, **extra):
    extra.setdefault("training_kind", "classroom")
    return Plan(
        title=title,
        client=client,
        provider=provider,
        service_type=TRAINING,
        filed_days_ago=days,
        outcome=outcome,
        amount=Decimal(amount),
        theme=theme,
        vakgebieden=vakgebieden,
        **extra,
    )


def _advice(title, client, provider, days, outcome, amount, theme, vakgebieden, **extra):
    return Plan(
        title=title,
        client=client,
        provider=provider,
        service_type=ADVICE,
        filed_days_ago=days,
        outcome=outcome,
        amount=Decimal(amount),
        theme=theme,
        vakgebieden=vakgebieden,
        **extra,
    )


CYBER = {"higher_rate_topic": "cybersecurity"}
ENERGY = {"higher_rate_topic": "energy_efficiency"}
OFFICE = ("administratie-en-financien", "ict")
ICT = ("ict",)
MARKETING = ("marketing-communicatie-en-verkoop",)
KEMPEN_FIELDS = ("organisatie-en-kwaliteit", "hrm", "productie")
ENERGY_FIELDS = ("energie", "milieu-en-veiligheid")

# The dossiers, newest last within each block; the loader files them in date order.
PLANS = [
    # --- Vormingscentrum Schelde (Sofie Maes) -----------------------------------------------
    _training("Boekhouden voor de kleine zelfstandige", BAKKERIJ, SCHELDE, 27, SUBMITTED,
              "1450.00", "financial_literacy", OFFICE),
    _training("Excel voor de dagelijkse administratie", SCHRIJNWERKERIJ, SCHELDE, 25, SUBMITTED,
              "980.00", "digitalisation", OFFICE, training_kind="distance"),
    _training("Energiezuinig bakken: ovens en koeling", BAKKERIJ, SCHELDE, 9, SUBMITTED,
              "2200.00", "sustainability", ENERGY_FIELDS, **ENERGY),
    _training("Zakelijk Engels aan de telefoon", TRANSPORT, SCHELDE, 2, SUBMITTED,
              "1750.00", "internationalisation", ("talen",), started_days_before_filing=0),
    _training("Facturen digitaal verwerken", DRUKKERIJ, SCHELDE, 20, CONFIRMED,
              "1600.00", "digitalisation", OFFICE),
    _training("Jaarlijkse veiligheidsopleiding personeel", BROUWERIJ, SCHELDE, 40, REFUSED,
              "900.00", "professional_skills", OFFICE, refusal_reason="service_not_eligible"),
    _training("Klantvriendelijk onthaal in de winkel", BAKKERIJ, SCHELDE, 75, STOPPED_BY_SME,
              "650.00", "professional_skills", ("talen", "ict")),
    _training("Frans voor de winkel", BAKKERIJ, SCHELDE, 33, DEPOSITED,
              "1200.00", "professional_skills", ("talen",)),
    _training("Veilig online bankieren en betalen", SCHRIJNWERKERIJ, SCHELDE, 120, GRANTED,
              "800.00", "digitalisation", ICT, **CYBER),
    _training("Kostprijsberekening in de bakkerij", BAKKERIJ, SCHELDE, 160, PARTIALLY_PAID,
              "1900.00", "financial_literacy", OFFICE),
    _training("Sociale media voor kleine ondernemers", TRANSPORT, SCHELDE, 230, PAID,
              "1350.00", "digitalisation", ICT, training_kind="distance"),
    _training("Energiebesparing in het atelier", SCHRIJNWERKERIJ, SCHELDE, 300, CLOSED,
              "2400.00", "sustainability", ENERGY_FIELDS, **ENERGY),
    _training("Btw-aangifte zonder fouten", DRUKKERIJ, SCHELDE, 95, LAPSED,
              "1100.00", "financial_literacy", OFFICE),
    _training("Werken met een webwinkel", BAKKERIJ, SCHELDE, 420, CLOSED,
              "1800.00", "digitalisation", ICT),
    _training("Nederlands op de werkvloer", BROUWERIJ, SCHELDE, 540, CLOSED,
              "2100.00", "people_management", ("talen",), training_kind="internal"),
    _training("Basis Excel voor de boekhouding", TRANSPORT, SCHELDE, 610, CLOSED,
              "950.00", "digitalisation", OFFICE),
    _training("Phishing herkennen", BAKKERIJ, SCHELDE, 700, CLOSED,
              "600.00", "digitalisation", ICT, **CYBER),
    _training("Timemanagement voor zaakvoerders", DRUKKERIJ, SCHELDE, 660, STOPPED_BY_SME,
              "750.00", "strategy", OFFICE),
    _training("Fotografie voor de webwinkel", BAKKERIJ, SCHELDE, 28, CONFIRMED,
              "520.00", "digitalisation",
              ("marketing-communicatie-en-verkoop", "technologieverkenning"),
              service_provider=OTHER),
    # --- Adviesbureau Leie & Partners (Pieter De Smet) --------------------------------------
    _advice("Cyberbeveiliging van de kassasystemen", BAKKERIJ, LEIE, 26, SUBMITTED,
            "3200.00", "digitalisation", ICT, **CYBER),
    _advice("Beveiligingsaudit van het netwerk", DRUKKERIJ, LEIE, 12, SUBMITTED,
            "6500.00", "digitalisation", ICT, **CYBER),
    _training("Verkoopsgesprekken voeren", SCHRIJNWERKERIJ, LEIE, 18, CONFIRMED,
              "1400.00", "professional_skills", MARKETING),
    _advice("Back-ups en herstelplan bij ransomware", TRANSPORT, LEIE, 8, CONFIRMED,
            "2800.00", "digitalisation", ICT, **CYBER, started_days_before_filing=2),
    _training("Marketingplan voor een familiebedrijf", BROUWERIJ, LEIE, 55, REFUSED,
              "1650.00", "strategy", MARKETING, refusal_reason="wrong_provider"),
    _advice("Wachtwoordbeleid en tweestapsverificatie", DRUKKERIJ, LEIE, 62, STOPPED_BY_AGENCY,
            "2000.00", "digitalisation", ICT, **CYBER),
    _advice("Toegangsbeheer voor de nieuwe vestiging", BROUWERIJ, LEIE, 41,
            STOPPED_AFTER_CONFIRMATION, "2600.00", "digitalisation", ICT, **CYBER),
    _advice("Beveiliging van de webshop", BAKKERIJ, LEIE, 90, GRANTED,
            "2400.00", "digitalisation", ICT, **CYBER),
    _advice("Risicoanalyse informatiebeveiliging", SCHRIJNWERKERIJ, LEIE, 150, PARTIALLY_PAID,
            "3600.00", "digitalisation", ICT, **CYBER, duration_days=120),
    _training("Klantenbeheer met een CRM", TRANSPORT, LEIE, 200, PAID,
              "2300.00", "digitalisation", ICT),
    _advice("Cyberbeveiliging van de productielijn", BROUWERIJ, LEIE, 260, CLOSED,
            "4200.00", "digitalisation", ICT, **CYBER),
    _advice("Incidentenplan na een phishingaanval", DRUKKERIJ, LEIE, 320, LAPSED,
            "1900.00", "digitalisation", ICT, **CYBER),
    _advice("Digitale strategie voor de webwinkel", BAKKERIJ, LEIE, 380, CLOSED,
            "3000.00", "strategy", MARKETING),
    _advice("Exportplan voor Nederland", BROUWERIJ, LEIE, 450, CLOSED,
            "3800.00", "internationalisation", MARKETING),
    _training("Online adverteren", SCHRIJNWERKERIJ, LEIE, 500, CLOSED,
              "1250.00", "digitalisation", MARKETING, training_kind="distance"),
    _advice("Digitalisering van de planning", TRANSPORT, LEIE, 570, PAID,
            "4500.00", "digitalisation", ICT, duration_days=150),
    _advice("Merkstrategie en huisstijl", DRUKKERIJ, LEIE, 640, CLOSED,
            "3400.00", "strategy", MARKETING),
    _training("Verkopen op beurzen", BROUWERIJ, LEIE, 690, REFUSED,
              "1100.00", "internationalisation", MARKETING, refusal_reason="related_enterprise"),
    _advice("Automatisering van de orderverwerking", SCHRIJNWERKERIJ, LEIE, 715, CLOSED,
            "2900.00", "digitalisation", ICT),
    _advice("Marketingplan voor de tweede winkel", BAKKERIJ, LEIE, 315, PARTIALLY_PAID,
            "2500.00", "strategy", MARKETING),
    # --- Kennisatelier Kempen (Pieter De Smet) ----------------------------------------------
    _training("Leidinggeven aan een klein team", BROUWERIJ, KEMPEN, 24, SUBMITTED,
              "1300.00", "people_management", KEMPEN_FIELDS),
    _training("Lean werken in de productie", TRANSPORT, KEMPEN, 14, CONFIRMED,
              "2100.00", "innovation", KEMPEN_FIELDS, training_kind="internal"),
    _training("Sollicitatiegesprekken voeren", DRUKKERIJ, KEMPEN, 70, REFUSED,
              "700.00", "people_management", KEMPEN_FIELDS, refusal_reason="wrong_provider"),
    _training("Kwaliteitshandboek opstellen", SCHRIJNWERKERIJ, KEMPEN, 110, DEPOSITED,
              "1500.00", "strategy", KEMPEN_FIELDS),
    _training("Feedback geven en ontvangen", BAKKERIJ, KEMPEN, 135, PAID,
              "850.00", "people_management", KEMPEN_FIELDS),
    _training("Werkplekorganisatie met 5S", BROUWERIJ, KEMPEN, 180, CLOSED,
              "1700.00", "innovation", KEMPEN_FIELDS, training_kind="internal"),
    _training("Welzijn en verzuim op het werk", TRANSPORT, KEMPEN, 240, LAPSED,
              "1200.00", "people_management", KEMPEN_FIELDS),
    _training("Coachend leidinggeven", DRUKKERIJ, KEMPEN, 280, CLOSED,
              "1900.00", "people_management", KEMPEN_FIELDS),
]  # fmt: skip


# --- The clock --------------------------------------------------------------------------


class _FrozenDatetimeMeta(type):
    def __instancecheck__(cls, instance):
        return isinstance(instance, datetime.datetime)


def _frozen_datetime(moment):
    """datetime.datetime whose now() is `moment` (aware), for django.utils.timezone."""

    class FrozenDatetime(datetime.datetime, metaclass=_FrozenDatetimeMeta):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    return FrozenDatetime


@contextlib.contextmanager
def clock_at(moment):
    """Django's clock (timezone.now, localdate, and the fields that default to now) reads
    `moment` inside the block. The services stamp their steps with it."""
    with mock.patch("django.utils.timezone.datetime", _frozen_datetime(moment)):
        yield


def _at(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


# --- The parties ------------------------------------------------------------------------


def _clients():
    """The demo SMEs besides Bakkerij De Gouden Korst (which demo.providers creates)."""
    created = 0
    for client in DEMO_CLIENTS:
        organisation = Organisation.objects.filter(kbo_number=client["kbo"]).first()
        if organisation is None:
            organisation = Organisation(kbo_number=client["kbo"])
            created += 1
        organisation.name = client["name"]
        organisation.email = f"info@{slugify(client['name'])}.example"
        organisation.country = "BE"
        organisation.postcode, organisation.municipality = client["postcode"], client["place"]
        organisation.street, organisation.house_number = client["street"], client["number"]
        organisation.full_clean()
        organisation.save()
        registered_office_sync(organisation=organisation)
    return created


def _people():
    """The demo portal users who file, confirm and refuse, with their memberships."""
    User = get_user_model()
    organisations = {
        organisation.kbo_number: organisation
        for organisation in Organisation.objects.filter(
            kbo_number__in={kbo for *_rest, kbos in PEOPLE for kbo in kbos}
        )
    }
    users = {}
    for username, first_name, last_name, profile, kbo_numbers in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{slugify(first_name)}.{slugify(last_name)}@demo.example",
            },
        )
        if created:
            # Never signs in: the demo people sign in through the stand-in as themselves.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        for kbo in kbo_numbers:
            Membership.objects.get_or_create(
                user=user, organisation=organisations[kbo], profile=profile
            )
        users[username] = user
    return users


def _service_provider(plan):
    providers = ServiceProvider.objects.filter(organisation__kbo_number=plan.provider)
    if plan.service_provider == OTHER:
        return (
            providers.exclude(type=ServiceProvider.Type.REGISTERED_OFFICE)
            .filter(registrations__service_type=plan.service_type)
            .order_by("name", "pk")
            .first()
        )
    return providers.filter(type=ServiceProvider.Type.REGISTERED_OFFICE).first()


def _vakgebied(provider, preferred):
    offered = list(provider.vakgebieden.order_by("slug"))
    for slug in preferred:
        for vakgebied in offered:
            if vakgebied.slug == slug:
                return vakgebied
    return offered[0] if offered else None


# --- The steps --------------------------------------------------------------------------


@dataclasses.dataclass
class _Dossier:
    plan: Plan
    filed_on: datetime.date
    project: Project | None = None

    def day(self, after):
        return self.filed_on + datetime.timedelta(days=after)

    def fresh(self):
        return Project.objects.get(pk=self.project.pk)


def _steps(dossier, *, users, staff, provider, vakgebied):
    """(moment, order, action) of each step of `dossier`, the filing first."""
    plan = dossier.plan
    client_user = users[CLIENT_PEOPLE[plan.client]]
    provider_user = users[PROVIDER_PEOPLE[plan.provider]]
    outcome = plan.outcome

    def submit():
        start = dossier.filed_on - datetime.timedelta(days=plan.started_days_before_filing)
        dossier.project = services.project_submit(
            client=Organisation.objects.get(kbo_number=plan.client),
            user=client_user,
            service_provider=provider,
            service_type=plan.service_type,
            title=plan.title,
            vakgebied=vakgebied,
            theme=plan.theme,
            start_date=start,
            end_date=start + datetime.timedelta(days=plan.duration_days),
            amount_excl_vat=plan.amount,
            company_size=COMPANY_SIZES[plan.client],
            training_kind=plan.training_kind if plan.service_type == TRAINING else "",
            higher_rate_topic=plan.higher_rate_topic,
            filed_on=dossier.filed_on,
        )

    def confirm():
        services.project_confirm(
            project=dossier.fresh(), user=provider_user, remark="Bevestigd, tot binnenkort."
        )

    def refuse():
        services.project_refuse(
            project=dossier.fresh(),
            user=provider_user,
            reason=plan.refusal_reason,
            remark=REFUSAL_REMARKS[plan.refusal_reason],
        )

    def stop():
        by_agency = outcome == STOPPED_BY_AGENCY
        services.project_stop(
            project=dossier.fresh(),
            user=staff if by_agency else client_user,
            reason=STOP_REASONS[outcome],
            by_agency=by_agency,
        )

    def deposit():
        services.project_record_deposit(
            project=dossier.fresh(), user=staff, paid_on=dossier.day(DEPOSIT_PAID_AFTER)
        )

    def grant():
        services.project_grant(project=dossier.fresh(), user=staff)

    def pay_part():
        project = dossier.fresh()
        services.project_record_payment(
            project=project,
            user=staff,
            amount=to_cents(project.amount_excl_vat * Decimal("0.4")),
            paid_on=dossier.day(FIRST_PAYMENT_AFTER),
        )

    def pay_rest():
        project = dossier.fresh()
        services.project_record_payment(
            project=project,
            user=staff,
            amount=project.amount_outstanding,
            paid_on=dossier.day(SECOND_PAYMENT_AFTER),
        )

    def close():
        services.project_close(project=dossier.fresh(), user=staff, remark="Dossier volledig.")

    def lapse():
        services.project_lapse(project=dossier.fresh(), on=dossier.day(LAPSE_AFTER))

    steps = [(0, 10, submit)]
    if outcome == REFUSED:
        steps.append((CONFIRM_AFTER, 11, refuse))
    elif outcome == STOPPED_BY_SME:
        steps.append((STOP_AFTER, 10, stop))
    elif outcome != SUBMITTED:
        steps.append((CONFIRM_AFTER, 11, confirm))
    if outcome == STOPPED_AFTER_CONFIRMATION:
        steps.append((STOP_AFTER, 15, stop))
    if outcome == LAPSED:
        steps.append((LAPSE_AFTER, 2, lapse))
    paying = (PARTIALLY_PAID, PAID, CLOSED, STOPPED_BY_AGENCY)
    if outcome in (DEPOSITED, GRANTED, *paying):
        steps.append((DEPOSIT_RECORDED_AFTER, 9, deposit))
    if outcome in (GRANTED, *paying):
        steps.append((GRANT_AFTER, 14, grant))
    if outcome in paying:
        steps.append((FIRST_PAYMENT_AFTER, 10, pay_part))
    if outcome in (PAID, CLOSED):
        steps.append((SECOND_PAYMENT_AFTER, 10, pay_rest))
    if outcome == CLOSED:
        steps.append((CLOSE_AFTER, 16, close))
    if outcome == STOPPED_BY_AGENCY:
        steps.append((AGENCY_STOP_AFTER, 15, stop))
    return [(_at(dossier.day(after), hour), action) for after, hour, action in steps]


def _filing_day(plan, today):
    """`filed_days_ago` before `today`, or, for a service the rules of that day no longer
    support (advice on marketing after 1 February 2026), the last day before they
    changed: the demo shows such dossiers as they were filed under the older rules."""
    filed_on = today - datetime.timedelta(days=plan.filed_days_ago)
    limited = restriction(service_type=plan.service_type, on=filed_on)
    if limited is not None and plan.higher_rate_topic not in limited.topics:
        return limited.since - datetime.timedelta(days=1)
    return filed_on


@dataclasses.dataclass
class ProjectsSummary:
    projects: int = 0
    projects_created: int = 0
    skipped: list = dataclasses.field(default_factory=list)


def projects_demo_load(*, today=None):
    """File the demo dossiers (PLANS) that do not exist yet and take their steps, in date
    order, through projects.services. Returns a ProjectsSummary."""
    today = today or timezone.localdate()
    summary = ProjectsSummary()
    client_kbos = {plan.client for plan in PLANS}
    with transaction.atomic():
        _clients()
        users = _people()
        staff = get_user_model().objects.get(username=STAFF_USERNAME)
        existing = set(
            Project.objects.filter(client__kbo_number__in=client_kbos).values_list(
                "client__kbo_number", "title"
            )
        )
        timeline = []
        for index, plan in enumerate(PLANS):
            if (plan.client, plan.title) in existing:
                continue
            provider = _service_provider(plan)
            vakgebied = provider and _vakgebied(provider, plan.vakgebieden)
            if provider is None or vakgebied is None:
                summary.skipped.append(plan.title)
                continue
            dossier = _Dossier(plan=plan, filed_on=_filing_day(plan, today))
            for order, (moment, action) in enumerate(
                _steps(dossier, users=users, staff=staff, provider=provider, vakgebied=vakgebied)
            ):
                timeline.append((moment, index, order, dossier, action))
        timeline.sort(key=lambda step: step[:3])
        for moment, _index, order, dossier, action in timeline:
            if order > 0 and dossier.project is None:
                continue  # its filing was refused: see below
            with clock_at(moment):
                if order > 0:
                    action()
                    continue
                try:
                    with transaction.atomic():
                        action()
                except ValidationError as error:
                    # No registration in force on that day (a demo database from before
                    # the registrations went back that far): leave this dossier out.
                    # Any other rule it breaks is a mistake in PLANS.
                    if set(getattr(error, "error_dict", {})) != {"service_type"}:
                        raise
                    summary.skipped.append(dossier.plan.title)
                    continue
                summary.projects_created += 1
    summary.projects = Project.objects.filter(client__kbo_number__in=client_kbos).count()
    return summary
