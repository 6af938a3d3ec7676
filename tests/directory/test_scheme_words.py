"""Words of the scheme: "advies" and "opleiding" find the providers registered for that
service type on the day of the search (directory.index stores the type's lexeme)."""

import datetime

import pytest
from django.utils import timezone

from directory.selectors import provider_search
from directory.tasks import search_documents_listing_refresh
from registrations.models import Registration
from tests.directory.search_support import keys, provider, register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def found(corpus, text, engine=None):
    result = provider_search(text=text, text_search=engine)
    return keys(corpus, result.page(1, per_page=50).object_list)


@pytest.fixture
def trainer():
    """A trainer whose texts never say "advies", registered for training only."""
    return provider("Houtatelier Hamme", description="Meubelmaken voor beginners.")


@pytest.mark.parametrize("engine", ["portable", None])
def test_a_registration_decided_for_advice_makes_advies_find_the_provider(trainer, engine):
    corpus = {"trainer": trainer}
    assert found(corpus, "advies", engine) == set()
    assert found(corpus, "opleidingen", engine) == {"trainer"}

    register(trainer, "A")

    assert found(corpus, "advies", engine) == {"trainer"}
    assert found(corpus, "adviezen", engine) == {"trainer"}


def test_the_nightly_refresh_forgets_a_type_whose_registration_ended_yesterday(trainer):
    corpus = {"trainer": trainer}
    advice = register(trainer, "A")
    assert found(corpus, "advies") == {"trainer"}
    # Validity ends without a save (the calendar moves on): the document still says advies.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Registration.objects.filter(pk=advice.pk).update(valid_until=yesterday)
    assert found(corpus, "advies") == {"trainer"}

    results = [search_documents_listing_refresh.apply().get() for _ in range(2)]

    assert results == [1, 1]
    assert found(corpus, "advies") == set()
    assert found(corpus, "opleiding") == {"trainer"}


def test_the_nightly_refresh_empties_the_results_cache_when_it_changed_a_document(
    trainer, django_capture_on_commit_callbacks
):
    from directory import cache

    advice = register(trainer, "A")
    Registration.objects.filter(pk=advice.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    before = cache.listing_version()
    with django_capture_on_commit_callbacks(execute=True):
        search_documents_listing_refresh.apply().get()
    assert cache.listing_version() != before
