"""The object storage's configuration: all S3 settings or none (the system check
core.E010), and the release step `ensure_bucket`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.checks import check_object_storage_settings
from core.storage import FILE_SYSTEM_BACKEND, S3_BACKEND, private_storage_config
from tests.production_support import manage

COMPLETE = {
    "S3_ENDPOINT_URL": "http://127.0.0.1:8333",
    "S3_BUCKET": "kmo-portal",
    "S3_ACCESS_KEY_ID": "portal",
    "S3_SECRET_ACCESS_KEY": "a-long-secret",
}


def configure(settings, **values):
    for name in COMPLETE:
        setattr(settings, name, values.get(name, ""))


@pytest.mark.parametrize(
    "missing",
    [
        ["S3_BUCKET"],
        ["S3_ACCESS_KEY_ID"],
        ["S3_SECRET_ACCESS_KEY"],
        ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"],
    ],
)
def test_the_check_refuses_half_filled_s3_settings_naming_what_is_missing(settings, missing):
    configure(settings, **{k: v for k, v in COMPLETE.items() if k not in missing})

    [error] = check_object_storage_settings()

    assert error.id == "core.E010"
    assert all(name in error.msg for name in missing)


def test_the_check_accepts_complete_settings_and_none_at_all(settings):
    configure(settings, **COMPLETE)
    assert check_object_storage_settings() == []
    configure(settings, S3_ENDPOINT_URL="")
    assert check_object_storage_settings() == []
    configure(settings, **{k: v for k, v in COMPLETE.items() if k != "S3_ENDPOINT_URL"})
    assert check_object_storage_settings() == []


def test_manage_py_check_fails_with_only_a_bucket_configured(tmp_path):
    result = manage(
        tmp_path,
        "check",
        S3_BUCKET="kmo-portal",
        S3_ACCESS_KEY_ID=None,
        S3_SECRET_ACCESS_KEY=None,
        S3_ENDPOINT_URL=None,
    )

    assert result.returncode != 0
    assert "core.E010" in result.stderr
    assert "S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY missing" in result.stderr


def test_any_s3_setting_chooses_object_storage_so_half_a_configuration_never_writes_to_disk():
    assert private_storage_config()["BACKEND"] == FILE_SYSTEM_BACKEND
    assert private_storage_config(bucket="kmo-portal")["BACKEND"] == S3_BACKEND
    assert private_storage_config(endpoint_url="http://s3:8333")["BACKEND"] == S3_BACKEND


def test_ensure_bucket_creates_the_bucket_once(seaweedfs, settings):
    bucket = seaweedfs.new_bucket()
    values = seaweedfs.storage_settings(bucket)
    settings.STORAGES = {**settings.STORAGES, "private": values["PRIVATE_STORAGE"]}
    first, second = io.StringIO(), io.StringIO()

    call_command("ensure_bucket", stdout=first)
    call_command("ensure_bucket", stdout=second)

    assert f"bucket {bucket} created" in first.getvalue()
    assert f"bucket {bucket} exists" in second.getvalue()
    assert bucket in [item["Name"] for item in seaweedfs.client().list_buckets()["Buckets"]]


def test_ensure_bucket_fails_clearly_with_wrong_keys(seaweedfs, settings):
    values = seaweedfs.storage_settings(seaweedfs.new_bucket())
    values["PRIVATE_STORAGE"]["OPTIONS"]["secret_key"] = "not-the-secret"
    settings.STORAGES = {**settings.STORAGES, "private": values["PRIVATE_STORAGE"]}

    with pytest.raises(CommandError, match="Could not create or reach the bucket"):
        call_command("ensure_bucket", stdout=io.StringIO())


def test_without_object_storage_ensure_bucket_creates_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()

    call_command("ensure_bucket", stdout=out)

    assert (tmp_path / "media").is_dir()
    assert "created" in out.getvalue()
