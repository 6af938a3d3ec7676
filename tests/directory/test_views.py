"""The public search pages: /zoeken/ and /zoeken/dienstverlener/<pk>/.

Open to anyone, one GET URL per search, nothing unlisted or private on the
page, and a per-IP rate limit that answers 429.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from directory.forms import DirectorySearchForm, vakgebied_choices
from directory.selectors import PAGE_SIZE, place_resolve, provider_search
from directory.templatetags import directory_tags
from directory.templatetags.directory_tags import choice_input
from establishments.models import Establishment
from projects.eligibility import restrictions_today
from providers.models import Vakgebied
from tests.directory.search_support import (
    LISTED,
    VALID_IBAN,
    provider,
    registration_of,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    """Most tests make many requests; the rate limit has tests of its own below."""
    settings.RATELIMIT_ENABLE = False


def get(client, path=SEARCH, **params):
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return response


def result_names(response):
    return re.findall(r'<h3 class="h5" id="result-\d+"><a href="[^"]*">([^<]*)</a>', response.text)


def detail_url(item):
    return reverse("directory:detail", args=[item.pk])


# --- Anyone can search --------------------------------------------------------------


def test_it_needs_no_sign_in_and_lists_everyone_listed(client, corpus):
    response = get(client)

    assert len(result_names(response)) == len(LISTED)
    assert "8 dienstverleners gevonden" in response.text


def test_the_count_is_in_the_title_and_heading_for_screen_readers(client, corpus):
    response = get(client, q="schelde")

    assert re.search(r"<title>\s*1 dienstverlener gevonden", response.text)
    assert '<h2 class="h4" id="results-heading">' in response.text


def test_the_filters_fold_away_and_say_how_many_are_active(client, corpus):
    folded = get(client, q="schelde").text
    narrowed = get(client, plaats="Gent", vakgebied=["talen", "ict"], type="A").text
    wrong = get(client, straal="7").text

    # Folded without JavaScript (results come first on a phone); portal.js opens it on
    # wide screens. An error in a filter opens it for everyone.
    assert '<details class="search-filters mb-3" data-open-from="992">' in folded
    assert "<summary>Filters (0 actief)</summary>" in folded
    assert "<summary>Filters (4 actief)</summary>" in narrowed
    assert '<details class="search-filters mb-3" data-open-from="992" open>' in wrong


def test_the_form_has_labels_and_fieldsets_with_legends(client, corpus):
    html = get(client).text

    for field_id, label in [
        ("id_q", "Zoekterm"),
        ("id_plaats", "Gemeente of postcode"),
        ("id_straal", "Afstand tot een vestiging"),
        ("id_sorteer", "Sorteer op"),
    ]:
        assert f'<label class="form-label" for="{field_id}">{label}</label>' in html
    for legend in ("Waar?", "Type dienstverlening", "Vakgebieden"):
        assert f'<legend class="h6">{legend}</legend>' in html
    assert 'role="search"' in html
    assert 'method="get"' in html


def test_each_get_parameter_is_a_criterion(client, corpus):
    assert result_names(get(client, q="café")) == ["Café Academie"]
    assert set(result_names(get(client, vakgebied=["talen", "ict"]))) == {
        "Taalhuis Mechelen",
        "Jens Lauwers",
        "Digitaal Atelier",
    }
    assert set(result_names(get(client, type=["A"]))) == {
        "Café Academie",
        "Adviesbureau Leie",
        "Energie Advies Limburg",
        "Logistiek Partners",
    }
    assert result_names(get(client, plaats="9000", straal="50", sorteer="afstand")) == [
        "Café Academie",
        "Adviesbureau Leie",
        "Jens Lauwers",
        "Logistiek Partners",
    ]
    assert result_names(get(client, plaats="Gent", straal="0", sorteer="naam")) == [
        "Adviesbureau Leie",
        "Café Academie",
        "Jens Lauwers",
    ]


def test_the_form_keeps_what_was_searched(client, corpus):
    html = get(client, q="advies", plaats="Gent", straal="25", vakgebied="talen", type="A").text

    assert 'value="advies"' in html
    assert 'value="Gent"' in html
    assert re.search(r'<option value="25" selected>', html)
    assert re.search(r'value="talen"[^>]*checked', html)
    assert re.search(r'value="A"[^>]*checked', html)


def test_a_place_defaults_to_ten_km(client, corpus):
    html = get(client, plaats="Brugge").text

    assert result_names(get(client, plaats="Brugge")) == ["Logistiek Partners"]
    assert re.search(r'<option value="10" selected>', html)
    assert "tot 10 km van Brugge" in html


# --- What a result shows -----------------------------------------------------------


def test_a_result_shows_registrations_vakgebieden_nearest_establishment_and_contact(
    client, corpus
):
    cafe, leie = corpus["cafe"], corpus["leie"]
    html = get(client, plaats="9000", straal="10", sorteer="afstand").text

    for number in (registration_of(cafe, "O").number, registration_of(cafe, "A").number):
        assert number in html
    assert "Toeristische dienstverlening" in html
    assert "Marketing, communicatie en verkoop" in html
    assert "Dichtstbijzijnde vestiging" in html
    assert "Stationsstraat 2, 9050 Ledeberg" in html
    assert "(2,3 km)" in html
    assert f'href="mailto:{leie.email}"' in html


def test_without_a_place_a_result_names_its_establishments(client, corpus):
    html = get(client, q="logistiek").text

    assert re.search(r"<dt[^>]*>Vestigingen</dt>\s*<dd[^>]*>\s*Brugge\s*</dd>", html)
    provider(
        "Keten Academie",
        branches=[("2000", "Antwerpen"), ("3000", "Leuven"), ("8000", "Brugge")],
    )
    assert "Gent, Antwerpen, Brugge en 1 andere" in get(client, q="keten").text


def test_the_advice_rule_is_said_under_each_advice_result_and_no_other(client, corpus):
    if not restrictions_today().get("A"):
        pytest.skip("No rule for advice today.")
    articles = get(client).text.split('<article class="result"')[1:]

    advice = [article for article in articles if "Advies (DV.A" in article]
    training_only = [article for article in articles if "Advies (DV.A" not in article]
    assert advice and training_only
    for article in advice:
        assert article.count("Advies krijgt sinds") == 1
    for article in training_only:
        assert "Advies krijgt sinds" not in article


def test_the_results_speak_the_language_of_the_page(client, corpus):
    """The result list is a Jinja2 template (portal/jinja2.py) with the same catalogue."""
    english = client.get(SEARCH, {"plaats": "9000", "straal": "10"}, HTTP_ACCEPT_LANGUAGE="en")
    english = english.text

    labels = ("Registration", "Fields of expertise", "Nearest establishment", "Contact", "Email")
    for label in labels:
        assert f">{label}" in english
    assert "Dichtstbijzijnde vestiging" not in english
    if restrictions_today().get("A"):
        assert "advice only gets SME wallet subsidy when it is about" in english


def test_what_a_provider_wrote_is_escaped_in_the_results(client, corpus):
    provider(
        'Bart & Zoon <script>alert("x")</script>',
        description="<b>Vet</b> & <i>schuin</i>",
        website="https://bart.example/?a=1&b=2",
    )

    html = get(client, q="bart").text

    assert "Bart &amp; Zoon &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Vet&lt;/b&gt; &amp; &lt;i&gt;schuin&lt;/i&gt;" in html
    assert 'href="https://bart.example/?a=1&amp;b=2"' in html
    assert "<script>alert" not in html and "<b>Vet" not in html


def test_what_a_visitor_typed_is_escaped_in_the_criteria_and_the_ways_to_widen(client, corpus):
    # The form and the criteria are Jinja2 (portal/jinja2.py): a catalogue text with
    # values is HTML, its values are escaped, as Django's blocktrans does.
    html = get(client, q='<b>x"y', plaats="Gent", straal="5").text

    assert 'zoekterm "&lt;b&gt;x&#34;y"' in html
    assert 'Zoek zonder zoekterm "&lt;b&gt;x&#34;y"</a>' in html
    assert 'value="&lt;b&gt;x&#34;y"' in html or 'value="&lt;b&gt;x&quot;y"' in html
    assert "<b>x" not in html


def test_the_form_and_the_criteria_speak_the_language_of_the_page(client, corpus):
    def english(**params):
        return client.get(SEARCH, params, HTTP_ACCEPT_LANGUAGE="en").text

    one = english(q="schelde")
    none_near = english(q="schelde", plaats="Gent", straal="25")

    assert re.search(r"<title>\s*1 service provider found", one)
    assert '<h2 class="h4" id="results-heading">1 service provider found</h2>' in one
    assert '<h2 class="h4" id="results-heading">0 service providers found</h2>' in none_near
    assert "<summary>Filters (0 active)</summary>" in one
    assert "<summary>Filters (1 active)</summary>" in none_near
    assert '<legend class="h6">Where?</legend>' in one
    assert 'search term "schelde"' in one
    assert "up to 25 km from Gent" in none_near
    assert "Search without a place</a>" in none_near
    assert '<button type="submit" class="btn btn-primary">Search</button>' in one
    for page in (one, none_near):
        assert "zoekterm" not in page and "Waar?" not in page and "gevonden" not in page


def test_phone_and_website_are_shown_as_people_read_them(client, corpus):
    html = get(client, q="schelde").text

    assert '<a href="tel:+3232271200">03 227 12 00</a>' in html
    assert '<a href="https://www.schelde.example/" rel="noopener">www.schelde.example</a>' in html


def test_corrected_words_are_explained(client, corpus):
    html = get(client, q="boekhoudnig").text

    assert result_names(get(client, q="boekhoudnig")) == ["Vormingscentrum Schelde"]
    assert "komt bij geen enkele dienstverlener voor" in html
    assert "<strong>boekhouding</strong>" in html


def test_the_postcode_attribution_is_shown(client, corpus):
    assert "GeoNames" in get(client).text
    assert "GeoNames" in get(client, plaats="9000").text


# --- Nothing unlisted or private ----------------------------------------------------------


def test_nothing_unlisted_private_or_deactivated_leaks(client, corpus):
    pages = [
        get(client, q="gent").text,
        get(client, plaats="Gent", straal="50").text,
        get(client, q="boekhouding advies").text,
        get(client, path=detail_url(corpus["leie"])).text,
        get(client, path=detail_url(corpus["logistiek"])).text,
    ]
    for html in pages:
        for unlisted in ("Verlopen Opleidingen", "Geschorst Advies", "Aangevraagd Advies"):
            assert unlisted not in html
        assert VALID_IBAN not in html
        assert "BE71 0961" not in html
        assert "GKCCBEBB" not in html
        assert "Verborgen" not in html  # contact person
        assert "Sleutel ligt onder de mat" not in html  # extra info
        assert "Kerkstraat 1 " not in html


def test_a_result_holds_only_public_fields_and_reading_another_reads_nothing(corpus):
    """A page's providers and establishments carry the public fields only: every other
    field is blank, not deferred (which would read it from the database when used)."""
    page = provider_search(text="marketing", place=place_resolve("Kortrijk")).page(1)
    leie = next(provider for provider in page.object_list if provider.pk == corpus["leie"].pk)

    with CaptureQueriesContext(connection) as queries:
        private = [leie.iban, leie.bic, leie.contact_last_name, leie.extra_info, leie.street]
        establishment = leie.nearest_establishment
        private += [establishment.latitude, establishment.is_active]
    assert queries.captured_queries == []
    assert private == ["", "", "", "", "", None, True]
    assert leie.name == "Adviesbureau Leie"
    assert establishment.municipality == "Kortrijk"


def test_a_deactivated_establishment_is_not_shown_on_the_public_page(client, corpus):
    html = get(client, path=detail_url(corpus["logistiek"])).text
    deactivated = Establishment.objects.get(
        organisation=corpus["logistiek"].organisation, is_active=False
    )

    assert "8000 Brugge" in html
    assert deactivated.street_line not in html


def test_the_public_page_of_an_unlisted_provider_is_not_found(client, corpus):
    for key in ("lapsed", "suspended", "pending"):
        assert client.get(detail_url(corpus[key])).status_code == 404
    assert client.get(reverse("directory:detail", args=[999999])).status_code == 404


def test_the_public_page_goes_offline_when_the_registration_lapses(client, corpus):
    schelde = corpus["schelde"]
    assert client.get(detail_url(schelde)).status_code == 200

    registration = registration_of(schelde)
    registration.valid_until = timezone.localdate() - datetime.timedelta(days=1)
    registration.save()

    assert client.get(detail_url(schelde)).status_code == 404
    assert "Vormingscentrum Schelde" not in get(client).text


# --- The public page ------------------------------------------------------------------------


def test_the_public_page_shows_presentation_vakgebieden_establishments_registrations_contact(
    client, corpus
):
    cafe = corpus["cafe"]
    registration = registration_of(cafe, "A")
    html = get(client, path=detail_url(cafe)).text

    assert "<h1>Café Academie</h1>" in html
    assert "Een opleiding horeca en gastvrijheid" in html
    assert "Toeristische dienstverlening" in html
    assert "Kerkstraat 1, 9000 Gent" in html
    assert registration.number in html
    assert registration.valid_until.strftime("%Y") in html
    assert f'href="mailto:{cafe.email}"' in html
    assert cafe.kbo_display in html
    assert '<link rel="canonical" href="http://testserver/zoeken/dienstverlener/' in html


def test_a_result_links_to_the_public_page_with_the_way_back(client, corpus):
    html = get(client, q="café", plaats="Gent").text
    link = re.search(r'<a href="(/zoeken/dienstverlener/\d+/\?terug=[^"]*)">Café Academie', html)
    detail = get(client, path=link.group(1).replace("&amp;", "&"))

    back = re.search(r'<a href="([^"]*)">Terug naar de resultaten</a>', detail.text)
    assert back.group(1).replace("&amp;", "&") == f"{SEARCH}?q=caf%C3%A9&plaats=Gent"


def test_the_way_back_keeps_only_search_parameters(client, corpus):
    html = get(
        client,
        path=detail_url(corpus["cafe"]),
        terug="q=cafe&next=//evil.example&plaats=Gent&page=2",
    ).text

    back = re.search(r'<a href="([^"]*)">Terug naar de resultaten</a>', html).group(1)
    assert back.replace("&amp;", "&") == f"{SEARCH}?q=cafe&plaats=Gent&page=2"


def test_without_a_way_back_the_public_page_links_to_the_search(client, corpus):
    html = get(client, path=detail_url(corpus["cafe"])).text

    assert "Terug naar de resultaten" not in html
    assert f'<a href="{SEARCH}">Zoek een geregistreerde dienstverlener</a>' in html


# --- Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"straal": "7", "plaats": "Gent"}, "straal", "Kies een afstand uit de lijst."),
        ({"vakgebied": "astrologie"}, "vakgebied", "Dit vakgebied bestaat niet: astrologie."),
        ({"type": "X"}, "type", "Kies opleiding, advies of beide."),
        ({"sorteer": "prijs"}, "sorteer", "Kies relevantie, afstand of naam."),
        (
            {"sorteer": "afstand"},
            "sorteer",
            "Sorteren op afstand kan alleen als u een gemeente of postcode opgeeft.",
        ),
        ({"plaats": "Gnet"}, "plaats", "We vinden geen Belgische gemeente of postcode"),
        ({"plaats": "Atlantis"}, "plaats", "Geef een postcode van vier cijfers"),
        ({"q": "0200.000.143"}, "q", "het controlegetal is fout"),
    ],
)
def test_bad_input_gets_a_dutch_message_next_to_the_field(client, corpus, params, field, message):
    html = get(client, **params).text

    assert re.search(rf'id="id_{field}_error">[^<]*{re.escape(message)}', html)
    assert 'class="alert alert-danger error-summary"' in html
    anchor = f"id_{field}_0" if field in ("type", "vakgebied") else f"id_{field}"
    assert f'href="#{anchor}"' in html
    assert f'id="{anchor}"' in html
    assert result_names(get(client, **params)) == []


def test_a_misspelt_place_offers_a_link_that_runs_the_corrected_search(client, corpus):
    html = get(client, plaats="Gnet", q="boekhouding", vakgebied="ict", straal="10", page="2").text

    (error,) = re.findall(
        r'<div class="invalid-feedback d-block" id="id_plaats_error">.*?</div>', html
    )
    (href,) = re.findall(r'Bedoelt u <a href="([^"]+)">Gent</a>\?', error)
    corrected = client.get(SEARCH + href.replace("&amp;", "&"))
    assert corrected.context["form"].is_valid()
    assert corrected.context["form"].cleaned_data["plaats"] == "Gent"
    assert corrected.context["form"].cleaned_data["q"] == "boekhouding"
    assert corrected.context["form"].cleaned_data["vakgebied"] == ["ict"]
    assert corrected.context["form"].cleaned_data["straal"] == 10
    assert "page=" not in href


def test_an_invalid_field_is_marked_for_screen_readers(client, corpus):
    html = get(client, plaats="Atlantis").text

    (tag,) = re.findall(r'<input[^>]*name="plaats"[^>]*>', html)
    assert 'aria-invalid="true"' in tag
    assert 'aria-describedby="id_plaats_helptext id_plaats_error"' in tag


def test_checkboxes_keep_what_was_ticked_and_carry_the_group_error(client, corpus):
    ticked = get(client, vakgebied="ict", type="A").text
    boxes = dict(re.findall(r'<input type="checkbox" name="type" value="(\w)"([^>]*)>', ticked))
    assert " checked" in boxes["A"] and " checked" not in boxes["O"]
    assert 'class="form-check-input"' in boxes["O"] and 'id="id_type_0"' in boxes["O"]

    invalid = get(client, vakgebied="bestaat-niet").text
    (first,) = re.findall(r'<input[^>]*name="vakgebied"[^>]*id="id_vakgebied_0"', invalid)
    assert 'aria-invalid="true"' in first
    assert 'aria-describedby="id_vakgebied_helptext id_vakgebied_error"' in first


def test_a_box_is_written_with_the_attributes_of_djangos_own_widget(corpus):
    # directory_tags.choice_input writes the <input> itself, for speed.
    def attributes(html):
        return sorted(re.findall(r' ([\w-]+)(?:="([^"]*)")?', html))

    form = DirectorySearchForm({"vakgebied": ["ict", "bestaat-niet"], "type": ["A"]})
    assert not form.is_valid()
    for name in ("vakgebied", "type"):
        for choice in form[name]:
            assert attributes(choice_input(choice)) == attributes(str(choice.tag()))


KEPT_CONTROL_SEARCHES = [
    # In turns that change one control's value at a time: a key without the value, the
    # language or the options would show the previous search's control.
    {"q": "advies"},
    {"q": "advies", "straal": "5", "plaats": "Gent"},
    {"q": "advies", "straal": "25", "plaats": "Gent"},
    {"vakgebied": "ict"},
    {"vakgebied": "energie"},
    {"vakgebied": ["ict", "energie"], "type": "A"},
    {"type": "O", "sorteer": "naam"},
    {"type": ["A", "O"], "sorteer": "afstand", "onderwerp": "cybersecurity"},
]


@pytest.fixture
def every_search_rendered(settings):
    """The results cache off: each request renders its controls."""
    settings.DIRECTORY_CACHE_SECONDS = 0
    directory_tags._controls.clear()


def rendered(client, **params):
    """The page without its CSRF token (the language switch's), which each response has anew."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", get(client, **params).text)


def test_the_kept_choice_controls_are_the_controls_a_fresh_render_writes(
    client, corpus, monkeypatch, every_search_rendered
):
    # directory_tags.kept_control keeps the radius, topic, sort and the boxes per process.
    kept = [rendered(client, **params) for params in KEPT_CONTROL_SEARCHES]
    again = [rendered(client, **params) for params in KEPT_CONTROL_SEARCHES]
    assert directory_tags._controls
    monkeypatch.setattr(
        directory_tags, "kept_control", lambda render, field, **options: render(field, **options)
    )
    fresh = [rendered(client, **params) for params in KEPT_CONTROL_SEARCHES]
    assert kept == fresh
    assert again == fresh
    assert 'value="ict" class="form-check-input" id="id_vakgebied_' in kept[3]
    assert re.search(r'<option value="25" selected>', kept[2])


def test_the_kept_controls_follow_the_language_and_the_vakgebieden(
    client, corpus, every_search_rendered
):
    assert "Tot 25 km" in get(client).text
    english = client.get(SEARCH, HTTP_ACCEPT_LANGUAGE="en").text
    assert "Up to 25 km" in english and "Tot 25 km" not in english

    vakgebied = Vakgebied.objects.get(slug="ict")
    vakgebied.name = "Informatica en telecom"
    vakgebied.save()  # forgets this process's vakgebieden (directory.forms)
    html = get(client).text
    assert re.search(
        r'<label class="form-check-label" for="id_vakgebied_\d+">Informatica en telecom<', html
    )


def test_a_control_with_an_error_is_not_kept(client, corpus, every_search_rendered):
    html = get(client, straal="7").text
    assert "Kies een afstand uit de lijst." in html
    assert not any(key[1] == "straal" and key[3] == "7" for key in directory_tags._controls)


def test_the_kept_controls_are_bounded(client, corpus, monkeypatch, every_search_rendered):
    monkeypatch.setattr(directory_tags, "CONTROLS_KEPT", 3)
    for params in KEPT_CONTROL_SEARCHES:
        get(client, **params)
        assert len(directory_tags._controls) <= 3


# --- Nothing found -----------------------------------------------------------------------------


def test_no_results_says_why_and_offers_to_widen_the_search(client, corpus):
    html = get(client, q="horeca", vakgebied="ict", type="A", plaats="Gent", straal="5").text

    assert "0 dienstverleners gevonden" in html
    assert "Geen enkele geregistreerde dienstverlener voldoet aan al uw criteria" in html
    links = {
        text: href.replace("&amp;", "&")
        for href, text in re.findall(r'<li><a href="(\?[^"]*)">([^<]*)</a></li>', html)
    }
    assert links["Zoek tot 10 km ver"] == "?q=horeca&vakgebied=ict&type=A&plaats=Gent&straal=10"
    assert links["Zoek zonder plaats"] == "?q=horeca&vakgebied=ict&type=A"
    assert links["Zoek zonder vakgebied ICT"] == "?q=horeca&type=A&plaats=Gent&straal=5"
    assert (
        links["Zoek zowel opleiding als advies"] == "?q=horeca&vakgebied=ict&plaats=Gent&straal=5"
    )
    assert links['Zoek zonder zoekterm "horeca"'] == "?vakgebied=ict&type=A&plaats=Gent&straal=5"


def test_widening_the_radius_finds_more(client, corpus):
    assert (
        result_names(get(client, plaats="9000", straal="25", vakgebied="transport-en-logistiek"))
        == []
    )
    assert result_names(
        get(client, plaats="9000", straal="50", vakgebied="transport-en-logistiek")
    ) == ["Logistiek Partners"]


def test_an_unknown_number_says_so(client, corpus):
    html = get(client, q=registration_of(corpus["lapsed"]).number).text

    assert "Er is geen geldige registratie met dit nummer." in html


# --- Pages -------------------------------------------------------------------------------------


@pytest.fixture
def many(corpus):
    for index in range(PAGE_SIZE + 5):
        provider(f"Extra Opleidingen {index:02d}", place=("9000", "Gent"))
    return corpus


def test_results_are_paged_on_the_server_and_page_links_keep_the_search(client, many):
    first = get(client, q="opleidingen", plaats="Gent", straal="10")
    second = get(client, q="opleidingen", plaats="Gent", straal="10", page="2")

    assert len(result_names(first)) == PAGE_SIZE
    assert len(result_names(second)) == 7
    assert "?q=opleidingen&amp;plaats=Gent&amp;straal=10&amp;page=2" in first.text
    assert 'aria-current="page"' in second.text
    assert '<ol class="list-unstyled results" start="21">' in second.text
    assert "Resultaten 21 tot 27 (pagina 2 van 2)." in second.text


@pytest.mark.parametrize("page", ["99", "abc", "-1"])
def test_odd_page_numbers_give_a_real_page(client, many, page):
    response = get(client, q="opleidingen", page=page)
    assert result_names(response)


def test_a_later_page_of_a_search_without_results_says_nothing_was_found(client, corpus):
    # Page 3 of nothing is no page to link from: no page links, no error.
    html = get(client, q="horeca", vakgebied="ict", page="3").text

    assert "0 dienstverleners gevonden" in html
    assert "Geen enkele geregistreerde dienstverlener voldoet" in html
    assert 'aria-label="Paginering"' not in html


def test_a_page_past_the_end_is_the_last_page_within_six_queries(
    client, many, django_assert_max_num_queries
):
    restrictions_today()  # the eligibility notice on advice results, read once per process
    with django_assert_max_num_queries(6):
        response = get(client, q="opleidingen", page="99")
    assert result_names(response) == result_names(get(client, q="opleidingen", page="2"))
    assert 'aria-current="page"><span class="visually-hidden">Pagina </span>2<' in response.text


def test_a_results_page_costs_the_same_queries_for_one_result_and_for_fifty(
    client, corpus, django_assert_num_queries
):
    for index in range(50):
        provider(f"Extra Opleidingen {index:02d}", place=("9000", "Gent"))
    place_resolve("Gent")  # the postcode table, read once per process
    restrictions_today()  # the eligibility notice on advice results, read once per process
    vakgebied_choices()  # the form's vakgebieden, read once per process
    # The vocabulary (twice for a typo), the page's ids, their providers with their
    # registrations, their establishments.
    for one, many_params, queries in [
        ({"q": "schelde"}, {"q": "opleidingen"}, 4),
        ({"plaats": "Leuven", "straal": "5"}, {"plaats": "Gent", "straal": "10"}, 3),
        ({"q": "horeca", "plaats": "Gent"}, {"q": "opleidingen", "plaats": "Gent"}, 4),
        ({"q": "schelde vormingscentrm"}, {"q": "opleidingen exra"}, 5),
    ]:
        with django_assert_num_queries(queries):
            assert len(result_names(client.get(SEARCH, {**one, "page": 1}))) == 1
        with django_assert_num_queries(queries):
            html = client.get(SEARCH, many_params)
            assert len(result_names(html)) == PAGE_SIZE


def test_the_public_page_costs_four_queries(client, corpus, django_assert_num_queries):
    with django_assert_num_queries(4):
        assert client.get(detail_url(corpus["leie"])).status_code == 200


# --- Links to the search -------------------------------------------------------------------


def test_the_home_pages_link_to_the_search(client, corpus):
    assert f'href="{SEARCH}"' in get(client, path=reverse("portal:home")).text
    sme = MembershipFactory(profile="sme").user
    client.force_login(sme)
    assert f'href="{SEARCH}"' in get(client, path=reverse("portal:sme-home")).text


# --- Rate limit ------------------------------------------------------------------------------


@pytest.fixture
def limited(settings):
    """Three requests a minute, counted in the configured (shared, database) cache."""
    settings.RATELIMIT_ENABLE = True
    settings.DIRECTORY_RATE_LIMIT = "3/m"
    assert settings.CACHES[settings.RATELIMIT_USE_CACHE]["BACKEND"].endswith("DatabaseCache")
    return settings


def test_too_many_requests_from_one_address_get_a_dutch_429(client, corpus, limited):
    for _ in range(3):
        assert client.get(SEARCH, {"q": "advies"}).status_code == 200

    response = client.get(SEARCH, {"q": "advies"})

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Even geduld" in response.text
    assert "Probeer het over een minuut opnieuw." in response.text
    assert '<main id="main"' in response.text


def test_the_public_pages_share_the_limit(client, corpus, limited):
    for _ in range(3):
        client.get(detail_url(corpus["cafe"]))

    assert client.get(SEARCH).status_code == 429


def test_another_address_is_not_limited(client, corpus, limited):
    for _ in range(4):
        client.get(SEARCH, REMOTE_ADDR="192.0.2.1")

    assert client.get(SEARCH, REMOTE_ADDR="192.0.2.2").status_code == 200


def test_behind_the_proxy_the_client_address_comes_from_x_forwarded_for(client, corpus, limited):
    limited.BEHIND_PROXY = True
    for _ in range(3):
        response = client.get(
            SEARCH, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.9"
        )
        assert response.status_code == 200

    # Same visitor (the address the proxy appended), whatever they claim before it.
    assert (
        client.get(
            SEARCH, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"
        ).status_code
        == 429
    )
    # Another visitor behind the same proxy is not limited.
    assert (
        client.get(SEARCH, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.10").status_code
        == 200
    )


def test_a_typo_is_corrected_with_a_link_to_the_correction_and_one_to_the_word_as_typed(
    client, corpus
):
    response = get(client, q="boekhoudnig")

    assert result_names(response) == ["Vormingscentrum Schelde"]
    assert 'Bedoelt u <a href="?q=boekhouding">boekhouding</a>?' in response.text
    assert '<a href="?q=boekhoudnig&amp;letterlijk=1">Zoek toch naar' in response.text

    as_typed = get(client, q="boekhoudnig", letterlijk="1")
    assert result_names(as_typed) == []
    assert "Bedoelt u" not in as_typed.text

    corrected = get(client, q="boekhouding")
    assert result_names(corrected) == ["Vormingscentrum Schelde"]
    assert "Zoek toch naar" not in corrected.text


def test_the_topic_counts_as_a_filter_and_is_named_with_the_criteria(client, corpus):
    html = get(client, onderwerp="cybersecurity").text

    assert "<summary>Filters (1 actief)</summary>" in html
    assert "onderwerp cybersecurity" in html


def test_the_forms_vakgebieden_are_read_once_per_process_and_follow_a_change_at_once(
    client, corpus, django_assert_num_queries
):
    get(client, q="horeca")
    with django_assert_num_queries(0):
        vakgebied_choices()
    Vakgebied.objects.create(name="Zeevaart", slug="zeevaart")
    assert ("zeevaart", "Zeevaart") in vakgebied_choices()
    assert 'value="zeevaart"' in get(client, q="schelde").text
