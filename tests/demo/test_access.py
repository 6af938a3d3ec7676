"""The demo's Tom Peeters: the portal remembers his lapsed right (demo.access)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from demo.identities import DEMO_LAPSED_PERSON, DEMO_ORGANISATIONS, demo_subject
from portal.models import LapsedMembership

TOM = DEMO_LAPSED_PERSON["national_number"]
SCHELDE_KBO, SCHELDE = DEMO_ORGANISATIONS[0]

pytestmark = pytest.mark.django_db


def test_tom_s_lapsed_right_is_loaded_once_for_the_subject_the_stand_in_gives_him(loaded):
    (lapsed,) = LapsedMembership.objects.filter(user__oidc_subject=str(demo_subject(TOM)))
    assert lapsed.organisation.kbo_number == SCHELDE_KBO
    assert lapsed.last_confirmed_at < lapsed.missing_since
    assert lapsed.user.get_full_name() == "Tom Peeters"


def test_tom_s_page_names_the_right_the_organisation_and_the_dates(loaded, client):
    lapsed = LapsedMembership.objects.get(user__oidc_subject=str(demo_subject(TOM)))
    client.force_login(lapsed.user)

    response = client.get(reverse("portal:after-login"))

    assert response.status_code == 403
    html = response.content.decode().replace("&quot;", '"')
    right = '"VLAIO Inkom Gebruiker Nieuw" met het profiel "Dienstverlener kmo-portefeuille"'
    assert f"{right} voor {SCHELDE}" in html
    # The page gives the day in Belgium: after 23:00 UTC that is already the next one.
    assert f"{timezone.localtime(lapsed.last_confirmed_at):%d/%m/%Y}" in html
