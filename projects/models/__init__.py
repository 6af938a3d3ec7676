"""Subsidy dossiers (steundossiers, 2.4 "Overzicht projecten") and the dated
configuration that decides how much subsidy a dossier gets, one module per concern:

- choices.py: company sizes, themes, higher-rate topics, kinds of training, the terms;
- configuration.py: the dated rates, annual ceiling and eligible services that staff
  change in the admin;
- dossier.py: the dossier, its declared transitions, its derived lapse and deadlines;
- events.py: each step of a dossier (who, when, why);
- payments.py: the payments to the provider.

An SME (the client) files an application naming a registered service provider;
the provider confirms or refuses it; the SME pays its own share into the wallet
within 30 days of the confirmation, else the dossier lapses; the agency adds the
subsidy and records the payments the SME orders to the provider's account.

Every change of status is a function in projects.services; the state machine is
declared on Project (its @transition methods). projects.rates reads the rates and
the ceiling. Amounts are Decimal euros with two decimals (cents-exact), never float.
"""

from projects.models.choices import (
    DEPOSIT_TERM_DAYS,
    ELIGIBLE_COMPANY_SIZES,
    FILING_TERM_DAYS,
    ZERO,
    CompanySize,
    HigherRateTopic,
    Theme,
    TrainingKind,
)
from projects.models.configuration import (
    AnnualCeiling,
    DatedConfiguration,
    EligibilityRule,
    SubsidyRate,
)
from projects.models.dossier import (
    AGENCY_STEP,
    FINAL_STATUSES,
    PROVIDER_STEP,
    SME_STEP,
    DaysBetween,
    Project,
    ProjectNumberCounter,
    ProjectQuerySet,
    ProjectStatus,
    is_not_lapsed,
)
from projects.models.events import ProjectEvent, ProjectEventQuerySet
from projects.models.payments import Payment, PaymentQuerySet

__all__ = [
    "AGENCY_STEP",
    "DEPOSIT_TERM_DAYS",
    "ELIGIBLE_COMPANY_SIZES",
    "FILING_TERM_DAYS",
    "FINAL_STATUSES",
    "PROVIDER_STEP",
    "SME_STEP",
    "ZERO",
    "AnnualCeiling",
    "CompanySize",
    "DatedConfiguration",
    "DaysBetween",
    "EligibilityRule",
    "HigherRateTopic",
    "Payment",
    "PaymentQuerySet",
    "Project",
    "ProjectEvent",
    "ProjectEventQuerySet",
    "ProjectNumberCounter",
    "ProjectQuerySet",
    "ProjectStatus",
    "SubsidyRate",
    "Theme",
    "TrainingKind",
    "is_not_lapsed",
]
