"""core.statements: a statement compiled once per shape, its parameters filled in per call."""

import pytest
from django.db import connection
from django.db.models import BooleanField, Case, Value, When
from django.test.utils import CaptureQueriesContext

from core.statements import Statement, bucket, padded
from establishments.models import Establishment
from tests.factories import EstablishmentFactory

pytestmark = pytest.mark.django_db


# An expression with two boolean parameters: SQLite gives 0 or 1, which the queryset's
# converters make a bool.
_OFFICE = Case(
    When(is_registered_office=True, then=Value(True)),
    default=Value(False),
    output_field=BooleanField(),
)


def _in_municipalities(shape, municipalities):
    return (
        Establishment.objects.filter(municipality__in=municipalities, is_active=True)
        .annotate(office=_OFFICE)
        .order_by("street")
        .values_list("street", "municipality", "office")
    )


def _stand_in(shape, n):
    (count,) = shape
    return [f"stand-in {n}-{index}" for index in range(count)]


def _statement(build=_in_municipalities, **kwargs):
    kwargs = {"parameters": list, "stand_in": _stand_in, **kwargs}
    return Statement(build, **kwargs)


def test_the_rows_are_the_querysets_for_every_value_and_each_shape_is_built_once():
    EstablishmentFactory(street="Aastraat", municipality="Gent", is_registered_office=True)
    EstablishmentFactory(street="Beekstraat", municipality="Aalst")
    EstablishmentFactory(street="Dijk", municipality="Gent", is_active=False)
    EstablishmentFactory(street="Kaai", municipality="Brugge")
    built = []

    def build(shape, municipalities):
        built.append(shape)
        return _in_municipalities(shape, municipalities)

    statement = _statement(build)
    for municipalities in (["Gent"], ["Aalst"], ["Gent", "Brugge"], ["Brugge", "Aalst"]):
        rows = statement.rows((len(municipalities),), municipalities)
        assert rows == list(_in_municipalities(None, municipalities))
    assert statement.rows((1,), ["Gent"]) == [("Aastraat", "Gent", True)]
    # Converted as the queryset converts them.
    assert type(statement.rows((1,), ["Aalst"])[0][2]) is bool
    # Twice per shape (two stand-ins), and never again.
    assert built == [(1,), (1,), (2,), (2,)]


def test_forget_builds_the_statements_again():
    built = []

    def build(shape, municipalities):
        built.append(shape)
        return _in_municipalities(shape, municipalities)

    statement = _statement(build)
    statement.rows((1,), ["Gent"])
    statement.forget()
    statement.rows((1,), ["Gent"])
    assert built == [(1,)] * 4


def test_a_value_that_the_statement_does_not_use_goes_nowhere():
    EstablishmentFactory(street="Aastraat", municipality="Gent")
    statement = _statement(
        parameters=lambda municipalities: [*municipalities, "unused"],
        stand_in=lambda shape, n: [f"stand-in {n}"],
    )
    assert statement.rows((1,), ["Gent"]) == [("Aastraat", "Gent", False)]


def test_a_value_left_out_of_the_parameters_is_built_by_the_orm_and_logged(caplog):
    # The street goes into the statement, but only the municipalities are filled in:
    # compiled once, another street would get the stand-in's.
    EstablishmentFactory(street="Veldstraat", municipality="Gent")
    EstablishmentFactory(street="Kouter", municipality="Gent")

    def build(shape, arguments):
        municipalities, street = arguments
        return _in_municipalities(shape, municipalities).filter(street=street)

    statement = _statement(
        build,
        parameters=lambda arguments: list(arguments[0]),
        stand_in=lambda shape, n: (_stand_in(shape, n), f"street {n}"),
    )
    assert statement.rows((1,), (["Gent"], "Kouter")) == [("Kouter", "Gent", False)]
    assert statement.rows((1,), (["Gent"], "Veldstraat"), window=(0, 1)) == [
        ("Veldstraat", "Gent", False)
    ]
    assert statement.uncompiled == {(1,)}
    [record] = [item for item in caplog.records if item.name == "core.statements"]
    assert record.levelname == "ERROR"
    assert "depends on more than its parameters" in record.exc_text


def test_a_shape_that_leaves_out_what_changes_the_sql_is_built_by_the_orm():
    # How many municipalities decides the SQL; a shape without it cannot be compiled once.
    EstablishmentFactory(street="Kaai", municipality="Brugge")
    statement = _statement(
        parameters=list,
        stand_in=lambda shape, n: [f"stand-in {index}" for index in range(n + 1)],
    )
    assert statement.rows((), ["Brugge"]) == [("Kaai", "Brugge", False)]
    assert statement.uncompiled == {()}


def test_the_window_is_a_parameter():
    for street in ("Aastraat", "Beekstraat", "Dijk", "Kaai"):
        EstablishmentFactory(street=street, municipality="Gent")
    statement = _statement()
    assert statement.rows((1,), ["Gent"], window=(1, 2)) == [
        ("Beekstraat", "Gent", False),
        ("Dijk", "Gent", False),
    ]
    assert [row[0] for row in statement.rows((1,), ["Gent"], window=(3, None))] == ["Kaai"]
    assert statement._compiled.cache_info().currsize == 1


def test_a_value_is_told_from_a_constant_of_another_type():
    # True is a parameter of the statement (_OFFICE); the id 1 is an int, not that boolean.
    def build(shape, pks):
        rows = Establishment.objects.filter(pk__in=pks).annotate(office=_OFFICE)
        return rows.values_list("street", "office")

    establishment = EstablishmentFactory(street="Veldstraat")
    statement = _statement(build, stand_in=lambda shape, n: [1 + n])
    assert statement.rows((), [establishment.pk]) == [("Veldstraat", False)]
    assert not statement.uncompiled


def test_list_lengths_go_in_buckets_of_powers_of_two_and_none_stays_none():
    assert [bucket(count) for count in range(10)] == [0, 1, 2, 4, 4, 8, 8, 8, 8, 16]
    assert padded([3, 1, 2]) == [3, 1, 2, 2]
    assert padded([5]) == [5]
    assert padded([]) == []


def _prepared_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, parameter_types::text[] FROM pg_prepared_statements")
        return dict(cursor.fetchall())


def _streets(shape, pks):
    return Establishment.objects.filter(pk__in=pks).order_by("street").values_list("street")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # closes the connection
def test_a_prepared_statement_is_prepared_once_per_connection_with_every_id_a_bigint():
    small = EstablishmentFactory(street="Aastraat")
    large = EstablishmentFactory(street="Beekstraat", pk=small.pk + 70_000)
    statement = _statement(_streets, stand_in=lambda shape, n: [-1 - n, -3 - n], prepared=True)
    before = _prepared_names()
    with CaptureQueriesContext(connection) as queries:
        # Ids below and above 32,767: psycopg would send a smallint and an integer.
        for pks in ([small.pk, large.pk], [large.pk, large.pk], [small.pk, small.pk]):
            assert statement.rows((2,), pks) == list(_streets(None, pks))
    prepared = {name: types for name, types in _prepared_names().items() if name not in before}
    assert list(prepared.values()) == [["bigint", "bigint"]]
    # Django's query log and execute wrappers see it: the tests that count queries count it.
    assert sum('"establishments_establishment"."street"' in q["sql"] for q in queries) == 6

    # On a new connection (a restarted database, an expired one) it is prepared again.
    connection.close()
    assert statement.rows((2,), [small.pk, large.pk]) == [("Aastraat",), ("Beekstraat",)]
    assert len(_prepared_names()) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares")
def test_a_statement_that_is_not_prepared_is_bound_on_the_client():
    establishment = EstablishmentFactory(street="Aastraat")
    statement = _statement(_streets, stand_in=lambda shape, n: [-1 - n])
    before = _prepared_names()
    assert statement.rows((1,), [establishment.pk]) == [("Aastraat",)]
    assert _prepared_names() == before
