"""How much subsidy a dossier gets: the dated rates, the annual ceiling, the arithmetic.

Rates and the ceiling are rows staff change in the admin (SubsidyRate,
AnnualCeiling). Both apply by the **filing date** (aanvraagdatum): VLAIO words
its rate changes that way ("elke steunaanvraag die na 13 september 2021
ingediend wordt ... krijgt een verhoogd steunpercentage"), the filing date is
known for certain when the subsidy is computed, and it is the one date the SME
cannot move afterwards. The ceiling counts per calendar year of filing.

Money is Decimal, rounded to the cent with ROUND_HALF_UP, never float.
"""

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from projects.models import ELIGIBLE_COMPANY_SIZES, AnnualCeiling, Project, SubsidyRate

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")


def to_cents(amount):
    """`amount` as a Decimal rounded half up to the cent (ints and strings welcome, floats not)."""
    if isinstance(amount, float):
        raise TypeError("money is never a float; pass a Decimal or a string")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def euro(amount):
    """ "€ 7.500,00": an amount for a Dutch message."""
    return f"€ {number_format(to_cents(amount), decimal_pos=2, force_grouping=True)}"


@dataclasses.dataclass(frozen=True)
class SubsidyQuote:
    """The subsidy for a would-be dossier, and how the annual ceiling shaped it."""

    amount: Decimal  # amount excluding VAT
    percentage: Decimal
    ceiling: Decimal
    already_used: Decimal  # subsidy of the client's other dossiers that count, this year
    gross_subsidy: Decimal  # amount x percentage, before the ceiling

    @property
    def remaining(self):
        """What is left of the ceiling before this dossier."""
        return max(self.ceiling - self.already_used, ZERO)

    @property
    def subsidy_amount(self):
        return min(self.gross_subsidy, self.remaining)

    @property
    def own_share(self):
        return self.amount - self.subsidy_amount

    @property
    def is_capped(self):
        return self.subsidy_amount < self.gross_subsidy


def calculate_subsidy(*, amount, percentage, ceiling, already_used):
    """The subsidy arithmetic alone, with no database: a pure function.

    The subsidy is `percentage` of `amount`, rounded half up to the cent, and
    capped to what `already_used` leaves of `ceiling`.
    """
    amount = to_cents(amount)
    percentage = Decimal(percentage)
    return SubsidyQuote(
        amount=amount,
        percentage=percentage,
        ceiling=to_cents(ceiling),
        already_used=to_cents(already_used),
        gross_subsidy=to_cents(amount * percentage / HUNDRED),
    )


def _in_force(queryset, on):
    return queryset.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )


def rate_on(*, on, company_size, higher_rate):
    """The SubsidyRate that applies on `on`, or None."""
    return (
        _in_force(SubsidyRate.objects, on)
        .filter(company_size=company_size, higher_rate=higher_rate)
        .order_by("-valid_from")
        .first()
    )


def ceiling_on(*, on):
    """The AnnualCeiling that applies on `on`, or None."""
    return _in_force(AnnualCeiling.objects, on).order_by("-valid_from").first()


def ceiling_used(*, client, year, on=None, exclude=None):
    """The subsidy of `client`'s dossiers filed in `year` that still count (not refused,
    stopped or lapsed), leaving out the dossier `exclude`."""
    projects = Project.objects.for_client(client).filter(
        filed_on__gte=datetime.date(year, 1, 1), filed_on__lte=datetime.date(year, 12, 31)
    )
    if exclude is not None and exclude.pk is not None:
        projects = projects.exclude(pk=exclude.pk)
    total = projects.counting_for_ceiling(on).aggregate(total=Sum("subsidy_amount"))["total"]
    return total or ZERO


def subsidy_quote(
    *,
    client,
    company_size,
    amount_excl_vat,
    higher_rate_topic="",
    higher_rate=None,
    filed_on=None,
    exclude=None,
):
    """The subsidy a dossier filed on `filed_on` (default today) would get.

    `higher_rate` is what the eligible service's rule says (projects.eligibility);
    without it, any higher-rate topic counts.

    Reads the dated configuration and the client's dossiers of that calendar year,
    writes nothing. Raises ValidationError (keyed by field, in Dutch) when there is
    no rate, when the enterprise is large, or when the annual ceiling is used up.
    """
    filed_on = filed_on or timezone.localdate()
    if company_size not in ELIGIBLE_COMPANY_SIZES:
        raise ValidationError(
            {
                "company_size": _(
                    "Een grote onderneming komt niet in aanmerking voor de kmo-portefeuille."
                )
            }
        )
    if higher_rate is None:
        higher_rate = bool(higher_rate_topic)
    rate = rate_on(on=filed_on, company_size=company_size, higher_rate=higher_rate)
    ceiling = ceiling_on(on=filed_on)
    if rate is None or ceiling is None:
        raise ValidationError(
            _(
                "Voor een aanvraag op %(date)s is geen steunpercentage of steunplafond "
                "vastgelegd. Neem contact op met de kmo-portefeuille via 1700."
            )
            % {"date": date_format(filed_on, "d/m/Y")},
            code="no_rate",
        )
    quote = calculate_subsidy(
        amount=amount_excl_vat,
        percentage=rate.percentage,
        ceiling=ceiling.amount,
        already_used=ceiling_used(client=client, year=filed_on.year, exclude=exclude),
    )
    if quote.remaining <= ZERO:
        raise ValidationError(
            _(
                "Het steunplafond van %(ceiling)s voor %(year)d is bereikt: %(client)s heeft dit "
                "kalenderjaar al %(used)s steun aangevraagd en kan dit jaar geen steun meer "
                "krijgen via de kmo-portefeuille."
            )
            % {
                "ceiling": euro(quote.ceiling),
                "year": filed_on.year,
                "client": client.name,
                "used": euro(quote.already_used),
            },
            code="ceiling_reached",
        )
    return quote
