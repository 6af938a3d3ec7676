"""Fixtures of the portal's tests."""

import pytest

from tests.portal.oidc_support import FakeOP


@pytest.fixture
def op(settings):
    """A fake OpenID provider that the portal's OIDC settings point at."""
    with FakeOP(settings) as fake:
        yield fake
