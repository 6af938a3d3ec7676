"""Forms of the stand-in's sign-in and IDM screens (labels from seed 003)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import validators
from core.forms import DateField, NormalisedCharField
from standin import validators as national_numbers
from standin.models import Person, UserRight, WorkRelationship


class NationalNumberField(NormalisedCharField):
    """A rijksregisternummer typed with or without dots and dashes: cleans to 11 digits,
    shows 'YY.MM.DD-SSS.CC'. Only the stand-in has one: the portal stores none."""

    input_max_length = 20
    default_label = _("Rijksregisternummer / BIS-registernummer")
    default_help_text = _("Bijvoorbeeld 90.04.18-123.45")
    widget_attrs_extra = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}

    def normalise(self, value):
        return national_numbers.normalise_national_number(value)

    def display(self, value):
        try:
            v = national_numbers.normalise_national_number(value)
        except forms.ValidationError:
            return value
        return f"{v[:2]}.{v[2:4]}.{v[4:6]}-{v[6:9]}.{v[9:]}"


class PhoneNumberFieldMixin:
    def clean_phone(self):
        phone = self.cleaned_data.get("phone")
        return validators.normalise_phone_number(phone) if phone else phone


class SignInForm(forms.Form):
    """The simulated identity check: pick one of the stand-in's people or type a number."""

    person = forms.ModelChoiceField(
        label=_("Kies een persoon"),
        queryset=Person.objects.all(),
        required=False,
        widget=forms.RadioSelect,
        to_field_name="uuid",
    )
    national_number = NationalNumberField(
        label=_("Of geef een rijksregisternummer op"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        person = cleaned.get("person")
        number = cleaned.get("national_number")
        if self.errors:
            return cleaned
        if number:
            person = Person.objects.filter(national_number=number).first()
            if person is None:
                self.add_error(
                    "national_number",
                    _(
                        "Deze persoon is niet gekend in de stand-in. Laat de lokale beheerder "
                        "de persoon eerst toevoegen in het Gebruikersbeheer."
                    ),
                )
                return cleaned
            cleaned["person"] = person
        elif person is None:
            raise ValidationError(_("Kies een persoon of geef een rijksregisternummer op."))
        return cleaned


class AppointAdministratorForm(forms.Form):
    national_number = NationalNumberField()
    first_name = forms.CharField(label=_("Voornaam"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Naam"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("national_number")
        if number:
            cleaned["person"] = Person.objects.filter(national_number=number).first()
            if cleaned["person"] is None:
                for field, message in (
                    ("first_name", _("Vul de voornaam in: deze persoon is nog niet gekend.")),
                    ("last_name", _("Vul de naam in: deze persoon is nog niet gekend.")),
                ):
                    if not cleaned.get(field):
                        self.add_error(field, message)
        return cleaned


class AddUserStep1Form(forms.Form):
    """Stap 1 van 3: Geef Identificatienummer op."""

    national_number = NationalNumberField(
        help_text=_(
            "De naam, voornaam, geboortedatum en geslacht van de gebruiker worden "
            "opgehaald uit het rijksregister."
        )
    )


class AddUserStep2Form(PhoneNumberFieldMixin, forms.ModelForm):
    """Stap 2 van 3: Geef details."""

    class Meta:
        model = Person
        fields = ["first_name", "last_name", "birth_date", "sex", "phone", "email"]
        field_classes = {"birth_date": DateField}
        help_texts = {"phone": _("Bijvoorbeeld +3212345678")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].required = True
        self.fields["phone"].required = True


class WorkRelationshipForm(PhoneNumberFieldMixin, forms.ModelForm):
    """Werkrelatie details; the model checks the 10-year maximum."""

    class Meta:
        model = WorkRelationship
        fields = ["category", "begin_date", "end_date", "phone", "email"]
        field_classes = {"begin_date": DateField, "end_date": DateField}
        help_texts = {
            "end_date": _("Maximumperiode = 10 jaar; u kunt dit aanpassen."),
            "phone": _("Bijvoorbeeld +3212345678"),
        }


class UserRightForm(forms.ModelForm):
    """Details gebruikersrecht; the model checks the 5-year maximum and the profiles."""

    class Meta:
        model = UserRight
        fields = ["right", "begin_date", "end_date", "profile_provider", "profile_sme"]
        field_classes = {"begin_date": DateField, "end_date": DateField}
        help_texts = {
            "end_date": _("Maximumperiode = 5 jaar; u kunt dit aanpassen."),
            "profile_sme": _(
                "Tip: als deze persoon ook steunaanvragen kmo-portefeuille dient aan te "
                "vragen, selecteer dan ook het profiel 'Gebruiker'."
            ),
        }
