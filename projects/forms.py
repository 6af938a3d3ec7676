"""Forms of the subsidy dossiers: the SME's application, its stop, the provider's
refusal and the filters of the 2.4 overview.

The application is a plain form, not a ModelForm: the dossier is built and
checked by projects.services.project_build (the eligibility rules live there),
and what the SME typed travels through the session between "Gegevens" and
"Controleer en dien in". The form only checks what a field can check alone.
"""

import re
from decimal import Decimal, InvalidOperation

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import (
    LIST_FORM_RENDERER,
    DateField,
    FetchedModelChoiceField,
    MultilineTextField,
    add_service_errors,
)
from projects.eligibility import restrictions_today
from projects.models import CompanySize, HigherRateTopic, Project, Theme, TrainingKind
from projects.selectors import overview_service_providers
from providers.models import ServiceProvider, Vakgebied
from registrations.models import ServiceType


class EuroAmountField(forms.DecimalField):
    """An amount in euro as people type it: "1250", "1.250,50", "1250.50", "€ 1 250,50".

    A comma is the decimal mark (Belgian usage); a point followed by exactly three
    digits is a thousands separator, otherwise a decimal point. Cleans to a
    Decimal with at most two decimals.
    """

    # A text input: a number input refuses "1.250,50" in most browsers.
    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Geef een bedrag in euro, bijvoorbeeld 1250,00."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def to_python(self, value):
        if isinstance(value, Decimal) or value in self.empty_values:
            return super().to_python(value)
        text = re.sub(r"[\s\u00a0€]", "", str(value)).replace("EUR", "").replace("eur", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        try:
            return super().to_python(Decimal(text))
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value


class ProviderSearchForm(forms.Form):
    """Step 1, "Kies een dienstverlener": name, KBO number or registration number."""

    q = forms.CharField(
        label=_("Naam, ondernemingsnummer of registratienummer van de dienstverlener"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld 'Vormingscentrum', 0123.456.749 of DV.O000123."),
    )


class ApplicationForm(forms.Form):
    """Step 2 of the application, for one chosen service provider.

    The service types are those the provider is registered for today, the
    vakgebieden those of the provider's own selection (seed 000: "Bij elke
    steunaanvraag zal de klant uit uw selectie een vakgebied moeten toewijzen").
    A large enterprise is a choice so that the refusal can say why.
    """

    service_type = forms.ChoiceField(
        label=_("Type dienstverlening"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies opleiding of advies.")},
    )
    title = forms.CharField(
        label=_("Titel van het project"),
        max_length=200,
        error_messages={"required": _("Geef de titel van de opleiding of het advies.")},
    )
    training_kind = forms.ChoiceField(
        label=_("Soort opleiding"),
        choices=[("", _("niet van toepassing (advies)")), *TrainingKind.choices],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Alleen voor een opleiding."),
    )
    vakgebied = forms.ModelChoiceField(
        label=_("Vakgebied"),
        queryset=Vakgebied.objects.none(),
        empty_label=_("Kies een vakgebied"),
        help_text=_("Een vakgebied uit de selectie van de dienstverlener."),
        error_messages={
            "required": _("Kies een vakgebied uit de selectie van de dienstverlener."),
            "invalid_choice": _("Kies een vakgebied uit de selectie van de dienstverlener."),
        },
    )
    theme = forms.ChoiceField(
        label=_("Thema"),
        choices=[("", _("Kies een thema")), *Theme.choices],
        error_messages={"required": _("Kies het thema van het project.")},
    )
    higher_rate_topic = forms.ChoiceField(
        label=_("Onderwerp: gaat het project over een van deze onderwerpen?"),
        choices=[("", _("nee, geen van beide")), *HigherRateTopic.choices],
        widget=forms.RadioSelect,
        required=False,
        help_text=_(
            "Opleiding of advies over cybersecurity, of opleiding over energie-efficiëntie, "
            "krijgt een hoger steunpercentage."
        ),
    )
    start_date = DateField(
        label=_("Startdatum"),
        help_text=_("Dien uw aanvraag ten laatste 14 kalenderdagen na de startdatum in."),
        error_messages={"required": _("Geef de startdatum van de dienstverlening.")},
    )
    end_date = DateField(
        label=_("Einddatum"),
        error_messages={"required": _("Geef de einddatum van de dienstverlening.")},
    )
    amount_excl_vat = EuroAmountField(
        label=_("Bedrag exclusief btw (euro)"),
        help_text=_("Bijvoorbeeld 1250,00."),
        error_messages={
            "required": _("Geef het bedrag exclusief btw."),
            "min_value": _("Het bedrag exclusief btw moet groter zijn dan € 0,00."),
            "max_digits": _("Dit bedrag is te groot."),
            "max_whole_digits": _("Dit bedrag is te groot."),
            "max_decimal_places": _("Geef het bedrag tot op de cent (hoogstens 2 decimalen)."),
        },
    )
    company_size = forms.ChoiceField(
        label=_("Grootte van uw onderneming"),
        choices=CompanySize.choices,
        widget=forms.RadioSelect,
        help_text=_("Volgens de Europese kmo-definitie."),
        error_messages={"required": _("Kies de grootte van uw onderneming.")},
    )

    def __init__(self, *args, service_provider, service_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_type"].choices = [
            (value, label) for value, label in ServiceType.choices if value in service_types
        ]
        # What the rules of today allow, next to the choice (advice: only cybersecurity
        # since 1 February 2026); projects.services refuses the rest when it is filed.
        limited = [
            restriction
            for service_type, restriction in restrictions_today().items()
            if service_type in service_types
        ]
        if limited:
            sentences = " ".join(str(restriction.sentence()) for restriction in limited)
            self.fields["service_type"].help_text = sentences
            self.fields["higher_rate_topic"].help_text = format_lazy(
                "{} {}", self.fields["higher_rate_topic"].help_text, sentences
            )
        if len(self.fields["service_type"].choices) == 1:
            self.fields["service_type"].initial = self.fields["service_type"].choices[0][0]
        self.fields["vakgebied"].queryset = service_provider.vakgebieden.order_by("name")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("De dienstverlening"), "service_type", "title", "training_kind"),
            Fieldset(_("Vakgebied en thema"), "vakgebied", "theme", "higher_rate_topic"),
            Fieldset(_("Periode"), Field("start_date"), Field("end_date")),
            Fieldset(_("Bedrag en onderneming"), "amount_excl_vat", "company_size"),
        )

    def clean(self):
        cleaned_data = super().clean()
        # Advice has no kind of training: drop a choice left over from switching type.
        if cleaned_data.get("service_type") == ServiceType.ADVICE:
            cleaned_data["training_kind"] = ""
        return cleaned_data

    def add_service_errors(self, error):
        """Put a ValidationError of projects.services on the fields it names.

        A used-up annual ceiling concerns the amount; a missing rate is general.
        """
        field = "amount_excl_vat" if getattr(error, "code", None) == "ceiling_reached" else None
        add_service_errors(self, error, default_field=field)

    def stored_data(self):
        """What the SME typed, as strings: kept in the session between the steps."""
        return {name: self.data.get(name, "") for name in self.fields}


class StopForm(forms.Form):
    """The SME stops its own dossier; the reason is told to the provider."""

    reason = MultilineTextField(
        label=_("Reden van de stopzetting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Geef een reden op voor de stopzetting.")},
    )


class ConfirmForm(forms.Form):
    """The provider confirms an application, optionally with a remark for the client."""

    remark = MultilineTextField(
        label=_("Opmerking voor de klant (niet verplicht)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefuseForm(forms.Form):
    """The provider refuses an application: a reason from the list, and a remark."""

    reason = forms.ChoiceField(
        label=_("Reden van de weigering"),
        choices=Project.RefusalReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een reden uit de lijst.")},
    )
    remark = MultilineTextField(
        label=_("Toelichting"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("De klant ziet deze toelichting bij zijn dossier."),
        error_messages={"required": _("Licht de weigering toe voor de klant.")},
    )


SORT_CHOICES = [
    ("aanvraagdatum", _("Aanvraagdatum")),
    ("startdatum", _("Startdatum")),
    ("klant", _("Klant")),
    ("bedrag", _("Bedrag")),
    ("status", _("Status")),
]
DIRECTION_CHOICES = [("af", _("aflopend")), ("op", _("oplopend"))]
PAGE_SIZES = (25, 50, 100)


class OverviewFilterForm(forms.Form):
    """The filters and the sort order of 2.4 "Overzicht projecten", all GET parameters.

    Every field is optional and a wrong value is dropped with a message next to
    it, so a shared or bookmarked URL always shows a list.
    """

    default_renderer = LIST_FORM_RENDERER

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("alle statussen")), *Project.Status.choices]
    )
    van = DateField(label=_("Ingediend vanaf"))
    tot = DateField(label=_("Ingediend tot en met"))
    klant = forms.CharField(
        label=_("Klant (naam of ondernemingsnummer)"),
        max_length=200,
    )
    vakgebied = FetchedModelChoiceField(
        label=_("Vakgebied"),
        queryset=Vakgebied.objects.order_by("name"),
        empty_label=_("alle vakgebieden"),
    )
    type = forms.ChoiceField(
        label=_("Type dienstverlening"),
        choices=[("", _("opleiding en advies")), *ServiceType.choices],
    )
    dienstverlener = FetchedModelChoiceField(
        label=_("Dienstverlener"),
        queryset=ServiceProvider.objects.none(),
        empty_label=_("alle dienstverleners"),
    )
    sorteer = forms.ChoiceField(label=_("Sorteer op"), choices=SORT_CHOICES)
    volgorde = forms.ChoiceField(label=_("Volgorde"), choices=DIRECTION_CHOICES)
    per_pagina = forms.TypedChoiceField(
        label=_("Dossiers per pagina"),
        choices=[(size, str(size)) for size in PAGE_SIZES],
        coerce=int,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
        self.fields["dienstverlener"].queryset = overview_service_providers(organisation)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Filters"),
                Row(Column("status"), Column("van"), Column("tot")),
                Row(Column("klant"), Column("vakgebied"), Column("type")),
                Row(Column("dienstverlener", css_class="col-md-4")),
            ),
            Fieldset(
                _("Volgorde"),
                Row(Column("sorteer"), Column("volgorde"), Column("per_pagina")),
            ),
        )

    def service_providers(self):
        """The organisation's service providers the filter offers, with `offers_advice`
        (projects.selectors.overview_service_providers), read once for both."""
        return self.fields["dienstverlener"].objects()

    def page_size(self):
        if self.is_bound and "per_pagina" not in self.errors:
            return self.cleaned_data.get("per_pagina") or PAGE_SIZES[0]
        return PAGE_SIZES[0]

    def clean(self):
        cleaned_data = super().clean()
        start, end = cleaned_data.get("van"), cleaned_data.get("tot")
        if start and end and end < start:
            self.add_error("tot", _("De einddatum mag niet vóór de begindatum liggen."))
        return cleaned_data

    def filters(self):
        """The valid filters as keyword arguments for projects.selectors.project_overview."""
        data = self.cleaned_data if self.is_bound else {}
        if self.is_bound:
            # Drop what did not validate, keep the rest.
            data = {name: data.get(name) for name in self.fields if name not in self.errors}
        return {
            "status": data.get("status") or "",
            "filed_from": data.get("van"),
            "filed_until": data.get("tot"),
            "client": (data.get("klant") or "").strip(),
            "vakgebied": data.get("vakgebied"),
            "service_type": data.get("type") or "",
            "service_provider": data.get("dienstverlener"),
            "sort": data.get("sorteer") or "aanvraagdatum",
            "descending": (data.get("volgorde") or "af") == "af",
        }
