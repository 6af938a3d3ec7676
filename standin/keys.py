"""The stand-in's RSA signing key, generated once and kept in a git-ignored file.

Imported from settings, so it must not touch Django models, and importing the
settings must not write anything: settings hold `private_key_pem(path)`, a lazy
text that reads (and the first time creates) the file when the stand-in first
signs a token or publishes its keys. A key made per process would break as soon
as two workers sign tokens ("Could not find a valid JWKS"), hence one file
shared by every process.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.utils.functional import lazy

KEY_SIZE = 2048


def _new_private_key_pem():
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )


def load_or_create_private_key(path):
    """Return the PEM text of the key at `path`, creating the file first if missing.

    Several processes may start at once: each writes a complete key to its own
    temporary file and hard-links it into place. `os.link` fails when the name
    exists, so exactly one key wins and nobody ever reads a half-written file.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".standin-key-")
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(_new_private_key_pem())
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text()


def private_key_pem(path):
    """The PEM text of the key at `path` as a lazy string: nothing is read or written
    until the text is used, and then the file is created if it is missing."""
    return lazy(load_or_create_private_key, str)(path)
