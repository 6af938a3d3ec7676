"""Fixtures of the browser journeys: the portal and the stand-in on one live server."""

import pytest

from standin import demo
from tests.browser.journeys import connect_portal_to_standin


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads (audit reports) of a journey go to its own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def sites(live_server, settings, standin_application):
    """The stand-in's demo people, and the portal connected to the stand-in."""
    demo.load()
    return connect_portal_to_standin(
        live_server=live_server, settings=settings, standin_application=standin_application
    )
