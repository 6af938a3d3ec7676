"""The topic filter of the public search (`onderwerp=cybersecurity`): an SME finds the
providers of cybersecurity advice and training, the only advice the scheme supports since
1 February 2026; an advice provider's result says so."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from directory.selectors import provider_search
from tests.directory.search_support import provider

pytestmark = pytest.mark.django_db

SEARCH = reverse("directory:search")


@pytest.fixture(autouse=True)
def no_rate_limit(settings):
    settings.RATELIMIT_ENABLE = False


def names(result):
    return {item.name for item in result.page(1, per_page=100).object_list}


def test_the_topic_keeps_ict_providers_and_those_that_say_cyber(corpus):
    cyber_advice = provider(
        "Weerbaar Advies",
        description="Advies over cyberweerbaarheid en phishing.",
        vakgebieden=["Organisatie en kwaliteit"],
        types=("A",),
    )

    found = names(provider_search(topic="cybersecurity"))

    assert found == {corpus["digitaal"].name, cyber_advice.name}


def test_the_topic_combines_with_the_service_type(corpus):
    provider(
        "Weerbaar Advies",
        description="Advies over cyberweerbaarheid.",
        vakgebieden=["Organisatie en kwaliteit"],
        types=("A",),
    )
    found = names(provider_search(topic="cybersecurity", service_types=["O"]))
    assert found == {corpus["digitaal"].name}


def test_the_search_page_takes_onderwerp_and_an_advice_result_says_the_rule(client, corpus):
    provider(
        "Weerbaar Advies",
        description="Advies over cyberweerbaarheid.",
        vakgebieden=["Organisatie en kwaliteit"],
        types=("A",),
    )
    html = client.get(SEARCH, {"onderwerp": "cybersecurity"}).content.decode()

    assert "Weerbaar Advies" in html
    assert corpus["digitaal"].name in html
    assert corpus["taal"].name not in html
    if timezone.localdate() >= datetime.date(2026, 2, 1):
        assert "Advies krijgt sinds 1 februari 2026 alleen nog steun" in html


def test_an_unknown_topic_is_said_next_to_the_field(client, corpus):
    html = client.get(SEARCH, {"onderwerp": "marketing"}).content.decode()
    assert "Kies een onderwerp uit de lijst." in html
