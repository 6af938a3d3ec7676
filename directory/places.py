"""Places and distances of the public search: where a visitor searches from, and how far
a provider's establishments are from there.

- The Belgian postcodes (reference data) are kept in memory and looked up by postcode,
  place name or municipality, without regard to accents or case: `place_resolve`
  gives the Place a visitor means, `place_suggestions` the names close to an unknown one.
- The distance to a place is measured from the place's postcode coordinates to the
  nearest active establishment of the provider's organisation. Establishments stand on
  a few thousand points (directory.models.SearchPlace): `nearby_places` finds those
  within the radius with a spatial index (PostgreSQL: contrib's earthdistance on a GiST
  index, `WithinEarthBox`; elsewhere the box on the indexed coordinates, `search_box`),
  then keeps those whose great-circle distance is within the radius, computed in SQL
  with functions that both databases have (Django registers them on SQLite):
  `HaversineTerm`. Both databases therefore keep exactly the same points.
"""

import difflib
import math
import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, Value
from django.db.models.functions import Cast

from directory.models import SearchPlace
from directory.text import words
from organisations.models import Postcode

RADII_KM = (0, 5, 10, 25, 50)  # 0: only the municipality itself
DEFAULT_RADIUS_KM = 10
EARTH_RADIUS_KM = 6371.0088
# The sphere of PostgreSQL's earthdistance (its earth() function), in metres: a box on it
# around a point holds every point within a distance measured on our sphere once the
# distance is scaled by the ratio of the radii (WithinEarthBox).
EARTHDISTANCE_RADIUS_M = 6378168.0


@dataclass(frozen=True)
class Place:
    """Where to search from: a place's coordinates and its municipality's postcodes."""

    label: str
    municipality: str
    latitude: float
    longitude: float
    postcodes: frozenset
    # The bounding box of the municipality's postcode coordinates (exact-municipality search).
    municipality_box: tuple


def _name_key(text):
    return " ".join(words(text))


class PostcodeIndex:
    """The Belgian postcodes (reference data, 2,786 rows) with lookups by postcode,
    place name and municipality, accent- and case-insensitive."""

    def __init__(self, rows):
        self.rows = rows
        self.by_postcode = {}
        self.by_name = {}
        self.by_main = {}
        for row in rows:
            self.by_postcode.setdefault(row.postcode, []).append(row)
            for name in (row.municipality_nl, row.municipality_fr):
                if name:
                    self.by_name.setdefault(_name_key(name), []).append(row)
            self.by_main.setdefault(_name_key(row.main_municipality), []).append(row)

    def main_municipality(self, postcode, municipality):
        rows = self.by_postcode.get(postcode, [])
        key = _name_key(municipality)
        for row in rows:
            if key in (_name_key(row.municipality_nl), _name_key(row.municipality_fr)):
                return row.main_municipality
        return rows[0].main_municipality if rows else ""

    def _place(self, label, rows, centre_rows):
        main = rows[0].main_municipality
        municipality_rows = self.by_main.get(_name_key(main), rows)
        latitudes = [float(row.latitude) for row in municipality_rows]
        longitudes = [float(row.longitude) for row in municipality_rows]
        return Place(
            label=label,
            municipality=main,
            latitude=sum(float(row.latitude) for row in centre_rows) / len(centre_rows),
            longitude=sum(float(row.longitude) for row in centre_rows) / len(centre_rows),
            postcodes=frozenset(row.postcode for row in municipality_rows),
            municipality_box=(min(latitudes), max(latitudes), min(longitudes), max(longitudes)),
        )

    def resolve(self, text):
        """The Place for "9000", "9000 Gent", "Gent", "gentbrugge" or "Bruxelles", or None."""
        text = (text or "").strip()
        match = re.fullmatch(r"(\d{4})\s*(.*)", text)
        if match:
            rows = self.by_postcode.get(match.group(1), [])
            name = _name_key(match.group(2))
            if name:
                rows = [
                    row
                    for row in rows
                    if name
                    in (
                        _name_key(row.municipality_nl),
                        _name_key(row.municipality_fr),
                        _name_key(row.main_municipality),
                    )
                ] or [
                    row
                    for row in rows
                    if name in (_name_key(row.municipality_nl), _name_key(row.municipality_fr))
                ]
            if not rows:
                return None
            names = {row.municipality_nl for row in rows}
            shown = rows[0].municipality_nl if len(names) == 1 else rows[0].main_municipality
            return self._place(f"{rows[0].postcode} {shown}", rows, rows)
        key = _name_key(text)
        if not key:
            return None
        named = self.by_name.get(key)
        if named:
            return self._place(named[0].municipality_nl, named[:1], named[:1])
        main = self.by_main.get(key)
        if main:
            centre = [row for row in main if _name_key(row.municipality_nl) == key] or main
            return self._place(main[0].main_municipality, main, centre)
        return None

    def suggestions(self, text, limit=3):
        """Municipalities whose name looks like `text`, for an unknown place."""
        names = {}
        for row in self.rows:
            for name in (row.municipality_nl, row.main_municipality):
                names.setdefault(_name_key(name), name)
        close = difflib.get_close_matches(_name_key(text), list(names), n=limit, cutoff=0.75)
        return [names[key] for key in close]


_postcode_index = None


def postcode_index():
    """The postcode index, built once per process.

    Postcodes are reference data that only a migration changes, so every
    request reads them from memory instead of spending one of its few queries.
    An empty table (a database being set up) is not cached.
    """
    global _postcode_index
    if _postcode_index is None:
        rows = list(
            Postcode.objects.order_by("postcode", "municipality_nl").only(
                "postcode",
                "municipality_nl",
                "municipality_fr",
                "main_municipality",
                "latitude",
                "longitude",
            )
        )
        index = PostcodeIndex(rows)
        if not rows:
            return index
        _postcode_index = index
    return _postcode_index


def place_resolve(text):
    """The Place a visitor means by `text` (postcode or municipality), or None."""
    return postcode_index().resolve(text)


def place_suggestions(text):
    """Up to three municipalities whose name looks like `text`: "Bedoelt u ...?"."""
    return postcode_index().suggestions(text)


# --- Distance --------------------------------------------------------------------


def _box(latitude, longitude, radius_km):
    """(south, north, west, east) around a point: a cheap prefilter on the index."""
    dlat = radius_km / 111.32
    widest = math.cos(math.radians(min(abs(latitude) + dlat, 89.0)))
    dlon = radius_km / (111.32 * widest)
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def _rounded(value, rounding):
    return float(Decimal(value).quantize(Decimal("0.0001"), rounding=rounding))


def search_box(place, radius_km):
    """((south, north), (west, east)) that hold every point within `radius_km` of the
    place (radius 0: the municipality's own postcodes), rounded outwards to the four
    decimals the establishments' coordinates are stored with: the ranges an index
    on those columns can read. As the points' floats (SearchPlace): a correctly rounded
    double keeps the order of the decimals, so the box holds the same points."""
    if radius_km == 0:
        south, north, west, east = place.municipality_box
    else:
        south, north, west, east = _box(place.latitude, place.longitude, radius_km)
    return (
        (_rounded(south, ROUND_FLOOR), _rounded(north, ROUND_CEILING)),
        (_rounded(west, ROUND_FLOOR), _rounded(east, ROUND_CEILING)),
    )


class HaversineTerm(Func):
    """The haversine formula's inner term from a point (latitude, longitude) to a row's
    `prefix`latitude/longitude: distance = 2R·asin(√term).

    The distance grows with the term, so the nearest establishment is the one with
    the smallest term: the square root and arc sine are taken once per provider
    (in Python), not once per establishment.

    One expression with its SQL written out, rather than a tree of Power, Sin, Cos and
    Radians: the tree took about a millisecond to resolve and compile, and a place
    search compiles it up to four times. The SQL is what that tree gave, operation for
    operation, so the distances are the same to the last bit on both databases.
    """

    output_field = FloatField()

    def __init__(self, prefix, latitude, longitude):
        super().__init__(
            Cast(F(f"{prefix}latitude"), FloatField()),
            Cast(F(f"{prefix}longitude"), FloatField()),
        )
        self.lat0, self.cos_lat0, self.lon0 = self.parameters(latitude, longitude)

    @staticmethod
    def parameters(latitude, longitude):
        """What the SQL takes of the point: its latitude in radians, that latitude's
        cosine and its longitude in radians (core.statements fills these in)."""
        lat0 = math.radians(latitude)
        return lat0, math.cos(lat0), math.radians(longitude)

    def as_sql(self, compiler, connection, **extra_context):
        # The row's coordinates are columns: SQL without parameters.
        lat, lat_params = compiler.compile(self.get_source_expressions()[0])
        lon, lon_params = compiler.compile(self.get_source_expressions()[1])
        sql = (
            f"(POWER(SIN(((RADIANS({lat}) - %s) / %s)), %s) + "
            f"((%s * COS(RADIANS({lat}))) * POWER(SIN(((RADIANS({lon}) - %s) / %s)), %s)))"
        )
        params = (
            *lat_params,
            self.lat0,
            2.0,
            2,
            self.cos_lat0,
            *lat_params,
            *lon_params,
            self.lon0,
            2.0,
            2,
        )
        return sql, params


def haversine_term_within(radius_km):
    """The largest haversine term of a point within `radius_km`."""
    return math.sin(radius_km / (2 * EARTH_RADIUS_KM)) ** 2


def km_from_haversine_term(term):
    """The distance in km that a haversine term stands for."""
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(term, 0.0), 1.0)))


class WithinEarthBox(Func):
    """PostgreSQL: the row's point lies in earthdistance's box around a point, a cube that
    holds every point within `radius_km` (measured on our sphere) and a little more.
    The GiST index on directory_point_on_earth(latitude, longitude), ll_to_earth's
    wrapper, answers it (directory migration 0004); the exact distance is
    `HaversineTerm`'s to check."""

    output_field = BooleanField()

    def __init__(self, latitude, longitude, radius_km):
        # The same angle on earthdistance's sphere, and a thousandth more for rounding.
        metres = radius_km * EARTHDISTANCE_RADIUS_M / EARTH_RADIUS_KM * 1.001
        super().__init__(
            Value(float(latitude)),
            Value(float(longitude)),
            Value(metres),
            Cast(F("latitude"), FloatField()),
            Cast(F("longitude"), FloatField()),
        )

    def as_sql(self, compiler, connection, **extra_context):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, expression_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(expression_params)
        latitude, longitude, metres, row_latitude, row_longitude = parts
        return (
            f"earth_box(ll_to_earth({latitude}, {longitude}), {metres}) "
            f"@> directory_point_on_earth({row_latitude}, {row_longitude})",
            params,
        )


def nearby_places(place, radius_km, *, spatial_index=True, exact=True):
    """The SearchPlace points within `radius_km` of the place (0: the municipality's box;
    its postcodes are the caller's to keep), each with the `nearness` of the place (a
    haversine term: smaller is nearer).

    `spatial_index=False` leaves out the GiST index's condition, whose selectivity
    PostgreSQL cannot estimate (it guesses one point where there are hundreds): in a
    statement whose plan the planner chooses, the box on the coordinates alone
    estimates well and the few thousand points cost little either way. `exact=False`
    keeps the whole box, for a caller that checks the distance itself (query.near)."""
    (south, north), (west, east) = search_box(place, radius_km)
    points = SearchPlace.objects.filter(
        latitude__range=(south, north), longitude__range=(west, east)
    )
    if spatial_index and radius_km and connection.vendor == "postgresql":
        points = points.filter(WithinEarthBox(place.latitude, place.longitude, radius_km))
    points = points.annotate(nearness=HaversineTerm("", place.latitude, place.longitude))
    if radius_km and exact:
        points = points.filter(nearness__lte=haversine_term_within(radius_km))
    return points
