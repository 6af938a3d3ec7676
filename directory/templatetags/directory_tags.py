"""Display helpers for the public search's pages."""

from urllib.parse import urlsplit

from django import template
from django.forms.utils import flatatt
from django.utils.html import format_html

from core import validators

register = template.Library()


@register.filter
def phone(value):
    """'+3292671299' -> '09 267 12 99' (foreign numbers in international format)."""
    return validators.format_phone_number(value) if value else ""


@register.simple_tag
def choice_input(choice):
    """The <input> of one box of a CheckboxSelectMultiple, as Django's widget template
    writes it, without a template render per box: the search form has about twenty."""
    data = choice.data
    return format_html(
        '<input type="{}" name="{}" value="{}"{}>',
        data["type"],
        data["name"],
        data["value"],
        flatatt(data["attrs"]),
    )


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
