"""core.forms.ListFormRenderer writes inputs and selects as Django's Jinja2 widget
templates do, and leaves every other widget to its template."""

import datetime

import pytest
from django import forms
from django.forms.renderers import Jinja2
from django.utils.safestring import mark_safe

from core.forms import LIST_FORM_RENDERER

TEMPLATES = Jinja2()
TRICKY = "a \"b\" & <c> 'd'"


class EveryWidgetForm(forms.Form):
    text = forms.CharField(max_length=20, help_text="Help")
    search = forms.CharField(widget=forms.TextInput(attrs={"class": "form-control"}))
    number = forms.IntegerField(min_value=0, required=False)
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs={"readonly": True}))
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    hidden = forms.BooleanField(required=False, widget=forms.HiddenInput)
    box = forms.BooleanField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    choice = forms.ChoiceField(
        choices=[("", "---"), ("a", TRICKY), ("b", mark_safe("<em>B</em>")), (3, "three")],
        required=False,
    )
    grouped = forms.ChoiceField(
        choices=[("Group <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")], required=False
    )
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect, required=False)
    boxes = forms.MultipleChoiceField(
        choices=[("a", "A")], widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = forms.CharField(widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["search"].widget.input_type = "search"
        self.fields["text"].widget.attrs.update({"aria-invalid": "true", "data-x": None})
        self.fields["choice"].widget.attrs["disabled"] = False


DATA = [
    {},
    {
        "text": TRICKY,
        "search": "<script>",
        "number": "-1",
        "email": "not an email",
        "day": "2026-12-07",
        "hidden": "on",
        "box": "on",
        "password": TRICKY,
        "choice": "a",
        "grouped": "y",
        "several": ["a", "b"],
        "radio": "a",
        "boxes": ["a"],
        "notes": TRICKY,
    },
    {"choice": "3", "grouped": "z", "day": "7/12"},
]


def forms_of(data, initial):
    """The same form twice: written by the renderer and by the templates."""
    return [
        EveryWidgetForm(data, initial=initial, renderer=renderer)
        for renderer in (LIST_FORM_RENDERER, TEMPLATES)
    ]


@pytest.mark.parametrize(
    ("data", "initial"),
    [
        *((data, None) for data in DATA),
        (None, {"day": datetime.date(2026, 12, 7), "choice": "b", "text": TRICKY}),
    ],
)
def test_every_widget_is_written_as_its_template_writes_it(data, initial):
    written, templated = forms_of(data, initial)
    written.is_valid()
    templated.is_valid()
    for field in written:
        assert str(field) == str(templated[field.name]), field.name


def test_inputs_and_selects_render_no_template(monkeypatch):
    def no_template(*args, **kwargs):
        raise AssertionError("a template was rendered")

    monkeypatch.setattr(Jinja2, "render", no_template)
    form = EveryWidgetForm(DATA[1], renderer=LIST_FORM_RENDERER)
    for name in ("text", "search", "number", "email", "day", "hidden", "box", "choice", "grouped"):
        assert str(form[name]).startswith(("<input", "<select")), name
    with pytest.raises(AssertionError, match="a template was rendered"):
        str(form["radio"])
