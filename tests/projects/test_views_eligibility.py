"""What the pages and e-mails say about the reform of 1 February 2026 (advice only on
cybersecurity): the SME's application from its first step, the refusal next to the
field, the provider's 2.1 and 2.4 pages and the registration e-mails, the public
search's advice providers. Today is the test run's day (after the reform)."""

import datetime

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone

from core import mail
from projects.models import Project
from registrations import emails as registration_emails
from tests.factories import MembershipFactory, sme_application_data
from tests.projects.domain_support import registered_provider

pytestmark = pytest.mark.django_db

NOTICE = "Hervorming van de kmo-portefeuille op 1 februari 2026"


@pytest.fixture(autouse=True)
def after_the_reform():
    if timezone.localdate() < datetime.date(2026, 2, 1):
        pytest.skip("today is before the reform of 1 February 2026")


def test_step_1_says_that_only_cybersecurity_advice_is_eligible(an_client, provider):
    response = an_client.get(reverse("sme-projects:choose-provider"), {"q": "schelde"})
    content = response.content.decode()
    assert "Wat komt in aanmerking?" in content
    assert "sinds de hervorming van 1 februari 2026 alleen nog advies over cybersecurity" in (
        content
    )
    assert "alleen cybersecurity komt in aanmerking" in content


def test_step_2_says_it_next_to_the_service_type(an_client, provider):
    url = reverse("sme-projects:create", kwargs={"provider_pk": provider.pk})
    content = an_client.get(url).content.decode()
    assert "komt advies alleen nog in aanmerking voor de kmo-portefeuille als het over " in (
        content
    )


def test_marketing_advice_today_is_refused_next_to_the_topic(an_client, provider):
    url = reverse("sme-projects:create", kwargs={"provider_pk": provider.pk})
    response = an_client.post(
        url,
        sme_application_data(
            service_type="A", training_kind="", title="Marketingplan", theme="strategy"
        ),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["higher_rate_topic"]
    assert "Sinds de hervorming van 1 februari 2026" in errors["higher_rate_topic"][0]
    assert response.context["form"]["title"].value() == "Marketingplan"
    assert not Project.objects.exists()


def test_cybersecurity_advice_today_goes_on_at_the_higher_rate(an_client, provider):
    url = reverse("sme-projects:create", kwargs={"provider_pk": provider.pk})
    response = an_client.post(
        url,
        sme_application_data(
            service_type="A",
            training_kind="",
            title="Beveiliging van de webshop",
            theme="digitalisation",
            higher_rate_topic="cybersecurity",
        ),
    )
    assert response.status_code == 302
    confirm = an_client.get(response["Location"]).content.decode()
    assert "45" in confirm


def test_2_1_and_2_4_tell_a_provider_registered_for_advice(alice_client, provider):
    for name in ("registrations:list", "projects:list"):
        content = alice_client.get(reverse(name)).content.decode()
        assert NOTICE in content, name
        assert "Uw registratie voor advies blijft geldig" in content


def test_a_training_provider_gets_no_notice(client, db):
    training_only = registered_provider(service_types=["O"], name="Opleider")
    user = MembershipFactory(organisation=training_only.organisation).user
    client.force_login(user)
    for name in ("registrations:list", "projects:list"):
        assert NOTICE not in client.get(reverse(name)).content.decode(), name


def test_the_e_mails_about_an_advice_registration_explain_the_reform(provider):
    advice = provider.registrations.get(service_type="A")
    training = provider.registrations.get(service_type="O")
    advice_mail = mail.render(
        "registration_expiry_reminder",
        ["x@example.be"],
        {"registration": advice, "service_provider": provider, "registration_url": "u"},
    )
    training_mail = mail.render(
        "registration_expiry_reminder",
        ["x@example.be"],
        {"registration": training, "service_provider": provider, "registration_url": "u"},
    )
    assert "sinds de hervorming van de kmo-portefeuille op 1 februari 2026" in advice_mail.body
    assert "cybersecurity" in advice_mail.body
    assert "hervorming" not in training_mail.body
    assert registration_emails  # the same include serves registration_event_body.txt
    assert django_mail.outbox == []


def test_the_public_search_says_advice_is_only_subsidised_for_cybersecurity(client, provider):
    content = client.get(reverse("directory:search"), {"q": "Vormingscentrum"}).content.decode()
    assert provider.name in content
    assert "Advies krijgt sinds 1 februari 2026 alleen nog steun" in content
