"""Registration numbers: the one format and the one parser for the whole portal.

A registration number is "DV." followed by the service type's letter (O for
opleiding, A for advies) and six digits: DV.O000123, DV.A000045. The agency hands
them out per service type from a counter (registrations.services), and a provider
keeps its number when it registers again.

People copy them from certificates, letters and e-mails and type them as they
read them: "DV.O000123", "dv o 123", "DVA123", "DV-A-45". `parse_registration_number`
turns every such spelling into the stored form, so that the public search and the
SME's choice of a provider find the same numbers.
"""

import re

from registrations.models import ServiceType

PREFIX = "DV"
DIGITS = 6

# "DV", an optional separator, the service type, an optional separator and one to
# six digits (leading zeros may be left out), with any spaces around the parts.
_SPELLING = re.compile(
    rf"{PREFIX}\s*[.\-]?\s*([{''.join(ServiceType.values)}])\s*[.\-]?\s*(\d{{1,{DIGITS}}})",
    re.IGNORECASE,
)


def format_registration_number(service_type, number):
    """The stored form of number `number` of a service type: ("O", 123) -> "DV.O000123".

    `service_type` is a ServiceType (or its value); an unknown one raises ValueError.
    """
    return f"{PREFIX}.{ServiceType(service_type).value}{number:0{DIGITS}d}"


def parse_registration_number(text):
    """The registration number someone typed, in its stored form, or None.

    "DV.O000123", "dv.o000123", "DV O 123", "DVA123", "DV-A-000045" -> "DV.O000123",
    "DV.A000045". Not a number: another prefix or service type, no digits, more than
    six digits, anything around it ("nummer DV.O000123").
    """
    match = _SPELLING.fullmatch((text or "").strip())
    if not match:
        return None
    return format_registration_number(match.group(1).upper(), int(match.group(2)))
