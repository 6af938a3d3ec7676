"""Security headers on every page: a strict Content-Security-Policy, a Permissions-Policy,
and no caching of anything a signed-in person sees or of the sign-in itself.

"Every page" is walked, not listed: the public pages, every provider and SME page of
the URL-by-role test (tests/portal/test_urls_access.py, with its builders for URLs with
parameters), the stand-in's pages, and the admin's index, change lists and add forms of
every registered model. The production values of the same headers and the cookies are
checked in test_production_headers.py.
"""

import base64
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from portal.models import Membership
from standin import demo
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.portal.test_urls_access import (
    PROVIDER_URL_NAMES,
    SME_URL_NAMES,
    request,
    sme_url_for,
    url_for,
)

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:"}
UNSAFE_SOURCES |= {"https:"}
# Installed with the stand-in only (never in production): their admin is not walked.
DEVELOPMENT_APPS = {"oauth2_provider", "standin"}
DISABLED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (audit reports) of the walk go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path


# --- The walk ------------------------------------------------------------------------------


def public_pages(client):
    listed = RegistrationFactory(approved=True).service_provider
    client.get(reverse("oidc_authentication_init"))
    yield "home", client.get(reverse("portal:home"))
    yield "search", client.get(reverse("directory:search"), {"q": "advies"})
    yield "public provider", client.get(reverse("directory:detail", args=[listed.pk]))
    yield "not found", client.get("/bestaat-niet/")
    yield "sign-in start", client.get(reverse("oidc_authentication_init"))
    yield (
        "sign-in failed",
        client.get(reverse("oidc_authentication_callback"), {"state": "x", "code": "y"}),
    )
    yield "admin login", client.get(reverse("admin:login"))
    yield "health", client.get(reverse("portal:health"))


def provider_pages(client):
    organisation = OrganisationFactory()
    alice = MembershipFactory(organisation=organisation).user
    client.force_login(alice)
    yield "provider menu", client.get(reverse("portal:provider-menu"))
    for name in PROVIDER_URL_NAMES:
        yield name, request(client, name, url_for(name, organisation))


def sme_pages(client):
    organisation = OrganisationFactory()
    charlie = MembershipFactory(organisation=organisation, profile=Membership.Profile.SME).user
    client.force_login(charlie)
    for name in SME_URL_NAMES:
        yield name, client.get(sme_url_for(name, organisation))


def standin_pages(client):
    people = demo.load()
    yield "stand-in start", client.get(reverse("standin:home"))
    yield "stand-in sign-in", client.get(reverse("standin:sign-in"))
    yield "stand-in check", client.get(reverse("standin:sign-in-check", args=["itsme"]))
    client.post(
        reverse("standin:sign-in-check", args=["itsme"]), {"person": str(people["marleen"].uuid)}
    )
    yield "stand-in IDM", client.get(reverse("standin:idm-home"))


def admin_pages(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    yield "admin index", client.get(reverse("admin:index"))
    for model in admin.site._registry:
        opts = model._meta
        if opts.app_label in DEVELOPMENT_APPS:
            continue
        for view in ("changelist", "add"):
            name = f"admin:{opts.app_label}_{opts.model_name}_{view}"
            yield name, client.get(reverse(name))


WALKS = {
    "public": public_pages,
    "provider": provider_pages,
    "sme": sme_pages,
    "standin": standin_pages,
    "admin": admin_pages,
}
SIGNED_IN_WALKS = ("provider", "sme", "admin")


@pytest.fixture(params=sorted(WALKS))
def walk(request, client, settings):
    settings.RATELIMIT_ENABLE = False
    return request.param, list(WALKS[request.param](client))


@pytest.fixture(params=SIGNED_IN_WALKS)
def signed_in_walk(request, client, settings):
    settings.RATELIMIT_ENABLE = False
    return request.param, list(WALKS[request.param](client))


def failures(pages, check):
    """`check(response)` returns what is wrong; every page's problems, by page."""
    found = {}
    for name, response in pages:
        problems = check(response)
        if problems:
            found[name] = problems
    return found


# --- Content-Security-Policy ---------------------------------------------------------------


def directives(response):
    header = response.get("Content-Security-Policy", "")
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


class InlineCode(HTMLParser):
    """Collects inline <script> and <style> bodies, event-handler attributes, style
    attributes and javascript: URLs of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts = []
        self.styles = []
        self.handlers = []
        self.style_attributes = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.handlers.append(f"<{tag} {name}=javascript:>")
        if "style" in attributes:
            self.style_attributes.append(f"<{tag} style={attributes['style']!r}>")
        if tag == "script" and "src" not in attributes:
            self._open = ("script", attributes.get("nonce"), [])
        elif tag == "style":
            self._open = ("style", attributes.get("nonce"), [])

    def handle_data(self, data):
        if self._open:
            self._open[2].append(data)

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            kind, nonce, body = self._open
            (self.scripts if kind == "script" else self.styles).append((nonce, "".join(body)))
            self._open = None


def sha256_source(text):
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


def csp_problems(response):
    policy = directives(response)
    if not policy:
        return ["no Content-Security-Policy"]
    problems = []
    default = policy.get("default-src", [])
    if default not in (["'self'"], ["'none'"]):
        problems.append(f"default-src {default}")
    for directive in ("script-src", "style-src", "object-src"):
        unsafe = UNSAFE_SOURCES & set(policy.get(directive, default))
        if unsafe:
            problems.append(f"{directive} allows {sorted(unsafe)}")
    if not response.get("Content-Type", "").startswith("text/html"):
        return problems
    for directive in ("object-src", "base-uri", "frame-ancestors"):
        if policy.get(directive) != ["'none'"]:
            problems.append(f"{directive} {policy.get(directive)}")
    if "'self'" not in policy.get("form-action", []):
        problems.append(f"form-action {policy.get('form-action')}")
    page = InlineCode()
    page.feed(response.content.decode())
    nonces = {source for source in policy.get("script-src", []) if source.startswith("'nonce-")}
    for nonce, body in page.scripts:
        if body.strip() and f"'nonce-{nonce}'" not in nonces:
            problems.append(f"inline script without the page's nonce: {body.strip()[:60]!r}")
    for _nonce, body in page.styles:
        if sha256_source(body) not in policy.get("style-src", default):
            problems.append(f"inline style not allowed by its hash: {body.strip()[:60]!r}")
    problems += page.handlers
    return problems


def test_every_page_has_a_strict_csp(walk):
    group, pages = walk

    assert failures(pages, csp_problems) == {}, group


def test_the_templates_have_no_inline_script_style_or_handler():
    """Every template of the portal: JavaScript comes from static files only."""
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        page = InlineCode()
        page.feed(path.read_text())
        problems = [body for _nonce, body in page.scripts + page.styles if body.strip()]
        problems += page.handlers + page.style_attributes
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems

    assert found == {}


def test_the_sign_out_form_may_post_to_the_op(client, settings):
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://authenticatie.vlaanderen.be/op/v1/auth"
    settings.OIDC_OP_LOGOUT_ENDPOINT = "https://authenticatie.vlaanderen.be/op/v1/logout"

    policy = directives(client.get(reverse("portal:home")))

    assert policy["form-action"] == ["'self'", "https://authenticatie.vlaanderen.be"]


def test_the_standin_sign_in_may_send_the_browser_on_to_its_clients(
    client, settings, standin_application
):
    """Signing in at the stand-in (localhost) ends at the portal's callback (127.0.0.1):
    a form's redirects are held to form-action."""
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "http://localhost:8000/standin/op/authorize/"
    settings.OIDC_OP_LOGOUT_ENDPOINT = "http://localhost:8000/standin/op/logout/"
    standin_application(
        redirect_uris=["http://127.0.0.1:8000/oidc/callback/"],
        post_logout_redirect_uris=["http://127.0.0.1:8000/"],
    )

    policy = directives(client.get(reverse("standin:sign-in-check", args=["itsme"])))

    assert sorted(policy["form-action"]) == [
        "'self'",
        "http://127.0.0.1:8000",
        "http://localhost:8000",
    ]
    assert directives(client.get(reverse("portal:home")))["form-action"] == [
        "'self'",
        "http://localhost:8000",
    ]


def test_a_nonce_is_in_the_policy_only_when_a_page_uses_one(client):
    policy = directives(client.get(reverse("portal:home")))

    assert policy["script-src"] == ["'self'"]


# --- Permissions-Policy --------------------------------------------------------------------


def permissions_policy_problems(response):
    header = response.get("Permissions-Policy", "")
    features = dict(item.strip().split("=", 1) for item in header.split(",") if "=" in item)
    return [
        f"{feature}={features.get(feature)}"
        for feature in DISABLED_FEATURES
        if features.get(feature) != "()"
    ]


def test_every_page_has_a_permissions_policy(walk):
    group, pages = walk

    assert failures(pages, permissions_policy_problems) == {}, group


# --- No caching of what is personal ---------------------------------------------------------


def cache_problems(response):
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    problems = []
    if not {"no-store", "private"} <= directives:
        problems.append(f"Cache-Control: {response.get('Cache-Control')}")
    if response.get("Pragma") != "no-cache":
        problems.append(f"Pragma: {response.get('Pragma')}")
    if "Expires" not in response:
        problems.append("no Expires")
    return problems


def test_an_authenticated_page_is_not_cacheable(signed_in_walk):
    group, pages = signed_in_walk

    assert failures(pages, cache_problems) == {}, group


@pytest.mark.parametrize(
    "path",
    [
        "/oidc/authenticate/",
        "/oidc/callback/?state=x&code=y",
        "/admin/login/",
        "/standin/",
        "/standin/aanmelden/itsme/",
    ],
)
def test_the_sign_in_flows_are_not_cacheable(client, path):
    demo.load()

    assert cache_problems(client.get(path)) == []


def test_signing_out_is_not_cacheable(client):
    client.force_login(UserFactory())

    response = client.post(reverse("oidc_logout"))

    assert response.status_code == 302
    assert cache_problems(response) == []


def test_a_public_page_stays_cacheable(client):
    response = client.get(reverse("directory:search"))

    assert "no-store" not in response.get("Cache-Control", "")
