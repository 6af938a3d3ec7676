"""Seed the eligible services of the 2023 reform (from 1 January 2023).

Training and advice on any of VLAIO's eight future-oriented themes are eligible at
the ordinary rate; training or advice on cybersecurity, and training on energy
efficiency, get the higher rate. Left open-ended here: migration 0006 closes the
period on 31 January 2026 for the reform of 1 February 2026.
"""

import datetime

from django.db import migrations

REFORM_2023 = datetime.date(2023, 1, 1)
# (service type, theme, topic, higher rate); "" is "any".
RULES_2023 = [
    ("O", "", "", False),
    ("O", "", "cybersecurity", True),
    ("O", "", "energy_efficiency", True),
    ("A", "", "", False),
    ("A", "", "cybersecurity", True),
]


def seed(apps, schema_editor):
    EligibilityRule = apps.get_model("projects", "EligibilityRule")
    for service_type, theme, topic, higher_rate in RULES_2023:
        EligibilityRule.objects.get_or_create(
            service_type=service_type,
            theme=theme,
            topic=topic,
            valid_from=REFORM_2023,
            defaults={"higher_rate": higher_rate},
        )


def unseed(apps, schema_editor):
    apps.get_model("projects", "EligibilityRule").objects.filter(valid_from=REFORM_2023).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_eligibility_rules")]

    operations = [migrations.RunPython(seed, unseed)]
