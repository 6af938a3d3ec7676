"""The public search's selector (directory.selectors), criterion by criterion and in
combination, on a small directory (tests/directory/search_support.py).

On PostgreSQL every search runs twice: with PostgreSQL's own full-text search
and with the portable search that SQLite uses, and both must give the same
providers. On SQLite the portable search runs.
"""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.providers import demo_data_load
from directory import query, spelling
from directory.identifiers import kbo_number_from
from directory.index import search_documents_rebuild
from directory.matching import text_matcher
from directory.models import ProviderSearchDocument, SearchWord
from directory.selectors import (
    PAGE_SIZE,
    SearchResult,
    Sort,
    place_resolve,
    provider_search,
    public_provider,
)
from establishments.models import Establishment
from establishments.services import establishment_deactivate, establishment_reactivate
from providers.models import ServiceProvider, Vakgebied
from providers.services import service_provider_save
from registrations.selectors import parse_registration_number
from tests.directory.search_support import (
    LISTED,
    TRAINER_KBO,
    keys,
    names,
    provider,
    provider_user,
    register,
    registration_of,
)
from tests.factories import OrganisationFactory
from tests.providers.conftest import step1_data

pytestmark = pytest.mark.django_db

ENGINES = ["portable"] + (["postgresql"] if connection.vendor == "postgresql" else [])


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


def found(corpus, engine, **criteria):
    page = provider_search(text_search=engine, **criteria).page(1, per_page=100)
    return keys(corpus, page.object_list)


def ordered(corpus, engine, **criteria):
    page = provider_search(text_search=engine, **criteria).page(1, per_page=100)
    by_pk = {value.pk: key for key, value in corpus.items()}
    return [by_pk[item.pk] for item in page.object_list]


# --- Who is listed ---------------------------------------------------------------


def test_without_criteria_it_lists_every_listed_provider_by_name(corpus, engine):
    assert ordered(corpus, engine) == [
        "leie",
        "cafe",
        "digitaal",
        "energie",
        "leie_trainer",
        "logistiek",
        "taal",
        "schelde",
    ]


def test_lapsed_suspended_and_pending_registrations_are_never_listed(corpus, engine):
    everything = found(corpus, engine, text="boekhouding advies gent")
    assert not everything & {"lapsed", "suspended", "pending"}
    assert not found(corpus, engine, text="verlopen")
    assert not found(corpus, engine, text="geschorst")
    assert not found(corpus, engine, text="aangevraagd")


def test_a_registration_that_starts_later_lists_the_provider_from_that_day(corpus, engine):
    start = timezone.localdate() + datetime.timedelta(days=10)
    corpus["later"] = provider("Toekomst Opleidingen", types=())
    register(corpus["later"], "O", valid_from=start)

    assert "later" not in found(corpus, engine, text="toekomst")
    assert found(corpus, engine, text="toekomst", on=start) == {"later"}


def test_a_registration_that_lapses_takes_the_provider_out_the_next_day(corpus, engine):
    valid_until = registration_of(corpus["schelde"]).valid_until

    assert found(corpus, engine, text="schelde", on=valid_until) == {"schelde"}
    assert not found(corpus, engine, text="schelde", on=valid_until + datetime.timedelta(days=1))


# --- Free text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Schelde", {"schelde"}),
        ("fiscaliteit", {"schelde"}),
        ("Hasselt", {"energie"}),
        ("Ledeberg", {"leie", "leie_trainer"}),
        ("talen", {"taal", "leie_trainer"}),
        ("advies marketing", {"leie"}),
        ("advies taalhuis", set()),
        ("xylofoon", set()),
    ],
)
def test_free_text_searches_name_presentation_vakgebieden_and_places(
    corpus, engine, text, expected
):
    assert found(corpus, engine, text=text) == expected


def test_a_municipality_also_finds_establishments_in_its_deelgemeenten(corpus, engine):
    # Café Academie is in 9000 Gent, Adviesbureau Leie has a branch in Ledeberg (Gent);
    # the Gent branch of Logistiek Partners is deactivated.
    assert found(corpus, engine, text="gent") == {"cafe", "leie", "leie_trainer"}


@pytest.mark.parametrize("text", ["café", "cafe", "CAFÉ", "Cafe Académie"])
def test_free_text_ignores_accents_and_case(corpus, engine, text):
    assert found(corpus, engine, text=text) == {"cafe"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "Zelfstandige lesgever verkooptechnieken" in Jens Lauwers' presentation.
        ("zelfstandig", {"leie_trainer"}),
        ("lesgevers", {"leie_trainer"}),
        ("verkooptechniek", {"leie_trainer"}),
        ("Cyberbeveiliging", {"digitaal"}),
    ],
)
def test_dutch_stemming_finds_other_forms_of_a_word(corpus, engine, text, expected):
    assert found(corpus, engine, text=text) == expected


@pytest.mark.parametrize("text", ["opleidingen", "opleiding", "Opleidingen", "trainingen"])
def test_a_word_of_the_scheme_finds_every_provider_registered_for_it(corpus, engine, text):
    # "opleidingen" is only in Schelde's presentation and "opleiding" in Café Academie's,
    # but every provider registered for training (O) offers what the visitor means.
    assert found(corpus, engine, text=text) == {
        "schelde",
        "cafe",
        "leie_trainer",
        "digitaal",
        "taal",
    }


def test_a_word_finds_the_compounds_that_contain_it_and_a_compound_its_parts(corpus, engine):
    # "Adviesbureau Leie"; "Energieaudit" in Energie Advies Limburg's presentation.
    assert "leie" in found(corpus, engine, text="bureau")
    assert found(corpus, engine, text="audit") == {"energie"}
    # Neither says "energieadvies": "Energie Advies Limburg" has both parts.
    assert found(corpus, engine, text="energieadvies") == {"energie"}


@pytest.mark.parametrize(
    ("typo", "expected", "correction"),
    [
        ("boekhoudnig", {"schelde"}, "boekhouding"),
        ("vormingscentrm", {"schelde"}, "vormingscentrum"),
        ("cyberbeveliging", {"digitaal"}, "cyberbeveiliging"),
    ],
)
def test_a_small_typo_is_corrected_and_said_so(corpus, engine, typo, expected, correction):
    result = provider_search(text=typo, text_search=engine)

    assert keys(corpus, result.page(1).object_list) == expected
    (term,) = result.corrected_terms
    assert term.word == typo
    assert correction in [word for word, _lexeme in term.alternatives]


def test_a_correctly_spelt_word_is_not_corrected(corpus, engine):
    assert provider_search(text="boekhouding", text_search=engine).corrected_terms == []


@pytest.mark.parametrize(
    "words",
    [
        ["boekhoudng"],  # a typo of the corpus's words
        ["vormingscentrm", "opleidnig"],  # two, of other lengths
        ["opleidnig", "boekhoudng"],  # the same shape as the two before: compiled once
        ["aaaaaaaa"],  # one trigram over and over
        ["100%_boek"],  # what a LIKE pattern escapes
    ],
)
def test_the_typo_scan_is_compiled_once_per_shape_and_finds_what_the_orm_finds(
    corpus, engine, words
):
    use_trigram_index = text_matcher(engine).use_trigram_index
    arguments = (tuple(words), use_trigram_index)

    rows = spelling._typo_vocabulary(words, use_trigram_index=use_trigram_index)

    assert sorted(rows) == sorted(spelling._typo_statement(None, arguments))
    assert not spelling._TYPO_VOCABULARY.uncompiled
    if words[0] == "boekhoudng":
        assert "boekhouding" in {row[0] for row in rows}


def test_searches_with_typos_of_one_shape_compile_the_typo_scan_once(corpus, engine):
    spelling._TYPO_VOCABULARY.forget()
    for typo in ("boekhoudng", "opleidnig", "vormingscentrm"):
        assert provider_search(text=typo, text_search=engine).corrected_terms
    compiled = spelling._TYPO_VOCABULARY._compiled.cache_info()
    # The portable scan's shape has the word's length (its trigrams): 10, 9 and 14 letters.
    assert compiled.currsize == (1 if engine == "postgresql" else 3)


def vocabulary_queries(text, **criteria):
    """The SQL that a search for `text` asks of the vocabulary (SearchWord)."""
    with CaptureQueriesContext(connection) as queries:
        provider_search(text=text, **criteria)
    return [query["sql"] for query in queries if SearchWord._meta.db_table in query["sql"]]


@pytest.mark.parametrize(
    "text",
    [
        "boekhouding",  # a word of the vocabulary
        "boekhouding fiscaliteit gent",  # several, and a place
        "opleidingen",  # a word of the scheme
        "energieadviesbureau",  # a compound whose parts are known
        "boekhouding boekh",  # the last word is being typed: its completions
    ],
)
def test_known_words_cost_one_lookup_and_no_typo_scan(corpus, engine, text):
    (sql,) = vocabulary_queries(text, text_search=engine)
    # The typo scan compares lengths (and on PostgreSQL trigrams); the lookup does not.
    assert "LENGTH(" not in sql.upper()
    assert provider_search(text=text, text_search=engine).corrected_terms == []


def test_only_a_typo_is_scanned_for_the_words_it_may_be_misspelt_from(corpus, engine):
    lookup, scan = vocabulary_queries("fiscaliteit boekhoudnig", text_search=engine)

    assert "LENGTH(" not in lookup.upper()
    assert "LENGTH(" in scan.upper()
    # Candidates share the first two letters with the typo, not with the known word.
    assert "bo%" in scan
    assert "fi%" not in scan


def test_words_searched_as_typed_are_not_scanned_for_typos(corpus, engine):
    (sql,) = vocabulary_queries("boekhoudnig", text_search=engine, correct=False)
    assert "LENGTH(" not in sql.upper()


def test_stop_words_alone_search_nothing_in_particular(corpus, engine):
    assert found(corpus, engine, text="de het en") == LISTED


def test_relevance_puts_a_match_in_the_name_first(corpus, engine):
    # The whole word in the name, then a part of the name's compound ("Adviesbureau"),
    # then the other providers registered for advice, by name.
    assert ordered(corpus, engine, text="advies") == ["energie", "leie", "cafe", "logistiek"]


# --- KBO and registration numbers -------------------------------------------------


def test_kbo_number_in_any_notation_finds_the_organisations_providers(corpus, engine):
    kbo = corpus["schelde"].organisation.kbo_number
    for notation in (kbo, f"{kbo[:4]}.{kbo[4:7]}.{kbo[7:]}", f"BE {kbo}", f"BE{kbo[1:]}", kbo[1:]):
        assert found(corpus, engine, text=notation) == {"schelde"}, notation
    kbo = corpus["leie"].organisation.kbo_number
    assert found(corpus, engine, text=kbo) == {"leie", "leie_trainer"}


def test_a_providers_own_kbo_number_finds_it(corpus, engine):
    assert found(corpus, engine, text=TRAINER_KBO) == {"leie_trainer"}


def test_the_kbo_number_of_an_unlisted_provider_finds_nothing(corpus, engine):
    assert not found(corpus, engine, text=corpus["lapsed"].organisation.kbo_number)


def test_registration_number_in_any_notation_finds_the_provider(corpus, engine):
    number = registration_of(corpus["cafe"], "A").number  # DV.A000123
    digits = number[4:]
    for notation in (number, number.lower(), f"DV A {digits}", f"DVA{int(digits)}"):
        assert found(corpus, engine, text=notation) == {"cafe"}, notation


def test_a_lapsed_or_suspended_registration_number_finds_nothing(corpus, engine):
    assert not found(corpus, engine, text=registration_of(corpus["lapsed"]).number)
    assert not found(corpus, engine, text=registration_of(corpus["suspended"], "A").number)


def test_numbers_are_recognised_in_their_notations():
    assert kbo_number_from("BE 0200.000.142") == "0200000142"
    assert kbo_number_from("200000142") == "0200000142"
    assert kbo_number_from("0200.000.143") is None
    assert kbo_number_from("opleiding") is None
    assert parse_registration_number("dv.o000123") == "DV.O000123"
    assert parse_registration_number("DV A 45") == "DV.A000045"
    assert parse_registration_number("DV.X000001") is None


# --- Filters -------------------------------------------------------------------------


def test_one_vakgebied(corpus, engine):
    assert found(corpus, engine, vakgebieden=["talen"]) == {"taal", "leie_trainer"}


def test_several_vakgebieden_find_providers_in_any_of_them(corpus, engine):
    assert found(corpus, engine, vakgebieden=["talen", "ict"]) == {
        "taal",
        "leie_trainer",
        "digitaal",
    }


def test_service_type(corpus, engine):
    assert found(corpus, engine, service_types=["A"]) == {"cafe", "leie", "energie", "logistiek"}
    assert found(corpus, engine, service_types=["O"]) == {
        "schelde",
        "cafe",
        "leie_trainer",
        "digitaal",
        "taal",
    }
    assert found(corpus, engine, service_types=["O", "A"]) == LISTED


@pytest.mark.parametrize(
    ("radius", "expected"),
    [
        (5, {"cafe", "leie", "leie_trainer"}),
        (10, {"cafe", "leie", "leie_trainer"}),
        (50, {"cafe", "leie", "leie_trainer", "logistiek"}),
    ],
)
def test_place_and_radius_measure_to_the_nearest_active_establishment(
    corpus, engine, radius, expected
):
    # Leie's branch in Ledeberg is 2.3 km from Gent; Logistiek's Gent branch is
    # deactivated, its office in Brugge is 38.6 km away.
    assert found(corpus, engine, place=place_resolve("9000"), radius_km=radius) == expected


def test_radius_zero_means_in_the_municipality_itself(corpus, engine):
    assert found(corpus, engine, place=place_resolve("Gent"), radius_km=0) == {
        "cafe",
        "leie",
        "leie_trainer",
    }
    assert found(corpus, engine, place=place_resolve("Kortrijk"), radius_km=0) == {
        "leie",
        "leie_trainer",
    }


def test_the_default_radius_is_ten_km(corpus, engine):
    assert found(corpus, engine, place=place_resolve("Brugge")) == {"logistiek"}
    assert provider_search(place=place_resolve("Brugge")).radius_km == 10


def test_a_result_shows_its_nearest_establishment_and_distance(corpus, engine):
    page = provider_search(
        place=place_resolve("9000 Gent"), radius_km=50, sort=Sort.DISTANCE, text_search=engine
    ).page(1)
    by_key = dict(zip(keys_in_order(corpus, page), page.object_list, strict=True))

    assert by_key["cafe"].distance_km == pytest.approx(0, abs=0.01)
    assert by_key["leie"].nearest_establishment.municipality == "Ledeberg"
    assert by_key["leie"].distance_km == pytest.approx(2.33, abs=0.01)
    assert by_key["logistiek"].nearest_establishment.municipality == "Brugge"
    assert by_key["logistiek"].distance_km == pytest.approx(38.64, abs=0.01)


def keys_in_order(corpus, page):
    by_pk = {value.pk: key for key, value in corpus.items()}
    return [by_pk[item.pk] for item in page.object_list]


def test_results_count_providers_not_establishments(corpus, engine):
    # Leie has two establishments within 50 km of Gent, and two providers.
    page = provider_search(place=place_resolve("9000"), radius_km=50, text_search=engine).page(1)
    assert page.paginator.count == 4
    assert len({item.pk for item in page.object_list}) == 4


# --- Sorting ---------------------------------------------------------------------------


def test_sort_by_distance(corpus, engine):
    assert ordered(
        corpus, engine, place=place_resolve("9000"), radius_km=50, sort=Sort.DISTANCE
    ) == ["cafe", "leie", "leie_trainer", "logistiek"]


def test_relevance_without_text_is_nearest_first(corpus, engine):
    assert ordered(corpus, engine, place=place_resolve("9000"), radius_km=50) == [
        "cafe",
        "leie",
        "leie_trainer",
        "logistiek",
    ]


def test_sort_by_name_ignores_accents_and_case(corpus, engine):
    assert ordered(corpus, engine, place=place_resolve("9000"), radius_km=50, sort=Sort.NAME) == [
        "leie",
        "cafe",
        "leie_trainer",
        "logistiek",
    ]


def test_sorting_by_distance_needs_a_place():
    with pytest.raises(ValueError, match="needs a place"):
        provider_search(sort=Sort.DISTANCE)


# --- Combinations --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"text": "advies", "service_types": ["A"], "radius_km": 10}, {"cafe", "leie"}),
        ({"text": "opleiding", "service_types": ["A"]}, {"cafe"}),
        ({"vakgebieden": ["talen"], "radius_km": 10}, {"leie_trainer"}),
        ({"vakgebieden": ["talen"], "service_types": ["A"]}, set()),
        ({"text": "verkoop", "vakgebieden": ["talen"], "radius_km": 0}, {"leie_trainer"}),
        ({"text": "horeca", "service_types": ["O"], "radius_km": 5}, {"cafe"}),
        ({"text": "horeca", "vakgebieden": ["ict"], "radius_km": 50}, set()),
    ],
)
def test_criteria_combine(corpus, engine, criteria, expected):
    criteria = dict(criteria)
    if "radius_km" in criteria:
        criteria["place"] = place_resolve("Gent")
    assert found(corpus, engine, **criteria) == expected


# --- Both ways of matching text agree -------------------------------------------------

PARITY_QUERIES = [
    "opleiding",
    "opleidingen boekhouding",
    "advies",
    "café",
    "gent",
    "9000",
    "verkoop marketing",
    "frans engels",
    "boekhoudnig",
    "warmtepomp",
    "zakelijke communicatie",
    "kmo",
    "de",
]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL")
def test_postgresql_and_the_portable_search_find_the_same_providers(corpus):
    for text in PARITY_QUERIES:
        for criteria in ({}, {"place": place_resolve("Gent"), "radius_km": 50}):
            expected = found(corpus, "portable", text=text, **criteria)
            assert found(corpus, "postgresql", text=text, **criteria) == expected, text


# --- Pages and queries ------------------------------------------------------------------


def test_pages_count_every_match_and_the_last_page_is_partial(corpus, engine):
    for index in range(PAGE_SIZE + 3):
        provider(f"Extra Opleidingen {index:02d}", place=("9000", "Gent"))
    search = provider_search(text="opleidingen", text_search=engine)

    first = search.page(1)
    second = search.page(2)

    # The 23 extra providers and the corpus's five registered for training.
    assert first.paginator.count == PAGE_SIZE + 8
    assert len(first.object_list) == PAGE_SIZE
    assert len(second.object_list) == 8
    assert not {item.pk for item in first} & {item.pk for item in second}


def test_a_search_by_relevance_counts_its_matches_as_it_ranks_them(corpus, engine):
    for index in range(PAGE_SIZE + 3):
        provider(f"Extra Opleidingen {index:02d}", place=("9000", "Gent"))
    search = provider_search(text="extra opleidingen", text_search=engine)

    with CaptureQueriesContext(connection) as queries:
        first = search.page(1)
    (ranking,) = [each["sql"] for each in queries if '"total_count"' in each["sql"]]

    # One pass over the matches: the window counts them in the ranking's own order,
    # no count apart reads them again.
    assert "OVER (ORDER BY" in ranking
    assert "COUNT(*) FROM (" not in ranking
    assert first.paginator.count == PAGE_SIZE + 3
    assert [item.name for item in first] == [
        f"Extra Opleidingen {index:02d}" for index in range(PAGE_SIZE)
    ]


def test_a_page_past_the_end_gives_the_last_page(corpus, engine):
    page = provider_search(text_search=engine).page(99)
    assert page.number == 1
    assert len(page.object_list) == len(LISTED)


@pytest.mark.parametrize(
    "criteria",
    [
        {"text": "opleidingen"},
        {"text": "opleidingen", "sort": Sort.NAME},
        {},
        {"sort": Sort.NAME},
        {"service_types": ["O"]},
    ],
)
def test_a_search_counts_up_to_the_limit_and_pages_no_further(
    corpus, engine, criteria, monkeypatch
):
    every = [item.pk for item in provider_search(text_search=engine, **criteria).page(1)]
    monkeypatch.setattr(query, "COUNT_LIMIT", 4)
    search = provider_search(text_search=engine, **criteria)

    first = search.page(1, per_page=3)
    assert search.capped
    assert first.paginator.count == 4
    assert first.paginator.num_pages == 2
    # Beyond the limit's last page: that page, the fourth best match alone.
    last = search.page(9, per_page=3)
    assert last.number == 2
    assert [item.pk for item in [*first, *last]] == every[:4]


def test_the_page_of_a_word_too_many_use_says_more_than_and_how_to_narrow(
    corpus, client, monkeypatch
):
    monkeypatch.setattr(query, "COUNT_LIMIT", 4)

    response = client.get(reverse("directory:search"), {"q": "opleidingen"})

    html = response.content.decode()
    assert "Meer dan 4 dienstverleners gevonden" in html
    assert "u ziet de eerste 4. Voeg een woord, een vakgebied of een plaats toe." in html
    assert "hieronder staan de dichtstbijzijnde" not in html


@pytest.mark.parametrize(
    "criteria",
    [
        {},
        {"text": "opleidingen"},
        {"text": "opleidingen gent"},
        {"sort": Sort.NAME},
        {"vakgebieden": ["ict", "talen", "horeca"], "service_types": ["O"]},
    ],
)
def test_a_page_past_the_end_is_the_last_page_for_one_query_more(
    corpus, engine, criteria, django_assert_max_num_queries
):
    search = provider_search(text_search=engine, **criteria)
    with CaptureQueriesContext(connection) as queries:
        last = search.page(1, per_page=3).paginator.num_pages
        expected = search.page(last, per_page=3)
    per_page = len(queries) // 2

    with django_assert_max_num_queries(per_page + 1):
        page = search.page(last + 5, per_page=3)
    assert page.number == last
    assert [item.pk for item in page.object_list] == [item.pk for item in expected.object_list]


def test_a_page_costs_the_same_queries_for_one_result_and_for_fifty(
    corpus, django_assert_num_queries
):
    for index in range(50):
        provider(f"Extra Opleidingen {index:02d}", place=("9000", "Gent"), types=("O", "A"))
    cases = [
        ({"text": "schelde"}, {"text": "opleidingen"}, 4),
        ({"vakgebieden": ["ict"]}, {"place": place_resolve("Gent"), "radius_km": 0}, 3),
        (
            {"text": "horeca", "place": place_resolve("Gent"), "radius_km": 10},
            {"text": "opleidingen", "place": place_resolve("Gent"), "radius_km": 10},
            4,
        ),
        # A typo: the vocabulary is asked a second time, for the words it may be.
        ({"text": "schelde vormingscentrm"}, {"text": "opleidingen exra"}, 5),
    ]
    place_resolve("Gent")  # the postcode table, read once per process
    for one, many, queries in cases:
        with django_assert_num_queries(queries):
            assert len(provider_search(**one).page(1, per_page=50).object_list) == 1
        with django_assert_num_queries(queries):
            assert len(provider_search(**many).page(1, per_page=50).object_list) == 50


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_a_pages_providers_and_establishments_are_prepared_statements(corpus):
    def prepared():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
            )
            return dict(cursor.fetchall())

    before = prepared()
    for _search in range(2):
        assert len(provider_search(text="schelde").page(1).object_list) == 1
    runs = {
        statement.split(" ")[1]: count - before.get(statement, 0)
        for statement, count in prepared().items()
        if count > before.get(statement, 0)
    }
    # Parsed and planned once per connection, run twice (core.statements).
    assert runs == {
        '"registrations_registration"."service_type"': 2,
        '"establishments_establishment"."organisation_id"': 2,
    }


def test_a_provider_that_lapsed_after_the_ranking_is_left_out_of_its_page(corpus):
    # The ranking and the page's providers are two statements: a registration can
    # lapse in between. The page shows the others rather than fail.
    schelde, lapsed = corpus["schelde"], corpus["lapsed"]
    result = SearchResult(
        ranking=[(lapsed.pk, None, 2), (schelde.pk, None, 2)],
        place=None,
        radius_km=None,
        sort=Sort.NAME,
        terms=[],
        lookup=None,
    )
    page = result.page(1)
    assert [item.pk for item in page.object_list] == [schelde.pk]
    assert page.object_list[0].public_registrations


def test_public_provider_is_none_unless_listed(corpus):
    assert public_provider(corpus["schelde"].pk).name == "Vormingscentrum Schelde"
    for key in ("lapsed", "suspended", "pending"):
        assert public_provider(corpus[key].pk) is None


def test_only_active_establishments_and_registrations_in_force_are_shown(corpus):
    logistiek = public_provider(corpus["logistiek"].pk)
    assert [item.municipality for item in logistiek.public_establishments] == ["Brugge"]

    cafe = public_provider(corpus["cafe"].pk)
    assert [item.service_type for item in cafe.public_registrations] == ["O", "A"]


# --- The documents follow every change -------------------------------------------------


def test_documents_follow_the_company_data_service(corpus, engine):
    schelde = corpus["schelde"]
    user = provider_user(schelde.organisation)
    service_provider_save(
        service_provider=schelde,
        organisation=schelde.organisation,
        step1_data=step1_data(schelde, name="Leercentrum Noorderkempen"),
        step2_data={
            "vakgebieden": list(Vakgebied.objects.filter(name="ICT")),
            "description": "Programmeren voor beginners.",
        },
        expected_version=schelde.version,
        user=user,
    )

    assert found(corpus, engine, text="noorderkempen") == {"schelde"}
    assert not found(corpus, engine, text="fiscaliteit")
    assert found(corpus, engine, text="programmeren") == {"schelde"}
    assert "schelde" in found(corpus, engine, vakgebieden=["ict"])


def test_documents_follow_plain_saves_as_the_admin_makes_them(corpus, engine):
    digitaal = ServiceProvider.objects.get(pk=corpus["digitaal"].pk)
    digitaal.name = "Codeerschool Leuven"
    digitaal.save()
    digitaal.vakgebieden.add(Vakgebied.objects.get(slug="talen"))

    assert found(corpus, engine, text="codeerschool") == {"digitaal"}
    assert "digitaal" in found(corpus, engine, text="talen")


def test_a_result_shows_the_phone_number_and_presentation_a_save_gave_them(corpus):
    digitaal = ServiceProvider.objects.get(pk=corpus["digitaal"].pk)
    digitaal.phone = "+32470123456"
    digitaal.description = "Nieuw: " + " ".join(["woord"] * 50)
    digitaal.save()

    (shown,) = provider_search(text="digitaal atelier").page(1).object_list
    assert shown.phone_text == "0470 12 34 56"
    assert shown.summary == "Nieuw: " + " ".join(["woord"] * 34) + " …"
    digitaal.phone = ""
    digitaal.save()
    (shown,) = provider_search(text="digitaal atelier").page(1).object_list
    assert shown.phone_text == ""
    assert ProviderSearchDocument.objects.get(pk=digitaal.pk).phone_text == ""


def test_documents_follow_a_renamed_vakgebied(corpus, engine):
    talen = Vakgebied.objects.get(slug="talen")
    talen.name = "Vreemde talen"
    talen.save()

    assert found(corpus, engine, text="vreemde") == {"taal", "leie_trainer"}
    assert ProviderSearchDocument.objects.get(pk=corpus["taal"].pk).vakgebieden_text == (
        "Vreemde talen"
    )


def test_documents_follow_vakgebieden_removed_from_a_provider(corpus, engine):
    corpus["taal"].vakgebieden.clear()
    corpus["leie_trainer"].vakgebieden.remove(Vakgebied.objects.get(slug="talen"))

    # "Taalhuis Mechelen" still says "taal" in its name; Jens Lauwers no longer matches.
    assert found(corpus, engine, text="talen") == {"taal"}
    assert not found(corpus, engine, vakgebieden=["talen"])


def test_documents_follow_establishments(corpus, engine):
    ledeberg = Establishment.objects.get(organisation=corpus["leie"].organisation, postcode="9050")
    near_gent = {"place": place_resolve("9000"), "radius_km": 10}

    alice = provider_user(ledeberg.organisation)
    establishment_deactivate(establishment=ledeberg, user=alice)
    assert found(corpus, engine, **near_gent) == {"cafe"}
    assert not found(corpus, engine, text="ledeberg")

    establishment_reactivate(establishment=ledeberg, user=alice)
    assert found(corpus, engine, **near_gent) == {"cafe", "leie", "leie_trainer"}
    assert found(corpus, engine, text="ledeberg") == {"leie", "leie_trainer"}


def test_a_deleted_establishment_leaves_the_documents_after_the_commit(
    corpus, engine, django_capture_on_commit_callbacks
):
    ledeberg = Establishment.objects.get(organisation=corpus["leie"].organisation, postcode="9050")
    with django_capture_on_commit_callbacks(execute=True):
        ledeberg.delete()

    assert not found(corpus, engine, text="ledeberg")


def test_an_organisation_can_be_deleted_with_its_providers_and_establishments(db):
    organisation = OrganisationFactory()
    provider_without_registrations = provider("Tijdelijk", organisation=organisation, types=())
    assert ProviderSearchDocument.objects.filter(pk=provider_without_registrations.pk).exists()

    organisation.delete()

    assert not ProviderSearchDocument.objects.filter(pk=provider_without_registrations.pk).exists()


def test_the_demo_data_gets_its_documents():
    demo_data_load(organisations=8)

    providers = set(ServiceProvider.objects.values_list("pk", flat=True))
    assert providers
    assert set(ProviderSearchDocument.objects.values_list("pk", flat=True)) == providers


def test_rebuild_restores_documents_after_a_bulk_import(corpus, engine):
    organisation = corpus["taal"].organisation
    (imported,) = ServiceProvider.objects.bulk_create(
        [
            ServiceProvider(
                organisation=organisation,
                name="Bulk Geimporteerd",
                email="bulk@example.be",
                kbo_number=organisation.kbo_number,
                postcode="2800",
                municipality="Mechelen",
                street="Bruul",
                house_number="1",
            )
        ]
    )
    register(imported, "O")
    # The registration's save wrote a document; an import that bulk-creates those too
    # leaves none.
    ProviderSearchDocument.objects.filter(pk=imported.pk).delete()
    assert not found(corpus, engine, text="geimporteerd")

    call_command("rebuild_search_index", verbosity=0)

    assert found(corpus | {"imported": imported}, engine, text="geïmporteerd") == {"imported"}
    assert search_documents_rebuild() == ServiceProvider.objects.count()


def test_a_result_names_three_establishments_of_a_chain_and_counts_the_rest(db, engine):
    chain = provider(
        "Keten Academie",
        place=("9000", "Gent"),
        branches=[
            ("2000", "Antwerpen"),
            ("3000", "Leuven"),
            ("8000", "Brugge"),
            ("8500", "Kortrijk"),
        ],
    )

    (result,) = provider_search(text="keten", text_search=engine).page(1).object_list
    assert [item.municipality for item in result.public_establishments] == [
        "Gent",
        "Antwerpen",
        "Brugge",
    ]
    assert result.more_establishments == 2

    (near,) = (
        provider_search(
            text="keten", place=place_resolve("3000"), radius_km=10, text_search=engine
        )
        .page(1)
        .object_list
    )
    assert near.nearest_establishment.municipality == "Leuven"
    assert near.pk == chain.pk


def test_a_compound_whose_parts_are_known_is_not_corrected(corpus, engine):
    # Every part is a word of the directory ("Adviesbureau Leie", "Energie Advies
    # Limburg"); a word of the vocabulary a few letters away must not replace it.
    provider("Bureel Noord", description="Energieadviesbureel voor de haven.")

    result = provider_search(text="energieadviesbureau", text_search=engine)

    assert result.corrected_terms == []
    assert "Bureel Noord" not in names(result.page(1).object_list)
