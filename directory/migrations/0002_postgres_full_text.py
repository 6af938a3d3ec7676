"""PostgreSQL's side of the public search; SQLite gets none of it (its search works on
the lexemes that Python stores, see directory.matching).

Installs unaccent and pg_trgm (trusted extensions: the database owner may create
them) and the text-search configuration `nl_unaccent` (Dutch stemming after
unaccent); adds the document's `search_vector` with its GIN index, a trigram index
on the vocabulary, and the C collation for the sort names and lexemes (they hold
only [a-z0-9]: byte order is alphabetical order, and much cheaper to sort than a
language collation). The vakgebied filter gets an index on the many-to-many table
of providers and vakgebieden that leads with the vakgebied (both databases).
"""

from django.db import migrations

DOCUMENT_TABLE = "directory_providersearchdocument"
WORD_TABLE = "directory_searchword"
TERM_TABLE = "directory_providersearchterm"
VAKGEBIEDEN_TABLE = "providers_serviceprovider_vakgebieden"

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
    # directory.index writes the vector with the rest of the document.
    f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN search_vector tsvector NOT NULL DEFAULT ''",
    # Compressed only when a row is too long for the page, and then kept in line.
    f"ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN search_vector SET STORAGE MAIN",
    f"CREATE INDEX providersearchdocument_vector ON {DOCUMENT_TABLE} USING gin (search_vector)",
    f'ALTER TABLE {DOCUMENT_TABLE} ALTER COLUMN sort_name TYPE varchar(200) COLLATE "C"',
    f"CREATE INDEX searchword_word_trigram ON {WORD_TABLE} USING gin (word gin_trgm_ops)",
    f'ALTER TABLE {TERM_TABLE} ALTER COLUMN lexeme TYPE varchar(100) COLLATE "C"',
    f'ALTER TABLE {TERM_TABLE} ALTER COLUMN sort_name TYPE varchar(200) COLLATE "C"',
]
POSTGRES_TEARDOWN = [
    f'ALTER TABLE {TERM_TABLE} ALTER COLUMN sort_name TYPE varchar(200) COLLATE "default"',
    f'ALTER TABLE {TERM_TABLE} ALTER COLUMN lexeme TYPE varchar(100) COLLATE "default"',
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


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0001_initial"),
        ("providers", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(postgres_setup, postgres_teardown),
        # The vakgebied filter reads the providers of a vakgebied from the automatic
        # many-to-many table, whose own indexes lead with the provider: this one is
        # read index-only. Plain SQL, as the table has no model to declare it on.
        migrations.RunSQL(
            f"CREATE INDEX serviceprovider_vakgebied_rev "
            f"ON {VAKGEBIEDEN_TABLE} (vakgebied_id, serviceprovider_id)",
            "DROP INDEX serviceprovider_vakgebied_rev",
        ),
    ]
