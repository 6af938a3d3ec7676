"""Load the 19 vakgebieden of seed 000 ("Mijn gegevens: stap 2").

The list is copied here on purpose: a migration must not import app code that
may change later.
"""

from django.db import migrations
from django.utils.text import slugify

VAKGEBIEDEN = [
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


def load_vakgebieden(apps, schema_editor):
    Vakgebied = apps.get_model("providers", "Vakgebied")
    for name in VAKGEBIEDEN:
        Vakgebied.objects.update_or_create(slug=slugify(name), defaults={"name": name})


def unload_vakgebieden(apps, schema_editor):
    Vakgebied = apps.get_model("providers", "Vakgebied")
    Vakgebied.objects.filter(slug__in=[slugify(name) for name in VAKGEBIEDEN]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_vakgebieden, unload_vakgebieden),
    ]
