"""The request for a registration: audit evidence, quality labels, starter, declaration.

Plain forms rather than ModelForms: registrations.services.registration_request
writes the registration, its quality labels and the first event together.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Fieldset, Layout
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, MultilineTextField
from registrations.models import ServiceType
from registrations.uploads import megabytes, validate_pdf_upload

QUALITY_LABEL_ROWS = 3

STARTER_HELP = _(
    "Vink dit aan als de dienstverlener pas gestart is en nog geen volledige audit kon "
    "doorlopen. Een starter wordt eerst voor twee jaar geregistreerd; na een geslaagde "
    "opvolgingsaudit wordt de registratie met drie jaar verlengd. Anders geldt een "
    "registratie vijf jaar."
)
REUPLOAD_HELP = _(
    "Kies het bestand opnieuw: een browser bewaart een gekozen bestand niet wanneer het "
    "formulier met fouten terugkomt."
)


class RegistrationRequestForm(forms.Form):
    """The request for one service provider and one service type.

    The audit report is checked by content (a real PDF) and size
    (settings.REGISTRATION_UPLOAD_MAX_BYTES); the declaration on honour is shown
    in full and must be ticked explicitly.
    """

    service_type = forms.ChoiceField(
        label=_("Type dienstverlening"),
        choices=ServiceType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies opleiding of advies.")},
    )
    audit_body = forms.CharField(
        label=_("Auditinstantie"),
        max_length=200,
        help_text=_("De door het agentschap aangestelde auditinstantie die de audit uitvoerde."),
        error_messages={"required": _("Vul de naam van de auditinstantie in.")},
    )
    audit_date = DateField(
        label=_("Datum van de audit"),
        error_messages={
            "required": _("Vul de datum van de audit in."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 15/03/2025."),
        },
    )
    audit_report = forms.FileField(
        label=_("Auditrapport (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": _("Kies het auditrapport (een PDF-bestand).")},
    )
    is_starter = forms.BooleanField(
        label=_("De dienstverlener is een starter"), required=False, help_text=STARTER_HELP
    )
    # Laid out by the template, after the full text of the declaration it refers to.
    declaration_accepted = forms.BooleanField(
        label=_("Ik leg deze verklaring op eer af"),
        required=True,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "declaration-text"}),
        error_messages={
            "required": _("U moet de verklaring op eer aanvinken om de aanvraag in te dienen.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["audit_report"].help_text = _(
            "Het rapport van de audit volgens de kmop-norm, als PDF-bestand van hoogstens "
            "%(limit)s MB."
        ) % {"limit": megabytes(self.max_upload_bytes)}
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("service_type"),
            Fieldset(_("Audit"), "audit_body", "audit_date", "audit_report"),
            Fieldset(_("Starter"), "is_starter"),
        )

    @property
    def max_upload_bytes(self):
        return settings.REGISTRATION_UPLOAD_MAX_BYTES

    def clean_audit_date(self):
        audit_date = self.cleaned_data["audit_date"]
        if audit_date > timezone.localdate():
            raise forms.ValidationError(
                _("De datum van de audit kan niet in de toekomst liggen."), code="future"
            )
        return audit_date

    def clean_audit_report(self):
        audit_report = self.cleaned_data["audit_report"]
        validate_pdf_upload(audit_report, max_bytes=self.max_upload_bytes)
        return audit_report

    def prepare_for_redisplay(self):
        """After a failed submit: the file input is empty, so say so next to it; and
        link the declaration checkbox to its error as well as to the declaration text.
        """
        field = self.fields["audit_report"]
        field.help_text = f"{REUPLOAD_HELP} {field.help_text}"
        # The bound field copied the help text when validation created it.
        self["audit_report"].help_text = field.help_text
        if "declaration_accepted" in self.errors:
            widget = self.fields["declaration_accepted"].widget
            widget.attrs["aria-describedby"] = (
                f"declaration-text {self['declaration_accepted'].auto_id}_error"
            )


class QualityLabelForm(forms.Form):
    """One quality label or certificate with its expiry date; a blank row is ignored."""

    name = forms.CharField(
        label=_("Kwaliteitslabel of certificaat"),
        max_length=200,
        required=False,
    )
    expires_on = DateField(
        label=_("Vervaldatum"),
        required=False,
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 31/12/2027.")},
    )

    def clean(self):
        cleaned_data = super().clean()
        name, expires_on = cleaned_data.get("name"), cleaned_data.get("expires_on")
        if name and not expires_on and "expires_on" not in self.errors:
            self.add_error("expires_on", _("Vul de vervaldatum van dit label in."))
        if expires_on and not name:
            self.add_error("name", _("Vul de naam van het label of certificaat in."))
        if expires_on and expires_on < timezone.localdate():
            self.add_error(
                "expires_on",
                _("Dit label is al vervallen: vermeld enkel labels die nog geldig zijn."),
            )
        return cleaned_data

    def as_label(self):
        """The row as QualityLabel fields, or None for a blank row."""
        data = getattr(self, "cleaned_data", None) or {}
        if not data.get("name"):
            return None
        return {"name": data["name"], "expires_on": data["expires_on"]}


# absolute_max: a posted labels-TOTAL_FORMS of 1000 would otherwise build (and show
# again) a thousand rows; more than three is refused with a message instead.
QualityLabelFormSet = forms.formset_factory(
    QualityLabelForm,
    extra=QUALITY_LABEL_ROWS,
    max_num=QUALITY_LABEL_ROWS,
    absolute_max=QUALITY_LABEL_ROWS,
    validate_max=True,
)


class RegistrationCancelForm(forms.Form):
    """Withdrawing a pending request; the reason is optional."""

    reason = MultilineTextField(
        label=_("Reden (niet verplicht)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
