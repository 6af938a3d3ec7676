"""The search"s points in floating point, the type distances are computed in: the
coordinates are the same doubles the decimal columns were cast to (both round
correctly), so no search data is rebuilt. On PostgreSQL the column type changes in place
(a few thousand rows) and the points" GiST index (0004) is rebuilt with them.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0005_search_document_result_texts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="searchplace",
            name="latitude",
            field=models.FloatField(verbose_name="breedtegraad"),
        ),
        migrations.AlterField(
            model_name="searchplace",
            name="longitude",
            field=models.FloatField(verbose_name="lengtegraad"),
        ),
    ]
