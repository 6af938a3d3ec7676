"""Benchmark data and scenarios for 2.4 "Overzicht projecten" and its CSV export (issue 7).

The seeder adds subsidy dossiers on top of the directory (benchmarks.directory):
by default 1,000,000 of them, filed over the last eight years (125,000 a year, the
published scale: "in 2025 dienden bijna 55.000 ondernemingen meer dan 125.000
aanvragen in") by about 55,000 SME clients,
spread over the provider organisations with a registration in force as a real scheme
would be: one big training organisation names about 10 % of all dossiers (100,000, the
worst case for its overview), a long tail of organisations has a few each. Statuses
follow the dossier's age through the state machine (recent ones filed or confirmed,
older ones mostly closed, some refused, stopped or lapsed), with the dates each
status implies, the subsidy computed in cents from the rates in the database and the
annual ceiling per client and calendar year, and payments for the paid dossiers. The
services follow the eligibility rules of their filing dates (projects.eligibility):
advice filed on or after 1 February 2026 is on cybersecurity, at the higher rate.
Dossier events are not written: the overview and the export do not read them.

One user, "benchmark-provider", has the provider profile for the big organisation;
the scenarios sign it in. Everything comes from one seeded random generator. On
PostgreSQL the rows go in with COPY, the table's secondary indexes and foreign keys
dropped during the load and rebuilt after it (a bulk build instead of a million
index insertions and deferred checks); elsewhere (the smoke test on SQLite) with
bulk_create.
"""

import contextlib
import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from benchmarks.directory import _benchmark_user
from benchmarks.registry import Scenario, register_scenario, register_seeder
from demo.providers import FAMILY_NAMES, STREETS, kbo_from_base
from organisations.models import Organisation, Postcode
from portal.models import Membership
from projects.eligibility import matching_rule
from projects.models import (
    CompanySize,
    EligibilityRule,
    HigherRateTopic,
    Payment,
    Project,
    ProjectEvent,
    ProjectNumberCounter,
    SubsidyRate,
    Theme,
    TrainingKind,
)
from providers.models import ServiceProvider
from registrations.models import Registration

PROVIDER_USERNAME = "benchmark-provider"
# 8 years of 125,000 dossiers: the default 1,000,000.
YEARS = 8
# Share of all dossiers that name the one big organisation.
BIG_SHARE = 0.10
# One client per this many dossiers: about 2.3 dossiers per client and year (125,000
# applications by 55,000 enterprises in 2025), so that the annual ceiling caps a few
# subsidies but not most of them.
DOSSIERS_PER_CLIENT = 18
# A tiny directory (the smoke tests) gets a tiny dossier set whatever --dossiers says.
MAX_DOSSIERS_PER_PROVIDER = 50
BATCH_SIZE = 5000
CEILING_CENTS = 750_000
# KBO bases of the clients: below those of the demo data (4-11 million), the directory
# (11-20 million) and the test factories (2 million + n).
CLIENT_KBO_BASES = range(3_000_000, 4_000_000)

# (status, weight) by the dossier's age: recent dossiers wait for the provider or the
# deposit, old ones are mostly closed.
STATUSES_BY_AGE = [
    (
        30,
        [("submitted", 70), ("confirmed", 15), ("refused", 5), ("stopped", 2), ("deposited", 8)],
    ),
    (
        120,
        [
            ("submitted", 3), ("confirmed", 5), ("deposited", 10), ("granted", 25),
            ("partially_paid", 10), ("paid", 10), ("refused", 6), ("stopped", 5),
            ("lapsed", 6), ("closed", 20),
        ],
    ),
    (
        None,
        [
            ("closed", 72), ("paid", 3), ("partially_paid", 1), ("granted", 1), ("refused", 7),
            ("stopped", 7), ("lapsed", 9),
        ],
    ),
]  # fmt: skip
CONFIRMED_OR_LATER = {
    "confirmed", "deposited", "granted", "partially_paid", "paid", "closed", "lapsed",
}  # fmt: skip
DEPOSITED_OR_LATER = {"deposited", "granted", "partially_paid", "paid", "closed"}
GRANTED_OR_LATER = {"granted", "partially_paid", "paid", "closed"}
PAID = {"paid", "closed"}

CLIENT_KINDS = [
    "Bakkerij", "Schrijnwerkerij", "Garage", "Drukkerij", "Bouwbedrijf", "Kapsalon",
    "Brasserie", "Tuinaanleg", "Transport", "Elektro", "Installatiebedrijf", "Apotheek",
    "Boekhandel", "Webshop", "Architectenbureau", "Slagerij", "Loodgieterij", "Metaalbouw",
]  # fmt: skip
TITLES = {
    "O": [
        "Opleiding {topic}", "Basiscursus {topic}", "Workshop {topic}",
        "Vervolgopleiding {topic}", "Praktijktraining {topic}",
    ],
    "A": [
        "Advies {topic}", "Adviestraject {topic}", "Doorlichting {topic}",
        "Begeleiding {topic}", "Actieplan {topic}",
    ],
}  # fmt: skip
TITLE_TOPICS = [
    "boekhouding", "digitale marketing", "cyberbeveiliging", "energie-efficiëntie",
    "leiderschap", "verkoop", "timemanagement", "Excel", "Frans voor de klantendienst",
    "veiligheid op de werkvloer", "bedrijfsoverdracht", "kwaliteitszorg", "lean werken",
    "personeelsbeleid", "sociale media", "GDPR", "logistiek", "exportstrategie",
]  # fmt: skip
REFUSAL_REASONS = [reason.value for reason in Project.RefusalReason]
STOP_REASONS = [
    "De opleiding werd geannuleerd.",
    "Het project werd uitgesteld.",
    "De onderneming ziet af van de dienstverlening.",
]


def _cumulative(weights):
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _at(day, rng):
    """A moment during office hours on `day` (UTC, as the database stores it)."""
    return datetime.datetime.combine(
        day, datetime.time(rng.randrange(8, 18), rng.randrange(60)), tzinfo=datetime.UTC
    )


def _euros(cents):
    return Decimal(cents) / 100


def _rates():
    """{(company_size, higher_rate): [(valid_from, valid_until, percentage in %)]}.

    The rates in the database start in 2023; older dossiers get the earliest
    rate, which is what the scheme paid before the 2023 reform for these sizes.
    """
    rates = {}
    for rate in SubsidyRate.objects.order_by("valid_from"):
        rates.setdefault((rate.company_size, rate.higher_rate), []).append(
            (rate.valid_from, rate.valid_until, rate.percentage)
        )
    if not rates:
        fallback = {("small", False): 30, ("medium", False): 20}
        fallback.update({("small", True): 45, ("medium", True): 35})
        rates = {
            key: [(datetime.date.min, None, Decimal(value))] for key, value in fallback.items()
        }
    return rates


def _eligibility():
    """Every EligibilityRule, to pick those in force on a filing day without a query."""
    return list(EligibilityRule.objects.order_by("valid_from"))


def _eligible(rules, *, service_type, theme, topic, on):
    """The rule that makes the service eligible on `on`; None when no rule is in force
    that day for any service (dossiers older than the configuration: all eligible)."""
    in_force = [
        rule
        for rule in rules
        if rule.valid_from <= on and (rule.valid_until is None or on <= rule.valid_until)
    ]
    if not in_force:
        return None
    return matching_rule(in_force, service_type=service_type, theme=theme, topic=topic)


def _percentage(rates, *, size, higher, on):
    periods = rates[(size, higher)]
    for valid_from, valid_until, percentage in reversed(periods):
        if valid_from <= on and (valid_until is None or on <= valid_until):
            return percentage
    return periods[0][2]


def _offers():
    """{organisation id: [(provider id, service type, registration id, [vakgebied ids])]}
    for every registration in force or once in force (approved, numbered)."""
    vakgebieden = {}
    through = ServiceProvider.vakgebieden.through
    for provider_id, vakgebied_id in through.objects.order_by("pk").values_list(
        "serviceprovider_id", "vakgebied_id"
    ):
        vakgebieden.setdefault(provider_id, []).append(vakgebied_id)
    offers = {}
    registrations = (
        Registration.objects.filter(status=Registration.Status.APPROVED)
        .exclude(number="")
        .order_by("pk")
        .values_list(
            "pk", "service_provider_id", "service_type", "service_provider__organisation_id"
        )
    )
    for registration_id, provider_id, service_type, organisation_id in registrations:
        if provider_id in vakgebieden:
            offers.setdefault(organisation_id, []).append(
                (provider_id, service_type, registration_id, vakgebieden[provider_id])
            )
    return offers


def _seed_clients(rng, count, log):
    places = list(Postcode.objects.order_by("pk")[:2000])
    bases = rng.sample(CLIENT_KBO_BASES, count)
    clients = []
    for index, base in enumerate(bases):
        place = rng.choice(places)
        clients.append(
            Organisation(
                kbo_number=kbo_from_base(base),
                name=f"{rng.choice(CLIENT_KINDS)} {rng.choice(FAMILY_NAMES)}",
                country="BE",
                postcode=place.postcode,
                municipality=place.municipality_nl,
                street=rng.choice(STREETS),
                house_number=str(rng.randrange(1, 250)),
                email=f"klant{index}@kmo.benchmark.example",
            )
        )
    created = Organisation.objects.bulk_create(clients, batch_size=BATCH_SIZE)
    log(f"  client organisations: {len(created):,}")
    # Half are small, half medium; a client keeps its size.
    return [(client.pk, rng.random() < 0.6) for client in created]


def _provider_user(organisation_id):
    user, _ = get_user_model().objects.update_or_create(
        username=PROVIDER_USERNAME,
        defaults={"first_name": "Benchmark", "last_name": "Dienstverlener", "is_active": True},
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(
        user=user, organisation_id=organisation_id, profile=Membership.Profile.PROVIDER
    )
    return user


def _status(rng, age, tables):
    for limit, (choices, cumulative) in tables:
        if limit is None or age < limit:
            return rng.choices(choices, cum_weights=cumulative)[0]
    raise AssertionError("the last age bucket has no limit")


def _dossier_rows(
    rng,
    *,
    count,
    organisation_ids,
    offers,
    clients,
    rates,
    today,
    user_id,
    first_id,
    numbers,
    eligibility=(),
):
    """Yield (project fields, [payment fields]) in filing order, ids from `first_id` up;
    `numbers` ({year: last number}) is advanced as numbers are handed out."""
    tables = [
        (limit, ([status for status, _ in spread], _cumulative([w for _, w in spread])))
        for limit, spread in STATUSES_BY_AGE
    ]
    ages = sorted((rng.randrange(YEARS * 365) for _ in range(count)), reverse=True)
    used = {}
    exact_integers_only = connection.vendor != "postgresql"
    themes = [theme.value for theme in Theme]
    for index, (age, organisation_id) in enumerate(zip(ages, organisation_ids, strict=True)):
        filed_on = today - datetime.timedelta(days=age)
        provider_id, service_type, registration_id, vakgebieden = rng.choice(
            offers[organisation_id]
        )
        client_id, small = rng.choice(clients)
        size = CompanySize.SMALL if small else CompanySize.MEDIUM
        # Filed at most 14 days after the start; most are filed before it.
        start_date = filed_on + datetime.timedelta(days=rng.randrange(-14, 60))
        days = rng.randrange(1, 6) if service_type == "O" else rng.randrange(7, 180)
        end_date = start_date + datetime.timedelta(days=days)
        higher = rng.random() < 0.12
        topic = ""
        if higher:
            topic = (
                rng.choice([HigherRateTopic.CYBERSECURITY, HigherRateTopic.ENERGY_EFFICIENCY])
                if service_type == "O"
                else HigherRateTopic.CYBERSECURITY
            )
        theme = rng.choice(themes)
        rule = _eligible(
            eligibility, service_type=service_type, theme=theme, topic=topic, on=filed_on
        )
        if rule is None and eligibility and service_type == "A":
            # Advice on another topic is no longer eligible (1 February 2026): what is
            # still filed is on cybersecurity.
            topic = HigherRateTopic.CYBERSECURITY
            rule = _eligible(
                eligibility, service_type=service_type, theme=theme, topic=topic, on=filed_on
            )
        if rule is not None:
            higher = rule.higher_rate
        amount = int(min(max(rng.lognormvariate(7.6, 0.8), 150), 60_000) * 100)
        if rng.random() < 0.7:
            amount -= amount % 100  # most quotes are in whole euros
        if exact_integers_only:
            # SQLite checks "own share = amount - subsidy" in floating point: whole
            # multiples of EUR 20 keep every percentage's subsidy a whole number.
            amount = max(2000, amount - amount % 2000)
        percentage = _percentage(rates, size=size, higher=higher, on=filed_on)
        gross = (amount * int(percentage * 100) + 5000) // 10000
        key = (client_id, filed_on.year)
        subsidy = min(gross, max(0, CEILING_CENTS - used.get(key, 0)))
        used[key] = used.get(key, 0) + subsidy
        numbers[filed_on.year] = numbers.get(filed_on.year, 0) + 1

        status = _status(rng, age, tables)
        project = {
            "id": first_id + index,
            "number": f"KMO-{filed_on.year}-{numbers[filed_on.year]:06d}",
            "client_id": client_id,
            "service_provider_id": provider_id,
            "provider_organisation_id": organisation_id,
            "service_type": service_type,
            "registration_id": registration_id,
            "title": rng.choice(TITLES[service_type]).format(topic=rng.choice(TITLE_TOPICS)),
            "training_kind": rng.choice(list(TrainingKind.values)) if service_type == "O" else "",
            "vakgebied_id": rng.choice(vakgebieden),
            "theme": theme,
            "higher_rate_topic": topic,
            "start_date": start_date,
            "end_date": end_date,
            "filed_on": filed_on,
            "amount_excl_vat": _euros(amount),
            "company_size": size,
            "subsidy_percentage": percentage,
            "subsidy_amount": _euros(subsidy),
            "own_share": _euros(amount - subsidy),
            "amount_paid": _euros(0),
            "status": status,
            "filed_by_id": user_id,
            "created_at": _at(filed_on, rng),
            "confirmation_due_on": filed_on + datetime.timedelta(days=30),
            "confirmed_at": None,
            "deposit_due_on": None,
            "refused_at": None,
            "refusal_reason": "",
            "refusal_remark": "",
            "deposit_paid_on": None,
            "granted_at": None,
            "paid_on": None,
            "closed_at": None,
            "stopped_at": None,
            "stop_reason": "",
            "lapsed_at": None,
        }
        payments = _life(rng, project, status=status, amount=amount, today=today, user_id=user_id)
        yield project, payments


def _life(rng, project, *, status, amount, today, user_id):
    """Fill the dates the status implies (none after today); the payments, if any."""

    def later(day, low, high):
        return min(day + datetime.timedelta(days=rng.randrange(low, high)), today)

    filed_on = project["filed_on"]
    if status == "refused":
        project["refused_at"] = _at(later(filed_on, 1, 15), rng)
        project["refusal_reason"] = rng.choice(REFUSAL_REASONS)
        return []
    if status == "stopped":
        project["stopped_at"] = _at(later(filed_on, 1, 40), rng)
        project["stop_reason"] = rng.choice(STOP_REASONS)
        return []
    if status not in CONFIRMED_OR_LATER:
        return []
    confirmed_on = later(filed_on, 1, 15)
    project["confirmed_at"] = _at(confirmed_on, rng)
    project["deposit_due_on"] = confirmed_on + datetime.timedelta(days=30)
    if status == "lapsed":
        project["lapsed_at"] = _at(
            min(project["deposit_due_on"] + datetime.timedelta(1), today), rng
        )
        return []
    if status not in DEPOSITED_OR_LATER:
        return []
    deposited_on = later(confirmed_on, 1, 29)
    project["deposit_paid_on"] = deposited_on
    if status not in GRANTED_OR_LATER:
        return []
    granted_on = later(deposited_on, 1, 10)
    project["granted_at"] = _at(granted_on, rng)
    if status == "granted":
        return []
    first_on = later(max(granted_on, project["end_date"]), 1, 30)
    if status == "partially_paid":
        parts = [amount * rng.randrange(30, 71) // 100]
    elif rng.random() < 0.7:
        parts = [amount]
    else:
        first = amount * rng.randrange(30, 71) // 100
        parts = [first, amount - first]
    payments = []
    paid_on = first_on
    for number, part in enumerate(parts):
        if number:
            paid_on = later(paid_on, 1, 45)
        payments.append(
            {
                "project_id": project["id"],
                "amount": _euros(part),
                "paid_on": paid_on,
                "recorded_by_id": user_id,
                "recorded_at": _at(paid_on, rng),
            }
        )
    project["amount_paid"] = _euros(sum(parts))
    if status in PAID:
        project["paid_on"] = paid_on
    if status == "closed":
        project["closed_at"] = _at(later(paid_on, 1, 30), rng)
    return payments


@contextlib.contextmanager
def _bulk_load(*models):
    """On PostgreSQL, drop the tables' secondary indexes and foreign keys while loading
    and rebuild them from their own definitions afterwards (one pass each, checked)."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    dropped = []
    with connection.cursor() as cursor:
        # Deferred checks of earlier inserts in this transaction would block ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                [table],
            )
            for name, definition in cursor.fetchall():
                dropped.append(("constraint", table, name, definition))
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = %s AND indexname NOT IN (SELECT conname FROM pg_constraint "
                "WHERE conrelid = %s::regclass) ORDER BY indexname",
                [table, table],
            )
            for name, definition in cursor.fetchall():
                dropped.append(("index", table, name, definition))
        for kind, table, name, _ in dropped:
            quoted = connection.ops.quote_name(name)
            if kind == "constraint":
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} DROP CONSTRAINT {quoted}"
                )
            else:
                cursor.execute(f"DROP INDEX {quoted}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for kind, table, name, definition in dropped:
            if kind == "constraint":
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)} "
                    f"ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                )
            else:
                cursor.execute(definition)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class _Writer:
    """Rows of one model, by COPY on PostgreSQL or bulk_create in batches elsewhere."""

    def __init__(self, model, stack):
        self.model = model
        self.columns = [field.attname for field in model._meta.concrete_fields]
        self.count = 0
        self.batch = []
        self.copy = None
        if connection.vendor == "postgresql":
            cursor = stack.enter_context(connection.cursor())
            names = ", ".join(
                connection.ops.quote_name(field.column) for field in model._meta.concrete_fields
            )
            self.copy = stack.enter_context(
                cursor.cursor.copy(
                    f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
                )
            )

    def write(self, row):
        self.count += 1
        if self.copy is not None:
            self.copy.write_row([row[name] for name in self.columns])
            return
        self.batch.append(self.model(**row))
        if len(self.batch) >= BATCH_SIZE:
            self.flush()

    def flush(self):
        if self.batch:
            self.model.objects.bulk_create(self.batch)
            self.batch = []


def _next_id(model):
    return (model.objects.aggregate(last=models.Max("pk"))["last"] or 0) + 1


def _set_identity(model):
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"  # noqa: S608, E501 - a model's table name
    with connection.cursor() as cursor:
        cursor.execute(sql, [model._meta.db_table])


def big_organisation():
    """The organisation the benchmark's provider user acts for (the one with most dossiers)."""
    membership = (
        Membership.objects.filter(
            user__username=PROVIDER_USERNAME, profile=Membership.Profile.PROVIDER
        )
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


@register_seeder(
    "dossiers",
    volumes={"dossiers": 1_000_000},
    reset_tables=(Payment, ProjectEvent, Project, ProjectNumberCounter),
)
def seed_dossiers(*, volumes, rng_seed, log=print):
    """Client organisations, dossiers and their payments, on top of the directory."""
    rng = random.Random(f"{rng_seed}-dossiers")  # noqa: S311 - benchmark data
    today = timezone.localdate()
    offers = _offers()
    if not offers:
        raise RuntimeError("No registered service providers: seed the directory first.")
    providers = sum(len({offer[0] for offer in org_offers}) for org_offers in offers.values())
    count = min(volumes["dossiers"], providers * MAX_DOSSIERS_PER_PROVIDER)
    if count < volumes["dossiers"]:
        log(f"  {providers:,} registered providers: {count:,} dossiers instead of "
            f"{volumes['dossiers']:,}")  # fmt: skip
    log(f"Seeding {count:,} dossiers")

    # The big organisation: the one with most registrations (a training chain).
    organisations = sorted(offers)
    big = max(organisations, key=lambda pk: (len(offers[pk]), -pk))
    others = [pk for pk in organisations if pk != big] or [big]
    user = _benchmark_user()
    _provider_user(big)
    clients = _seed_clients(rng, max(2, count // DOSSIERS_PER_CLIENT), log)

    big_count = round(count * BIG_SHARE)
    # A long tail: capped Pareto weights, so most organisations have a few dossiers.
    weights = _cumulative([min(rng.paretovariate(1.1), 200.0) for _ in others])
    organisation_ids = [big] * big_count + rng.choices(
        others, cum_weights=weights, k=count - big_count
    )
    rng.shuffle(organisation_ids)

    # Dossiers written earlier (by hand, in the admin) keep their ids and numbers.
    numbers = dict(ProjectNumberCounter.objects.values_list("year", "last_number"))
    rows = _dossier_rows(
        rng,
        count=count,
        organisation_ids=organisation_ids,
        offers=offers,
        clients=clients,
        rates=_rates(),
        eligibility=_eligibility(),
        today=today,
        user_id=user.pk,
        first_id=_next_id(Project),
        numbers=numbers,
    )
    payment_rows = []
    with _bulk_load(Project, Payment):
        with contextlib.ExitStack() as stack:
            projects = _Writer(Project, stack)
            for project, payments in rows:
                projects.write(project)
                payment_rows.extend(payments)
            projects.flush()
        # One COPY at a time on a connection: the payments after the dossiers.
        # Before the COPY starts: no other statement can run on the connection during it.
        first_payment_id = _next_id(Payment)
        with contextlib.ExitStack() as stack:
            payments = _Writer(Payment, stack)
            for pk, payment in enumerate(payment_rows, start=first_payment_id):
                payments.write({"id": pk, **payment})
            payments.flush()
    _set_identity(Project)
    _set_identity(Payment)
    for year, last_number in numbers.items():
        ProjectNumberCounter.objects.update_or_create(
            year=year, defaults={"last_number": last_number}
        )
    log(f"  dossiers: {projects.count:,} ({big_count:,} for the big organisation)")
    log(f"  payments: {payments.count:,}")


# --- Scenarios: 2.4 for the big organisation --------------------------------------------


class _LazyParams:
    """GET parameters that depend on the seeded data (a vakgebied's id, a period that
    holds 10,000 dossiers), worked out when the scenario's URL is built, not at import."""

    def __init__(self, build):
        self.build = build

    def __bool__(self):
        return True

    def items(self):
        return list(self.build().items())


def _sign_in_provider(client):
    client.force_login(get_user_model().objects.get(username=PROVIDER_USERNAME))


def _big_projects():
    organisation = big_organisation()
    return (
        Project.objects.for_organisation(organisation) if organisation else Project.objects.none()
    )


def _period_and_vakgebied():
    """The last full calendar year and the big organisation's most used vakgebied."""
    last_year = timezone.localdate().year - 1
    top = (
        _big_projects()
        .filter(filed_on__year=last_year)
        .values("vakgebied")
        .annotate(dossiers=models.Count("pk"))
        .order_by("-dossiers", "vakgebied")
        .first()
    )
    params = {"van": f"{last_year}-01-01", "tot": f"{last_year}-12-31"}
    if top:
        params["vakgebied"] = str(top["vakgebied"])
    return params


def _page_50():
    """Page 50, or the last page of a smaller data set (the smoke tests)."""
    pages = max(1, -(-_big_projects().count() // 25))
    return {"page": str(min(50, pages))}


EXPORT_ROWS = 10_000


def export_period():
    """The filing period from the day of the big organisation's 10,000th newest dossier
    on: an export of about EXPORT_ROWS rows (a few more, for the dossiers of that day)."""
    filed = list(
        _big_projects()
        .order_by("-filed_on")
        .values_list("filed_on", flat=True)[EXPORT_ROWS - 1 : EXPORT_ROWS]
    )
    start = filed[0] if filed else datetime.date(2000, 1, 1)
    return {"van": start.isoformat()}


def _overview(name, description, params=(), url_name="projects:list", p95_ms=100.0, **extra):
    register_scenario(
        Scenario(
            name=name,
            group="dossiers",
            url_name=url_name,
            params=params,
            description=description,
            p95_ms=p95_ms,
            prepare_client=_sign_in_provider,
            **extra,
        )
    )


# 7 SQL queries per page, whatever its size and its filters: session, user,
# memberships, the totals, the page, and the vakgebieden and service providers of the
# filter form (read once each: the options and the check of a chosen value; the
# service providers also say whether the organisation is registered for advice, for
# the notice about the reform of 1 February 2026).
OVERVIEW_QUERIES = 7

_overview(
    "dossiers overview",
    "2.4 for the organisation with 100,000 dossiers, no filter (25 per page)",
    max_queries=OVERVIEW_QUERIES,
)
_overview(
    "dossiers 100 per page",
    "the same with 100 dossiers per page",
    (("per_pagina", "100"),),
    max_queries=OVERVIEW_QUERIES,
)
_overview(
    "dossiers by status",
    'status "afgesloten" (about 70 % of the dossiers)',
    (("status", "closed"),),
    max_queries=OVERVIEW_QUERIES,
)
_overview(
    "dossiers period+vakgebied",
    "filed last calendar year, the organisation's most used vakgebied",
    _LazyParams(_period_and_vakgebied),
    max_queries=OVERVIEW_QUERIES,
)
_overview(
    "dossiers by amount",
    "sorted on the amount, highest first",
    (("sorteer", "bedrag"), ("volgorde", "af")),
    max_queries=OVERVIEW_QUERIES,
)
_overview(
    "dossiers page 50",
    "page 50 of the unfiltered list",
    _LazyParams(_page_50),
    max_queries=OVERVIEW_QUERIES,
)
_overview(
    "dossiers CSV 10,000",
    "CSV export of the ~10,000 newest dossiers (streamed to the last byte)",
    _LazyParams(export_period),
    url_name="projects:export-csv",
    p95_ms=500.0,
    # Session, user, memberships and the rows (one server-side cursor), whatever the length.
    max_queries=4,
)
