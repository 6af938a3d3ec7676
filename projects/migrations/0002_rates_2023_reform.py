"""Seed the dated configuration with the values of the 2023 reform.

30 % for a small and 20 % for a medium enterprise; 45 % / 35 % for training or
advice on cybersecurity or energy efficiency; at most EUR 7,500 subsidy per
enterprise per calendar year. Open-ended: staff close a period and add the next
one in the admin when the rules change.
"""

import datetime
from decimal import Decimal

from django.db import migrations

REFORM_2023 = datetime.date(2023, 1, 1)
RATES = [
    ("small", False, Decimal("30.00")),
    ("medium", False, Decimal("20.00")),
    ("small", True, Decimal("45.00")),
    ("medium", True, Decimal("35.00")),
]
CEILING = Decimal("7500.00")


def seed(apps, schema_editor):
    SubsidyRate = apps.get_model("projects", "SubsidyRate")
    AnnualCeiling = apps.get_model("projects", "AnnualCeiling")
    for company_size, higher_rate, percentage in RATES:
        SubsidyRate.objects.get_or_create(
            company_size=company_size,
            higher_rate=higher_rate,
            valid_from=REFORM_2023,
            defaults={"percentage": percentage},
        )
    AnnualCeiling.objects.get_or_create(valid_from=REFORM_2023, defaults={"amount": CEILING})


def unseed(apps, schema_editor):
    apps.get_model("projects", "SubsidyRate").objects.filter(valid_from=REFORM_2023).delete()
    apps.get_model("projects", "AnnualCeiling").objects.filter(valid_from=REFORM_2023).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
