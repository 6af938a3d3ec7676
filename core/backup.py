"""Backup and restore of everything the portal keeps: its database and its private files.

A backup is one directory, `kmo-backup-<UTC timestamp>/`, holding

- `database.pgdump` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3`
  (SQLite: a copy through SQLite's online backup);
- `files/`, a copy of every private file (the bucket's objects, or MEDIA_ROOT's
  files) under its stored name;
- `manifest.json`: when, which database, and each file's name, size and SHA-256.

The database is dumped first, the files copied after: every file that a row in the
dump names was stored before that row was committed, so it is in the copy (a file
uploaded during the backup may be in it without its row, which is harmless).

A restore checks the backup against its manifest, then refuses a database that has
tables or a storage that has files, unless `force` is given: then the database's
objects are dropped and replaced (pg_restore --clean), and every file removed first.
PostgreSQL restores in one transaction. Nothing here logs or writes personal data:
the manifest holds file names of our own making (random), sizes and hashes.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.db import connection

from core.storage import private_storage

MANIFEST = "manifest.json"
FILES = "files"
POSTGRESQL_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"
FORMAT_VERSION = 1
CHUNK_BYTES = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why (no personal data)."""


@dataclass(frozen=True)
class Summary:
    path: Path
    vendor: str
    files: int
    bytes: int


def _database():
    settings_dict = connection.settings_dict
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {vendor}.")
    return vendor, settings_dict


def _postgresql_arguments(settings_dict):
    """Connection arguments and environment for pg_dump and pg_restore."""
    arguments = ["--dbname", settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        arguments += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", settings_dict["USER"]]
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    return arguments, environment


def _run(program, arguments, environment):
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed (Debian: postgresql-client).")
    result = subprocess.run(  # noqa: S603 - a PostgreSQL tool, our own arguments
        [executable, *arguments],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(stream, path):
    """Write the stream (closed afterwards) to `path` in chunks: (size, SHA-256)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("wb") as handle:
            for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
                digest.update(chunk)
                size += len(chunk)
                handle.write(chunk)
    finally:
        stream.close()
    return size, digest.hexdigest()


def _safe_path(root, name):
    """root/name, refusing a name that would leave root (a tampered manifest)."""
    path = (root / name).resolve()
    if not path.is_relative_to(root.resolve()) or path == root.resolve():
        raise BackupError(f"The backup names a file outside its directory: {name!r}.")
    return path


def backup_create(*, output_dir, now=None):
    """Write a backup of the database and the private files into a new directory under
    `output_dir`; returns its Summary."""
    vendor, settings_dict = _database()
    now = now or datetime.datetime.now(datetime.UTC)
    target = Path(output_dir) / f"kmo-backup-{now:%Y%m%dT%H%M%SZ}"
    try:
        target.mkdir(parents=True, exist_ok=False)
    except FileExistsError:
        raise BackupError(f"{target} exists already.") from None
    os.chmod(target, 0o700)

    if vendor == "postgresql":
        database_file = POSTGRESQL_DUMP
        arguments, environment = _postgresql_arguments(settings_dict)
        _run(
            "pg_dump",
            ["--format=custom", "--file", str(target / database_file), *arguments],
            environment,
        )
    else:
        database_file = SQLITE_COPY
        source = sqlite3.connect(settings_dict["NAME"])
        destination = sqlite3.connect(target / database_file)
        try:
            with destination:
                source.backup(destination)
        finally:
            destination.close()
            source.close()

    files_root = target / FILES
    files_root.mkdir()
    files = []
    for name in private_storage.iter_names():
        path = _safe_path(files_root, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        size, sha256 = _copy(private_storage.open_stream(name), path)
        files.append({"name": name, "size": size, "sha256": sha256})

    manifest = {
        "format": FORMAT_VERSION,
        "created": now.isoformat(),
        "database": {"vendor": vendor, "file": database_file},
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return Summary(
        path=target, vendor=vendor, files=len(files), bytes=sum(f["size"] for f in files)
    )


def _read_manifest(source):
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} has no readable {MANIFEST}: {error}") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _verify(source, manifest):
    """Every file of the manifest is in the backup with its size and hash."""
    database_file = source / manifest["database"]["file"]
    if not database_file.is_file():
        raise BackupError(f"The backup lacks its database file {database_file.name}.")
    for entry in manifest["files"]:
        path = _safe_path(source / FILES, entry["name"])
        if not path.is_file() or path.stat().st_size != entry["size"]:
            raise BackupError(f"The backup's file {entry['name']} is missing or truncated.")
        if _sha256(path) != entry["sha256"]:
            raise BackupError(f"The backup's file {entry['name']} does not match its hash.")


def database_is_empty():
    return not connection.introspection.table_names()


def storage_is_empty():
    return next(iter(private_storage.iter_names()), None) is None


def backup_restore(*, source, force=False):
    """Restore the backup directory `source` into this portal's database and storage.

    Refuses (BackupError) a database with tables or a storage with files unless
    `force`; checks the whole backup before changing anything.
    """
    source = Path(source)
    manifest = _read_manifest(source)
    vendor, settings_dict = _database()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']['vendor']} database; this portal "
            f"uses {vendor}."
        )
    _verify(source, manifest)
    if not force:
        if not database_is_empty():
            raise BackupError(
                "The database is not empty: restore into an empty database, or pass "
                "--force to replace its contents."
            )
        if not storage_is_empty():
            raise BackupError(
                "The storage of the private files is not empty: restore into an empty "
                "bucket (or MEDIA_ROOT), or pass --force to replace its files."
            )

    database_file = source / manifest["database"]["file"]
    if vendor == "postgresql":
        arguments, environment = _postgresql_arguments(settings_dict)
        connection.close()
        _run(
            "pg_restore",
            [
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *(["--clean", "--if-exists"] if force else []),
                *arguments,
                str(database_file),
            ],
            environment,
        )
    else:
        connection.close()
        backup = sqlite3.connect(database_file)
        destination = sqlite3.connect(settings_dict["NAME"])
        try:
            with destination:
                backup.backup(destination)
        finally:
            destination.close()
            backup.close()

    if force:
        for name in list(private_storage.iter_names()):
            private_storage.delete(name)
    for entry in manifest["files"]:
        with _safe_path(source / FILES, entry["name"]).open("rb") as handle:
            stored = private_storage.save(entry["name"], File(handle))
        if stored != entry["name"]:
            raise BackupError(f"The file {entry['name']} was stored as {stored}.")
    return Summary(
        path=source,
        vendor=vendor,
        files=len(manifest["files"]),
        bytes=sum(entry["size"] for entry in manifest["files"]),
    )
