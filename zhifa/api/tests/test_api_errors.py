"""The API's errors: a lone UTF-16 surrogate is a 422 with a Chinese message (not a 500), a field of the wrong
form a 422 naming it, and the OpenAPI document lists the errors each operation really returns."""

from __future__ import annotations

import pytest
from django.test import Client

from zhifa.api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(world) -> Client:
    _, secret = ApiToken.issue(world.officer.user, "test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_lone_surrogate_is_refused_with_422(api):
    body = '{"action": "register_lead", "fields": {"title": "\\ud800", "on_date": "2026-10-12"}}'
    response = api.post("/api/v1/cases", body, content_type="application/json")
    assert response.status_code == 422
    answer = response.json()
    assert answer["field"] == "title"
    assert "fields.title" in answer["message"]
    assert "无效的 Unicode 字符" in answer["message"]
    action = api.post("/api/v1/cases/1/actions/file", '{"note": "a\\udfffb"}', content_type="application/json")
    assert action.status_code == 422
    assert action.json()["field"] == "note"


def test_a_field_of_the_wrong_form_is_a_422_naming_it(api):
    response = api.post("/api/v1/cases", '{"action": 5, "fields": []}', content_type="application/json")
    assert response.status_code == 422
    assert response.json()["field"] in {"action", "fields"}
    assert "格式有误" in response.json()["message"]
    assert api.post("/api/v1/cases", "{not json", content_type="application/json").status_code == 400


def test_the_openapi_document_lists_the_errors_really_returned(world, api, client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {
        (method, path): operation for path, item in schema["paths"].items() for method, operation in item.items()
    }
    for (method, path), operation in operations.items():
        assert "401" in operation["responses"], (method, path)
        if "{case_id}" in path:
            assert "404" in operation["responses"], (method, path)
        if method == "post":
            assert {"400", "422"} <= set(operation["responses"]), (method, path)
    assert "413" in operations[("post", "/api/v1/evidence")]["responses"]
    # And they are what the API answers.
    assert Client().get("/api/v1/cases").status_code == 401
    assert api.get("/api/v1/cases/999999").status_code == 404
    assert api.get("/api/v1/cases?mine=maybe").status_code == 422
