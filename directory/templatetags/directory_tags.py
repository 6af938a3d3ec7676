"""Display helpers for the public search's pages."""

import html
from urllib.parse import urlsplit

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from portal.templatetags import portal_tags

register = template.Library()


# The portal's own, so that a number reads the same on every page.
register.filter("phone", portal_tags.phone)
register.filter("tel_uri", portal_tags.tel_uri)


# The page's results (directory.presentation's cards) in Jinja2 (portal/jinja2.py): the
# largest part of the search page, twenty results of a dozen lines each.
RESULTS_TEMPLATE = "directory/results.html"


@register.simple_tag
def results_list(cards, *, start, advice_notice=""):
    """The results of a page as an ordered list from `start` on, each advice result with
    the day's `advice_notice`. Rendered by Jinja2: in the template language the same list
    took 2.5 ms of every search page, in Jinja2 0.8 (a page of "advies", the best of five
    times a hundred renders, on the benchmark's machine)."""
    context = {"cards": cards, "start": start, "advice_notice": advice_notice}
    return mark_safe(render_to_string(RESULTS_TEMPLATE, context, using="jinja2"))  # noqa: S308 - escaped by Jinja2


@register.simple_tag
def choice_input(choice):
    """The <input> of one box of a CheckboxSelectMultiple, as Django's widget template
    writes it (the attributes in flatatt's order: sorted, the boolean ones last),
    without a template render per box. Written out rather than with format_html and
    flatatt, whose escaping goes through lazy-string checks per value: the search
    form has about twenty boxes, and that took 0.5 ms of every search page."""
    data = choice.data
    attrs = sorted(data["attrs"].items())
    text = [
        f'<input type="{_escaped(data["type"])}" name="{_escaped(data["name"])}"',
        f' value="{_escaped(data["value"])}"',
        *(
            f' {name}="{_escaped(value)}"'
            for name, value in attrs
            if not isinstance(value, bool) and value is not None
        ),
        *(f" {name}" for name, value in attrs if value is True),
        ">",
    ]
    return mark_safe("".join(text))  # noqa: S308  (every value is escaped)


def _escaped(value):
    """conditional_escape() without its check for lazy strings."""
    return value if isinstance(value, SafeData) else html.escape(str(value))


@register.filter
def website_label(url):
    """'https://www.example.be/' -> 'www.example.be': what people read and type."""
    parts = urlsplit(url or "")
    label = parts.netloc + (parts.path if parts.path not in ("", "/") else "")
    return label or url


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current search's query string with parameters changed (None removes one).

    `remove_vakgebied="ict"` drops a single value of the repeatable vakgebied;
    the page number is always dropped, as the results change.
    """
    query = context["request"].GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        if name.startswith("remove_"):
            key = name.removeprefix("remove_")
            query.setlist(key, [item for item in query.getlist(key) if item != str(value)])
        elif value is None:
            query.pop(name, None)
        else:
            query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def place_suggestion_links(context, names):
    """'Bedoelt u Gent?' with every name a link that runs the same search with that
    place instead of the one that was not found."""
    links = [
        format_html('<a href="{}">{}</a>', query_with(context, plaats=name), name)
        for name in names
    ]
    if not links:
        return ""
    places = links[-1]
    if len(links) > 1:
        places = format_html(
            "{} {} {}",
            format_html_join(", ", "{}", ((link,) for link in links[:-1])),
            _("of"),
            places,
        )
    return format_html(_("Bedoelt u {places}?"), places=places)
