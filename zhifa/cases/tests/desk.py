"""A test helper that takes case actions as the users of the test world (see conftest's `world`)."""

from __future__ import annotations

import contextlib
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from zhifa.cases import issuing, services
from zhifa.cases.major import CHECKLIST
from zhifa.cases.models import Case, CaseDeadline, CaseRecord
from zhifa.cases.workflow import ACTIONS
from zhifa.core.choices import Domain, Role
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.state import snapshot
from zhifa.personnel.services import certificate_revoke, officer_set_legal_review
from zhifa.recordings.models import Recording
from zhifa.recordings.rules import NATIONAL
from zhifa.testing.factories import TODAY, give_certificate, make_officer, make_user

# The answer to the recording question of an act recorded as circumstances require (recordings/rules.py).
TEXT_SUFFICES = "文字记录能够全面有效记录执法行为"

# The investigation report of the usual lead (张某's felled trees): a small fine, so no hearing right.
SMALL_FINE_REPORT = {
    "facts_found": "张某滥伐林木2株",
    "legal_basis": "森林法 第七十六条",
    "penalty_basis": "森林法 第七十六条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(1000),
    "penalty_text": "罚款一千元",
    "discretion_reasons": "情节轻微，按裁量基准下限处罚",
}

# A fine on the spot (简易程序) that passes every rule: the party told, heard (said nothing) and signing for the
# decision. Add the officers present (`officers=`); the act is dated 20 November 2026, the day of the act.
ON_THE_SPOT = {
    "decided_at": "15:40",
    "place": "二号林班防火检查站",
    "domain": Domain.FORESTRY,
    "title": "在保护区内违规用火",
    "act_ended_on": date(2026, 11, 20),
    "party_kind": "citizen",
    "party_name": "王某",
    "facts_found": "王某在林区野外用火",
    "legal_basis": "森林防火条例 第二十五条",
    "penalty_basis": "森林防火条例 第五十条",
    "penalty_kinds": ["fine"],
    "fine": Decimal(50),
    "certificates_shown": True,
    "told": True,
    "no_statement": True,
    "party_receipt": "signed",
}


def make_reviewer(world: Any, username: str, name: str, *, qualified: bool = True, **legal_review: Any) -> Any:
    """A legal reviewer of the branch: a login tied to an officer record holding the qualification (行政处罚法
    第五十八条第二款) unless `qualified=False`; `legal_review` sets the record's other fields (legal_review_since)."""
    user = make_user(username, world.branch, Role.LEGAL_REVIEWER)
    officer = make_officer(world.admin, world.branch, name, user=user)
    officer_set_legal_review(actor=world.admin, officer=officer, legal_qualification=qualified, **legal_review)
    return type(user).objects.get(pk=user.pk)  # as a request would load it, with the officer record as it is now


# A legal review passed with every item of the checklist in order, and one returned for more investigation.
APPROVED_REVIEW = {
    "conclusion": "approve",
    "checked": [key for key, _label in CHECKLIST],
    "opinion": "主体合法，事实清楚，证据确凿，适用依据正确，程序合法，裁量适当，同意",
}


def returned_review(problem: str) -> dict[str, object]:
    checked = [key for key, _label in CHECKLIST if key != "evidence"]
    return {"conclusion": "return", "checked": checked, "problems": problem, "opinion": f"退回补充调查：{problem}"}


class Desk:
    """Takes actions on one case as the users of the test world, remembering what should have been recorded."""

    def __init__(self, world: Any, evidence: Any) -> None:
        # Certificates issued in December 2025, so that cases can run through 2026.
        for person in (world.officer, world.colleague, world.sibling_officer):
            for held in person.certificates.all():
                # Replaced from the day it took effect, so that it covers no act of the cases below.
                certificate_revoke(actor=world.admin, certificate=held, on_date=held.valid_from, reason="换发")
            give_certificate(world.admin, person, valid_from=date(2025, 12, 1))
        self.world = world
        self.officer = world.officer_user
        self.approver = make_user("approver", world.branch, Role.APPROVER)
        self.deputy = make_user("deputy", world.branch, Role.APPROVER)  # a second head, for collective discussion
        self.reviewer = make_reviewer(world, "reviewer", "丁审核")
        self.team = [world.officer, world.colleague]
        # A hearing chair from the bureau above, who does not investigate (行政处罚法 第六十四条第四项).
        self.chair = make_officer(world.admin, world.bureau, "戊主持")
        give_certificate(world.admin, self.chair, valid_from=date(2025, 12, 1))
        self.photo = blobs.store(io.BytesIO(b"photo of stumps"), content_type="image/jpeg").sha256
        self.video = blobs.store(io.BytesIO(b"body camera video"), content_type="video/mp4").sha256
        self.scan = blobs.store(io.BytesIO(b"signed record"), content_type="application/pdf").sha256
        self.case: Case | None = None
        self.done: list[str] = []
        # Entries about other subjects an act made: each recording it brought is numbered (recording.register).
        self.side: list[str] = []
        self.today = TODAY
        # Make the advance notice and the decision before they are served, as an officer would.
        self.make_documents = True

    def actor_for(self, name: str) -> Any:
        roles = ACTIONS[name].roles
        if Role.APPROVER.value in roles:
            return self.approver
        if Role.LEGAL_REVIEWER.value in roles:
            return self.reviewer
        return self.officer

    def __call__(self, name: str, on_date: date, **data: Any) -> Case:
        issued = False
        if name in NATIONAL.as_required and "recording_later" not in data:
            # What the officer answers the recording question with when the test does not say: the written record
            # is enough (seed 004). A test of the question itself gives its own answer, or "" to leave it out.
            data.setdefault("no_recording_reason", TEXT_SUFFICES)
        with transaction.atomic():  # a refused act takes back the document made for it
            if self.make_documents and self.case is not None:
                # What the officer does first: make the document that is served (guards.py refuses without).
                # When it cannot be made, the act's own guards say why the act cannot be taken.
                with contextlib.suppress(Refusal):
                    issued = issuing.issue_served(self.officer, self.case, name) is not None
            numbered = Recording.objects.filter(case=self.case).count() if self.case is not None else 0
            case = services.perform(
                self.actor_for(name), name, {"on_date": on_date, **data}, case=self.case, agency=self.world.branch
            )
        self.side.extend(["recording.register"] * (Recording.objects.filter(case=case).count() - numbered))
        self.case = case
        if issued:
            self.done.append("document.issue")
        self.done.append(f"case.{name}")
        if name in issuing.ISSUED_BY_ACT:  # the act makes its own document (the decision on the spot)
            self.done.append("document.issue")
        return case

    def refused(self, name: str, on_date: date, **data: Any) -> Refusal:
        """Try an action the rules refuse and check that it changed nothing."""
        before = self._state()
        with pytest.raises(Refusal) as refused:
            self(name, on_date, **data)
        assert self._state() == before
        return refused.value

    def _state(self) -> tuple[Any, ...]:
        if self.case is None:
            return (Entry.objects.count(), Case.objects.count())
        case = Case.objects.get(pk=self.case.pk)
        return (Entry.objects.count(), snapshot(case), CaseRecord.objects.count(), CaseDeadline.objects.count())

    def lead(self, received_on: date, **extra: Any) -> Case:
        fields = {
            "domain": Domain.FORESTRY,
            "source": "inspection",
            "title": "滥伐林木",
            "summary": "巡护发现二号林班有新伐桩十二个",
            "received_on": received_on,
            "act_ended_on": date(2025, 12, 20),
            "party_kind": "citizen",
            "party_name": "张某",
            "evidence": [self.photo],
        }
        return self("register_lead", received_on, **{**fields, **extra})

    def investigate(self, on: date) -> None:
        self("file", on)
        self("assign", on, lead=self.team[0], others=self.team[1:], declared=self.team)
        self("add_evidence", on, officers=self.team, kind="object", summary="伐桩照片", evidence=[self.photo])
