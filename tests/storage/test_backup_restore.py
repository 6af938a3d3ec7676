"""Issue 14: `manage.py backup` and `manage.py restore` (`make backup`, `make restore`).

A portal on its own PostgreSQL database and bucket of a real SeaweedFS, with
organisations, registrations (each with its own audit report) and dossiers, is backed
up; the backup is restored into an EMPTY database and an EMPTY bucket, which then hold
the same rows and byte-equal files. The restore refuses to overwrite a database that
is not empty unless forced. Every step runs manage.py in its own process, as an
operator would. PostgreSQL is needed whatever database the suite runs on: the test
skips only when 127.0.0.1:5432 does not answer.
"""

import json
import os
import shutil
import subprocess
import sys
import uuid

import psycopg
import pytest
from psycopg import sql

from tests.seaweedfs_support import BASE_DIR

SERVER = "postgres://postgres@127.0.0.1:5432"
TABLES = ("organisations_organisation", "registrations_registration", "projects_project")

POPULATE = """
from tests.factories import (
    OrganisationFactory, ProjectFactory, RegistrationFactory, ServiceProviderFactory, pdf_bytes,
)
for index in range(3):
    organisation = OrganisationFactory(name=f"Organisatie {index}")
    provider = ServiceProviderFactory(organisation=organisation)
    report = pdf_bytes() + f"% rapport {index}".encode()
    RegistrationFactory(service_provider=provider, audit_report__data=report)
    ProjectFactory(service_provider=provider)
"""


def _server_answers():
    try:
        with psycopg.connect(f"{SERVER}/postgres", connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


pytestmark = pytest.mark.skipif(
    not _server_answers(), reason="PostgreSQL on 127.0.0.1:5432 is unreachable"
)


@pytest.fixture(scope="module")
def database_names():
    """Names of databases to create; every one is dropped afterwards."""
    names = []

    def create(prefix):
        name = f"kmo_{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        names.append(name)
        return name

    yield create
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


class Portal:
    """manage.py in its own process, on one database and one bucket."""

    def __init__(self, database, seaweedfs, bucket):
        self.database = database
        self.seaweedfs = seaweedfs
        self.bucket = bucket

    def manage(self, *args, check=True):
        environment = {
            key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ
        }
        environment.update(
            DATABASE_URL=f"{SERVER}/{self.database}", **self.seaweedfs.environment(self.bucket)
        )
        result = subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def rows(self, table):
        with psycopg.connect(f"{SERVER}/{self.database}") as connection:
            return connection.execute(
                sql.SQL("SELECT * FROM {} ORDER BY id").format(sql.Identifier(table))
            ).fetchall()

    def table_count(self):
        with psycopg.connect(f"{SERVER}/{self.database}") as connection:
            query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            return connection.execute(query).fetchone()[0]

    def audit_reports(self):
        with psycopg.connect(f"{SERVER}/{self.database}") as connection:
            return [
                name
                for (name,) in connection.execute(
                    "SELECT audit_report FROM registrations_registration ORDER BY id"
                )
            ]

    def files(self):
        """Every object of the bucket: name -> bytes."""
        return {
            name: self.seaweedfs.read(self.bucket, name)
            for name in self.seaweedfs.object_names(self.bucket)
        }


@pytest.fixture(scope="module")
def source(database_names, seaweedfs):
    """A portal with data: migrated, its bucket made (the release steps), populated."""
    portal = Portal(database_names("source"), seaweedfs, seaweedfs.new_bucket("source"))
    portal.manage("migrate", "--noinput", "-v0")
    portal.manage("ensure_bucket")
    portal.manage("shell", "-c", POPULATE)
    return portal


@pytest.fixture(scope="module")
def backup(source, tmp_path_factory):
    """One backup of the source for the module; tests do not change either."""
    output = tmp_path_factory.mktemp("backups")
    result = source.manage("backup", "--output", str(output))
    [directory] = output.glob("kmo-backup-*")
    assert str(directory) in result.stdout
    return directory


@pytest.fixture
def target(database_names, seaweedfs):
    """An empty database and an empty bucket."""
    portal = Portal(database_names("target"), seaweedfs, seaweedfs.new_bucket("target"))
    seaweedfs.client().create_bucket(Bucket=portal.bucket)
    return portal


def test_a_restore_into_an_empty_database_and_bucket_finds_everything_again(
    source, backup, target
):
    assert target.table_count() == 0
    assert target.files() == {}

    target.manage("restore", str(backup))

    for table in TABLES:
        assert source.rows(table), f"the source has no rows in {table}"
        assert target.rows(table) == source.rows(table)
    assert len(target.rows("organisations_organisation")) >= 3
    assert target.files() == source.files()
    reports = [name for name in target.audit_reports() if name in target.files()]
    assert len(reports) == 3
    assert len({target.files()[name] for name in reports}) == 3


def test_the_backup_holds_the_dump_every_file_and_a_manifest(source, backup):
    manifest = json.loads((backup / "manifest.json").read_text())

    assert manifest["database"] == {"vendor": "postgresql", "file": "database.pgdump"}
    assert (backup / "database.pgdump").read_bytes().startswith(b"PGDMP")
    assert sorted(entry["name"] for entry in manifest["files"]) == sorted(source.files())
    for entry in manifest["files"]:
        assert (backup / "files" / entry["name"]).read_bytes() == source.files()[entry["name"]]


def test_a_second_restore_is_refused_unless_forced_and_forced_gives_the_same_data(
    source, backup, target
):
    target.manage("restore", str(backup))

    result = target.manage("restore", str(backup), check=False)

    assert result.returncode != 0
    assert "The database is not empty" in result.stderr

    target.manage("restore", str(backup), "--force")
    assert target.rows("registrations_registration") == source.rows("registrations_registration")
    assert target.files() == source.files()


def test_a_restore_refuses_a_bucket_that_is_not_empty_and_changes_nothing(source, backup, target):
    target.seaweedfs.client().put_object(Bucket=target.bucket, Key="other.pdf", Body=b"%PDF-")

    result = target.manage("restore", str(backup), check=False)

    assert result.returncode != 0
    assert "The storage of the private files is not empty" in result.stderr
    assert target.table_count() == 0
    assert list(target.files()) == ["other.pdf"]


def test_a_restore_refuses_a_backup_whose_file_was_altered(backup, target, tmp_path):
    altered = shutil.copytree(backup, tmp_path / backup.name)
    report = sorted((altered / "files").rglob("*.pdf"))[0]
    report.write_bytes(report.read_bytes() + b"tampered")

    result = target.manage("restore", str(altered), check=False)

    assert result.returncode != 0
    assert "truncated" in result.stderr or "does not match its hash" in result.stderr
    assert target.files() == {}
