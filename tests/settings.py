"""The settings of the test suite: the portal's own, with the development stand-in and
the benchmark installed (both are off unless enabled) and a fast password hasher.

Production strength is pointless for the test users' passwords and costs about half
of the suite's time (PBKDF2 on every `create_user` and admin login).
"""

import os

os.environ.setdefault("STANDIN_ENABLED", "true")
os.environ.setdefault("BENCHMARKS_ENABLED", "true")

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
