from decimal import Decimal

import pytest
from django.utils.text import slugify

from organisations.models import LegalForm, Postcode
from organisations.reference import POSTCODE_ATTRIBUTION
from providers.models import Vakgebied

# The exact labels of seed 000, "Mijn gegevens: stap 2".
SEED_VAKGEBIEDEN = [
    "Administratie en financiën",
    "Algemene persoonlijke vaardigheden",
    "Conceptontwikkeling design",
    "Diversiteitsprojecten",
    "Energie",
    "Ervaringsuitwisseling",
    "HRM",
    "ICT",
    "Juridisch",
    "Marketing, communicatie en verkoop",
    "Milieu en veiligheid",
    "Opvolging en overname",
    "Organisatie en kwaliteit",
    "Productie",
    "Talen",
    "Technologieverkenning",
    "Toeristische dienstverlening",
    "Transport en logistiek",
    "Welzijn en gezondheid",
]

pytestmark = pytest.mark.django_db


def test_the_19_vakgebieden_of_the_seed_are_loaded_with_their_exact_labels():
    assert sorted(Vakgebied.objects.values_list("name", flat=True)) == sorted(SEED_VAKGEBIEDEN)


def test_every_vakgebied_has_the_slug_of_its_label():
    for vakgebied in Vakgebied.objects.all():
        assert vakgebied.slug == slugify(vakgebied.name)


def test_autonoom_gemeentebedrijf_is_a_legal_form():
    legal_form = LegalForm.objects.get(name="Autonoom gemeentebedrijf")
    assert legal_form.code == "418"
    assert legal_form.in_use


@pytest.mark.parametrize(
    ("code", "abbreviation", "in_use"),
    [
        ("014", "NV", True),
        ("610", "BV", True),
        ("706", "CV", True),
        ("017", "VZW", True),
        ("125", "IVZW", True),
        ("015", "BVBA", False),
        ("008", "CVBA", False),
    ],
)
def test_the_common_legal_forms_carry_their_kbo_code(code, abbreviation, in_use):
    legal_form = LegalForm.objects.get(code=code)
    assert legal_form.abbreviation == abbreviation
    assert legal_form.in_use is in_use


def test_every_legal_form_code_has_three_digits():
    codes = list(LegalForm.objects.values_list("code", flat=True))
    assert codes
    assert all(len(code) == 3 and code.isdigit() for code in codes)


def test_every_belgian_postcode_row_is_loaded():
    assert Postcode.objects.count() == 2786


def test_schaarbeek_has_its_postcode_and_coordinates():
    schaarbeek = Postcode.objects.get(postcode="1030", municipality_nl="Schaarbeek")
    assert schaarbeek.municipality_fr == "Schaerbeek"
    assert schaarbeek.province == "Brussels Hoofdstedelijk Gewest"
    assert schaarbeek.latitude == Decimal("50.8694")
    assert schaarbeek.longitude == Decimal("4.3774")


def test_the_postcode_attribution_names_the_sources_and_licence():
    text = str(POSTCODE_ATTRIBUTION)
    assert "GeoNames" in text
    assert "BeST" in text
    assert "CC BY 4.0" in text
