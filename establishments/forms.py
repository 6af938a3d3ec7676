"""The form of an establishment (vestiging): a Belgian address and contact data."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PhoneNumberField
from organisations.forms import AddressFormMixin, clean_belgian_address

ADDRESS_FIELDS = ["postcode", "municipality", "street", "house_number", "box"]


class EstablishmentForm(AddressFormMixin):
    """Add or change an establishment.

    Establishments are a search criterion for SMEs looking for a provider nearby,
    so they are Belgian addresses checked against the postcode list. The
    registered office's address follows the organisation: pass
    `registered_office=True` and those fields are shown but not editable.
    """

    name = forms.CharField(
        label=_("Naam vestiging"),
        max_length=200,
        required=False,
        help_text=_("Niet verplicht, bijvoorbeeld 'Opleidingscentrum Gent'."),
    )
    phone = PhoneNumberField(label=_("Telefoonnummer"), required=False)
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["name", *ADDRESS_FIELDS, "phone", "email", "version"]

    def __init__(self, *args, registered_office=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.registered_office = registered_office
        address_legend = _("Adres")
        if registered_office:
            address_legend = _("Adres (volgt het adres van de maatschappelijke zetel)")
            for name in ADDRESS_FIELDS:
                self.fields[name].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("name"),
            Fieldset(address_legend, *ADDRESS_FIELDS),
            Fieldset(_("Contactgegevens"), "phone", "email"),
            Field("version"),
        )

    def clean(self):
        cleaned_data = super().clean()
        if not self.registered_office:
            clean_belgian_address(self, cleaned_data)
        cleaned_data["country"] = "BE"
        return cleaned_data
