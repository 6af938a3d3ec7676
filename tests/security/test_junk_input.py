"""Issue 13: junk in any form or search parameter never answers 500 and never half-stores.

A property-based test (hypothesis): every form and GET parameter of the portal, as
the anonymous visitor, the provider (Alice of Acme), the SME (An of Bakkerij De
Gouden Korst) and in the development stand-in (Koen, local administrator), gets
valid values with junk in some of the fields: words longer than any column, numbers
past bigint, NUL bytes, CR LF, lone surrogates (sent as the invalid UTF-8 a browser
could send) and other Unicode, empty and white space, dates far in the future and
past, markup and formulas. No answer may be a server error, and a refused form
(anything but a redirect) may not leave a row behind in any table.

The examples are derived from the test's name (derandomize), so every run tries the
same ones; a failure prints the form and the example.
"""

import datetime
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import HealthCheck, given, note
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from portal.models import Membership
from providers.models import ServiceProvider, Vakgebied
from tests.factories import (
    EstablishmentFactory,
    MembershipFactory,
    OrganisationFactory,
    RegistrationFactory,
    UserFactory,
    pdf_bytes,
)
from tests.projects.domain_support import registered_provider, sme, submit

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 6

# --- Junk ----------------------------------------------------------------------------

LETTERS = st.characters(categories=["Ll", "Lu"], max_codepoint=0x24F)
junk = st.one_of(
    st.sampled_from(["", " ", "   \t ", "\r\n", "\n\n\n"]),
    st.text(LETTERS, min_size=101, max_size=260),  # a word longer than any column
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["9" * 20, "9" * 400, str(2**63), "-1", "0", "1e309", "NaN", "-0", "0x1F"]),
    st.sampled_from(["²", "١٢٣", "½", "Ⅻ", "1_000", " 12 "]),  # digits int() may refuse
    st.sampled_from(
        ["9999-12-31", "0001-01-01", "10000-01-01", "2025-02-30", "1899-12-31", "31/12/9999"]
    ),
    st.text(max_size=30).map(lambda text: f"{text}\x00{text}"),  # NUL
    st.lists(st.text(max_size=40), min_size=2, max_size=6).map("\r\n".join),  # CR LF
    st.sampled_from(
        [
            "\ud800",  # lone surrogates: sent as the bytes a broken client would send
            "ab\udfffcd",
            "\U0001f600" * 60,
            "\u202eevil\u202c",
            "\ufeffBOM",
            "e\u0301" * 120,
            "æ" * 101,
            "ß" * 150,
            "\u0000" * 3,
        ]
    ),
    st.text(max_size=60),  # any other Unicode
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "' OR 1=1; --",
            "{{ 7|add:7 }}{% debug %}",
            '=HYPERLINK("http://x")',
            "../../../etc/passwd",
            "https://" + "a" * 3000 + ".example",
            "x" * 5000,
        ]
    ),
)


DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
dates = st.one_of(
    st.sampled_from(["9999-12-31", "0001-01-01", "10000-01-01", "2025-02-30", "31/12/9999"]),
    st.dates().map(datetime.date.isoformat),  # from year 1 to 9999
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["9" * 20, "9" * 400, "1e309", "NaN", "²", "١٢٣", "-0"]),
)


# One field at a time, the others valid: the junk that found the bugs, so that
# each field meets it whatever the random examples draw.
SIGNATURES = {
    "date": ["9999-12-31", "0001-01-01"],
    "number": ["9" * 20],
    "text": ["a\x00b", "K" * 150],
}


def signature_examples(valid):
    """{field: junk} dicts with one field's valid value replaced by a signature junk."""
    for name, value in valid.items():
        if isinstance(value, list):
            continue
        kind = "date" if DATE.fullmatch(value) else "number" if value.isdecimal() else "text"
        for item in SIGNATURES[kind]:
            yield {**valid, name: item}


def value_or_junk(valid):
    """The valid value or junk; more of the junk that suits the field (a date for a date,
    a number for a number); for a list field (a multiple choice) a list of junk."""
    if isinstance(valid, list):
        return st.one_of(st.just(valid), st.lists(st.one_of(numbers, junk), max_size=3))
    if DATE.fullmatch(valid):
        return st.one_of(st.just(valid), dates, junk)
    if valid.isdecimal():
        return st.one_of(st.just(valid), numbers, junk)
    return st.one_of(st.just(valid), junk)


# --- Requests as a browser (or a broken client) sends them --------------------------------


def _bytes(value):
    # A lone surrogate cannot be UTF-8: send the bytes as they would come (invalid UTF-8).
    return str(value).encode("utf-8", "surrogatepass")


def urlencoded(data):
    pairs = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append(f"{quote(_bytes(name))}={quote(_bytes(item))}")
    return "&".join(pairs)


BOUNDARY = "JunkBoundary7MA4YWxkTrZu0gW"


def multipart(data, files):
    parts = []
    for name, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            parts += [
                f"--{BOUNDARY}".encode(),
                b'Content-Disposition: form-data; name="' + _bytes(name) + b'"',
                b"",
                _bytes(item),
            ]
    for name, (filename, content) in files.items():
        parts += [
            f"--{BOUNDARY}".encode(),
            b'Content-Disposition: form-data; name="'
            + _bytes(name)
            + b'"; filename="'
            + _bytes(filename).replace(b'"', b"")
            + b'"',
            b"Content-Type: application/pdf",
            b"",
            content,
        ]
    parts += [f"--{BOUNDARY}--".encode(), b""]
    return b"\r\n".join(parts)


def send(client, form, url, data, files):
    if form.method == "GET":
        return client.get(f"{url}?{urlencoded(data)}")
    if form.files:
        return client.generic(
            "POST", url, multipart(data, files), f"multipart/form-data; boundary={BOUNDARY}"
        )
    return client.generic("POST", url, urlencoded(data), "application/x-www-form-urlencoded")


def content_of(response):
    """Read the whole answer: a streamed export fails while it is read, not before."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- Nothing half-stored: the number of rows of every table ---------------------------

# Sessions and rate-limit counters change with any request; django-axes records every
# refused admin sign-in on purpose (the brute-force lockout counts them).
NOT_COUNTED = {
    "django_session",
    "portal_ratelimit_cache",
    "axes_accessattempt",
    "axes_accessattemptexpiration",
    "axes_accessfailurelog",
    "axes_accesslog",
}


def row_counts():
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.managed and not model._meta.proxy
        }
        - NOT_COUNTED
    )
    quote_name = connection.ops.quote_name
    # Table names of the models, quoted: no input reaches this statement.
    counts = [f"(SELECT COUNT(*) FROM {quote_name(table)})" for table in tables]  # noqa: S608
    sql = "SELECT " + ", ".join(counts)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


# --- The forms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """A form (or a page's GET parameters) as one role uses it.

    `url(world)` is its address; `fields` each field's valid value (a str, or a list
    for a multiple choice), or `fields(world)` gives them; `prepare(client, world)`
    runs before each example (the draft that a wizard step needs); `files` are
    uploaded as they are; `person` is who is signed in at the stand-in.
    """

    name: str
    method: str
    url: Any
    fields: Any = field(default_factory=dict)
    prepare: Any = None
    files: dict = field(default_factory=dict)
    person: str = "koen"

    def valid(self, world):
        return self.fields(world) if callable(self.fields) else self.fields


def iso(days=0):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


# Parameters that any page might read, tried on every form too.
STRAY = {"page": "2", "next": "/", "q": "", "x": "1"}

ANONYMOUS = [
    Form(
        "public search",
        "GET",
        lambda w: reverse("directory:search"),
        lambda w: {
            "q": "opleiding",
            "plaats": "9000",
            "straal": "10",
            "type": ["O"],
            "vakgebied": [w.ict.slug],
            "sorteer": "afstand",
            "page": "1",
        },
    ),
    Form(
        "public provider page",
        "GET",
        lambda w: reverse("directory:detail", kwargs={"pk": w.office.pk}),
        {"terug": "q=opleiding&page=2"},
    ),
    Form("home", "GET", lambda w: reverse("portal:home")),
    Form(
        "language",
        "POST",
        lambda w: reverse("set_language"),
        {"language": "en", "next": "/zoeken/"},
    ),
    Form(
        "sign-in start",
        "GET",
        lambda w: reverse("oidc_authentication_init"),
        {"organisation": "0123456749", "prompt": "login", "max_age": "900", "next": "/"},
    ),
    Form(
        "sign-in callback",
        "GET",
        lambda w: reverse("oidc_authentication_callback"),
        {"code": "abc", "state": "def", "error": "access_denied"},
    ),
    Form(
        "admin sign-in",
        "POST",
        lambda w: reverse("admin:login"),
        {"username": "sam", "password": "geheim", "next": "/admin/"},
    ),
]


def company_step1(world):
    office = world.office
    return {
        "name": office.name,
        "country": "BE",
        "postcode": office.postcode,
        "municipality": office.municipality,
        "street": office.street,
        "house_number": office.house_number,
        "box": "",
        "phone": "02 553 17 00",
        "mobile": "0470 12 34 56",
        "email": office.email,
        "website": "https://acme.example",
        "contact_last_name": "Peeters",
        "contact_first_name": "Alice",
        "extra_info": "Extra\r\ninfo",
        "kbo_number": office.kbo_number,
        "bic": "",
        "iban": "",
        "legal_form": "",
        "version": str(office.version),
    }


def put_company_step1(client, world, key=None):
    """Step 1 of "Mijn gegevens" in the session, for the office (or a new provider)."""
    data = company_step1(world)
    if key == "new":
        data.update(name="Acme Academie", version="")
    session = client.session
    session["provider_wizard"] = {str(key or world.office.pk): {"step1": data}}
    session.save()


def put_new_provider_step1(client, world):
    put_company_step1(client, world, key="new")


def company_step2(world):
    return {"vakgebieden": [str(world.ict.pk)], "description": "Wij geven\r\nopleidingen."}


def establishment_fields(world):
    return {
        "name": "Opleidingscentrum Gent",
        "postcode": "9000",
        "municipality": "Gent",
        "street": "Kouter",
        "house_number": "1",
        "box": "",
        "phone": "09 123 45 67",
        "email": "gent@acme.example",
        "version": str(world.establishment.version),
        "submission_token": "t" * 24,
    }


def overview_filters(world):
    return {
        "status": "submitted",
        "van": iso(-30),
        "tot": iso(),
        "klant": "Bakkerij",
        "vakgebied": str(world.ict.pk),
        "type": "A",
        "dienstverlener": str(world.office.pk),
        "sorteer": "bedrag",
        "volgorde": "op",
        "per_pagina": "50",
        "page": "1",
    }


# What a signed-in person can also send: a targeted sign-in, another language.
SIGNED_IN = [form for form in ANONYMOUS if form.name in ("sign-in start", "language")]

PROVIDER = [
    *SIGNED_IN,
    Form("provider menu", "GET", lambda w: reverse("portal:provider-menu"), {"bewerking": "x"}),
    Form(
        "choose organisation",
        "POST",
        lambda w: reverse("portal:choose-organisation"),
        lambda w: {"organisation": str(w.office.organisation_id), "next": "/dienstverlener/"},
    ),
    Form("providers", "GET", lambda w: reverse("providers:list"), {"page": "1"}),
    Form(
        "company data step 1",
        "POST",
        lambda w: reverse("providers:company-step-1", kwargs={"pk": w.office.pk}),
        company_step1,
    ),
    Form(
        "company data step 2",
        "POST",
        lambda w: reverse("providers:company-step-2", kwargs={"pk": w.office.pk}),
        lambda w: {**company_step2(w), "wijzig": "1"},
        prepare=put_company_step1,
    ),
    Form(
        "new provider step 2",
        "POST",
        lambda w: reverse("providers:create-step-2"),
        lambda w: {**company_step2(w), "wijzig": "1", "submission_token": "n" * 24},
        prepare=put_new_provider_step1,
    ),
    Form(
        "establishment add",
        "POST",
        lambda w: reverse("establishments:create"),
        establishment_fields,
    ),
    Form(
        "establishment change",
        "POST",
        lambda w: reverse("establishments:update", kwargs={"pk": w.establishment.pk}),
        establishment_fields,
    ),
    Form(
        "establishment deactivate",
        "POST",
        lambda w: reverse("establishments:deactivate", kwargs={"pk": w.establishment.pk}),
    ),
    Form(
        "registration request",
        "POST",
        lambda w: reverse("registrations:create", kwargs={"provider_pk": w.newcomer.pk}),
        {
            "service_type": "O",
            "audit_body": "Auditbureau Vlaanderen",
            "audit_date": iso(-10),
            "is_starter": "on",
            "declaration_accepted": "on",
            "labels-TOTAL_FORMS": "3",
            "labels-INITIAL_FORMS": "0",
            "labels-MAX_NUM_FORMS": "3",
            "labels-0-name": "ISO 9001",
            "labels-0-expires_on": iso(365),
            "submission_token": "r" * 24,
        },
        files={"audit_report": ("audit.pdf", pdf_bytes())},
    ),
    Form(
        "registration withdrawal",
        "POST",
        lambda w: reverse("registrations:cancel", kwargs={"pk": w.pending.pk}),
        {"reason": "Vergissing"},
    ),
    Form("projects overview", "GET", lambda w: reverse("projects:list"), overview_filters),
    Form("projects export", "GET", lambda w: reverse("projects:export-csv"), overview_filters),
    Form(
        "project confirmation",
        "POST",
        lambda w: reverse("projects:confirm", kwargs={"pk": w.project.pk}),
        {"remark": "Tot dan!"},
    ),
    Form(
        "project refusal",
        "POST",
        lambda w: reverse("projects:refuse", kwargs={"pk": w.other_project.pk}),
        {"reason": "wrong_provider", "remark": "Niet bij ons."},
    ),
]


def application_fields(world):
    return {
        "service_type": "O",
        "title": "Bakken met zuurdesem",
        "training_kind": "classroom",
        "vakgebied": str(world.ict.pk),
        "theme": "professional_skills",
        "higher_rate_topic": "",
        "start_date": iso(-3),
        "end_date": iso(30),
        "amount_excl_vat": "1.250,50",
        "company_size": "small",
    }


def put_application(client, world):
    data = application_fields(world)
    session = client.session
    session["project_application"] = {str(world.office.pk): data}
    session.save()


SME = [
    *SIGNED_IN,
    Form(
        "choose a provider",
        "GET",
        lambda w: reverse("sme-projects:choose-provider"),
        {"q": "acme"},
    ),
    Form(
        "application",
        "POST",
        lambda w: reverse("sme-projects:create", kwargs={"provider_pk": w.office.pk}),
        application_fields,
    ),
    Form(
        "application confirm",
        "POST",
        lambda w: reverse("sme-projects:confirm", kwargs={"provider_pk": w.office.pk}),
        {"indienen": "1", "submission_token": "s" * 24},
        prepare=put_application,
    ),
    Form(
        "dossier stop",
        "POST",
        lambda w: reverse("sme-projects:stop", kwargs={"pk": w.sme_project.pk}),
        {"reason": "Niet meer nodig."},
    ),
    Form("my dossiers", "GET", lambda w: reverse("sme-projects:list"), {"page": "1"}),
    Form(
        "choose enterprise",
        "POST",
        lambda w: reverse("portal:sme-choose-organisation"),
        lambda w: {"organisation": str(w.sme_project.client_id), "next": "/kmo/"},
    ),
]


def put_add_user(state):
    def prepare(client, world):
        session = client.session
        session["standin_add_user"] = {world.kbo: state(world)}
        session.save()

    return prepare


STANDIN = [
    Form(
        "stand-in sign-in",
        "POST",
        lambda w: reverse("standin:sign-in-check", args=["itsme"]),
        {"person": "", "national_number": "90.04.18-152.62", "next": "/"},
    ),
    Form(
        "appoint administrator",
        "POST",
        lambda w: reverse("standin:idm-appoint", args=[w.sme_kbo]),
        {"national_number": "90041815262", "first_name": "Nieuwe", "last_name": "Beheerder"},
        person="marleen",
    ),
    Form(
        "add user step 1",
        "POST",
        lambda w: reverse("standin:idm-add-user", args=[w.kbo]),
        {"national_number": "90041815262"},
    ),
    Form(
        "add user step 2",
        "POST",
        lambda w: reverse("standin:idm-add-user-2", args=[w.kbo]),
        {
            "first_name": "Nieuwe",
            "last_name": "Gebruiker",
            "birth_date": "1990-04-18",
            "sex": "V",
            "phone": "+3212345678",
            "email": "nieuw@example.be",
        },
        prepare=put_add_user(lambda w: {"national_number": "90041815262", "person": None}),
    ),
    Form(
        "add user step 3",
        "POST",
        lambda w: reverse("standin:idm-add-user-3", args=[w.kbo]),
        {
            "category": "permanent",
            "begin_date": iso(),
            "end_date": iso(365),
            "phone": "+3212345678",
            "email": "nieuw@example.be",
        },
        prepare=put_add_user(
            lambda w: {
                "national_number": "90041815262",
                "person": None,
                "person_data": {
                    "first_name": "Nieuwe",
                    "last_name": "Gebruiker",
                    "birth_date": "1990-04-18",
                    "sex": "V",
                    "phone": "+3212345678",
                    "email": "nieuw@example.be",
                },
            }
        ),
    ),
    Form(
        "work relationship change",
        "POST",
        lambda w: reverse("standin:idm-relationship-update", args=[w.kbo, w.sofie.uuid]),
        {
            "category": "permanent",
            "begin_date": iso(-10),
            "end_date": iso(365),
            "phone": "+3212345678",
            "email": "sofie@example.be",
        },
    ),
    Form(
        "user right",
        "POST",
        lambda w: reverse("standin:idm-right-create", args=[w.kbo, w.sofie.uuid]),
        {
            "right": "VLAIOInkomGebruikerNieuw",
            "begin_date": iso(),
            "end_date": iso(365),
            "profile_provider": "on",
            "profile_sme": "",
        },
    ),
    Form(
        "authorize",
        "GET",
        lambda w: reverse("oauth2_provider:authorize"),
        {
            "response_type": "code",
            "client_id": "kmo-portal",
            "redirect_uri": "http://127.0.0.1:8000/oidc/callback/",  # the demo client's
            "scope": "openid profile",
            "state": "abc",
            "nonce": "def",
            "code_challenge": "x" * 43,
            "code_challenge_method": "S256",
            "login_hint": "e30=",
        },
    ),
]


# --- The world they act in -------------------------------------------------------------


@dataclass
class World:
    office: ServiceProvider
    newcomer: ServiceProvider
    establishment: Any
    pending: Any
    project: Any
    other_project: Any
    sme_project: Any
    ict: Vakgebied
    kbo: str = ""
    sme_kbo: str = ""
    sofie: Any = None


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.RATELIMIT_ENABLE = False
    acme = OrganisationFactory(name="Acme", email="zetel@acme.example")
    office = registered_provider(
        organisation=acme,
        type=ServiceProvider.Type.REGISTERED_OFFICE,
        name="Acme Opleidingen",
        email="info@acme.example",
        description="Wij geven opleidingen.",
    )
    enterprise = sme()
    an = UserFactory(username="an", first_name="An", last_name="Willems")
    MembershipFactory(user=an, organisation=enterprise, profile=Membership.Profile.SME)
    newcomer = registered_provider(organisation=acme, name="Acme Advies", service_types=())
    return World(
        office=office,
        newcomer=newcomer,
        establishment=EstablishmentFactory(organisation=acme, name="Vestiging Brugge"),
        pending=RegistrationFactory(service_provider=newcomer),
        project=submit(client=enterprise, provider=office, user=an),
        other_project=submit(client=enterprise, provider=office, user=an),
        sme_project=submit(client=enterprise, provider=office, user=an),
        ict=Vakgebied.objects.get(name="ICT"),
    )


def provider_client(world, alice):
    MembershipFactory(user=alice, organisation=world.office.organisation)
    client = Client()
    client.force_login(alice)
    return client


def sme_client(world):
    client = Client()
    client.force_login(Membership.objects.get(profile=Membership.Profile.SME).user)
    return client


def standin_clients(world):
    """A browser signed in at the stand-in for each person a form needs."""
    from standin import demo

    people = demo.load()
    world.kbo, world.sme_kbo = demo.SCHELDE, demo.SME
    world.sofie = people["sofie"]
    clients = {}
    for person in ("koen", "marleen"):
        clients[person] = Client()
        clients[person].post(
            reverse("standin:sign-in-check", args=["itsme"]),
            {"person": str(people[person].uuid)},
        )
    return clients


def junk_examples(form, client, world):
    """EXAMPLES_PER_FORM requests of `form`: its valid values with junk mixed in."""
    url = form.url(world)
    valid = form.valid(world)
    strategy = st.fixed_dictionaries(
        {name: value_or_junk(value) for name, value in valid.items()},
        optional={name: junk for name in STRAY if name not in valid},
    )

    @hypothesis_settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy)
    def example(data):
        note(f"{form.method} {url} ({form.name})")
        check(data)

    # The counts after a refused request are those before the next one (a prepare()
    # writes only to the session): counted once instead of twice.
    counted = {}

    def check(data):
        if form.prepare:
            form.prepare(client, world)
        before = counted.pop("after", None) or row_counts()
        response = send(client, form, url, data, form.files)
        content_of(response)
        assert response.status_code < 500, f"{form.name} {data!r}: {response.status_code}"
        if response.status_code != 302:
            after = counted["after"] = row_counts()
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed, f"{form.name} {data!r} refused but stored: {changed}"

    def examples():
        for data in signature_examples(valid):
            check(data)
        example()

    return examples


def throw_junk(clients, world, forms):
    """Junk at every form; `clients` is a browser, or one per stand-in person."""
    for form in forms:
        client = clients[form.person] if isinstance(clients, dict) else clients
        junk_examples(form, client, world)()


def test_junk_from_an_anonymous_visitor_never_answers_500(world):
    throw_junk(Client(), world, ANONYMOUS)


def test_junk_from_a_provider_never_answers_500_nor_half_stores(world, alice):
    throw_junk(provider_client(world, alice), world, PROVIDER)


def test_junk_from_an_sme_never_answers_500_nor_half_stores(world):
    throw_junk(sme_client(world), world, SME)


def test_junk_in_the_stand_in_never_answers_500_nor_half_stores(world, settings):
    # The stand-in never runs with the production static files (portal.E001), whose
    # manifest (collected without it) lacks its stylesheet: serve them as `make run` does.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    throw_junk(standin_clients(world), world, STANDIN)


# --- Junk in the address itself ------------------------------------------------------------


def _routes(patterns, prefix=""):
    """(path template, {parameter: converter}) of every route with parameters."""
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern.pattern, RoutePattern) and pattern.pattern.converters:
            yield prefix + route, pattern.pattern.converters


def path_segment(converter):
    """Junk that the converter lets through to the view, as a path segment."""
    regex = converter.regex
    if regex == "[0-9]+":
        return st.one_of(st.integers(min_value=0, max_value=10**30).map(str), st.just("9" * 400))
    if "-" in regex and "a-f" in regex:  # uuid
        return st.uuids().map(str)
    if regex == "[^/]+":
        return junk.map(lambda value: value.replace("/", "").encode("utf-8", "surrogatepass"))
    return st.from_regex(regex, fullmatch=True)


def junk_path(template, converters):
    parts = {
        name: path_segment(converter).map(
            lambda value: quote(value if isinstance(value, bytes) else value.encode())
        )
        for name, converter in converters.items()
    }

    def build(values):
        path = template
        for name, value in values.items():
            path = re.sub(rf"<(\w+:)?{name}>", lambda _match, value=value: value or "x", path)
        return "/" + path

    return st.fixed_dictionaries(parts).map(build)


# The admin is for agency staff (tests/portal/test_admin.py and the staff role tests).
ROUTES = [route for route in _routes(get_resolver().url_patterns) if route[0][:6] != "admin/"]


def throw_junk_at_paths(client, routes):
    @hypothesis_settings(
        max_examples=3 * len(routes),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        path=st.sampled_from(routes).flatmap(lambda route: junk_path(*route)),
        method=st.sampled_from(["GET", "POST"]),
    )
    def example(path, method):
        before = row_counts()
        response = client.generic(method, path)
        content_of(response)
        assert response.status_code < 500, f"{method} {path}: {response.status_code}"
        if response.status_code != 302:
            assert row_counts() == before

    example()


def test_junk_in_the_address_never_answers_500(world, alice, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    clients = {
        "kmo/": sme_client(world),
        "standin/": standin_clients(world)["koen"],
        "": provider_client(world, alice),
    }
    for prefix, client in clients.items():
        routes = [route for route in ROUTES if route[0].startswith(prefix)]
        if not prefix:
            routes = [route for route in routes if not route[0].startswith(("kmo/", "standin/"))]
        throw_junk_at_paths(client, routes)
