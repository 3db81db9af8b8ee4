"""System checks of the photo storage: bounded waits, and no photo kept by object versioning."""

import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core import checks

logger = logging.getLogger(__name__)


@checks.register(checks.Tags.compatibility)
def storage_waits_fit_the_budget(app_configs=None, **kwargs):
    """A frozen S3 must answer the user within S3_TIME_BUDGET (docs/configuration.md)."""
    if not settings.S3_BUCKET:
        return []
    attempts = max(settings.S3_ATTEMPTS, 1)
    worst = attempts * (settings.S3_CONNECT_TIMEOUT + settings.S3_READ_TIMEOUT) + (attempts - 1)
    if worst <= settings.S3_TIME_BUDGET:
        return []
    return [checks.Warning(
        f"A storage outage can hold a request {worst} s (S3_ATTEMPTS × (S3_CONNECT_TIMEOUT + "
        f"S3_READ_TIMEOUT) + backoff), more than the {settings.S3_TIME_BUDGET} s budget.",
        hint="Lower S3_READ_TIMEOUT or S3_ATTEMPTS (docs/configuration.md, Bounded waits).",
        id="basisjeugdhulp.W201",
    )]


@checks.register(checks.Tags.security, deploy=True)
def versions_do_not_outlive_destruction(app_configs=None, **kwargs):
    """With versioning on, a delete leaves the old version readable. Destruction and the sweep
    remove every version themselves; a lifecycle rule expiring noncurrent versions is the net under
    anything else that deletes (a console, another tool). Asks the bucket, so only with --deploy."""
    if not settings.S3_BUCKET:
        return []
    from django.core.files.storage import default_storage

    client = default_storage.connection.meta.client
    try:
        status = client.get_bucket_versioning(Bucket=settings.S3_BUCKET).get("Status")
        if status not in ("Enabled", "Suspended"):
            return []
        try:
            rules = client.get_bucket_lifecycle_configuration(Bucket=settings.S3_BUCKET).get("Rules", [])
        except ClientError as error:
            if error.response["Error"]["Code"] != "NoSuchLifecycleConfiguration":
                raise
            rules = []
    except BotoCoreError as error:
        # Unreachable from here (a build step without the bucket): logged, not a failed deploy check.
        logger.warning("Could not ask the photo bucket about versioning: %s", error)
        return []
    except ClientError as error:
        return [checks.Warning(
            f"Could not ask the photo bucket about versioning: {error}",
            hint="Give the register's S3 user s3:GetBucketVersioning and s3:GetLifecycleConfiguration, "
                 "or check versioning by hand (docs/configuration.md, Object versioning).",
            id="basisjeugdhulp.W203",
        )]
    if any(rule.get("Status") == "Enabled" and "NoncurrentVersionExpiration" in rule for rule in rules):
        return []
    return [checks.Warning(
        f"The photo bucket {settings.S3_BUCKET!r} keeps object versions and has no lifecycle rule that "
        "expires noncurrent versions: a photo deleted outside the register stays readable.",
        hint="Add a rule with NoncurrentVersionExpiration (docs/configuration.md, Object versioning), "
             "or switch versioning off.",
        id="basisjeugdhulp.W202",
    )]
