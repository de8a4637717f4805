"""The visit's second half: the off-site review, the on-site record and its acts, the result, telling and
publishing it, cancelling, and the business's objections and complaints.

One service per change, each in one transaction with its ledger entry; the moves are `choices.TRANSITIONS`. The
periods are `PERIODS`, data with their source (RULES.md, "Inspections of businesses"). A result told or published
late is recorded as late, never refused: the supervisor must see it (docs/inspections.md, "The visit").
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from zhifa.cases import services as case_services
from zhifa.cases.choices import LeadSource, PartyKind
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.permissions import require_role
from zhifa.core.workdays import add_working_days
from zhifa.documents.choices import DocumentKind
from zhifa.inspections.choices import ActKind, InspectionState, ObjectionKind, Outcome, ReviewMethod, ToldHow
from zhifa.inspections.models import Inspection, InspectionAct, InspectionObjection
from zhifa.inspections.services import HEADS, PLANNERS, _move, _name, _visit_facts
from zhifa.ledger.services import record
from zhifa.personnel.models import Officer


@dataclass(frozen=True)
class Period:
    working_days: int
    source: str


PERIODS: dict[str, Period] = {
    # 海南条例 第二十二条: the result told at once when known on the spot, otherwise within 5 working days.
    "tell": Period(5, "海南省涉企行政检查条例（试行）第二十二条（检查结果5个工作日内告知）"),
    # No inspection-specific national period was found; 118号文's 20 working days for other enforcement decisions.
    "publish": Period(20, "民营经济促进法 第五十二条（检查结果公开）；期限比照国办发〔2018〕118号（20个工作日）"),
    # No national period for answering a business's objection; Hainan's 10 working days for telling a complainant.
    "objection_answer": Period(10, "比照海南省涉企行政检查条例（试行）第十三条（10个工作日）"),
}

MAX_FILES = 50
MAX_OPEN_OBJECTIONS = 5
VISIT_RULE = "司法部《行政检查文书基本格式文本（试行）》（现场检查笔录）；行政处罚法 第五十五条"
OFF_SITE_RULE = "海南条例 第十六条（能够通过书面核查、信息共享、智慧监管等方式实现检查目的的，不得入企检查）"


def due(start: date, period: str) -> date:
    return add_working_days(start, PERIODS[period].working_days).date


def _text(value: str, field: str, label: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Refusal(f"{label}：请填写", field=field)
    if len(value) > limit:
        raise Refusal(f"{label}：最多{limit}字，现有{len(value)}字", field=field)
    return value


def _locked(inspection: Inspection) -> Inspection:
    return (
        # Only the inspection's row is locked: PostgreSQL locks no row of an outer join (the plan may be none).
        Inspection.objects.select_for_update(of=("self",))
        .select_related("agency", "target", "plan")
        .prefetch_related("officers", "items")
        .get(pk=inspection.pk)
    )


def _require_inspector(actor: User, inspection: Inspection, doing: str) -> None:
    """The record of a visit or review is made by one of the inspection's own officers: they were there."""
    require_role(actor, (Role.OFFICER.value,), agency=inspection.agency, doing=doing)
    if not Officer.objects.filter(user=actor, pk__in=[officer.pk for officer in inspection.officers.all()]).exists():
        raise Refusal(f"只有本次检查的执法人员可以{doing}", field="officers", rule=VISIT_RULE)


def _files(files: Sequence[str], names: dict[str, str]) -> list[list[str]]:
    """The chosen files as [[sha256, name], …], bounded; whether each is stored and the actor's to attach, the
    ledger's `record` checks (the same refusal for every act that names files)."""
    digests = list(dict.fromkeys(digest.strip().lower() for digest in files if digest.strip()))
    if len(digests) > MAX_FILES:
        raise Refusal(f"照片和录像：一次最多{MAX_FILES}个文件", field="files")
    return [[digest, names.get(digest, "")[:200]] for digest in digests]


def _moment(value: datetime, field: str, label: str, now: datetime) -> datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now:
        raise Refusal(f"{label}不能晚于现在", field=field)
    return value


# ---- the off-site review and the on-site record -----------------------------------------------------------------


def inspection_review_off_site(
    *,
    actor: User,
    inspection: Inspection,
    method: str,
    note: str,
    files: Sequence[str] = (),
    names: dict[str, str] | None = None,
) -> Inspection:
    """非现场检查: the written, data or smart review recorded where it suffices (no visit, no code)."""
    with translation.override("zh-hans"), transaction.atomic():
        inspection = _locked(inspection)
        _require_inspector(actor, inspection, "记录非现场检查")
        if not inspection.off_site:
            raise Refusal("现场检查应扫码入企后记录现场检查笔录", field="off_site", rule=OFF_SITE_RULE)
        if method not in ReviewMethod.values:
            raise Refusal("非现场检查方式：请选择书面核查、信息共享比对或智慧监管", field="method", rule=OFF_SITE_RULE)
        note = _text(note, "note", "核查情况", 5000)
        attached = _files(files, names or {})
        _move(inspection, InspectionState.OFF_SITE_REVIEWED)
        inspection.review_method = method
        inspection.review_note = note
        inspection.reviewed_at = timezone.now()
        inspection.site_files = attached
        inspection.save(update_fields=["state", "review_method", "review_note", "reviewed_at", "site_files"])
        record(
            actor=actor,
            action="inspection.reviewed_off_site",
            subject=inspection,
            facts={**_visit_facts(inspection), "method": method, "note": note, "file_names": dict(attached)},
            files=[digest for digest, _ in attached],
            agency=inspection.agency,
        )
        return inspection


def inspection_record_visit(
    *,
    actor: User,
    inspection: Inspection,
    started_at: datetime,
    ended_at: datetime,
    present: str,
    findings: str,
    statement: str = "",
    files: Sequence[str] = (),
    names: dict[str, str] | None = None,
) -> Inspection:
    """现场检查笔录: once the business confirmed the code at the door; times, who of the business was present,
    what was found, what the business said (海南条例 第十七条), the photos and video. Recorded once."""
    now = timezone.now()
    with translation.override("zh-hans"), transaction.atomic():
        inspection = _locked(inspection)
        _require_inspector(actor, inspection, "记录现场检查笔录")
        if inspection.state != InspectionState.ON_SITE:
            raise Refusal(
                f"检查状态为“{inspection.get_state_display()}”：现场检查笔录在企业扫码确认执法人员到场后记录",
                field="state",
                rule="海南条例 第十六条（扫码入企）",
            )
        if inspection.recorded_at is not None:
            raise Refusal("现场检查笔录已记录，不能修改；补充情况请另作询问、抽样或勘验记录", field="state")
        started_at = _moment(started_at, "started_at", "现场检查开始时间", now)
        ended_at = _moment(ended_at, "ended_at", "现场检查结束时间", now)
        if ended_at <= started_at:
            raise Refusal("现场检查结束时间应晚于开始时间", field="ended_at")
        scanned = inspection.code_scanned_at
        if scanned is not None and ended_at < scanned:
            raise Refusal(
                f"现场检查结束时间不能早于企业扫码确认的时间（{timezone.localtime(scanned):%Y-%m-%d %H:%M}）",
                field="ended_at",
            )
        present = _text(present, "present", "企业在场人员", 200)
        findings = _text(findings, "findings", "现场检查情况", 10000)
        statement = _text(statement, "statement", "企业陈述、申辩或异议", 5000, required=False)
        attached = _files(files, names or {})
        inspection.visit_started_at = started_at
        inspection.visit_ended_at = ended_at
        inspection.site_present = present
        inspection.site_record = findings
        inspection.business_statement = statement
        inspection.site_files = attached
        inspection.recorded_at = now
        inspection.save(
            update_fields=[
                "visit_started_at",
                "visit_ended_at",
                "site_present",
                "site_record",
                "business_statement",
                "site_files",
                "recorded_at",
            ]
        )
        record(
            actor=actor,
            action="inspection.visit_recorded",
            subject=inspection,
            facts={
                **_visit_facts(inspection),
                "started_at": started_at.isoformat(),
                "ended_at": ended_at.isoformat(),
                "present": present,
                "findings": findings,
                "statement": statement,
                "file_names": dict(attached),
            },
            files=[digest for digest, _ in attached],
            agency=inspection.agency,
        )
        return inspection


ACT_DOCUMENTS = {
    ActKind.INQUIRY: DocumentKind.INSPECTION_INQUIRY,
    ActKind.SAMPLING: DocumentKind.INSPECTION_SAMPLING,
    ActKind.SURVEY: DocumentKind.INSPECTION_SURVEY,
}


def inspection_record_act(
    *,
    actor: User,
    inspection: Inspection,
    kind: str,
    person: str,
    text: str,
    files: Sequence[str] = (),
    names: dict[str, str] | None = None,
) -> InspectionAct:
    """An inquiry, a sampling or a survey made during the visit (询问、抽样、勘验), before the result."""
    with translation.override("zh-hans"), transaction.atomic():
        inspection = _locked(inspection)
        _require_inspector(actor, inspection, "记录询问、抽样或勘验")
        if inspection.state != InspectionState.ON_SITE:
            raise Refusal(
                f"检查状态为“{inspection.get_state_display()}”：询问、抽样、勘验在现场检查中、检查结果作出前记录",
                field="state",
            )
        if kind not in ActKind.values:
            raise Refusal("记录类别：请选择询问、抽样或勘验", field="kind")
        label = "被询问人" if kind == ActKind.INQUIRY else "在场人或见证人"
        person = _text(person, "person", label, 200)
        text = _text(text, "text", "记录内容", 10000)
        attached = _files(files, names or {})
        if inspection.acts.count() >= 30:
            raise Refusal("一次检查最多30份询问、抽样、勘验记录", field="kind")
        act = InspectionAct.objects.create(
            inspection=inspection,
            kind=kind,
            person=person,
            text=text,
            files=attached,
            at=timezone.now(),
            by=actor,
            by_name=_name(actor),
        )
        record(
            actor=actor,
            action="inspection.act_recorded",
            subject=inspection,
            facts={
                **_visit_facts(inspection),
                "act": act.pk,
                "kind": kind,
                "person": person,
                "text": text,
                "file_names": dict(attached),
            },
            files=[digest for digest, _ in attached],
            agency=inspection.agency,
        )
        return act


# ---- the result, told and published ----------------------------------------------------------------------------


def inspection_record_result(
    *,
    actor: User,
    inspection: Inspection,
    outcome: str,
    findings: str,
    case_title: str = "",
    on_date: date | None = None,
) -> Inspection:
    """检查结果: no problem, ordered to correct, or a case lead opened (through the cases' own service). The dues
    to tell (5 working days) and publish (20) start on the result's day, `on_date` (today unless the result was
    made earlier — a test report received before it is entered — and then the dues may have passed already)."""
    today = timezone.localdate()
    on_date = on_date or today
    with translation.override("zh-hans"), transaction.atomic():
        inspection = _locked(inspection)
        _require_inspector(actor, inspection, "记录检查结果")
        if on_date > today or on_date < inspection.planned_on:
            raise Refusal(f"检查结果作出日期应在计划检查日期（{inspection.planned_on}）至今天之间", field="on_date")
        if inspection.state == InspectionState.ON_SITE and inspection.recorded_at is None:
            raise Refusal("请先记录现场检查笔录，再作出检查结果", field="state", rule=VISIT_RULE)
        if outcome not in Outcome.values:
            raise Refusal("检查结果：请选择未发现问题、责令改正或登记案源", field="outcome")
        findings = _text(findings, "findings", "检查发现", 5000, required=outcome != Outcome.NO_PROBLEM)
        _move(inspection, InspectionState.RESULT_RECORDED)
        case = None
        if outcome == Outcome.CASE_OPENED:
            title = _text(case_title, "case_title", "案由", 200)
            target = inspection.target
            case = case_services.perform(
                actor,
                "register_lead",
                {
                    "on_date": today,
                    "domain": target.domain,
                    "source": LeadSource.INSPECTION,
                    "title": title,
                    "summary": f"涉企行政检查（第{inspection.pk}号，{inspection.planned_on}）发现：{findings}"[:5000],
                    "received_on": on_date,
                    "party_kind": PartyKind.ORGANISATION,
                    "party_name": target.name,
                    "party_credit_code": target.credit_code,
                    "party_address": target.address,
                },
                agency=inspection.agency,
            )
        inspection.outcome = outcome
        inspection.findings = findings
        inspection.result_on = on_date
        inspection.case = case
        inspection.tell_due = due(on_date, "tell")
        inspection.publish_due = due(on_date, "publish")
        inspection.save(update_fields=["state", "outcome", "findings", "result_on", "case", "tell_due", "publish_due"])
        record(
            actor=actor,
            action="inspection.result_recorded",
            subject=inspection,
            facts={
                **_visit_facts(inspection),
                "outcome": outcome,
                "result_on": on_date.isoformat(),
                "findings": findings,
                "case_id": case.pk if case is not None else None,
                "tell_due": inspection.tell_due.isoformat(),
                "tell_source": PERIODS["tell"].source,
                "publish_due": inspection.publish_due.isoformat(),
                "publish_source": PERIODS["publish"].source,
            },
            agency=inspection.agency,
        )
        return inspection


def inspection_tell(*, actor: User, inspection: Inspection, how: str) -> Inspection:
    """The result told to the business (海南条例 第二十二条): on the spot on the visit's day, or by serving the
    result notice (行政检查结果告知书, issued first). After `tell_due` it is recorded as late."""
    from zhifa.inspections.models import InspectionDocument

    now = timezone.now()
    with translation.override("zh-hans"), transaction.atomic():
        inspection = _locked(inspection)
        require_role(actor, PLANNERS, agency=inspection.agency, doing="告知检查结果")
        if how not in ToldHow.values:
            raise Refusal("告知方式：请选择当场告知、送达结果告知书或电子送达", field="how")
        _move(inspection, InspectionState.TOLD)
        if how == ToldHow.ON_THE_SPOT:
            visited = inspection.visit_ended_at
            if visited is None or timezone.localdate(visited) != timezone.localdate(now):
                refused = "当场告知仅限现场检查当日；其他情形应送达行政检查结果告知书"
                raise Refusal(refused, field="how", rule=PERIODS["tell"].source)
        elif not InspectionDocument.objects.filter(inspection=inspection, kind=DocumentKind.INSPECTION_RESULT).exists():
            raise Refusal("请先制作行政检查结果告知书，再送达", field="how", rule=PERIODS["tell"].source)
        assert inspection.tell_due is not None
        late = timezone.localdate(now) > inspection.tell_due
        inspection.told_at = now
        inspection.told_how = how
        inspection.save(update_fields=["state", "told_at", "told_how"])
        record(
            actor=actor,
            action="inspection.told",
            subject=inspection,
            facts={**_visit_facts(inspection), "how": how, "tell_due": inspection.tell_due.isoformat(), "late": late},
            agency=inspection.agency,
        )
        return inspection


def public_summary(inspection: Inspection) -> dict[str, Any]:
    """What the portal shows of a published result: body, business, day, items, source, outcome — never the
    reason's text or the findings' details (a complaint's facts, trade secrets)."""
    return {
        "agency": inspection.agency.name,
        "target": inspection.target.name,
        "credit_code": inspection.target.credit_code,
        "source": inspection.source,
        "cause": inspection.cause,
        "off_site": inspection.off_site,
        "day": (
            timezone.localdate(inspection.visit_started_at) if inspection.visit_started_at else inspection.result_on
        ).isoformat(),  # type: ignore[union-attr]
        "items": sorted(item.code for item in inspection.items.all()),
        "outcome": inspection.outcome,
    }


def inspection_publish(*, actor: User, inspection: Inspection) -> Inspection:
    """The result published on the portal (民营经济促进法 第五十二条). After `publish_due` it is recorded as late."""
    now = timezone.now()
    with translation.override("zh-hans"), transaction.atomic():
        inspection = _locked(inspection)
        require_role(actor, PLANNERS, agency=inspection.agency, doing="公开检查结果")
        _move(inspection, InspectionState.PUBLISHED)
        assert inspection.publish_due is not None
        inspection.published_at = now
        inspection.save(update_fields=["state", "published_at"])
        record(
            actor=actor,
            action="inspection.published",
            subject=inspection,
            facts={
                **public_summary(inspection),
                "publish_due": inspection.publish_due.isoformat(),
                "late": timezone.localdate(now) > inspection.publish_due,
            },
            agency=inspection.agency,
        )
        return inspection


def inspection_cancel(*, actor: User, inspection: Inspection, reason: str) -> Inspection:
    """撤销 before the visit, by the body's head with the reason: a drawn business is never quietly dropped."""
    with translation.override("zh-hans"), transaction.atomic():
        inspection = _locked(inspection)
        require_role(actor, HEADS, agency=inspection.agency, doing="撤销行政检查")
        reason = _text(reason, "reason", "撤销理由", 500)
        _move(inspection, InspectionState.CANCELLED)
        inspection.cancel_reason = reason
        inspection.save(update_fields=["state", "cancel_reason"])
        record(
            actor=actor,
            action="inspection.cancelled",
            subject=inspection,
            facts={**_visit_facts(inspection), "reason": reason, "draw_id": inspection.draw_id},
            agency=inspection.agency,
        )
        return inspection


# ---- the business's objections and complaints -------------------------------------------------------------------

OBJECTION_RULE = "海南条例 第十七条、第二十五条"


def objection_file(*, token: str, kind: str, text: str, contact: str = "", network: str = "") -> InspectionObjection:
    """From the inspection code's public page (the token is the business's key): an objection to the result once
    it was told, a complaint about the inspection once the code exists. The text stays in the row; the ledger
    keeps its SHA-256 (it may name people); the contact is never in the ledger."""
    today = timezone.localdate()
    with translation.override("zh-hans"), transaction.atomic():
        inspection = (
            Inspection.objects.select_for_update().select_related("agency", "target").filter(code_token=token).first()
        )
        if not token or inspection is None:
            raise Refusal("检查码无效", field="code")
        if kind not in ObjectionKind.values:
            raise Refusal("类别：请选择对检查结果有异议或对检查行为投诉", field="kind")
        if kind == ObjectionKind.OBJECTION and inspection.told_at is None:
            refused = "检查结果告知后方可提出异议；对检查行为有意见的，请选择投诉"
            raise Refusal(refused, field="kind", rule=OBJECTION_RULE)
        text = _text(text, "text", "事实和理由", 3000)
        contact = _text(contact, "contact", "联系人及电话", 100, required=False)
        if inspection.objections.filter(answered_at__isnull=True).count() >= MAX_OPEN_OBJECTIONS:
            raise Refusal(f"该检查已有{MAX_OPEN_OBJECTIONS}件异议或投诉待答复，请等待答复后再提出", field="text")
        objection = InspectionObjection.objects.create(
            inspection=inspection,
            kind=kind,
            text=text,
            contact=contact,
            filed_at=timezone.now(),
            answer_due=due(today, "objection_answer"),
        )
        record(
            actor=None,
            action="inspection.objection_filed",
            subject=objection,
            facts={
                **_visit_facts(inspection),
                "inspection": inspection.pk,
                "kind": kind,
                "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "answer_due": objection.answer_due.isoformat(),
                "answer_source": PERIODS["objection_answer"].source,
                "network": network,
            },
            agency=inspection.agency,
        )
        return objection


def may_answer(actor: User, objection: InspectionObjection) -> bool:
    """An objection is answered by the inspecting body (officers, heads); a complaint by a supervisor above it."""
    agency = objection.inspection.agency
    roles = (Role.SUPERVISOR.value,) if objection.kind == ObjectionKind.COMPLAINT else PLANNERS
    try:
        require_role(actor, roles, agency=agency, doing="答复")
    except Refusal:
        return False
    return not (objection.kind == ObjectionKind.COMPLAINT and actor.agency_id == agency.pk)


def objection_answer(*, actor: User, objection: InspectionObjection, answer: str) -> InspectionObjection:
    with translation.override("zh-hans"), transaction.atomic():
        objection = (
            InspectionObjection.objects.select_for_update()
            .select_related("inspection__agency", "inspection__target")
            .get(pk=objection.pk)
        )
        if not may_answer(actor, objection):
            who = "上级执法监督机关" if objection.kind == ObjectionKind.COMPLAINT else "检查机关"
            raise Refusal(f"{objection.get_kind_display()}由{who}答复", field="answer", rule=OBJECTION_RULE)
        if objection.answered_at is not None:
            raise Refusal("已答复，不能修改", field="answer")
        answer = _text(answer, "answer", "答复内容", 5000)
        now = timezone.now()
        objection.answer = answer
        objection.answered_at = now
        objection.answered_by = actor
        objection.answered_by_name = _name(actor)
        objection.save(update_fields=["answer", "answered_at", "answered_by", "answered_by_name"])
        record(
            actor=actor,
            action="inspection.objection_answered",
            subject=objection,
            facts={
                **_visit_facts(objection.inspection),
                "inspection": objection.inspection_id,
                "kind": objection.kind,
                "answer": answer,
                "late": timezone.localdate(now) > objection.answer_due,
            },
            agency=objection.inspection.agency,
        )
        return objection
