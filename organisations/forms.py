"""The address block that organisations, service providers and establishments share."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import validators
from organisations.models import validate_postcode_municipality


def clean_belgian_address(form, cleaned_data, *, country="BE"):
    """Check postcode and municipality against the reference list for a Belgian address.

    The error goes to the field that is wrong: an unknown or malformed postcode
    to "Postcode", a place that does not belong to it to "Gemeente". A place that
    belongs to it is cleaned to the list's spelling ("gent" -> "Gent").
    """
    if country != "BE":
        return
    postcode = cleaned_data.get("postcode")
    municipality = cleaned_data.get("municipality")
    if not postcode:
        return
    try:
        validators.validate_postcode(postcode)
    except ValidationError as error:
        form.add_error("postcode", error)
        return
    if not municipality:
        return
    try:
        cleaned_data["municipality"] = validate_postcode_municipality(postcode, municipality)
    except ValidationError as error:
        form.add_error("postcode" if error.code == "postcode_unknown" else "municipality", error)


class AddressFormMixin(forms.Form):
    """The address block of the seed's screens: Postcode, Gemeente, Straat, Nr, Bus."""

    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    municipality = forms.CharField(
        label=_("Gemeente"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    street = forms.CharField(
        label=_("Straat"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    house_number = forms.CharField(label=_("Nr"), max_length=10)
    box = forms.CharField(label=_("Bus"), max_length=10, required=False)
