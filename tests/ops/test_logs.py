"""Logs (portal/logs.py): JSON lines selected by LOG_FORMAT, each with the request id
that django-guid takes from nginx's X-Request-ID (or makes), and no personal data, even
when a person's name is what the search was about."""

import io
import json
import logging
import logging.config
import uuid

import pytest
from django.urls import reverse

from organisations.models import Organisation
from portal.logs import logging_config
from providers.models import BankAccountChange, ServiceProvider, Vakgebied
from tests.factories import ServiceProviderFactory, company_step1_data
from tests.portal.oidc_support import KBO_A, FakeOP

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log(settings):
    """The portal's JSON logging (as LOG_FORMAT=json configures it) into a buffer, at
    DEBUG: what an operator who turns the level up would see. Returns a function that
    gives the lines written so far, parsed."""
    buffer = io.StringIO()
    config = logging_config("json", "DEBUG")
    config["handlers"]["console"]["stream"] = buffer
    logging.config.dictConfig(config)

    def lines():
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    lines.text = buffer.getvalue
    yield lines
    logging.config.dictConfig(settings.LOGGING)


def test_every_line_of_a_request_carries_the_id_that_the_response_returns(client, json_log):
    response = client.get("/bestaat-niet/")

    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = [line for line in json_log() if line["logger"] == "django.request"]
    assert line["request_id"] == request_id
    assert line["level"] == "WARNING"
    assert set(line) >= {"time", "level", "logger", "request_id", "message"}


def test_the_request_id_of_nginx_is_kept(client, json_log):
    from_nginx = uuid.uuid4().hex  # nginx's $request_id: 32 hex digits

    response = client.get("/bestaat-niet/", HTTP_X_REQUEST_ID=from_nginx)

    assert response["X-Request-ID"] == from_nginx
    assert {line["request_id"] for line in json_log() if line["logger"] == "django.request"} == {
        from_nginx
    }


@pytest.mark.parametrize("given", ["Griet Vandenbroucke", "GrietVandenbroucke", "1234"])
def test_a_request_id_that_is_not_a_uuid_is_replaced_and_never_logged(client, json_log, given):
    response = client.get("/bestaat-niet/", HTTP_X_REQUEST_ID=given)

    assert response["X-Request-ID"] != given
    assert len(response["X-Request-ID"]) == 32
    assert given not in json_log.text()


def test_outside_a_request_the_request_id_is_a_dash(json_log):
    logging.getLogger("portal").info("a job without a request")

    assert json_log()[-1]["request_id"] == "-"


def test_the_log_format_is_plain_or_json_and_nothing_else():
    assert logging_config("plain")["handlers"]["console"]["formatter"] == "plain"
    assert logging_config("json")["handlers"]["console"]["formatter"] == "json"
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config("xml")


# --- No personal data in any log line of the main journeys --------------------------

NEW_IBAN = "BE48 0011 2345 6727"
PERSONAL = {
    "first name": "Alice",
    "last name": "Peeters",
    "e-mail address (OIDC)": "alice@vormingscentrum.be",
    "rijksregisternummer": "85073003328",
    "contact's first name": "Griet",
    "contact's last name": "Vandenbroucke",
    "contact's e-mail address": "griet.vandenbroucke@acme-opleidingen.be",
    "old IBAN": "BE71096123456769",
    "new IBAN": NEW_IBAN.replace(" ", ""),
    "new IBAN as typed": NEW_IBAN,
    "searched name": "Verstraeten",
    "query string": "?q=",
    "other search parameter": "postcode=9000",
}


def test_the_main_journeys_log_no_personal_data(client, settings, json_log):
    settings.RATELIMIT_ENABLE = True
    settings.DIRECTORY_RATE_LIMIT = "2/m"
    with FakeOP(settings) as op:
        # Sign-in through the OP (the ID token carries names, e-mail and rijksregisternummer).
        op.sign_in(client, rrn="85073003328", given_name="Alice", family_name="Peeters")
        assert client.get(reverse("portal:after-login")).status_code == 302

    organisation = Organisation.objects.get(kbo_number=KBO_A)
    provider = ServiceProviderFactory(
        organisation=organisation,
        type=ServiceProvider.Type.REGISTERED_OFFICE,
        name="Acme Opleidingen",
        iban="BE71096123456769",
        bic="GKCCBEBB",
    )
    provider.vakgebieden.set(Vakgebied.objects.filter(name="ICT"))
    step1 = reverse("providers:company-step-1", kwargs={"pk": provider.pk})
    step2 = reverse("providers:company-step-2", kwargs={"pk": provider.pk})

    # Company data with a contact person and a new bank account (a verification request).
    invalid = client.post(
        step1, company_step1_data(provider, email="griet.vandenbroucke@", iban="x")
    )
    assert invalid.status_code == 200
    response = client.post(
        step1,
        company_step1_data(
            provider,
            contact_first_name="Griet",
            contact_last_name="Vandenbroucke",
            email="griet.vandenbroucke@acme-opleidingen.be",
            iban=NEW_IBAN,
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        step2,
        {
            "vakgebieden": [Vakgebied.objects.get(name="ICT").pk],
            "description": "Opleidingen door Griet Vandenbroucke.",
            "wijzig": "1",
        },
    )
    assert response.status_code == 302
    assert BankAccountChange.objects.pending().get().new_iban == NEW_IBAN.replace(" ", "")

    # The public search for a person's name, until the rate limit answers (429, logged).
    client.logout()
    statuses = [
        client.get(reverse("directory:search"), {"q": "Verstraeten", "postcode": "9000"})
        for _ in range(3)
    ]
    assert [response.status_code for response in statuses] == [200, 200, 429]
    assert client.get("/zoeken/bestaat-niet/", {"q": "Verstraeten"}).status_code == 404

    lines = json_log()
    loggers = {line["logger"] for line in lines}
    assert "django.request" in loggers  # the 429 and the 404 were logged
    text = json_log.text()
    found = {what: value for what, value in PERSONAL.items() if value in text}
    assert not found, f"personal data in the log: {found}\n{text}"
