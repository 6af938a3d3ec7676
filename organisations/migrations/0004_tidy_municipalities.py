"""Municipalities of the organisations' addresses as the postcode list spells them
('gent' at 9000 -> 'Gent'); what does not match is left as it is."""

from django.db import migrations

from core.data_migrations import municipalities_to_postcode_list


def tidy(apps, schema_editor):
    municipalities_to_postcode_list(
        apps.get_model("organisations", "Organisation"), apps.get_model("organisations", "Postcode")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_reference_data"),
    ]

    operations = [
        migrations.RunPython(tidy, migrations.RunPython.noop),
    ]
