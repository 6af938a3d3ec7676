"""The directory's test providers: one corpus for every module of the public search."""

import pytest

from tests.directory.search_support import build_corpus


@pytest.fixture
def corpus(db):
    """The providers of the search tests, by a short key (tests/directory/search_support.py)."""
    return build_corpus()
