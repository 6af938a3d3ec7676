"""Phone numbers: accepted as people type them, stored in E.164, shown in one national
format on every page, and tidied in the rows stored before."""

import pytest
from django.apps import apps
from django.db.models import CharField, Value
from django.template import Context, Template

from core.data_migrations import phone_numbers_to_e164
from core.forms import PhoneNumberField
from core.validators import phone_number_e164_or_unchanged
from establishments.forms import EstablishmentForm
from portal.templatetags import portal_tags
from providers.models import ServiceProvider
from tests.factories import EstablishmentFactory, ServiceProviderFactory


@pytest.mark.parametrize(
    "typed",
    [
        "09/225.12.34",
        "09 225 12 34",
        "092251234",
        "+32 9 225 12 34",
        "0032 9 225 12 34",
        "+32 (0)9 225 12 34",
    ],
)
def test_a_landline_is_accepted_as_people_type_it_and_cleaned_to_e164(typed):
    assert PhoneNumberField().clean(typed) == "+3292251234"


@pytest.mark.parametrize(
    "typed", ["0470 12 34 56", "0470/12.34.56", "+32470123456", "0032470123456"]
)
def test_a_mobile_number_is_cleaned_to_e164(typed):
    assert PhoneNumberField().clean(typed) == "+32470123456"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("bel me", "Dit is geen telefoonnummer."),
        ("09 225", "Dit telefoonnummer bestaat niet."),
        ("0470 12 34 5", "Dit telefoonnummer bestaat niet."),
    ],
)
def test_an_invalid_number_gets_a_dutch_message(typed, message):
    form_field = PhoneNumberField()
    with pytest.raises(Exception) as caught:
        form_field.clean(typed)
    assert caught.value.messages[0].startswith(message)


@pytest.mark.django_db
def test_the_message_is_next_to_the_field_of_the_form():
    form = EstablishmentForm(
        data={
            "postcode": "9000",
            "municipality": "Gent",
            "street": "Veldstraat",
            "house_number": "1",
            "phone": "09 225",
        }
    )
    assert not form.is_valid()
    assert form.errors["phone"] == [
        "Dit telefoonnummer bestaat niet. Kijk het netnummer en het aantal cijfers na."
    ]


def render(template, **context):
    return Template("{% load portal_tags %}" + template).render(Context(context))


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+3292251234", "09 225 12 34"),
        ("+3225531700", "02 553 17 00"),
        ("+32470123456", "0470 12 34 56"),
        ("+31201234567", "+31 20 123 4567"),
        ("onbekend", "onbekend"),
        ("", ""),
    ],
)
def test_a_stored_number_is_shown_in_the_national_format(stored, shown):
    assert render("{{ number|phone }}", number=stored) == shown


def test_a_link_calls_the_e164_number():
    assert render("{{ number|tel_uri }}", number="+3292251234") == "tel:+3292251234"
    assert render("{{ number|tel_uri }}", number="09/225.12.34") == "tel:+3292251234"


def test_a_number_stored_in_e164_is_its_own_link_without_parsing(monkeypatch):
    def e164(value):
        raise AssertionError(f"parsed {value}")

    monkeypatch.setattr(portal_tags.validators, "phone_number_e164_or_unchanged", e164)
    assert render("{{ number|tel_uri }}", number="+3292251234") == "tel:+3292251234"
    assert render("{{ number|tel_uri }}", number="+32470123456") == "tel:+32470123456"


def test_a_number_is_parsed_once_for_all_its_links(monkeypatch):
    # A page of search results links twenty numbers, page after page.
    parsed = []

    def e164(value):
        parsed.append(value)
        return phone_number_e164_or_unchanged(value)

    monkeypatch.setattr(portal_tags.validators, "phone_number_e164_or_unchanged", e164)
    portal_tags._tel_uri.cache_clear()
    try:
        for _ in range(3):
            assert render("{{ number|tel_uri }}", number="09/225.12.34") == "tel:+3292251234"
    finally:
        portal_tags._tel_uri.cache_clear()
    assert parsed == ["09/225.12.34"]


def test_the_form_shows_a_stored_number_in_the_national_format():
    assert 'value="09 225 12 34"' in str(
        EstablishmentForm(initial={"phone": "+3292251234"})["phone"]
    )


@pytest.mark.django_db
def test_a_number_set_in_code_is_stored_in_e164_and_an_unreadable_one_kept():
    provider = ServiceProviderFactory()
    provider.phone, provider.mobile = "09/225.12.34", "geen gsm"
    provider.full_clean()
    assert (provider.phone, provider.mobile) == ("+3292251234", "geen gsm")


@pytest.mark.django_db
def test_the_admin_form_of_a_provider_cleans_and_shows_phone_numbers():
    form_field = ServiceProvider._meta.get_field("phone").formfield()
    assert isinstance(form_field, PhoneNumberField)
    assert form_field.clean("09 225 12 34") == "+3292251234"


def store_raw(model, pk, **values):
    """Write values as they were stored before the portal tidied them: as plain text
    values, which the model field does not tidy on the way in."""
    model.objects.filter(pk=pk).update(
        **{name: Value(value, output_field=CharField()) for name, value in values.items()}
    )


@pytest.mark.django_db
def test_the_migration_stores_readable_numbers_in_e164_and_leaves_the_rest():
    readable = ServiceProviderFactory()
    unreadable = ServiceProviderFactory()
    tidy = ServiceProviderFactory()
    store_raw(ServiceProvider, readable.pk, phone="09/225.12.34", mobile="0032 470 12 34 56")
    store_raw(ServiceProvider, unreadable.pk, phone="bel 1700", mobile="")
    store_raw(ServiceProvider, tidy.pk, phone="+3225531700", mobile="")

    changed = phone_numbers_to_e164(
        apps.get_model("providers", "ServiceProvider"), ["phone", "mobile"]
    )

    assert changed == 1
    rows = dict(ServiceProvider.objects.values_list("pk", "phone"))
    assert rows[readable.pk] == "+3292251234"
    assert ServiceProvider.objects.get(pk=readable.pk).mobile == "+32470123456"
    assert rows[unreadable.pk] == "bel 1700"
    assert rows[tidy.pk] == "+3225531700"


@pytest.mark.django_db
def test_the_migration_tidies_establishments_too():
    establishment = EstablishmentFactory()
    store_raw(type(establishment), establishment.pk, phone="09 225 12 34")

    phone_numbers_to_e164(apps.get_model("establishments", "Establishment"), ["phone"])

    establishment.refresh_from_db()
    assert establishment.phone == "+3292251234"


def test_unchanged_means_unchanged():
    assert phone_number_e164_or_unchanged("") == ""
    assert phone_number_e164_or_unchanged(None) is None
    assert phone_number_e164_or_unchanged("12") == "12"
