"""Which services are eligible on which filing date (projects.eligibility): the 2023 rules,
the reform of 1 February 2026 (advice only on cybersecurity), the rates of each period,
and that a dossier filed before the reform is not judged again by it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from projects import services
from projects.eligibility import eligible_rule, restriction, restrictions
from projects.models import EligibilityRule, HigherRateTopic, Project, Theme
from projects.rates import rate_on
from providers.models import Vakgebied
from tests.projects.domain_support import application, staff, submit

pytestmark = pytest.mark.django_db

LAST_DAY_BEFORE = datetime.date(2026, 1, 31)
REFORM = datetime.date(2026, 2, 1)
D = Decimal


def marketing_advice(**changes):
    fields = {
        "service_type": "A",
        "training_kind": "",
        "title": "Marketingplan voor de tweede winkel",
        "vakgebied": Vakgebied.objects.get(name="ICT"),
        "theme": "strategy",
        "higher_rate_topic": "",
    }
    fields.update(changes)
    return fields


def cyber_advice(**changes):
    fields = {
        "title": "Beveiliging van de webshop",
        "theme": "digitalisation",
        "higher_rate_topic": "cybersecurity",
    }
    fields.update(changes)
    return marketing_advice(**fields)


def build(provider, client_organisation, an, filed_on, **fields):
    return services.project_build(
        **application(
            client=client_organisation, provider=provider, user=an, filed_on=filed_on, **fields
        )
    )


def refusal(provider, client_organisation, an, filed_on, **fields):
    with pytest.raises(ValidationError) as caught:
        build(provider, client_organisation, an, filed_on, **fields)
    return caught.value.message_dict


# --- The boundary: the filing date decides ---------------------------------------------


def test_marketing_advice_filed_on_31_january_2026_is_eligible(provider, client_organisation, an):
    project = build(provider, client_organisation, an, LAST_DAY_BEFORE, **marketing_advice())
    assert project.subsidy_percentage == D("30.00")


def test_marketing_advice_filed_on_1_february_2026_is_refused_naming_the_reform(
    provider, client_organisation, an
):
    errors = refusal(provider, client_organisation, an, REFORM, **marketing_advice())

    assert list(errors) == ["higher_rate_topic"]
    message = errors["higher_rate_topic"][0]
    assert "hervorming van 1 februari 2026" in message
    assert "alleen nog in aanmerking" in message
    assert "cybersecurity" in message
    assert "01/02/2026" in message


def test_the_start_date_does_not_decide(provider, client_organisation, an):
    """Started on 25 January, filed on 2 February (within the 14 days): refused."""
    errors = refusal(
        provider,
        client_organisation,
        an,
        datetime.date(2026, 2, 2),
        **marketing_advice(start_date=datetime.date(2026, 1, 25)),
    )
    assert "higher_rate_topic" in errors

    filed_before = build(
        provider,
        client_organisation,
        an,
        LAST_DAY_BEFORE,
        **marketing_advice(start_date=datetime.date(2026, 2, 10)),
    )
    assert filed_before.subsidy_percentage == D("30.00")


@pytest.mark.parametrize("filed_on", [LAST_DAY_BEFORE, REFORM])
@pytest.mark.parametrize(
    ("company_size", "percentage"), [("small", D("45.00")), ("medium", D("35.00"))]
)
def test_cybersecurity_advice_gets_the_higher_rate_on_both_sides(
    provider, client_organisation, an, filed_on, company_size, percentage
):
    project = build(
        provider, client_organisation, an, filed_on, company_size=company_size, **cyber_advice()
    )
    assert project.subsidy_percentage == percentage


def test_an_advice_application_filed_today_through_the_service_is_refused(
    provider, client_organisation, an
):
    """The service refuses it whatever calls it (a view, the admin, a script)."""
    with pytest.raises(ValidationError):
        submit(client=client_organisation, provider=provider, user=an, **marketing_advice())
    assert not Project.objects.exists()


# --- Every theme and topic ---------------------------------------------------------------


@pytest.mark.parametrize("theme", Theme.values)
@pytest.mark.parametrize("filed_on", [LAST_DAY_BEFORE, REFORM])
def test_training_on_every_theme_stays_eligible(
    provider, client_organisation, an, theme, filed_on
):
    project = build(provider, client_organisation, an, filed_on, theme=theme)
    assert project.subsidy_percentage == D("30.00")


@pytest.mark.parametrize("theme", Theme.values)
def test_advice_on_every_theme_is_eligible_before_and_only_on_cybersecurity_after(
    provider, client_organisation, an, theme
):
    before = build(
        provider, client_organisation, an, LAST_DAY_BEFORE, **marketing_advice(theme=theme)
    )
    assert before.subsidy_percentage == D("30.00")
    assert "higher_rate_topic" in refusal(
        provider, client_organisation, an, REFORM, **marketing_advice(theme=theme)
    )
    after = build(provider, client_organisation, an, REFORM, **cyber_advice(theme=theme))
    assert after.subsidy_percentage == D("45.00")


@pytest.mark.parametrize("filed_on", [LAST_DAY_BEFORE, REFORM])
@pytest.mark.parametrize(
    ("topic", "percentage"),
    [("", D("30.00")), ("cybersecurity", D("45.00")), ("energy_efficiency", D("45.00"))],
)
def test_training_rates_by_topic(provider, client_organisation, an, filed_on, topic, percentage):
    project = build(provider, client_organisation, an, filed_on, higher_rate_topic=topic)
    assert project.subsidy_percentage == percentage


@pytest.mark.parametrize("filed_on", [LAST_DAY_BEFORE, REFORM])
def test_energy_efficiency_advice_is_never_at_the_higher_rate(
    provider, client_organisation, an, filed_on
):
    errors = refusal(
        provider,
        client_organisation,
        an,
        filed_on,
        **marketing_advice(higher_rate_topic="energy_efficiency"),
    )
    assert "alleen voor een opleiding" in errors["higher_rate_topic"][0]


@pytest.mark.parametrize(
    ("on", "topic", "higher"),
    [
        (LAST_DAY_BEFORE, "", False),
        (LAST_DAY_BEFORE, "cybersecurity", True),
        (REFORM, "cybersecurity", True),
    ],
)
def test_the_rule_that_decides_is_the_most_specific(on, topic, higher):
    rule = eligible_rule(service_type="A", theme="strategy", topic=topic, on=on)
    assert rule.higher_rate is higher
    assert rule.topic == topic


# --- The rates of each period ------------------------------------------------------------


@pytest.mark.parametrize("on", [datetime.date(2023, 1, 1), LAST_DAY_BEFORE, REFORM])
def test_the_rates_are_the_same_in_each_period(on):
    expected = {
        ("small", False): D("30.00"),
        ("medium", False): D("20.00"),
        ("small", True): D("45.00"),
        ("medium", True): D("35.00"),
    }
    for (size, higher), percentage in expected.items():
        assert rate_on(on=on, company_size=size, higher_rate=higher).percentage == percentage


def test_the_migrations_load_the_2023_and_2026_rules():
    rows = set(
        EligibilityRule.objects.values_list(
            "service_type", "topic", "higher_rate", "valid_from", "valid_until"
        )
    )
    start_2023 = datetime.date(2023, 1, 1)
    assert ("A", "", False, start_2023, LAST_DAY_BEFORE) in rows
    assert ("A", "cybersecurity", True, REFORM, None) in rows
    assert ("O", "energy_efficiency", True, REFORM, None) in rows
    assert not EligibilityRule.objects.filter(service_type="A", topic="", valid_from=REFORM)
    assert all(rule.history.exists() for rule in EligibilityRule.objects.all())


def test_the_restriction_of_advice_starts_on_1_february_2026():
    assert restriction(service_type="A", on=LAST_DAY_BEFORE) is None
    limited = restriction(service_type="A", on=REFORM)
    assert limited.since == REFORM
    assert limited.topics == (HigherRateTopic.CYBERSECURITY,)
    assert restriction(service_type="O", on=REFORM) is None
    assert set(restrictions(on=REFORM)) == {"A"}


# --- An older dossier keeps the rules of its date --------------------------------------


def test_marketing_advice_filed_in_january_2026_is_confirmed_granted_and_paid(
    provider, client_organisation, an, alice
):
    sam = staff()
    project = submit(
        client=client_organisation,
        provider=provider,
        user=an,
        filed_on=datetime.date(2026, 1, 20),
        **marketing_advice(),
    )
    assert project.subsidy_percentage == D("30.00")

    today = timezone.localdate()
    services.project_confirm(project=project, user=alice)
    services.project_record_deposit(project=project, user=sam, paid_on=today)
    services.project_grant(project=project, user=sam)
    services.project_record_payment(
        project=project, user=sam, amount=project.amount_excl_vat, paid_on=today
    )
    services.project_close(project=project, user=sam)

    project.refresh_from_db()
    assert project.status == Project.Status.CLOSED
    assert project.subsidy_percentage == D("30.00")


# --- The admin -----------------------------------------------------------------------------


def test_an_overlapping_period_is_refused():
    overlapping = EligibilityRule(
        service_type="A", theme="", topic="cybersecurity", higher_rate=True, valid_from=REFORM
    )
    with pytest.raises(ValidationError) as caught:
        overlapping.full_clean()
    assert "overlapt" in str(caught.value)


def test_a_rule_for_another_topic_or_theme_does_not_overlap():
    rule = EligibilityRule(
        service_type="A",
        theme="digitalisation",
        topic="cybersecurity",
        higher_rate=True,
        valid_from=REFORM,
    )
    rule.full_clean()


def test_the_admin_adds_a_period_that_does_not_overlap(client):
    """Advice on any topic again from 1 June 2026 (the 2023 row ended on 31 January)."""
    client.force_login(staff())
    response = client.post(
        reverse("admin:projects_eligibilityrule_add"),
        {
            "service_type": "A",
            "theme": "",
            "topic": "",
            "valid_from": "2026-06-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    added = EligibilityRule.objects.get(valid_from=datetime.date(2026, 6, 1))
    assert added.history.count() == 1
    assert restriction(service_type="A", on=datetime.date(2026, 6, 1)) is None


def test_the_admin_refuses_a_period_that_overlaps(client):
    client.force_login(staff())
    response = client.post(
        reverse("admin:projects_eligibilityrule_add"),
        {
            "service_type": "A",
            "theme": "",
            "topic": "cybersecurity",
            "higher_rate": "on",
            "valid_from": "2026-06-01",
            "valid_until": "",
        },
    )
    assert response.status_code == 200
    assert "overlapt" in response.content.decode()
    assert not EligibilityRule.objects.filter(valid_from=datetime.date(2026, 6, 1)).exists()


def test_a_change_in_the_admin_is_kept_in_the_history(client):
    client.force_login(staff())
    rule = EligibilityRule.objects.get(service_type="A", topic="cybersecurity", valid_from=REFORM)
    response = client.post(
        reverse("admin:projects_eligibilityrule_change", args=[rule.pk]),
        {
            "service_type": "A",
            "theme": "",
            "topic": "cybersecurity",
            "higher_rate": "on",
            "valid_from": "2026-02-01",
            "valid_until": "2030-12-31",
        },
    )
    assert response.status_code == 302
    assert rule.history.count() == 2
    assert rule.history.first().valid_until == datetime.date(2030, 12, 31)
