"""A database that cannot be reached gets a 503 with Retry-After (clients retry); other failures stay 500.

The real outage (PostgreSQL restarted under a running server) is in tests/faults/test_database_restart.py.
"""

import json

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.utils import translation

from huiketing.urls import handler500


def _answer(path: str, error: Exception):
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:  # handler500 runs inside Django's except block and reads the exception from there
        with translation.override("en"):
            return handler500(request)


@pytest.mark.parametrize("error", [OperationalError("connection refused"), InterfaceError("closed")])
def test_the_api_answers_503_in_its_error_shape(error):
    response = _answer("/api/v1/households/1/visits/", error)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = json.loads(response.content)["error"]
    assert (body["status"], body["code"]) == (503, "database_unavailable")
    assert "database" in body["message"]


def test_pages_answer_503_with_a_page():
    response = _answer("/", OperationalError("the database system is shutting down"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    page = response.content.decode()
    assert "<h1>Briefly unavailable</h1>" in page and "try again in a few seconds" in page


def test_other_failures_are_the_500_page():
    response = _answer("/", ValueError("a bug"))
    assert response.status_code == 500
    assert "Retry-After" not in response
