"""Display helpers for the subsidy dossiers' pages (the rules are in projects.presenters)."""

from django import template
from django.utils.html import format_html

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


@register.simple_tag
def status_badge(status):
    """A dossier's status as a coloured badge (presenters.status_class).

    A tag rather than an included template: the overview shows a hundred per page, and
    an include per row cost about a tenth of a millisecond each (so does the deadline).
    """
    return format_html(
        '<span class="badge {}">{}</span>',
        presenters.status_class(status),
        presenters.status_label(status),
    )


@register.simple_tag
def deadline_note(deadline):
    """A dossier's next deadline (presenters.Deadline): the day, what it is for and the
    days left, in red once overdue; "–" when nothing is due."""
    if not deadline:
        return "–"
    return format_html(
        '<span class="text-nowrap">{}</span>\n<span class="d-block small">{}</span>\n'
        '<span class="d-block small{}">{}</span>',
        format_day(deadline.day),
        deadline.purpose,
        " text-danger fw-bold" if deadline.overdue else "",
        deadline.days_text,
    )


@register.simple_tag(takes_context=True)
def eligibility_restrictions(context, on=None):
    """{service type: projects.eligibility.Restriction} of the day (today by default):
    "advies" since 1 February 2026. Today's come from the per-process cache of
    projects.eligibility.restrictions_today(): no query per page once read."""
    if on is not None:
        return restrictions(on=on)
    return restrictions_today()
