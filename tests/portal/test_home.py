import pytest
from django.urls import NoReverseMatch, reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(client):
    return client.get(reverse("portal:home"))


def test_it_renders_in_dutch(home):
    assert home.status_code == 200
    assert '<html lang="nl' in home.text
    assert "Werken met de kmo-portefeuille" in home.text
    assert "Agentschap Innoveren & Ondernemen" in home.text


def test_it_has_landmarks_and_a_skip_link_to_the_main_content(home):
    html = home.text
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert "Vlaanderen" in html
    assert "is ondernemen" in html


def test_it_offers_the_provider_login(home):
    assert f'href="{reverse("oidc_authentication_init")}"' in home.text
    assert "Login dienstverleners" in home.text


def test_it_explains_how_smes_apply_for_subsidies(home):
    assert "Subsidies aanvragen" in home.text


def test_it_offers_enterprises_their_own_sign_in_that_lands_on_their_applications(home):
    sme_login = f"{reverse('oidc_authentication_init')}?next=%2Fkmo%2Fdossiers%2F"
    assert reverse("sme-projects:list") == "/kmo/dossiers/"
    assert f'href="{sme_login}">Login ondernemingen</a>' in home.text


def test_it_links_to_the_provider_search_only_when_it_exists(home):
    try:
        search_url = reverse("directory:search")
    except NoReverseMatch:
        assert "Zoek een geregistreerde dienstverlener" not in home.text
    else:
        assert f'href="{search_url}"' in home.text


def test_it_shows_the_support_phone_number(home):
    assert "1700" in home.text
    assert "+32 2 553 1700" in home.text


def test_it_offers_a_language_switch_that_posts_to_set_language(home):
    assert f'action="{reverse("set_language")}"' in home.text
    assert 'name="language" value="en"' in home.text
    assert 'name="csrfmiddlewaretoken"' in home.text


def test_it_switches_the_page_language_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("portal:home"))
    assert '<html lang="en"' in response.text


def test_it_hides_the_logout_button_from_anonymous_visitors(home):
    assert reverse("oidc_logout") not in home.text
    assert "Afmelden" not in home.text


def test_it_shows_the_user_and_a_logout_form_when_signed_in(client):
    user = UserFactory(first_name="Alice", last_name="Peeters")
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert "Alice Peeters" in response.text
    assert f'<form method="post" action="{reverse("oidc_logout")}">' in response.text
    assert "Afmelden" in response.text
