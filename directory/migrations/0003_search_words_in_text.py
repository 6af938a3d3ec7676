"""The search's new analysis (issue 16): words flagged when only a place uses them, and
every provider's search data written again with the parts of compounds.

The rebuild calls the app's own code on purpose: the search data is derived from the
providers and is rebuilt whole (`manage.py rebuild_search_index` does the same). Should a
later model change ever make this code unusable at this point of the history, the
RunPython step may become a no-op: the operator then runs the command after migrating.
"""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    from directory.index import search_documents_rebuild

    search_documents_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_postgres_full_text"),
        ("providers", "0005_tidy_phones_and_municipalities"),
        ("establishments", "0004_tidy_phones_and_municipalities"),
        ("organisations", "0004_tidy_municipalities"),
        # The rebuild reads the registrations in force (the scheme's words).
        ("registrations", "0002_status_transitions_and_event_remark"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchword",
            name="in_text",
            field=models.BooleanField(default=True, verbose_name="in een tekst"),
        ),
        migrations.AddField(
            model_name="providersearchlexemes",
            name="name_part_lexemes",
            field=models.TextField(
                blank=True, default="", verbose_name="woordstammen van delen van de naam"
            ),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
