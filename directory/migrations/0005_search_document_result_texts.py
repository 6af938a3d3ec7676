"""What a result shows that takes work to make, stored with each search document: the
phone number as people read it and the start of the presentation (directory.index
writes them with the rest of the document).

Then every provider's search data is rebuilt with the app's own code, for 0003's
analysis, 0004's points and this column (the search data is derived and rebuilt whole,
as `manage.py rebuild_search_index` does; should a later change make this code unusable
at this point of the history, the step may become a no-op and move on, as 0004's did).
"""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    from directory.index import search_documents_rebuild

    search_documents_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_search_places"),
    ]

    operations = [
        migrations.AddField(
            model_name="providersearchdocument",
            name="phone_text",
            field=models.CharField(
                blank=True, default="", max_length=40, verbose_name="telefoonnummer"
            ),
        ),
        migrations.AddField(
            model_name="providersearchdocument",
            name="summary",
            field=models.TextField(
                blank=True, default="", verbose_name="begin van de voorstelling"
            ),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=True),
    ]
