"""A search of several words (or of a compound, or a corrected word with several
corrections) ranked from the inverted index, PostgreSQL only.

A document's rank for a search is the sum of its ranks for each lexeme of the query
(directory.matching.PostgresFullText). Ranked from the vectors, every matching
document is read and ranked: for "advies opleiding" 38,000 of 50,000 (36–45 ms). But
a lexeme's rank in a document takes few values: it depends on the field the lexeme is
in (the name, the vakgebieden, the places, the presentation), so the stored ranks of a
lexeme (ProviderSearchTerm) count one to eight values. The matching documents then
fall into a few classes, one per combination of those values (or the lexeme's
absence), and every document of a class has the class's rank.

So the classes are ranked instead of the documents: one statement reads the ranks each
lexeme has (a probe of the index per value) and, in Python, the combinations that match
the search are put in order of their sum. A second statement reads the best classes'
documents in name order, each class from the index of the inverted index (lexeme, rank,
sort name, provider), and stops once it has the page: "advies opleiding" reads three
classes that turn out empty and the first rows of the two that tie (8–12 ms with the
total, planning included). Classes of the same sum are merged by name, as the vectors'
ranking orders equal ranks. Should the best few classes not fill the page, the same
statement ranks the vectors instead.

It gives the providers of the vectors' ranking in the same order (the sums are added in
the same order, in double precision, on both sides), and the same total up to the limit
that a page shows (query.COUNT_LIMIT: it counts apart, up to the limit, where the vectors'
ranking counts every match as it sorts them; tests/directory/test_search_terms.py). A
search whose lexemes make too many combinations (a word being typed with many
completions) is left to the vectors, and so is one with a word that few providers have
(directory.matching): its matches cost less to rank than the classes cost to plan.
"""

import dataclasses
import itertools
import math
import re

from django.db import connection

from directory import query
from directory.models import ProviderSearchTerm

# More classes than this (or combinations to try) and the classes would cost more than
# ranking the vectors.
MAX_CLASSES = 256
MAX_COMBINATIONS = 4096
# A word of fewer providers (SearchWord.documents) is ranked from the vectors: about
# sqrt(COUNT_LIMIT * 50,000) at the scheme's size, as directory.query.common decides.
CLASSES_FROM_DOCUMENTS = 7000
# How many classes the statement reads at most (whole groups of one sum, and at least
# one group): planning a class costs one to two milliseconds, and a search of common
# words finds its page in the first few; if not, the vector ranks the matches.
CLASSES_PER_STATEMENT = 4
# Lexemes that the tsquery parser keeps as they are, so that the index's rows are the
# query's operands: lowercase letters (directory.text folds accents away).
PLAIN_LEXEME = re.compile(r"[a-z]{1,100}")

_TERMS = ProviderSearchTerm._meta.db_table

# Each lexeme's distinct ranks, highest first: a walk down the index (lexeme, rank, ...),
# one probe per value.
_RANKS_SQL = """
WITH RECURSIVE ranks (lexeme, rank) AS (
    SELECT item, (SELECT max(t.rank) FROM {terms} t WHERE t.lexeme = item)
    FROM unnest(%s::text[]) AS item
  UNION ALL
    SELECT ranks.lexeme,
        (SELECT max(t.rank) FROM {terms} t WHERE t.lexeme = ranks.lexeme AND t.rank < ranks.rank)
    FROM ranks WHERE ranks.rank IS NOT NULL
)
SELECT lexeme, rank FROM ranks WHERE rank IS NOT NULL ORDER BY lexeme, rank DESC
"""


@dataclasses.dataclass(frozen=True)
class RankClass:
    """The documents that have exactly these ranks for the search's lexemes (None: not
    the lexeme), whose rank for the search is `score`."""

    score: float
    ranks: tuple


def lexemes_of(terms):
    """The lexemes of the query in one fixed order (the order the sums are added in):
    each term's lexemes and its parts, each once."""
    items = set()
    for term in terms:
        items.update(term.lexemes, term.parts)
    return tuple(sorted(items))


def rank_classes(terms, items, ranks_of):
    """The combinations of ranks (`ranks_of`: lexeme -> its ranks) that match every term,
    best first, or None when there are more than MAX_CLASSES of them. A term matches a
    document that has one of its lexemes, or all of its parts."""
    choices = [(None, *ranks_of.get(item, ())) for item in items]
    if math.prod(len(options) for options in choices) > MAX_COMBINATIONS:
        return None
    position = {item: index for index, item in enumerate(items)}
    needs = [
        ([position[item] for item in term.lexemes], [position[part] for part in term.parts])
        for term in terms
    ]
    classes = []
    for ranks in itertools.product(*choices):
        if all(
            any(ranks[index] is not None for index in lexemes)
            or (parts and all(ranks[index] is not None for index in parts))
            for lexemes, parts in needs
        ):
            score = 0.0
            for rank in ranks:
                if rank is not None:
                    score += rank
            classes.append(RankClass(score, ranks))
            if len(classes) > MAX_CLASSES:
                return None
    classes.sort(key=lambda rank_class: -rank_class.score)
    return classes


# The statements of the classes, {terms} the inverted index's quoted table name:
# - one class's documents in name order (its first lexeme's index range `t0`, joined to
#   the others' in the same order, without the absent ones), then those that may appear,
#   up to the page. OFFSET 0 plans the join on its own: with the provider sets in it,
#   PostgreSQL probed a lexeme's range by provider alone, reading the whole range per
#   probe ("marketing vormingscentrum": 67 ms);
# - a group of classes of one sum, merged;
# - a chain of groups, each read only when the ones before it found fewer than the page
#   needs (a CASE runs only its chosen branch; OFFSET 0 keeps each group a subquery of
#   its own, or the array would be computed again wherever a later group counts it).
_CLASS_SQL = """(SELECT document_id, sort_name FROM (
        SELECT t0.document_id, t0.sort_name FROM {terms} t0 {joins}
        WHERE t0.lexeme = %s AND t0.rank = %s {absent}
        ORDER BY t0.sort_name, t0.document_id OFFSET 0
    ) AS class WHERE {conditions} ORDER BY sort_name, document_id LIMIT %s)"""
_PRESENT_SQL = """JOIN {terms} t{n} ON t{n}.document_id = t0.document_id
    AND t{n}.sort_name = t0.sort_name AND t{n}.lexeme = %s AND t{n}.rank = %s"""
_ABSENT_SQL = (
    "AND NOT EXISTS (SELECT 1 FROM {terms} x WHERE x.document_id = t0.document_id"
    " AND x.lexeme = %s)"
)
_GROUP_SQL = "SELECT document_id FROM ({classes}) tied ORDER BY sort_name, document_id LIMIT %s"
_CHAINED_SQL = """CROSS JOIN LATERAL (
    SELECT CASE WHEN {found} < %s THEN ARRAY({group}) ELSE ARRAY[]::bigint[] END AS ids
    OFFSET 0) AS {name}"""
_CHAIN_SQL = "SELECT {selects} FROM (SELECT 1) AS start {chained}"


def _class_sql(rank_class, items, sets_sql, need):
    """One class's documents that may appear, in name order, up to `need`."""
    terms = connection.ops.quote_name(_TERMS)
    ranked = list(zip(items, rank_class.ranks, strict=True))
    present = [(item, rank) for item, rank in ranked if rank is not None]
    joins, conditions, params = [], [], []
    for n, (item, rank) in enumerate(present[1:], start=1):
        joins.append(_PRESENT_SQL.format(terms=terms, n=n))
        params += [item, rank]
    params += present[0]
    absent = []
    for item, rank in ranked:
        if rank is None:
            absent.append(_ABSENT_SQL.format(terms=terms))
            params.append(item)
    for sql, set_params in sets_sql:
        conditions.append(f"document_id IN ({sql})")
        params += set_params
    sql = _CLASS_SQL.format(
        terms=terms,
        joins=" ".join(joins),
        absent=" ".join(absent),
        conditions=" AND ".join(conditions) or "TRUE",
    )
    return sql, [*params, need]


def _group_sql(group, items, sets_sql, need):
    """A group of classes of one sum: each class's first rows, merged by name."""
    parts, params = [], []
    for rank_class in group:
        sql, class_params = _class_sql(rank_class, items, sets_sql, need)
        parts.append(sql)
        params += class_params
    return _GROUP_SQL.format(classes=" UNION ALL ".join(parts)), [*params, need]


class ClassRanking:
    """The ranking rows (provider id, nearness, total count) of a search ranked by class,
    with the interface of directory.query.NearestFirst's.

    `matched`: the documents that the vector matches, with their `rank`
    (PostgresFullText.apply): the total counts them, and when the best classes do not
    fill the page, their ranking gives it (in the same statement, only then)."""

    def __init__(self, terms, provider_sets, matched):
        self.items = lexemes_of(terms)
        self.terms = terms
        self.provider_sets = provider_sets
        self.matched = matched
        self.classes = None
        self._rows = []  # provider ids in order: the start of the ranking
        self._complete = False  # whether _rows is all of it
        self._total = None

    def feasible(self):
        """Whether the classes serve this search: plain lexemes, few combinations."""
        if len(self.items) < 2 or not all(PLAIN_LEXEME.fullmatch(item) for item in self.items):
            return False
        with connection.cursor() as cursor:
            sql = _RANKS_SQL.format(terms=connection.ops.quote_name(_TERMS))
            cursor.execute(sql, [list(self.items)])
            ranks_of = {}
            for lexeme, rank in cursor.fetchall():
                ranks_of.setdefault(lexeme, []).append(rank)
        self.classes = rank_classes(self.terms, self.items, ranks_of)
        return self.classes is not None

    def _first_groups(self):
        """The best groups of classes of one sum, about CLASSES_PER_STATEMENT classes."""
        groups, size = [], 0
        for _score, group in itertools.groupby(self.classes, key=lambda item: item.score):
            if size >= CLASSES_PER_STATEMENT:
                break
            groups.append(list(group))
            size += len(groups[-1])
        return groups, size == len(self.classes)

    def _fetch(self, need):
        """The first `need` providers in order (fewer: all of them), and the total.

        One statement: the total; the best groups of classes in a chain in which each
        group runs only if the ones before found fewer than `need` providers (a CASE
        runs only its chosen branch); and, only if they did not find them all and there
        are more classes, the vector's ranking of every match instead."""
        if not self.classes:
            self._total = 0  # no combination of ranks matches every term: no document
            return [], True
        groups, every_class = self._first_groups()
        total = query.CountOf(self.matched.order_by().values("service_provider_id"))
        count_sql, count_params = total.query.sql_with_params()
        params = list(count_params)
        selects, chained = [total.template % {"subquery": count_sql}], []
        sets_sql = [ids.order_by().query.sql_with_params() for ids in self.provider_sets]
        for n, group in enumerate(groups):
            sql, group_params = _group_sql(group, self.items, sets_sql, need)
            chained.append(_CHAINED_SQL.format(found=_found(n), group=sql, name=f"g{n}"))
            params += [need, *group_params]
            selects.append(f"g{n}.ids")
        if not every_class:
            ranked = self.matched.order_by("-rank", "sort_name", "service_provider_id")
            ranked = ranked.values_list("service_provider_id", flat=True)[:need]
            sql, ranked_params = ranked.query.sql_with_params()
            chained.append(_CHAINED_SQL.format(found=_found(len(groups)), group=sql, name="rest"))
            params += [need, *ranked_params]
            selects.append("rest.ids")
        sql = _CHAIN_SQL.format(selects=", ".join(selects), chained=" ".join(chained))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            self._total, *found = cursor.fetchone()
        rest = found.pop() if not every_class else []
        rows = rest or [pk for ids in found for pk in ids]
        return rows[:need], len(rows) < need

    def _known(self, need):
        if len(self._rows) < need and not self._complete:
            self._rows, self._complete = self._fetch(need)
        return self._rows

    def count(self):
        """Up to COUNT_LIMIT + 1, like CountOf."""
        if self._total is None:
            self._known(1)
        return self._total

    def __getitem__(self, window):
        """The rows of a slice, like a values_list queryset's (of the first COUNT_LIMIT)."""
        limit = query.COUNT_LIMIT  # read at run time: the tests lower it
        stop = limit if window.stop is None else min(window.stop, limit)
        rows = self._known(stop)
        total = self.count()
        return [(pk, None, total) for pk in rows[:limit][window]]

    def __iter__(self):
        return iter(self[:])

    def reverse(self):
        """The rows from the last on, like a reversed queryset's (a page past the end)."""
        return self[:][::-1]


def _found(groups):
    """How many providers the first `groups` groups of the chain found, in SQL."""
    return " + ".join(f"cardinality(g{n}.ids)" for n in range(groups)) or "0"
