"""The suite runs against the real parts: PostgreSQL and an S3 server (see scripts/test.sh)."""

import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from tests.conftest import need


def test_it_runs_on_postgresql(db):
    need(connection.vendor == "postgresql", "DATABASE_URL does not point to PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        assert int(cursor.fetchone()[0]) >= 150000  # Django 6.1 needs PostgreSQL 15+


def test_postgresql_plans_a_query_the_connection_repeats_only_once(db):
    """Prepared statements (settings.py): the file's joins are planned once per connection."""
    need(connection.vendor == "postgresql", "DATABASE_URL does not point to PostgreSQL")
    from basisjeugdhulp.teams.models import Team

    for _ in range(7):
        list(Team.objects.filter(name="prepared-statement-check"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"teams_team"."name" = $1%'],
        )
        prepared = cursor.fetchall()
    assert len(prepared) == 1, "the repeated query should be one prepared statement"


@pytest.fixture
def s3_storage():
    need(bool(settings.S3_BUCKET), "S3_BUCKET is not set")
    default_storage._setup()
    return default_storage


def test_it_stores_photos_in_s3_through_default_storage(s3_storage):
    assert type(s3_storage._wrapped).__name__ == "S3Storage"
    name = s3_storage.save(f"test/{uuid.uuid4()}.txt", ContentFile(b"A3-plan van de familie"))
    try:
        assert s3_storage.exists(name)
        with s3_storage.open(name) as stored:
            assert stored.read() == b"A3-plan van de familie"
    finally:
        s3_storage.delete(name)
    assert not s3_storage.exists(name)


def test_it_never_overwrites_an_object_with_the_same_name(s3_storage):
    first = s3_storage.save("test/same-name.txt", ContentFile(b"first"))
    second = s3_storage.save("test/same-name.txt", ContentFile(b"second"))
    try:
        assert first != second
        with s3_storage.open(first) as stored:
            assert stored.read() == b"first"
    finally:
        s3_storage.delete(first)
        s3_storage.delete(second)


def test_objects_are_private(s3_storage):
    name = s3_storage.save(f"test/{uuid.uuid4()}.txt", ContentFile(b"prive"))
    try:
        options = settings.STORAGES["default"]["OPTIONS"]
        unsigned = f"{options['endpoint_url']}/{settings.S3_BUCKET}/{name}"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unsigned, timeout=5)
        assert refused.value.code in (401, 403)

        anonymous = boto3.client(
            "s3",
            endpoint_url=options["endpoint_url"],
            region_name=options["region_name"],
            aws_access_key_id="someone-else",
            aws_secret_access_key="not-the-secret",
        )
        with pytest.raises(anonymous.exceptions.ClientError) as refused:
            anonymous.get_object(Bucket=settings.S3_BUCKET, Key=name)
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

        # A link, when one is issued at all, is signed and expires within a minute.
        url = s3_storage.url(name)
        assert "X-Amz-Signature=" in url
        assert "X-Amz-Expires=60" in url
    finally:
        s3_storage.delete(name)
