
"""Phone numbers in E.164 and municipalities as the postcode list spells them.

What people typed before the forms tidied it ('09/225.12.34', 'gent') is stored as
the portal stores it now ('+3292251234', 'Gent'); what cannot be read as such is
left as it is. The history keeps what was stored at the time.
"""

from django.db import migrations

import core.models
from core.data_migrations import municipalities_to_postcode_list, phone_numbers_to_e164


def tidy(apps, schema_editor):
    model = apps.get_model("providers", "ServiceProvider")
    phone_numbers_to_e164(model, ['phone', 'mobile'])
    municipalities_to_postcode_list(model, apps.get_model("organisations", "Postcode"))


class Migration(migrations.Migration):

    dependencies = [
        ("organisations", "0004_tidy_municipalities"),
        ('providers', '0004_description_line_breaks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicalserviceprovider',
            name='mobile',
            field=core.models.PhoneNumberField(blank=True, max_length=20, verbose_name='gsm-nummer'),
        ),
        migrations.AlterField(
            model_name='historicalserviceprovider',
            name='phone',
            field=core.models.PhoneNumberField(blank=True, max_length=20, verbose_name='telefoonnummer'),
        ),
        migrations.AlterField(
            model_name='serviceprovider',
            name='mobile',
            field=core.models.PhoneNumberField(blank=True, max_length=20, verbose_name='gsm-nummer'),
        ),
        migrations.AlterField(
            model_name='serviceprovider',
            name='phone',
            field=core.models.PhoneNumberField(blank=True, max_length=20, verbose_name='telefoonnummer'),
        ),
        migrations.RunPython(tidy, migrations.RunPython.noop),
    ]
