"""The dated configuration (rates, ceilings) and the subsidy arithmetic."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from projects.models import AnnualCeiling, SubsidyRate
from projects.rates import calculate_subsidy, ceiling_on, rate_on, subsidy_quote, to_cents
from tests.projects.domain_support import sme

D = Decimal


# --- The pure arithmetic ----------------------------------------------------------------


def test_the_subsidy_is_the_percentage_of_the_amount():
    quote = calculate_subsidy(amount="1000.00", percentage="30", ceiling="7500", already_used=0)
    assert quote.subsidy_amount == D("300.00")
    assert quote.own_share == D("700.00")
    assert not quote.is_capped


def test_the_subsidy_is_rounded_half_up_to_the_cent():
    # 30 % of 0.15 is 0.045: half up gives 0.05 (banker's rounding would give 0.04).
    assert calculate_subsidy(
        amount="0.15", percentage="30", ceiling="7500", already_used=0
    ).subsidy_amount == D("0.05")
    assert calculate_subsidy(
        amount="1234.56", percentage="20", ceiling="7500", already_used=0
    ).subsidy_amount == D("246.91")


def test_the_subsidy_is_capped_to_what_is_left_of_the_ceiling():
    quote = calculate_subsidy(amount="1000", percentage="45", ceiling="7500", already_used="7400")
    assert quote.gross_subsidy == D("450.00")
    assert quote.remaining == D("100.00")
    assert quote.subsidy_amount == D("100.00")
    assert quote.own_share == D("900.00")
    assert quote.is_capped


def test_nothing_is_left_when_the_ceiling_was_lowered_below_what_was_used():
    quote = calculate_subsidy(amount="1000", percentage="30", ceiling="5000", already_used="6000")
    assert quote.remaining == D("0.00")
    assert quote.subsidy_amount == D("0.00")


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        to_cents(0.1)
    with pytest.raises(TypeError):
        calculate_subsidy(amount=1000.0, percentage="30", ceiling="7500", already_used=0)


# --- The seeded configuration ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("company_size", "higher_rate", "percentage"),
    [
        ("small", False, "30"),
        ("medium", False, "20"),
        ("small", True, "45"),
        ("medium", True, "35"),
    ],
)
def test_the_2023_reform_rates_are_seeded(company_size, higher_rate, percentage):
    rate = rate_on(
        on=datetime.date(2026, 6, 1), company_size=company_size, higher_rate=higher_rate
    )
    assert rate.percentage == D(percentage)
    assert rate.valid_from == datetime.date(2023, 1, 1)


@pytest.mark.django_db
def test_the_annual_ceiling_of_7500_is_seeded():
    assert ceiling_on(on=datetime.date(2026, 6, 1)).amount == D("7500.00")


# --- Percentages by date -----------------------------------------------------------------


@pytest.fixture
def reform_2027(db):
    """Staff close the small enterprise's rate at the end of 2026 and lower it to 25 %."""
    SubsidyRate.objects.filter(company_size="small", higher_rate=False).update(
        valid_until=datetime.date(2026, 12, 31)
    )
    rate = SubsidyRate(
        company_size="small",
        higher_rate=False,
        percentage=D("25"),
        valid_from=datetime.date(2027, 1, 1),
    )
    rate.full_clean()
    rate.save()
    return rate


def quote_for(filed_on, **kwargs):
    kwargs.setdefault("company_size", "small")
    return subsidy_quote(client=sme(), amount_excl_vat=D("1000.00"), filed_on=filed_on, **kwargs)


def test_the_rate_applies_by_the_filing_date(reform_2027):
    assert quote_for(datetime.date(2026, 12, 31)).percentage == D("30")
    assert quote_for(datetime.date(2027, 1, 1)).percentage == D("25")
    assert quote_for(datetime.date(2027, 1, 1)).subsidy_amount == D("250.00")
    # The other rates are not touched by this change.
    assert quote_for(datetime.date(2027, 1, 1), company_size="medium").percentage == D("20")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("company_size", "topic", "subsidy"),
    [
        ("small", "", "300.00"),
        ("medium", "", "200.00"),
        ("small", "cybersecurity", "450.00"),
        ("medium", "cybersecurity", "350.00"),
        ("small", "energy_efficiency", "450.00"),
        ("medium", "energy_efficiency", "350.00"),
    ],
)
def test_cybersecurity_and_energy_efficiency_get_the_higher_rate(company_size, topic, subsidy):
    quote = quote_for(
        datetime.date(2026, 6, 1), company_size=company_size, higher_rate_topic=topic
    )
    assert quote.subsidy_amount == D(subsidy)


@pytest.mark.django_db
def test_without_a_rate_on_the_filing_date_there_is_no_subsidy():
    with pytest.raises(ValidationError) as caught:
        quote_for(datetime.date(2022, 12, 31))
    assert "Voor een aanvraag op 31/12/2022 is geen steunpercentage" in caught.value.messages[0]


@pytest.mark.django_db
def test_a_large_enterprise_gets_no_quote():
    with pytest.raises(ValidationError) as caught:
        quote_for(datetime.date(2026, 6, 1), company_size="large")
    assert "company_size" in caught.value.message_dict


# --- Overlapping periods -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rate_overlapping_an_open_period_is_refused():
    rate = SubsidyRate(
        company_size="small",
        higher_rate=False,
        percentage=D("25"),
        valid_from=datetime.date(2027, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        rate.full_clean()
    assert "Deze periode overlapt met" in caught.value.messages[0]


@pytest.mark.django_db
def test_a_rate_ending_inside_another_period_is_refused(reform_2027):
    rate = SubsidyRate(
        company_size="small",
        higher_rate=False,
        percentage=D("28"),
        valid_from=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2023, 1, 1),
    )
    with pytest.raises(ValidationError):
        rate.full_clean()
    rate.valid_until = datetime.date(2022, 12, 31)
    rate.full_clean()


@pytest.mark.django_db
def test_rates_of_another_kind_do_not_overlap(reform_2027):
    # The same period for the higher rate of a small enterprise is another row's business.
    SubsidyRate.objects.filter(company_size="small", higher_rate=True).update(
        valid_until=datetime.date(2026, 12, 31)
    )
    rate = SubsidyRate(
        company_size="small",
        higher_rate=True,
        percentage=D("40"),
        valid_from=datetime.date(2027, 1, 1),
    )
    rate.full_clean()


@pytest.mark.django_db
def test_a_period_must_not_end_before_it_starts():
    rate = SubsidyRate(
        company_size="small",
        higher_rate=False,
        percentage=D("30"),
        valid_from=datetime.date(2020, 5, 1),
        valid_until=datetime.date(2020, 4, 30),
    )
    with pytest.raises(ValidationError) as caught:
        rate.full_clean()
    assert caught.value.message_dict["valid_until"] == [
        "De einddatum mag niet vóór de begindatum liggen."
    ]


@pytest.mark.django_db
def test_an_overlapping_ceiling_is_refused_and_a_following_one_accepted():
    overlapping = AnnualCeiling(amount=D("10000"), valid_from=datetime.date(2026, 1, 1))
    with pytest.raises(ValidationError):
        overlapping.full_clean()
    AnnualCeiling.objects.update(valid_until=datetime.date(2026, 12, 31))
    following = AnnualCeiling(amount=D("10000"), valid_from=datetime.date(2027, 1, 1))
    following.full_clean()
    following.save()
    assert ceiling_on(on=datetime.date(2026, 12, 31)).amount == D("7500.00")
    assert ceiling_on(on=datetime.date(2027, 1, 1)).amount == D("10000.00")
