"""The public search's results cache (directory/cache.py).

A repeated search is served from the cache without a single query; every kind of
change to the listing shows at once (the change bumps the listing version once its
transaction commits); the key holds the date, the language and the search; an
invalid search and DIRECTORY_CACHE_SECONDS=0 are never cached; and `check --deploy`
warns about a per-process cache.
"""

import datetime
import re
from unittest import mock

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from directory import cache as search_cache
from establishments.models import Establishment
from establishments.services import establishment_deactivate
from providers.models import ServiceProvider, Vakgebied
from providers.services import service_provider_save
from registrations.models import Registration
from registrations.services import registration_withdraw
from tests.directory.search_support import provider, provider_user, register
from tests.factories import UserFactory
from tests.portal.test_deploy_checks import manage
from tests.providers.conftest import step1_data

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")
MARKETING = "marketing-communicatie-en-verkoop"
NEAR_GENT = {"vakgebied": MARKETING, "plaats": "9000", "straal": "10"}
ONE_DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def cache_on(settings):
    settings.RATELIMIT_ENABLE = False
    settings.DIRECTORY_CACHE_SECONDS = 300


def main(response):
    """The page's <main>: the whole page but the header's CSRF token, which differs per request."""
    assert response.status_code == 200
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


RESULT_NAME = re.compile(r'<h3 class="h5" id="result-\d+"><a href="[^"]*">([^<]*)</a>')


def names(response):
    return RESULT_NAME.findall(main(response))


def search(client, **params):
    return client.get(SEARCH, params)


def queries_of(client, **params):
    with CaptureQueriesContext(connection) as captured:
        search(client, **params)
    return len(captured)


def cached_search(client, django_assert_num_queries, **params):
    """Search twice: the second answer must come from the cache, without any query."""
    first = search(client, **params)
    with django_assert_num_queries(0):
        second = search(client, **params)
    assert main(second) == main(first)
    return second


# --- Served from the cache ---------------------------------------------------------------


def test_a_repeated_search_runs_no_query_and_gives_the_same_page(
    client, corpus, django_assert_num_queries
):
    first = search(client, q="opleiding", plaats="Gent")
    with django_assert_num_queries(0):
        second = search(client, q="opleiding", plaats="Gent")

    assert main(second) == main(first)
    assert "Café Academie" in main(second)
    title = re.search(r"<title>(.*)</title>", second.content.decode()).group(1)
    assert title.startswith("2 dienstverleners gevonden – Zoek een geregistreerde")


def test_the_cached_part_holds_nothing_of_the_visitor(client, corpus):
    alice = UserFactory(first_name="Alice", last_name="Cachetest")
    client.force_login(alice)
    signed_in = search(client, q="horeca")
    assert "Cachetest" in signed_in.content.decode()  # in the header, outside the cache

    client.logout()
    anonymous = search(client, q="horeca").content.decode()

    assert "Cachetest" not in anonymous
    assert "Afmelden" not in anonymous
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', anonymous)
    assert token not in main(signed_in)


def test_parameters_other_than_the_search_do_not_reach_the_cached_page(client, corpus):
    for index in range(25):
        provider(f"Extra Opleidingen {index:02d}", place=("9000", "Gent"))

    search(client, q="opleidingen", utm_source="nieuwsbrief")
    page = main(search(client, q="opleidingen"))

    assert "utm_source" not in page
    assert "?q=opleidingen&amp;page=2" in page


# --- Every change shows at once ------------------------------------------------------------


def test_a_renamed_provider_shows_at_once(
    client, corpus, django_assert_num_queries, django_capture_on_commit_callbacks
):
    schelde = corpus["schelde"]
    assert "Vormingscentrum Schelde" in names(
        cached_search(client, django_assert_num_queries, sorteer="naam")
    )

    with django_capture_on_commit_callbacks(execute=True):
        service_provider_save(
            service_provider=schelde,
            organisation=schelde.organisation,
            step1_data=step1_data(schelde, name="Leercentrum Noorderkempen"),
            step2_data={
                "vakgebieden": list(schelde.vakgebieden.all()),
                "description": schelde.description,
            },
            expected_version=schelde.version,
            user=provider_user(schelde.organisation),
        )

    found = names(search(client, sorteer="naam"))
    assert "Leercentrum Noorderkempen" in found
    assert "Vormingscentrum Schelde" not in found


def test_a_withdrawn_registration_shows_at_once(
    client, corpus, sam, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert names(cached_search(client, django_assert_num_queries, q="cyberbeveiliging")) == [
        "Digitaal Atelier"
    ]

    registration = Registration.objects.get(service_provider=corpus["digitaal"])
    with django_capture_on_commit_callbacks(execute=True):
        registration_withdraw(registration=registration, user=sam, reason="Audit ingetrokken.")

    assert names(search(client, q="cyberbeveiliging")) == []


def test_a_registration_that_lapses_tonight_is_gone_tomorrow(
    client, corpus, django_assert_num_queries
):
    lapsing = provider("Kalligrafie Gent", types=())
    today = timezone.localdate()
    register(lapsing, valid_from=today - datetime.timedelta(days=5 * 365))
    Registration.objects.filter(service_provider=lapsing).update(valid_until=today)
    assert names(cached_search(client, django_assert_num_queries, q="kalligrafie")) == [
        "Kalligrafie Gent"
    ]

    with mock.patch("django.utils.timezone.localdate", return_value=today + ONE_DAY):
        assert names(search(client, q="kalligrafie")) == []


def test_a_deactivated_establishment_shows_at_once(
    client, corpus, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert names(cached_search(client, django_assert_num_queries, **NEAR_GENT)) == [
        "Adviesbureau Leie",
        "Jens Lauwers",
    ]

    ledeberg = Establishment.objects.get(organisation=corpus["leie"].organisation, postcode="9050")
    with django_capture_on_commit_callbacks(execute=True):
        establishment_deactivate(establishment=ledeberg, user=provider_user(ledeberg.organisation))

    assert names(search(client, **NEAR_GENT)) == []


def test_an_added_vakgebied_shows_at_once(
    client, corpus, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert "Digitaal Atelier" not in names(
        cached_search(client, django_assert_num_queries, vakgebied="talen")
    )

    with django_capture_on_commit_callbacks(execute=True):
        corpus["digitaal"].vakgebieden.add(Vakgebied.objects.get(slug="talen"))

    assert "Digitaal Atelier" in names(search(client, vakgebied="talen"))


def test_a_write_without_signals_waits_for_the_rebuild_command(
    client, corpus, django_assert_num_queries, django_capture_on_commit_callbacks
):
    cached_search(client, django_assert_num_queries, sorteer="naam")
    ServiceProvider.objects.filter(pk=corpus["taal"].pk).update(name="Babbelhuis Mechelen")

    # A bulk write sends no signal: until the TTL or a rebuild, the cached page stays.
    assert "Babbelhuis Mechelen" not in names(search(client, sorteer="naam"))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_search_index", verbosity=0)

    assert "Babbelhuis Mechelen" in names(search(client, sorteer="naam"))


# --- The key -----------------------------------------------------------------------


def stored(query_string):
    """The cached parts of a search, if any, whatever their listing version."""
    with translation.override("nl-be"):
        entry = caches["default"].get(search_cache.page_key(query_string))
    return entry and entry[1]


def test_the_key_differs_per_language_per_page_and_per_date():
    with translation.override("nl-be"):
        dutch = search_cache.page_key("q=advies")
        assert search_cache.page_key("q=advies") == dutch
        assert search_cache.page_key("q=advies&page=2") != dutch
        with mock.patch("django.utils.timezone.localdate", return_value=datetime.date(2026, 1, 2)):
            assert search_cache.page_key("q=advies") != dutch
    with translation.override("en"):
        assert search_cache.page_key("q=advies") != dutch


def test_each_language_gets_its_own_page(client, corpus):
    dutch = main(search(client, q="horeca"))
    english = main(client.get(SEARCH, {"q": "horeca"}, HTTP_ACCEPT_LANGUAGE="en"))

    assert "Zoekterm" in dutch
    assert "Search term" in english
    assert "Zoekterm" not in english


def test_yesterdays_page_is_not_used_today(client, corpus, django_assert_num_queries):
    yesterday = timezone.localdate() - ONE_DAY
    with mock.patch("directory.cache.timezone.localdate", return_value=yesterday):
        cached_search(client, django_assert_num_queries, q="horeca")
    # No signal: only the date in the key can make today's page differ.
    ServiceProvider.objects.filter(pk=corpus["cafe"].pk).update(name="Café Nieuwjaar")

    assert names(search(client, q="horeca")) == ["Café Nieuwjaar"]


def test_a_new_listing_version_makes_every_page_obsolete(client, corpus):
    search(client, q="horeca")
    assert queries_of(client, q="horeca") == 0

    search_cache.bump()

    assert queries_of(client, q="horeca") > 0
    assert queries_of(client, q="horeca") == 0


def test_a_page_rendered_while_a_change_committed_is_not_served():
    def render_during_a_change():
        search_cache.bump()  # another worker's change commits while this page renders
        return {"body": "old data"}, True

    search_cache.cached_page("q=x", render_during_a_change)

    assert search_cache.cached_page("q=x", lambda: ({"body": "new data"}, True)) == {
        "body": "new data"
    }


# --- Not cached ----------------------------------------------------------------------------


def test_an_invalid_search_is_not_cached(client, corpus):
    first = search(client, plaats="Atlantis")

    assert stored("plaats=Atlantis") is None
    assert 'class="alert alert-danger error-summary"' in main(first)
    again = search(client, plaats="Atlantis")
    assert stored("plaats=Atlantis") is None
    assert main(again) == main(first)


def test_the_cache_is_off_with_zero_seconds(client, corpus, settings):
    settings.DIRECTORY_CACHE_SECONDS = 0
    search(client, q="horeca")

    assert queries_of(client, q="horeca") > 0
    assert stored("q=horeca") is None


def test_a_valid_search_is_stored_under_its_key(client, corpus):
    search(client, q="horeca")

    parts = stored("q=horeca")
    assert "Café Academie" in parts["body"]
    assert "csrfmiddlewaretoken" not in parts["body"]


# --- The deploy check ----------------------------------------------------------------------

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


@pytest.mark.parametrize(
    ("debug", "caches_setting", "seconds", "warns"),
    [
        (False, LOCMEM, 300, True),
        (False, REDIS, 300, False),
        (True, LOCMEM, 300, False),
        (False, LOCMEM, 0, False),
    ],
)
def test_the_deploy_check_warns_about_a_per_process_cache(debug, caches_setting, seconds, warns):
    with override_settings(DEBUG=debug, CACHES=caches_setting, DIRECTORY_CACHE_SECONDS=seconds):
        ids = [message.id for message in search_cache.check_shared_cache()]

    assert ids == (["portal.W001"] if warns else [])


def test_check_deploy_fails_with_the_env_example_and_a_locmem_cache(tmp_path):
    result = manage(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", CACHE_URL="locmemcache://"
    )

    assert result.returncode != 0
    assert "portal.W001" in result.stderr
