"""Dated configuration that staff change in the admin without a deploy: the subsidy
rates and the annual ceiling (projects.rates reads them), and which services are
eligible (projects.eligibility reads them).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.models.choices import ELIGIBLE_COMPANY_SIZES, HigherRateTopic, Theme
from registrations.models import ServiceType


class DatedConfiguration(models.Model):
    """A value that applies from `valid_from` up to and including `valid_until`
    (open-ended when empty). Rows for the same key may not overlap."""

    valid_from = models.DateField(_("geldig vanaf"))
    valid_until = models.DateField(
        _("geldig tot en met"),
        null=True,
        blank=True,
        help_text=_("Leeg laten zolang de waarde geldt."),
    )

    # Field names that, with the period, identify one value (e.g. company size). A key
    # field that may be left empty (blank=True) is a value of its own ("any").
    key_fields = ()

    class Meta:
        abstract = True

    def overlapping(self):
        same_key = {name: getattr(self, name) for name in self.key_fields}
        rows = type(self).objects.filter(**same_key).exclude(pk=self.pk)
        if self.valid_until is not None:
            rows = rows.filter(valid_from__lte=self.valid_until)
        return rows.filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=self.valid_from)
        )

    def clean(self):
        super().clean()
        if self.valid_from is None:
            return
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValidationError(
                {"valid_until": _("De einddatum mag niet vóór de begindatum liggen.")}
            )
        if any(
            getattr(self, name) in (None, "") and not self._meta.get_field(name).blank
            for name in self.key_fields
        ):
            return
        other = self.overlapping().order_by("valid_from").first()
        if other is not None:
            raise ValidationError(
                _(
                    "Deze periode overlapt met %(other)s. Sluit die periode eerst af (geldig "
                    "tot en met) of kies andere data."
                )
                % {"other": other}
            )

    @staticmethod
    def period_display(valid_from, valid_until):
        start = date_format(valid_from, "d/m/Y")
        if valid_until is None:
            return _("vanaf %(start)s") % {"start": start}
        return f"{start} – {date_format(valid_until, 'd/m/Y')}"


class SubsidyRate(DatedConfiguration):
    """The subsidy percentage for a company size, with or without the higher rate."""

    company_size = models.CharField(
        _("grootte van de onderneming"),
        max_length=10,
        choices=[(size.value, size.label) for size in ELIGIBLE_COMPANY_SIZES],
    )
    higher_rate = models.BooleanField(
        _("verhoogd percentage"),
        default=False,
        help_text=_("Voor opleiding of advies over cybersecurity of energie-efficiëntie."),
    )
    percentage = models.DecimalField(_("steunpercentage"), max_digits=5, decimal_places=2)

    key_fields = ("company_size", "higher_rate")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("steunpercentage")
        verbose_name_plural = _("steunpercentages")
        ordering = ["-valid_from", "company_size", "higher_rate"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percentage__gt=0, percentage__lte=100),
                name="subsidy_rate_percentage_range",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="subsidy_rate_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(company_size__in=ELIGIBLE_COMPANY_SIZES),
                name="subsidy_rate_company_size_valid",
            ),
            models.UniqueConstraint(
                fields=["company_size", "higher_rate", "valid_from"],
                name="subsidy_rate_unique_start",
            ),
        ]

    def __str__(self):
        kind = _("verhoogd") if self.higher_rate else _("gewoon")
        return (
            f"{self.get_company_size_display()}, {kind}: {self.percentage} % "
            f"({self.period_display(self.valid_from, self.valid_until)})"
        )


class AnnualCeiling(DatedConfiguration):
    """The most subsidy one enterprise can get in one calendar year."""

    amount = models.DecimalField(
        _("steunplafond per kalenderjaar"), max_digits=12, decimal_places=2
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jaarlijks steunplafond")
        verbose_name_plural = _("jaarlijkse steunplafonds")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="annual_ceiling_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="annual_ceiling_period_ordered",
            ),
            models.UniqueConstraint(fields=["valid_from"], name="annual_ceiling_unique_start"),
        ]

    def __str__(self):
        return f"€ {self.amount} ({self.period_display(self.valid_from, self.valid_until)})"


class EligibilityRule(DatedConfiguration):
    """One kind of service the scheme supports in a period, and whether it gets the
    higher rate: a service type, on a theme (empty: any of the eight) and a topic
    (empty: any topic, also none).

    A dossier is eligible on its filing date when a rule in force matches its service
    type, theme and topic; the most specific match (a named topic before "any topic")
    decides the rate. Periods of the same service type, theme and topic may not
    overlap. The 2023 reform and the reform of 1 February 2026 (advice only on
    cybersecurity) are loaded by migrations 0005 and 0006.
    """

    service_type = models.CharField(
        _("type dienstverlening"), max_length=1, choices=ServiceType.choices
    )
    theme = models.CharField(
        _("thema"),
        max_length=30,
        choices=Theme.choices,
        blank=True,
        help_text=_("Leeg laten: elk van de acht thema's."),
    )
    topic = models.CharField(
        _("onderwerp"),
        max_length=30,
        choices=HigherRateTopic.choices,
        blank=True,
        help_text=_(
            "Leeg laten: elk onderwerp. Een onderwerp invullen beperkt de regel tot dat onderwerp."
        ),
    )
    higher_rate = models.BooleanField(
        _("verhoogd percentage"),
        default=False,
        help_text=_("Krijgt deze dienstverlening het verhoogde steunpercentage?"),
    )
    history = HistoricalRecords()

    key_fields = ("service_type", "theme", "topic")

    class Meta:
        verbose_name = _("subsidieerbare dienstverlening")
        verbose_name_plural = _("subsidieerbare dienstverlening")
        ordering = ["-valid_from", "service_type", "theme", "topic"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(service_type__in=ServiceType.values),
                name="eligibility_rule_service_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="eligibility_rule_period_ordered",
            ),
            models.UniqueConstraint(
                fields=["service_type", "theme", "topic", "valid_from"],
                name="eligibility_rule_unique_start",
            ),
        ]

    def __str__(self):
        theme = self.get_theme_display() if self.theme else _("elk thema")
        topic = self.get_topic_display() if self.topic else _("elk onderwerp")
        kind = _("verhoogd") if self.higher_rate else _("gewoon")
        return (
            f"{self.get_service_type_display()}, {theme}, {topic}: {kind} "
            f"({self.period_display(self.valid_from, self.valid_until)})"
        )
