"""The reform of 1 February 2026 (decision of the Flemish Government of 23 January
2026): advice is eligible only on cybersecurity; training is unchanged (any of the
eight themes; cybersecurity and energy efficiency at the higher rate). Rates and
ceiling do not change.

The periods of 2023 that are still open end on 31 January 2026 and the complete set
of 2026 starts on 1 February 2026, so that every reform is one set of rows with one
start date (projects.eligibility names that date in its messages). Applications
filed before 1 February 2026 keep the rules of their filing date.
"""

import datetime

from django.db import migrations

END_2023 = datetime.date(2026, 1, 31)
REFORM_2026 = datetime.date(2026, 2, 1)
# (service type, theme, topic, higher rate); "" is "any".
RULES_2026 = [
    ("O", "", "", False),
    ("O", "", "cybersecurity", True),
    ("O", "", "energy_efficiency", True),
    ("A", "", "cybersecurity", True),
]


def reform(apps, schema_editor):
    EligibilityRule = apps.get_model("projects", "EligibilityRule")
    EligibilityRule.objects.filter(valid_from__lt=REFORM_2026, valid_until__isnull=True).update(
        valid_until=END_2023
    )
    for service_type, theme, topic, higher_rate in RULES_2026:
        EligibilityRule.objects.get_or_create(
            service_type=service_type,
            theme=theme,
            topic=topic,
            valid_from=REFORM_2026,
            defaults={"higher_rate": higher_rate},
        )


def unreform(apps, schema_editor):
    EligibilityRule = apps.get_model("projects", "EligibilityRule")
    EligibilityRule.objects.filter(valid_from=REFORM_2026).delete()
    EligibilityRule.objects.filter(valid_until=END_2023).update(valid_until=None)


class Migration(migrations.Migration):
    dependencies = [("projects", "0005_eligibility_2023_reform")]

    operations = [migrations.RunPython(reform, unreform)]
