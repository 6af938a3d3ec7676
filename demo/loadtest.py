"""The identities of the load test (ops/load/): organisations and the people who sign in.

Both sides seed from this one list, each with its own command: the portal
(`manage.py load_test_seed`, benchmarks/) creates the organisations, their service
providers and registrations; the ACM/IDM stand-in (`manage.py standin_load_test_seed`)
creates the same organisations in its IDM and one person per organisation with a
right in force. The locust users (ops/load/locustfile.py) compute the same list and
each takes an identity of its own, so that concurrent users do not fight over the
same rows more than real people would.

Everything is derived from the index: deterministic, and the same on every machine.
The KBO and rijksregisternummers pass their mod-97 checks but are made up, in ranges
that the demo data does not use (its KBO bases start at 4,000,000).
"""

import datetime
from dataclasses import dataclass

PROVIDER_COUNT = 80
SME_COUNT = 400
PROVIDER_KBO_BASE = 2_100_000
SME_KBO_BASE = 2_200_000
PROVIDER_NAME_PREFIX = "Belastingtest Opleidingen"
SME_NAME_PREFIX = "Belastingtest Kmo"
# Provider people are born from 1 January 1970, SME people from 1 January 1975.
_PROVIDER_BIRTH = datetime.date(1970, 1, 1)
_SME_BIRTH = datetime.date(1975, 1, 1)
# The persons' first names: a rotation, so that the stand-in's lists read like people.
_FIRST_NAMES = ["Lotte", "Wout", "Ine", "Bram", "Sara", "Jens", "Eline", "Arne"]


def kbo_from_base(base):
    """A KBO number from its first eight digits (the check digits: 97 - base mod 97)."""
    return f"{base:08d}{97 - base % 97:02d}"


def national_number(birth_date, sequence):
    """A valid rijksregisternummer for a birth before 2000: YYMMDD, a sequence number
    and 97 minus the remainder mod 97."""
    base = f"{birth_date:%y%m%d}{sequence:03d}"
    return f"{base}{97 - int(base) % 97:02d}"


@dataclass(frozen=True)
class LoadIdentity:
    kind: str  # "provider" or "sme"
    index: int
    kbo_number: str
    organisation_name: str
    national_number: str
    first_name: str
    last_name: str

    @property
    def email(self):
        return f"{self.kind}{self.index:04d}@belastingtest.example"


def _identity(kind, index):
    if kind == "provider":
        base, prefix, birth = PROVIDER_KBO_BASE, PROVIDER_NAME_PREFIX, _PROVIDER_BIRTH
    else:
        base, prefix, birth = SME_KBO_BASE, SME_NAME_PREFIX, _SME_BIRTH
    return LoadIdentity(
        kind=kind,
        index=index,
        kbo_number=kbo_from_base(base + index),
        organisation_name=f"{prefix} {index:04d}",
        national_number=national_number(birth + datetime.timedelta(days=index), 1),
        first_name=_FIRST_NAMES[index % len(_FIRST_NAMES)],
        last_name=f"Belastingtest {kind.upper()} {index:04d}",
    )


def providers(count=PROVIDER_COUNT):
    return [_identity("provider", index) for index in range(count)]


def smes(count=SME_COUNT):
    return [_identity("sme", index) for index in range(count)]
