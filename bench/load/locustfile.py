"""The province's daily mix, as locust users (issue 20 item 4). Read with `ZHIFA_LOAD_PLAN` (bench/load/plan.py).

- 写 (writer officers, API): upload an evidence photo, then add it to one of their cases (an act recorded in the
  ledger with its file) — the write path of a field visit;
- 读 (officers, pages): their case list, a case page, their desk;
- 审 (approvers): the cases waiting for their approval;
- 督 (supervisors): the supervision overview;
- 公 (the public, no login): the decisions' search and one decision, a certificate check, a document check.

Requests are named by kind, so that locust's statistics are per kind of request. Loopback only.
"""

# ruff: noqa: S311 - the choices are a load test's picks, not secrets

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from datetime import datetime
from typing import Any

from locust import HttpUser, between, constant, task

PLAN: dict[str, Any] = json.loads(open(os.environ["ZHIFA_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PHOTO_HEAD = b"\xff\xd8\xff\xe0"  # a JPEG's first bytes: the evidence store reads the type from them
# Between a user's requests: 0.5–2 s (people), or ZHIFA_LOAD_WAIT seconds (0: each asks again at once).
WAIT = constant(float(os.environ["ZHIFA_LOAD_WAIT"])) if os.environ.get("ZHIFA_LOAD_WAIT") else between(0.5, 2)


def _pick(kind: str) -> dict[str, Any]:
    people = PLAN[kind]
    return people[random.randrange(len(people))] if people else {}


class _Signed(HttpUser):
    abstract = True
    kind = ""
    wait_time = WAIT

    def on_start(self) -> None:
        self.person = _pick(self.kind)
        if not self.person:
            self.stop()
            return
        page = self.client.get("/accounts/login/", name="登录页")
        token = CSRF.search(page.text)
        self.client.post(
            "/accounts/login/",
            data={
                "username": self.person["username"],
                "password": self.person["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="登录",
        )


class Writer(HttpUser):
    """An officer in the field: a photo, then the evidence act on one of his cases (through /api/v1)."""

    weight = 2
    wait_time = WAIT

    def on_start(self) -> None:
        self.person = _pick("writers")
        if not self.person:
            self.stop()
            return
        self.auth = {"Authorization": f"Bearer {self.person['token']}"}

    @task
    def add_evidence(self) -> None:
        body = PHOTO_HEAD + os.urandom(2048)
        digest = hashlib.sha256(body).hexdigest()
        uploaded = self.client.post(
            f"/api/v1/evidence?sha256={digest}",
            files={"file": ("现场照片.jpg", body, "image/jpeg")},
            headers=self.auth,
            name="写：上传证据",
        )
        if uploaded.status_code != 201:
            return
        case = random.choice(self.person["cases"])
        self.client.post(
            f"/api/v1/cases/{case['id']}/actions/add_evidence",
            json={
                "on_date": PLAN.get("on_date") or datetime.now().astimezone().date().isoformat(),
                "officers": case["officers"],
                "kind": "electronic",
                "summary": "现场照片（负载测试）",
                "evidence": [digest],
                "no_recording_reason": "文字记录能够全面有效记录执法行为",
            },
            headers=self.auth,
            name="写：记录证据",
        )


class Reader(_Signed):
    weight = 3
    kind = "readers"

    @task(3)
    def case_list(self) -> None:
        page = self.client.get("/cases/", name="读：案件列表")
        found = re.findall(r'href="/cases/(\d+)/"', page.text)
        if found:
            self.client.get(f"/cases/{random.choice(found)}/", name="读：案件页")

    @task(1)
    def desk(self) -> None:
        self.client.get("/", name="读：工作台")


class Approver(_Signed):
    weight = 1
    kind = "approvers"

    @task
    def queues(self) -> None:
        # The approval queue: the cases waiting on the head (the legal-review queue is the reviewers', not his).
        self.client.get("/cases/?todo=1", name="审：待办案件")


class Supervisor(_Signed):
    weight = 1
    kind = "supervisors"

    @task
    def overview(self) -> None:
        self.client.get("/supervision/", name="督：监督总览")


class Public(HttpUser):
    weight = 4
    wait_time = WAIT

    @task(3)
    def decisions(self) -> None:
        public = PLAN["public"]
        self.client.get(f"/public/decisions/?q={random.choice(public['queries'])}", name="公：决定检索")
        if public["decisions"]:
            self.client.get(f"/public/decisions/{random.choice(public['decisions'])}/", name="公：决定页")

    @task(1)
    def certificate(self) -> None:
        numbers = PLAN["public"]["certificates"]
        if numbers:
            self.client.get(f"/public/certificates/{random.choice(numbers)}/", name="公：证件查验")

    @task(1)
    def check(self) -> None:
        hashes = PLAN["public"]["hashes"] or ["0" * 64]
        self.client.get(f"/public/check/?sha256={random.choice(hashes)}", name="公：文书核验")
