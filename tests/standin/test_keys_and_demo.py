import threading

from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from jwcrypto import jwk
from oauth2_provider.models import get_application_model

from standin import demo
from standin import validators as national_numbers
from standin.keys import load_or_create_private_key, private_key_pem
from standin.models import LocalAdministrator, Person, UserRight


def kid(pem):
    return jwk.JWK.from_pem(pem.encode()).thumbprint()


def test_the_key_file_is_created_once_and_reused(tmp_path):
    path = tmp_path / "var" / "key.pem"

    first = load_or_create_private_key(path)
    second = load_or_create_private_key(path)

    assert path.exists()
    assert kid(first) == kid(second)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_processes_starting_together_share_one_key(tmp_path):
    path = tmp_path / "key.pem"
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(load_or_create_private_key(path)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({kid(pem) for pem in results}) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_the_jwks_serves_the_key_of_the_file_created_when_first_needed(
    client, db, settings, tmp_path
):
    settings.STANDIN_OIDC_KEY_FILE = key_file = tmp_path / "standin-key.pem"
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": private_key_pem(key_file),
    }
    assert not key_file.exists()

    keys = client.get("/standin/op/.well-known/jwks.json").json()["keys"]

    assert [k["kid"] for k in keys] == [kid(key_file.read_text())]


def test_the_demo_numbers_are_valid_and_use_both_century_rules():
    years = set()
    for person in demo.DEMO_PEOPLE:
        national_numbers.validate_national_number(person["national_number"])
        years.add(national_numbers.birth_date_from_national_number(person["national_number"]).year)

    assert any(year < 2000 for year in years)
    assert any(year >= 2000 for year in years)


def test_loading_the_demo_twice_changes_nothing(db):
    demo.load()
    counts = (Person.objects.count(), UserRight.objects.count())

    demo.load()

    assert (Person.objects.count(), UserRight.objects.count()) == counts == (6, 5)
    assert LocalAdministrator.objects.filter(person__first_name="Koen").count() == 3
    application = get_application_model().objects.get(client_id=settings.OIDC_RP_CLIENT_ID)
    assert application.redirect_uris == demo.portal_redirect_uri()
    assert application.algorithm == "RS256"
    assert application.skip_authorization


def test_the_register_command_is_idempotent(db):
    for _ in range(2):
        call_command(
            "standin_register_client",
            "--redirect-uri",
            "http://portal.test/oidc/callback/",
            "--post-logout-uri",
            "http://portal.test/",
        )

    application = get_application_model().objects.get(client_id=settings.OIDC_RP_CLIENT_ID)
    assert application.redirect_uris == "http://portal.test/oidc/callback/"
    assert application.post_logout_redirect_uri_allowed("http://portal.test/")


def test_the_token_endpoint_checks_the_client_secret_without_a_password_hash(client, db):
    """A PBKDF2 check per token request cost the stand-in ~270 ms per sign-in under load
    (ops/load); a wrong secret is still refused."""
    application = demo.register_portal_client()
    application.refresh_from_db()
    assert not application.hash_client_secret
    assert application.client_secret == settings.OIDC_RP_CLIENT_SECRET
    response = client.post(
        reverse("oauth2_provider:token"),
        {
            "grant_type": "authorization_code",
            "code": "no-such-code",
            "redirect_uri": demo.portal_redirect_uri(),
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "client_secret": "wrong",
        },
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_the_start_page_lists_the_demo_people_with_masked_numbers(client, db):
    response = client.get("/standin/")

    content = response.content.decode()
    assert "nooit in productie" in content
    for person in demo.DEMO_PEOPLE:
        assert person["last_name"] in content
        assert person["national_number"] not in content


def test_an_unknown_rijksregisternummer_cannot_sign_in(client, db):
    demo.load()

    response = client.post("/standin/aanmelden/eid/", {"national_number": "90.04.18-152.62"})

    assert response.status_code == 200
    assert "niet gekend" in response.content.decode()


def test_a_typed_rijksregisternummer_signs_the_person_in(client, db):
    demo.load()

    response = client.post(
        "/standin/aanmelden/federal_token/",
        {"national_number": "90.04.18-153.61", "next": "/standin/idm/"},
    )

    assert response["Location"] == "/standin/idm/"
    pieter = Person.objects.get(national_number="90041815361")
    assert pieter.user.username == f"standin-{pieter.uuid}"
    assert not pieter.user.has_usable_password()
    assert pieter.last_sign_in_method == "federal_token"
