"""Smoke tests of the benchmark (manage.py benchmark) with tiny volumes, so that it
cannot rot: the seeder on every database, the command itself on PostgreSQL."""

import os
import re
import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q
from django.template.base import Template
from django.urls import NoReverseMatch

import directory.views
from benchmarks import load_modules
from benchmarks.directory import (
    LONG_TAIL_SEARCHES,
    TIMED_PARTS,
    long_tail_paths,
    long_tail_profile,
    search_kind,
    seed_directory,
)
from benchmarks.measure import _wrk_load, measure_scenario, percentile
from benchmarks.registry import SCENARIOS, THROUGHPUTS, Scenario
from benchmarks.report import (
    END_MARKER,
    LONG_TAIL_CACHED,
    LONG_TAIL_UNCACHED,
    START_MARKER,
    update_markdown_file,
)
from core import validators
from directory.presentation import result_cards
from establishments.models import Establishment
from organisations.models import Organisation, Postcode
from providers.models import ServiceProvider
from registrations.models import Registration
from registrations.selectors import listed_service_providers
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DJANGO_TEMPLATE_RENDER = Template.render

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the benchmark command runs on PostgreSQL only"
)
on_sqlite = pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
# wrk drives the throughput runs; CI installs it (and fails without it), elsewhere the
# test says what is missing.
needs_wrk = pytest.mark.skipif(
    shutil.which("wrk") is None and not os.environ.get("CI"),
    reason="wrk is not installed (`apt-get install wrk`, or run `make test` as root)",
)

TINY = {"providers": 30, "establishments": 80}


def _seed(rng_seed="test"):
    seed_directory(volumes=TINY, rng_seed=rng_seed, log=lambda *args: None)


def _snapshot():
    return (
        list(
            ServiceProvider.objects.order_by("pk").values_list("name", "kbo_number", "description")
        ),
        list(Establishment.objects.order_by("pk").values_list("postcode", "is_active")),
        list(Registration.objects.order_by("pk").values_list("number", "status", "valid_until")),
    )


def _empty():
    Registration.objects.all().delete()
    Organisation.objects.all().delete()


def test_the_seeder_writes_the_asked_volumes():
    _seed()

    assert ServiceProvider.objects.count() == 30
    assert Establishment.objects.count() == 80
    assert Organisation.objects.count() <= 30


def test_every_organisation_has_its_registered_office_and_a_valid_kbo_number():
    _seed()

    organisations = list(
        Organisation.objects.annotate(
            offices=Count("establishments", filter=Q(establishments__is_registered_office=True))
        )
    )
    assert organisations
    assert [o.kbo_number for o in organisations if o.offices != 1] == []
    numbers = [o.kbo_number for o in organisations]
    numbers += list(ServiceProvider.objects.values_list("kbo_number", flat=True))
    for number in numbers:  # raises ValidationError on a wrong number
        validators.validate_kbo_number(number)


def test_providers_have_one_to_five_vakgebieden_and_a_presentation_of_at_most_1000_characters():
    _seed()

    providers = list(ServiceProvider.objects.annotate(count=Count("vakgebieden")))
    assert len(providers) == 30
    assert [p.name for p in providers if not 1 <= p.count <= 5] == []
    assert [p.name for p in providers if not 0 < len(p.description) <= 1000] == []


def test_establishments_lie_on_real_postcodes_with_their_coordinates():
    _seed()

    establishments = list(Establishment.objects.all())
    assert len(establishments) == 80
    for establishment in establishments:
        place = Postcode.objects.filter(
            postcode=establishment.postcode, municipality_nl=establishment.municipality
        ).first()
        assert place is not None
        assert (establishment.latitude, establishment.longitude) == (
            place.latitude,
            place.longitude,
        )


def test_most_providers_are_listed_and_numbers_follow_the_format():
    _seed()

    assert listed_service_providers().count() >= 15
    numbers = Registration.objects.exclude(number="").values_list("number", flat=True)
    assert numbers
    assert all(re.fullmatch(r"DV\.[OA]\d{6}", number) for number in numbers)


def test_the_same_seed_gives_the_same_rows():
    _seed()
    first = _snapshot()
    _empty()

    _seed()

    assert _snapshot() == first


def test_another_seed_gives_other_rows():
    _seed("one")
    first = _snapshot()
    _empty()

    _seed("two")

    assert _snapshot() != first


def test_percentiles_are_nearest_rank():
    values = list(range(1, 31))

    assert percentile(values, 0.5) == 15
    assert percentile(values, 0.95) == 29
    assert percentile([7.0], 0.95) == 7.0


def test_a_scenario_is_timed_and_its_queries_counted():
    scenario = Scenario(name="trivial", group="test", url_name="portal:health", max_queries=0)

    result = measure_scenario(scenario, repeats=4, warmup=1)

    assert result.status == 200
    assert result.path == "/gezondheid/"
    assert result.queries == 0
    assert len(result.times_ms) == 4
    assert result.meets_time and result.meets_queries


def test_the_scenarios_cover_the_query_set_of_issue_6():
    load_modules()
    search = {scenario.name for scenario in SCENARIOS if scenario.group == "search"}

    assert search == {
        "rare word",
        "common word",
        "vakgebied + 25 km",
        "two filters, no text",
        "typo",
        "page 20",
        "place, 25 km",
        "large city, 50 km",
        "text + place",
        "by distance",
        "two common words",
        "compound",
        "rare word by distance",
    }
    assert all(
        scenario.p95_ms == 50 and scenario.max_queries == 6
        for scenario in SCENARIOS
        if scenario.group == "search"
    )


def test_the_markdown_figures_replace_only_the_section_between_the_markers(tmp_path):
    path = tmp_path / "performance.md"
    path.write_text(f"# Intro\n\ntext\n\n{START_MARKER}\nold\n{END_MARKER}\n\n## After\n")

    update_markdown_file(path, f"{START_MARKER}\nnew\n{END_MARKER}")

    text = path.read_text()
    assert "old" not in text
    assert "new" in text
    assert text.startswith("# Intro\n\ntext\n\n")
    assert text.endswith("\n\n## After\n")


@needs_wrk
def test_wrk_counts_the_requests_of_every_path(live_server):
    port = int(live_server.url.rsplit(":", 1)[1])

    requests, errors, seconds = _wrk_load(
        port, ["/gezondheid/", "/gezondheid/?twee"], seconds=1, concurrency=2
    )

    assert requests > 0
    assert errors == 0
    assert seconds >= 0.5


@on_sqlite
def test_the_command_refuses_sqlite_with_a_clear_message():
    with pytest.raises(CommandError, match="PostgreSQL only"):
        call_command("benchmark", providers=5, establishments=10, stdout=StringIO())


def _run(**options):
    out = StringIO()
    defaults = {
        **TINY,
        "repeats": 2,
        "warmup": 1,
        "no_throughput": True,
        "stdout": out,
        "stderr": StringIO(),
    }
    call_command("benchmark", **{**defaults, **options})
    return out.getvalue()


@on_postgresql
def test_the_command_seeds_once_measures_and_writes_the_figures(tmp_path):
    figures = tmp_path / "performance.md"

    first = _run(markdown=str(figures), long_tail=10)
    second = _run(seed_only=True)

    assert "Seeded directory" in first
    assert "Long tail, first 10 searches in-process, cache off: mean" in first
    assert "already seeded" in second
    assert ServiceProvider.objects.count() == 30
    assert "trivial view" in first
    text = figures.read_text()
    assert START_MARKER in text and END_MARKER in text
    assert "| trivial view | `/gezondheid/` | 200 | 0 | 0 |" in text


@on_postgresql
def test_every_measured_scenario_answers_200_on_the_tiny_data_set(settings):
    load_modules()
    _run(seed_only=True)
    # As the command does: one client address would otherwise meet the rate limit.
    settings.RATELIMIT_ENABLE = False

    for scenario in SCENARIOS:
        try:
            result = measure_scenario(scenario, repeats=1, warmup=0)
        except NoReverseMatch:
            continue  # a page whose feature has not landed yet
        assert result.status == 200, scenario.name


@on_postgresql
def test_the_command_refuses_a_database_with_other_data():
    OrganisationFactory()

    with pytest.raises(CommandError, match="--force"):
        _run()


@on_postgresql
def test_other_volumes_need_reseed():
    _run(seed_only=True)

    with pytest.raises(CommandError, match="--reseed"):
        _run(seed_only=True, providers=20, establishments=40)
    _run(seed_only=True, providers=20, establishments=40, reseed=True)

    assert ServiceProvider.objects.count() == 20
    assert Establishment.objects.count() == 40


def test_the_long_tail_is_thousands_of_different_searches_that_the_page_accepts(client, settings):
    settings.DIRECTORY_CACHE_SECONDS = 0
    _seed()

    paths = long_tail_paths()

    assert len(paths) == len(set(paths)) == LONG_TAIL_SEARCHES >= 2000
    assert long_tail_paths() == paths  # the same searches in every run
    # Each kind of search is there: text, a place, a vakgebied, a type, a sort, a page.
    for parameter in ("q=", "plaats=", "vakgebied=", "type=", "sorteer=afstand", "page="):
        assert sum(parameter in path for path in paths) > 100, parameter
    # Every one of them is a search the page runs (no error page, no form error).
    for path in paths[:40]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert not response.context["form"].errors, path


def test_the_long_tail_is_measured_with_and_without_the_results_cache():
    load_modules()
    cached, uncached = THROUGHPUTS[LONG_TAIL_CACHED], THROUGHPUTS[LONG_TAIL_UNCACHED]

    assert cached.paths is uncached.paths is long_tail_paths
    assert "DIRECTORY_CACHE_SECONDS" not in cached.environment
    assert uncached.environment == {"DIRECTORY_CACHE_SECONDS": "0"}


def test_a_long_tail_search_is_known_by_what_it_combines():
    assert search_kind("/zoeken/?q=advies") == "text"
    assert search_kind("/zoeken/?q=advies+opleiding&plaats=Gent&straal=25") == "2words+place"
    assert (
        search_kind("/zoeken/?plaats=9000&sorteer=afstand&type=A&vakgebied=ict")
        == "place+vakgebied+type+distance"
    )


def test_the_long_tail_profile_splits_each_searchs_time_into_sql_and_python(client, settings):
    settings.DIRECTORY_CACHE_SECONDS = 0
    settings.RATELIMIT_ENABLE = False
    _seed()

    profile = long_tail_profile(30, client=client)

    assert profile.count == 30
    assert set(profile.kinds) == {search_kind(path) for path in long_tail_paths()[:30]}
    assert 0 < profile.sql_seconds < profile.seconds
    assert all(1 <= most <= 6 for *_times, most in profile.kinds.values())
    assert set(profile.parts) == set(TIMED_PARTS)
    assert all(0 < seconds < profile.seconds for seconds in profile.parts.values())
    report = profile.lines()
    assert report[0].startswith("Long tail, first 30 searches in-process, cache off: mean")
    assert len(report) == 2 + len(profile.kinds) + 1 + len(TIMED_PARTS)
    # The methods are theirs again once the profile is done.
    assert Template.render is DJANGO_TEMPLATE_RENDER
    assert directory.views.result_cards is result_cards
