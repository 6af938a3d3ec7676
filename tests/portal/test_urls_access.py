"""Every provider URL, for every role.

The URLs are collected by walking the URL resolver: every name in the
provider namespaces, and every view on ProviderAccessMixin in the portal
namespace. A later issue's URLs are picked up without touching this file,
except for:

- URLs with parameters: add a builder to URL_KWARGS that creates the object
  for the given organisation and returns the reverse() kwargs. Such URLs are
  also tried by a provider of another organisation, who must get a 404;
- views that do not answer a GET with 200 for their own provider (a wizard
  that redirects, a POST-only action): add the expected status to
  PROVIDER_STATUS, or the method to METHODS.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from portal.access import ProviderAccessMixin
from portal.models import Membership
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ServiceProviderFactory,
)

PROVIDER_NAMESPACES = {"providers", "establishments", "registrations", "projects"}


def _provider(organisation):
    return {"pk": ServiceProviderFactory(organisation=organisation).pk}


def _establishment(organisation):
    return {"pk": EstablishmentFactory(organisation=organisation).pk}


# "namespace:name" -> callable(organisation) -> kwargs for reverse().
URL_KWARGS = {
    "providers:detail": _provider,
    "providers:company-step-1": _provider,
    "providers:company-step-2": _provider,
    "establishments:detail": _establishment,
    "establishments:update": _establishment,
    "establishments:deactivate": _establishment,
    "establishments:reactivate": _establishment,
}
# "namespace:name" -> status a provider of the organisation gets (default 200).
PROVIDER_STATUS = {
    # Step 2 without step 1 in the session sends the person back to step 1.
    "providers:company-step-2": 302,
    "providers:create-step-2": 302,
    # POST actions redirect to the establishment's page.
    "establishments:deactivate": 302,
    "establishments:reactivate": 302,
}
# "namespace:name" -> HTTP method to use (default "get").
METHODS = {
    "establishments:deactivate": "post",
    "establishments:reactivate": "post",
}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(pattern.url_patterns, full)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, getattr(pattern.callback, "view_class", None)


def _is_provider_page(name, view_class):
    namespace = name.rpartition(":")[0]
    if namespace in PROVIDER_NAMESPACES:
        return True
    return (
        namespace == "portal"
        and view_class is not None
        and issubclass(view_class, ProviderAccessMixin)
        and view_class.profile == Membership.Profile.PROVIDER
    )


def provider_urls():
    return sorted(
        {
            name: view_class
            for name, view_class in _walk(get_resolver().url_patterns)
            if _is_provider_page(name, view_class)
        }.items()
    )


PROVIDER_URL_NAMES = [name for name, _view in provider_urls()]


def url_for(name, organisation):
    builder = URL_KWARGS.get(name)
    if builder is not None:
        return reverse(name, kwargs=builder(organisation))
    try:
        return reverse(name)
    except NoReverseMatch:
        pytest.fail(f"{name} takes parameters: add a builder to URL_KWARGS in {__name__}")


def request(client, name, url):
    return getattr(client, METHODS.get(name, "get"))(url)


@pytest.fixture
def org_a():
    return OrganisationFactory(name="Onderneming van Alice")


@pytest.fixture
def alice(org_a):
    """Provider for organisation A."""
    return MembershipFactory(organisation=org_a).user


@pytest.fixture
def bob():
    """Provider for another organisation."""
    return MembershipFactory().user


@pytest.fixture
def charlie(org_a):
    """Only the SME profile, and for organisation A at that."""
    return MembershipFactory(organisation=org_a, profile=Membership.Profile.SME).user


def test_the_walk_finds_the_provider_pages():
    for expected in (
        "portal:provider-menu",
        "portal:account",
        "providers:list",
        "establishments:list",
        "registrations:list",
        "projects:list",
    ):
        assert expected in PROVIDER_URL_NAMES
    assert "portal:home" not in PROVIDER_URL_NAMES
    assert "portal:sme-home" not in PROVIDER_URL_NAMES


@pytest.mark.parametrize(("name", "view_class"), provider_urls())
def test_every_provider_page_is_on_the_access_mixin(name, view_class):
    assert view_class is not None and issubclass(view_class, ProviderAccessMixin), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", PROVIDER_URL_NAMES)
def test_an_anonymous_visitor_is_sent_to_sign_in(client, org_a, name):
    url = url_for(name, org_a)

    response = request(client, name, url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", PROVIDER_URL_NAMES)
def test_an_sme_user_gets_the_no_access_page(client, org_a, charlie, name):
    url = url_for(name, org_a)
    client.force_login(charlie)

    response = request(client, name, url)

    assert response.status_code == 403
    assert "VLAIO Inkom Gebruiker Nieuw" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", PROVIDER_URL_NAMES)
def test_a_provider_of_the_organisation_gets_the_page(client, org_a, alice, name):
    url = url_for(name, org_a)
    client.force_login(alice)

    response = request(client, name, url)

    assert response.status_code == PROVIDER_STATUS.get(name, 200)


@pytest.mark.django_db
@pytest.mark.parametrize("name", [name for name in PROVIDER_URL_NAMES if name in URL_KWARGS])
def test_a_provider_of_another_organisation_gets_not_found(client, org_a, bob, name):
    url = url_for(name, org_a)
    client.force_login(bob)

    response = request(client, name, url)

    assert response.status_code == 404
