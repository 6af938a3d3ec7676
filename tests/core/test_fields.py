import pytest
from django import forms

from core.forms import (
    BICField,
    FetchedModelChoiceField,
    IBANField,
    KBONumberField,
    PhoneNumberField,
)
from providers.models import ServiceProvider, Vakgebied


class IdentifiersForm(forms.Form):
    kbo_number = KBONumberField()
    iban = IBANField(required=False)
    bic = BICField(required=False)
    phone = PhoneNumberField(required=False)


class ServiceProviderIdentifiersForm(forms.ModelForm):
    class Meta:
        model = ServiceProvider
        fields = ["kbo_number", "iban", "bic", "phone", "mobile"]
        field_classes = {
            "kbo_number": KBONumberField,
            "iban": IBANField,
            "bic": BICField,
            "phone": PhoneNumberField,
            "mobile": PhoneNumberField,
        }


def test_the_fields_clean_to_the_normalised_values():
    form = IdentifiersForm(
        data={
            "kbo_number": "BE 0123.456.749",
            "iban": "be71 0961 2345 6769",
            "bic": "gkcc bebb",
            "phone": "02 553 17 00",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "kbo_number": "0123456749",
        "iban": "BE71096123456769",
        "bic": "GKCCBEBB",
        "phone": "+3225531700",
    }


def test_the_fields_show_stored_values_in_their_readable_form():
    form = IdentifiersForm(
        initial={
            "kbo_number": "0123456749",
            "iban": "BE71096123456769",
            "phone": "+3225531700",
        }
    )
    html = str(form)
    assert 'value="0123.456.749"' in html
    assert 'value="BE71 0961 2345 6769"' in html
    assert 'value="02 553 17 00"' in html


def test_the_fields_report_the_validators_messages():
    form = IdentifiersForm(
        data={
            "kbo_number": "0123.456.748",
            "iban": "BE25 1001 2345 0789",
            "bic": "GKCC",
            "phone": "bel me",
        }
    )
    assert not form.is_valid()
    assert form.errors["kbo_number"] == [
        "Het ondernemingsnummer klopt niet: het controlegetal is fout."
    ]
    assert form.errors["iban"] == ["Het IBAN klopt niet: het controlegetal is fout."]
    assert form.has_error("bic", "bic_format")
    assert form.has_error("phone", "phone_format")


def test_a_stored_value_submitted_in_its_readable_form_is_not_a_change():
    form = IdentifiersForm(
        initial={"kbo_number": "0123456749", "phone": "+3225531700"},
        data={"kbo_number": "0123.456.749", "phone": "02 553 17 00"},
    )
    assert form.changed_data == []


def test_a_rejected_value_is_shown_back_as_typed():
    form = IdentifiersForm(data={"kbo_number": "0123.456.748"})
    assert 'value="0123.456.748"' in str(form["kbo_number"])


def test_an_empty_optional_field_cleans_to_an_empty_string():
    form = IdentifiersForm(data={"kbo_number": "0123456749", "iban": "", "phone": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["iban"] == ""
    assert form.cleaned_data["phone"] == ""


def test_the_inputs_help_browsers_and_phones():
    form = IdentifiersForm()
    assert 'inputmode="numeric"' in str(form["kbo_number"])
    assert 'autocomplete="off"' in str(form["iban"])
    phone = str(form["phone"])
    assert 'type="tel"' in phone
    assert 'autocomplete="tel"' in phone


@pytest.mark.parametrize(("field", "maxlength"), [("kbo_number", 20), ("iban", 50)])
def test_a_model_form_lets_people_type_more_than_the_stored_length(field, maxlength):
    # The model stores 10 digits, but "BE 0123.456.749" is 15 characters long.
    form = ServiceProviderIdentifiersForm()
    assert f'maxlength="{maxlength}"' in str(form[field])


def test_a_model_form_takes_labels_from_the_model():
    form = ServiceProviderIdentifiersForm()
    assert form.fields["kbo_number"].label == "Ondernemingsnummer"
    assert form.fields["mobile"].label == "Gsm-nummer"


def test_a_model_form_stores_the_normalised_values():
    form = ServiceProviderIdentifiersForm(
        data={
            "kbo_number": "BE 0123 456 749",
            "iban": "BE71 0961 2345 6769",
            "bic": "GKCCBEBB",
            "phone": "+32 2 553 17 00",
            "mobile": "0470 12 34 56",
        }
    )
    assert form.is_valid(), form.errors
    instance = form.save(commit=False)
    assert instance.kbo_number == "0123456749"
    assert instance.iban == "BE71096123456769"
    assert instance.phone == "+3225531700"
    assert instance.mobile == "+32470123456"


# --- FetchedModelChoiceField ------------------------------------------------------------


class VakgebiedForm(forms.Form):
    vakgebied = FetchedModelChoiceField(
        queryset=Vakgebied.objects.order_by("name"), required=False, empty_label="alle"
    )


@pytest.mark.django_db
def test_a_fetched_choice_reads_its_objects_once_for_the_options_and_the_chosen_value(
    django_assert_num_queries,
):
    chosen = Vakgebied.objects.order_by("name")[2]

    with django_assert_num_queries(1):
        form = VakgebiedForm(data={"vakgebied": str(chosen.pk)})
        assert form.is_valid(), form.errors
        html = str(form["vakgebied"])

    assert form.cleaned_data["vakgebied"] == chosen
    assert f'<option value="{chosen.pk}" selected>{chosen.name}</option>' in html
    assert html.count("<option") == Vakgebied.objects.count() + 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["999999", "abc", "1.5"])
def test_a_fetched_choice_refuses_a_value_that_is_not_one_of_its_objects(value):
    form = VakgebiedForm(data={"vakgebied": value})

    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["vakgebied"]] == ["invalid_choice"]


@pytest.mark.django_db
def test_each_form_reads_the_objects_again(django_assert_num_queries):
    with django_assert_num_queries(2):
        for _ in range(2):
            str(VakgebiedForm()["vakgebied"])
