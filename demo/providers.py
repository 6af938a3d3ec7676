"""Deterministic demo data: organisations, their service providers and demo staff accounts.

Everything is drawn from random generators seeded per organisation, so a run with
`organisations=20` creates the same first organisations as a run with 200, and a
second run finds every record again by its KBO number and creates nothing new.

E-mail addresses and websites use the reserved top-level domain `.example`, so
that a demo environment with a real mail server never writes to a real company.
"""

import contextlib
import logging
import random
from dataclasses import dataclass, field

import phonenumbers
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.test.utils import override_settings
from django.utils.text import slugify
from schwifty import IBAN

from demo.identities import DEMO_ORGANISATIONS, DEMO_SME
from demo.projects import projects_demo_load
from demo.registrations import registrations_demo_load
from establishments.services import registered_office_sync
from organisations.models import LegalForm, Organisation, Postcode
from portal.roles import AUDITOR, PROCESSOR, REVIEWER, VERIFIER, staff_roles_sync
from providers.models import DESCRIPTION_MAX_LENGTH, ServiceProvider, Vakgebied

SEED = "kmo-portefeuille-demo"

PROVINCES = [
    "Antwerpen",
    "Limburg",
    "Oost-Vlaanderen",
    "West-Vlaanderen",
    "Vlaams-Brabant",
    "Brussels Hoofdstedelijk Gewest",
]
# Used only while the Postcode table is still empty (its migration not yet run).
FALLBACK_PLACES = [
    ("1000", "Brussel", "Brussels Hoofdstedelijk Gewest"),
    ("1030", "Schaarbeek", "Brussels Hoofdstedelijk Gewest"),
    ("1500", "Halle", "Vlaams-Brabant"),
    ("1800", "Vilvoorde", "Vlaams-Brabant"),
    ("2000", "Antwerpen", "Antwerpen"),
    ("2300", "Turnhout", "Antwerpen"),
    ("2500", "Lier", "Antwerpen"),
    ("2800", "Mechelen", "Antwerpen"),
    ("3000", "Leuven", "Vlaams-Brabant"),
    ("3290", "Diest", "Vlaams-Brabant"),
    ("3500", "Hasselt", "Limburg"),
    ("3600", "Genk", "Limburg"),
    ("3800", "Sint-Truiden", "Limburg"),
    ("8000", "Brugge", "West-Vlaanderen"),
    ("8400", "Oostende", "West-Vlaanderen"),
    ("8500", "Kortrijk", "West-Vlaanderen"),
    ("8800", "Roeselare", "West-Vlaanderen"),
    ("9000", "Gent", "Oost-Vlaanderen"),
    ("9100", "Sint-Niklaas", "Oost-Vlaanderen"),
    ("9200", "Dendermonde", "Oost-Vlaanderen"),
    ("9300", "Aalst", "Oost-Vlaanderen"),
    ("9700", "Oudenaarde", "Oost-Vlaanderen"),
]
# Registered offices of the fixed demo organisations: (postcode, municipality, street, number).
FIXED_ADDRESSES = {
    "0123456749": ("2000", "Antwerpen", "Kribbestraat", "12"),
    "0234567873": ("9000", "Gent", "Coupure Links", "105"),
    "0345678997": ("2300", "Turnhout", "Grote Markt", "44"),
    DEMO_SME[0]: ("2800", "Mechelen", "Bruul", "7"),
}
# Vakgebieden (slugs) of fixed demo organisations' registered-office providers, so that
# the public search's demo scenario (ICT within 10 km of 9000 Gent) finds a provider.
# Vormingscentrum Schelde's fit the training of the demo dossiers (demo.projects).
FIXED_VAKGEBIEDEN = {
    "0123456749": ("administratie-en-financien", "energie", "ict", "talen"),
    "0234567873": ("ict", "marketing-communicatie-en-verkoop"),
}
# Real Belgian bank codes (first three BBAN digits); schwifty derives the BIC from them.
BANK_CODES = ["001", "063", "068", "096", "103", "310", "363", "734", "735", "751", "890", "979"]
# Abbreviation -> weight: the usual legal forms of training and advice companies.
LEGAL_FORM_WEIGHTS = {"BV": 50, "NV": 15, "VZW": 20, "CV": 10, "CommV": 5}

FAMILY_NAMES = [
    "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
    "Wouters", "De Smet", "Vermeulen", "Van den Broeck", "De Vos", "Hermans", "Aerts",
    "Pauwels", "De Clercq", "Verstraete", "Van Damme", "Lambrechts", "Smets", "Michiels",
    "Coppens", "Martens", "Van de Velde", "Vandenberghe", "De Backer", "Verhoeven",
    "Vervoort", "Cools", "Hendrickx", "Van Acker", "Desmet", "Bogaerts", "Verbeke",
]  # fmt: skip
FIRST_NAMES = [
    "Jan", "Pieter", "Lies", "Sofie", "An", "Tom", "Bart", "Katrien", "Els", "Wim",
    "Sarah", "Lotte", "Jens", "Ruben", "Hanne", "Nele", "Koen", "Stijn", "Eline", "Lucas",
    "Marie", "Emma", "Arne", "Fien", "Griet", "Dirk", "Ann", "Joris", "Ilse", "Maarten",
]  # fmt: skip
REGIONS = [
    "Schelde", "Leie", "Kempen", "Dender", "Demer", "Nete", "Zenne", "Westhoek",
    "Meetjesland", "Waasland", "Pajottenland", "Hageland", "Haspengouw", "Maasland",
    "Vlaamse Ardennen", "Mandel", "IJzer", "Rupel", "Durme", "Voorkempen",
]  # fmt: skip
# (word in the name, what the description calls it)
KINDS = [
    ("Vormingscentrum", "een vormingscentrum"),
    ("Opleidingscentrum", "een opleidingscentrum"),
    ("Adviesbureau", "een adviesbureau"),
    ("Studiebureau", "een studiebureau"),
    ("Kenniscentrum", "een kenniscentrum"),
    ("Academie", "een opleidingsverstrekker"),
    ("Leerhuis", "een opleidingsverstrekker"),
    ("Trainingsatelier", "een trainingsbureau"),
]
FAMILY_PATTERNS = [
    ("{family} Consulting", "een consultancybureau"),
    ("{family} & Partners", "een adviesbureau"),
    ("{family} Advies", "een adviesbureau"),
    ("{family} Opleidingen", "een opleidingsverstrekker"),
    ("{family} & {family2}", "een adviespraktijk"),
    ("Bureau {family}", "een adviesbureau"),
    ("{family} Coaching & Training", "een trainingsbureau"),
]
STREETS = [
    "Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat",
    "Schoolstraat", "Industrieweg", "Kapelstraat", "Hoogstraat", "Markt", "Veldstraat",
    "Beekstraat", "Nijverheidsstraat", "Ambachtenstraat", "Zandstraat", "Leopoldlaan",
    "Koning Albertlaan", "Kortrijksesteenweg", "Brusselsesteenweg", "Lindenlaan",
]  # fmt: skip
# Trunk prefixes of a few Flemish zones, per province, for landline numbers.
PHONE_ZONES = {
    "Antwerpen": ["3", "14", "15"],
    "Limburg": ["11", "89"],
    "Oost-Vlaanderen": ["9", "52", "53"],
    "West-Vlaanderen": ["50", "51", "56", "59"],
    "Vlaams-Brabant": ["16", "2"],
    "Brussels Hoofdstedelijk Gewest": ["2"],
}
OPENINGS = [
    "Sinds {year} begeleiden we kmo's in en rond {municipality}.",
    "We werken sinds {year} voor kleine en middelgrote ondernemingen in heel Vlaanderen.",
    "Ons team van {team} medewerkers staat klaar voor ondernemers die willen groeien.",
    "We zijn een onafhankelijke partner voor zelfstandigen en kmo's.",
]
TOPIC_SENTENCES = [
    "Onze opleidingen rond {topic} zijn praktijkgericht en afgestemd op uw bedrijf.",
    "Voor {topic} bieden we zowel korte workshops als begeleiding op maat.",
    "Onze adviseurs helpen u met concrete stappen op het vlak van {topic}.",
    "Rond {topic} delen we kennis die u meteen kunt toepassen.",
]
METHOD_SENTENCES = [
    "We werken klassikaal, in kleine groepen of bij u in de onderneming.",
    "Al onze trainers hebben jarenlange ervaring in de sector.",
    "Een adviestraject start altijd met een vrijblijvend intakegesprek.",
    "We bieden ook afstandsleren aan, live of op uw eigen tempo.",
    "Elk traject sluiten we af met een evaluatie en concrete aanbevelingen.",
    "Onze lesgevers combineren theorie met oefeningen uit de praktijk.",
    "Opleidingen kunnen in het Nederlands, Frans of Engels.",
]
# Vakgebied names that do not read well inside a sentence.
TOPIC_PHRASES = {
    "Juridisch": "juridische vragen",
    "Conceptontwikkeling design": "conceptontwikkeling en design",
    "Algemene persoonlijke vaardigheden": "persoonlijke vaardigheden",
}
CLOSINGS = [
    "Neem gerust contact op met {contact} voor een voorstel op maat.",
    "Vraag vrijblijvend een offerte aan via onze website.",
    "Als geregistreerde dienstverlener kunt u bij ons met de kmo-portefeuille werken.",
]


@dataclass
class DemoDataSummary:
    organisations: int = 0
    organisations_created: int = 0
    service_providers: int = 0
    service_providers_created: int = 0
    staff_created: list = field(default_factory=list)
    used_fallback_places: bool = False
    registrations: int = 0
    registrations_created: int = 0
    projects: int = 0
    projects_created: int = 0


@dataclass
class _Place:
    postcode: str
    municipality: str
    province: str


def kbo_from_base(base):
    """A KBO number from its first eight digits: the check digits are 97 - (base mod 97)."""
    return f"{base:08d}{97 - base % 97:02d}"


def _random_kbo(rng, used):
    while True:
        # Mostly the classic 0xxx numbers, some of the newer 1xxx series.
        base = (
            rng.randrange(10_000_000, 10_999_999)
            if rng.random() < 0.15
            else rng.randrange(4_000_000, 9_999_999)
        )
        kbo = kbo_from_base(base)
        if kbo not in used:
            used.add(kbo)
            return kbo


def _places():
    rows = list(
        Postcode.objects.filter(province__in=PROVINCES)
        .order_by("postcode", "municipality_nl")
        .values_list("postcode", "municipality_nl", "province")
    )
    if rows:
        return [_Place(*row) for row in rows], False
    return [_Place(*row) for row in FALLBACK_PLACES], True


def _place_for(places, postcode, municipality):
    for place in places:
        if place.postcode == postcode and place.municipality == municipality:
            return place
    return _Place(postcode, municipality, "Antwerpen")


def _legal_forms():
    forms = {
        form.abbreviation: form
        for form in LegalForm.objects.filter(
            abbreviation__in=LEGAL_FORM_WEIGHTS, in_use=True
        ).order_by("-code")
    }
    return [(forms[abbr], weight) for abbr, weight in LEGAL_FORM_WEIGHTS.items() if abbr in forms]


def _pick_legal_form(rng, legal_forms):
    if not legal_forms:
        return None
    choices, weights = zip(*legal_forms, strict=True)
    return rng.choices(choices, weights=weights)[0]


def _phone(rng, province):
    zone = rng.choice(PHONE_ZONES.get(province, ["2"]))
    while True:
        # Not every subscriber range of a zone is allocated: draw until the number is valid.
        number = f"+32{zone}{rng.randrange(10 ** (8 - len(zone) - 1), 10 ** (8 - len(zone)))}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number)):
            return number


def _mobile(rng):
    return f"+324{rng.choice('6789')}{rng.randrange(1_000_000, 9_999_999)}"


def _iban(rng):
    iban = IBAN.generate(
        "BE", bank_code=rng.choice(BANK_CODES), account_code=f"{rng.randrange(10**7):07d}"
    )
    return iban.compact, str(iban.bic)


def _topic(vakgebied):
    name = vakgebied.name
    if name in TOPIC_PHRASES:
        return TOPIC_PHRASES[name]
    return name if name.split()[0].isupper() else name[0].lower() + name[1:]


def _description(rng, *, name, kind, place, vakgebieden, contact):
    """A presentation from varied sentence pieces, at most DESCRIPTION_MAX_LENGTH characters."""
    sentences = [
        f"{name} is {kind} uit {place.municipality}.",
        rng.choice(OPENINGS).format(
            year=rng.randrange(1985, 2022),
            municipality=place.municipality,
            team=rng.randrange(3, 40),
        ),
    ]
    templates = rng.sample(TOPIC_SENTENCES, k=len(TOPIC_SENTENCES))
    for template, vakgebied in zip(templates, vakgebieden, strict=False):
        sentences.append(template.format(topic=_topic(vakgebied)))
    sentences += rng.sample(METHOD_SENTENCES, k=rng.randrange(1, 4))
    sentences.append(rng.choice(CLOSINGS).format(contact=contact))
    text = ""
    for sentence in sentences:
        candidate = f"{text} {sentence}".strip()
        if len(candidate) > DESCRIPTION_MAX_LENGTH:
            break
        text = candidate
    return text


def _generated_name(rng, place, used_names):
    if rng.random() < 0.5:
        word, kind = rng.choice(KINDS)
        where = rng.choice([rng.choice(REGIONS), place.municipality])
        name = f"{word} {where}"
    else:
        pattern, kind = rng.choice(FAMILY_PATTERNS)
        family, family2 = rng.sample(FAMILY_NAMES, k=2)
        name = pattern.format(family=family, family2=family2)
    if name in used_names:
        name = f"{name} {place.municipality}"
    used_names.add(name)
    return name, kind


def _kind_for(name):
    for word, kind in KINDS:
        if name.startswith(word):
            return kind
    return "een dienstverlener"


def _domain(name):
    return f"{slugify(name)}.example"


def _organisation_specs(count, places):
    """Plain dicts describing every demo organisation, in a stable order."""
    used_kbo = {kbo for kbo, _ in DEMO_ORGANISATIONS} | {DEMO_SME[0]}
    used_names = {name for _, name in DEMO_ORGANISATIONS} | {DEMO_SME[1]}
    specs = []
    for kbo, name in [*DEMO_ORGANISATIONS, DEMO_SME]:
        postcode, municipality, street, number = FIXED_ADDRESSES[kbo]
        specs.append(
            {
                "kbo": kbo,
                "name": name,
                "kind": _kind_for(name),
                "place": _place_for(places, postcode, municipality),
                "street": street,
                "house_number": number,
                "is_provider": kbo != DEMO_SME[0],
                # The first demo organisation shows an overview with several providers.
                "extra_providers": 2 if kbo == DEMO_ORGANISATIONS[0][0] else None,
                "vakgebieden": FIXED_VAKGEBIEDEN.get(kbo),
            }
        )
    for index in range(max(count - len(specs), 0)):
        rng = random.Random(f"{SEED}:organisation:{index}")  # noqa: S311 - demo data
        place = rng.choice(places)
        name, kind = _generated_name(rng, place, used_names)
        specs.append(
            {
                "kbo": _random_kbo(rng, used_kbo),
                "name": name,
                "kind": kind,
                "place": place,
                "street": rng.choice(STREETS),
                "house_number": str(rng.randrange(1, 250)),
                "is_provider": True,
                "extra_providers": None,
                "vakgebieden": None,
            }
        )
    return specs[:count] if count < len(specs) else specs


def _save(instance):
    """full_clean() then save; returns True when the row is new."""
    created = instance.pk is None
    instance.full_clean()
    instance.save()
    return created


def _provider_fields(
    rng, *, name, kind, place, street, house_number, vakgebieden_pool, person=None, slugs=None
):
    first, last = person or (rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES))
    domain = _domain(name)
    iban, bic = _iban(rng)
    chosen = rng.sample(vakgebieden_pool, k=min(rng.randrange(1, 5), len(vakgebieden_pool)))
    if slugs:
        # Drawn all the same: the draws after it stay what they were.
        chosen = [vakgebied for vakgebied in vakgebieden_pool if vakgebied.slug in slugs]
    fields = {
        "name": name,
        "country": "BE",
        "postcode": place.postcode,
        "municipality": place.municipality,
        "street": street,
        "house_number": house_number,
        "box": str(rng.randrange(1, 20)) if rng.random() < 0.15 else "",
        "phone": _phone(rng, place.province),
        "mobile": _mobile(rng) if rng.random() < 0.6 else "",
        "email": f"{slugify(first)}@{domain}" if rng.random() < 0.3 else f"info@{domain}",
        "website": f"https://www.{domain}",
        "contact_first_name": first,
        "contact_last_name": last,
        "iban": iban,
        "bic": bic,
        "description": _description(
            rng,
            name=name,
            kind=kind,
            place=place,
            vakgebieden=chosen,
            contact=f"{first} {last}",
        ),
    }
    return fields, chosen


def _upsert_provider(organisation, lookup, fields, vakgebieden):
    provider = ServiceProvider.objects.filter(organisation=organisation, **lookup).first()
    if provider is None:
        provider = ServiceProvider(organisation=organisation, **lookup)
    for name, value in fields.items():
        setattr(provider, name, value)
    created = _save(provider)
    provider.vakgebieden.set(vakgebieden)
    return created


def _load_organisation(spec, *, places, legal_forms, vakgebieden_pool, summary):
    rng = random.Random(f"{SEED}:details:{spec['kbo']}")  # noqa: S311 - demo data
    place = spec["place"]
    legal_form = _pick_legal_form(rng, legal_forms)
    organisation = Organisation.objects.filter(kbo_number=spec["kbo"]).first()
    if organisation is None:
        organisation = Organisation(kbo_number=spec["kbo"])
    organisation.name = spec["name"]
    organisation.legal_form = legal_form
    organisation.email = f"info@{_domain(spec['name'])}"
    organisation.country = "BE"
    organisation.postcode = place.postcode
    organisation.municipality = place.municipality
    organisation.street = spec["street"]
    organisation.house_number = spec["house_number"]
    summary.organisations += 1
    summary.organisations_created += _save(organisation)
    registered_office_sync(organisation=organisation)
    if not spec["is_provider"]:
        return

    fields, chosen = _provider_fields(
        rng,
        name=spec["name"],
        kind=spec["kind"],
        place=place,
        street=spec["street"],
        house_number=spec["house_number"],
        vakgebieden_pool=vakgebieden_pool,
        slugs=spec["vakgebieden"],
    )
    fields.update(kbo_number=organisation.kbo_number, legal_form=legal_form)
    summary.service_providers += 1
    summary.service_providers_created += _upsert_provider(
        organisation, {"type": ServiceProvider.Type.REGISTERED_OFFICE}, fields, chosen
    )

    extra = spec["extra_providers"]
    if extra is None:
        roll = rng.random()
        extra = 2 if roll < 0.04 else 1 if roll < 0.15 else 0
    dv_names = {spec["name"]}
    for _ in range(extra):
        dv_place = rng.choice(places)
        if rng.random() < 0.5:
            # An independent trainer working under the organisation: own enterprise number.
            person = (rng.choice(FIRST_NAMES), rng.choice(FAMILY_NAMES))
            name, kind = " ".join(person), "een zelfstandige lesgever en adviseur"
            kbo, dv_legal_form = _random_kbo(rng, set()), None
        else:
            person = None
            name, kind = f"{spec['name']} {dv_place.municipality}", spec["kind"]
            kbo, dv_legal_form = organisation.kbo_number, legal_form
        if name in dv_names:
            continue
        dv_names.add(name)
        fields, chosen = _provider_fields(
            rng,
            name=name,
            kind=kind,
            place=dv_place,
            street=rng.choice(STREETS),
            house_number=str(rng.randrange(1, 250)),
            vakgebieden_pool=vakgebieden_pool,
            person=person,
        )
        fields.update(kbo_number=kbo, legal_form=dv_legal_form)
        summary.service_providers += 1
        summary.service_providers_created += _upsert_provider(
            organisation,
            {"type": ServiceProvider.Type.PROVIDER, "name": name},
            fields,
            chosen,
        )


# Demo-only credentials, printed by the command; never load demo data in production.
# Staff work through the roles of portal.roles: `medewerker` reviews registrations,
# processes dossiers and verifies bank accounts; `auditor` only looks.
DEMO_STAFF = [
    {
        "username": "admin",
        "password": "admin",
        "is_superuser": True,
        "first_name": "Beheerder",
        "roles": (),
    },
    {
        "username": "medewerker",
        "password": "medewerker",
        "is_superuser": False,
        "first_name": "Medewerker",
        "roles": (REVIEWER, PROCESSOR, VERIFIER),
    },
    {
        "username": "auditor",
        "password": "auditor",
        "is_superuser": False,
        "first_name": "Auditor",
        "roles": (AUDITOR,),
    },
]
# The catch-all group earlier demo data gave `medewerker` (view and change on almost
# every model): removed, so that an older development database loses those rights.
FORMER_STAFF_GROUP = "VLAIO-medewerkers"
DEMO_EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def _load_staff(summary):
    # The migration made the role groups; a flushed database (tests) has lost them.
    staff_roles_sync()
    Group.objects.filter(name=FORMER_STAFF_GROUP).delete()
    User = get_user_model()
    for account in DEMO_STAFF:
        user, created = User.objects.get_or_create(username=account["username"])
        user.first_name = account["first_name"]
        user.last_name = "VLAIO"
        user.is_staff = True
        user.is_superuser = account["is_superuser"]
        user.is_active = True
        user.set_password(account["password"])
        user.save()
        user.groups.set(Group.objects.filter(name__in=[role.name for role in account["roles"]]))
        user.user_permissions.clear()
        if created:
            summary.staff_created.append(account["username"])


@contextlib.contextmanager
def _quiet_logs():
    """Only warnings and errors are logged inside the block."""
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(previous)


def demo_data_load(*, organisations=200):
    """Create or update the demo organisations, service providers, staff accounts,
    registrations and subsidy dossiers (demo.projects, with the demo SMEs it adds).

    One transaction: a failure leaves the database as it was. Records are found
    again by KBO number (and provider type/name, a dossier by client and title), so a
    second run creates nothing.
    """
    summary = DemoDataSummary()
    # The demo dossiers' steps mail the parties like any other (core.mail's outbox keeps
    # them), but two years of made-up history is not news: this process delivers them
    # nowhere, and does not log each of them. (A separate worker, with a broker, delivers
    # them to its mail server.)
    with (
        override_settings(EMAIL_BACKEND=DEMO_EMAIL_BACKEND),
        _quiet_logs(),
        transaction.atomic(),
    ):
        places, summary.used_fallback_places = _places()
        legal_forms = _legal_forms()
        vakgebieden_pool = list(Vakgebied.objects.order_by("slug"))
        specs = _organisation_specs(organisations, places)
        for spec in specs:
            _load_organisation(
                spec,
                places=places,
                legal_forms=legal_forms,
                vakgebieden_pool=vakgebieden_pool,
                summary=summary,
            )
        _load_staff(summary)
        summary.registrations, summary.registrations_created = registrations_demo_load(
            kbo_numbers=[spec["kbo"] for spec in specs if spec["is_provider"]],
            seed=SEED,
            staff=get_user_model().objects.get(username="medewerker"),
        )
        projects = projects_demo_load()
        summary.projects, summary.projects_created = projects.projects, projects.projects_created
    return summary
