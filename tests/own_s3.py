"""A SeaweedFS S3 server of a test's own, on loopback in a temporary folder (as
scripts/with-services.sh starts the run's shared one), so a test may freeze it (SIGSTOP) or turn
versioning on without touching the other tests' bucket."""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ROOT = Path(__file__).resolve().parent.parent
WEED = ROOT / ".venv" / "bin" / "weed"


def free_ports(count):
    held = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        held.append(sock)
    ports = [sock.getsockname()[1] for sock in held]
    for sock in held:
        sock.close()
    return ports


class OwnS3:
    def __init__(self, folder, bucket="eigen-bucket"):
        self.folder = Path(folder)
        self.bucket = bucket
        self.access_key = "eigen-test"
        self.secret_key = secrets.token_hex(20)
        self.process = None

    def start(self, wait=60, *, versioning=False, object_lock=False):
        """Start the server and create the bucket: with versioning on, or with object lock (which
        turns versioning on and lets a test hold an object so that deleting it is refused)."""
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        config = self.folder / "s3.json"
        config.write_text(json.dumps({"identities": [{
            "name": "register", "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }]}))
        master, master_grpc, volume, volume_grpc, filer, filer_grpc, s3, s3_grpc = free_ports(8)
        self.endpoint = f"http://127.0.0.1:{s3}"
        with open(self.folder / "weed.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(WEED), "server", f"-dir={self.folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
                 f"-master.port={master}", f"-master.port.grpc={master_grpc}",
                 f"-volume.port={volume}", f"-volume.port.grpc={volume_grpc}", "-volume.max=0",
                 "-master.volumeSizeLimitMB=64", f"-filer.port={filer}", f"-filer.port.grpc={filer_grpc}",
                 "-s3", f"-s3.port={s3}", f"-s3.port.grpc={s3_grpc}", "-s3.port.iceberg=0", "-s3.port.lance=0",
                 f"-s3.config={config}"],
                cwd=self.folder / "data", stdout=log, stderr=log, stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + wait
        client = self.client()
        while True:
            try:
                try:
                    client.create_bucket(Bucket=self.bucket, **({"ObjectLockEnabledForBucket": True} if object_lock else {}))
                except ClientError as exc:  # a try before created it and then timed out
                    if exc.response["Error"]["Code"] not in ("BucketAlreadyExists", "BucketAlreadyOwnedByYou"):
                        raise
                if versioning:
                    client.put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})
                self._warm_up()
                return self
            except (ClientError, BotoCoreError) as exc:
                error = exc
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"own S3 server did not come up: {error}")
            time.sleep(0.3)

    def _warm_up(self):
        """A fresh server grows its volumes at the bucket's first write, which on a loaded machine
        can outlast the register's 3 s read timeout; botocore's second try then races the first,
        and a version may land after the test deleted it. One write and its removal here, so the
        test starts on a server that answers at its normal pace (a patient client: one try, 30 s)."""
        client = self.client(read_timeout=30)
        key = "opwarmen"
        client.put_object(Bucket=self.bucket, Key=key, Body=b"warm")
        listed = client.list_object_versions(Bucket=self.bucket, Prefix=key)
        versions = [*listed.get("Versions", ()), *listed.get("DeleteMarkers", ())]
        client.delete_objects(Bucket=self.bucket, Delete={
            "Objects": [{"Key": key, "VersionId": version["VersionId"]} for version in versions], "Quiet": True,
        })

    def client(self, read_timeout=5):
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1",
            aws_access_key_id=self.access_key, aws_secret_access_key=self.secret_key,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=read_timeout,
                          retries={"total_max_attempts": 1}),
        )

    def storages(self, settings_storages):
        """The STORAGES setting with the register's S3 options, pointed at this server."""
        default = settings_storages["default"]
        options = {**default["OPTIONS"], "endpoint_url": self.endpoint, "bucket_name": self.bucket,
                   "access_key": self.access_key, "secret_key": self.secret_key}
        return {**settings_storages, "default": {**default, "OPTIONS": options}}

    @contextmanager
    def frozen(self):
        """The server stops answering (SIGSTOP) but keeps its sockets open: the worst outage."""
        os.kill(self.process.pid, signal.SIGSTOP)
        try:
            yield
        finally:
            os.kill(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process is None:
            return
        os.kill(self.process.pid, signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def every_version(self):
        """(key, version id) of every version and delete marker in the bucket."""
        found = []
        for page in self.client().get_paginator("list_object_versions").paginate(Bucket=self.bucket):
            found += [(entry["Key"], entry["VersionId"]) for entry in [*page.get("Versions", ()), *page.get("DeleteMarkers", ())]]
        return found

    def hold(self, key, on=True):
        """A legal hold (object lock): the bucket refuses to delete the object's versions."""
        client = self.client()
        for version in client.list_object_versions(Bucket=self.bucket, Prefix=key).get("Versions", ()):
            client.put_object_legal_hold(Bucket=self.bucket, Key=key, VersionId=version["VersionId"],
                                         LegalHold={"Status": "ON" if on else "OFF"})
