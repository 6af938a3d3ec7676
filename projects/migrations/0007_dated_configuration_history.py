"""Give every row of the dated configuration (rates, ceilings, eligible services) its
first version in the history, as it stands after the data migrations: later changes
in the admin are then compared with it."""

from django.db import migrations
from django.utils import timezone

MODELS = ["SubsidyRate", "AnnualCeiling", "EligibilityRule"]


def populate(apps, schema_editor):
    now = timezone.now()
    for name in MODELS:
        model = apps.get_model("projects", name)
        historical = apps.get_model("projects", f"Historical{name}")
        recorded = set(historical.objects.values_list("id", flat=True))
        historical.objects.bulk_create(
            historical(
                **{field.attname: getattr(row, field.attname) for field in model._meta.fields},
                history_date=now,
                history_type="+",
                history_change_reason="Ingeladen door een datamigratie.",
            )
            for row in model.objects.exclude(pk__in=recorded)
        )


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_eligibility_2026_reform")]

    operations = [migrations.RunPython(populate, migrations.RunPython.noop)]
