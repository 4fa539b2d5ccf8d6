"""The OpenAPI schema: valid, warning-free, and the interactive docs work without internet."""

import json

from django.core.management import call_command


def test_schema_is_valid_without_warnings(db, tmp_path):
    out = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out)
    )
    schema = json.loads(out.read_text())
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/regions/locate/", "/api/v1/auth/token/", "/api/v1/me/", "/api/v1/audit/"):
        assert path in schema["paths"], path


def test_schema_url_answers_json(client, db):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/regions/" in response.json()["paths"]


def test_docs_load_their_assets_from_this_site(client, db):
    page = client.get("/api/docs/").content.decode()
    assets = [part.split('"')[0] for part in page.split('src="')[1:]] + [
        part.split('"')[0] for part in page.split('href="')[1:]
    ]
    assert assets
    assert all(not asset.startswith(("http://", "https://", "//")) for asset in assets), assets
    assert any("drf_spectacular_sidecar" in asset for asset in assets)
