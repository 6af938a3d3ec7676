"""What a result of the search shows, as ready texts, worked out once per page.

The result list is the largest part of the search page: twenty results of a dozen
lines each. As template logic (a loop over the registrations, filters for the phone
number, the website and the presentation, a translated label per distance) the page's
template took 11 of a rare word's 30 ms (in-process, on the benchmark's data); with
the texts made here (2 ms) it takes 6. The HTML stays in the template, which prints
these texts escaped as usual.
"""

from dataclasses import dataclass

from django.template.defaultfilters import floatformat, urlencode
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directory.templatetags.directory_tags import website_label
from portal.templatetags.portal_tags import tel_uri
from registrations.selectors import ServiceType


@dataclass(frozen=True)
class ResultCard:
    """One result as the page shows it: texts, and the links behind them."""

    pk: int
    name: str
    url: str
    # "Opleiding (DV.O123456), Advies (DV.A123456)"
    registrations: str
    # Registered for advice: the result repeats the day's restriction on advice.
    advice: bool
    # The vakgebieden, or a dash.
    vakgebieden: str
    # With a place: the nearest establishment and its distance ("2,3 km").
    nearest: str
    distance: str
    # Without one: where the provider is established ("Gent, Aalst en 3 andere").
    establishments: str
    phone: str
    tel: str
    email: str
    website: str
    website_label: str
    summary: str


@dataclass(frozen=True)
class SearchTexts:
    """What the search page says about a search as a whole (its title repeats `found`)."""

    # "12 dienstverleners gevonden", "Meer dan 1.000 dienstverleners gevonden"; "" when
    # nothing was searched (an invalid form).
    found: str = ""
    # When there were more than a search counts: what to do about it.
    too_many: str = ""
    # On a page of several: "Resultaten 21 tot 40 (pagina 2 van 7)."
    shown: str = ""
    # The folded filter panel: "Filters (2 actief)".
    filters: str = ""


def search_texts(*, active_filters, result=None, page=None, place=None):
    """SearchTexts of a search: its `result` (directory.results.SearchResult), the `page`
    shown and the `place` searched from, or only the filters of an invalid form."""
    filters = ngettext(
        "Filters (%(counter)s actief)", "Filters (%(counter)s actief)", active_filters
    ) % {"counter": active_filters}
    if result is None:
        return SearchTexts(filters=filters)
    count = page.paginator.count
    if result.capped:
        counted = floatformat(count, "0g")
        found = _("Meer dan %(counter)s dienstverleners gevonden") % {"counter": counted}
        if place is not None:
            too_many = _(
                "Dat zijn er te veel om door te bladeren: hieronder staan de dichtstbijzijnde. "
                "Voeg een woord of vakgebied toe of kies een kleinere straal."
            )
        else:
            too_many = _(
                "Dat zijn er te veel om door te bladeren: u ziet de eerste %(counter)s. Voeg "
                "een woord, een vakgebied of een plaats toe."
            ) % {"counter": counted}
    else:
        found = ngettext(
            "%(counter)s dienstverlener gevonden", "%(counter)s dienstverleners gevonden", count
        ) % {"counter": count}
        too_many = ""
    shown = ""
    if page.object_list and page.paginator.num_pages > 1:
        shown = _("Resultaten %(start)s tot %(end)s (pagina %(number)s van %(pages)s).") % {
            "start": floatformat(page.start_index(), "0g"),
            "end": floatformat(page.end_index(), "0g"),
            "number": page.number,
            "pages": page.paginator.num_pages,
        }
    return SearchTexts(found=found, too_many=too_many, shown=shown, filters=filters)


def result_cards(providers, *, back_query=""):
    """The cards of a page of SearchResult providers (directory.results), in order.

    `back_query` is the search's query string: each result links to the public page
    with it, so that the page can lead back to these results.
    """
    # As plain text once per page: each lazy label would be translated again per result.
    service_types = {value: str(capfirst(label)) for value, label in ServiceType.choices}
    # The public page's URL reversed once per page, with a stand-in for the pk that each
    # result fills in: reverse() per result took a fifth of this function's time.
    detail = reverse("directory:detail", args=[PK_STAND_IN]) + (
        f"?terug={urlencode(back_query)}" if back_query else ""
    )
    return [_card(provider, service_types, detail) for provider in providers]


# No provider has this pk, and no URL prefix holds these digits.
PK_STAND_IN = 987654321987654321


def _card(provider, service_types, detail):
    registrations = provider.public_registrations
    nearest = provider.nearest_establishment
    return ResultCard(
        pk=provider.pk,
        name=provider.name,
        url=detail.replace(str(PK_STAND_IN), str(provider.pk), 1),
        registrations=", ".join(
            f"{service_types[item.service_type]} ({item.number})" for item in registrations
        ),
        advice=any(item.service_type == ServiceType.ADVICE for item in registrations),
        vakgebieden=", ".join(provider.public_vakgebied_names) or "–",
        nearest=_nearest(nearest) if nearest else "",
        distance=(
            _("%(distance)s km") % {"distance": floatformat(provider.distance_km, 1)}
            if nearest
            else ""
        ),
        establishments=_establishments(provider),
        phone=provider.phone_text,
        tel=tel_uri(provider.phone),
        email=provider.email,
        website=provider.website,
        website_label=website_label(provider.website),
        summary=provider.summary,
    )


def _nearest(establishment):
    parts = [establishment.street_line, establishment.place_line]
    if establishment.name:
        parts.insert(0, establishment.name)
    return ", ".join(parts)


def _establishments(provider):
    names = ", ".join(item.municipality for item in provider.public_establishments)
    more = provider.more_establishments
    if not names or not more:
        return names
    others = ngettext("en %(counter)s andere", "en %(counter)s andere", more) % {"counter": more}
    return f"{names} {others}"
