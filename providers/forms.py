"""Forms of "Mijn gegevens: stap 1" and "stap 2" (seed 000).

Plain forms rather than ModelForms: both steps are validated on their own and
saved together by providers.services.service_provider_save, and step 1 travels
through the session between the two. Labels are the seed's.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import validators
from core.forms import (
    BICField,
    IBANField,
    KBONumberField,
    MultilineTextField,
    PhoneNumberField,
)
from organisations.forms import AddressFormMixin, clean_belgian_address
from organisations.models import LegalForm
from providers.models import DESCRIPTION_MAX_LENGTH, Vakgebied

# The scheme pays by SEPA transfer; billing addresses are Belgian or in a neighbouring country.
COUNTRY_CHOICES = [
    ("BE", _("België")),
    ("NL", _("Nederland")),
    ("LU", _("Luxemburg")),
    ("FR", _("Frankrijk")),
    ("DE", _("Duitsland")),
]
# The public search indexes the name word by word, in columns of 100 characters.
NAME_MAX_WORD_LENGTH = 100
BANK_ACCOUNT_HELP = _(
    "Belgisch of buitenlands rekeningnummer in SEPA-formaat (Gebruik cijfers, letters en spaties)"
)


class ServiceProviderStep1Form(AddressFormMixin):
    """ "Mijn gegevens: stap 1": address, contact data, bank account, legal form.

    For a Belgian IBAN an empty BIC is filled in from the bank code, and the BIC
    of another bank is refused.
    """

    name = forms.CharField(
        label=_("Maatschappelijke naam"),
        max_length=200,
        validators=[validators.MaxWordLengthValidator(NAME_MAX_WORD_LENGTH)],
    )
    country = forms.ChoiceField(label=_("Land"), choices=COUNTRY_CHOICES, initial="BE")
    phone = PhoneNumberField(label=_("Telefoonnummer"), required=False)
    mobile = PhoneNumberField(
        label=_("GSM-nummer"), required=False, help_text=_("Bijvoorbeeld 0470 12 34 56.")
    )
    email = forms.EmailField(
        label=_("E-mailadres"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    website = forms.URLField(
        label=_("URL"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    contact_last_name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    contact_first_name = forms.CharField(
        label=_("Voornaam"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    extra_info = MultilineTextField(
        label=_("Extra info"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    kbo_number = KBONumberField(label=_("Ondernemingsnummer"))
    bic = BICField(
        label=_("BIC"),
        required=False,
        help_text=_("Vb. GKCCBEBB. Bij een Belgisch rekeningnummer vullen we de BIC voor u in."),
    )
    iban = IBANField(label=_("IBAN"), help_text=_("Vb. BE71 0961 2345 6769"))
    legal_form = forms.ModelChoiceField(
        label=_("Rechtsvorm"),
        queryset=LegalForm.objects.none(),
        required=False,
        empty_label=_("Kies een rechtsvorm"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = [
        "name",
        "country",
        "postcode",
        "municipality",
        "street",
        "house_number",
        "box",
        "phone",
        "mobile",
        "email",
        "website",
        "contact_last_name",
        "contact_first_name",
        "extra_info",
        "kbo_number",
        "bic",
        "iban",
        "legal_form",
        "version",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Legal forms abolished by the new company code stay selectable for whoever has one.
        current = self.initial.get("legal_form")
        current_pk = getattr(current, "pk", current)
        self.fields["legal_form"].queryset = LegalForm.objects.filter(
            Q(in_use=True) | Q(pk=current_pk)
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("name"),
            Fieldset(
                _("Facturatieadres"),
                "country",
                "postcode",
                "municipality",
                "street",
                "house_number",
                "box",
            ),
            Fieldset(_("Contactgegevens"), "phone", "mobile", "email", "website"),
            Fieldset(_("Contactpersoon"), "contact_last_name", "contact_first_name"),
            Field("extra_info"),
            Field("kbo_number"),
            Fieldset(_("Rekeningnummer"), "bic", "iban"),
            Field("legal_form"),
            Field("version"),
        )

    def clean(self):
        cleaned_data = super().clean()
        clean_belgian_address(self, cleaned_data, country=cleaned_data.get("country"))
        self._clean_bank_account(cleaned_data)
        return cleaned_data

    def _clean_bank_account(self, cleaned_data):
        iban, bic = cleaned_data.get("iban"), cleaned_data.get("bic")
        if not iban or "bic" in self.errors:
            return
        if bic:
            try:
                validators.validate_iban_bic_pair(iban, bic)
            except ValidationError as error:
                self.add_error("bic", error)
            return
        derived = validators.derive_bic(iban)
        if derived:
            cleaned_data["bic"] = derived
            # Shown filled in when the page comes back with an error elsewhere.
            self.data = self.data.copy()
            self.data[self.add_prefix("bic")] = derived
        elif iban.startswith("BE"):
            self.add_error(
                "bic",
                ValidationError(
                    _("We kennen de bank van dit rekeningnummer niet: geef de BIC op."),
                    code="bic_required",
                ),
            )
        else:
            self.add_error(
                "bic",
                ValidationError(
                    _("Geef de BIC op van de bank van dit buitenlandse rekeningnummer."),
                    code="bic_required",
                ),
            )


VAKGEBIEDEN_GUIDANCE = _(
    "Duid in de onderstaande lijst de vakgebieden aan waarin u actief bent. Bij elke "
    "steunaanvraag zal de klant uit uw selectie een vakgebied moeten toewijzen aan "
    "zijn project."
)
DESCRIPTION_GUIDANCE = _(
    "Hieronder kunt u in het kort (maximaal 1000 tekens) uw onderneming voorstellen."
)


def _guidance(element_id, text):
    """A help text shown above its field, for the field's aria-describedby to name."""
    return HTML(format_html('<p class="form-text" id="{}">{}</p>', element_id, text))


class ServiceProviderStep2Form(forms.Form):
    """ "Mijn gegevens: stap 2": vakgebieden (at least one) and a presentation.

    The presentation's limit is checked here, not with a maxlength attribute, so
    that text pasted in full gets a message saying how much to cut instead of
    being truncated silently.
    """

    vakgebieden = forms.ModelMultipleChoiceField(
        label=_("Selecteer vakgebieden"),
        queryset=Vakgebied.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Duid minstens één vakgebied aan.")},
    )
    description = MultilineTextField(
        label=_("Voorstelling van uw onderneming"),
        required=False,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "data-max-length": DESCRIPTION_MAX_LENGTH,
                "aria-describedby": "description-uitleg",
            }
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The seed's guidance says "onderstaande lijst" and "hieronder": it stands above
        # its field, where crispy would put a help text below it.
        self.helper.layout = Layout(
            Fieldset(
                _("Vakgebieden"),
                _guidance("vakgebieden-uitleg", VAKGEBIEDEN_GUIDANCE),
                "vakgebieden",
                aria_describedby="vakgebieden-uitleg",
            ),
            Fieldset(
                _("Voorstelling"),
                _guidance("description-uitleg", DESCRIPTION_GUIDANCE),
                "description",
            ),
        )

    def clean_description(self):
        # Line breaks count once (MultilineTextField), as the counter script counts them.
        text = self.cleaned_data["description"]
        excess = len(text) - DESCRIPTION_MAX_LENGTH
        if excess > 0:
            raise ValidationError(
                ngettext(
                    "De voorstelling is %(excess)d teken te lang: ze mag maximaal "
                    "%(max)d tekens tellen en telt er nu %(length)d.",
                    "De voorstelling is %(excess)d tekens te lang: ze mag maximaal "
                    "%(max)d tekens tellen en telt er nu %(length)d.",
                    excess,
                ),
                code="too_long",
                params={"excess": excess, "max": DESCRIPTION_MAX_LENGTH, "length": len(text)},
            )
        return text
