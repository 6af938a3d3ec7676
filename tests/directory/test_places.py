"""The points of the distance search (issue 16): the establishments' points follow every
change, a search by distance without text walks from the nearest point on and gives the
same providers in the same order as the grouped statement, and its count stops at a limit
that the page names as "more than"."""

import math

import pytest
from django.db import connection
from django.urls import reverse

from directory import query
from directory.index import search_words_recount
from directory.models import ProviderPlace, SearchPlace, SearchWord
from directory.places import RADII_KM, nearby_places, place_resolve, postcode_index
from directory.selectors import Sort, provider_search
from establishments.models import Establishment
from establishments.services import establishment_deactivate
from tests.directory.search_support import provider, provider_user

pytestmark = pytest.mark.django_db

PLACES = ["9000", "Gent", "9050", "Kortrijk", "Brugge", "2000", "Brussel", "3500"]


def grouped(place, radius_km):
    """The rows of the grouped statement (query.near and query.ranking), which a search
    with text uses: what the walk must give too."""
    documents = query.narrow(query.documents_of(query.provider_sets()))
    rows = query.ranking(
        query.near(documents, place, radius_km),
        sort=Sort.DISTANCE,
        by_rank=False,
        by_nearness=True,
    )
    return [(pk, nearness) for pk, nearness, _total in rows]


def walked(place, radius_km):
    ranking = query.NearestFirst(query.provider_sets(), place, radius_km)
    return [(pk, nearness) for pk, nearness, _total in ranking]


def same_rows(left, right):
    assert [pk for pk, _ in left] == [pk for pk, _ in right]
    assert [nearness for _, nearness in left] == pytest.approx([n for _, n in right])


@pytest.mark.parametrize("radius_km", RADII_KM)
def test_the_walk_from_the_nearest_point_gives_the_grouped_order(corpus, radius_km):
    for text in PLACES:
        same_rows(walked(place_resolve(text), radius_km), grouped(place_resolve(text), radius_km))


def ranked_rows(documents, sort):
    rows = query.ranking(documents, sort=sort, by_rank=False, by_nearness=True)
    return [(pk, nearness) for pk, nearness, _total in rows], rows.count()


@pytest.mark.parametrize("sort", [Sort.DISTANCE, Sort.NAME])
@pytest.mark.parametrize(
    "criteria",
    [{}, {"vakgebieden": ["talen"]}, {"service_types": ["A"]}, {"topic": "cybersecurity"}],
)
def test_a_search_by_place_without_text_reads_no_document_and_gives_the_same_rows(
    corpus, criteria, sort
):
    sets = query.provider_sets(**criteria)
    for text in PLACES:
        place = place_resolve(text)
        for radius_km in RADII_KM:
            through_documents = query.near(
                query.narrow(query.documents_of(sets)), place, radius_km
            )
            without = query.near_without_documents(sets, place, radius_km)

            rows, total = ranked_rows(without, sort)
            expected_rows, expected_total = ranked_rows(through_documents, sort)
            same_rows(rows, expected_rows)
            assert total == expected_total
            assert "directory_providersearchdocument" not in str(without.query)


@pytest.fixture
def crowd(db):
    """Six providers in Gent (one point), two in Ledeberg, one in Kortrijk with a branch in
    Gent: more providers on one point than a small limit reads."""
    people = [provider(f"Gentse Partner {letter}", place=("9000", "Gent")) for letter in "FEDCBA"]
    people += [provider(f"Ledebergse Partner {n}", place=("9050", "Ledeberg")) for n in (1, 2)]
    people.append(
        provider("Kortrijkse Partner", place=("8500", "Kortrijk"), branches=[("9000", "Gent")])
    )
    return people


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 8, 1000])
def test_a_limit_that_cuts_a_point_still_gives_its_providers_in_name_order(
    crowd, monkeypatch, limit
):
    # The statement reads 2 * (limit + 1) rows first; a point cut by it is read again.
    monkeypatch.setattr(query, "COUNT_LIMIT", limit)
    gent = place_resolve("9000")

    rows = walked(gent, 50)

    expected = grouped(gent, 50)
    same_rows(rows, expected[:limit])
    ranking = query.NearestFirst(query.provider_sets(), gent, 50)
    assert ranking.count() == min(limit + 1, len(expected))


def test_the_page_says_more_than_the_limit_when_the_count_stops(crowd, client, monkeypatch):
    monkeypatch.setattr(query, "COUNT_LIMIT", 4)

    result = provider_search(place=place_resolve("9000"), radius_km=50)
    page = result.page(2, per_page=3)
    response = client.get(reverse("directory:search"), {"plaats": "9000", "straal": "50"})

    assert result.capped
    assert page.paginator.count == 4
    assert page.paginator.num_pages == 2
    assert len(page.object_list) == 1
    html = response.content.decode()
    assert "Meer dan 4 dienstverleners gevonden" in html
    assert "Voeg een woord of vakgebied toe of kies een kleinere straal" in html
    assert "Meer dan 4 dienstverleners gevonden" in response.context["search_title"]


def test_below_the_limit_the_count_is_exact_and_not_more_than(crowd, client):
    result = provider_search(place=place_resolve("9000"), radius_km=50)
    response = client.get(reverse("directory:search"), {"plaats": "9000", "straal": "50"})

    assert not result.capped
    assert result.page(1).paginator.count == len(crowd)
    assert f"{len(crowd)} dienstverleners gevonden" in response.content.decode()
    assert "Meer dan" not in response.content.decode()


def test_the_walk_is_one_statement_for_the_page_and_the_count(crowd, django_assert_num_queries):
    result = provider_search(place=place_resolve("Gent"), radius_km=25)
    # The walk, the providers' public fields with their registrations, their
    # establishments.
    with django_assert_num_queries(3):
        result.page(1)


def _points_of(person):
    return set(
        ProviderPlace.objects.filter(document_id=person.pk).values_list(
            "place__latitude", "place__longitude", "postcode"
        )
    )


def test_the_points_follow_the_establishments(crowd):
    kortrijk = crowd[-1]
    gent_branch = Establishment.objects.get(organisation=kortrijk.organisation, postcode="9000")
    gent = postcode_index().by_postcode["9000"][0]
    kortrijk_row = postcode_index().by_postcode["8500"][0]

    # The points are the floats of the establishments' decimal coordinates (SearchPlace).
    assert _points_of(kortrijk) == {
        (float(gent.latitude), float(gent.longitude), "9000"),
        (float(kortrijk_row.latitude), float(kortrijk_row.longitude), "8500"),
    }

    establishment_deactivate(establishment=gent_branch, user=provider_user(kortrijk.organisation))

    assert _points_of(kortrijk) == {
        (float(kortrijk_row.latitude), float(kortrijk_row.longitude), "8500")
    }
    # The point stays for the others who stand on it.
    assert SearchPlace.objects.filter(latitude=gent.latitude, longitude=gent.longitude).exists()
    assert walked(place_resolve("9000"), 0)[-1][0] != kortrijk.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GiST index is PostgreSQL's")
def test_the_spatial_index_keeps_exactly_the_points_of_the_distance(corpus):
    # earthdistance measures on another sphere: its box must hold every point that the
    # haversine keeps, at every radius, so that the two databases keep the same points.
    SearchPlace.objects.bulk_create(
        [
            SearchPlace(latitude=row.latitude, longitude=row.longitude)
            for row in postcode_index().rows
        ],
        ignore_conflicts=True,
    )
    for text in PLACES:
        place = place_resolve(text)
        for radius_km in RADII_KM:
            with_index = set(nearby_places(place, radius_km).values_list("pk", flat=True))
            without = set(
                nearby_places(place, radius_km, spatial_index=False).values_list("pk", flat=True)
            )
            assert with_index == without, (text, radius_km)
            assert with_index or radius_km == 0


def _ranked(result):
    return [(pk, nearness) for pk, nearness, _total in result.ranking]


def test_words_most_providers_use_walk_from_the_nearest_point_with_the_same_result(
    crowd, monkeypatch
):
    search_words_recount()
    criteria = {"text": "partner", "place": place_resolve("9000"), "radius_km": 50}

    found_first = provider_search(sort=Sort.DISTANCE, **criteria)
    # As if most of 50,000 providers were partners: the walk pays.
    SearchWord.objects.filter(word="partner").update(documents=40_000)
    monkeypatch.setattr(query, "document_total", lambda: 50_000)
    walked_result = provider_search(sort=Sort.DISTANCE, **criteria)

    assert not isinstance(found_first.ranking, query.NearestFirst)
    assert isinstance(walked_result.ranking, query.NearestFirst)
    same_rows(_ranked(walked_result), _ranked(found_first))
    assert len(_ranked(walked_result)) == len(crowd)
    # A rare word, or relevance first, finds the matches first.
    assert not query.common(provider_search(**{**criteria, "text": "gentse"}).terms)
    assert not isinstance(provider_search(**criteria).ranking, query.NearestFirst)


def test_the_haversine_term_is_the_tree_of_functions_it_writes_out(corpus):
    """HaversineTerm writes out, in one expression, what Django's Power, Sin, Cos and
    Radians give: the same value, to the last bit, on each database."""
    from django.db.models import F, FloatField, Value
    from django.db.models.functions import Cast, Cos, Power, Radians, Sin

    from directory.places import HaversineTerm

    place = place_resolve("Gent")
    lat = Radians(Cast(F("latitude"), FloatField()))
    lon = Radians(Cast(F("longitude"), FloatField()))
    lat0, lon0 = math.radians(place.latitude), math.radians(place.longitude)
    tree = Power(Sin((lat - Value(lat0)) / Value(2.0)), 2) + Value(math.cos(lat0)) * Cos(
        lat
    ) * Power(Sin((lon - Value(lon0)) / Value(2.0)), 2)
    rows = SearchPlace.objects.annotate(
        written=HaversineTerm("", place.latitude, place.longitude), tree=tree
    ).values_list("written", "tree")
    assert len(rows) > 5
    for written, expected in rows:
        assert written == expected
