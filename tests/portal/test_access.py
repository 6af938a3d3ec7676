"""Access to provider pages, the active organisation, the menu and the account page.

Alice is a provider for organisation A, Bob for organisation B; Charlie holds
only the SME profile; Dave is a provider for both A and B.
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse
from django.views.generic import ListView

from organisations.models import Organisation
from portal.access import SESSION_ACTIVE_ORGANISATIONS, ProviderAccessMixin
from portal.models import Membership
from providers.models import ServiceProvider, Vakgebied
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    ServiceProviderFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(alice, org_a):
    MembershipFactory(user=alice, organisation=org_a)
    return alice


@pytest.fixture
def charlie():
    return MembershipFactory(profile=Membership.Profile.SME, user__first_name="Charlie").user


# --- The mixin ------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in_and_back(client):
    response = client.get(reverse("establishments:list"))

    assert response.status_code == 302
    assert response["Location"] == "/oidc/authenticate/?next=/dienstverlener/vestigingen/"


def test_an_sme_user_gets_a_helpful_no_access_page(client, charlie, settings):
    settings.ACCESS_MANAGEMENT_URL = "https://idm.example.test/"
    client.force_login(charlie)

    response = client.get(reverse("portal:provider-menu"))

    assert response.status_code == 403
    content = response.content.decode()
    assert "identiteitscontrole" in content
    assert "lokale beheerder" in content
    assert "VLAIO Inkom Gebruiker Nieuw" in content
    assert "Dienstverlener kmo-portefeuille" in content
    assert 'href="https://idm.example.test/"' in content
    assert "1700" in content
    assert 'profiel "Gebruiker"' in content


def test_a_provider_of_one_organisation_acts_for_it(client, alice, org_a):
    client.force_login(alice)

    response = client.get(reverse("portal:provider-menu"))

    assert response.status_code == 200
    assert response.wsgi_request.organisation == org_a
    assert response.context["organisation"] == org_a
    assert response.context["other_organisations"] == []


def test_a_provider_of_several_organisations_is_asked_to_choose(client, dave):
    client.force_login(dave)

    response = client.get(reverse("establishments:list"))

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("portal:choose-organisation") + "?next=%2Fdienstverlener%2Fvestigingen%2F"
    )


def test_the_choice_is_kept_and_leads_to_the_page_asked_for(client, dave, org_b):
    client.force_login(dave)
    choose = reverse("portal:choose-organisation")

    response = client.post(
        choose, {"organisation": org_b.pk, "next": "/dienstverlener/vestigingen/"}
    )

    assert response["Location"] == "/dienstverlener/vestigingen/"
    page = client.get(reverse("establishments:list"))
    assert page.context["organisation"] == org_b
    assert [org.pk for org in page.context["other_organisations"]] == [
        org.pk for org in Organisation.objects.exclude(pk=org_b.pk).filter(memberships__user=dave)
    ]


def test_the_choice_refuses_an_organisation_of_someone_else(client, dave):
    client.force_login(dave)
    other = OrganisationFactory()

    response = client.post(reverse("portal:choose-organisation"), {"organisation": other.pk})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert SESSION_ACTIVE_ORGANISATIONS not in client.session


def test_the_choice_ignores_an_outside_next_url(client, dave, org_a):
    client.force_login(dave)

    response = client.post(
        reverse("portal:choose-organisation"),
        {"organisation": org_a.pk, "next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("portal:provider-menu")


def test_a_remembered_choice_no_longer_backed_by_a_right_is_ignored(client, dave, org_a, org_b):
    client.force_login(dave)
    client.post(reverse("portal:choose-organisation"), {"organisation": org_b.pk})
    Membership.objects.filter(user=dave, organisation=org_b).delete()

    response = client.get(reverse("portal:provider-menu"))

    assert response.context["organisation"] == org_a


def test_the_choice_page_lists_only_own_organisations(client, dave, org_a, org_b):
    foreign = OrganisationFactory(name="Niet van Dave")
    client.force_login(dave)

    content = client.get(reverse("portal:choose-organisation")).content.decode()

    assert org_a.name in content and org_b.name in content
    assert foreign.name not in content
    assert "Hieronder moet u kiezen voor welke organisatie u precies wilt werken." in content


class ServiceProviderList(ProviderAccessMixin, ListView):
    model = ServiceProvider


def test_querysets_are_scoped_to_the_active_organisation(org_a, org_b):
    mine = ServiceProviderFactory(organisation=org_a)
    ServiceProviderFactory(organisation=org_b)
    view = ServiceProviderList()
    view.setup(RequestFactory().get("/"))
    view.organisation = org_a

    assert list(view.get_queryset()) == [mine]


def test_a_model_without_an_organisation_scope_fails_loudly(org_a):
    class VakgebiedList(ProviderAccessMixin, ListView):
        model = Vakgebied

    view = VakgebiedList()
    view.setup(RequestFactory().get("/"))
    view.organisation = org_a

    with pytest.raises(ImproperlyConfigured, match="for_organisation"):
        view.get_queryset()


# --- The menu ------------------------------------------------------------------------


def test_the_menu_shows_the_five_options_of_the_seed(client, alice):
    client.force_login(alice)

    content = client.get(reverse("portal:provider-menu")).content.decode()

    for label in (
        "2.1 Registraties beheren",
        "2.2 Dienstverleners aanmelden en beheren",
        "2.3 Vestigingen beheren",
        "2.4 Overzicht projecten",
        "Login en paswoord wijzigen",
    ):
        assert label in content
    assert "Duid een bewerking aan" in content


@pytest.mark.parametrize(
    ("choice", "url_name"),
    [
        ("registraties", "registrations:list"),
        ("dienstverleners", "providers:list"),
        ("vestigingen", "establishments:list"),
        ("projecten", "projects:list"),
        ("account", "portal:account"),
    ],
)
def test_verder_goes_to_the_chosen_page(client, alice, choice, url_name):
    client.force_login(alice)

    response = client.get(reverse("portal:provider-menu"), {"bewerking": choice})

    assert response["Location"] == reverse(url_name)


def test_verder_without_a_choice_says_what_to_do(client, alice):
    client.force_login(alice)

    response = client.get(reverse("portal:provider-menu"), {"bewerking": ""})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_navigation_marks_the_current_page(client, alice):
    client.force_login(alice)

    content = client.get(reverse("establishments:list")).content.decode()

    navigation = content.split('aria-label="Menu dienstverlener"')[1].split("</nav>")[0]
    assert f'href="{reverse("establishments:list")}" aria-current="page"' in navigation
    assert navigation.count("aria-current=") == 1


# --- The account page ---------------------------------------------------------------


def test_the_account_page_shows_who_is_signed_in_and_for_which_organisation(
    client, alice, org_a, settings
):
    settings.ACCESS_MANAGEMENT_URL = "https://idm.example.test/"
    client.force_login(alice)
    session = client.session
    session["portal_acr"] = "itsme"
    session.save()

    content = client.get(reverse("portal:account")).content.decode()

    assert alice.get_full_name() in content
    assert alice.email in content
    assert "itsme" in content
    assert org_a.name in content
    assert org_a.kbo_display in content
    assert "Dienstverlener kmo-portefeuille" in content
    assert 'href="https://idm.example.test/"' in content
    assert "Wissel van organisatie" not in content


def test_the_account_page_offers_a_targeted_switch_to_the_other_organisation(
    client, dave, org_a, org_b
):
    client.force_login(dave)
    client.post(reverse("portal:choose-organisation"), {"organisation": org_a.pk})

    response = client.get(reverse("portal:account"))

    assert [o["organisation"] for o in response.context["switch_options"]] == [org_b]
    content = response.content.decode()
    assert "Wissel van organisatie" in content
    assert f'value="{org_b.kbo_number}"' in content
    assert f'value="{org_a.kbo_number}"' not in content


# --- The SME side -------------------------------------------------------------------


def test_an_sme_user_sees_the_sme_page(client, charlie):
    client.force_login(charlie)

    response = client.get(reverse("portal:sme-home"))

    assert response.status_code == 200


def test_a_provider_without_the_sme_profile_is_refused_the_sme_page(client, alice):
    client.force_login(alice)

    response = client.get(reverse("portal:sme-home"))

    assert response.status_code == 403
    assert 'profiel "Gebruiker"' in response.content.decode()
