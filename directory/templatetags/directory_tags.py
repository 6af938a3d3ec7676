"""Display helpers for the public search's pages."""

import copy
import functools
import html
from urllib.parse import urlsplit

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from portal.templatetags import portal_tags

register = template.Library()


# The portal's own, so that a number reads the same on every page.
register.filter("phone", portal_tags.phone)
register.filter("tel_uri", portal_tags.tel_uri)


# The search's form and results in Jinja2 (portal/jinja2.py), where Django's template
# language cost most of the page: twenty results of a dozen lines each, twenty boxes.
SEARCH_BODY_TEMPLATE = "directory/search_body.html"


@register.simple_tag(takes_context=True)
def search_form_and_results(context, *, advice_notice=""):
    """The form and the results of a search (DirectorySearchView's context), each advice
    result with the day's `advice_notice`, rendered by Jinja2.

    What the portal's other pages share stays in their Django templates, rendered here:
    the error summary (only when there are errors) and the page links. In the template
    language the result list alone took 2.5 ms of every search page, in Jinja2 0.8; the
    whole of the search's part of the page 3.8-4.5 ms, with the form and the criteria in
    Jinja2 too 2.8-3.4 (docs/performance.md, "Eighth step")."""
    values = context.flatten()
    query = values["request"].GET
    form, page = values["form"], values.get("page_obj")
    shared = {"request": values["request"]}
    values.update(
        advice_notice=advice_notice,
        query_with=functools.partial(changed_query, query),
        place_suggestion_links=functools.partial(place_suggestion_links, query),
        choice_input=choice_input,
        kept=kept_control,
        form_errors=(
            render_to_string("includes/form_errors.html", {**shared, "form": form})
            if form.errors
            else ""
        ),
        pagination=(
            render_to_string("includes/pagination.html", {**shared, "page_obj": page})
            if page is not None and page.object_list and page.has_other_pages()
            else ""
        ),
    )
    return mark_safe(render_to_string(SEARCH_BODY_TEMPLATE, values, using="jinja2"))  # noqa: S308 - escaped by Jinja2


# The search form's choice controls (the radius, the topic, the sort, the boxes of the
# types and of the vakgebieden) are the same HTML on most search pages: most searches
# leave them as they were. Their macros took a third of the search's Jinja2 (0.9 ms).
# Kept per process, by everything they show, up to CONTROLS_KEPT of them (a visitor
# who ticks every combination of vakgebieden makes new ones; past the bound they start over).
CONTROLS_KEPT = 512
_controls = {}


def kept_control(render, field, **options):
    """`render(field, **options)`, a macro of the search form, for a choice field: kept
    per process by the macro, the field, the language, the field's value and choices
    (a renamed vakgebied is another key) and the options. A field with errors is
    rendered every time: its messages and suggestions are the visitor's own."""
    if field.errors:
        return render(field, **options)
    value = field.value()
    key = (
        render.name,
        field.html_name,
        get_language(),
        tuple(value) if isinstance(value, list | tuple) else value,
        tuple(field.field.choices),
        tuple(sorted(options.items())),
    )
    html = _controls.get(key)
    if html is None:
        if len(_controls) >= CONTROLS_KEPT:
            _controls.clear()
        html = _controls[key] = render(field, **options)
    return html


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


def changed_query(query, **changes):
    """A search's query string (a QueryDict) with parameters changed (None removes one).

    `remove_vakgebied="ict"` drops a single value of the repeatable vakgebied;
    the page number is always dropped, as the results change.
    """
    query = copy.copy(query)  # shallow: every change below sets a new list
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


def place_suggestion_links(query, names):
    """'Bedoelt u Gent?' with every name a link that runs the search `query` with that
    place instead of the one that was not found."""
    links = [
        format_html('<a href="{}">{}</a>', changed_query(query, plaats=name), name)
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
