"""A case from lead to archive through /api/v1, with token authentication, refusals as 422 naming the
field and the article, scoping, evidence upload with the hash checked, and the OpenAPI document."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from zhifa.api.models import ApiToken
from zhifa.cases.models import Case
from zhifa.cases.tests.desk import Desk
from zhifa.core.choices import Role
from zhifa.ledger.models import Entry
from zhifa.testing.factories import make_user

pytestmark = pytest.mark.django_db


class Caller:
    def __init__(self, user: Any) -> None:
        _, secret = ApiToken.issue(user, "test")
        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def post(self, path: str, body: dict[str, Any], status: int = 200) -> Any:
        response = self.client.post(f"/api/v1{path}", body, content_type="application/json")
        assert response.status_code == status, response.content.decode()
        return response.json()


def test_a_case_from_lead_to_archive_through_the_api(world, evidence):
    desk = Desk(world, evidence)  # certificates valid through 2026, the head's login
    officer, head = Caller(world.officer_user), Caller(desk.approver)
    jia, yi = world.officer.pk, world.colleague.pk

    scan = b"%PDF-1.4 signed interview record"
    digest = hashlib.sha256(scan).hexdigest()
    upload = officer.client.post(f"/api/v1/evidence?sha256={'0' * 64}", {"file": _file("record.pdf", scan)})
    assert upload.status_code == 422
    assert "不一致" in upload.json()["message"]
    upload = officer.client.post(f"/api/v1/evidence?sha256={digest}", {"file": _file("record.pdf", scan)})
    assert upload.status_code == 201
    assert upload.json()["sha256"] == digest

    lead = {
        "domain": "forestry",
        "source": "complaint",
        "title": "非法占用林地",
        "summary": "群众举报",
        "received_on": "2026-10-12",
        "act_ended_on": "2026-10-10",
        "party_kind": "citizen",
        "party_name": "李某",
    }
    case = officer.post("/cases", {"action": "register_lead", "fields": {"on_date": "2026-10-12", **lead}}, 201)
    assert case["state"] == "lead"
    bad = {**lead, "party_id_number": "110101199001011234"}  # wrong check digit
    refusal = officer.post("/cases", {"action": "register_lead", "fields": {"on_date": "2026-10-12", **bad}}, 422)
    assert refusal["field"] == "party_id_number"
    assert "身份证" in refusal["message"]
    assert Case.objects.count() == 1
    path = f"/cases/{case['id']}"
    for wrong in ({"on_date": 5}, {"on_date": {"y": 2026}}, {"on_date": ["2026-10-13"]}):
        assert head.post(f"{path}/actions/file", wrong, 422)["message"]
    actions = {a["name"]: a for a in officer.get(f"{path}/actions").json()}
    assert not actions["file"]["allowed"]
    assert "只有案件审批人可以批准立案" in actions["file"]["reasons"][0]

    steps: list[tuple[Caller, str, dict[str, Any]]] = [
        (head, "file", {"on_date": "2026-10-13"}),
        (head, "assign", {"on_date": "2026-10-13", "lead": jia, "others": [yi], "declared": [jia, yi]}),
        (
            officer,
            "record_interview",
            {
                "on_date": "2026-10-14",
                "officers": [jia, yi],
                "interviewee": "李某",
                "summary": "承认占用",
                "evidence": [digest],
                "no_recording_reason": "询问笔录经被询问人核对签名",  # the recording list asks why not
            },
        ),
        (
            officer,
            "report",
            {
                "on_date": "2026-10-15",
                "facts_found": "占用林地1亩",
                "legal_basis": "森林法 第七十三条",
                "penalty_basis": "森林法 第七十三条",
                "penalty_kinds": ["fine"],
                "fine": "3000",
                "penalty_text": "罚款三千元",
                "discretion_reasons": "占用面积小，及时恢复，按裁量基准从轻处罚",
            },
        ),
        (officer, "submit_approval", {"on_date": "2026-10-15"}),
        (head, "approve", {"on_date": "2026-10-16"}),
        (officer, "notify", {"on_date": "2026-10-19", "rights_stated": True, "recording_later": True}),
        (
            officer,
            "record_statement",
            {"on_date": "2026-10-20", "waived_statement": True, "waived_hearing": True, "evidence": [digest]},
        ),
        (
            head,
            "decide",
            {
                "on_date": "2026-10-21",
                "penalty_kinds": ["fine"],
                "fine": "3000",
                "penalty_text": "罚款三千元",
                "discretion_reasons": "按裁量基准从轻处罚",
            },
        ),
        (
            officer,
            "serve",
            {"on_date": "2026-10-22", "method": "direct", "evidence": [digest], "no_recording_reason": "当事人签收"},
        ),
        (officer, "record_payment", {"on_date": "2026-10-23", "amount": "3000", "receipt": "NS001"}),
        (head, "close", {"on_date": "2026-10-26"}),
        (officer, "archive", {"on_date": "2026-10-27"}),
    ]
    made = {"notify": "advance_notice", "serve": "penalty_decision"}
    for caller, name, fields in steps:
        if name in made:
            # What is served is made first; without it the act is refused, naming the document.
            assert "请先制作" in caller.post(f"{path}/actions/{name}", fields, 422)["message"]
            caller.post(f"{path}/documents/{made[name]}", {}, 201)
        if name == "decide":
            # A heavier fine than the notice is refused with the field and the article, and changes nothing.
            before = Entry.objects.count()
            refusal = caller.post(f"{path}/actions/decide", {**fields, "fine": "5000"}, 422)
            assert refusal["field"] == "fine"
            assert refusal["rule"] == "行政处罚法 第四十五条"
            assert Entry.objects.count() == before
        result = caller.post(f"{path}/actions/{name}", fields)
    assert result["state"] == "archived"
    assert result["paid"] == "3000.00"
    assert [r["action"] for r in result["records"]][:2] == ["record_interview", "report"]
    # One entry per act and one per document made.
    assert Entry.objects.filter(subject=f"cases.case:{case['id']}").count() == 1 + len(steps) + len(made)
    listed = officer.get("/cases?state=archived").json()
    assert [c["id"] for c in listed] == [case["id"]]


def test_no_token_no_access_and_other_agencies_cases_are_not_found(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 11, 2), act_ended_on=date(2026, 11, 1))
    assert Client().get("/api/v1/cases").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer zf_wrong").get("/api/v1/cases").status_code == 401
    stranger = Caller(make_user("officer-elsewhere", world.elsewhere, Role.OFFICER))
    assert stranger.get("/cases").json() == []
    assert stranger.get(f"/cases/{desk.case.pk}").status_code == 404
    assert (
        stranger.client.post(
            f"/api/v1/cases/{desk.case.pk}/actions/file", {"on_date": "2026-11-03"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert Case.objects.get(pk=desk.case.pk).state == "lead"


def test_tokens_are_stored_hashed_and_issued_by_command(world, capsys):
    call_command("apitoken", "officer", "--name", "外业终端")
    secret = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(name="外业终端")
    assert secret.startswith("zf_")
    assert token.key_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.key_sha256
    response = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/cases")
    assert response.status_code == 200
    token.revoked = True
    token.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/cases").status_code == 401


def test_the_openapi_document_and_docs_page_are_served_without_a_cdn(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/cases/{case_id}/actions/{action}" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def _file(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")
