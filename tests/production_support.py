"""Running manage.py as production would: the values of `.env.example`.

Settings are read once at import, so each case runs manage.py in a fresh process with
the environment built from `.env.example`. Its DJANGO_SECRET_KEY is a placeholder
(the deploy check refuses it, portal.E002): every run gets a freshly generated key
instead, unless a case passes one.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


def read_env_example():
    """KEY=value lines of .env.example; optional surrounding quotes removed."""
    values = {}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def generated_secret_key():
    """A key as .env.example tells an operator to make one."""
    return secrets.token_urlsafe(50)


def production_environment(tmp_path, **overrides):
    """The environment of .env.example with a real key and a SQLite database in
    `tmp_path`, then `overrides` (None: unset)."""
    # Only what a process needs to run, so no development value leaks in.
    environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    environment.update(read_env_example())
    environment["DJANGO_SECRET_KEY"] = generated_secret_key()
    environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'deploy.sqlite3'}"
    for key, value in overrides.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return environment


def manage(tmp_path, *args, **overrides):
    """Run manage.py with production_environment(tmp_path, **overrides)."""
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=production_environment(tmp_path, **overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
