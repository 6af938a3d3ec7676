"""Benchmark data and scenarios for the public search (issue 6).

The seeder builds a directory the size the domain expects (by default 50,000
service providers of about 45,000 organisations with 150,000 establishments) that
looks like the real one to the database: valid KBO numbers, Dutch names,
presentations of up to 1000 characters whose words follow a realistic spread (a few
words such as "advies" and "opleiding" in a large share of them, a handful of
rare words in a few dozen), one to five vakgebieden, establishments spread over
the real postcodes with their coordinates, some of them deactivated, and
registrations of which most are in force and some lapsed, suspended or pending.

Everything is drawn from one seeded random generator, so the same volumes give
the same rows, and rows are written with bulk_create in batches: the seeder also
runs on SQLite (the smoke test), the command itself only on PostgreSQL.
"""

import contextlib
import datetime
import functools
import importlib
import random
import time
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from benchmarks.registry import (
    Scenario,
    Throughput,
    register_scenario,
    register_seeder,
    register_throughput,
)
from benchmarks.report import (
    LONG_TAIL_CACHED,
    LONG_TAIL_UNCACHED,
    SEARCH_CACHED,
    SEARCH_UNCACHED,
)
from demo.providers import FAMILY_NAMES, FIRST_NAMES, REGIONS, STREETS, kbo_from_base
from directory.cache import bump_on_commit
from directory.index import search_documents_rebuild
from establishments.models import Establishment
from organisations.models import LegalForm, Organisation, Postcode
from providers.models import DESCRIPTION_MAX_LENGTH, ServiceProvider, Vakgebied
from registrations.models import (
    DECLARATION_TEXT,
    Registration,
    RegistrationNumberCounter,
    ServiceType,
)
from registrations.numbers import format_registration_number

BATCH_SIZE = 2000
BENCHMARK_USERNAME = "benchmark"
# One fixed path: the benchmark never opens the audit reports, so no files are written.
AUDIT_REPORT_PATH = "registrations/audit-reports/benchmark.pdf"

FLEMISH_AND_BRUSSELS = {
    "Antwerpen",
    "Limburg",
    "Oost-Vlaanderen",
    "West-Vlaanderen",
    "Vlaams-Brabant",
    "Brussels Hoofdstedelijk Gewest",
}
# Most providers of a Flemish scheme are in Flanders or Brussels; some in Wallonia.
WALLOON_WEIGHT = 0.15

NAME_KINDS = [
    "Vormingscentrum", "Opleidingscentrum", "Adviesbureau", "Studiebureau", "Kenniscentrum",
    "Academie", "Leerhuis", "Trainingsatelier", "Consultancy", "Expertisecentrum",
    "Coachingpraktijk", "Ondernemersschool",
]  # fmt: skip
NAME_PATTERNS = [
    "{kind} {region}",
    "{kind} {family}",
    "{family} Consulting",
    "{family} & Partners",
    "{family} Advies",
    "{family} Opleidingen",
    "{family} & {family2}",
    "Bureau {family}",
    "{family} Coaching & Training",
    "{topic_name} {region}",
]
# Words per vakgebied (by slug) that presentations use; "boekhouding" is what the
# typo scenario misspells.
TOPIC_WORDS = {
    "administratie-en-financien": ["boekhouding", "fiscaliteit", "budgettering", "facturatie"],
    "algemene-persoonlijke-vaardigheden": ["timemanagement", "assertiviteit", "presenteren"],
    "conceptontwikkeling-design": ["productontwerp", "prototypes", "vormgeving"],
    "diversiteitsprojecten": ["inclusie", "diversiteitsbeleid", "taalcoaching"],
    "energie": ["energie-efficiëntie", "zonnepanelen", "warmtepompen", "energieaudit"],
    "ervaringsuitwisseling": ["lerende netwerken", "intervisie", "peer learning"],
    "hrm": ["rekrutering", "loopbaanbegeleiding", "welzijnsbeleid", "competenties"],
    "ict": ["cyberbeveiliging", "software", "netwerken", "digitalisering", "cloud"],
    "juridisch": ["contracten", "arbeidsrecht", "privacywetgeving", "GDPR"],
    "marketing-communicatie-en-verkoop": ["marketing", "verkoop", "sociale media", "branding"],
    "milieu-en-veiligheid": ["veiligheid", "milieuvergunning", "preventie", "afvalbeheer"],
    "opvolging-en-overname": ["bedrijfsoverdracht", "familiebedrijf", "waardering"],
    "organisatie-en-kwaliteit": ["kwaliteitszorg", "procesbeheer", "ISO-certificering"],
    "productie": ["lean", "productieplanning", "onderhoud", "automatisering"],
    "talen": ["Frans", "Engels", "Duits", "zakelijke communicatie"],
    "technologieverkenning": ["innovatie", "artificiële intelligentie", "robotica"],
    "toeristische-dienstverlening": ["horeca", "gastvrijheid", "toerisme"],
    "transport-en-logistiek": ["logistiek", "vlootbeheer", "magazijnbeheer", "douane"],
    "welzijn-en-gezondheid": ["stressmanagement", "ergonomie", "burn-outpreventie"],
}
# Each rare word appears in about one presentation in RARE_WORD_ODDS.
RARE_WORDS = ["kalligrafie", "imkerij", "hoefsmederij", "glasblazen", "klokkengieterij"]
RARE_WORD_ODDS = 2000

OPENINGS = [
    "Sinds {year} begeleiden we kmo's in en rond {municipality}.",
    "We werken sinds {year} voor kleine en middelgrote ondernemingen in heel Vlaanderen.",
    "Ons team van {team} medewerkers staat klaar voor ondernemers die willen groeien.",
    "We zijn een onafhankelijke partner voor zelfstandigen en kmo's.",
    "{name} is een ervaren dienstverlener met vestigingen in {province}.",
]
TOPIC_SENTENCES = [
    "Onze opleiding rond {topic} is praktijkgericht en afgestemd op uw bedrijf.",
    "Voor {topic} bieden we advies op maat en korte workshops.",
    "Onze adviseurs geven concreet advies over {topic}.",
    "Rond {topic} delen we kennis die u meteen kunt toepassen.",
    "Elke opleiding over {topic} start met een analyse van uw noden.",
    "We begeleiden ondernemers bij {topic}, van eerste idee tot resultaat.",
]
METHOD_SENTENCES = [
    "We werken klassikaal, in kleine groepen of bij u in de onderneming.",
    "Al onze trainers hebben jarenlange ervaring in de sector.",
    "Een adviestraject start altijd met een vrijblijvend intakegesprek.",
    "We bieden ook afstandsleren aan, live of op uw eigen tempo.",
    "Elk traject sluiten we af met een evaluatie en concrete aanbevelingen.",
    "Onze lesgevers combineren theorie met oefeningen uit de praktijk.",
    "Opleidingen kunnen in het Nederlands, Frans of Engels.",
    "Ook voor starters hebben we een aangepast aanbod.",
    "Onze klanten zijn vooral kmo's uit de bouw, de handel en de dienstensector.",
    "We volgen de evolutie in onze vakgebieden op de voet en bieden alleen actuele inhoud aan.",
    "Na elke opleiding krijgen de deelnemers een attest en het cursusmateriaal.",
    "Voor grotere groepen organiseren we de sessies graag in uw eigen lokalen.",
]
RARE_SENTENCES = [
    "Daarnaast hebben we een bijzondere expertise in {rare}.",
    "Wie het wil, kan bij ons ook terecht voor {rare}.",
]
CLOSINGS = [
    "Neem gerust contact op met {contact} voor een voorstel op maat.",
    "Vraag vrijblijvend een offerte aan via onze website.",
    "Als geregistreerde dienstverlener kunt u bij ons met de kmo-portefeuille werken.",
]


def _weighted_places(places, rng):
    weights = [
        1.0 if place.province in FLEMISH_AND_BRUSSELS else WALLOON_WEIGHT for place in places
    ]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return lambda: rng.choices(places, cum_weights=cumulative)[0]


def _kbo_numbers(rng, count):
    # Valid numbers start with 0 or 1; the 11-19 million bases are used by neither the
    # demo data nor the test factories. Sampled without repetition.
    return [kbo_from_base(base) for base in rng.sample(range(11_000_000, 20_000_000), count)]


def _phone(rng):
    zone = rng.choice(["2", "3", "9", "11", "13", "14", "15", "16", "50", "51", "56", "89"])
    digits = 8 - len(zone)
    return f"+32{zone}{rng.randrange(10 ** (digits - 1), 10**digits)}"


def _name(rng, topic_name):
    family, family2 = rng.sample(FAMILY_NAMES, 2)
    return rng.choice(NAME_PATTERNS).format(
        kind=rng.choice(NAME_KINDS),
        region=rng.choice(REGIONS),
        family=family,
        family2=family2,
        topic_name=topic_name,
    )


def _description(rng, *, name, place, slugs, contact):
    topics = [word for slug in slugs for word in TOPIC_WORDS.get(slug, [])]
    sentences = [
        rng.choice(OPENINGS).format(
            year=rng.randrange(1985, 2024),
            municipality=place.municipality_nl,
            team=rng.randrange(2, 60),
            name=name,
            province=place.province,
        )
    ]
    for topic in rng.sample(topics, min(len(topics), rng.randrange(1, 8))):
        sentences.append(rng.choice(TOPIC_SENTENCES).format(topic=topic))
    sentences.extend(rng.sample(METHOD_SENTENCES, rng.randrange(0, 7)))
    if rng.randrange(RARE_WORD_ODDS) < len(RARE_WORDS):
        sentences.append(rng.choice(RARE_SENTENCES).format(rare=rng.choice(RARE_WORDS)))
    sentences.append(rng.choice(CLOSINGS).format(contact=contact))
    text = ""
    for sentence in sentences:
        if len(text) + len(sentence) + 1 > DESCRIPTION_MAX_LENGTH:
            break
        text = f"{text} {sentence}" if text else sentence
    return text


def _bulk(model, rows, log):
    created = model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    log(f"  {model._meta.verbose_name_plural}: {len(created):,}")
    return created


def _benchmark_user():
    user, _ = get_user_model().objects.get_or_create(
        username=BENCHMARK_USERNAME,
        defaults={"first_name": "Benchmark", "last_name": "Gebruiker", "is_active": False},
    )
    return user


def rebuild_search_data(log=print):
    """Fill the search documents and vocabulary that the public search reads.

    bulk_create sends no signals, so directory.index, which keeps them in
    step on every save, has seen none of the seeded rows; nor has the results
    cache, whose pages are made obsolete once the seeding has committed.
    """
    count = search_documents_rebuild(log=log)
    log(f"  search documents: {count:,}")
    bump_on_commit()


@register_seeder(
    "directory",
    volumes={"providers": 50_000, "establishments": 150_000},
    reset_tables=(Registration, ServiceProvider, Establishment, Organisation),
    after_seed=rebuild_search_data,
)
def seed_directory(*, volumes, rng_seed, log=print):
    """Organisations, service providers, vakgebieden, establishments and registrations."""
    providers = volumes["providers"]
    establishments = volumes["establishments"]
    rng = random.Random(f"{rng_seed}-directory")  # noqa: S311 - benchmark data
    today = timezone.localdate()
    now = timezone.now()

    places = list(Postcode.objects.order_by("pk"))
    if not places:
        raise RuntimeError("The postcode table is empty: run the migrations first.")
    vakgebieden = list(Vakgebied.objects.order_by("pk"))
    legal_forms = list(LegalForm.objects.filter(in_use=True).order_by("pk")) or [None]
    place_by_province = {}
    for place in places:
        place_by_province.setdefault(place.province, []).append(place)
    random_place = _weighted_places(places, rng)

    # About one organisation in ten announces a second service provider.
    organisation_count = max(1, min(establishments, round(providers / 1.1)))
    kbo_numbers = _kbo_numbers(rng, organisation_count + providers)

    log(f"Seeding the directory ({providers:,} providers, {establishments:,} establishments)")
    organisation_places = []
    organisations = []
    for index in range(organisation_count):
        place = random_place()
        organisation_places.append(place)
        organisations.append(
            Organisation(
                kbo_number=kbo_numbers[index],
                name=_name(rng, "Kenniscentrum"),
                legal_form=rng.choice(legal_forms),
                country="BE",
                postcode=place.postcode,
                municipality=place.municipality_nl,
                street=rng.choice(STREETS),
                house_number=str(rng.randrange(1, 250)),
                email=f"info{index}@benchmark.example",
            )
        )
    organisations = _bulk(Organisation, organisations, log)

    owners = list(range(organisation_count)) + [
        rng.randrange(organisation_count) for _ in range(providers - organisation_count)
    ]
    service_providers = []
    provider_vakgebieden = []
    for index, owner in enumerate(owners):
        organisation = organisations[owner]
        place = organisation_places[owner]
        chosen = rng.sample(vakgebieden, rng.randrange(1, 6))
        provider_vakgebieden.append(chosen)
        is_office = index < organisation_count
        name = organisation.name if is_office else _name(rng, chosen[0].name.split()[0])
        first_name, last_name = rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES)
        slug = slugify(name)[:40] or "dienstverlener"
        service_providers.append(
            ServiceProvider(
                organisation=organisation,
                type=ServiceProvider.Type.REGISTERED_OFFICE
                if is_office
                else ServiceProvider.Type.PROVIDER,
                name=name,
                country="BE",
                postcode=organisation.postcode,
                municipality=organisation.municipality,
                street=organisation.street,
                house_number=organisation.house_number,
                phone=_phone(rng),
                email=f"contact{index}@{slug}.example",
                website=f"https://www.{slug}.example/" if rng.random() < 0.8 else "",
                contact_first_name=first_name,
                contact_last_name=last_name,
                kbo_number=organisation.kbo_number if is_office else kbo_numbers[-1 - index],
                legal_form=organisation.legal_form,
                description=_description(
                    rng,
                    name=name,
                    place=place,
                    slugs=[vakgebied.slug for vakgebied in chosen],
                    contact=f"{first_name} {last_name}",
                ),
            )
        )
    service_providers = _bulk(ServiceProvider, service_providers, log)
    through = ServiceProvider.vakgebieden.through
    _bulk(
        through,
        [
            through(serviceprovider_id=provider.pk, vakgebied_id=vakgebied.pk)
            for provider, chosen in zip(service_providers, provider_vakgebieden, strict=True)
            for vakgebied in chosen
        ],
        log,
    )

    # Every organisation has its registered office; the other establishments go to
    # a skewed few (a training chain has dozens, most have one or two).
    # Capped, or the Pareto tail hands most establishments to a single organisation.
    weights = [min(rng.paretovariate(1.2), 40.0) for _ in range(organisation_count)]
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    extra_owners = rng.choices(
        range(organisation_count),
        cum_weights=cumulative,
        k=max(0, establishments - organisation_count),
    )
    rows = []
    for owner, organisation in enumerate(organisations):
        place = organisation_places[owner]
        rows.append(
            Establishment(
                organisation=organisation,
                is_registered_office=True,
                country="BE",
                postcode=organisation.postcode,
                municipality=organisation.municipality,
                street=organisation.street,
                house_number=organisation.house_number,
                latitude=place.latitude,
                longitude=place.longitude,
            )
        )
    for owner in extra_owners:
        home = organisation_places[owner]
        # Most branches are in the organisation's own province.
        place = (
            rng.choice(place_by_province[home.province]) if rng.random() < 0.6 else random_place()
        )
        rows.append(
            Establishment(
                organisation=organisations[owner],
                name=f"Vestiging {place.municipality_nl}" if rng.random() < 0.3 else "",
                country="BE",
                postcode=place.postcode,
                municipality=place.municipality_nl,
                street=rng.choice(STREETS),
                house_number=str(rng.randrange(1, 250)),
                phone=_phone(rng) if rng.random() < 0.5 else "",
                is_active=rng.random() >= 0.07,
                latitude=Decimal(place.latitude),
                longitude=Decimal(place.longitude),
            )
        )
    _bulk(Establishment, rows, log)

    _seed_registrations(rng, service_providers, today=today, now=now, log=log)


def _registration_dates(rng, *, today, lapsed):
    is_starter = rng.random() < 0.1
    years = 2 if is_starter else 5
    if lapsed:
        valid_until = today - datetime.timedelta(days=rng.randrange(1, 400))
        valid_from = valid_until - datetime.timedelta(days=365 * years - 1)
    else:
        valid_from = today - datetime.timedelta(days=rng.randrange(0, 365 * years - 30))
        valid_until = valid_from + datetime.timedelta(days=365 * years - 1)
    return is_starter, valid_from, valid_until


def _seed_registrations(rng, service_providers, *, today, now, log):
    user = _benchmark_user()
    declaration = str(DECLARATION_TEXT)
    last_numbers = {ServiceType.TRAINING: 0, ServiceType.ADVICE: 0}
    statuses = [
        (Registration.Status.APPROVED, 86),
        ("lapsed", 4),
        (Registration.Status.SUSPENDED, 3),
        (Registration.Status.REQUESTED, 4),
        (Registration.Status.REFUSED, 2),
        (Registration.Status.WITHDRAWN, 1),
    ]
    choices, weights = zip(*statuses, strict=True)
    rows = []
    for provider in service_providers:
        roll = rng.random()
        types = (
            [ServiceType.TRAINING]
            if roll < 0.5
            else [ServiceType.ADVICE]
            if roll < 0.8
            else [ServiceType.TRAINING, ServiceType.ADVICE]
        )
        for service_type in types:
            status = rng.choices(choices, weights=weights)[0]
            lapsed = status == "lapsed"
            if lapsed:
                status = Registration.Status.APPROVED
            is_starter, valid_from, valid_until = _registration_dates(
                rng, today=today, lapsed=lapsed
            )
            requested_at = timezone.make_aware(
                datetime.datetime.combine(valid_from, datetime.time(10))
            ) - datetime.timedelta(days=rng.randrange(10, 60))
            numbered = status in (
                Registration.Status.APPROVED,
                Registration.Status.SUSPENDED,
                Registration.Status.WITHDRAWN,
            )
            dated = numbered
            if numbered:
                last_numbers[service_type] += 1
            if status == Registration.Status.REQUESTED:
                requested_at = now - datetime.timedelta(days=rng.randrange(1, 60))
            rows.append(
                Registration(
                    service_provider=provider,
                    service_type=service_type,
                    number=format_registration_number(service_type, last_numbers[service_type])
                    if numbered
                    else "",
                    status=status,
                    is_starter=is_starter,
                    valid_from=valid_from if dated else None,
                    valid_until=valid_until if dated else None,
                    audit_body=rng.choice(["Vinçotte", "BQA", "SGS Belgium", "AIB-Vinçotte"]),
                    audit_date=(valid_from if dated else today) - datetime.timedelta(days=45),
                    audit_report=AUDIT_REPORT_PATH,
                    audit_report_name="auditrapport.pdf",
                    declaration_text=declaration,
                    declared_by=user,
                    declared_by_name=f"{provider.contact_first_name} {provider.contact_last_name}",
                    declared_at=requested_at,
                    requested_at=requested_at,
                    decided_at=None
                    if status == Registration.Status.REQUESTED
                    else requested_at + datetime.timedelta(days=20),
                    reason="Schorsing in afwachting van een opvolgingsaudit."
                    if status == Registration.Status.SUSPENDED
                    else "",
                )
            )
    _bulk(Registration, rows, log)
    # Numbers handed out later (in the admin of a benchmark database) must not collide.
    for service_type, last_number in last_numbers.items():
        RegistrationNumberCounter.objects.update_or_create(
            service_type=service_type, defaults={"last_number": last_number}
        )


# --- Scenarios: the fixed query set of issue 6 ----------------------------------


def _search(name, description, **params):
    register_scenario(
        Scenario(
            name=name,
            group="search",
            url_name="directory:search",
            params=tuple(
                (key, item)
                for key, value in params.items()
                for item in (value if isinstance(value, list | tuple) else [value])
            ),
            description=description,
            # Issue 16's target without the results cache (issue 6 asked for 100 ms).
            p95_ms=50.0,
            max_queries=6,
        )
    )


_search("rare word", "one rare word of the presentations (a few dozen hits)", q="kalligrafie")
_search("common word", 'a word in a large share of presentations ("advies")', q="advies")
_search(
    "vakgebied + 25 km",
    "one vakgebied within 25 km of a postcode (Gent)",
    vakgebied="ict",
    plaats="9000",
    straal="25",
)
_search(
    "two filters, no text",
    "empty text, a vakgebied and a service type",
    vakgebied="energie",
    type="A",
)
_search("typo", 'a misspelt word ("boekhoudnig" for "boekhouding")', q="boekhoudnig")
_search("page 20", "page 20 of a broad search (opleiding)", q="opleiding", page="20")
# Issue 16: the searches a visitor makes most, whose cost the cache used to hide.
_search("place, 25 km", "no text, within 25 km of a postcode (9000)", plaats="9000", straal="25")
_search("large city, 50 km", "no text, within 50 km of Brussel", plaats="Brussel", straal="50")
_search(
    "text + place",
    '"advies" within 10 km of a postcode (2000)',
    q="advies",
    plaats="2000",
    straal="10",
)
_search(
    "by distance",
    '"advies" around 9000 (25 km), nearest first',
    q="advies",
    plaats="9000",
    straal="25",
    sorteer="afstand",
)
_search(
    "rare word by distance",
    '"kalligrafie" within 50 km of Brussel, nearest first (few hits among many points)',
    q="kalligrafie",
    plaats="Brussel",
    straal="50",
    sorteer="afstand",
)
_search("two common words", '"advies opleiding"', q="advies opleiding")
_search(
    "compound", 'a compound whose parts the texts use ("opleidingscentrum")', q="opleidingscentrum"
)

# The queries above measure the real search: the command turns the results cache off.
# This one shows what a hit of the (warmed) cache costs the server.
register_scenario(
    Scenario(
        name="common word, cached",
        group="search cache",
        url_name="directory:search",
        params=(("q", "advies"),),
        description='"advies" again, from the results cache (warmed by the warm-up runs)',
        p95_ms=None,
        max_queries=None,
        settings={"DIRECTORY_CACHE_SECONDS": 300},
    )
)


def _search_paths():
    from benchmarks.measure import scenario_path
    from benchmarks.registry import SCENARIOS

    return [scenario_path(scenario) for scenario in SCENARIOS if scenario.group == "search"]


register_throughput(
    Throughput(
        name=SEARCH_CACHED,
        paths=_search_paths,
        description="the search page, rotating over the queries above, from the "
        "shared results cache (warm: filled during the warm-up)",
    )
)
register_throughput(
    Throughput(
        name=SEARCH_UNCACHED,
        paths=_search_paths,
        description="the same queries on a gunicorn without the results cache",
        environment={"DIRECTORY_CACHE_SECONDS": "0"},
    )
)


# --- The long tail (issue 16) -------------------------------------------------------

LONG_TAIL_SEARCHES = 3000
LONG_TAIL_SEED = 16


def long_tail_paths(count=LONG_TAIL_SEARCHES, *, seed=LONG_TAIL_SEED):
    """`count` different searches as visitors make them, drawn from one seeded generator:
    words of names, presentations and vakgebieden (some misspelt, some half typed, some
    two at a time), places with a radius, vakgebieden, service types, the sort and a
    later page, alone and combined. Most searches are first searches: with thousands of
    them the results cache rarely answers."""
    rng = random.Random(seed)  # noqa: S311 - benchmark data
    words = sorted(
        {word for topic in TOPIC_WORDS.values() for word in topic}
        | {kind.lower() for kind in NAME_KINDS}
        | {"advies", "opleiding", "coaching", "training", "begeleiding", "bureau", "centrum"}
        | set(RARE_WORDS)
        | set(FAMILY_NAMES[:60])
    )
    places = sorted(
        {
            value
            for postcode, municipality in Postcode.objects.values_list(
                "postcode", "main_municipality"
            )
            for value in (postcode, municipality)
        }
    )
    vakgebieden = sorted(Vakgebied.objects.values_list("slug", flat=True))

    def typo(word):
        position = rng.randrange(1, max(2, len(word) - 1))
        return word[: position - 1] + word[position] + word[position - 1] + word[position + 1 :]

    def text():
        word = rng.choice(words)
        kind = rng.random()
        if kind < 0.15 and len(word) > 5:
            return typo(word)
        if kind < 0.3 and len(word) > 5:
            return word[: rng.randrange(4, len(word))]
        if kind < 0.45:
            return f"{word} {rng.choice(words)}"
        return word

    path = reverse("directory:search")
    searches = set()
    while len(searches) < count:
        params = {}
        if rng.random() < 0.7:
            params["q"] = text()
        if rng.random() < 0.5:
            params["plaats"] = rng.choice(places)
            params["straal"] = rng.choice(["0", "5", "10", "10", "25", "50"])
            if rng.random() < 0.2:
                params["sorteer"] = "afstand"
        if rng.random() < 0.25:
            params["vakgebied"] = rng.choice(vakgebieden)
        if rng.random() < 0.15:
            params["type"] = rng.choice(["A", "O"])
        if not params:
            continue
        if rng.random() < 0.1:
            params["page"] = str(rng.randrange(2, 6))
        searches.add(f"{path}?{urlencode(sorted(params.items()))}")
    # Shuffled from a sorted list: a set's order changes from one process to the next.
    ordered = sorted(searches)
    rng.shuffle(ordered)
    return ordered


register_throughput(
    Throughput(
        name=LONG_TAIL_CACHED,
        paths=long_tail_paths,
        description=f"{LONG_TAIL_SEARCHES:,} different searches (words, typos, half-typed "
        "words, places, radii, filters, pages), each asked about once: the results cache "
        "rarely answers",
    )
)
register_throughput(
    Throughput(
        name=LONG_TAIL_UNCACHED,
        paths=long_tail_paths,
        description="the same searches on a gunicorn without the results cache",
        environment={"DIRECTORY_CACHE_SECONDS": "0"},
    )
)


# --- Where a long tail's time goes (issue 16) -----------------------------------------------


@dataclass(frozen=True)
class TailProfile:
    """The first searches of the long tail, timed one by one in-process (the test client,
    the results cache off): per kind of search ("text+place", "2words", ...) how many, and
    their time in all and in SQL, in seconds. Python is the difference, and `parts` says
    where some of it goes (TIMED_PARTS), in seconds over all the searches."""

    kinds: dict  # kind -> [count, seconds, sql seconds, most queries]
    parts: dict = field(default_factory=dict)  # part -> seconds

    @property
    def count(self):
        return sum(item[0] for item in self.kinds.values())

    @property
    def seconds(self):
        return sum(item[1] for item in self.kinds.values())

    @property
    def sql_seconds(self):
        return sum(item[2] for item in self.kinds.values())

    def lines(self):
        """The report: the mean per search, then per kind, the largest share first."""
        count = self.count or 1
        mean, sql = self.seconds / count * 1000, self.sql_seconds / count * 1000
        most = max((item[3] for item in self.kinds.values()), default=0)
        lines = [
            f"Long tail, first {self.count:,} searches in-process, cache off: mean {mean:.1f} ms "
            f"per search, of which SQL {sql:.1f} ms and Python {mean - sql:.1f} ms; at most "
            f"{most} queries on a page.",
            f"  {'kind':38} {'searches':>8} {'share':>6} {'mean ms':>8} {'SQL ms':>7}",
        ]
        for kind, (searches, seconds, sql_seconds, _most) in sorted(
            self.kinds.items(), key=lambda item: -item[1][1]
        ):
            lines.append(
                f"  {kind:38} {searches:8} {seconds / (self.seconds or 1):6.1%} "
                f"{seconds / searches * 1000:8.1f} {sql_seconds / searches * 1000:7.1f}"
            )
        if self.parts:
            lines.append("  Python by part, mean ms per search (each with what it calls):")
            for part, seconds in self.parts.items():
                lines.append(f"    {part:54} {seconds / count * 1000:6.1f}")
        return lines


# Where a search's Python time goes (TailProfile.parts): (module, class or None, methods).
# Each part is the time spent in the outermost calls of its methods, so a template that
# renders another counts once.
TIMED_PARTS = {
    "templates (Django's language, with what they render)": (
        "django.template.base",
        "Template",
        "render",
    ),
    "templates (Jinja2: the form and the results, the widgets)": (
        "jinja2.environment",
        "Template",
        "render",
    ),
    "ORM: compiling statements": ("django.db.models.sql.compiler", "SQLCompiler", "as_sql"),
    "ORM: building querysets (filter, annotate)": (
        "django.db.models.query",
        "QuerySet",
        "_filter_or_exclude",
        "annotate",
    ),
    "result texts (directory.presentation)": ("directory.views", None, "result_cards"),
}


@contextlib.contextmanager
def timed_parts(parts):
    """Add to `parts[name]` the seconds spent in the outermost calls of each of
    TIMED_PARTS' methods while the block runs (wrapped, and put back after)."""
    originals = []

    def wrap(name, owner, attribute):
        original = getattr(owner, attribute)
        depth = [0]

        @functools.wraps(original)
        def timed(*args, **kwargs):
            depth[0] += 1
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                depth[0] -= 1
                if not depth[0]:
                    parts[name] += time.perf_counter() - started

        originals.append((owner, attribute, original))
        setattr(owner, attribute, timed)

    try:
        for name, (module, owner, *attributes) in TIMED_PARTS.items():
            parts.setdefault(name, 0.0)
            target = importlib.import_module(module)
            if owner is not None:
                target = getattr(target, owner)
            for attribute in attributes:
                wrap(name, target, attribute)
        yield parts
    finally:
        for owner, attribute, original in reversed(originals):
            setattr(owner, attribute, original)


def search_kind(path):
    """What a search of the long tail combines: "text" (or "2words"), "place", "vakgebied",
    "type", "distance" (sorted by it), joined by "+"."""
    query = parse_qs(urlsplit(path).query)
    parts = []
    if "q" in query:
        parts.append("2words" if " " in query["q"][0].strip() else "text")
    parts += [
        name
        for parameter, name in (("plaats", "place"), ("vakgebied", "vakgebied"), ("type", "type"))
        if parameter in query
    ]
    if query.get("sorteer") == ["afstand"]:
        parts.append("distance")
    return "+".join(parts)


def long_tail_profile(count, *, client):
    """TailProfile of the first `count` searches of `long_tail_paths()`, after a warm-up of
    the first twenty. The caller turns the results cache and the rate limit off."""
    paths = long_tail_paths()[:count]
    sql = [0.0, 0]

    def timed(execute, statement, params, many, context):
        started = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql[0] += time.perf_counter() - started
            sql[1] += 1

    for path in paths[:20]:
        client.get(path)
    kinds, parts = {}, {}
    with connection.execute_wrapper(timed), timed_parts(parts):
        for path in paths:
            sql[:] = [0.0, 0]
            started = time.perf_counter()
            response = client.get(path)
            seconds = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            item = kinds.setdefault(search_kind(path), [0, 0.0, 0.0, 0])
            item[0] += 1
            item[1] += seconds
            item[2] += sql[0]
            item[3] = max(item[3], sql[1])
    return TailProfile(kinds=kinds, parts=parts)
