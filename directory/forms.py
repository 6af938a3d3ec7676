"""The search form of "Zoek een geregistreerde dienstverlener".

Its field names are the page's GET parameters (q, vakgebied, type, plaats, straal,
sorteer), so that every search is a stable URL that can be bookmarked and shared.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import validators
from core.forms import LIST_FORM_RENDERER
from core.process_cache import ProcessCache
from directory.identifiers import kbo_number_from, looks_like_kbo_number
from directory.selectors import DEFAULT_RADIUS_KM, Sort, place_resolve, place_suggestions
from providers.models import Vakgebied
from registrations.selectors import ServiceType

RADIUS_CHOICES = [
    ("0", _("Alleen in de gemeente zelf")),
    ("5", _("Tot 5 km")),
    ("10", _("Tot 10 km")),
    ("25", _("Tot 25 km")),
    ("50", _("Tot 50 km")),
]
# GET value -> Sort, and back.
SORTS = {"relevantie": Sort.RELEVANCE, "afstand": Sort.DISTANCE, "naam": Sort.NAME}
SORT_CHOICES = [
    ("relevantie", _("Relevantie")),
    ("afstand", _("Afstand")),
    ("naam", _("Naam")),
]
DEFAULTS = {"straal": str(DEFAULT_RADIUS_KM), "sorteer": "relevantie"}


# The form's vakgebieden, read once per process (core.process_cache): staff change them a
# few times a year, and every search page would read them. A process that did not make
# the change shows it within VAKGEBIED_CACHE_SECONDS; until then a vakgebied that is gone
# finds no one.
VAKGEBIED_CACHE_SECONDS = 300
_vakgebieden = ProcessCache(seconds=VAKGEBIED_CACHE_SECONDS)
_vakgebieden.forget_on_change(Vakgebied, dispatch_uid="directory_vakgebied_choices")


def vakgebied_choices():
    """(slug, name) of every vakgebied, by name."""
    return _vakgebieden.get(
        "choices", lambda: list(Vakgebied.objects.order_by("name").values_list("slug", "name"))
    )


class CheckboxGroup(forms.CheckboxSelectMultiple):
    """Checkboxes whose group is known by its first box: the error summary links there."""

    def id_for_label(self, id_, index=None):
        return super().id_for_label(id_, "0" if index is None else index)


class DirectorySearchForm(forms.Form):
    """Free text, filters and sort order; `search_arguments()` gives provider_search's."""

    default_renderer = LIST_FORM_RENDERER

    q = forms.CharField(
        label=_("Zoekterm"),
        required=False,
        max_length=200,
        help_text=_(
            "Naam, vakgebied, gemeente of een woord uit de voorstelling. Of een "
            "ondernemingsnummer (0123.456.749) of registratienummer (DV.O000123)."
        ),
    )
    plaats = forms.CharField(
        label=_("Gemeente of postcode"),
        required=False,
        max_length=100,
        help_text=_("Bijvoorbeeld 9000 of Gent."),
    )
    straal = forms.TypedChoiceField(
        label=_("Afstand tot een vestiging"),
        required=False,
        choices=RADIUS_CHOICES,
        coerce=int,
        empty_value=DEFAULT_RADIUS_KM,
        error_messages={"invalid_choice": _("Kies een afstand uit de lijst.")},
    )
    type = forms.MultipleChoiceField(
        label=_("Type dienstverlening"),
        required=False,
        choices=ServiceType.choices,
        widget=CheckboxGroup(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": _("Kies opleiding, advies of beide.")},
    )
    vakgebied = forms.MultipleChoiceField(
        label=_("Vakgebieden"),
        required=False,
        widget=CheckboxGroup(attrs={"class": "form-check-input"}),
        help_text=_("Dienstverleners die in minstens één van de aangeduide vakgebieden werken."),
        error_messages={"invalid_choice": _("Dit vakgebied bestaat niet: %(value)s.")},
    )
    onderwerp = forms.ChoiceField(
        label=_("Onderwerp"),
        required=False,
        choices=[("", _("alle onderwerpen")), ("cybersecurity", _("cybersecurity"))],
        help_text=_(
            "Cybersecurity: dienstverleners in het vakgebied ICT of met 'cyber' in hun "
            "voorstelling. Advies krijgt alleen nog steun als het over cybersecurity gaat."
        ),
        error_messages={"invalid_choice": _("Kies een onderwerp uit de lijst.")},
    )
    # "Zoek toch naar …": search the words as typed, without correcting typos.
    letterlijk = forms.BooleanField(required=False, widget=forms.HiddenInput)
    sorteer = forms.ChoiceField(
        label=_("Sorteer op"),
        required=False,
        choices=SORT_CHOICES,
        help_text=_("Zonder zoekterm: de dichtstbijzijnde eerst, of op naam."),
        error_messages={"invalid_choice": _("Kies relevantie, afstand of naam.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.place = None
        self.place_suggestions = []
        self.fields["vakgebied"].choices = vakgebied_choices()
        for name in ("q", "plaats"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["q"].widget.input_type = "search"
        self.fields["plaats"].widget.attrs["autocomplete"] = "address-level2"
        for name in ("straal", "sorteer", "onderwerp"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def clean_q(self):
        text = self.cleaned_data["q"].strip()
        if looks_like_kbo_number(text) and kbo_number_from(text) is None:
            try:
                validators.normalise_kbo_number(text)
            except ValidationError as error:
                raise ValidationError(error.messages[0], code=error.code) from error
            raise ValidationError(_("Dit ondernemingsnummer klopt niet."), code="kbo_check_digit")
        return text

    def clean_plaats(self):
        text = self.cleaned_data["plaats"].strip()
        if not text:
            return ""
        self.place = place_resolve(text)
        if self.place is None:
            # The page offers each as a link that runs the search with it ("Bedoelt u ...?").
            self.place_suggestions = place_suggestions(text)
            if self.place_suggestions:
                raise ValidationError(
                    format_lazy(
                        _("We vinden geen Belgische gemeente of postcode '{text}'."), text=text
                    ),
                    code="place_unknown",
                )
            raise ValidationError(
                format_lazy(
                    _(
                        "We vinden geen Belgische gemeente of postcode '{text}'. Geef een "
                        "postcode van vier cijfers of de naam van een gemeente."
                    ),
                    text=text,
                ),
                code="place_unknown",
            )
        return text

    def clean(self):
        cleaned = super().clean()
        wants_distance = cleaned.get("sorteer") == "afstand"
        if wants_distance and not cleaned.get("plaats") and "plaats" not in self.errors:
            self.add_error(
                "sorteer",
                ValidationError(
                    _("Sorteren op afstand kan alleen als u een gemeente of postcode opgeeft."),
                    code="distance_needs_place",
                ),
            )
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Screen readers announce an invalid field and read its message with it.
        for name in self.errors:
            if name in self.fields:
                field = self.fields[name]
                described_by = [f"id_{name}_helptext"] if field.help_text else []
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["aria-describedby"] = " ".join(
                    [*described_by, f"id_{name}_error"]
                )

    def search_arguments(self):
        """Keyword arguments for directory.selectors.provider_search."""
        data = self.cleaned_data
        return {
            "text": data["q"],
            "vakgebieden": data["vakgebied"],
            "service_types": data["type"],
            "topic": data["onderwerp"],
            "place": self.place,
            "radius_km": data["straal"] if self.place else None,
            "sort": SORTS[data["sorteer"] or "relevantie"],
            "correct": not data["letterlijk"],
        }

    def vakgebied_names(self):
        names = dict(self.fields["vakgebied"].choices)
        return [(slug, names[slug]) for slug in self.cleaned_data.get("vakgebied", [])]
