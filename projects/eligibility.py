"""Which services the scheme supports on a given day: the dated EligibilityRule rows
that staff keep in the admin, next to the rates and the ceiling (projects.rates).

The **filing date** (aanvraagdatum) decides, as for the rates: VLAIO words the reform
of 1 February 2026 as what an SME can still apply for from that day ("vanaf 1 februari
2026 kunnen kmo's via de kmo-portefeuille enkel nog steun voor advies krijgen over
cybersecurity"), the filing date is the one date the portal fixes itself (the start
date is declared by the SME and may lie up to 14 days earlier), and one dossier then
has one date for its rate and its eligibility. A dossier is judged once, when it is
filed: later steps (confirmation, deposit, grant, payments) never judge it again, so a
dossier filed in January 2026 for advice on marketing keeps the rules of its date.
See docs/dossiers.md.
"""

import dataclasses

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from core.process_cache import ProcessCache
from projects.models import EligibilityRule, HigherRateTopic, Theme
from registrations.models import ServiceType


def rules_in_force(*, on=None, service_type=None):
    """The EligibilityRule rows in force on `on` (default today), as a list."""
    on = on or timezone.localdate()
    rules = EligibilityRule.objects.filter(valid_from__lte=on).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=on)
    )
    if service_type:
        rules = rules.filter(service_type=service_type)
    return list(rules.order_by("service_type", "theme", "topic"))


def _specificity(rule):
    return (bool(rule.topic), bool(rule.theme))


def matching_rule(rules, *, service_type, theme, topic):
    """The most specific of `rules` that covers the service, or None."""
    matches = [
        rule
        for rule in rules
        if rule.service_type == service_type
        and rule.theme in ("", theme)
        and rule.topic in ("", topic or "")
    ]
    return max(matches, key=_specificity, default=None)


@dataclasses.dataclass(frozen=True)
class Restriction:
    """A service type that is eligible only on some topics (advice since 1 February 2026)."""

    service_type: str
    since: object  # the date the rules in force started: the reform
    topics: tuple  # HigherRateTopic values

    @property
    def service_type_label(self):
        return ServiceType(self.service_type).label

    @property
    def topic_labels(self):
        return ", ".join(str(HigherRateTopic(topic).label) for topic in self.topics)

    @property
    def since_display(self):
        return date_format(self.since, "j F Y")

    def sentence(self):
        """ "Sinds 1 februari 2026 komt advies alleen nog in aanmerking over cybersecurity." """
        return _(
            "Sinds de hervorming van %(date)s komt %(type)s alleen nog in aanmerking voor de "
            "kmo-portefeuille als het over %(topics)s gaat."
        ) % {
            "date": self.since_display,
            "type": self.service_type_label.lower(),
            "topics": self.topic_labels,
        }


def restriction(*, service_type, on=None, rules=None):
    """How `service_type` is restricted to topics on `on`, or None when any topic is
    eligible (or the type is not eligible at all)."""
    rules = rules_in_force(on=on) if rules is None else rules
    own = [rule for rule in rules if rule.service_type == service_type]
    if not own or any(not rule.topic for rule in own):
        return None
    return Restriction(
        service_type=service_type,
        since=max(rule.valid_from for rule in own),
        topics=tuple(sorted({rule.topic for rule in own}, key=HigherRateTopic.values.index)),
    )


def restrictions(*, on=None):
    """{service type: Restriction} for every restricted service type on `on` (one query)."""
    rules = rules_in_force(on=on)
    found = {}
    for service_type in ServiceType.values:
        limited = restriction(service_type=service_type, rules=rules)
        if limited is not None:
            found[service_type] = limited
    return found


# The notices on the pages (SME, provider, public search) read the restrictions of today
# from a per-process cache: a page costs no query for them once a process has read them.
# A change in the admin clears this process's copy at once and the others' within
# NOTICE_CACHE_SECONDS. The rule itself (eligible_rule) always reads the table.
NOTICE_CACHE_SECONDS = 300
_notices = ProcessCache(seconds=NOTICE_CACHE_SECONDS)
_notices.forget_on_change(EligibilityRule, dispatch_uid="eligibility_notices")


def restrictions_today():
    """restrictions() of today, cached per process (NOTICE_CACHE_SECONDS); for display."""
    today = timezone.localdate()
    return _notices.get(today, lambda: restrictions(on=today))


def eligible_rule(*, service_type, theme, topic="", on=None):
    """The EligibilityRule that makes the service eligible on `on` (the filing date).

    Raises ValidationError keyed by the field to change, with the Dutch message: the
    topic ("Sinds de hervorming van 1 februari 2026 ..."), the theme, or the type.
    """
    on = on or timezone.localdate()
    rules = rules_in_force(on=on, service_type=service_type)
    rule = matching_rule(rules, service_type=service_type, theme=theme, topic=topic)
    if rule is not None:
        return rule
    type_label = ServiceType(service_type).label
    date = date_format(on, "d/m/Y")
    if not rules:
        raise ValidationError(
            {
                "service_type": _(
                    "Voor %(type)s kan op %(date)s geen steun aangevraagd worden via de "
                    "kmo-portefeuille."
                )
                % {"type": type_label.lower(), "date": date}
            },
            code="not_eligible",
        )
    limited = restriction(service_type=service_type, rules=rules)
    if limited is not None:
        raise ValidationError(
            {
                "higher_rate_topic": format_lazy(
                    "{} {}",
                    limited.sentence(),
                    _(
                        "%(type)s over een ander onderwerp, ingediend op %(date)s, krijgt geen "
                        "steun. Kies het onderwerp %(topics)s als het daarover gaat."
                    )
                    % {
                        "type": capfirst(type_label),
                        "date": date,
                        "topics": limited.topic_labels,
                    },
                )
            },
            code="not_eligible",
        )
    raise ValidationError(
        {
            "theme": _(
                "%(type)s over het thema %(theme)s komt op %(date)s niet in aanmerking voor de "
                "kmo-portefeuille."
            )
            % {"type": capfirst(type_label), "theme": Theme(theme).label, "date": date}
        },
        code="not_eligible",
    )
