"""The search's new analysis (issue 16): words flagged when only a place uses them, and
every provider's search data written again with the parts of compounds.

The rebuild calls the app's own code on purpose: the search data is derived from the
providers and is rebuilt whole (`manage.py rebuild_search_index` does the same). Since
0004 the app's code also writes tables that do not exist yet at this point of the
history, so the rebuild moved there (and on to 0005): this step does nothing any more.
"""

from django.db import migrations, models


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
    ]
