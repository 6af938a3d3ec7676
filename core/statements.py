"""Statements whose SQL depends only on their shape, compiled once per shape.

The ORM builds and compiles a queryset on every call. For the statements of the public
search (the ranking, the page's providers and their establishments) that was a fifth of
a search's Python: more, for the providers' statement, than PostgreSQL takes to run it.
Yet their SQL depends only on their shape (how many ids, whether there is a place, the
pattern of the search words), and what varies goes in as parameters.

So a Statement builds its queryset once per shape, with stand-in arguments, compiles it,
and from then on fills in the parameters that came from the arguments with the real
ones. The queryset stays the one place that says what the statement reads (with the
selectors it is built from), and nothing has to know where in the SQL a value goes:

- `parameters(arguments)` lists the values that the arguments put into the statement
  (a place's latitude in radians, its cosine: derived ones too, derived the same way);
- the statement is built and compiled for two different stand-in arguments of the same
  shape; the parameters equal to the first one's values are its slots, and the second
  one's statement must be the first one's with the second one's values in those slots.
  A value that `parameters` leaves out, or a shape that leaves out something that
  changes the SQL, fails that check when the shape is first compiled: it cannot give
  another search's rows. Such a shape is logged as an error and its statements are built
  by the ORM every time, as before (`uncompiled` holds it, for the tests to see).

A statement whose best plan does not depend on its values (the page's providers and
their establishments: index lookups of a list of ids) can also be `prepared`: on
PostgreSQL its parameters are then bound on the server and the statement prepared once
per connection, so that PostgreSQL parses and plans it once (psycopg keeps the prepared
statements of a connection, and starts again on a new one). The other statements keep
Django's client-side binding: a plan made without the words, the place or the radius is a
bad one for most searches (docs/performance.md, "Prepared statements").
"""

import functools
import logging

import psycopg
from django.db import connections
from django.db.backends.utils import CursorDebugWrapper
from psycopg.types.numeric import Int8Dumper

LOGGER = logging.getLogger(__name__)


class StatementShapeError(ValueError):
    """The statement of a shape depends on something that its shape or its `parameters`
    do not say: a mistake in the code that declares it."""


class Statement:
    """Rows of a values_list queryset whose SQL depends only on its shape.

    - `build(shape, arguments)`: the queryset;
    - `parameters(arguments)`: the values the arguments may put into it, a list in the
      same order for any arguments of a shape (one that a shape does not use, such as a
      rank that a search sorted by name does not select, has no slot);
    - `stand_in(shape, n)`: arguments of that shape, different for n = 0 and n = 1, whose
      values differ from each other and from every constant of the statement;
    - `prepared`: prepared on PostgreSQL, for statements whose plan suits any values.
    """

    def __init__(self, build, *, parameters, stand_in, shapes=512, prepared=False):
        self.build = build
        self.parameters = parameters
        self.stand_in = stand_in
        self.prepared = prepared
        self._compiled = functools.lru_cache(maxsize=shapes)(self._compile_or_log)
        self.uncompiled = set()  # the shapes that failed the check

    def _compile_or_log(self, using, shape):
        try:
            return self._compile(using, shape)
        except StatementShapeError:
            LOGGER.exception("A statement is built by the ORM on every call instead.")
            self.uncompiled.add(shape)
            return None

    def _compile(self, using, shape):
        first, second = self.stand_in(shape, 0), self.stand_in(shape, 1)
        sql, params, converters = _compiled(self.build(shape, first), using)
        second_sql, second_params, _ = _compiled(self.build(shape, second), using)
        values = self.parameters(first)
        slots = [
            [position for position, param in enumerate(params) if _same(param, value)]
            for value in values
        ]
        if second_sql != sql or _filled(params, slots, self.parameters(second)) != list(
            second_params
        ):
            raise StatementShapeError(
                f"The statement of shape {shape!r} depends on more than its parameters."
            )
        return sql, tuple(params), slots, converters

    def rows(self, shape, arguments, *, window=None, using="default"):
        """The statement's rows (tuples, converted as the queryset converts them).

        `window`: (offset, limit) of the rows, as parameters: one statement for every
        page of a shape (the queryset must be ordered and not sliced)."""
        compiled = self._compiled(using, shape)
        if compiled is None:
            rows = self.build(shape, arguments).using(using)
            if window is not None:
                offset, limit = window
                rows = rows[offset : None if limit is None else offset + limit]
            return list(rows)
        sql, params, slots, converters = compiled
        params = _filled(params, slots, self.parameters(arguments))
        connection = connections[using]
        if window is not None:
            offset, limit = window
            sql = f"{sql} LIMIT %s OFFSET %s"
            params += [connection.ops.no_limit_value() if limit is None else limit, offset]
        with _cursor(connection, prepared=self.prepared) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        return [_converted(row, converters, connection) for row in rows]

    def forget(self):
        """Drop the compiled statements."""
        self._compiled.cache_clear()
        self.uncompiled.clear()


class _PreparingCursor(psycopg.Cursor):
    """A psycopg cursor that binds the parameters on the server and prepares every
    statement it runs (psycopg prepares it on the connection the first time and runs it
    by name from then on). Every int goes as a bigint: psycopg otherwise sends the smallest
    type that holds each value, and a prepared statement is one per SQL and parameter
    types, so a page of ids below and above 32,767 would prepare one more."""

    def __init__(self, connection, **kwargs):
        super().__init__(connection, **kwargs)
        self.adapters.register_dumper(int, Int8Dumper)

    def execute(self, query, params=None, *, prepare=True, **kwargs):
        return super().execute(query, params, prepare=prepare, **kwargs)


# psycopg prepares nothing on a connection whose prepare_threshold is None, as Django
# opens them; a threshold lets a _PreparingCursor prepare. No other cursor counts to it:
# Django's bind on the client, and so never prepare.
_PREPARE_BY_COUNT_NEVER = 2**31


def _cursor(connection, *, prepared):
    """A cursor of this Django connection: with `prepared`, on PostgreSQL, one that
    prepares its statements (wrapped as Django wraps its own cursors, so that the query
    log, the execute wrappers and the error translation see it)."""
    if not prepared or connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    if connection.connection.prepare_threshold is None:
        connection.connection.prepare_threshold = _PREPARE_BY_COUNT_NEVER
    cursor = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return _PreparedDebugCursor(cursor, connection)
    return connection.make_cursor(cursor)


class _PreparedDebugCursor(CursorDebugWrapper):
    """Django's debug cursor (DEBUG, the tests' query log) for a _PreparingCursor: it logs
    the statement with its values, as it logs its own. Django reads those from the
    psycopg cursor, which for a prepared statement holds none."""

    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        if use_last_executed_query and not many:
            sql, use_last_executed_query = self.db.ops.compose_sql(sql, params), False
        return super().debug_sql(sql, params, use_last_executed_query, many)


def bucket(count):
    """The length of a list of `count` values as a shape says it: the next power of two,
    so that one to a dozen values make four shapes, not twelve (`padded`); no values
    stay none (an IN condition without values changes the SQL)."""
    return 1 << (count - 1).bit_length() if count else 0


def padded(values):
    """The values with the last repeated up to their bucket's length: an IN condition
    means the same with a value twice."""
    return [*values, *values[-1:] * (bucket(len(values)) - len(values))]


def _compiled(queryset, using):
    compiler = queryset.query.get_compiler(using)
    sql, params = compiler.as_sql()
    fields = [column for column, _, _ in compiler.select[: compiler.col_count]]
    return sql, params, compiler.get_converters(fields)


def _same(param, value):
    return type(param) is type(value) and param == value


def _filled(params, slots, values):
    filled = list(params)
    for positions, value in zip(slots, values, strict=True):
        for position in positions:
            filled[position] = value
    return filled


def _converted(row, converters, connection):
    row = list(row)
    for position, (functions, expression) in converters.items():
        for function in functions:
            row[position] = function(row[position], expression, connection)
    return tuple(row)
