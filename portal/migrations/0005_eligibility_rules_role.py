"""The staff roles after the dated eligibility rules (projects.EligibilityRule): the
"Beheerder steunpercentages en plafonds" keeps them, the processors and the auditor
view them. Runs portal.roles' staff_roles_sync again, as 0002 does."""

from django.db import migrations


def sync_staff_roles(apps, schema_editor):
    from portal.roles import staff_roles_sync

    staff_roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_lapsed_membership"),
        ("core", "0002_outbox_mail"),
        ("organisations", "0004_tidy_municipalities"),
        ("providers", "0005_tidy_phones_and_municipalities"),
        ("establishments", "0004_tidy_phones_and_municipalities"),
        ("registrations", "0002_status_transitions_and_event_remark"),
        ("projects", "0007_dated_configuration_history"),
    ]

    # Going back leaves the groups: they hold no data, and people may be in them.
    operations = [migrations.RunPython(sync_staff_roles, migrations.RunPython.noop)]
