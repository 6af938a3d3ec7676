"""The inverted index of the public search (ProviderSearchTerm), PostgreSQL only.

The table exists everywhere (one model for both databases) but is only written on
PostgreSQL: its lexemes and ranks come from the documents' full-text vectors. The
two text columns get the C collation there, like the document's sort name (byte
order sorts [a-z0-9] alphabetically, and cheaper), so that both orders agree. Then
the rows of the documents that already exist are written.
"""

import django.db.models.deletion
from django.db import migrations, models

TERM_TABLE = "providers_providersearchterm"
DOCUMENT_TABLE = "providers_providersearchdocument"


def postgres_fill(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from providers.search_index import write_postgres_terms

    for column, length in (("lexeme", 100), ("sort_name", 200)):
        schema_editor.execute(
            f'ALTER TABLE {TERM_TABLE} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"'
        )
    write_postgres_terms(connection, document_table=DOCUMENT_TABLE, term_table=TERM_TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0006_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProviderSearchTerm",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "document_id",
                        "lexeme",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("lexeme", models.CharField(max_length=100, verbose_name="woordstam")),
                ("rank", models.FloatField(verbose_name="rang")),
                ("sort_name", models.CharField(max_length=200, verbose_name="sorteernaam")),
                (
                    "document",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="providers.providersearchdocument",
                        verbose_name="zoekdocument",
                    ),
                ),
            ],
            options={
                "verbose_name": "zoekterm van een dienstverlener",
                "verbose_name_plural": "zoektermen van dienstverleners",
                "indexes": [
                    models.Index(
                        models.F("lexeme"),
                        models.OrderBy(models.F("rank"), descending=True),
                        models.F("sort_name"),
                        models.F("document"),
                        name="searchterm_ranked",
                    )
                ],
            },
        ),
        migrations.RunPython(postgres_fill, migrations.RunPython.noop, elidable=True),
    ]
