"""The writes of case-file review (案卷评查, 行政执法监督条例 第十八条): open a round (draw or select the files),
score a file, issue its sheet, the reviewed agency's objection (第三十条) and the answer, publish criteria.

Each service runs in one transaction with its ledger entry (supervision.review_*). Which files: closed ones —
state 已结案 or 已归档 with their closing date in the round's period — because a file is reviewed as bound
(seed 000: "对已经结案的行政执法案件……形成规范的行政执法卷宗"); a decided case still executing has no
complete file yet. Whose files: those of the agencies below the supervisor's own (his own agency's files are
its self-inspection, 自查自评, not supervision).

The random draw is reproducible from the seed and the eligible list, both recorded in the ledger before the
draw's own entry: within each agency the files are ranked by SHA-256 of "<seed>:<case id>" (hex, ascending)
and the first n taken, n = max(minimum, ⌈ratio × files⌉), never more than the agency has (`draw`).
"""

from __future__ import annotations

import hashlib
import io
import math
import secrets
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation

from zhifa.cases.models import Case
from zhifa.cases.workflow import State
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.scoping import can_see_agency
from zhifa.documents import contexts
from zhifa.documents.choices import DocumentKind
from zhifa.documents.numbering import next_number
from zhifa.documents.rendering import render_pdf
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.services import record
from zhifa.supervision import findings, review_criteria
from zhifa.supervision.models.reviews import (
    FileReview,
    ReviewCriteria,
    ReviewMethod,
    ReviewRound,
    ReviewState,
)

CLOSED_STATES = (State.CLOSED.value, State.ARCHIVED.value)
TITLE_LENGTH = 100
NOTE_LENGTH = 2000
OBJECTION_LENGTH = 500  # short: the agency states its objection and reasons; the detail goes on paper
MAX_PERIOD_DAYS = 3 * 366
MAX_FILES = 500
SUPERVISORS = (Role.SUPERVISOR.value,)
# The reviewed agency answers through its head (an approver of the agency, or of one above it within it).
AGENCY_SIDE = (Role.APPROVER.value,)


def eligible_cases(agency: Agency, period_from: date, period_to: date) -> models.QuerySet[Case]:
    """The files `agency` may review: closed in the period, of the agencies below it."""
    return Case.objects.filter(
        agency__path__startswith=agency.path,
        state__in=CLOSED_STATES,
        closed_on__gte=period_from,
        closed_on__lte=period_to,
    ).exclude(agency=agency)


def rank(seed: str, case_id: int) -> str:
    return hashlib.sha256(f"{seed}:{case_id}".encode()).hexdigest()


def draw(seed: str, eligible: Iterable[tuple[int, int]], ratio: Decimal, minimum: int) -> list[int]:
    """The case ids drawn from `eligible` ((case id, agency id) pairs), sorted: per agency, the files ranked by
    `rank`, the first max(minimum, ⌈ratio × count⌉) taken (at most all of them)."""
    by_agency: dict[int, list[int]] = {}
    for case_id, agency_id in eligible:
        by_agency.setdefault(agency_id, []).append(case_id)
    chosen: list[int] = []
    for ids in by_agency.values():
        wanted = min(len(ids), max(minimum, math.ceil(ratio * len(ids))))
        chosen.extend(sorted(ids, key=lambda case_id: rank(seed, case_id))[:wanted])
    return sorted(chosen)


def _supervisor(actor: User, doing: str) -> Agency:
    require_role(actor, SUPERVISORS, doing=doing)
    if actor.agency is None:
        raise Refusal(f"您的账号未关联机关，不能{doing}")
    return actor.agency


def _text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Refusal(f"请填写{label}", field=field)
    if len(text) > limit:
        raise Refusal(f"{label}不能超过{limit}字", field=field)
    return text


@transaction.atomic
def round_open(
    *,
    actor: User,
    title: str,
    period_from: date,
    period_to: date,
    method: str,
    ratio: Decimal | None = None,
    min_per_agency: int = 1,
    case_ids: Iterable[int] = (),
    seed: str | None = None,
) -> ReviewRound:
    """Open a review round over the files closed in the period: draw them (`method` random: by `ratio`, the seed
    recorded first) or take `case_ids` (selected); each file's automatic findings are read as of today."""
    agency = _supervisor(actor, "开展案卷评查")
    today = timezone.localdate()
    title = _text(title, "title", "评查活动名称", TITLE_LENGTH)
    if period_from > period_to:
        raise Refusal("结案日期的起始日不能晚于截止日", field="period_from")
    if period_to > today:
        raise Refusal("结案日期的截止日不能晚于今天", field="period_to")
    if (period_to - period_from).days > MAX_PERIOD_DAYS:
        raise Refusal("评查期间不能超过三年", field="period_from")
    if not 0 <= min_per_agency <= 50:
        raise Refusal("每个机关至少抽取的案卷数应在0至50之间", field="min_per_agency")
    eligible = list(
        eligible_cases(agency, period_from, period_to).order_by("pk").values_list("pk", "agency_id")[: MAX_FILES * 20]
    )
    if not eligible:
        raise Refusal("该期间内下级机关没有已结案的案卷", field="period_from")
    pairs = [[case_id, agency_id] for case_id, agency_id in eligible]
    facts: dict[str, Any] = {
        "title": title,
        "period": [period_from.isoformat(), period_to.isoformat()],
        "method": method,
        "min_per_agency": min_per_agency,
        "eligible": pairs,
    }
    round_ = ReviewRound(
        agency=agency,
        title=title,
        period_from=period_from,
        period_to=period_to,
        method=method,
        min_per_agency=min_per_agency,
        eligible=pairs,
        opened_on=today,
        created_by=actor,
    )
    if method == ReviewMethod.RANDOM:
        if ratio is None or not Decimal(0) < ratio <= Decimal(1):
            raise Refusal("抽取比例应大于0、不超过100%", field="ratio")
        round_.ratio = ratio
        round_.seed = seed or secrets.token_hex(16)
        round_.save()
        # The seed and the list it draws from are in the ledger before the draw is made.
        seeded = record(
            actor=actor,
            action="supervision.review_seed",
            subject=round_,
            facts={**facts, "ratio": str(ratio), "seed": round_.seed},
            agency=agency,
        )
        round_.seed_entry = seeded.index
        chosen = draw(round_.seed, eligible, ratio, min_per_agency)
        action = "supervision.review_draw"
    elif method == ReviewMethod.SELECTED:
        chosen = sorted(set(case_ids))
        known = dict(eligible)
        strangers = [case_id for case_id in chosen if case_id not in known]
        if not chosen or strangers:
            raise Refusal("请选择该期间内下级机关已结案的案卷", field="case_ids")
        available: dict[int, int] = {}
        for _case_id, agency_id in eligible:
            available[agency_id] = available.get(agency_id, 0) + 1
        picked = dict.fromkeys(available, 0)
        for case_id in chosen:
            picked[known[case_id]] += 1
        short = [a for a, n in picked.items() if n < min(min_per_agency, available[a])]
        if short:
            names = "、".join(Agency.objects.filter(pk__in=short).order_by("path").values_list("name", flat=True))
            raise Refusal(f"每个机关至少选取{min_per_agency}件案卷：{names}不足", field="case_ids")
        round_.save()
        action = "supervision.review_select"
    else:
        raise Refusal("请选择抽取方式", field="method")
    if len(chosen) > MAX_FILES:
        raise Refusal(f"一次评查不能超过{MAX_FILES}件案卷，请缩短期间或降低比例", field="ratio")
    drawn = record(actor=actor, action=action, subject=round_, facts={"cases": chosen}, agency=agency)
    round_.draw_entry = drawn.index
    round_.save(update_fields=["seed_entry", "draw_entry"])
    for case in Case.objects.filter(pk__in=chosen).order_by("pk"):
        FileReview.objects.create(
            round=round_,
            case=case,
            agency_id=case.agency_id,
            findings=[found.as_dict() for found in findings.find(case, today)],
            found_on=today,
        )
    return round_


def prefill(review: FileReview, sheet: review_criteria.Sheet) -> tuple[dict[str, tuple[Decimal, str]], dict[str, str]]:
    """The deductions and vetoes the findings suggest on `sheet`: each finding's criterion takes the item's points
    for a defect (a veto item its note); a finding whose criterion the sheet lacks is left to the reviewer."""
    deductions: dict[str, tuple[Decimal, str]] = {}
    vetoes: dict[str, str] = {}
    for found in review.findings:
        code, detail = found["criterion"], f"{found['name']}：{found['detail']}"
        item = sheet.item(code)
        if sheet.veto(code) is not None:
            vetoes[code] = "；".join(filter(None, [vetoes.get(code, ""), detail]))
        elif item is not None:
            points, note = deductions.get(code, (Decimal(0), ""))
            deductions[code] = (
                min(Decimal(item["points"]), points + Decimal(item["per_defect"])),
                "；".join(filter(None, [note, detail])),
            )
    return deductions, vetoes


def _may_review(actor: User, review: FileReview, doing: str) -> None:
    require_role(actor, SUPERVISORS, doing=doing)
    if actor.agency is None or not review.round.agency.is_within(actor.agency):
        raise Refusal(f"该评查活动不属于您所在的机关，不能{doing}")


@transaction.atomic
def review_score(
    *,
    actor: User,
    review: FileReview,
    deductions: Mapping[str, tuple[Decimal, str]],
    vetoes: Mapping[str, str],
    note: str,
) -> FileReview:
    """Score a file on the criteria in force today: each deduction (points, reason) confirmed or adjusted by the
    reviewer, each veto found with its reason; the total and the grade computed (review_criteria.score)."""
    review = FileReview.objects.select_for_update().select_related("round").get(pk=review.pk)
    _may_review(actor, review, "评查案卷")
    if review.state == ReviewState.ISSUED:
        raise Refusal("评查表已出具；被评查机关的异议成立的，答复后方可重新评分")
    today = timezone.localdate()
    sheet, version = review_criteria.in_force(review.round.agency, today)
    note = _text(note, "note", "评查意见", NOTE_LENGTH, required=False)
    taken: dict[str, Decimal] = {}
    lines = []
    for code, (points, reason) in deductions.items():
        item = sheet.item(code)
        if item is None:
            raise Refusal(f"评查标准中没有“{code}”这一项", field="deductions")
        try:
            points = Decimal(points)
        except InvalidOperation as error:
            raise Refusal(f"{item['label']}：扣分应为数字", field=f"points_{code}") from error
        if points < 0 or points > item["points"] or points % Decimal("0.5"):
            raise Refusal(f"{item['label']}：扣分应在0至{item['points']}分之间，以0.5分为单位", field=f"points_{code}")
        reason = _text(reason, f"note_{code}", f"{item['label']}的扣分理由", NOTE_LENGTH, required=bool(points))
        if points:
            taken[code] = points
            lines.append({"code": code, "points": str(points), "note": reason})
    found_vetoes = []
    for code, reason in vetoes.items():
        veto = sheet.veto(code)
        if veto is None:
            raise Refusal(f"评查标准中没有“{code}”这一否决项", field="vetoes")
        found_vetoes.append(
            {"code": code, "note": _text(reason, f"veto_{code}", f"否决项“{veto['label']}”的理由", NOTE_LENGTH)}
        )
    result = review_criteria.score(sheet, taken, {veto["code"] for veto in found_vetoes})
    review.deductions = lines
    review.vetoes = found_vetoes
    review.criteria = version
    review.criteria_version = sheet.version
    review.score = result.total
    review.grade = result.grade
    review.note = note
    review.reviewed_on = today
    review.reviewer = actor
    review.state = ReviewState.SCORED
    entry = record(
        actor=actor,
        action="supervision.review_score",
        subject=review,
        facts={
            "case": review.case_id,
            "criteria": sheet.version,
            "deductions": lines,
            "vetoes": found_vetoes,
            "score": str(result.total),
            "grade": result.grade,
            "note": note,
        },
        agency=review.round.agency,
    )
    review.score_entry = entry.index
    review.save()
    return review


def _sheet_context(review: FileReview, number: Any, entry_hash: str) -> contexts.FileReviewSheet:
    sheet, _version = review_criteria.in_force(review.round.agency, review.reviewed_on or timezone.localdate())
    taken = {line["code"]: line for line in review.deductions}
    found = {veto["code"]: veto["note"] for veto in review.vetoes}
    decision = review.case.documents.filter(kind=DocumentKind.PENALTY_DECISION).first()
    reviewer = review.reviewer
    return contexts.FileReviewSheet(
        number=number,
        agency_name=review.round.agency.name,
        entry_hash=entry_hash,
        round_title=review.round.title,
        reviewed_agency=review.agency.name,
        case_title=review.case.title,
        case_ref=decision.number if decision is not None else f"案件 {review.case_id}",
        closed_on=review.case.closed_on,
        criteria=f"{sheet.name}（{sheet.version}）：{sheet.source}",
        findings=tuple(f"{f['name']}：{f['detail']}（{f['source']}）" for f in review.findings),
        vetoes=tuple(
            contexts.ReviewLine(
                label=veto["label"],
                points=Decimal(0),
                deducted=Decimal(1 if veto["code"] in found else 0),
                note=found.get(veto["code"], ""),
            )
            for veto in sheet.vetoes
        ),
        lines=tuple(
            contexts.ReviewLine(
                label=item["label"],
                points=Decimal(item["points"]),
                deducted=Decimal(taken[item["code"]]["points"]) if item["code"] in taken else Decimal(0),
                note=taken[item["code"]]["note"] if item["code"] in taken else "",
            )
            for item in sheet.items
        ),
        score=review.score or Decimal(0),
        grade=review.get_grade_display(),
        reviewer_note=review.note or "—",
        reviewers=(reviewer.get_full_name() or reviewer.username) if reviewer else "",
        reviewed_on=review.reviewed_on or timezone.localdate(),
    )


def review_issue(*, actor: User, review: FileReview, site_base: str | None = None) -> FileReview:
    """Issue the scored file's review sheet (评查表): numbered in the supervising agency's series, rendered to PDF,
    stored, recorded; it carries the hash of the scoring's entry."""
    with translation.override("zh-hans"), transaction.atomic():
        review = FileReview.objects.select_for_update().select_related("round", "case", "agency").get(pk=review.pk)
        _may_review(actor, review, "出具评查表")
        if review.state != ReviewState.SCORED or review.score_entry is None:
            raise Refusal("请先完成评分，再出具评查表")
        today = timezone.localdate()
        number = next_number(review.round.agency, DocumentKind.FILE_REVIEW_SHEET, today.year)
        scored = Entry.objects.get(index=review.score_entry)
        context = _sheet_context(review, number, bytes(scored.leaf_hash).hex())
        pdf = render_pdf(DocumentKind.FILE_REVIEW_SHEET, context, site_base=site_base or settings.ZHIFA_PUBLIC_URL)
        blob = blobs.store(io.BytesIO(pdf), content_type="application/pdf")
        issued = record(
            actor=actor,
            action="supervision.review_issue",
            subject=review,
            facts={
                "kind": DocumentKind.FILE_REVIEW_SHEET.value,
                "number": str(number),
                "sha256": blob.sha256,
                "documents": review.score_entry,
                "grade": review.grade,
                "score": str(review.score),
            },
            files=[blob.sha256],
            agency=review.round.agency,
        )
        review.sheet_number = str(number)
        review.sheet_sha256 = blob.sha256
        review.sheet_entry = issued.index
        review.sheet_issued_on = today
        review.state = ReviewState.ISSUED
        review.save()
        return review


def may_object(actor: User, review: FileReview) -> bool:
    return (
        actor.is_active
        and actor.has_role(*AGENCY_SIDE)
        and actor.agency is not None
        and review.agency.is_within(actor.agency)
        and not review.round.agency.is_within(actor.agency)  # not the supervisor's own heads
    )


@transaction.atomic
def review_object(*, actor: User, review: FileReview, text: str) -> FileReview:
    """The reviewed agency objects to the result, with its reasons (行政执法监督条例 第三十条); once per sheet."""
    review = FileReview.objects.select_for_update().select_related("round", "agency").get(pk=review.pk)
    if not may_object(actor, review):
        raise Refusal("只有被评查机关的负责人可以对评查结果提出异议")
    if review.state != ReviewState.ISSUED:
        raise Refusal("评查表出具后方可提出异议")
    if review.objection and review.answered_on is None:
        raise Refusal("已提出异议，请等待评查机关答复")
    if review.objection and review.upheld is False:
        raise Refusal("异议已答复不成立，不能再次提出")
    text = _text(text, "objection", "异议及理由", OBJECTION_LENGTH)
    review.objection = text
    review.objected_on = timezone.localdate()
    review.objected_by = actor
    review.answer, review.upheld, review.answered_on = "", None, None
    review.save()
    record(
        actor=actor,
        action="supervision.review_object",
        subject=review,
        facts={"objection": text, "sheet": review.sheet_number},
        agency=review.agency,
    )
    return review


@transaction.atomic
def review_answer(*, actor: User, review: FileReview, upheld: bool, text: str) -> FileReview:
    """The supervisor answers the objection: upheld, the file goes back to scoring (a new sheet follows, the old
    one stays in the ledger); not upheld, the result stands."""
    review = FileReview.objects.select_for_update().select_related("round").get(pk=review.pk)
    _may_review(actor, review, "答复评查异议")
    if not review.objection or review.answered_on is not None:
        raise Refusal("没有待答复的异议")
    text = _text(text, "answer", "答复意见", NOTE_LENGTH)
    review.answer = text
    review.upheld = upheld
    review.answered_on = timezone.localdate()
    if upheld:
        review.state = ReviewState.OPEN  # scored again, then a new sheet; the old one stays in the ledger
    review.save()
    record(
        actor=actor,
        action="supervision.review_answer",
        subject=review,
        facts={"upheld": upheld, "answer": text, "sheet": review.sheet_number},
        agency=review.round.agency,
    )
    return review


@transaction.atomic
def criteria_publish(*, actor: User, sheet: dict[str, Any], effective_from: date) -> ReviewCriteria:
    """Publish a version of the supervisor's agency's criteria, in force from `effective_from` (not before today:
    a review already made keeps the criteria it was scored on)."""
    agency = _supervisor(actor, "发布案卷评查标准")
    if effective_from < timezone.localdate():
        raise Refusal("施行日期不能早于今天", field="effective_from")
    if effective_from > timezone.localdate() + timedelta(days=366):
        raise Refusal("施行日期不能晚于一年以后", field="effective_from")
    review_criteria.parse(sheet, "")
    if ReviewCriteria.objects.filter(agency=agency, effective_from=effective_from).exists():
        raise Refusal("该施行日期已有一个版本，请选择其他日期", field="effective_from")
    version = ReviewCriteria.objects.create(agency=agency, effective_from=effective_from, sheet=sheet, created_by=actor)
    record(
        actor=actor,
        action="supervision.review_criteria",
        subject=version,
        facts={"effective_from": effective_from.isoformat(), "sheet": sheet},
        agency=agency,
    )
    return version


def rounds_for(actor: User) -> models.QuerySet[ReviewRound]:
    """The rounds a supervisor sees: his agency's and those of the agencies below it."""
    if not actor.has_role(*SUPERVISORS) or actor.agency is None:
        return ReviewRound.objects.none()
    return ReviewRound.objects.filter(agency__path__startswith=actor.agency.path)


def results_for(actor: User) -> models.QuerySet[FileReview]:
    """The issued reviews of the files of the actor's agency (and below), for the reviewed side."""
    if actor.agency is None or not actor.has_role(*AGENCY_SIDE):
        return FileReview.objects.none()
    return FileReview.objects.filter(agency__path__startswith=actor.agency.path).exclude(state=ReviewState.OPEN)


def review_for(actor: User, pk: int) -> FileReview | None:
    """The review `actor` may open: a supervisor's round's file, or (issued) a file of the actor's agency."""
    review = FileReview.objects.select_related("round", "round__agency", "case", "agency").filter(pk=pk).first()
    if review is None:
        return None
    if actor.has_role(*SUPERVISORS) and actor.agency is not None and review.round.agency.is_within(actor.agency):
        return review
    if review.sheet_number and actor.has_role(*AGENCY_SIDE) and can_see_agency(actor, review.agency):
        return review
    return None
