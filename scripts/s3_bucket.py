"""Create the photo bucket on an S3 server if it is not there yet (private, no public policy).

Reads the same S3_* variables as the register. With --wait N it retries for N seconds, for a
server that is still starting.
"""

import argparse
import os
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait for the server")
    args = parser.parse_args()
    client = boto3.client(
        "s3",
        endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
        region_name=os.environ.get("S3_REGION", "us-east-1"),
        aws_access_key_id=os.environ["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["S3_SECRET_ACCESS_KEY"],
        config=Config(
            s3={"addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path")},
            connect_timeout=2,
            read_timeout=5,
            retries={"max_attempts": 1},
        ),
    )
    bucket = os.environ["S3_BUCKET"]
    deadline = time.monotonic() + args.wait
    while True:
        try:
            client.head_bucket(Bucket=bucket)
            return 0
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("404", "NoSuchBucket"):
                try:
                    client.create_bucket(Bucket=bucket)
                    return 0
                except (ClientError, BotoCoreError) as create_exc:
                    error = create_exc
            else:
                error = exc
        except BotoCoreError as exc:
            error = exc
        if time.monotonic() >= deadline:
            print(f"S3 bucket {bucket!r} not reachable: {error}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
