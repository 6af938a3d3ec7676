"""Every provider URL and every SME URL, for every role.

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

from portal.access import ProviderAccessMixin, SMEAccessMixin
from portal.models import Membership
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    ProjectFactory,
    RegistrationFactory,
    ServiceProviderFactory,
)

PROVIDER_NAMESPACES = {"providers", "establishments", "registrations", "projects"}


def _provider(organisation):
    return {"pk": ServiceProviderFactory(organisation=organisation).pk}


def _establishment(organisation):
    return {"pk": EstablishmentFactory(organisation=organisation).pk}


def _registration_request(organisation):
    """A pending request (with its audit report on disk) of one of the organisation's providers."""
    provider = ServiceProviderFactory(organisation=organisation)
    return {"pk": RegistrationFactory(service_provider=provider).pk}


def _registration_in_force(organisation):
    provider = ServiceProviderFactory(organisation=organisation)
    return {"pk": RegistrationFactory(service_provider=provider, approved=True).pk}


def _registration_provider(organisation):
    return {"provider_pk": ServiceProviderFactory(organisation=organisation).pk}


def _project(organisation):
    """A filed dossier naming one of the organisation's service providers."""
    return {"pk": ProjectFactory(service_provider__organisation=organisation).pk}


# "namespace:name" -> callable(organisation) -> kwargs for reverse().
URL_KWARGS = {
    "providers:detail": _provider,
    "providers:company-step-1": _provider,
    "providers:company-step-2": _provider,
    "establishments:detail": _establishment,
    "establishments:update": _establishment,
    "establishments:deactivate": _establishment,
    "establishments:reactivate": _establishment,
    "registrations:create": _registration_provider,
    "registrations:detail": _registration_request,
    "registrations:cancel": _registration_request,
    "registrations:audit-report": _registration_request,
    "registrations:certificate": _registration_in_force,
    "projects:detail": _project,
    "projects:confirm": _project,
    "projects:refuse": _project,
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


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (audit reports) go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def org_a():
    return OrganisationFactory(name="Onderneming van Alice")


@pytest.fixture
def alice(alice, org_a):
    """Provider for organisation A."""
    MembershipFactory(user=alice, organisation=org_a)
    return alice


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


# --- The SME side (profile "Gebruiker") ----------------------------------------------
#
# Every name in the SME namespaces, and every view on SMEAccessMixin in the portal
# namespace, for every role: anonymous -> sign-in, provider-only user -> "Geen
# toegang" (403), SME user of the organisation -> the page, SME user of another
# organisation -> 404 for the organisation's own objects. Add a builder to
# SME_URL_KWARGS for a URL with parameters; SME_OWN_OBJECTS names those whose
# builder creates an object of the organisation (the 404 check).

SME_NAMESPACES = {"sme-projects"}


def _client_project(organisation):
    """A dossier the organisation filed as the client."""
    return {"pk": ProjectFactory(client=organisation).pk}


def _listed_provider(organisation):
    """A publicly listed service provider (of someone else) that an SME can name."""
    registration = RegistrationFactory(approved=True)
    return {"provider_pk": registration.service_provider_id}


SME_URL_KWARGS = {
    "sme-projects:detail": _client_project,
    "sme-projects:stop": _client_project,
    "sme-projects:create": _listed_provider,
    "sme-projects:confirm": _listed_provider,
}
SME_OWN_OBJECTS = {"sme-projects:detail", "sme-projects:stop"}
# "namespace:name" -> status an SME user of the organisation gets (default 200).
SME_STATUS = {
    # "Controleer en dien in" without an application in the session: back to the form.
    "sme-projects:confirm": 302,
}


def _is_sme_page(name, view_class):
    namespace = name.rpartition(":")[0]
    if namespace in SME_NAMESPACES:
        return True
    return (
        namespace == "portal"
        and view_class is not None
        and issubclass(view_class, SMEAccessMixin)
        and view_class.profile == Membership.Profile.SME
    )


def sme_urls():
    return sorted(
        {
            name: view_class
            for name, view_class in _walk(get_resolver().url_patterns)
            if _is_sme_page(name, view_class)
        }.items()
    )


SME_URL_NAMES = [name for name, _view in sme_urls()]


def sme_url_for(name, organisation):
    builder = SME_URL_KWARGS.get(name)
    if builder is not None:
        return reverse(name, kwargs=builder(organisation))
    try:
        return reverse(name)
    except NoReverseMatch:
        pytest.fail(f"{name} takes parameters: add a builder to SME_URL_KWARGS in {__name__}")


@pytest.fixture
def erin():
    """SME user of another organisation."""
    return MembershipFactory(profile=Membership.Profile.SME).user


def test_the_walk_finds_the_sme_pages():
    for expected in (
        "portal:sme-home",
        "sme-projects:list",
        "sme-projects:choose-provider",
        "sme-projects:detail",
    ):
        assert expected in SME_URL_NAMES
    assert "projects:list" not in SME_URL_NAMES


@pytest.mark.parametrize(("name", "view_class"), sme_urls())
def test_every_sme_page_is_on_the_sme_access_mixin(name, view_class):
    assert view_class is not None and issubclass(view_class, SMEAccessMixin), name


@pytest.mark.django_db
@pytest.mark.parametrize("name", SME_URL_NAMES)
def test_an_anonymous_visitor_of_an_sme_page_is_sent_to_sign_in(client, org_a, name):
    url = sme_url_for(name, org_a)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


@pytest.mark.django_db
@pytest.mark.parametrize("name", SME_URL_NAMES)
def test_a_provider_only_user_gets_the_no_access_page_on_an_sme_page(client, org_a, alice, name):
    url = sme_url_for(name, org_a)
    client.force_login(alice)

    response = client.get(url)

    assert response.status_code == 403
    assert response.context["required_profile"] == Membership.Profile.SME


@pytest.mark.django_db
@pytest.mark.parametrize("name", SME_URL_NAMES)
def test_an_sme_user_of_the_organisation_gets_the_sme_page(client, org_a, charlie, name):
    url = sme_url_for(name, org_a)
    client.force_login(charlie)

    response = client.get(url)

    assert response.status_code == SME_STATUS.get(name, 200)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SME_OWN_OBJECTS))
def test_an_sme_user_of_another_organisation_gets_not_found(client, org_a, erin, name):
    url = sme_url_for(name, org_a)
    client.force_login(erin)

    response = client.get(url)

    assert response.status_code == 404
