"""Case-file review (案卷评查): the seeded draw recomputes, each automatic finding catches its defect and nothing
on a clean file, the score and grade with a veto, the criteria in force by date, the sheet issued with the grade."""

from __future__ import annotations

import hashlib
import io
import json
import math
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from zhifa.cases.models import Case, CaseDeadline, CaseDocument, CaseRecord
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.documents.choices import DocumentKind
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.supervision import findings, review_criteria, reviews
from zhifa.supervision.models.reviews import FileReview, ReviewState
from zhifa.testing.factories import at, make_user

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 1)


def closed_file(world: Any, agency: Any = None, *, closed_on: date = date(2026, 5, 6), **fields: Any) -> Case:
    """A closed penalty file with everything in order: filed on approval, a seizure recorded on video, decided with
    its reasons, served on time with the receipt, every period of the agency kept."""
    fields = {"discretion_reasons": "情节轻微，按裁量基准下限处罚", **fields}
    case = Case.objects.create(
        agency=agency or world.branch,
        domain="forestry",
        state="archived",
        title="滥伐林木",
        lead_source="inspection",
        lead_summary="巡护发现新伐桩",
        received_on=date(2026, 3, 2),
        filed_on=date(2026, 3, 3),
        facts_found="张某滥伐林木2株",
        penalty_kinds=["fine"],
        fine=Decimal(1000),
        penalty_text="罚款一千元",
        decided_on=date(2026, 4, 1),
        served_on=date(2026, 4, 3),
        closed_on=closed_on,
        created_by=world.admin,
        **fields,
    )
    video = blobs.store(io.BytesIO(b"body camera"), content_type="video/mp4").sha256
    receipt = blobs.store(io.BytesIO(b"signed receipt"), content_type="application/pdf").sha256
    for index, (action, day, files) in enumerate(
        (
            ("file", date(2026, 3, 3), []),
            ("seize", date(2026, 3, 5), [video]),
            ("decide", date(2026, 4, 1), []),
            ("serve", date(2026, 4, 3), [receipt]),
        )
    ):
        # The service said why it was not recorded, as the recording list asks of it (recordings/rules.py).
        answer = {"recording": {"needs": "as_required", "answer": "none", "reason": "直接送达，当事人签收"}}
        CaseRecord.objects.create(
            case=case,
            action=action,
            on_date=day,
            files=files,
            data=answer if action == "serve" else {},
            entry_index=case.pk * 10 + index,
            created_by=world.admin,
        )
    for kind in (DocumentKind.FILING_APPROVAL, DocumentKind.PENALTY_DECISION):
        CaseDocument.objects.create(
            case=case,
            kind=kind,
            number=f"测{case.pk}{kind}",
            year=2026,
            serial=case.pk,
            sha256="0" * 64,
            documents_entry=case.pk * 10,
            entry_index=case.pk * 10 + 5,
            issued_on=date(2026, 4, 1),
            created_by=world.admin,
        )
    CaseDeadline.objects.create(
        case=case, period="decision", started_on=date(2026, 3, 3), due_on=date(2026, 6, 1), stopped_on=date(2026, 4, 1)
    )
    CaseDeadline.objects.create(
        case=case, period="seizure", started_on=date(2026, 3, 5), due_on=date(2026, 4, 4), stopped_on=date(2026, 4, 1)
    )
    return case


# Each check's defect, seeded into an otherwise clean file.
DEFECTS = {
    "documents.filing_approval": lambda case: case.documents.filter(kind=DocumentKind.FILING_APPROVAL).delete(),
    "documents.decision": lambda case: case.documents.filter(kind=DocumentKind.PENALTY_DECISION).delete(),
    "documents.service_proof": lambda case: case.records.filter(action="serve").update(files=[]),
    "deadlines.missed": lambda case: case.deadlines.filter(period="seizure").update(stopped_on=date(2026, 4, 9)),
    "review.missing": lambda case: Case.objects.filter(pk=case.pk).update(major=True),
    "recording.seizure": lambda case: case.records.filter(action="seize").update(files=[]),
    "discretion.reasons": lambda case: Case.objects.filter(pk=case.pk).update(discretion_reasons=""),
    "service.late": lambda case: case.records.filter(action="serve").update(on_date=date(2026, 4, 30)),
}


def test_each_finding_catches_its_defect_and_nothing_on_a_clean_file(world, evidence):
    assert set(DEFECTS) == {check.code for check in findings.CHECKS}
    assert findings.find(closed_file(world), DAY) == []
    for code, seed in DEFECTS.items():
        case = closed_file(world)
        seed(case)
        found = findings.find(Case.objects.get(pk=case.pk), DAY)
        assert [f.code for f in found] == [code], code
        assert found[0].detail
        assert found[0].source
    # A decision to give no penalty has no decision to serve nor discretion to explain: nothing is missing.
    spared = closed_file(world, discretion_reasons="")
    spared.records.filter(action__in=("decide", "serve")).update(action="decide_no_penalty")
    spared.documents.filter(kind=DocumentKind.PENALTY_DECISION).delete()
    assert findings.find(spared, DAY) == []
    # A period still running past its day is missed too (the seizure never released).
    case = closed_file(world)
    case.deadlines.filter(period="seizure").update(stopped_on=None)
    assert "至今未办结" in findings.find(case, DAY)[0].detail


def test_the_seeded_draw_is_recorded_first_and_recomputes(world, evidence, time_machine):
    time_machine.move_to(at(DAY))
    files = [closed_file(world) for _ in range(7)] + [closed_file(world, world.sibling) for _ in range(2)]
    closed_file(world, closed_on=date(2025, 12, 30))  # closed before the period: not eligible
    own = closed_file(world, world.bureau)  # the supervisor's own agency: self-inspection, not drawn
    round_ = reviews.round_open(
        actor=world.supervisor,
        title="2026年度案卷评查",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 11, 30),
        method="random",
        ratio=Decimal("0.3"),
        min_per_agency=1,
    )
    eligible = sorted(case.pk for case in files)
    assert [pair[0] for pair in round_.eligible] == eligible
    assert own.pk not in eligible
    # The seed and the list are in the ledger before the draw's entry.
    seeded = Entry.objects.get(index=round_.seed_entry or 0)
    drawn = Entry.objects.get(index=round_.draw_entry or 0)
    assert seeded.index < drawn.index
    seed_facts = json.loads(seeded.facts.facts)
    assert seed_facts["seed"] == round_.seed
    assert seed_facts["eligible"] == round_.eligible

    # Recomputed by hand: per agency, rank by SHA-256("seed:id"), take max(1, ⌈0.3 n⌉).
    expected = []
    for agency in (world.branch, world.sibling):
        ids = [case_id for case_id, agency_id in seed_facts["eligible"] if agency_id == agency.pk]
        ids.sort(key=lambda i: hashlib.sha256(f"{seed_facts['seed']}:{i}".encode()).hexdigest())
        expected += ids[: max(1, math.ceil(Decimal("0.3") * len(ids)))]
    assert len(expected) == 3 + 1
    assert json.loads(drawn.facts.facts)["cases"] == sorted(expected)
    assert sorted(round_.reviews.values_list("case_id", flat=True)) == sorted(expected)


def test_score_and_grade_with_a_veto_and_the_cap_per_item():
    sheet = review_criteria.DEFAULT
    assert sheet.total == 100
    assert review_criteria.score(sheet, {"documents": Decimal(4), "deadlines": Decimal(6)}, set()).grade == "excellent"
    passed = review_criteria.score(sheet, {"evidence": Decimal(15), "discretion": Decimal(5)}, set())
    assert (passed.total, passed.grade) == (Decimal(80), "pass")
    # An item never costs more than its points: 10 for the documents, however many are missing.
    capped = review_criteria.score(sheet, {"documents": Decimal(50), "evidence": Decimal(20)}, set())
    assert (capped.total, capped.grade) == (Decimal(70), "pass")
    assert review_criteria.score(sheet, {"documents": Decimal("10.5"), "evidence": Decimal(20)}, set()).total == 70
    failed = review_criteria.score(sheet, {"evidence": Decimal(20), "facts": Decimal("10.5")}, set())
    assert (failed.total, failed.grade) == (Decimal("69.5"), "fail")
    vetoed = review_criteria.score(sheet, {}, {"veto.officer"})
    assert (vetoed.total, vetoed.grade, vetoed.vetoed) == (Decimal(0), "fail", True)


def test_the_criteria_in_force_on_the_day_of_the_review_apply(world, time_machine):
    time_machine.move_to(at(date(2026, 11, 20)))
    stricter = {
        **review_criteria.DEFAULT_SHEET,
        "name": "测试管理局案卷评查标准",
        "cutoffs": {"excellent": 95, "pass": 80},
    }
    with pytest.raises(Refusal, match="施行日期不能早于今天"):
        reviews.criteria_publish(actor=world.supervisor, sheet=stricter, effective_from=date(2026, 11, 19))
    bad = {**stricter, "items": stricter["items"][1:]}
    with pytest.raises(Refusal, match="合计应为100分"):
        reviews.criteria_publish(actor=world.supervisor, sheet=bad, effective_from=date(2026, 12, 1))
    reviews.criteria_publish(actor=world.supervisor, sheet=stricter, effective_from=date(2026, 12, 1))
    before, version = review_criteria.in_force(world.bureau, date(2026, 11, 30))
    assert version is None
    assert before.cutoffs["pass"] == 70
    after, version = review_criteria.in_force(world.branch, date(2026, 12, 1))  # inherited from the bureau above
    assert version is not None
    assert after.cutoffs == {"excellent": 95, "pass": 80}
    assert review_criteria.score(after, {"evidence": Decimal(15)}, set()).grade == "pass"
    assert review_criteria.score(before, {"evidence": Decimal(15)}, set()).grade == "pass"
    assert review_criteria.score(after, {"evidence": Decimal(20), "facts": Decimal(5)}, set()).grade == "fail"


@pytest.mark.dateless
def test_a_review_from_findings_to_the_sheet_and_the_objection(world, evidence, time_machine):
    time_machine.move_to(at(DAY))
    case = closed_file(world)
    DEFECTS["discretion.reasons"](case)
    DEFECTS["review.missing"](case)
    round_ = reviews.round_open(
        actor=world.supervisor,
        title="专项评查",
        period_from=date(2026, 1, 1),
        period_to=date(2026, 11, 30),
        method="selected",
        case_ids=[case.pk],
    )
    review = round_.reviews.get()
    deductions, vetoes = reviews.prefill(review, review_criteria.DEFAULT)
    assert deductions["discretion"][0] == Decimal(5)
    assert "裁量理由缺失" in deductions["discretion"][1]
    assert "重大执法决定" in vetoes["veto.procedure"]
    # The reviewer clears the veto (the catalog did not cover this case, say) and confirms the deduction.
    review = reviews.review_score(
        actor=world.supervisor, review=review, deductions=deductions, vetoes={}, note="裁量说理缺失，予以扣分"
    )
    assert (review.score, review.grade) == (Decimal(95), "excellent")
    review = reviews.review_score(
        actor=world.supervisor, review=review, deductions=deductions, vetoes=vetoes, note="未经法制审核"
    )
    assert (review.score, review.grade) == (Decimal(0), "fail")
    head = make_user("head", world.branch, Role.APPROVER)
    with pytest.raises(Refusal, match="出具后"):
        reviews.review_object(actor=head, review=review, text="已补充审核")
    review = reviews.review_issue(actor=world.supervisor, review=review)
    assert review.state == ReviewState.ISSUED
    assert "评查字〔2026〕第1号" in review.sheet_number
    pdf = b"".join(blobs.open_verified(review.sheet_sha256))
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "不合格" in text
    assert "行政执法案卷评查表" in text
    assert "裁量理由缺失" in text
    reviews.review_object(actor=head, review=review, text="本案不属于重大执法决定目录范围")
    review = reviews.review_answer(actor=world.supervisor, review=review, upheld=True, text="异议成立，重新评分")
    assert review.state == ReviewState.OPEN
    actions = list(Entry.objects.filter(subject=f"supervision.filereview:{review.pk}").values_list("action", flat=True))
    assert actions == [
        "supervision.review_score",
        "supervision.review_score",
        "supervision.review_issue",
        "supervision.review_object",
        "supervision.review_answer",
    ]
    assert FileReview.objects.get(pk=review.pk).objected_by == head


def test_the_pages_open_a_round_and_score_a_file_from_its_findings(world, evidence, client, time_machine):
    time_machine.move_to(at(DAY))
    case = closed_file(world, discretion_reasons="")
    client.force_login(world.supervisor)
    form = {
        "title": "专项评查",
        "period_from": "2026-01-01",
        "period_to": "2026-11-30",
        "method": "selected",
        "min_per_agency": "1",
        "case_ids": str(case.pk),
    }
    response = client.post("/supervision/reviews/new/", form)
    review = FileReview.objects.get(case=case)
    assert response.status_code == 302
    page = client.get(f"/supervision/reviews/file/{review.pk}/").content.decode()
    assert "裁量理由缺失" in page
    assert 'name="points_discretion"' in page
    assert 'value="5"' in page  # pre-filled from the finding
    score = {f"points_{item['code']}": "0" for item in review_criteria.DEFAULT.items}
    score |= {"points_discretion": "5", "note_discretion": "未说明裁量理由", "note": ""}
    client.post(f"/supervision/reviews/file/{review.pk}/score/", score)
    review.refresh_from_db()
    assert (review.score, review.grade) == (Decimal(95), "excellent")
    assert "专项评查" in client.get("/supervision/reviews/").content.decode()
    # The reviewed agency sees nothing before the sheet is issued.
    client.force_login(make_user("head", world.branch, Role.APPROVER))
    assert client.get(f"/supervision/reviews/file/{review.pk}/").status_code == 404
