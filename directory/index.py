"""The public search's stored data: per service provider a ProviderSearchDocument
(with, on PostgreSQL, its full-text vector) and ProviderSearchLexemes, and the
vocabulary (SearchWord) that corrects typos.

All of it is derived from the provider's name and presentation, the names of its
vakgebieden and the places of its organisation's active establishments, and it
must follow every way those change: the services, the admin, the demo data, a
shell. Signal receivers (connected in DirectoryConfig.ready) therefore rewrite
the affected documents inside the transaction of the change, so a document is
never newer or older than what was committed. Bulk writes send no signals:
after one, run `manage.py rebuild_search_index` (or `search_documents_rebuild`).
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Prefetch
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.template.defaultfilters import truncatewords

from core.validators import format_phone_number
from directory.cache import bump_on_commit
from directory.compounds import split, text_part_lexemes
from directory.models import (
    ProviderPlace,
    ProviderSearchDocument,
    ProviderSearchLexemes,
    ProviderSearchTerm,
    SearchPlace,
    SearchWord,
)
from directory.places import postcode_index
from directory.text import SCHEME_LEXEMES, STOP_WORDS, fold, lexemes, stem, with_meanings, words
from establishments.models import Establishment
from providers.models import ServiceProvider, Vakgebied
from registrations.selectors import listed_registrations, registrations_changing_listing

BATCH_SIZE = 2000
# SearchWord.word is a CharField(100); longer "words" are not worth correcting.
MAX_WORD_LENGTH = 100
SORT_NAME_LENGTH = 200
# The words of a presentation a result shows; the public page shows all of it.
SUMMARY_WORDS = 35


@dataclass(frozen=True)
class DocumentValues:
    """Everything stored about one provider, computed from plain values."""

    organisation_id: int
    name: str
    vakgebieden_text: str
    phone_text: str
    summary: str
    places_text: str
    description: str
    sort_name: str
    lexemes: str
    name_lexemes: str
    name_part_lexemes: str
    # The lexemes of PostgreSQL's vector by weight, space-separated (see _UPSERT_SQL).
    weighted: tuple
    words: frozenset  # (word, lexeme, in_text) triples for the vocabulary


def _spaced(items):
    """Unique lexemes between spaces (" a b c "), so that " b " only finds whole words."""
    unique = sorted(set(items))
    return f" {' '.join(unique)} " if unique else ""


def establishment_place(postcode, municipality, main_municipality=""):
    """How an establishment's place reads in a document: "9050 Ledeberg Gent".

    The main municipality is added when it differs, so that "Gent" also finds an
    establishment in one of Gent's deelgemeenten.
    """
    parts = [postcode, municipality]
    if main_municipality and fold(main_municipality) != fold(municipality):
        parts.append(main_municipality)
    return " ".join(part for part in parts if part)


def _vocabulary(text, *, in_text):
    """(word, lexeme, in_text) of the words of `text` and, when it is not a place, of the
    parts of its compounds: the words a search term is known by or corrected towards."""
    found = set()
    for word in words(text):
        if not word.isalpha() or word in STOP_WORDS or len(word) > MAX_WORD_LENGTH:
            continue
        found.add((word, stem(word), in_text))
        if in_text:
            found.update(
                (part, stem(part), True) for part in split(word) if part not in STOP_WORDS
            )
    return found


def document_values(
    *, organisation_id, name, vakgebieden, places, description, service_types=(), phone=""
):
    """What is stored about a provider, from its name, vakgebied names, establishment
    places and presentation, the service types of its registrations in force, and its
    phone number. A pure function.

    The document also holds what a result shows that takes work to make: the phone number
    as people read it and the start of the presentation.

    Each text gives its words' lexemes and the lexemes of the parts of its compounds
    (directory.compounds); places are names and are not split. A form of a word of the
    scheme brings the scheme's lexeme along, and so does each service type the provider
    is registered for (lowest weight): "advies" finds whoever is registered for advice.
    """
    # One per line: vakgebied names contain commas ("Marketing, communicatie en verkoop").
    vakgebieden_text = "\n".join(vakgebieden)
    places_text = ", ".join(sorted(set(places)))
    name_lexemes = with_meanings(lexemes(name))
    name_parts = with_meanings(text_part_lexemes(name))
    vakgebied_lexemes = with_meanings(lexemes(vakgebieden_text))
    vakgebied_parts = with_meanings(text_part_lexemes(vakgebieden_text))
    place_lexemes = lexemes(places_text)
    description_lexemes = with_meanings(
        [
            *lexemes(description),
            *text_part_lexemes(description),
            *(SCHEME_LEXEMES[service_type] for service_type in sorted(set(service_types))),
        ]
    )
    texts = f"{name} {vakgebieden_text} {description}"
    vocabulary = _vocabulary(texts, in_text=True)
    vocabulary |= {
        item
        for item in _vocabulary(places_text, in_text=False)
        if (*item[:2], True) not in vocabulary
    }
    return DocumentValues(
        organisation_id=organisation_id,
        name=name,
        vakgebieden_text=vakgebieden_text,
        phone_text=format_phone_number(phone) if phone else "",
        summary=truncatewords(description, SUMMARY_WORDS),
        places_text=places_text,
        description=description,
        sort_name="".join(words(name))[:SORT_NAME_LENGTH],
        lexemes=_spaced(
            [
                *name_lexemes,
                *name_parts,
                *vakgebied_lexemes,
                *vakgebied_parts,
                *place_lexemes,
                *description_lexemes,
            ]
        ),
        name_lexemes=_spaced(name_lexemes),
        name_part_lexemes=_spaced(name_parts),
        weighted=(
            " ".join(name_lexemes),
            " ".join([*name_parts, *vakgebied_lexemes]),
            " ".join([*vakgebied_parts, *place_lexemes]),
            " ".join(description_lexemes),
        ),
        words=frozenset(vocabulary),
    )


# On PostgreSQL the document is written with its vector in one statement (an
# update after the insert would leave every row twice in the table until the
# next vacuum). The vector holds directory.text's lexemes (the "simple"
# configuration keeps them as they are), so both databases search the same
# lexemes. They are weighted A to D, which ts_rank counts 1.0, 0.4, 0.2 and 0.1: the
# name (A), the parts of the name's compounds and the vakgebieden (B), the parts of the
# vakgebieden's compounds and the places (C), the presentation with the parts of its
# compounds (D). The presentation's lexemes are stored without positions: a
# third smaller row (a search for a common word reads every row), at the price of
# not counting how often a word occurs in the presentation.
_UPSERT_SQL = """
INSERT INTO {table}
    (service_provider_id, organisation_id, sort_name, vakgebieden_text, phone_text, summary,
     search_vector)
SELECT source.id, source.organisation_id, source.sort_name, source.vakgebieden, source.phone,
    source.summary,
    setweight(to_tsvector('simple'::regconfig, source.a), 'A')
    || setweight(to_tsvector('simple'::regconfig, source.b), 'B')
    || setweight(to_tsvector('simple'::regconfig, source.c), 'C')
    || strip(to_tsvector('simple'::regconfig, source.d))
FROM (VALUES {rows})
    AS source (id, organisation_id, sort_name, vakgebieden, phone, summary, a, b, c, d)
ON CONFLICT (service_provider_id) DO UPDATE SET
    organisation_id = EXCLUDED.organisation_id,
    sort_name = EXCLUDED.sort_name,
    vakgebieden_text = EXCLUDED.vakgebieden_text,
    phone_text = EXCLUDED.phone_text,
    summary = EXCLUDED.summary,
    search_vector = EXCLUDED.search_vector
"""


# The inverted index of the documents' vectors (ProviderSearchTerm), derived in SQL
# from the stored vectors: one row per lexeme with ts_rank for that lexeme alone. The
# lexeme is quoted for the tsquery parser (quotes doubled, backslashes escaped).
# PostgreSQL makes lexemes of up to 2047 characters (a URL, a hyphenated chain, a long
# "word" in a name); the index holds only those that fit its column. A longer one is
# never looked up there: the index serves a one-word search whose lexeme is in the
# vocabulary, and the vocabulary's words are at most MAX_WORD_LENGTH long.
_TERMS_DELETE_SQL = "DELETE FROM {terms} WHERE document_id = ANY(%s)"
_TERMS_INSERT_SQL = r"""
INSERT INTO {terms} (document_id, lexeme, rank, sort_name)
SELECT document.service_provider_id, term.lexeme,
    ts_rank(
        document.search_vector,
        ('''' || replace(replace(term.lexeme, '\', '\\'), '''', '''''') || '''')::tsquery
    ),
    document.sort_name
FROM {documents} AS document, unnest(document.search_vector) AS term
WHERE document.service_provider_id = ANY(%s) AND char_length(term.lexeme) <= %s
"""


def _write_postgres_terms(ids):
    """Rewrite the term rows of the documents of these providers."""
    quote = connection.ops.quote_name
    names = {
        "terms": quote(ProviderSearchTerm._meta.db_table),
        "documents": quote(ProviderSearchDocument._meta.db_table),
    }
    lexeme_length = ProviderSearchTerm._meta.get_field("lexeme").max_length
    with connection.cursor() as cursor:
        cursor.execute(_TERMS_DELETE_SQL.format(**names), [list(ids)])
        cursor.execute(_TERMS_INSERT_SQL.format(**names), [list(ids), lexeme_length])


def _write_postgres_documents(batch):
    rows = ", ".join(["(%s::bigint, %s::bigint, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(batch))
    params = []
    for pk, values in batch:
        params += [pk, values.organisation_id, values.sort_name, values.vakgebieden_text]
        params += [values.phone_text, values.summary]
        params += list(values.weighted)
    sql = _UPSERT_SQL.format(
        table=connection.ops.quote_name(ProviderSearchDocument._meta.db_table), rows=rows
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def write_documents(values_by_pk, *, known_words=None):
    """Create or replace the stored search data of these providers ({pk: DocumentValues}).

    `known_words` (a set, updated) spares a rebuild from inserting a word twice.
    """
    items = sorted(values_by_pk.items())
    for start in range(0, len(items), BATCH_SIZE):
        batch = items[start : start + BATCH_SIZE]
        if connection.vendor == "postgresql":
            _write_postgres_documents(batch)
            _write_postgres_terms([pk for pk, _values in batch])
        else:
            ProviderSearchDocument.objects.bulk_create(
                [
                    ProviderSearchDocument(
                        service_provider_id=pk,
                        organisation_id=values.organisation_id,
                        sort_name=values.sort_name,
                        vakgebieden_text=values.vakgebieden_text,
                        phone_text=values.phone_text,
                        summary=values.summary,
                    )
                    for pk, values in batch
                ],
                update_conflicts=True,
                unique_fields=["service_provider"],
                update_fields=[
                    "organisation",
                    "sort_name",
                    "vakgebieden_text",
                    "phone_text",
                    "summary",
                ],
            )
        ProviderSearchLexemes.objects.bulk_create(
            [
                ProviderSearchLexemes(
                    document_id=pk,
                    lexemes=values.lexemes,
                    name_lexemes=values.name_lexemes,
                    name_part_lexemes=values.name_part_lexemes,
                )
                for pk, values in batch
            ],
            update_conflicts=True,
            unique_fields=["document"],
            update_fields=["lexemes", "name_lexemes", "name_part_lexemes"],
        )
        new_words = set().union(*(values.words for _pk, values in batch))
        if known_words is not None:
            new_words -= known_words
            known_words |= new_words
        if new_words:
            # A new word counts the providers of this batch with its lexeme until the
            # next recount (search_words_recount).
            providers_with = Counter(
                lexeme
                for _pk, values in batch
                for lexeme in {lexeme for _word, lexeme, _in_text in values.words}
            )
            SearchWord.objects.bulk_create(
                [
                    SearchWord(
                        word=word,
                        lexeme=lexeme,
                        in_text=in_text,
                        documents=providers_with[lexeme],
                    )
                    for word, lexeme, in_text in sorted(new_words)
                ],
                ignore_conflicts=True,
                batch_size=BATCH_SIZE,
            )
            # A place's name that a text now uses too becomes a word to correct towards.
            in_text = sorted(word for word, _lexeme, in_text in new_words if in_text)
            for first in range(0, len(in_text), BATCH_SIZE):
                SearchWord.objects.filter(
                    word__in=in_text[first : first + BATCH_SIZE], in_text=False
                ).update(in_text=True)


def _establishments_by_organisation(organisation_ids):
    """{organisation id: [(place text, (latitude, longitude, postcode) or None), ...]} of
    the organisations' active establishments: the places a document names and the points
    the distance search measures to."""
    index = postcode_index()
    places = {}
    rows = (
        Establishment.objects.active()
        .filter(organisation_id__in=organisation_ids)
        .values_list("organisation_id", "postcode", "municipality", "latitude", "longitude")
    )
    for organisation_id, postcode, municipality, latitude, longitude in rows:
        main = index.main_municipality(postcode, municipality)
        point = None if latitude is None or longitude is None else (latitude, longitude, postcode)
        places.setdefault(organisation_id, []).append(
            (establishment_place(postcode, municipality, main), point)
        )
    return places


def write_places(providers, establishments):
    """Replace the ProviderPlace rows of these providers ({pk: (organisation id, sort
    name)}) from their organisations' establishments (as `_establishments_by_organisation`
    gives them), adding the SearchPlace points that are new."""
    rows = {
        (point, pk, sort_name)
        for pk, (organisation_id, sort_name) in providers.items()
        for _text, point in establishments.get(organisation_id, [])
        if point is not None
    }
    ProviderPlace.objects.filter(document_id__in=list(providers)).delete()
    if not rows:
        return
    # The establishments' coordinates are Decimals, the points' floats (SearchPlace).
    coordinates = {
        (float(latitude), float(longitude)) for (latitude, longitude, _pc), _pk, _name in rows
    }
    SearchPlace.objects.bulk_create(
        [SearchPlace(latitude=lat, longitude=lon) for lat, lon in sorted(coordinates)],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )
    # A few thousand points in all: reading every one is cheaper than asking for these.
    ids = {
        (latitude, longitude): pk
        for pk, latitude, longitude in SearchPlace.objects.values_list(
            "pk", "latitude", "longitude"
        )
    }
    ProviderPlace.objects.bulk_create(
        [
            ProviderPlace(
                place_id=ids[float(latitude), float(longitude)],
                document_id=pk,
                postcode=postcode,
                sort_name=sort_name,
            )
            for (latitude, longitude, postcode), pk, sort_name in sorted(rows)
        ],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )


def search_documents_sync(*, service_provider_ids, known_words=None):
    """Create or update the search data of these service providers (ids of deleted
    providers are ignored: their data went with them). Returns how many."""
    ids = set(service_provider_ids)
    if not ids:
        return 0
    with transaction.atomic():
        providers = list(
            ServiceProvider.objects.filter(pk__in=ids)
            .only("pk", "organisation_id", "name", "description", "phone")
            .prefetch_related(
                Prefetch("vakgebieden", queryset=Vakgebied.objects.only("name").order_by("name"))
            )
        )
        establishments = _establishments_by_organisation(
            {provider.organisation_id for provider in providers}
        )
        service_types = {}
        for provider_id, service_type in (
            listed_registrations()
            .filter(service_provider_id__in=ids)
            .values_list("service_provider_id", "service_type")
        ):
            service_types.setdefault(provider_id, set()).add(service_type)
        values = {
            provider.pk: document_values(
                organisation_id=provider.organisation_id,
                name=provider.name,
                vakgebieden=[vakgebied.name for vakgebied in provider.vakgebieden.all()],
                places=[text for text, _point in establishments.get(provider.organisation_id, [])],
                description=provider.description,
                service_types=service_types.get(provider.pk, ()),
                phone=provider.phone,
            )
            for provider in providers
        }
        write_documents(values, known_words=known_words)
        write_places(
            {pk: (value.organisation_id, value.sort_name) for pk, value in values.items()},
            establishments,
        )
    return len(values)


def search_documents_sync_for_organisation(*, organisation_id):
    """Update the search data of every service provider of an organisation (its
    establishments changed)."""
    ids = ServiceProvider.objects.filter(organisation_id=organisation_id).values_list(
        "pk", flat=True
    )
    return search_documents_sync(service_provider_ids=list(ids))


def search_documents_rebuild(*, batch_size=BATCH_SIZE, log=None):
    """Rebuild the search data of every provider and the vocabulary, in one transaction.

    For after bulk writes that bypass the signals (imports, the benchmark seeder)
    and to repair. Returns the number of documents.
    """
    with transaction.atomic():
        SearchWord.objects.all().delete()
        ProviderPlace.objects.all().delete()
        SearchPlace.objects.all().delete()
        ProviderSearchTerm.objects.all().delete()
        ProviderSearchLexemes.objects.all().delete()
        ProviderSearchDocument.objects.all().delete()
        ids = list(ServiceProvider.objects.order_by("pk").values_list("pk", flat=True))
        known = set()
        done = 0
        for start in range(0, len(ids), batch_size):
            done += search_documents_sync(
                service_provider_ids=ids[start : start + batch_size], known_words=known
            )
            if log:
                log(f"  search documents: {done:,} of {len(ids):,}")
        search_words_recount()
    return done


def search_words_recount():
    """Count anew how many providers have each word's lexeme in their search data
    (SearchWord.documents, which weighs typo corrections): after a rebuild and every
    night, as saves only count the words they add. Returns how many words changed."""
    providers_with = Counter()
    lexemes = ProviderSearchLexemes.objects.values_list("lexemes", flat=True)
    for text in lexemes.iterator(chunk_size=BATCH_SIZE):
        providers_with.update(set(text.split()))
    changed = []
    for word in SearchWord.objects.only("pk", "lexeme", "documents").iterator(
        chunk_size=BATCH_SIZE
    ):
        count = providers_with[word.lexeme]
        if word.documents != count:
            word.documents = count
            changed.append(word)
    SearchWord.objects.bulk_update(changed, ["documents"], batch_size=BATCH_SIZE)
    return len(changed)


# --- Signal receivers ------------------------------------------------------------------


def _service_provider_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_documents_sync(service_provider_ids=[instance.pk])


def _vakgebieden_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse and action == "pre_clear":
        # The links are about to go: remember whose documents to update.
        instance._search_provider_ids = list(
            instance.service_providers.values_list("pk", flat=True)
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        ids = [instance.pk]
    elif action == "post_clear":
        ids = getattr(instance, "_search_provider_ids", [])
    else:
        ids = pk_set or []
    search_documents_sync(service_provider_ids=ids)


def _vakgebied_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return
    ids = instance.service_providers.values_list("pk", flat=True)
    search_documents_sync(service_provider_ids=list(ids))


def _vakgebied_deleting(sender, instance, **kwargs):
    instance._search_provider_ids = list(instance.service_providers.values_list("pk", flat=True))


def _vakgebied_deleted(sender, instance, **kwargs):
    search_documents_sync(service_provider_ids=getattr(instance, "_search_provider_ids", []))


def _establishment_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search_documents_sync_for_organisation(organisation_id=instance.organisation_id)


def _establishment_deleted(sender, instance, **kwargs):
    # After the commit: when the whole organisation is being deleted, its service
    # providers (and their documents) go in the same transaction, and a document
    # written now would point at a provider that no longer exists.
    organisation_id = instance.organisation_id
    transaction.on_commit(
        lambda: search_documents_sync_for_organisation(organisation_id=organisation_id)
    )


def _registration_changed(sender, instance, raw=False, **kwargs):
    # The service types a provider is registered for are in its document (the scheme's
    # words find them): a decision, lapse or change of validity updates it.
    if not raw:
        search_documents_sync(service_provider_ids=[instance.service_provider_id])


def search_documents_refresh_listing(*, on=None):
    """Update the documents of the providers whose registrations start or end their
    validity `on` (default today), which no save announces: the nightly task
    (directory.tasks) runs it just after midnight. Returns how many."""
    ids = list(registrations_changing_listing(on=on))
    count = search_documents_sync(service_provider_ids=ids)
    if count:
        # The documents were written with SQL, which sends no signals: results cached
        # since midnight would keep the old answer.
        bump_on_commit()
    return count


def connect_signals():
    """Keep the search data in step with every save (called from DirectoryConfig.ready)."""
    uid = "directory.index"
    post_save.connect(_registration_changed, sender="registrations.Registration", dispatch_uid=uid)
    post_delete.connect(
        _registration_changed, sender="registrations.Registration", dispatch_uid=uid
    )
    post_save.connect(_service_provider_saved, sender=ServiceProvider, dispatch_uid=uid)
    m2m_changed.connect(
        _vakgebieden_changed, sender=ServiceProvider.vakgebieden.through, dispatch_uid=uid
    )
    post_save.connect(_vakgebied_saved, sender=Vakgebied, dispatch_uid=uid)
    pre_delete.connect(_vakgebied_deleting, sender=Vakgebied, dispatch_uid=uid)
    post_delete.connect(_vakgebied_deleted, sender=Vakgebied, dispatch_uid=uid)
    post_save.connect(_establishment_saved, sender=Establishment, dispatch_uid=uid)
    post_delete.connect(_establishment_deleted, sender=Establishment, dispatch_uid=uid)
