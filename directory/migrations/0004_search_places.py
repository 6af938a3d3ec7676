"""The points of the distance search (issue 16): SearchPlace, the few thousand points the
establishments stand on, and ProviderPlace, which providers stand on each; and how many
providers use each word of the vocabulary (SearchWord.documents), towards the more common
of which a typo is corrected.

On PostgreSQL: contrib's cube and earthdistance (in the postgresql package itself;
earthdistance is not a trusted extension: without a superuser the DBA creates both first,
README "PostgreSQL") with a GiST index on each point's place on the earth, and the C
collation for the sort names (as in 0002). Every provider's search data was then
rebuilt with the app's own code, for 0003's analysis and these points; since 0005 that
code also writes columns that do not exist yet at this point of the history, so the
rebuild moved there.
"""

import django.db.models.deletion
from django.db import migrations, models

PLACE_TABLE = "directory_searchplace"
PROVIDER_PLACE_TABLE = "directory_providerplace"

POSTGRES_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS cube",
    "CREATE EXTENSION IF NOT EXISTS earthdistance",
    # earthdistance's ll_to_earth() names earth() without its schema, and pg_restore
    # builds indexes with an empty search_path: an index on it directly would make
    # `manage.py restore` fail ("type earth does not exist"). This wrapper keeps the
    # search_path it was created with.
    """
    CREATE OR REPLACE FUNCTION directory_point_on_earth(
        latitude double precision, longitude double precision
    ) RETURNS cube
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path FROM CURRENT
    AS $$ SELECT ll_to_earth(latitude, longitude)::cube $$
    """,
    f"CREATE INDEX searchplace_earth ON {PLACE_TABLE} "
    "USING gist (directory_point_on_earth(latitude::float8, longitude::float8))",
    f'ALTER TABLE {PROVIDER_PLACE_TABLE} ALTER COLUMN sort_name TYPE varchar(200) COLLATE "C"',
]
POSTGRES_TEARDOWN = [
    f"ALTER TABLE {PROVIDER_PLACE_TABLE} ALTER COLUMN sort_name TYPE varchar(200) "
    'COLLATE "default"',
    "DROP INDEX IF EXISTS searchplace_earth",
    "DROP FUNCTION IF EXISTS directory_point_on_earth(double precision, double precision)",
]


def postgres_setup(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_SETUP:
            schema_editor.execute(statement)


def postgres_teardown(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_TEARDOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0003_search_words_in_text"),
        # The rebuild reads the registrations in force (the scheme's words).
        ("registrations", "0002_status_transitions_and_event_remark"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchword",
            name="documents",
            field=models.PositiveIntegerField(default=0, verbose_name="aantal dienstverleners"),
        ),
        migrations.CreateModel(
            name="SearchPlace",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "latitude",
                    models.DecimalField(
                        decimal_places=4, max_digits=7, verbose_name="breedtegraad"
                    ),
                ),
                (
                    "longitude",
                    models.DecimalField(
                        decimal_places=4, max_digits=7, verbose_name="lengtegraad"
                    ),
                ),
            ],
            options={
                "verbose_name": "zoekplaats",
                "verbose_name_plural": "zoekplaatsen",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("latitude", "longitude"), name="searchplace_point"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ProviderPlace",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "place_id",
                        "document_id",
                        "postcode",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("postcode", models.CharField(max_length=4, verbose_name="postcode")),
                ("sort_name", models.CharField(max_length=200, verbose_name="sorteernaam")),
                (
                    "document",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="places",
                        to="directory.providersearchdocument",
                        verbose_name="zoekdocument",
                    ),
                ),
                (
                    "place",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="directory.searchplace",
                        verbose_name="zoekplaats",
                    ),
                ),
            ],
            options={
                "verbose_name": "vestigingsplaats van een dienstverlener",
                "verbose_name_plural": "vestigingsplaatsen van dienstverleners",
                "indexes": [
                    models.Index(
                        fields=["place", "sort_name", "document"], name="providerplace_nearest"
                    )
                ],
            },
        ),
        migrations.RunPython(postgres_setup, postgres_teardown),
    ]
