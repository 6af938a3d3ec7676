"""The staff roles of portal.roles as groups with exactly their permissions.

Depends on the latest migration of every app whose permissions the roles name, so
that their models (and so their permissions) exist when it runs.
"""

from django.db import migrations


def load_staff_roles(apps, schema_editor):
    from portal.roles import staff_roles_sync

    staff_roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0001_initial"),
        ("organisations", "0003_reference_data"),
        ("providers", "0003_bank_account_change_transitions_and_events"),
        ("establishments", "0003_initial"),
        ("registrations", "0002_status_transitions_and_event_remark"),
        ("projects", "0003_status_transitions"),
    ]

    # Going back leaves the groups: they hold no data, and people may be in them.
    operations = [migrations.RunPython(load_staff_roles, migrations.RunPython.noop)]
