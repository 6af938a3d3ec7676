"""The parts of the portal's start pages that are about dossiers, registrations and
bank accounts.

The start pages are the portal's (portal.views), which may not import the feature
apps; their templates load these tags instead. Each tag reads through projects.start,
scoped to the organisation the page resolved (portal.access), never another one.
"""

from django import template

from projects import start

register = template.Library()


@register.inclusion_tag("projects/start/provider_attention.html")
def provider_attention(organisation):
    """ "Wat nu uw aandacht vraagt": dossiers to confirm, registrations ending soon, bank
    account changes in review, with links; a sentence when nothing waits."""
    return {"attention": start.provider_attention(organisation), "organisation": organisation}


@register.inclusion_tag("projects/start/monthly_chart.html")
def provider_monthly_chart(organisation):
    """The provider's dossiers and amounts per month over the last 24 months: an SVG bar
    chart with the same figures in a table."""
    totals = start.project_monthly_totals(organisation)
    return {"chart": start.monthly_chart(totals), "totals": totals, "organisation": organisation}


@register.inclusion_tag("projects/start/sme_status_counts.html")
def sme_status_counts(organisation):
    """The SME's dossiers per status, with a link to "Mijn steunaanvragen"."""
    return {"counts": start.sme_status_counts(organisation), "organisation": organisation}
