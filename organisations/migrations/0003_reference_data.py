"""Load the reference data of organisations: every Belgian postcode (from
organisations/data/be-postcodes.csv; source and licence in organisations/data/README.md:
GeoNames and BeST Address, CC BY 4.0) and the legal forms of the KBO code list.
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "be-postcodes.csv"


def load_postcodes(apps, schema_editor):
    Postcode = apps.get_model("organisations", "Postcode")
    with CSV_PATH.open(encoding="utf-8", newline="") as csv_file:
        rows = [
            Postcode(
                postcode=row["postcode"],
                municipality_nl=row["municipality_nl"],
                municipality_fr=row["municipality_fr"],
                main_municipality=row["main_municipality"],
                province=row["province"],
                latitude=Decimal(row["latitude"]),
                longitude=Decimal(row["longitude"]),
            )
            for row in csv.DictReader(csv_file)
        ]
    Postcode.objects.bulk_create(rows, batch_size=500)


def unload_postcodes(apps, schema_editor):
    apps.get_model("organisations", "Postcode").objects.all().delete()


# Legal forms (rechtsvormen) of the KBO code list "JuridicalForm".
#
# A selection: the forms in common use in Belgium, the pre-WVV company forms that
# older records still carry (in_use=False), and the public-law forms providers use.
# Codes checked against published extracts of the KBO open-data file code.csv;
# the local-government codes 414-417, 419 and 420 were found in one extract only.
# A natural person (eenmanszaak) has no JuridicalForm code in the KBO (it is a
# TypeOfEnterprise), so it is not in this list.
# (code, Dutch name, abbreviation, still in use)
LEGAL_FORMS = [
    ("001", "Europese coöperatieve vennootschap", "SCE", True),
    ("006", "Coöperatieve vennootschap met onbeperkte aansprakelijkheid", "CVOA", False),
    ("008", "Coöperatieve vennootschap met beperkte aansprakelijkheid", "CVBA", False),
    ("010", "Eenpersoons besloten vennootschap met beperkte aansprakelijkheid", "EBVBA", False),
    ("011", "Vennootschap onder firma", "VOF", True),
    ("012", "Gewone commanditaire vennootschap", "GCV", False),
    ("013", "Commanditaire vennootschap op aandelen", "CVA", False),
    ("014", "Naamloze vennootschap", "NV", True),
    ("015", "Besloten vennootschap met beperkte aansprakelijkheid", "BVBA", False),
    ("016", "Coöperatieve vennootschap (vóór het WVV)", "CV", False),
    ("017", "Vereniging zonder winstoogmerk", "VZW", True),
    ("018", "Instelling van openbaar nut", "ION", False),
    ("025", "Landbouwvennootschap", "LV", False),
    ("026", "Private stichting", "PS", True),
    ("027", "Europese vennootschap", "SE", True),
    ("029", "Stichting van openbaar nut", "SON", True),
    ("030", "Buitenlandse entiteit", "", True),
    ("060", "Economisch samenwerkingsverband", "ESV", False),
    ("065", "Europees economisch samenwerkingsverband", "EESV", True),
    ("070", "Vereniging van mede-eigenaars", "VME", True),
    ("124", "Openbare instelling", "", True),
    ("125", "Internationale vereniging zonder winstoogmerk", "IVZW", True),
    ("414", "Intercommunale", "", True),
    ("415", "Projectvereniging", "", True),
    ("416", "Dienstverlenende vereniging", "", True),
    ("417", "Opdrachthoudende vereniging", "", True),
    ("418", "Autonoom gemeentebedrijf", "AGB", True),
    ("419", "Autonoom provinciebedrijf", "APB", True),
    ("420", "Vereniging van OCMW's", "", True),
    ("610", "Besloten vennootschap", "BV", True),
    ("612", "Commanditaire vennootschap", "CommV", True),
    ("702", "Maatschap", "", True),
    ("706", "Coöperatieve vennootschap", "CV", True),
    ("721", "Vennootschap of vereniging zonder rechtspersoonlijkheid", "", True),
]


def load_legal_forms(apps, schema_editor):
    LegalForm = apps.get_model("organisations", "LegalForm")
    for code, name, abbreviation, in_use in LEGAL_FORMS:
        LegalForm.objects.update_or_create(
            code=code,
            defaults={"name": name, "abbreviation": abbreviation, "in_use": in_use},
        )


def unload_legal_forms(apps, schema_editor):
    LegalForm = apps.get_model("organisations", "LegalForm")
    LegalForm.objects.filter(code__in=[code for code, *_ in LEGAL_FORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(load_postcodes, unload_postcodes),
        migrations.RunPython(load_legal_forms, unload_legal_forms),
    ]
