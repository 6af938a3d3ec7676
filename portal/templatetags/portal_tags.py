"""Small template helpers shared by the portal's pages."""

import copy
import functools
import re

from django import template
from django.core.paginator import Paginator

from core import validators

register = template.Library()


@register.simple_tag(takes_context=True)
def url_replace(context, field, value):
    """The current query string with one parameter replaced, e.g. for page links.

    Keeps every other GET parameter (search terms, filters), so that paging
    through a filtered list does not lose the filter.
    """
    # A shallow copy: QueryDict.copy() deep-copies every value, and a list page asks for
    # a dozen links (0.1 ms each on a search page).
    query = copy.copy(context["request"].GET)
    query[field] = value
    return f"?{query.urlencode()}"


@register.simple_tag
def elided_page_range(page_obj, on_each_side=2, on_ends=1):
    """Page numbers around the current page, with Paginator.ELLIPSIS for gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )


@register.filter
def is_ellipsis(value):
    return value == Paginator.ELLIPSIS


@register.filter
def form_error_count(form):
    """All error messages of a form, field and non-field errors together."""
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def phone(value):
    """'+3292251234' -> '09 225 12 34', '+32470123456' -> '0470 12 34 56': the one
    way the portal shows a phone number (foreign numbers in international format)."""
    return validators.format_phone_number(value) if value else ""


# A number as the portal stores it (core.validators.normalise_phone_number): E.164.
E164_NUMBER = re.compile(r"\+[1-9][0-9]{6,14}")


@register.filter
def tel_uri(value):
    """The href of a phone number's link: 'tel:+3292251234' (E.164). A number stored in
    E.164, as the forms store them, is its own link: only older values are parsed."""
    if not value:
        return ""
    if E164_NUMBER.fullmatch(value):
        return f"tel:{value}"
    return _tel_uri(value)


@functools.lru_cache(maxsize=4096)
def _tel_uri(value):
    # Remembered per number, as validators.format_phone_number is: parsing costs about
    # 0.05 ms, and a page of search results links twenty numbers.
    return f"tel:{validators.phone_number_e164_or_unchanged(value)}"
