"""A real SeaweedFS for the tests, started through ops/seaweedfs.sh (as `make up` does).

`SeaweedFS(directory).start()` runs it on free ports with its own access keys, waits
until its S3 API answers a signed request, and `stop()` ends it (TERM, then KILL).
`storage_settings(bucket)` are the S3_* settings and the STORAGES entry that point
the portal at one of its buckets.
"""

import json
import random
import secrets
import socket
import subprocess
import time
import uuid
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

BASE_DIR = Path(__file__).resolve().parents[1]
LAUNCHER = BASE_DIR / "ops" / "seaweedfs.sh"
START_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 10
# ops/seaweedfs.sh uses the S3 port and the next four, and each of those + 10000.
PORT_OFFSETS = (0, 1, 2, 3, 4, 10000, 10001, 10002, 10003, 10004)


def _port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_s3_port():
    """An S3 port whose companion ports (PORT_OFFSETS) are all free."""
    for _attempt in range(200):
        port = random.randrange(20000, 45000)
        if all(_port_is_free(port + offset) for offset in PORT_OFFSETS):
            return port
    raise RuntimeError("no free ports for SeaweedFS")


def s3_client(endpoint_url, access_key_id, secret_access_key):
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        region_name="us-east-1",
        config=Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            connect_timeout=2,
            read_timeout=10,
            retries={"max_attempts": 1},
        ),
    )


class SeaweedFS:
    """One SeaweedFS (`weed mini`) with its data in `directory`."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.access_key_id = f"test-{secrets.token_hex(4)}"
        self.secret_access_key = secrets.token_urlsafe(24)
        self.process = None
        self.port = None

    @property
    def endpoint_url(self):
        return f"http://127.0.0.1:{self.port}"

    def client(self):
        return s3_client(self.endpoint_url, self.access_key_id, self.secret_access_key)

    def start(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "identities.json"
        identity = {
            "name": "portal",
            "credentials": [
                {"accessKey": self.access_key_id, "secretKey": self.secret_access_key}
            ],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
        config.write_text(json.dumps({"identities": [identity]}))
        self.port = free_s3_port()
        self.log = (self.directory / "weed.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 - our own launcher, fixed arguments
            [
                str(LAUNCHER),
                "--dir",
                str(self.directory / "data"),
                "--s3-port",
                str(self.port),
                "--config",
                str(config),
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()
        return self

    def _wait_until_ready(self):
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        client = self.client()
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited; see {self.directory / 'weed.log'}")
            try:
                client.list_buckets()
                return
            except (BotoCoreError, ClientError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"SeaweedFS did not answer in time; see {self.directory / 'weed.log'}"
                    ) from None
                time.sleep(0.1)

    def stop(self):
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self.log.close()

    def new_bucket(self, prefix="portal"):
        """The name of a bucket that does not exist yet."""
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    def storage_settings(self, bucket):
        """Settings (name -> value) that send the private files to `bucket`."""
        from core.storage import private_storage_config

        values = {
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": self.access_key_id,
            "S3_SECRET_ACCESS_KEY": self.secret_access_key,
            "S3_REGION": "us-east-1",
        }
        values["PRIVATE_STORAGE"] = private_storage_config(
            endpoint_url=values["S3_ENDPOINT_URL"],
            bucket=bucket,
            access_key_id=values["S3_ACCESS_KEY_ID"],
            secret_access_key=values["S3_SECRET_ACCESS_KEY"],
            region=values["S3_REGION"],
        )
        return values

    def environment(self, bucket):
        """The same as environment variables, for a manage.py in another process."""
        return {
            name: value
            for name, value in self.storage_settings(bucket).items()
            if name.startswith("S3_")
        }

    def object_names(self, bucket):
        client = self.client()
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def read(self, bucket, name):
        return self.client().get_object(Bucket=bucket, Key=name)["Body"].read()
