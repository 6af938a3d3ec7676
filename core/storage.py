"""Where the private files (audit reports) are kept: S3-compatible object storage, or
the file system.

STORAGES["private"] names the backend; `private_storage_config` builds it from the
S3_* settings: with a bucket configured the files go to object storage
(core.s3.PrivateS3Storage, through django-storages), which every app server shares;
without, to MEDIA_ROOT on this machine's disk (development and most tests).

Either way the files are private: the storage has no URL for them (`url` refuses),
and they are served only through the views that check who asks, streamed from the
storage by core.downloads.stored_pdf_attachment (or, when configured, handed out
as a short-lived signed URL).
"""

from pathlib import Path

from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "private"
S3_BACKEND = "core.s3.PrivateS3Storage"
FILE_SYSTEM_BACKEND = "core.storage.PrivateFileSystemStorage"
# The S3 settings of the portal's environment, in the order the check reports them.
S3_SETTINGS = ("S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
# Without any one of these the portal cannot reach a bucket (the endpoint is optional:
# without it boto3 talks to Amazon S3 itself).
S3_REQUIRED_SETTINGS = ("S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")


class StorageUnavailable(Exception):
    """The storage did not answer (object storage down or unreachable): not a missing file."""


def private_storage_config(
    *, endpoint_url="", bucket="", access_key_id="", secret_access_key="", region=""
):
    """The STORAGES entry of the private files.

    Object storage as soon as any S3 setting is given, even when others are missing:
    a half-filled configuration then fails loudly (the system check core.E010, and
    every upload) instead of quietly writing to one server's disk.
    """
    if not any((endpoint_url, bucket, access_key_id, secret_access_key)):
        return {"BACKEND": FILE_SYSTEM_BACKEND}
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "endpoint_url": endpoint_url or None,
            "bucket_name": bucket,
            "access_key": access_key_id,
            "secret_key": secret_access_key,
            "region_name": region or None,
        },
    }


def missing_s3_settings(values):
    """The names of S3_REQUIRED_SETTINGS missing from `values` (name -> value) when
    any S3 setting is given; empty when the configuration is complete or absent."""
    if not any(values.get(name) for name in S3_SETTINGS):
        return []
    return [name for name in S3_REQUIRED_SETTINGS if not values.get(name)]


class PrivateFileSystemStorage(FileSystemStorage):
    """Private files under MEDIA_ROOT, outside the web root.

    No location is passed, so the storage follows settings.MEDIA_ROOT (also when
    tests override it).
    """

    def url(self, name):
        raise NotImplementedError("Private files have no URL; serve them through a view.")

    def open_stream(self, name):
        """The file, to read in chunks (FileResponse streams it)."""
        return self.open(name, "rb")

    def ensure_exists(self):
        """Create MEDIA_ROOT unless it exists: True when it was created."""
        root = Path(self.location)
        if root.is_dir():
            return False
        root.mkdir(parents=True, exist_ok=True)
        return True

    def iter_names(self):
        """The name of every file (for backups), in name order."""
        root = Path(self.location)
        if not root.is_dir():
            return
        for path in sorted(root.rglob("*")):
            if path.is_file():
                yield path.relative_to(root).as_posix()


class PrivateStorage(LazyObject):
    """STORAGES["private"], looked up when first used and again after the setting
    changes (tests switch between the file system and a bucket).

    A model's FileField keeps the storage object it was given when the model class
    was built; this stand-in lets that object follow the settings.
    """

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


private_storage = PrivateStorage()


@receiver(setting_changed)
def _forget_private_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        private_storage._wrapped = empty
