"""The vocabulary of a dossier: company sizes, themes, topics with the higher rate, kinds
of training, and the terms of the scheme.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

# Filed at most this many calendar days after the services start (day 14 is in time).
FILING_TERM_DAYS = 14
# The SME pays its own share at most this many days after the provider's confirmation.
DEPOSIT_TERM_DAYS = 30
ZERO = Decimal("0.00")


class CompanySize(models.TextChoices):
    """The enterprise's size under the European SME definition.

    "Large" is a choice so that the application form can refuse it with the
    reason; no dossier is ever stored with it (see the check constraint).
    """

    SMALL = "small", _("kleine onderneming")
    MEDIUM = "medium", _("middelgrote onderneming")
    LARGE = "large", _("grote onderneming")


ELIGIBLE_COMPANY_SIZES = [CompanySize.SMALL, CompanySize.MEDIUM]


class Theme(models.TextChoices):
    """VLAIO's eight future-oriented themes (since 2023); not the 19 vakgebieden."""

    STRATEGY = "strategy", _("Bedrijfsstrategie")
    PROFESSIONAL_SKILLS = "professional_skills", _("Beroepsspecifieke competenties")
    DIGITALISATION = "digitalisation", _("Digitalisering")
    SUSTAINABILITY = "sustainability", _("Duurzaamheid")
    FINANCIAL_LITERACY = "financial_literacy", _("Financiële geletterdheid")
    INNOVATION = "innovation", _("Innovatie")
    INTERNATIONALISATION = "internationalisation", _("Internationalisering")
    PEOPLE_MANAGEMENT = "people_management", _("Personeelsmanagement")


class HigherRateTopic(models.TextChoices):
    """Topics that get the higher subsidy percentage.

    They are narrower than a theme (cybersecurity is one part of
    digitalisation), so they are a separate answer on the application and the
    rate table only says "higher rate: yes/no". Energy efficiency counts for
    training only (VLAIO, reform of 1 February 2026).
    """

    ENERGY_EFFICIENCY = "energy_efficiency", _("energie-efficiëntie")
    CYBERSECURITY = "cybersecurity", _("cybersecurity")


class TrainingKind(models.TextChoices):
    CLASSROOM = "classroom", _("klassikaal")
    DISTANCE = "distance", _("afstandsleren")
    INTERNAL = "internal", _("intern")
