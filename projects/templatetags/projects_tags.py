"""Display helpers for the subsidy dossiers' pages (the rules are in projects.presenters)."""

from django import template

from core.dates import format_day
from projects import presenters
from projects.eligibility import restrictions, restrictions_today
from projects.rates import euro as format_euro

register = template.Library()


@register.filter
def euro(amount):
    """ "€ 1.250,50" (in the active language's number format), "–" for nothing."""
    if amount is None or amount == "":
        return "–"
    return format_euro(amount)


@register.filter
def day(value):
    """ "04/03/2026" (core.dates.format_day): `date:"d/m/Y"` for the long lists, where
    Django's date filter, parsing its format on every call, would cost milliseconds."""
    return format_day(value)


@register.filter
def project_status_label(value):
    return presenters.status_label(value)


@register.filter
def project_status_class(value):
    return presenters.status_class(value)


@register.simple_tag(takes_context=True)
def eligibility_restrictions(context, on=None):
    """{service type: projects.eligibility.Restriction} of the day (today by default):
    "advies" since 1 February 2026. Today's come from the per-process cache of
    projects.eligibility.restrictions_today(): no query per page once read."""
    if on is not None:
        return restrictions(on=on)
    return restrictions_today()
