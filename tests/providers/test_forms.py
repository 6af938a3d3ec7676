import pytest

from providers.forms import ServiceProviderStep1Form, ServiceProviderStep2Form
from providers.models import Vakgebied

pytestmark = pytest.mark.django_db


def step1(**changes):
    data = {
        "name": "Acme Opleidingen",
        "country": "BE",
        "postcode": "1030",
        "municipality": "Schaarbeek",
        "street": "Koning Albert II-Laan",
        "house_number": "35",
        "box": "12",
        "phone": "02 553 17 00",
        "email": "dienstverlener@kmoportefeuille.be",
        "kbo_number": "0123.456.749",
        "iban": "BE71 0961 2345 6769",
        "bic": "",
    }
    data.update(changes)
    return data


def test_a_correct_belgian_iban_fills_in_the_bic():
    form = ServiceProviderStep1Form(data=step1(phone="02 553 17 00"))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bic"] == "GKCCBEBB"
    assert form.cleaned_data["iban"] == "BE71096123456769"


def test_the_filled_in_bic_is_shown_when_another_field_has_an_error():
    form = ServiceProviderStep1Form(data=step1(email="geen-adres"))
    assert not form.is_valid()
    assert 'value="GKCCBEBB"' in str(form["bic"])


def test_the_seeds_example_iban_gets_the_checksum_message():
    form = ServiceProviderStep1Form(data=step1(iban="BE25 1001 2345 0789"))
    assert not form.is_valid()
    assert form.errors["iban"] == ["Het IBAN klopt niet: het controlegetal is fout."]


def test_the_bic_of_another_bank_is_refused():
    form = ServiceProviderStep1Form(data=step1(bic="GEBABEBB"))
    assert not form.is_valid()
    assert form.errors["bic"] == [
        "De BIC hoort niet bij de bank van dit rekeningnummer; voor dit IBAN is dat GKCCBEBB."
    ]


def test_a_foreign_iban_needs_a_bic():
    form = ServiceProviderStep1Form(data=step1(iban="NL91 ABNA 0417 1643 00"))
    assert not form.is_valid()
    assert "Geef de BIC op" in form.errors["bic"][0]


def test_a_municipality_that_does_not_belong_to_the_postcode_is_named():
    form = ServiceProviderStep1Form(data=step1(municipality="Gent"))
    assert not form.is_valid()
    assert "postcode" not in form.errors
    assert form.errors["municipality"][0].startswith("De postcode 1030 hoort bij")


def test_an_unknown_postcode_is_an_error_on_the_postcode():
    form = ServiceProviderStep1Form(data=step1(postcode="1001"))
    assert not form.is_valid()
    assert form.errors["postcode"] == ["De postcode 1001 bestaat niet."]


def test_a_foreign_address_is_not_checked_against_the_belgian_list():
    form = ServiceProviderStep1Form(
        data=step1(country="NL", postcode="1012 AB", municipality="Amsterdam")
    )
    assert form.is_valid(), form.errors


def test_required_fields_have_dutch_messages():
    form = ServiceProviderStep1Form(data=step1(name="", kbo_number="0123.456.700"))
    assert not form.is_valid()
    assert form.errors["name"] == ["Dit veld is verplicht."]
    assert form.errors["kbo_number"] == [
        "Het ondernemingsnummer klopt niet: het controlegetal is fout."
    ]


def test_step_2_needs_at_least_one_vakgebied():
    form = ServiceProviderStep2Form(data={"description": "Kort."})
    assert not form.is_valid()
    assert form.errors["vakgebieden"] == ["Duid minstens één vakgebied aan."]


def test_step_2_offers_the_19_vakgebieden():
    assert ServiceProviderStep2Form().fields["vakgebieden"].queryset.count() == 19


@pytest.mark.parametrize(
    ("length", "message"), [(1001, "1 teken te lang"), (1250, "250 tekens te lang")]
)
def test_step_2_says_how_many_characters_too_many(length, message):
    ict = Vakgebied.objects.get(name="ICT")
    form = ServiceProviderStep2Form(data={"vakgebieden": [ict.pk], "description": "x" * length})
    assert not form.is_valid()
    assert message in form.errors["description"][0]
    assert f"telt er nu {length}" in form.errors["description"][0]


def test_step_2_accepts_exactly_1000_characters_counting_a_line_break_once():
    ict = Vakgebied.objects.get(name="ICT")
    text = "x" * 499 + "\r\n" + "y" * 500
    form = ServiceProviderStep2Form(data={"vakgebieden": [ict.pk], "description": text})
    assert form.is_valid(), form.errors
    assert len(form.cleaned_data["description"]) == 1000


def test_the_step_2_guidance_stands_where_its_words_say():
    """ "de onderstaande lijst" and "Hieronder" (seed 000): above the list and the box."""
    from crispy_forms.utils import render_crispy_form

    html = render_crispy_form(ServiceProviderStep2Form())

    guidance = html.index("Duid in de onderstaande lijst de vakgebieden aan")
    assert guidance < html.index('name="vakgebieden"')
    assert 'aria-describedby="vakgebieden-uitleg"' in html
    below = html.index("Hieronder kunt u in het kort")
    textarea = html.index("<textarea")
    assert html.index("Duid in de onderstaande lijst") < below < textarea
    assert 'aria-describedby="description-uitleg"' in html[textarea : html.index(">", textarea)]


def test_the_billing_address_is_spelt_facturatieadres():
    from crispy_forms.utils import render_crispy_form

    html = render_crispy_form(ServiceProviderStep1Form())
    assert "<legend>Facturatieadres</legend>" in html
    assert "Facturatie adres" not in html
