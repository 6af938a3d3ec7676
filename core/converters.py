"""URL path converters for the portal's identifiers.

A path segment reaches a query as it is: `<str:kbo>` would hand a NUL byte or a
100-character word to the database (PostgreSQL refuses the first with an error).
A converter lets only the stored form through, and anything else is a 404.
"""


class KBONumberConverter:
    """`<kbo:kbo>`: a KBO number as the portal stores it, ten digits."""

    regex = "[0-9]{10}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
