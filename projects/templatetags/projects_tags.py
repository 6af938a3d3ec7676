"""Display helpers for the subsidy dossiers' pages."""

from django import template

from projects.models import Project
from projects.rates import euro as format_euro

register = template.Library()


@register.filter
def euro(amount):
    """ "€ 1.250,50" (in the active language's number format), "–" for nothing."""
    if amount is None or amount == "":
        return "–"
    return format_euro(amount)


@register.filter
def project_status_label(value):
    try:
        return Project.Status(value).label
    except ValueError:
        return value


# Bootstrap's text-bg-* pairs (contrast checked by the axe scans): waiting on the
# provider, waiting on the client, in progress at the agency, paid, ended.
STATUS_CLASSES = {
    Project.Status.SUBMITTED: "text-bg-warning",
    Project.Status.CONFIRMED: "text-bg-info",
    Project.Status.DEPOSITED: "text-bg-primary",
    Project.Status.GRANTED: "text-bg-primary",
    Project.Status.PARTIALLY_PAID: "text-bg-primary",
    Project.Status.PAID: "text-bg-success",
    Project.Status.CLOSED: "text-bg-success",
    Project.Status.REFUSED: "text-bg-secondary",
    Project.Status.STOPPED: "text-bg-secondary",
    Project.Status.LAPSED: "text-bg-secondary",
}


@register.filter
def project_status_class(value):
    return STATUS_CLASSES.get(value, "text-bg-light border")


@register.filter
def absolute(value):
    return abs(value)
