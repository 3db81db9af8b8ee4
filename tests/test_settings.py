"""Configuration from the environment: safe defaults, loud errors, a clean production mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from basisjeugdhulp.env import envbool, envint

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "PRODUCTION": "1",
    "SECRET_KEY": "a-long-random-production-secret-" + "x" * 40,
    "ALLOWED_HOSTS": "register.example.nl",
    "DATABASE_URL": "postgres://register@127.0.0.1:5432/register",
    "MIGRATE_DATABASE_URL": "postgres://register_owner@127.0.0.1:5432/register",
    "S3_BUCKET": "register-photos",
    "S3_ENDPOINT_URL": "https://s3.example.nl",
    "S3_ACCESS_KEY_ID": "key",
    "S3_SECRET_ACCESS_KEY": "secret",
    "FAMILY_KEY_SECRET": "another-long-random-secret",
    "ACCESS_LOG_KEY": "a-third-long-random-secret",
}

# Not for a deployment: DEBUG, and the browser tests' permission to use the ORM beside
# Playwright's event loop (tests/browser/conftest.py).
LEFT_OUT = {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, **environment):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in LEFT_OUT}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_envbool_refuses_what_is_not_clearly_a_boolean(monkeypatch):
    monkeypatch.setenv("DEBUG", "yes")
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        envbool("DEBUG", False)
    monkeypatch.setenv("DEBUG", "on")
    assert envbool("DEBUG", False) is True


def test_envint_names_the_variable(monkeypatch):
    monkeypatch.setenv("S3_READ_TIMEOUT", "tien")
    with pytest.raises(ImproperlyConfigured, match="S3_READ_TIMEOUT"):
        envint("S3_READ_TIMEOUT", 10)


def test_production_mode_passes_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing",
    ["DATABASE_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID", "SECRET_KEY", "ALLOWED_HOSTS", "FAMILY_KEY_SECRET", "ACCESS_LOG_KEY"],
)
def test_production_mode_names_a_missing_variable_at_start_up(missing):
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", **environment)
    assert result.returncode != 0
    assert missing in result.stderr
    assert "Traceback" not in result.stderr


def test_production_mode_warns_when_the_register_would_own_its_tables():
    """NEN 7513: the owner of the access log's table can empty it (audit/database_roles.py)."""
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != "MIGRATE_DATABASE_URL"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert result.returncode != 0 and "basisjeugdhulp.W101" in result.stderr + result.stdout
    same = manage("check", "--deploy", "--fail-level", "WARNING",
                  **{**PRODUCTION_ENV, "MIGRATE_DATABASE_URL": PRODUCTION_ENV["DATABASE_URL"]})
    assert same.returncode != 0 and "basisjeugdhulp.W101" in same.stderr + same.stdout


def test_the_migrate_url_must_name_the_same_database():
    other = {**PRODUCTION_ENV, "MIGRATE_DATABASE_URL": "postgres://register_owner@127.0.0.1:5432/elders"}
    result = manage("check", **other)
    assert result.returncode != 0 and "basisjeugdhulp.E101" in result.stderr + result.stdout


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file-" + "y" * 50 + "\n")
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
        SECRET_KEY_FILE=str(secret), **environment,
    )
    assert result.stdout.strip().endswith("from-a-file-" + "y" * 50)


def test_the_wsgi_application_names_a_missing_variable_too():
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k not in LEFT_OUT}
    result = subprocess.run(
        [sys.executable, "-c", "import basisjeugdhulp.wsgi"],
        cwd=ROOT, env={**clean, **environment}, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_every_page_carries_the_security_headers(client, db):
    response = client.get("/inloggen/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
