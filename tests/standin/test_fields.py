from django import forms

from standin.forms import NationalNumberField


class PersonForm(forms.Form):
    national_number = NationalNumberField(required=False)


def test_the_national_number_cleans_to_eleven_digits():
    form = PersonForm(data={"national_number": "90.04.18-123.91"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"national_number": "90041812391"}


def test_a_stored_national_number_is_shown_in_its_readable_form():
    html = str(PersonForm(initial={"national_number": "90041812391"}))
    assert 'value="90.04.18-123.91"' in html


def test_a_wrong_check_digit_gets_the_validators_message():
    form = PersonForm(data={"national_number": "90.04.18-123.45"})
    assert not form.is_valid()
    assert form.has_error("national_number", "national_number_check_digit")
