"""directory.presentation: the texts a search result shows, made once per page."""

from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import override

from directory.index import SUMMARY_WORDS, document_values
from directory.presentation import result_cards, search_texts


def registration(service_type, number):
    return SimpleNamespace(service_type=service_type, number=number)


def establishment(municipality, *, name="", street="Stationsstraat 2", postcode="9050"):
    return SimpleNamespace(
        name=name,
        municipality=municipality,
        street_line=street,
        place_line=f"{postcode} {municipality}",
    )


def result(**overrides):
    values = {
        "pk": 7,
        "name": "Opleidingscentrum Leie",
        "public_registrations": [registration("O", "DV.O100001")],
        "public_vakgebied_names": ["Talen", "ICT"],
        "nearest_establishment": None,
        "distance_km": None,
        "public_establishments": [establishment("Gent")],
        "more_establishments": 0,
        "phone": "+3292251234",
        # As the search document stores it (directory.index).
        "phone_text": "09 225 12 34",
        "email": "info@leie.example",
        "website": "https://www.leie.example/",
        "summary": "Wij geven les.",
    }
    return SimpleNamespace(**{**values, **overrides})


def card(back_query="", **overrides):
    (only,) = result_cards([result(**overrides)], back_query=back_query)
    return only


def test_a_card_links_to_the_public_page_with_the_way_back_to_the_search():
    url = reverse("directory:detail", args=[7])

    assert card().url == url
    assert card(back_query="q=advies&plaats=Gent").url == f"{url}?terug=q%3Dadvies%26plaats%3DGent"


def test_registrations_read_as_type_and_number_and_advice_is_flagged():
    with override("nl"):
        both = card(public_registrations=[registration("O", "DV.O1"), registration("A", "DV.A2")])
        training = card()

    assert both.registrations == "Opleiding (DV.O1), Advies (DV.A2)"
    assert both.advice
    assert not training.advice


def test_vakgebieden_are_listed_or_a_dash():
    assert card().vakgebieden == "Talen, ICT"
    assert card(public_vakgebied_names=[]).vakgebieden == "–"


def test_without_a_place_the_establishments_are_named_with_how_many_more():
    with override("nl"):
        one_more = card(
            public_establishments=[establishment("Gent"), establishment("Aalst")],
            more_establishments=1,
        )
    with override("en"):
        three_more = card(more_establishments=3)

    assert one_more.establishments == "Gent, Aalst en 1 andere"
    assert three_more.establishments == "Gent and 3 others"
    assert one_more.nearest == one_more.distance == ""


def test_with_a_place_the_nearest_establishment_and_its_distance_in_the_language():
    nearest = establishment("Ledeberg", name="Campus Zuid")
    with override("nl"):
        dutch = card(nearest_establishment=nearest, distance_km=2.3349)
    with override("en"):
        english = card(nearest_establishment=nearest, distance_km=2.3349)

    assert dutch.nearest == "Campus Zuid, Stationsstraat 2, 9050 Ledeberg"
    assert dutch.distance == "2,3 km"
    assert english.distance == "2.3 km"
    nameless = card(nearest_establishment=establishment("Ledeberg"), distance_km=0)
    assert nameless.nearest == "Stationsstraat 2, 9050 Ledeberg"


def test_contact_data_read_as_people_write_them_and_none_is_empty():
    shown = card()
    none = card(phone="", phone_text="", email="", website="")

    assert (shown.phone, shown.tel) == ("09 225 12 34", "tel:+3292251234")
    assert shown.website_label == "www.leie.example"
    assert (none.phone, none.tel, none.email, none.website_label) == ("", "", "", "")


def summary_of(description):
    """The start of a presentation, as the search document stores it for the card."""
    values = document_values(
        organisation_id=1, name="Leie", vakgebieden=[], places=[], description=description
    )
    return card(summary=values.summary).summary


def test_the_summary_is_the_start_of_the_presentation():
    words = [f"woord{number}" for number in range(SUMMARY_WORDS + 10)]

    summary = summary_of(" ".join(words))

    assert summary.split()[:SUMMARY_WORDS] == words[:SUMMARY_WORDS]
    assert summary.endswith("…")
    assert summary_of("Wij geven les.") == "Wij geven les."
    assert summary_of("") == ""


# --- What the page says about the search as a whole -----------------------------------------


def _page(count, number=1, per_page=20):
    from django.core.paginator import Paginator

    paginator = Paginator(range(count), per_page)
    return paginator.page(number)


def test_the_count_is_singular_plural_or_more_than_with_the_thousands_in_the_language():
    one = search_texts(active_filters=0, result=SimpleNamespace(capped=False), page=_page(1))
    many = search_texts(active_filters=0, result=SimpleNamespace(capped=False), page=_page(839))
    capped = SimpleNamespace(capped=True)

    assert one.found == "1 dienstverlener gevonden"
    assert many.found == "839 dienstverleners gevonden"
    assert many.too_many == ""
    anywhere = search_texts(active_filters=0, result=capped, page=_page(1000))
    assert anywhere.found == "Meer dan 1.000 dienstverleners gevonden"
    assert "u ziet de eerste 1.000" in anywhere.too_many
    near = search_texts(active_filters=1, result=capped, page=_page(1000), place=object())
    assert "hieronder staan de dichtstbijzijnde" in near.too_many
    with override("en"):
        english = search_texts(active_filters=2, result=capped, page=_page(1000))
    assert english.found == "More than 1,000 service providers found"
    assert english.filters == "Filters (2 active)"


def test_a_page_of_several_says_which_results_it_shows():
    result = SimpleNamespace(capped=False)

    assert search_texts(active_filters=0, result=result, page=_page(20)).shown == ""
    second = search_texts(active_filters=0, result=result, page=_page(1000, number=2)).shown
    assert second == "Resultaten 21 tot 40 (pagina 2 van 50)."
    assert search_texts(active_filters=3).filters == "Filters (3 actief)"
    assert search_texts(active_filters=3).found == ""
