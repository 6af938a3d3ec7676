"""The staff roles after the outbox of e-mails (core.OutboxMail): the new role "Beheerder
e-mails" (view and resend) and the auditor's view of it. Runs portal.roles'
staff_roles_sync again, as 0002 does."""

from django.db import migrations


def sync_staff_roles(apps, schema_editor):
    from portal.roles import staff_roles_sync

    staff_roles_sync(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_staff_roles"),
        ("core", "0002_outbox_mail"),
        ("organisations", "0003_reference_data"),
        ("providers", "0004_description_line_breaks"),
        ("establishments", "0003_initial"),
        ("registrations", "0002_status_transitions_and_event_remark"),
        ("projects", "0003_status_transitions"),
    ]

    # Going back leaves the groups: they hold no data, and people may be in them.
    operations = [migrations.RunPython(sync_staff_roles, migrations.RunPython.noop)]
