"""The public search's storage: a narrow search document per service provider, its
lexemes for the portable search, and the vocabulary for typo correction.

On PostgreSQL this also installs unaccent and pg_trgm (trusted extensions: the
database owner may create them), the text-search configuration `nl_unaccent`
(Dutch stemming after unaccent), the document's `search_vector` column with
its GIN index, and a trigram index on the vocabulary. SQLite gets none of that:
its search works on the lexemes that Python stores (see providers.search).
Then the documents of the providers that already exist are written.
"""

import django.db.models.deletion
from django.db import migrations, models

DOCUMENT_TABLE = "providers_providersearchdocument"
WORD_TABLE = "providers_searchword"

POSTGRES_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'nl_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION nl_unaccent (COPY = dutch);
            ALTER TEXT SEARCH CONFIGURATION nl_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem;
        END IF;
    END
    $$
    """,
    # Not a generated column: that would need the source texts in the same row,
    # which would double the row (and have it compressed out of line), while
    # reading these rows is most of what a search for a common word costs.
    # providers.search_index writes the vector with the rest of the document.
    f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''",
    # Compressed only when a row is too long for the page, and then kept in line.
    f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN search_vector SET STORAGE MAIN",
    f"CREATE INDEX providersearchdocument_vector ON {DOCUMENT_TABLE} USING gin (search_vector)",
    # sort_name holds only [a-z0-9]: byte order is alphabetical order, and sorting
    # tens of thousands of matches with the C collation is much cheaper than with a
    # language collation. (Django's model leaves the collation to the database.)
    f'ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN sort_name TYPE varchar(200) COLLATE "C"',
    f"CREATE INDEX searchword_word_trigram ON {WORD_TABLE} USING gin (word gin_trgm_ops)",
]
POSTGRES_TEARDOWN = [
    "DROP INDEX IF EXISTS searchword_word_trigram",
    "DROP INDEX IF EXISTS providersearchdocument_vector",
    f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN IF EXISTS search_vector",
    f'ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN sort_name TYPE varchar(200) COLLATE "default"',
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS nl_unaccent",
]


def postgres_setup(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_SETUP:
            schema_editor.execute(statement)


def postgres_teardown(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_TEARDOWN:
            schema_editor.execute(statement)


def fill_documents(apps, schema_editor):
    """Documents for the providers that exist, with the builders of search_index."""
    from providers.search_index import document_values, establishment_place, write_documents
    from providers.search_text import fold

    ServiceProvider = apps.get_model("providers", "ServiceProvider")
    Establishment = apps.get_model("establishments", "Establishment")
    Postcode = apps.get_model("portal", "Postcode")

    main_by_place = {
        (postcode, fold(municipality)): main
        for postcode, municipality, main in Postcode.objects.values_list(
            "postcode", "municipality_nl", "main_municipality"
        )
    }
    places = {}
    for organisation_id, postcode, municipality in Establishment.objects.filter(
        is_active=True
    ).values_list("organisation_id", "postcode", "municipality"):
        main = main_by_place.get((postcode, fold(municipality)), "")
        places.setdefault(organisation_id, []).append(
            establishment_place(postcode, municipality, main)
        )
    values = {
        provider.pk: document_values(
            organisation_id=provider.organisation_id,
            name=provider.name,
            vakgebieden=sorted(vakgebied.name for vakgebied in provider.vakgebieden.all()),
            places=places.get(provider.organisation_id, []),
            description=provider.description,
        )
        for provider in ServiceProvider.objects.prefetch_related("vakgebieden")
    }
    write_documents(
        values,
        connection=schema_editor.connection,
        document_model=apps.get_model("providers", "ProviderSearchDocument"),
        lexemes_model=apps.get_model("providers", "ProviderSearchLexemes"),
        word_model=apps.get_model("providers", "SearchWord"),
        term_model=None,  # the inverted index comes with migration 0007
    )


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0004_history_and_bank_account_changes"),
        ("establishments", "0002_history"),
        ("portal", "0002_postcodes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProviderSearchDocument",
            fields=[
                (
                    "service_provider",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="providers.serviceprovider",
                        verbose_name="dienstverlener",
                    ),
                ),
                (
                    "sort_name",
                    models.CharField(
                        blank=True, default="", max_length=200, verbose_name="sorteernaam"
                    ),
                ),
                (
                    "vakgebieden_text",
                    models.TextField(blank=True, default="", verbose_name="vakgebieden"),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="providers.organisation",
                        verbose_name="onderneming",
                    ),
                ),
            ],
            options={
                "verbose_name": "zoekdocument",
                "verbose_name_plural": "zoekdocumenten",
            },
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True, verbose_name="woord")),
                (
                    "lexeme",
                    models.CharField(db_index=True, max_length=100, verbose_name="woordstam"),
                ),
            ],
            options={
                "verbose_name": "zoekwoord",
                "verbose_name_plural": "zoekwoorden",
            },
        ),
        migrations.CreateModel(
            name="ProviderSearchLexemes",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="portable",
                        serialize=False,
                        to="providers.providersearchdocument",
                        verbose_name="zoekdocument",
                    ),
                ),
                ("lexemes", models.TextField(blank=True, default="", verbose_name="woordstammen")),
                (
                    "name_lexemes",
                    models.TextField(
                        blank=True, default="", verbose_name="woordstammen van de naam"
                    ),
                ),
            ],
            options={
                "verbose_name": "woordstammen van een dienstverlener",
                "verbose_name_plural": "woordstammen van dienstverleners",
            },
        ),
        migrations.AddIndex(
            model_name="providersearchdocument",
            index=models.Index(
                fields=["sort_name", "service_provider"], name="searchdocument_sort_name"
            ),
        ),
        migrations.RunPython(postgres_setup, postgres_teardown),
        migrations.RunPython(fill_documents, migrations.RunPython.noop),
    ]
