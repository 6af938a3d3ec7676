"""Free text: two ways to match the search words, with the same meaning, and their rank.

Why two: production runs on PostgreSQL, whose full-text search (stemming
dictionaries, GIN indexes) and pg_trgm make the search fast at 50,000 providers;
development and the test suite run on SQLite without any set-up, and SQLite has
none of that.

- PostgresFullText: full-text search on the stored, GIN-indexed `search_vector`
  column of the provider's ProviderSearchDocument, which holds directory.text's
  lexemes (and the parts of compounds) by weight, ranked with ts_rank; a search for
  one plain word reads the inverted index instead, and one of several common words
  its classes of rank (directory.rank_classes);
- PortableText (SQLite, the zero-setup default): a match on the lexemes that
  directory.text computed in Python when the document was written: the same
  stemmer and stop words, so the same providers match. It is plain ORM and also
  runs on PostgreSQL, which is how the tests hold the two to the same results.

A matcher filters the documents to those that have every term (a term or one of
its corrections) and annotates them with a `rank`, higher is better.
"""

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Case, Expression, F, FloatField, Q, Value, When
from django.db.models.functions import Cast

from directory.models import ProviderSearchTerm
from directory.query import CountOf, documents_of
from directory.rank_classes import CLASSES_FROM_DOCUMENTS, ClassRanking, lexemes_of

# The stored vectors hold directory.text's lexemes (directory.index), which the "simple"
# configuration keeps as they are: the query names lexemes too.
LEXEME_CONFIG = "simple"


def _tsquery_group(term):
    """A term as a tsquery: any of its lexemes, or all of its parts."""
    options = list(term.lexemes)
    if term.parts:
        options.append("(" + " & ".join(term.parts) + ")")
    return "(" + " | ".join(options) + ")"


def _every_term(terms):
    """The tsquery of documents that match every term."""
    return " & ".join(_tsquery_group(term) for term in terms)


def _any(conditions):
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def term_condition(term, has):
    """Which documents a term matches, with `has(lexemes)` the matcher's condition for
    a document with any of these lexemes: a lexeme of the term, or all of its parts."""
    condition = has(term.lexemes)
    if term.parts:
        every_part = Q()
        for part in term.parts:
            every_part &= has([part])
        condition |= every_part
    return condition


class DocumentSearchVector(Expression):
    """The `search_vector` column of ProviderSearchDocument.

    A PostgreSQL-only column that the model does not declare: it is named on the
    table alias of a declared column of the same table, so that it follows that
    table when Django relabels it (in a subquery, say).
    """

    output_field = SearchVectorField()

    def __init__(self, anchor=None):
        super().__init__()
        self.anchor = anchor if anchor is not None else F("sort_name")

    def get_source_expressions(self):
        return [self.anchor]

    def set_source_expressions(self, expressions):
        (self.anchor,) = expressions

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(self.anchor.alias)
        return f"{alias}.{connection.ops.quote_name('search_vector')}", []


class PostgresFullText:
    """Free text on PostgreSQL: the stored tsvector, a tsquery, ts_rank."""

    name = "postgresql"
    use_trigram_index = True

    def apply(self, queryset, terms):
        """The documents that match every term, with their `rank`: the sum of ts_rank
        for each lexeme of the query (rank_classes.lexemes_of), added in that order in
        double precision, as directory.rank_classes adds the stored ranks. (ts_rank of
        the lexemes together divides that sum by their number, in single precision.)"""
        vector = DocumentSearchVector()
        every = SearchQuery(_every_term(terms), config=LEXEME_CONFIG, search_type="raw")
        rank = None
        for item in lexemes_of(terms):
            one = Cast(
                SearchRank(vector, SearchQuery(item, config=LEXEME_CONFIG, search_type="raw")),
                FloatField(),
            )
            rank = one if rank is None else rank + one
        return queryset.filter(SearchVectorExact(vector, every)).annotate(rank=rank)

    @staticmethod
    def parameters(terms):
        """The values that `apply` puts into the statement (core.statements)."""
        return [_every_term(terms), *lexemes_of(terms)]

    def term_ranking(self, terms, search):
        """For a search (directory.ranking.DocumentSearch) of one plain word (or of a
        misspelt word with one correction: `Term.vector_lexeme`), the ranking read from
        the inverted index (ProviderSearchTerm) instead of from the documents; None for
        other searches.

        The same providers in the same order as `apply` gives (ts_rank of the one
        lexeme, then the sort name and the id), but the page is the start of an
        index range and the total an index-only count: a common word no longer
        makes the database read and rank every matching document's vector. The
        word's lexeme is PostgreSQL's own, which the vocabulary query found
        (`Term.vector_lexeme`): a word the configuration turns into no lexeme or into
        several, or that no document has, is left to `apply`. A search of several
        lexemes reads the index by classes of rank (`_class_ranking`), or is left to
        `apply` too. The one lexeme's ranking is the search's, compiled once per shape
        (`DocumentSearch.by_lexeme`, `lexeme_ranking`).
        """
        lexeme = terms[0].vector_lexeme if len(terms) == 1 else None
        if not lexeme or " " in lexeme:
            return self._class_ranking(terms, search.provider_sets())
        return search.by_lexeme(lexeme)

    @staticmethod
    def lexeme_ranking(lexeme, provider_sets):
        """The ranking rows of the documents with this lexeme, from the inverted index."""
        rows = ProviderSearchTerm.objects.filter(
            *[Q(document_id__in=ids) for ids in provider_sets], lexeme=lexeme
        )
        return (
            rows.annotate(
                result_nearness=Value(None, output_field=FloatField()),
                total_count=CountOf(rows.values("document_id")),
            )
            .order_by("-rank", "sort_name", "document_id")
            .values_list("document_id", "result_nearness", "total_count")
        )

    def _class_ranking(self, terms, provider_sets):
        """Several lexemes: their classes of rank (directory.rank_classes), when they
        serve the search. Not when a word is known to match few providers (its own
        lexeme's and its rarest part's SearchWord.documents): ranking the matches'
        vectors then costs less than planning the classes."""
        if any(_few_documents(term) for term in terms):
            return None
        matched = self.apply(documents_of(provider_sets), terms)
        ranking = ClassRanking(terms, provider_sets, matched)
        return ranking if ranking.feasible() else None


def _few_documents(term):
    """Whether the vocabulary tells that few providers have this term (at most those of
    its lexeme and those of its rarest part; 0 for both: not known)."""
    most = term.documents + term.part_documents
    if not most or term.forms or term.completions or term.alternatives:
        return False
    return most < CLASSES_FROM_DOCUMENTS


def _in_field(field, lexemes):
    return _any(Q(**{f"portable__{field}__contains": f" {lexeme} "}) for lexeme in lexemes)


class PortableText:
    """Free text without PostgreSQL: whole lexemes in the provider's lexeme list.

    Each term scores 3 for a word of the name, 2 for a part of a compound of the name
    and 1 elsewhere (the presentation, the vakgebieden, the places, the service types a
    provider is registered for), 0.5 when only its parts match apart: roughly the order
    of PostgreSQL's weights.
    """

    name = "portable"
    use_trigram_index = False

    def term_ranking(self, terms, search):
        """No inverted index without PostgreSQL: `apply` does all text searches."""
        return None

    def apply(self, queryset, terms):
        def has(lexemes):
            return _in_field("lexemes", lexemes)

        score = Value(0.0)
        for term in terms:
            queryset = queryset.filter(term_condition(term, has))
            score = score + Case(
                When(_in_field("name_lexemes", term.lexemes), then=Value(3.0)),
                When(_in_field("name_part_lexemes", term.lexemes), then=Value(2.0)),
                When(has(term.lexemes), then=Value(1.0)),
                default=Value(0.5),
                output_field=FloatField(),
            )
        return queryset.annotate(rank=score)

    @staticmethod
    def parameters(terms):
        """The values that `apply` puts into the statement (core.statements): the
        patterns of a lexeme in a field (`_in_field`), as Django writes them."""
        return [
            f"%{connection.ops.prep_for_like_query(f' {item} ')}%" for item in lexemes_of(terms)
        ]


TEXT_SEARCHES = {"postgresql": PostgresFullText, "portable": PortableText}


def text_matcher(name=None):
    """The matcher called `name`, or by default the one the database offers."""
    if name is None:
        name = "postgresql" if connection.vendor == "postgresql" else "portable"
    return TEXT_SEARCHES[name]()
