"""Issue 13, "bad input answers 500": each finding, as it was found, gets a message or
is accepted, on SQLite and PostgreSQL.

Alice works for Acme, a registered provider; An files applications for Bakkerij De
Gouden Korst; Sam is agency staff.
"""

import pytest
from django.urls import reverse

from directory.models import ProviderSearchTerm
from portal.models import Membership, User
from projects.models import Project
from providers.models import DESCRIPTION_MAX_LENGTH, ServiceProvider, Vakgebied
from tests.factories import (
    MembershipFactory,
    UserFactory,
    company_step1_data,
    sme_application_data,
)
from tests.portal.oidc_support import FakeOP
from tests.projects.domain_support import registered_provider, sme, submit

pytestmark = pytest.mark.django_db

LONG_WORD = "Kwaliteits" + "zorg" * 30  # 130 letters, no space
LONG_URL = "https://www.acme-opleidingen.example/" + "/".join(["opleidingen-en-advies"] * 8)


@pytest.fixture
def organisation(acme):
    """Acme, where Alice works (tests/security/conftest.py)."""
    acme.email = "zetel@acme.example"
    acme.save(update_fields=["email"])
    return acme


@pytest.fixture
def provider(organisation):
    provider = registered_provider(
        organisation=organisation,
        type=ServiceProvider.Type.REGISTERED_OFFICE,
        name="Acme Opleidingen",
        email="info@acme.example",
        iban="BE71096123456769",
        bic="GKCCBEBB",
        description="Wij geven opleidingen.",
    )
    return provider


@pytest.fixture
def alice_client(client, organisation, alice):
    client.force_login(alice)
    return client


def save_company_data(client, provider, *, step1=None, description=None):
    """Both steps of "Mijn gegevens", as the browser posts them."""
    step1_url = reverse("providers:company-step-1", kwargs={"pk": provider.pk})
    step2_url = reverse("providers:company-step-2", kwargs={"pk": provider.pk})
    response = client.post(step1_url, company_step1_data(provider, **(step1 or {})))
    if response.status_code != 302:
        return response
    return client.post(
        step2_url,
        {
            "vakgebieden": [Vakgebied.objects.get(name="ICT").pk],
            "description": provider.description if description is None else description,
            "wijzig": "1",
        },
    )


def typed_with_line_breaks(length, line=99):
    """`length` characters as a person types them (a line break after every `line`
    letters counts as one), as the browser sends them: each line break as CR LF."""
    breaks = (length - 1) // (line + 1)
    typed = ("x" * line + "\n") * breaks + "x" * (length - breaks * (line + 1))
    assert len(typed) == length
    return typed.replace("\n", "\r\n")


# --- A word longer than the search index's column -------------------------------------


def test_a_word_longer_than_the_column_gets_a_message_not_a_500(alice_client, provider):
    response = save_company_data(alice_client, provider, step1={"name": f"Acme {LONG_WORD}"})

    assert response.status_code == 200
    errors = response.context["form"].errors["name"]
    assert errors == [
        "Een woord mag hoogstens 100 tekens tellen; het langste woord telt er 130. "
        "Zet spaties tussen de woorden."
    ]
    assert 'value="Acme Kwaliteits' in response.content.decode()  # the input is kept
    provider.refresh_from_db()
    assert provider.name == "Acme Opleidingen"


@pytest.mark.parametrize(
    "text",
    [
        f"Meer over ons aanbod: {LONG_URL} (ook in het Frans).",
        f"Wij zijn {LONG_WORD} en meer.",
        "Opleidingen " + "-".join(["veiligheid"] * 15) + " op maat.",
    ],
    ids=["url", "long-word", "hyphenated-chain"],
)
def test_a_long_url_in_the_presentation_is_saved(alice_client, provider, text):
    response = save_company_data(alice_client, provider, description=text)

    assert response.status_code == 302, response.status_code
    provider.refresh_from_db()
    assert provider.description == text
    # The search data followed: what fits the inverted index is in it (PostgreSQL).
    lexemes = ProviderSearchTerm.objects.filter(document_id=provider.pk).values_list(
        "lexeme", flat=True
    )
    assert all(len(lexeme) <= 100 for lexeme in lexemes)
    search = alice_client.get(reverse("directory:search"), {"q": "acme"})
    assert list(search.context["page_obj"]) == [provider]


# --- A page number past bigint ---------------------------------------------------------


@pytest.mark.parametrize("page", ["9" * 20, "9" * 400, str(2**63), "-" + "9" * 20])
def test_a_page_number_past_bigint_gives_a_page(client, provider, page):
    response = client.get(reverse("directory:search"), {"page": page})

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [provider]


# --- A start date of 9999-12-31 ------------------------------------------------------


@pytest.fixture
def an_client(client):
    enterprise = sme()
    an = UserFactory(username="an", first_name="An", last_name="Willems")
    MembershipFactory(user=an, organisation=enterprise, profile=Membership.Profile.SME)
    client.force_login(an)
    return client


@pytest.mark.parametrize(
    ("start", "end"),
    [("9999-12-31", "9999-12-31"), ("0001-01-01", "2025-01-31"), ("2025-01-01", "9999-12-31")],
)
def test_a_start_date_of_9999_12_31_gets_a_message(an_client, provider, start, end):
    url = reverse("sme-projects:create", kwargs={"provider_pk": provider.pk})

    response = an_client.post(url, sme_application_data(start_date=start, end_date=end))

    assert response.status_code == 200
    errors = response.context["form"].errors
    out_of_range = ["Geef een datum tussen 01/01/1900 en 31/12/2099."]
    field = "start_date" if start != "2025-01-01" else "end_date"
    assert errors[field] == out_of_range
    content = response.content.decode()
    assert "Bakken met zuurdesem" in content  # the rest of the input is kept
    assert not Project.objects.exists()


# --- A NUL byte in a signed name claim ---------------------------------------------------


@pytest.fixture
def op(settings):
    with FakeOP(settings) as fake:
        yield fake


@pytest.mark.parametrize(
    "claims",
    [
        {"given_name": "Ali\x00ce"},
        {"family_name": "Pee\x00ters", "vo_orgnaam": "Vormings\x00centrum"},
        {"given_name": "Alice\ud800"},
        {"family_name": "Peeters\x07\x1b"},
    ],
    ids=["nul-given-name", "nul-family-and-organisation", "lone-surrogate", "controls"],
)
def test_a_nul_byte_in_a_signed_name_claim_signs_in(client, op, claims):
    response = op.sign_in(client, **claims)

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:after-login")
    user = User.objects.get(oidc_subject="sub-alice")
    assert (user.first_name, user.last_name) == ("Alice", "Peeters")
    organisation = Membership.objects.get(user=user).organisation
    assert "\x00" not in organisation.name


@pytest.mark.parametrize("subject", ["sub-\x00alice", "sub-alice\ud800", "s" * 256])
def test_a_subject_claim_that_cannot_be_stored_is_refused_with_the_sign_in_page(
    client, op, subject
):
    response = op.sign_in(client, sub=subject)

    assert response.status_code == 400
    assert "Aanmelden is niet gelukt" in response.content.decode()
    assert not User.objects.exists()


# --- 1000 characters typed with line breaks ----------------------------------------------


def test_a_presentation_of_1000_characters_with_line_breaks_is_accepted(alice_client, provider):
    text = typed_with_line_breaks(DESCRIPTION_MAX_LENGTH)
    assert len(text) > DESCRIPTION_MAX_LENGTH  # as sent: every line break is CR LF

    response = save_company_data(alice_client, provider, description=text)

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.description == text.replace("\r\n", "\n")


def test_a_presentation_of_1000_characters_with_line_breaks_passes_the_models_validation(
    provider,
):
    """Every writer validates with full_clean(), not only the portal's form (the admin
    shows service providers read-only since the staff roles)."""
    text = typed_with_line_breaks(DESCRIPTION_MAX_LENGTH)
    provider.description = text

    provider.full_clean()
    provider.save()

    provider.refresh_from_db()
    assert provider.description == text.replace("\r\n", "\n")


def test_a_presentation_of_1001_characters_with_line_breaks_is_refused(alice_client, provider):
    response = save_company_data(
        alice_client, provider, description=typed_with_line_breaks(DESCRIPTION_MAX_LENGTH + 1)
    )

    assert response.status_code == 200
    assert response.context["form"].errors["description"] == [
        "De voorstelling is 1 teken te lang: ze mag maximaal 1000 tekens tellen en telt er "
        "nu 1001."
    ]


def test_a_stop_reason_of_1000_characters_with_line_breaks_is_accepted(an_client, provider):
    an = User.objects.get(username="an")
    enterprise = Membership.objects.get(user=an).organisation
    project = submit(client=enterprise, provider=provider, user=an)
    text = typed_with_line_breaks(1000)

    response = an_client.post(
        reverse("sme-projects:stop", kwargs={"pk": project.pk}), {"reason": text}
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.STOPPED
    assert project.stop_reason == text.replace("\r\n", "\n")


# --- Found by the property-based test (test_junk_input.py) -------------------------------


def test_a_next_address_without_a_slash_after_choosing_the_organisation_redirects(
    alice_client, organisation
):
    response = alice_client.post(
        reverse("portal:choose-organisation"),
        {"organisation": organisation.pk, "next": "KwaliteitsZorg"},
    )

    assert response.status_code == 302
    assert response["Location"] == "KwaliteitsZorg"  # a relative address on this host


@pytest.mark.parametrize("max_age", ["²", "١٢٣", "9" * 8])
def test_a_max_age_that_is_no_number_is_ignored_at_sign_in(alice_client, max_age):
    response = alice_client.get(reverse("oidc_authentication_init"), {"max_age": max_age})

    assert response.status_code == 302
    assert "max_age" not in response["Location"]


def test_a_nul_byte_in_the_organisation_of_a_targeted_sign_in_is_ignored(alice_client):
    response = alice_client.get(reverse("oidc_authentication_init"), {"organisation": "01\x00"})

    assert response.status_code == 302
    assert "login_hint" not in response["Location"]


def test_a_thousand_quality_label_rows_are_refused_without_building_them(
    alice_client, organisation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    provider = registered_provider(organisation=organisation, service_types=())

    response = alice_client.post(
        reverse("registrations:create", kwargs={"provider_pk": provider.pk}),
        {"service_type": "O", "labels-TOTAL_FORMS": "1000", "labels-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    assert formset.non_form_errors() == ["Verstuur maximaal 3 formulieren."]


# --- The stand-in (development only, but the reference the portal is tested against) ------


@pytest.fixture
def koen_client(client, settings):
    from standin import demo
    from tests.standin.conftest import sign_in

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    sign_in(client, demo.load()["koen"])
    return client


@pytest.mark.parametrize("segment", ["%00", "0123%00456", "²" * 10, "K" * 150])
def test_an_organisation_address_at_the_stand_in_that_is_no_kbo_number_is_not_found(
    koen_client, segment
):
    assert koen_client.get(f"/standin/idm/{segment}/").status_code == 404


@pytest.mark.parametrize(
    "junk",
    [{"nonce": "n\x00"}, {"code_challenge": "c\x00" * 22}, {"code_challenge": "c" * 129}],
    ids=["nul-nonce", "nul-code-challenge", "long-code-challenge"],
)
def test_a_nonce_the_stand_in_cannot_store_is_refused_as_an_invalid_request(koen_client, junk):
    from standin import demo

    params = {
        "response_type": "code",
        "client_id": "kmo-portal",
        "redirect_uri": demo.portal_redirect_uri(),
        "scope": "openid profile",
        "state": "s",
        "nonce": "n",
        "code_challenge": "c" * 43,
        "code_challenge_method": "S256",
        **junk,
    }

    response = koen_client.get(reverse("oauth2_provider:authorize"), params)

    assert response.status_code == 302
    assert "error=invalid_request" in response["Location"]
