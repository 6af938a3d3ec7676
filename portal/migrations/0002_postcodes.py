"""Load every Belgian postcode from portal/data/be-postcodes.csv.

Source and licence: portal/data/README.md (GeoNames and BeST Address, CC BY 4.0).
"""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "be-postcodes.csv"


def load_postcodes(apps, schema_editor):
    Postcode = apps.get_model("portal", "Postcode")
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
    apps.get_model("portal", "Postcode").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_postcodes, unload_postcodes),
    ]
