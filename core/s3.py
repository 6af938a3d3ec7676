"""The private files in S3-compatible object storage (django-storages' S3 backend).

Objects are written with a private ACL and never given a public URL: `url` refuses,
as the file system's does. Downloads are streamed through the portal's views
(`open_stream`), or, when S3_PRESIGNED_DOWNLOAD_SECONDS is set, handed out as a
signed URL that expires within those seconds (`presigned_download_url`).
"""

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage

from core.storage import StorageUnavailable

# Seconds to wait for the object storage: a hanging store must not hold a request
# (and a worker) for minutes. Reading a large file takes longer than one read timeout
# only if the store stops sending for that long.
CONNECT_TIMEOUT_SECONDS = 5
READ_TIMEOUT_SECONDS = 30
# Bytes kept in memory when django-storages reads a whole file (`open`); larger files
# spill to a temporary file. Downloads do not use `open`: they stream.
MAX_MEMORY_BYTES = 1024 * 1024
NOT_FOUND_CODES = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchBucket"})


class StoredFileStream:
    """An object's body, read in chunks as FileResponse asks; `size` from the store."""

    def __init__(self, body, size):
        self._body = body
        self.size = size

    def read(self, amount=-1):
        try:
            return self._body.read(None if amount is None or amount < 0 else amount)
        except BotoCoreError as error:
            raise StorageUnavailable(type(error).__name__) from error

    def close(self):
        self._body.close()


class PrivateS3Storage(S3Storage):
    """django-storages' S3Storage for private files: private ACL, path-style addressing
    (SeaweedFS, MinIO and Amazon S3 all understand it), SigV4 signatures, no overwrite
    (names are random; a restore must not replace a file by accident), bounded waits."""

    default_acl = "private"
    querystring_auth = True
    file_overwrite = False
    max_memory_size = MAX_MEMORY_BYTES

    def __init__(self, **options):
        options.setdefault(
            "client_config",
            Config(
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=READ_TIMEOUT_SECONDS,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError("Private files have no URL; serve them through a view.")

    @property
    def client(self):
        return self.connection.meta.client

    def _key(self, name):
        return self._normalize_name(name)

    def open_stream(self, name):
        """The object `name`, to read in chunks without holding it in memory.

        FileNotFoundError when it does not exist; StorageUnavailable when the store
        does not answer.
        """
        try:
            response = self.client.get_object(Bucket=self.bucket_name, Key=self._key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in NOT_FOUND_CODES:
                raise FileNotFoundError(name) from error
            raise StorageUnavailable(error.response.get("Error", {}).get("Code")) from error
        except BotoCoreError as error:
            raise StorageUnavailable(type(error).__name__) from error
        return StoredFileStream(response["Body"], response.get("ContentLength"))

    def presigned_download_url(self, name, *, content_disposition, content_type, seconds):
        """A GET URL for `name`, valid for `seconds`, with which the store answers with
        these Content-Disposition and Content-Type headers and no caching."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket_name,
                "Key": self._key(name),
                "ResponseContentDisposition": content_disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            },
            ExpiresIn=seconds,
        )

    def bucket_exists(self):
        """Whether the bucket exists; StorageUnavailable when the store refuses or does
        not answer (wrong keys, no connection)."""
        try:
            self.client.head_bucket(Bucket=self.bucket_name)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code in NOT_FOUND_CODES:
                return False
            raise StorageUnavailable(f"HeadBucket: {code}") from error
        except BotoCoreError as error:
            raise StorageUnavailable(str(error)) from error
        return True

    def ensure_exists(self):
        """Create the bucket, private, unless it exists: True when it was created."""
        if self.bucket_exists():
            return False
        try:
            self.client.create_bucket(Bucket=self.bucket_name, ACL="private")
        except (BotoCoreError, ClientError) as error:
            raise StorageUnavailable(f"CreateBucket: {error}") from error
        return True

    def iter_names(self):
        """The name of every object in the bucket (for backups), in key order."""
        paginator = self.client.get_paginator("list_objects_v2")
        prefix = f"{self.location.strip('/')}/" if self.location.strip("/") else ""
        for page in paginator.paginate(Bucket=self.bucket_name, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(prefix) :]
