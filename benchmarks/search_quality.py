"""The public search's judged query set: what a Dutch speaker means, and what comes back.

A small directory of providers written the way the portal writes them (organisation,
registered office, provider, vakgebieden, approved registrations), and more than forty
queries a visitor types, each with the complete set of providers that answer it. The
corpus is small on purpose: every provider is judged for every query, so a provider
that comes back and is not in a query's set counts against precision.

`manage.py search_quality` builds the corpus in a throwaway test database and prints
recall and precision per query and overall (docs/search.md);
tests/directory/test_search_quality.py asserts floors on both.

Judgements follow what the visitor means, not what the search does today:
- a word finds the compounds that contain it ("advies" → "Adviesbureau"), a compound
  finds its parts written apart ("opleidingscentrum" → "centrum voor opleidingen");
- "advies" and "opleiding" are words of the scheme: they also find every provider
  registered for that service type; a vakgebied's name finds those active in it;
- a typo finds what the word means, never a place that happens to look like it;
- a place name finds the providers with an active establishment there;
- a KBO or registration number finds that one provider.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from demo.providers import kbo_from_base
from directory.index import search_documents_rebuild
from directory.places import place_resolve
from directory.query import Sort
from directory.selectors import provider_search
from establishments.services import registered_office_sync
from organisations.models import Organisation
from providers.models import ServiceProvider, Vakgebied
from registrations.models import Registration

ADVICE, TRAINING = "A", "O"


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    postcode: str
    municipality: str
    description: str
    vakgebieden: tuple = ()
    types: tuple = (TRAINING,)
    listed: bool = True


CORPUS = (
    Provider(
        "deerlijk",
        "Adviesbureau Deerlijk",
        "8540",
        "Deerlijk",
        "Wij begeleiden kmo's bij hun strategie en hun groei.",
        ("Organisatie en kwaliteit",),
        (ADVICE,),
    ),
    Provider(
        "leie",
        "Opleidingscentrum Leie",
        "8500",
        "Kortrijk",
        "Praktijkgerichte cursussen voor vakmensen in de metaal en de bouw.",
        ("Productie",),
    ),
    Provider(
        "dender",
        "Vormingscentrum Dender",
        "9300",
        "Aalst",
        "Cursussen leidinggeven en communicatie voor ploegbazen.",
        ("Algemene persoonlijke vaardigheden",),
    ),
    Provider(
        "peeters",
        "Boekhoudkantoor Peeters",
        "2000",
        "Antwerpen",
        "Fiscaal en financieel advies voor zelfstandigen en vennootschappen.",
        ("Administratie en financiën",),
        (ADVICE,),
    ),
    Provider(
        "brugge",
        "Centrum voor Opleidingen Brugge",
        "8000",
        "Brugge",
        "Opleidingen brandpreventie, veiligheid en eerste hulp op de werkvloer.",
        ("Milieu en veiligheid",),
    ),
    Provider(
        "cyber",
        "CyberVeilig Leuven",
        "3000",
        "Leuven",
        "Cyberbeveiliging en informatiebeveiliging: cybersecurity-audits en penetratietesten.",
        ("ICT",),
        (ADVICE, TRAINING),
    ),
    Provider(
        "taal",
        "Taalcentrum Mechelen",
        "2800",
        "Mechelen",
        "Taalopleidingen Frans, Engels en Duits voor uw medewerkers.",
        ("Talen",),
    ),
    Provider(
        "marketing",
        "Marketingbureau Noord",
        "2900",
        "Schoten",
        "Online marketing, sociale media en webwinkels.",
        ("Marketing, communicatie en verkoop",),
        (ADVICE,),
    ),
    Provider(
        "energie",
        "Energieadviesbureau Kempen",
        "2440",
        "Geel",
        "Energieaudits, energiebesparing en warmtepompen voor kmo's.",
        ("Energie",),
        (ADVICE,),
    ),
    Provider(
        "boekhouding",
        "Trainingen Boekhouding Hasselt",
        "3500",
        "Hasselt",
        "Een opleiding boekhouding voor beginners, klassikaal of online.",
        ("Administratie en financiën",),
    ),
    Provider(
        "logistiek",
        "Logistiek Advies Partners",
        "8000",
        "Brugge",
        "Magazijnbeheer, transport en vlootbeheer.",
        ("Transport en logistiek",),
        (ADVICE,),
    ),
    Provider(
        "hr",
        "HR Consult Vlaanderen",
        "1000",
        "Brussel",
        "Personeelsbeleid, rekrutering en verloning.",
        ("HRM",),
        (ADVICE,),
    ),
    Provider(
        "juridisch",
        "Juridisch Kantoor De Wit",
        "9000",
        "Gent",
        "Contracten, algemene voorwaarden en ondernemingsrecht.",
        ("Juridisch",),
        (ADVICE,),
    ),
    Provider(
        "vca",
        "Veiligheidsopleidingen Limburg",
        "3600",
        "Genk",
        "VCA-opleidingen en heftruckcursussen.",
        ("Milieu en veiligheid",),
    ),
    Provider(
        "design",
        "Ontwerpstudio Lijn",
        "2000",
        "Antwerpen",
        "Productontwerp en conceptontwikkeling van prototype tot reeks.",
        ("Conceptontwikkeling design",),
        (ADVICE,),
    ),
    Provider(
        "overname",
        "Overnamehuis Vlaanderen",
        "9000",
        "Gent",
        "Begeleiding bij een bedrijfsovername of de opvolging in een familiebedrijf.",
        ("Opvolging en overname",),
        (ADVICE,),
    ),
    Provider(
        "kwaliteit",
        "Kwaliteitscentrum Oost",
        "9300",
        "Aalst",
        "ISO-certificering en kwaliteitszorg.",
        ("Organisatie en kwaliteit",),
        (ADVICE, TRAINING),
    ),
    Provider(
        "welzijn",
        "Welzijnsacademie",
        "3000",
        "Leuven",
        "Workshops over stress en het voorkomen van burn-out.",
        ("Welzijn en gezondheid",),
    ),
    Provider(
        "horeca",
        "Horeca Academie Kust",
        "8400",
        "Oostende",
        "Gastvrijheid en horecaopleidingen voor zaal en keuken.",
        ("Toeristische dienstverlening",),
    ),
    Provider(
        "ict",
        "ICT Academie Gent",
        "9000",
        "Gent",
        "Programmeren, netwerken en de cloud.",
        ("ICT",),
    ),
    Provider(
        "verkoop",
        "Verkooptraining Kortrijk",
        "8500",
        "Kortrijk",
        "Verkooptechnieken en onderhandelen met aankopers.",
        ("Marketing, communicatie en verkoop",),
    ),
    Provider(
        "coaching",
        "Coachingbureau Mechelen",
        "2800",
        "Mechelen",
        "Coaching van leidinggevenden en teams.",
        ("Algemene persoonlijke vaardigheden",),
    ),
    Provider(
        "techniek",
        "Studiebureau Techniek",
        "3500",
        "Hasselt",
        "Technologieverkenning en innovatie in de maakindustrie.",
        ("Technologieverkenning",),
        (ADVICE,),
    ),
    Provider(
        "export",
        "Exportcentrum Antwerpen",
        "2000",
        "Antwerpen",
        "Internationaal ondernemen: douane, Incoterms en buitenlandse markten.",
        ("Marketing, communicatie en verkoop",),
        (TRAINING,),
    ),
    Provider(
        "verpakking",
        "Bureau Van Damme",
        "9000",
        "Gent",
        "Een bureau voor advies over verpakking en etikettering.",
        ("Productie",),
        (ADVICE,),
    ),
    Provider(
        "hout",
        "Houtatelier Boekhoute",
        "9961",
        "Boekhoute",
        "Cursussen houtbewerking en meubelmaken.",
        ("Productie",),
    ),
    Provider(
        "milieu",
        "Milieuadvies Dender",
        "9300",
        "Aalst",
        "Milieuvergunningen en afvalbeheer.",
        ("Milieu en veiligheid",),
        (ADVICE,),
    ),
    Provider(
        "talen_gent",
        "Language Lab Gent",
        "9000",
        "Gent",
        "Zakelijk Engels en Nederlands als tweede taal.",
        ("Talen",),
    ),
    # Never listed: a lapsed provider that says everything a visitor might type.
    Provider(
        "verlopen",
        "Verlopen Adviesbureau Gent",
        "9000",
        "Gent",
        "Opleidingen en advies over boekhouding.",
        ("Administratie en financiën",),
        (ADVICE, TRAINING),
        listed=False,
    ),
)

BY_KEY = {provider.key: provider for provider in CORPUS}
LISTED = frozenset(provider.key for provider in CORPUS if provider.listed)


def _registered_for(service_type):
    return frozenset(p.key for p in CORPUS if p.listed and service_type in p.types)


def _active_in(vakgebied):
    return frozenset(p.key for p in CORPUS if p.listed and vakgebied in p.vakgebieden)


def _in(municipality):
    return frozenset(p.key for p in CORPUS if p.listed and p.municipality == municipality)


REGISTERED_FOR_ADVICE = _registered_for(ADVICE)
REGISTERED_FOR_TRAINING = _registered_for(TRAINING)
# Providers whose text says advice or training, whatever they are registered for.
SAYS_ADVICE = frozenset({"peeters", "verpakking", "logistiek", "energie", "milieu", "deerlijk"})
SAYS_TRAINING = frozenset({"leie", "brugge", "taal", "boekhouding", "vca", "horeca"})


@dataclass(frozen=True)
class Query:
    """A search as a visitor types it and the complete set of providers that answer it.

    `text` goes to the text field; `place` (a postcode or municipality) with
    `radius_km`, `types` and `vakgebieden` are the filters; `kind` groups the queries
    in the report.
    """

    text: str
    relevant: frozenset
    kind: str
    place: str | None = None
    radius_km: int | None = None
    types: tuple = ()
    vakgebieden: tuple = ()
    note: str = ""
    not_relevant: frozenset = field(default_factory=frozenset)

    @property
    def label(self):
        filters = [f"plaats={self.place}" if self.place else ""]
        filters += [f"straal={self.radius_km}" if self.radius_km is not None else ""]
        filters += [f"type={t}" for t in self.types]
        filters += [f"vakgebied={v}" for v in self.vakgebieden]
        return " ".join(part for part in [repr(self.text), *filters] if part)


def _q(text, relevant, kind, **options):
    return Query(text=text, relevant=frozenset(relevant), kind=kind, **options)


QUERIES = (
    # One word that many compounds contain.
    _q("advies", REGISTERED_FOR_ADVICE | SAYS_ADVICE, "scheme word"),
    _q("adviezen", REGISTERED_FOR_ADVICE | SAYS_ADVICE, "scheme word"),
    _q("opleiding", REGISTERED_FOR_TRAINING | SAYS_TRAINING, "scheme word"),
    _q("opleidingen", REGISTERED_FOR_TRAINING | SAYS_TRAINING, "scheme word"),
    _q(
        "bureau",
        {"deerlijk", "marketing", "energie", "coaching", "techniek", "verpakking"},
        "part",
    ),
    _q("centrum", {"leie", "dender", "brugge", "taal", "kwaliteit", "export"}, "part"),
    _q("academie", {"welzijn", "horeca", "ict"}, "part"),
    _q("cursus", {"leie", "dender", "vca", "hout"}, "part"),
    _q("beveiliging", {"cyber"}, "part"),
    # "CyberVeilig": safe, as on-line safety is.
    _q("veiligheid", {"brugge", "vca", "cyber"} | _active_in("Milieu en veiligheid"), "part"),
    _q("personeel", {"hr"}, "part"),
    _q("heftruck", {"vca"}, "part"),
    _q("boekhouding", {"peeters", "boekhouding"}, "part", not_relevant={"hout"}),
    _q("overname", {"overname"}, "part"),
    # Compounds, also when the text writes the parts apart.
    # A part that is a word of the scheme keeps that meaning: an "opleidingscentrum" is a
    # centre registered for training, an "adviesbureau" a bureau registered for advice.
    _q(
        "opleidingscentrum",
        {"leie", "dender", "brugge", "taal", "kwaliteit", "export"},
        "compound",
    ),
    _q("adviesbureau", {"deerlijk", "marketing", "energie", "techniek", "verpakking"}, "compound"),
    _q("boekhoudkantoor", {"peeters"}, "compound"),
    _q("cyberbeveiliging", {"cyber"}, "compound"),
    _q("bedrijfsovername", {"overname"}, "compound"),
    _q("kwaliteitszorg", {"kwaliteit"}, "compound"),
    _q("taalopleiding", {"taal", "talen_gent"}, "compound"),
    _q("energieadvies", {"energie"}, "compound"),
    _q("verkooptechniek", {"verkoop"}, "compound"),
    # The word being typed.
    _q("cyberb", {"cyber"}, "prefix"),
    _q("verkooptr", {"verkoop"}, "prefix"),
    _q("bedrijfsov", {"overname"}, "prefix"),
    _q("cursus houtb", {"hout"}, "prefix"),
    # Typos: towards the words of the directory, never into a place.
    _q("adveis", REGISTERED_FOR_ADVICE | SAYS_ADVICE, "typo"),
    _q("boekhoudng", {"peeters", "boekhouding"}, "typo", not_relevant={"hout"}),
    _q("opleidnig", REGISTERED_FOR_TRAINING | SAYS_TRAINING, "typo"),
    _q("marekting", _active_in("Marketing, communicatie en verkoop") | {"marketing"}, "typo"),
    _q("coachnig", {"coaching"}, "typo"),
    # Vakgebieden by name.
    _q("talen", _active_in("Talen"), "vakgebied"),
    _q("ICT", _active_in("ICT"), "vakgebied"),
    _q("HRM", _active_in("HRM"), "vakgebied"),
    _q("energie", _active_in("Energie"), "vakgebied"),
    _q("marketing", _active_in("Marketing, communicatie en verkoop"), "vakgebied"),
    _q("juridisch", _active_in("Juridisch"), "vakgebied"),
    # Several words: every word must match.
    _q("opleiding boekhouding", {"boekhouding"}, "words"),
    _q("advies energie", {"energie"}, "words"),
    _q("horeca opleidingen", {"horeca"}, "words"),
    _q("frans engels", {"taal"}, "words"),
    # Place names typed as text, and the place filter.
    _q("Gent", _in("Gent"), "place"),
    _q("Kortrijk", _in("Kortrijk"), "place"),
    _q("Deerlijk", {"deerlijk"}, "place"),
    _q("", _in("Gent"), "place", place="9000", radius_km=0),
    _q("opleiding", {"leie", "verkoop"}, "place", place="Kortrijk", radius_km=10),
    _q("advies", {"dender", "kwaliteit", "milieu"} & REGISTERED_FOR_ADVICE, "place", place="9300"),
    # Identifiers, looked up exactly.
    _q("{kbo:cyber}", {"cyber"}, "identifier"),
    _q("{kbo_be:taal}", {"taal"}, "identifier"),
    _q("{registration:hr}", {"hr"}, "identifier"),
    _q("{kbo:verlopen}", set(), "identifier", note="an unlisted provider is never found"),
    # Filters with text.
    _q("academie", {"welzijn", "horeca", "ict"}, "filter", types=(TRAINING,)),
    _q("advies", {"kwaliteit", "cyber"}, "filter", types=(TRAINING,), note="text says it, or A"),
)


# --- The corpus in the database ----------------------------------------------------


def _kbo(index):
    return kbo_from_base(7_700_000 + index)


def corpus_numbers():
    """{key: {"kbo": ..., "kbo_be": ..., "registration": ...}} of the corpus."""
    numbers = {}
    for index, provider in enumerate(CORPUS):
        kbo = _kbo(index)
        numbers[provider.key] = {
            "kbo": f"{kbo[:4]}.{kbo[4:7]}.{kbo[7:]}",
            "kbo_be": f"BE{kbo}",
            "registration": f"DV.{provider.types[0]}{900_000 + index:06d}",
        }
    return numbers


@transaction.atomic
def build_corpus():
    """Write the corpus (providers in force from a month ago); returns {key: provider pk}."""
    today = timezone.localdate()
    valid_from = today - datetime.timedelta(days=30)
    declarant, _ = get_user_model().objects.get_or_create(
        username="search-quality", defaults={"first_name": "Zoek", "last_name": "Kwaliteit"}
    )
    vakgebieden = {v.name: v for v in Vakgebied.objects.all()}
    numbers = corpus_numbers()
    pks = {}
    for index, spec in enumerate(CORPUS):
        kbo = _kbo(index)
        address = {
            "country": "BE",
            "postcode": spec.postcode,
            "municipality": spec.municipality,
            "street": "Kerkstraat",
            "house_number": str(index + 1),
        }
        email = f"info@{spec.key}.example"
        organisation = Organisation.objects.create(
            kbo_number=kbo, name=spec.name, email=email, **address
        )
        registered_office_sync(organisation=organisation)
        provider = ServiceProvider.objects.create(
            organisation=organisation,
            type=ServiceProvider.Type.REGISTERED_OFFICE,
            name=spec.name,
            kbo_number=kbo,
            email=email,
            description=spec.description,
            **address,
        )
        provider.vakgebieden.set([vakgebieden[name] for name in spec.vakgebieden])
        for position, service_type in enumerate(spec.types):
            starts = valid_from if spec.listed else valid_from - datetime.timedelta(days=6 * 365)
            Registration.objects.create(
                service_provider=provider,
                service_type=service_type,
                status=Registration.Status.APPROVED,
                number=numbers[spec.key]["registration"]
                if position == 0
                else f"DV.{service_type}{950_000 + index:06d}",
                valid_from=starts,
                valid_until=starts + datetime.timedelta(days=5 * 365),
                decided_at=timezone.now(),
                audit_body="Auditbureau Kwaliteit Vlaanderen",
                audit_date=starts - datetime.timedelta(days=30),
                audit_report="registrations/audit-reports/search-quality.pdf",
                audit_report_name="auditrapport.pdf",
                declaration_text="Ik verklaar op eer dat de gegevens volledig en juist zijn.",
                declared_by=declarant,
                declared_by_name="Zoek Kwaliteit",
                declared_at=timezone.now(),
            )
        pks[spec.key] = provider.pk
    search_documents_rebuild()
    return pks


# --- Judging ---------------------------------------------------------------------


@dataclass(frozen=True)
class Judgement:
    query: Query
    found: frozenset
    text: str

    @property
    def hits(self):
        return self.found & self.query.relevant

    @property
    def recall(self):
        return len(self.hits) / len(self.query.relevant) if self.query.relevant else 1.0

    @property
    def precision(self):
        return len(self.hits) / len(self.found) if self.found else 1.0

    @property
    def missed(self):
        return self.query.relevant - self.found

    @property
    def wrong(self):
        return self.found - self.query.relevant


def query_text(query, numbers=None):
    """The text as typed, with a corpus provider's number filled in."""
    numbers = numbers or corpus_numbers()
    if query.text.startswith("{") and query.text.endswith("}"):
        kind, key = query.text[1:-1].split(":")
        return numbers[key][kind]
    return query.text


def run(query, pks, *, text_search=None, numbers=None):
    """The keys of every provider the search returns for `query` (all pages)."""
    keys = {pk: key for key, pk in pks.items()}
    text = query_text(query, numbers)
    place = place_resolve(query.place) if query.place else None
    if query.place and place is None:
        raise ValueError(f"Unknown place {query.place!r} in the judged set.")
    vakgebied_slugs = tuple(
        Vakgebied.objects.filter(name__in=query.vakgebieden).values_list("slug", flat=True)
    )
    result = provider_search(
        text=text,
        vakgebieden=vakgebied_slugs,
        service_types=query.types,
        place=place,
        radius_km=query.radius_km,
        sort=Sort.RELEVANCE,
        text_search=text_search,
    )
    found = frozenset(keys.get(pk, f"#{pk}") for pk, _nearness, _total in result.ranking)
    return Judgement(query=query, found=found, text=text)


def judge(pks, *, queries=QUERIES, text_search=None):
    numbers = corpus_numbers()
    return [run(query, pks, text_search=text_search, numbers=numbers) for query in queries]


@dataclass(frozen=True)
class Summary:
    recall: float
    precision: float
    micro_recall: float
    micro_precision: float
    queries: int


def summarise(judgements):
    """Mean recall and precision over the queries (macro) and over all hits (micro)."""
    count = len(judgements)
    relevant = sum(len(j.query.relevant) for j in judgements)
    found = sum(len(j.found) for j in judgements)
    hits = sum(len(j.hits) for j in judgements)
    return Summary(
        recall=sum(j.recall for j in judgements) / count,
        precision=sum(j.precision for j in judgements) / count,
        micro_recall=hits / relevant if relevant else 1.0,
        micro_precision=hits / found if found else 1.0,
        queries=count,
    )


def report(judgements, *, title):
    """The table the command prints: one line per query, then the totals."""
    lines = [title, ""]
    width = max(len(j.query.label) for j in judgements)
    lines.append(f"{'query':<{width}}  {'kind':<10} {'recall':>6} {'precision':>9}  remarks")
    for j in judgements:
        remarks = []
        if j.missed:
            remarks.append("missed " + ", ".join(sorted(j.missed)))
        if j.wrong:
            remarks.append("wrong " + ", ".join(sorted(j.wrong)))
        lines.append(
            f"{j.query.label:<{width}}  {j.query.kind:<10} {j.recall:>6.0%} "
            f"{j.precision:>9.0%}  {'; '.join(remarks)}"
        )
    summary = summarise(judgements)
    lines += [
        "",
        f"{summary.queries} queries: recall {summary.recall:.1%}, precision "
        f"{summary.precision:.1%} (mean per query); over all hits: recall "
        f"{summary.micro_recall:.1%}, precision {summary.micro_precision:.1%}",
    ]
    return "\n".join(lines)
