"""Deployment checks: Django's --deploy checks pass with production settings, no migration is missing,
and the health check answers."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

HUIKETING = Path(sys.executable).with_name("huiketing")


def run_huiketing(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(HUIKETING), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of a production install: none of the test, debug or demo switches."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("HUIKETING_", "DJANGO_")) and key != "DATABASE_URL"
    }
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    env.update(
        HUIKETING_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(64)),
        HUIKETING_ALLOWED_HOSTS="example.org",
        HUIKETING_DATA_DIR=str(tmp_path / "data"),
        HUIKETING_FIELD_KEYS="deploy-test-field-key-" + secrets.token_hex(16),
    )
    if database_url := os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = database_url
    return env


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = run_huiketing(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_environment(tmp_path),
        tmp_path=tmp_path,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "ERRORS" not in output


def test_no_migration_is_missing(tmp_path):
    env = production_environment(tmp_path)
    result = run_huiketing("makemigrations", "--check", "--dry-run", env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
