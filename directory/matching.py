"""Free text: two ways to match the search words, with the same meaning, and their rank.

Why two: production runs on PostgreSQL, whose full-text search (stemming
dictionaries, GIN indexes) and pg_trgm make the search fast at 50,000 providers;
development and the test suite run on SQLite without any set-up, and SQLite has
none of that.

- PostgresFullText: full-text search on the stored, GIN-indexed `search_vector`
  column of the provider's ProviderSearchDocument (configuration `nl_unaccent`:
  Dutch stemming without accents, see directory migration 0002), ranked with
  ts_rank; a search for one plain word reads the inverted index instead;
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

from directory.models import ProviderSearchTerm
from directory.query import CountOf
from directory.text import TEXT_SEARCH_CONFIG


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

    use_trigram_index = True

    def apply(self, queryset, terms):
        groups = []
        for term in terms:
            words = [term.word, *(word for word, _lexeme in term.alternatives)]
            groups.append("(" + " | ".join(words) + ")")
        query = SearchQuery(" & ".join(groups), config=TEXT_SEARCH_CONFIG, search_type="raw")
        vector = DocumentSearchVector()
        return queryset.filter(SearchVectorExact(vector, query)).annotate(
            rank=SearchRank(vector, query)
        )

    def term_ranking(self, terms, provider_sets):
        """For a search of one plain word, the ranking read from the inverted index
        (ProviderSearchTerm) instead of from the documents; None for other searches.

        The same providers in the same order as `apply` gives (ts_rank of the one
        lexeme, then the sort name and the id), but the page is the start of an
        index range and the total an index-only count: a common word no longer
        makes the database read and rank every matching document's vector. The
        word's lexeme is PostgreSQL's own, which the vocabulary query found
        (`Term.vector_lexeme`): a word the configuration turns into no lexeme or into
        several, or that no document has, is left to `apply`.
        """
        if len(terms) != 1 or terms[0].corrected:
            return None
        lexeme = terms[0].vector_lexeme
        if not lexeme or " " in lexeme:
            return None
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


class PortableText:
    """Free text without PostgreSQL: whole lexemes in the provider's lexeme list.

    A match in the name counts double, as the name weighs most on PostgreSQL.
    """

    use_trigram_index = False

    def term_ranking(self, terms, provider_sets):
        """No inverted index without PostgreSQL: `apply` does all text searches."""
        return None

    def apply(self, queryset, terms):
        score = Value(0.0)
        for term in terms:
            lexemes = [term.lexeme, *(lexeme for _word, lexeme in term.alternatives)]
            anywhere = Q()
            in_name = Q()
            for lexeme in lexemes:
                anywhere |= Q(portable__lexemes__contains=f" {lexeme} ")
                in_name |= Q(portable__name_lexemes__contains=f" {lexeme} ")
            queryset = queryset.filter(anywhere)
            score = score + Case(
                When(in_name, then=Value(2.0)), default=Value(1.0), output_field=FloatField()
            )
        return queryset.annotate(rank=score)


TEXT_SEARCHES = {"postgresql": PostgresFullText, "portable": PortableText}


def text_matcher(name=None):
    """The matcher called `name`, or by default the one the database offers."""
    if name is None:
        name = "postgresql" if connection.vendor == "postgresql" else "portable"
    return TEXT_SEARCHES[name]()
