"""Reusable form fields for Belgian identifiers, bank accounts and phone numbers, for
dates, for text over several lines and for a short choice of objects read once, and
the one helper that puts a service's errors on a form.

Each field accepts what people type ("BE 0123.456.749", "be71 0961 2345 6769",
"02 553 17 00"), cleans to the normalised value the database stores and shows a
stored value in its readable form. Use them in ModelForms through
`Meta.field_classes`; the label and help text then come from the model field.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EMPTY_VALUES
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import Jinja2
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from markupsafe import escape

from core import validators
from core.text import normalise_line_breaks

# Django's widget templates that only include input.html, and the select's.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "checkbox", "color", "date", "datetime", "email", "file", "hidden",
        "number", "password", "search", "tel", "text", "time", "url",
    )
)  # fmt: skip
SELECT_TEMPLATE = "django/forms/widgets/select.html"
SELECT_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


class ListFormRenderer(Jinja2):
    """The renderer of the GET forms that a search or a long list renders on every
    request (a form's `default_renderer`): Django's own widget templates in their Jinja2
    version, the same markup at about half the cost of the template language (2.5 of the
    2.4 overview's milliseconds). Not for every form: the admin's widgets have Django
    templates only.

    The inputs and selects, which are most of such a form, it writes out itself from the
    widget's context, as those templates do (escaped by markupsafe, as Jinja2 escapes):
    a template render per widget and per option was about 0.2 ms each, a fifth of the
    search form's part of the page. Any other widget is rendered by its template.
    """

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in INPUT_TEMPLATES:
            return _input_html(widget)
        if template_name == SELECT_TEMPLATE and all(
            option["template_name"] == SELECT_OPTION_TEMPLATE
            for _name, options, _index in widget["optgroups"]
            for option in options
        ):
            return _select_html(widget)
        return super().render(template_name, context, request=request)


def _attrs_html(attrs):
    """attrs.html: ' name="value"', a True attribute by its name only, a False one left out."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input_html(widget):
    value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
    return (
        f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"'
        f"{value}{_attrs_html(widget['attrs'])}>"
    )


def _select_html(widget):
    lines = [f'<select name="{escape(widget["name"])}"{_attrs_html(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            lines.append(f'  <optgroup label="{escape(group_name)}">')
        lines.extend(
            f'  <option value="{escape(option["value"])}"{_attrs_html(option["attrs"])}>'
            f"{escape(option['label'])}</option>"
            for option in options
        )
        if group_name:
            lines.append("  </optgroup>")
    lines.append("</select>")
    return "\n".join(lines)


LIST_FORM_RENDERER = ListFormRenderer()


class TelInput(forms.TextInput):
    input_type = "tel"


class NormalisedCharField(forms.CharField):
    """A CharField that normalises in `to_python` and formats in `prepare_value`.

    The model's max_length applies to the stored, normalised value; what people type
    may be longer (spaces, dots, a country prefix), so the input gets its own limit.
    """

    input_max_length = 40
    default_label = None
    default_help_text = ""
    widget_attrs_extra = {}

    def __init__(self, **kwargs):
        kwargs["max_length"] = self.input_max_length
        kwargs.setdefault("label", self.default_label)
        if not kwargs.get("help_text"):
            kwargs["help_text"] = self.default_help_text
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(self.widget_attrs_extra)
        return attrs

    def normalise(self, value):
        raise NotImplementedError

    def display(self, value):
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in EMPTY_VALUES:
            return value
        return self.normalise(value)

    def prepare_value(self, value):
        if value in EMPTY_VALUES:
            return value
        return self.display(value)


class KBONumberField(NormalisedCharField):
    """Ondernemingsnummer: cleans to '0123456749', shows '0123.456.749'."""

    input_max_length = 20
    default_label = _("Ondernemingsnummer")
    default_help_text = _("10 cijfers, bijvoorbeeld 0123.456.749.")
    widget_attrs_extra = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false"}

    def normalise(self, value):
        return validators.normalise_kbo_number(value)

    def display(self, value):
        return validators.format_kbo_number(value)


class IBANField(NormalisedCharField):
    """IBAN of a SEPA country: cleans to 'BE71096123456769', shows 'BE71 0961 2345 6769'."""

    input_max_length = 50
    default_label = _("IBAN")
    default_help_text = _("Rekeningnummer in SEPA-formaat, bijvoorbeeld BE71 0961 2345 6769.")
    widget_attrs_extra = {
        "autocomplete": "off",
        "inputmode": "text",
        "autocapitalize": "characters",
        "spellcheck": "false",
    }

    def normalise(self, value):
        validators.validate_iban(value)
        return validators.normalise_iban(value)

    def display(self, value):
        return validators.format_iban(value)


class BICField(NormalisedCharField):
    """BIC (SWIFT code): cleans to upper case without spaces.

    For a Belgian IBAN the form should fill it in with `validators.derive_bic` and
    check the pair with `validators.validate_iban_bic_pair` in `clean()`.
    """

    input_max_length = 15
    default_label = _("BIC")
    default_help_text = _("Bijvoorbeeld GKCCBEBB.")
    widget_attrs_extra = {
        "autocomplete": "off",
        "inputmode": "text",
        "autocapitalize": "characters",
        "spellcheck": "false",
    }

    def normalise(self, value):
        validators.validate_bic(value)
        return validators.normalise_bic(value)


class PhoneNumberField(NormalisedCharField):
    """Phone number: cleans to E.164 ('+3225531700'), shows '02 553 17 00'."""

    widget = TelInput
    input_max_length = 30
    default_label = _("Telefoonnummer")
    default_help_text = _("Bijvoorbeeld 02 553 17 00, of met landcode: +31 20 123 4567.")
    widget_attrs_extra = {"autocomplete": "tel", "inputmode": "tel"}

    def __init__(self, *, region="BE", **kwargs):
        self.region = region
        super().__init__(**kwargs)

    def normalise(self, value):
        return validators.normalise_phone_number(value, region=self.region)

    def display(self, value):
        return validators.format_phone_number(value)


class MultilineTextField(forms.CharField):
    """Text typed in a textarea: line breaks count once and are stored as LF.

    Browsers send every line break as CR LF, while the person typing (and the
    character counter next to the field) counts one character: normalised before the
    length is checked, so a text of exactly `max_length` typed characters fits.
    """

    widget = forms.Textarea

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_line_breaks(value) if isinstance(value, str) else value


class DateInput(forms.DateInput):
    """The browser's date picker; it posts ISO dates whatever the display language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


# The dates the portal's rules compute with (a term of days, a validity of years) stay
# far from the calendar's end (9999-12-31), where that arithmetic would overflow.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


class DateField(forms.DateField):
    """A date between EARLIEST_DATE and LATEST_DATE, with the browser's date picker.

    Anything else, such as 9999-12-31, gets a message next to the field instead of
    reaching a rule that adds days or years to it.
    """

    widget = DateInput

    def __init__(self, *, earliest=EARLIEST_DATE, latest=LATEST_DATE, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"min": self.earliest.isoformat(), "max": self.latest.isoformat()})
        return attrs

    def validate(self, value):
        super().validate(value)
        if value is not None and not self.earliest <= value <= self.latest:
            raise ValidationError(
                _("Geef een datum tussen %(earliest)s en %(latest)s."),
                code="date_out_of_range",
                params={
                    "earliest": date_format(self.earliest, "d/m/Y"),
                    "latest": date_format(self.latest, "d/m/Y"),
                },
            )


class _FetchedChoiceIterator(ModelChoiceIterator):
    """The options of a FetchedModelChoiceField, from the objects it fetched."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.objects()) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.objects())


class FetchedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that reads its queryset once per form, when first needed:
    the options, the check of a submitted value and what the view reads of the same
    objects (objects()) come from that one query.

    A plain ModelChoiceField queries for its options and again for a submitted value
    (and on PostgreSQL reads the options through a server-side cursor, three round
    trips). For the short lists of a select only: the objects are held in memory.
    """

    iterator = _FetchedChoiceIterator

    def _set_queryset(self, queryset):
        self._objects = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)

    def objects(self):
        """The queryset's objects, read on the first call."""
        if self._objects is None:
            self._objects = list(self.queryset)
        return self._objects

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        key = self.to_field_name or "pk"
        model = self.queryset.model
        if isinstance(value, model):
            value = getattr(value, key)
        field = model._meta.pk if key == "pk" else model._meta.get_field(key)
        try:
            wanted = field.to_python(value)
        except ValidationError:
            wanted = None
        for obj in self.objects():
            if wanted is not None and getattr(obj, key) == wanted:
                return obj
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


def add_service_errors(form, error, *, default_field=None):
    """Put a ValidationError raised by a service on the form fields it names.

    Errors keyed by a field the form has go next to that field; the others, and an
    error without keys, go to `default_field` (None: the form's general errors).
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else default_field, errors)
    else:
        form.add_error(default_field, error)
