"""The case services: each action of the workflow table, checked, applied and recorded in one transaction.

`perform(actor, action, data, case=...)` is the one entry point. It locks the case, checks the actor's
role and the case's state against the table (workflow.py), cleans the fields with the action's form
(forms.py), runs the action's guards (guards.py), applies the action (a handler below), starts and stops
its periods, and records the change in the ledger. Pages, the API and the demo call it; no rule lives in
a view. Every refusal is a `Refusal` with a Chinese message naming the rule and, where there is one, the
form field; a refused action changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone, translation

from zhifa.archives import binder, retention
from zhifa.archives.services import refuse_if_archived
from zhifa.cases import agency_settings, discretion, issuing, major, rules
from zhifa.cases.choices import (
    AppraisalKind,
    ContestChannel,
    CriminalOutcome,
    NoPenaltyGround,
    PartyKind,
    PreservationMeasure,
    Procedure,
    RecusalApplicant,
    ReviewConclusion,
    ServiceMethod,
)
from zhifa.cases.forms import action_form, parse_inventory
from zhifa.cases.guards import (
    GUARDS,
    Step,
    current_chair,
    late_fee_owed,
    money_text,
    new_team,
    outstanding,
    pending_refusal,
    running,
)
from zhifa.cases.models import Case, CaseDeadline, CaseOfficer, CaseRecord, Party
from zhifa.cases.workflow import ACTIONS, STATE_LABELS, Action, State, actions_from
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.laws import similar
from zhifa.ledger.forms import EvidenceField
from zhifa.ledger.services import record
from zhifa.recordings import services as recordings


def _check(actor: User, action: Action, *, agency: Agency, state: State | None) -> None:
    require_role(actor, action.roles, agency=agency, doing=str(action.label))
    if state not in action.sources:
        where = STATE_LABELS[state] if state is not None else "尚未建立"
        raise Refusal(f"案件处于“{where}”状态，不能{action.label}")


def clean(name: str, data: Mapping[str, Any], *, case: Case | None, agency: Agency | None) -> dict[str, Any]:
    """The action's fields, checked by its form; the first error becomes a refusal naming the field."""
    # A QueryDict (a page's POST) keeps its lists; a plain mapping (the API, the demo) is normalised.
    bound = data if hasattr(data, "getlist") else _plain(data)
    form = action_form(name, data=bound, case=case, agency=agency)
    if not hasattr(data, "getlist"):
        for key, value in bound.items():
            spec = form.fields.get(key)
            # A list given for a one-value field would be kept as its text ("['a']"): refuse it instead.
            if spec is not None and isinstance(value, list) and not takes_many(spec):
                raise Refusal(f"{spec.label}：应为单个值，不能是列表", field=key)
    try:
        valid = form.is_valid()
    except (TypeError, AttributeError, ValueError) as error:
        raise Refusal("字段格式不正确：日期请用 YYYY-MM-DD，人员用编号，多个值用列表") from error
    if not valid:
        field, messages = next(iter(form.errors.items()))
        label = form.fields[field].label if field in form.fields else None
        message = messages[0]
        text = f"{label}：{message}" if label else str(message)
        raise Refusal(text, field=None if field == "__all__" else field)
    return dict(form.cleaned_data)


def takes_many(field: forms.Field) -> bool:
    return isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField | EvidenceField)


def _plain(data: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-like mapping as a form expects it: rows by their key, scalars as they are, lists kept."""
    bound: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, Mapping):
            raise Refusal(f"字段“{key}”的值格式不正确", field=str(key))
        if key == "evidence" and isinstance(value, str):
            value = [value]  # one hash given without a list
        if isinstance(value, list | tuple):
            value = [item.pk if isinstance(item, Model) else item for item in value]
        elif isinstance(value, Model):
            value = value.pk
        bound[str(key)] = value
    return bound


def _officer_facts(officers: Any) -> list[dict[str, Any]]:
    return [{"id": officer.pk, "name": officer.name} for officer in officers]


def _party(data: Mapping[str, Any]) -> Party | None:
    name = str(data.get("party_name") or "").strip()
    if not name:
        return None
    kind = data.get("party_kind") or ""
    if kind not in PartyKind.values:
        raise Refusal("请选择当事人类型（公民，或法人或者其他组织）", field="party_kind")
    party = Party(
        kind=kind,
        name=name,
        id_number=str(data.get("party_id_number") or "").strip(),
        credit_code=str(data.get("party_credit_code") or "").strip().upper(),
        phone=str(data.get("party_phone") or "").strip(),
        address=str(data.get("party_address") or "").strip(),
    )
    try:
        party.full_clean()
    except ValidationError as error:
        # The model names its own fields; the forms (and the API) call them party_<name>.
        name, messages = next(iter(error.message_dict.items()))
        raise Refusal(messages[0], field=f"party_{name}" if name != "__all__" else "party_name") from error
    party.save()
    return party


def _party_facts(party: Party) -> dict[str, str]:
    return {"kind": party.kind, "name": party.name, "id_number": party.id_number, "credit_code": party.credit_code}


@dataclass
class Outcome:
    """What a handler did: the facts to record and, for acts that leave one, the case record to keep."""

    facts: dict[str, Any]
    summary: str | None = None  # not None: keep a CaseRecord with this summary
    officers: Any = ()


Handler = Callable[[Step], Outcome]
HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[name] = handler
        return handler

    return register


def _case(step: Step) -> Case:
    assert step.case is not None
    return step.case


@handles("register_lead")
def _register_lead(step: Step) -> Outcome:
    data = step.data
    received_on: date = data["received_on"]
    ended: date | None = data.get("act_ended_on")
    _not_future(received_on, "received_on", "发现或受理日期")
    if ended is not None and ended > received_on:
        raise Refusal("违法行为终了日期不能晚于发现或受理日期", field="act_ended_on")
    case = Case(
        agency=data["agency"],
        domain=data["domain"],
        procedure=Procedure.ORDINARY,
        title=data["title"].strip(),
        lead_source=data["source"],
        lead_summary=data["summary"].strip(),
        received_on=received_on,
        act_ended_on=ended,
        created_by=step.actor,
        state=State.LEAD,
    )
    case.full_clean()
    case.save()
    party = _party(data)
    if party is not None:
        case.parties.add(party)
    step.case = case
    step.starts["filing"] = received_on  # checked from the day the lead was found or received
    return Outcome(
        {
            "title": case.title,
            "source": case.lead_source,
            "summary": case.lead_summary,
            "received_on": received_on.isoformat(),
            "act_ended_on": ended.isoformat() if ended else None,
            "parties": [_party_facts(party)] if party else [],
        }
    )


@handles("file")
def _file(step: Step) -> Outcome:
    case = _case(step)
    if step.on_date < case.received_on:
        raise Refusal("立案日期不能早于发现或受理日期", field="on_date")
    case.filed_on = step.on_date
    case.grave_harm = bool(step.data.get("grave_harm"))
    facts: dict[str, Any] = {"filed_on": step.on_date.isoformat(), "grave_harm": case.grave_harm}
    if step.data.get("act_ended_on"):  # the date the lead lacked (or corrected), on which prescription was judged
        case.act_ended_on = step.data["act_ended_on"]
        facts["act_ended_on"] = case.act_ended_on.isoformat()
    if step.data.get("violation") is not None:  # the suspected violation the filing form names
        case.violation = step.data["violation"]
        facts["violation"] = case.violation.code
    return Outcome(facts)


@handles("decline", "terminate")
def _end_with_reason(step: Step) -> Outcome:
    case = _case(step)
    case.outcome_reason = step.data["reason"].strip()
    return Outcome({"reason": case.outcome_reason})


@handles("assign")
def _assign(step: Step) -> Outcome:
    case = _case(step)
    lead = step.data["lead"]
    chosen = {officer.pk: officer for officer in (lead, *step.data["others"])}
    for officer in chosen.values():
        CaseOfficer.objects.create(
            case=case, officer=officer, is_lead=officer.pk == lead.pk, declared_no_conflict_on=step.on_date
        )
    return Outcome({"lead": {"id": lead.pk, "name": lead.name}, "officers": _officer_facts(chosen.values())})


@handles("request_recusal")
def _request_recusal(step: Step) -> Outcome:
    data = step.data
    applicant = RecusalApplicant(data["applicant"])
    named = [{"id": officer.pk, "name": officer.name} for officer in data["named"]]
    facts = {"applicant": applicant.value, "named": named, "reason": data["reason"].strip()}
    names = "、".join(officer["name"] for officer in named)
    return Outcome(facts, f"{applicant.label}{names}回避：{facts['reason']}")


@handles("decide_recusal")
def _decide_recusal(step: Step) -> Outcome:
    case = _case(step)
    after = new_team(case, step.data)
    facts: dict[str, Any] = {"granted": bool(step.data["granted"]), "named": after.named, "reason": step.data["reason"]}
    names = "、".join(officer["name"] for officer in after.named)
    if not facts["granted"]:
        return Outcome(facts, f"决定{names}不予回避：{facts['reason']}")
    lead = after.lead
    assert lead is not None  # the guard team_after_recusal
    for officer_id, row in after.rows.items():
        if row.recused_on is None:
            row.recused_on = step.on_date if officer_id in after.leaving else None
            row.is_lead = officer_id == lead.pk
            row.save()
    added = [officer for officer in (lead, *after.others) if officer.pk not in after.rows]
    for officer in added:
        CaseOfficer.objects.create(
            case=case, officer=officer, is_lead=officer.pk == lead.pk, declared_no_conflict_on=step.on_date
        )
    facts["lead"] = {"id": lead.pk, "name": lead.name}
    facts["added"] = _officer_facts(added)
    joined = f"，增派{'、'.join(officer.name for officer in added)}" if added else ""
    return Outcome(facts, f"决定{names}回避，主办人{lead.name}{joined}：{facts['reason']}")


@handles("add_evidence")
def _evidence(step: Step) -> Outcome:
    kind = step.data["kind"]
    return Outcome({"kind": kind, "summary": step.data["summary"]}, step.data["summary"], step.data["officers"])


def _span(data: Mapping[str, Any]) -> dict[str, str]:
    """The act's start and end times as recorded ("HH:MM"), when given."""
    return {name: data[name].strftime("%H:%M") for name in ("started_at", "ended_at") if data.get(name)}


def _given(data: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: data[name].strip() if isinstance(data[name], str) else data[name] for name in names if data.get(name)}


@handles("record_interview")
def _interview(step: Step) -> Outcome:
    data = step.data
    facts = {
        "interviewee": data["interviewee"],
        "summary": data["summary"],
        **_given(data, "interviewee_role", "interviewee_id", "interviewee_address", "interviewee_phone", "place"),
        **_span(data),
        **_given(data, "transcript"),
    }
    return Outcome(facts, f"询问 {data['interviewee']}：{data['summary']}", data["officers"])


@handles("record_inspection")
def _inspection(step: Step) -> Outcome:
    data = step.data
    facts = {
        "place": data["place"],
        "summary": data["summary"],
        **_given(data, "present_person", "extracted"),
        **_span(data),
    }
    return Outcome(facts, f"{data['place']}：{data['summary']}", data["officers"])


@handles("preserve_evidence", "seize")
def _hold(step: Step) -> Outcome:
    approver: User | None = step.data.get("approved_by")
    if approver is not None:
        # Approved beforehand: nothing to report afterwards.
        step.skip.add("emergency_approval")
    facts = {
        "items": step.data["items"],
        "approved_by": {"id": approver.pk, "name": approver.get_full_name()} if approver else None,
        "emergency": bool(step.data.get("emergency")),
    }
    if step.action.name == "seize":
        # What the decision and the inventory handed to the party state (行政强制法 第二十四条).
        facts.update(_given(step.data, "measure", "reason", "basis", "place"))
        inventory = parse_inventory(step.data["items"])
        if inventory is not None:
            facts["inventory"] = inventory
    summary = step.data["items"] if approver else f"{step.data['items']}（情况紧急当场实施，待报告负责人补办批准）"
    return Outcome(facts, summary, step.data["officers"])


@handles("approve_seizure")
def _approve_seizure(step: Step) -> Outcome:
    released = step.data["decision"] == "release"
    if released:
        # The head finds the measure should not have been taken: it is lifted at once (行政强制法 第十九条).
        step.stop.update({"seizure", "seizure_extension", "appraisal"})
    opinion = str(step.data.get("opinion") or "").strip()
    late = any(step.on_date > d.due_on for d in running(_case(step), "emergency_approval"))
    facts = {"decision": step.data["decision"], "opinion": opinion, "late": late}
    summary = "负责人认为不应当采取，立即解除查封、扣押" if released else "负责人同意，补办批准"
    return Outcome(facts, f"{summary}{'（超过二十四小时报告）' if late else ''}{'：' + opinion if opinion else ''}")


@handles("extend_seizure")
def _extend_seizure(step: Step) -> Outcome:
    # The extension runs on from the last day of the first thirty days (行政强制法 第二十五条): a ceiling's
    # due day, which an appraisal's time not counted has moved on (第二十五条第三款).
    case = _case(step)
    facts = {"reason": step.data["reason"]}
    current = running(case, "seizure")
    if current:
        first_end = current[-1].due_on
        step.starts["seizure_extension"] = first_end
        excluded = _excluded_days(case)
        if excluded:
            step.amounts["seizure_extension"] = (rules.PERIODS["seizure_extension"].amount, _exclusion_source(excluded))
        # What the written notice of the extension states (第二十五条第二款).
        facts["first_ends_on"] = first_end.isoformat()
        facts["ends_on"] = rules.due("seizure_extension", first_end).date.isoformat()
    return Outcome(facts, step.data["reason"])


# 检测、检验、检疫、技术鉴定 (行政强制法 第二十五条第三款): the time stated to the party is not counted in the
# seizure. Sending the goods moves the seizure's last day on by the stated days; the end puts it where the
# days actually taken (never more than stated) leave it. Both are recorded with the new last day.


def _excluded_days(case: Case) -> int:
    """The days not counted in the seizure running now: appraisals ended, and the stated time of one running."""
    total = 0
    running_stated = 0
    for record_ in case.records.filter(action__in=("seize", "start_appraisal", "end_appraisal")).order_by(
        "entry_index"
    ):
        if record_.action == "seize":
            total, running_stated = 0, 0  # a new seizure counts its own
        elif record_.action == "start_appraisal":
            running_stated = int(record_.data["stated_days"])
        else:
            total += int(record_.data["excluded_days"])
            running_stated = 0
    return total + running_stated


def _exclusion_source(days: int) -> str:
    return f"行政强制法 第二十五条；不计入检测、检验、检疫或者技术鉴定期间 {days} 日（第二十五条第三款）"


def _move_seizure(case: Case, days: int, excluded: int, appraisal_started: date) -> str | None:
    """Move the running seizure period's last day by `days`; say on it how many days are not counted."""
    rows = running(case, "seizure", "seizure_extension")
    for deadline in rows:
        deadline.due_on += timedelta(days=days)
        if appraisal_started < deadline.started_on:
            # An extension begun while the goods were away runs on from the first period's corrected end.
            deadline.started_on += timedelta(days=days)
        deadline.amount = (deadline.due_on - deadline.started_on).days
        deadline.source = _exclusion_source(excluded) if excluded else ""
        deadline.save()
    return rows[-1].due_on.isoformat() if rows else None


@handles("start_appraisal")
def _start_appraisal(step: Step) -> Outcome:
    case = _case(step)
    data = step.data
    ends_on: date = data["ends_on"]
    stated = (ends_on - step.on_date).days
    step.dues["appraisal"] = ends_on
    due = _move_seizure(case, stated, _excluded_days(case) + stated, step.on_date)
    kind = AppraisalKind(data["kind"])
    facts = {
        "kind": kind.value,
        "items": data["items"].strip(),
        "institution": data["institution"].strip(),
        "ends_on": ends_on.isoformat(),
        "stated_days": stated,
        "seizure_due": due,
    }
    summary = f"送{kind.label}：{facts['items']}（{facts['institution']}，期间至 {ends_on}，不计入查封、扣押期间）"
    return Outcome(facts, summary)


@handles("end_appraisal")
def _end_appraisal(step: Step) -> Outcome:
    case = _case(step)
    sent = case.records.filter(action="start_appraisal").order_by("entry_index").last()
    assert sent is not None  # the guard appraisal_running: a running appraisal was started by a record
    stated = int(sent.data["stated_days"])
    stated_end = date.fromisoformat(sent.data["ends_on"])
    excluded = rules.appraisal_excluded_days(sent.on_date, step.on_date, stated_end)
    due = _move_seizure(case, excluded - stated, _excluded_days(case) - stated + excluded, sent.on_date)
    facts: dict[str, Any] = {
        "result": step.data["result"].strip(),
        "started_on": sent.on_date.isoformat(),
        "stated_days": stated,
        "excluded_days": excluded,
        "seizure_due": due,
    }
    left_out = _not_counted(case, "appraisal", (step.on_date - sent.on_date).days)
    if left_out is not None:
        facts["not_counted"] = left_out
    summary = f"{facts['result']}（不计入查封、扣押期间 {excluded} 日）"
    if step.on_date > stated_end:
        facts["beyond_stated_days"] = (step.on_date - stated_end).days
        summary += f"；超出告知的期间 {facts['beyond_stated_days']} 日，计入查封、扣押期间"
    return Outcome(facts, summary)


@handles("decide_preserved")
def _decide_preserved(step: Step) -> Outcome:
    """The decision on what was registered and preserved (行政处罚法 第五十六条): all of it not yet decided on."""
    case = _case(step)
    data = step.data
    decided = case.records.filter(action="decide_preserved").order_by("entry_index").last()
    preserved = case.records.filter(action="preserve_evidence").order_by("entry_index")
    if decided is not None:
        preserved = preserved.filter(entry_index__gt=decided.entry_index)
    items = str(data.get("items") or "").strip() or "；".join(r.data["items"] for r in preserved)
    # Late is still decided — the goods must be returned or dealt with — and the lateness stays on record.
    late = any(step.on_date > d.due_on for d in running(case, "preservation_decision"))
    approver: User = data["approved_by"]
    measure = PreservationMeasure(data["measure"])
    facts = {
        "measure": measure.value,
        "items": items,
        "reason": data["reason"].strip(),
        "approved_by": {"id": approver.pk, "name": approver.get_full_name()},
        "preserved": [{"on_date": r.on_date.isoformat(), "entry": r.entry_index} for r in preserved],
        "late": late,
    }
    return Outcome(facts, f"{measure.label}：{items}{'（超过七个工作日作出）' if late else ''}")


@handles("release_seizure")
def _release(step: Step) -> Outcome:
    return Outcome({"reason": step.data["reason"]}, step.data["reason"])


@handles("record_collective")
def _record_collective(step: Step) -> Outcome:
    case = _case(step)
    participants = list(step.data["participants"])
    facts = {
        "participants": [{"id": user.pk, "name": user.full_name or user.username} for user in participants],
        "conclusion": step.data["conclusion"],
        "minutes": step.data["minutes"].strip(),
        # The penalty the heads agreed: the proposal, or their amendment of it. A decision that differs is
        # discussed again (guards.decided_as_discussed).
        "proposal": (
            {
                "penalty_kinds": sorted(step.data["penalty_kinds"]),
                "fine": _money(step.data.get("fine")),
                "confiscated": _money(step.data.get("confiscated")),
            }
            if step.data["conclusion"] == "amend"
            else {
                "penalty_kinds": sorted(case.penalty_kinds),
                "fine": _money(case.fine),
                "confiscated": _money(case.confiscated),
            }
        ),
    }
    if step.data["conclusion"] == "amend":
        # The heads' penalty stays within the law and states why it leaves the benchmark (国办发〔2022〕27号).
        facts.update(discretion.check_decided_penalty(case, step.on_date, step.data))
    if step.data["conclusion"] == "amend" and case.state == State.COLLECTIVE:
        # Before the approval, the heads' amendment becomes the proposal that is approved and noticed (第四十四条);
        # after the notice a lighter one is decided on it, a heavier one needs 重新告知 (not_heavier_after_defence).
        case.penalty_kinds = sorted(step.data["penalty_kinds"])
        case.fine = step.data.get("fine")
        case.confiscated = step.data.get("confiscated")
        case.penalty_text = step.data["penalty_text"].strip()
        facts["penalty_text"] = case.penalty_text
    names = "、".join(person["name"] for person in facts["participants"])
    return Outcome(facts, f"负责人集体讨论（{names}）：{facts['minutes']}")


@handles("file_major_penalty")
def _file_major_penalty(step: Step) -> Outcome:
    body = step.data["filed_with"].strip()
    late = any(step.on_date > deadline.due_on for deadline in running(_case(step), "major_filing"))
    facts = {"filed_with": body, "late": late}
    return Outcome(facts, f"向{body}报送重大行政处罚决定备案{'（逾期）' if late else ''}")


@handles("extend_review")
def _extend_review(step: Step) -> Outcome:
    current = running(_case(step), "legal_review")
    if current:
        # As long again as the first, from its last day (the agency's days when it set them).
        first = current[-1]
        step.starts["legal_review_extension"] = first.due_on
        step.amounts["legal_review_extension"] = (
            _length(first),
            first.source or rules.PERIODS["legal_review"].source,
        )
    return Outcome({"reason": step.data["reason"]}, step.data["reason"])


@handles("extend_decision")
def _extend_decision(step: Step) -> Outcome:
    current = running(_case(step), "decision")
    if current:
        # From the ninety days' own last day, with any days a sector rule left out of them (_not_counted).
        first = current[-1]
        step.starts["decision_extension"] = rules.natural_end(first.period, first.started_on, _length(first))
    return Outcome({"reason": step.data["reason"]}, step.data["reason"])


DECISION_PERIODS = ("decision", "decision_extension", "decision_further_extension")


def _length(deadline: CaseDeadline) -> int:
    """A period's length as it runs: what an agency, a rule or a resumption set (0 is a length), else the default."""
    return deadline.amount if deadline.amount is not None else rules.PERIODS[deadline.period].amount


def _not_counted(case: Case, span: str, days: int) -> dict[str, Any] | None:
    """Leave `days` of `span` out of the decision period running, where the case's sector rule says so; the
    period's row is lengthened in place and names the days and the rule (shown on the case page)."""
    rule = rules.DECISION_PERIOD_NOT_COUNTED.get(case.domain)
    rows = running(case, *DECISION_PERIODS)
    if rule is None or span not in rule.spans or days <= 0 or not rows:
        return None
    row = rows[-1]
    row.amount = _length(row) + days
    due = rules.due(row.period, row.started_on, row.amount)
    row.due_on, row.provisional = due.date, due.provisional
    note = f"不计入{rules.SPAN_LABELS[span]}期间 {days} 日（{rule.source}）"
    row.source = f"{row.source or rules.PERIODS[row.period].source}；{note}"[:200]
    row.save()
    return {"period": row.period, "span": span, "days": days, "due": due.date.isoformat(), "source": rule.source}


@handles("extend_decision_further")
def _extend_decision_further(step: Step) -> Outcome:
    current = running(_case(step), "decision_extension")
    days: int = step.data["days"]
    rule = rules.FURTHER_EXTENSIONS[_case(step).domain]
    if current:
        # It runs on from the first extension's own last day, as the first ran on from the ninety days'.
        first = current[-1]
        step.starts["decision_further_extension"] = rules.natural_end(first.period, first.started_on, _length(first))
    step.amounts["decision_further_extension"] = (days, f"{rule.source}；集体讨论确定的期限")
    facts = {"days": days, "reason": step.data["reason"], "source": rule.source}
    return Outcome(facts, f"集体讨论决定继续延长办案期限{days}日：{step.data['reason']}")


@handles("revise_proposal")
def _revise(step: Step) -> Outcome:
    outcome = _report(step)
    reason = step.data["reason"].strip()
    return Outcome({**outcome.facts, "reason": reason}, f"变更拟处罚意见：{reason}")


@handles("report")
def _report(step: Step) -> Outcome:
    case = _case(step)
    data = step.data
    for name in ("facts_found", "legal_basis", "penalty_basis", "penalty_text", "discretion_reasons"):
        setattr(case, name, data[name].strip())
    case.penalty_kinds = sorted(data["penalty_kinds"])
    case.fine = data.get("fine")
    case.confiscated = data.get("confiscated")
    case.major = bool(data.get("major"))
    case.collective = bool(data.get("collective"))
    # The violation's rule by date, the benchmark tier, the drafted basis and reasoning (laws/assistant.py).
    law = discretion.apply_proposal(case, data, step.on_date)
    return Outcome(
        {
            **law,
            "facts_found": case.facts_found,
            "legal_basis": case.legal_basis,
            "penalty_basis": case.penalty_basis,
            "penalty_kinds": case.penalty_kinds,
            "fine": _money(case.fine),
            "confiscated": _money(case.confiscated),
            "penalty_text": case.penalty_text,
            "discretion_reasons": case.discretion_reasons,
            "major": case.major,
            "collective": case.collective,
        },
        case.facts_found,
    )


@handles(
    "submit_review",
    "submit_approval",
    "refer_collective",
    "approve",
    "request_hearing",
    "report_summary",
    "review_after_hearing",
)
def _opinion(step: Step) -> Outcome:
    opinion = str(step.data.get("opinion") or "").strip()
    return Outcome({"opinion": opinion}, opinion or str(step.action.label))


@handles("pass_review", "return_review")
def _review(step: Step) -> Outcome:
    """The written opinion: the conclusion, each item of the checklist passed or not, the problems, the changes
    asked for and the reasons (行政处罚法 第五十八条)."""
    data = step.data
    checked = set(data.get("checked") or [])
    facts = {
        "conclusion": data["conclusion"],
        "checklist": {key: key in checked for key, _label in major.CHECKLIST},
        "problems": str(data.get("problems") or "").strip(),
        "amendments": str(data.get("amendments") or "").strip(),
        "opinion": data["opinion"].strip(),
    }
    label = ReviewConclusion(data["conclusion"]).label
    return Outcome(facts, f"{label}：{facts['opinion']}")


@handles("decide_no_penalty")
def _no_penalty(step: Step) -> Outcome:
    case = _case(step)
    case.outcome_reason = step.data["reason"].strip()
    case.decided_on = step.on_date
    facts = {"ground": step.data["ground"], "reason": case.outcome_reason}
    item = step.data.get("list_item")
    if step.data["ground"] == NoPenaltyGround.FIRST_OFFENCE:  # what was searched, and that nothing was found
        facts["first_offence"] = {
            "violation": case.violation.code if case.violation else None,
            "years": (item.first_offence_years if item is not None else None) or discretion.FIRST_OFFENCE_YEARS,
            # None: no violation to compare with (no list for the domain), so earlier ones were not searched.
            "earlier_found": 0 if case.violation else None,
        }
    if item is not None:  # the published list the case was checked against (首违不罚、轻微违法不罚)
        facts["list_item"] = {"list": item.no_penalty_list.name, "source": item.no_penalty_list.source,
                              "kind": item.kind, "conditions": item.conditions}  # fmt: skip
    education = str(step.data.get("education") or "").strip()
    if education:  # 行政处罚法 第三十三条第三款
        facts["education"] = education
    return Outcome(facts, f"{case.outcome_reason}；教育：{education}" if education else case.outcome_reason)


@handles("notify")
def _notify(step: Step) -> Outcome:
    case = _case(step)
    case.proposed_fine = case.fine
    case.proposed_confiscated = case.confiscated
    # The right and the days the served notice states are what the party has (行政处罚法 第四十四条、
    # 第六十三条), even if the agency's settings changed since the notice was made.
    terms = issuing.notice_terms(case)
    case.hearing_right = terms.hearing_right
    step.amounts["statement"] = (terms.statement_days, "行政处罚法 第四十四条、第四十五条；期限为告知书载明的期限")
    if not case.hearing_right:
        # Without a right to a hearing only the statement period runs.
        step.skip.add("hearing_request")
    method = str(step.data.get("method") or ServiceMethod.DIRECT)
    facts: dict[str, Any] = {
        "proposed_fine": _money(case.fine),
        "proposed_confiscated": _money(case.confiscated),
        "hearing_right": case.hearing_right,
        "method": method,
    }
    served = rules.deemed_served(method, step.on_date)
    if served != step.on_date:
        # The party's periods run from the day the notice counts as served; where a sector rule says so, the
        # publication's days are not counted in the decision period either.
        step.starts["statement"] = step.starts["hearing_request"] = served
        facts["served_on"] = served.isoformat()
        facts["announcement_reason"] = str(step.data["announcement_reason"]).strip()
        left_out = _not_counted(case, "publication", (served - step.on_date).days)
        if left_out is not None:
            facts["not_counted"] = left_out
        return Outcome(facts, f"公告送达告知书，{served} 视为送达")
    return Outcome(facts, "已送达告知书")


@handles("record_statement")
def _statement(step: Step) -> Outcome:
    data = step.data
    facts = {
        "content": data.get("content", ""),
        "waived_statement": bool(data.get("waived_statement")),
        "waived_hearing": bool(data.get("waived_hearing")),
        "adopted": bool(data.get("adopted")),
    }
    waived = [right for key, right in (("waived_statement", "陈述、申辩"), ("waived_hearing", "听证")) if facts[key]]
    summary = f"当事人书面放弃{'和'.join(waived)}" if waived else str(facts["content"]) or "陈述、申辩"
    if waived and facts["content"]:
        summary = f"{facts['content']}；{summary}"
    return Outcome(facts, summary)


@handles("notify_hearing")
def _notify_hearing(step: Step) -> Outcome:
    data = step.data
    chair = data["chair"]
    facts = {
        "hearing_on": data["hearing_on"].isoformat(),
        "hearing_time": data["hearing_time"].strftime("%H:%M"),
        "place": data["place"],
        "chair": {"id": chair.pk, "name": chair.name},
        "closed_reason": data.get("closed_reason") or "",
        **_given(data, "hearing_officers", "clerk"),
    }
    step.dues["hearing"] = data["hearing_on"]
    when = f"{data['hearing_on']} {facts['hearing_time']}"
    return Outcome(facts, f"{when} 在{data['place']}举行听证，主持人 {chair.name}")


@handles("challenge_chair")
def _challenge_chair(step: Step) -> Outcome:
    chair = current_chair(_case(step))
    facts = {"chair": chair, "reason": step.data["reason"].strip()}
    return Outcome(facts, f"当事人申请听证主持人{chair['name'] if chair else ''}回避：{facts['reason']}")


@handles("decide_chair_challenge")
def _decide_chair_challenge(step: Step) -> Outcome:
    granted = bool(step.data["granted"])
    facts: dict[str, Any] = {"granted": granted, "reason": step.data["reason"].strip()}
    if granted:
        chair = step.data["chair"]
        facts["chair"] = {"id": chair.pk, "name": chair.name}
        return Outcome(facts, f"同意回避，另行指定 {chair.name} 主持听证：{facts['reason']}")
    return Outcome(facts, f"不予回避：{facts['reason']}")


@handles("report_hearing")
def _report_hearing(step: Step) -> Outcome:
    facts = {
        "chair": current_chair(_case(step)),
        "findings": step.data["findings"].strip(),
        "opinion": step.data["opinion"].strip(),
    }
    return Outcome(facts, f"听证报告：{facts['opinion']}")


@handles("hold_hearing")
def _hearing(step: Step) -> Outcome:
    notice = _case(step).records.filter(action="notify_hearing").last()
    if notice is not None and step.on_date.isoformat() < notice.data["hearing_on"]:
        raise Refusal(f"听证定于 {notice.data['hearing_on']} 举行，不能早于该日记录", field="on_date")
    data = step.data
    if data.get("statements") and data["outcome"] != "held":
        raise Refusal("当事人未出席听证的，不制作听证笔录内容", field="statements")
    facts: dict[str, Any] = {
        "outcome": data["outcome"],
        "summary": data.get("summary", ""),
        **_given(data, "attendees"),
        **_span(data),
        **_given(data, "statements"),
    }
    requested = _case(step).records.filter(action="request_hearing").order_by("entry_index").last()
    if requested is not None:
        left_out = _not_counted(_case(step), "hearing", (step.on_date - requested.on_date).days)
        if left_out is not None:
            facts["not_counted"] = left_out
    return Outcome(facts, str(facts["summary"]) or ("已举行听证" if facts["outcome"] == "held" else "当事人放弃听证"))


@handles("decide")
def _decide(step: Step) -> Outcome:
    case = _case(step)
    data = step.data
    case.penalty_kinds = sorted(data["penalty_kinds"])
    case.fine = data.get("fine")
    case.confiscated = data.get("confiscated")
    case.penalty_text = data["penalty_text"].strip()
    case.discretion_reasons = data["discretion_reasons"].strip()
    case.decided_on = step.on_date
    facts = {
        "penalty_kinds": case.penalty_kinds,
        "fine": _money(case.fine),
        "confiscated": _money(case.confiscated),
        "penalty_text": case.penalty_text,
        "discretion_reasons": case.discretion_reasons,
        # The penalty decided, within the law and the benchmark, or with the reason it departs (裁量).
        **discretion.check_decided_penalty(case, step.on_date, data),
    }
    # A major decision is filed with the body above (重大行政处罚备案); an ordinary one has nothing to file.
    if not major.clauses(case, step.on_date):
        step.skip.add("major_filing")
    if data.get("defence_answer"):  # 复核 (第四十五条第一款), printed on the decision
        facts["defence"] = {"answer": data["defence_answer"], "reasons": str(data.get("defence_reasons", "")).strip()}
    return Outcome(facts, case.penalty_text)


@handles("serve")
def _serve(step: Step) -> Outcome:
    case = _case(step)
    method = step.data["method"]
    served = rules.deemed_served(method, step.on_date)
    case.served_on = served
    # The party's periods run from the day the decision counts as served (thirty days after a publication).
    for period in ("payment", "reconsideration", "litigation"):
        step.starts[period] = served
    # The time to apply to the court runs from the end of the time to sue (行政强制法 第五十三条).
    step.starts["court_application"] = rules.due("litigation", served).date
    if not case.fine:
        step.skip.add("payment")
    facts: dict[str, Any] = {"method": method, "consent": bool(step.data.get("consent"))}
    summary = str(ServiceMethod(method).label)
    if served != step.on_date:
        facts["served_on"] = served.isoformat()
        facts["announcement_reason"] = str(step.data["announcement_reason"]).strip()
        summary += f"，{served} 视为送达"
    return Outcome(facts, summary)


@handles("defer_payment")
def _defer(step: Step) -> Outcome:
    new_due: date = step.data["new_due"]
    if new_due <= step.on_date:
        raise Refusal("延期后的缴纳期限应晚于批准日期", field="new_due")
    for deadline in running(_case(step), "payment"):
        deadline.stopped_on = step.on_date
        deadline.stopped_by = step.action.name
        deadline.save()
    step.dues["payment"] = new_due
    return Outcome({"new_due": new_due.isoformat(), "reason": step.data["reason"]}, step.data["reason"])


@handles("record_payment")
def _payment(step: Step) -> Outcome:
    case = _case(step)
    amount: Decimal = step.data["amount"]
    if amount <= 0:
        raise Refusal("缴纳金额应大于零", field="amount")
    if amount > outstanding(case):
        raise Refusal(f"缴纳金额超过未缴纳的罚款 {outstanding(case)} 元", field="amount")
    late: Decimal = step.data.get("late_fee") or Decimal(0)
    owed = late_fee_owed(case, step.on_date)
    if late < 0 or late > owed:
        raise Refusal(
            f"缴纳的加处罚款不能超过截至当日应加处的 {owed} 元", field="late_fee", rule="行政处罚法 第七十二条"
        )
    case.paid += amount
    case.late_fee_paid += late
    facts = {"amount": _money(amount), "receipt": step.data["receipt"], "paid": _money(case.paid)}
    summary = f"缴纳 {amount} 元，凭证 {step.data['receipt']}"
    if late:
        facts["late_fee"] = _money(late)
        summary = f"缴纳罚款 {amount} 元、加处罚款 {late} 元，凭证 {step.data['receipt']}"
    if outstanding(case) <= 0:
        step.stop.add("payment")
    return Outcome(facts, summary)


@handles("hand_over_cash")
def _hand_over(step: Step) -> Outcome:
    return Outcome({"receipt": step.data["receipt"]}, f"罚款已交至行政机关，凭证 {step.data['receipt']}")


@handles("apply_to_court")
def _court(step: Step) -> Outcome:
    served = step.data["demand_served_on"]
    facts = {"court": step.data["court"], "demand_served_on": served.isoformat()}
    return Outcome(facts, f"申请{step.data['court']}强制执行")


@handles("decide_on_the_spot")
def _on_the_spot(step: Step) -> Outcome:
    data = step.data
    party = _party(data)
    assert party is not None  # the form requires the party's name
    kinds = sorted(data["penalty_kinds"])
    fine = data.get("fine") if "fine" in kinds else None
    case = Case(
        agency=data["agency"],
        domain=data["domain"],
        procedure=Procedure.SUMMARY,
        title=data["title"].strip(),
        lead_source="inspection",
        lead_summary=data["facts_found"].strip(),
        received_on=step.on_date,
        act_ended_on=data["act_ended_on"],  # the guard prescription requires it
        facts_found=data["facts_found"].strip(),
        legal_basis=data["legal_basis"].strip(),
        penalty_basis=str(data.get("penalty_basis") or "").strip(),
        penalty_kinds=kinds,
        fine=fine,
        penalty_text="、".join(
            text for kind, text in (("warning", "警告"), ("fine", f"罚款 {fine} 元")) if kind in kinds
        ),
        decided_on=step.on_date,
        served_on=step.on_date,
        paid=fine if fine and data.get("collected") else Decimal(0),
        created_by=step.actor,
        state=State.SUMMARY_DECIDED,
    )
    law = discretion.apply_on_the_spot(case, data.get("violation"), step.on_date, party.kind)
    case.full_clean()
    case.save()
    case.parties.add(party)
    for officer in data["officers"]:
        is_lead = step.officer is not None and officer.pk == step.officer.pk
        CaseOfficer.objects.create(case=case, officer=officer, is_lead=is_lead, declared_no_conflict_on=step.on_date)
    step.case = case
    if not fine or data.get("collected"):
        step.skip.add("payment")
    if not (fine and data.get("collected")):
        step.skip.add("cash_handover")
    statement = str(data.get("statement") or "").strip()
    facts: dict[str, Any] = {
        "title": case.title,
        "party": _party_facts(party),
        "decided_at": data["decided_at"].strftime("%H:%M"),
        "place": data["place"].strip(),
        "area": str(data.get("area") or "").strip(),
        "act_ended_on": case.act_ended_on.isoformat() if case.act_ended_on else None,
        "facts_found": case.facts_found,
        "legal_basis": case.legal_basis,
        "penalty_basis": case.penalty_basis,
        "penalty_kinds": kinds,
        "fine": _money(fine),
        "collected": bool(data.get("collected")),
        # What the party was told and said, and the answer (行政处罚法 第四十四条、第四十五条), printed on the decision.
        "told": True,
        "statement": statement,
        "party_receipt": data["party_receipt"],
        **law,
    }
    if statement:
        facts["defence"] = {"answer": data["defence_answer"], "reasons": str(data["defence_reasons"]).strip()}
    return Outcome(facts, case.penalty_text, data["officers"])


# 移送 (行政处罚法 第二十七条、第五十七条第一款第四项; 行政执法机关移送涉嫌犯罪案件的规定)


@handles("transfer_jurisdiction")
def _transfer_jurisdiction(step: Step) -> Outcome:
    case = _case(step)
    receiver = step.data["receiver"].strip()
    case.outcome_reason = step.data["reason"].strip()
    return Outcome({"receiver": receiver, "reason": case.outcome_reason}, f"移送{receiver}：{case.outcome_reason}")


@handles("propose_transfer")
def _propose_transfer(step: Step) -> Outcome:
    data = step.data
    facts = {
        "suspected_crime": data["suspected_crime"].strip(),
        "report": data["report"].strip(),
        "items": [line.strip() for line in data["items"].splitlines() if line.strip()],
        "tested": bool(data.get("tested")),
    }
    return Outcome(facts, f"涉嫌{facts['suspected_crime']}，提请负责人批准移送司法机关")


@handles("decline_transfer")
def _decline_transfer(step: Step) -> Outcome:
    # 行政执法机关移送涉嫌犯罪案件的规定 第五条第二款: the reasons for not approving are kept in the file.
    return Outcome({"reason": step.data["reason"].strip()}, f"不批准移送：{step.data['reason'].strip()}")


@handles("transfer_to_judiciary")
def _transfer_to_judiciary(step: Step) -> Outcome:
    case = _case(step)
    data = step.data
    handed_over = bool(running(case, "seizure", "seizure_extension"))
    if handed_over:  # the goods go with the case (行政强制法 第二十一条): the agency's measure ends here
        step.stop.update({"seizure", "seizure_extension", "appraisal"})
    approvals = running(case, "transfer_approval")
    late = any(step.on_date > deadline.due_on for deadline in approvals)
    facts = {
        "receiver": data["receiver"].strip(),
        "procuratorate": data["procuratorate"].strip(),
        "seized_handed_over": handed_over,
        "party_told": bool(data.get("party_told")),
        "decided_before": case.decided_on.isoformat() if case.decided_on else None,
        "opinion": str(data.get("opinion") or "").strip(),
        "late": late,
    }
    summary = f"批准移送{facts['receiver']}，抄送{facts['procuratorate']}"
    if handed_over:
        summary += "；查封、扣押的财物一并移送"
    return Outcome(facts, summary + ("（超过三日作出决定）" if late else ""))


@handles("judiciary_refuses")
def _judiciary_refuses(step: Step) -> Outcome:
    facts = {"notice_number": str(step.data.get("notice_number") or "").strip(), "reason": step.data["reason"].strip()}
    return Outcome(facts, f"公安机关不予立案：{facts['reason']}")


@handles("contest_refusal")
def _contest_refusal(step: Step) -> Outcome:
    channel = ContestChannel(step.data["channel"])
    facts = {"channel": channel.value, "reason": step.data["reason"].strip()}
    return Outcome(facts, f"{channel.label}：{facts['reason']}")


@handles("judiciary_accepts")
def _judiciary_accepts(step: Step) -> Outcome:
    number = str(step.data.get("notice_number") or "").strip()
    return Outcome({"notice_number": number}, f"公安机关已立案{'，' + number if number else ''}")


def _resume_decision_period(step: Step) -> int:
    """The decision period the case resumes with: the days it had left when it went to the judiciary, counted
    again from the day it comes back (the time with the judicial organs is not the agency's: docs/decisions.md)."""
    case = _case(step)
    stopped = [
        deadline
        for deadline in case.deadlines.all()
        if deadline.period in DECISION_PERIODS and deadline.stopped_by == "transfer_to_judiciary"
    ]
    if not stopped:
        return rules.PERIODS["decision"].amount
    last = max(stopped, key=lambda deadline: deadline.pk)
    assert last.stopped_on is not None
    left = max(0, (last.due_on - last.stopped_on).days)
    step.amounts["decision"] = (left, f"行政处罚法 第六十条；移送司法机关期间不计入，余下{left}日自恢复办理之日起计算")
    return left


@handles("resume_after_refusal")
def _resume_after_refusal(step: Step) -> Outcome:
    refusal = pending_refusal(_case(step))
    assert refusal is not None  # the guard refusal_pending
    left = _resume_decision_period(step)
    opinion = str(step.data.get("opinion") or "").strip()
    facts = {"refusal": refusal.entry_index, "decision_days_left": left, "opinion": opinion}
    return Outcome(
        facts, f"公安机关不予立案，本机关依法继续办理，办案期限余{left}日{'：' + opinion if opinion else ''}"
    )


@handles("return_from_judiciary")
def _return_from_judiciary(step: Step) -> Outcome:
    left = _resume_decision_period(step)
    facts = {"reason": step.data["reason"].strip(), "decision_days_left": left}
    return Outcome(facts, f"司法机关移回：{facts['reason']}；办案期限余{left}日")


@handles("resume_execution")
def _resume_execution(step: Step) -> Outcome:
    return Outcome({"reason": step.data["reason"].strip()}, f"原处罚决定继续执行：{step.data['reason'].strip()}")


@handles("record_criminal_outcome")
def _criminal_outcome(step: Step) -> Outcome:
    data = step.data
    outcome = CriminalOutcome(data["outcome"])
    facts = {
        "outcome": outcome.value,
        "organ": str(data.get("organ") or "").strip(),
        "document_number": str(data.get("document_number") or "").strip(),
        "sentence": str(data.get("sentence") or "").strip(),
        "criminal_fine": _money(data.get("criminal_fine")),
        "credited": _money(data.get("credited") or Decimal(0)),
    }
    summary = f"{facts['organ']}{outcome.label}"
    if facts["sentence"]:
        summary += f"：{facts['sentence']}"
    if data.get("credited"):
        summary += f"；已缴纳的罚款折抵罚金 {facts['credited']} 元（行政处罚法 第三十五条）"
    return Outcome(facts, summary)


@handles("close")
def _close(step: Step) -> Outcome:
    _case(step).closed_on = step.on_date
    return Outcome({"summary": step.data.get("summary", "")}, str(step.data.get("summary") or "结案"))


@handles("archive")
def _archive(step: Step) -> Outcome:
    case = _case(step)
    # The 卷内目录 as archived, sealed in the act's facts, and the retention period in force that day (archives/).
    items = binder.catalogue(case).items
    catalogue = [{"number": i.number, "title": i.title, "sha256": i.sha256} for i in items]
    kept = retention.in_force(case.agency, retention.case_kind(case), step.on_date)
    facts = {"catalogue": catalogue, "retention": {"period": kept.label, "years": kept.years, "source": kept.source}}
    return Outcome(facts, f"卷内文件 {len(catalogue)} 件，保管期限{kept.label}")


_money = money_text  # the one way an amount is written into a record (guards compare with it)


def _not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise Refusal(f"{label}不能晚于今天", field=field)


def _deadlines(step: Step, case: Case) -> dict[str, str]:
    action = step.action
    stop = [*action.stops, *step.stop]
    for deadline in running(case, *stop):
        deadline.stopped_on = step.on_date
        deadline.stopped_by = action.name
        deadline.save()
    started = {}
    sector = [p for p in action.starts if p in rules.SECTOR_PERIODS and p not in step.amounts and p not in step.skip]
    if sector:
        in_force = agency_settings.in_force(case.agency)
        for period in sector:
            if in_force.set_by[period] is not None:  # else the default, named by the period itself
                step.amounts[period] = (in_force.periods[period], in_force.periods_source[period])
    for period in action.starts:
        if period in step.skip:
            continue
        start = step.starts.get(period, step.on_date)
        amount, source = step.amounts.get(period, (None, ""))
        if period in step.dues:
            due, provisional = step.dues[period], False
        else:
            computed = rules.due(period, start, amount)
            due, provisional = computed.date, computed.provisional
        CaseDeadline.objects.create(
            case=case,
            period=period,
            started_on=start,
            due_on=due,
            provisional=provisional,
            amount=amount,
            source=source,
        )
        started[period] = due.isoformat()
    return started


def perform(
    actor: User, name: str, data: Mapping[str, Any], *, case: Case | None = None, agency: Agency | None = None
) -> Case:
    """Take action `name` (workflow.ACTIONS) on `case`, or open a case in `agency` with it; return the case.

    What it writes — records, facts, messages — is in Chinese whatever the user's language: the case file
    is an official record.
    """
    with translation.override("zh-hans"), transaction.atomic():
        return _perform(actor, name, data, case=case, agency=agency)


def _perform(actor: User, name: str, data: Mapping[str, Any], *, case: Case | None, agency: Agency | None) -> Case:
    if name not in ACTIONS:
        raise Refusal(f"没有名为“{name}”的办案事项")
    action = ACTIONS[name]
    if case is not None:
        case = Case.objects.select_for_update().get(pk=case.pk)
        refuse_if_archived(case, doing=str(action.label))
        agency = case.agency
    if agency is None:
        raise Refusal("请选择办案机关", field="agency")
    _check(actor, action, agency=agency, state=State(case.state) if case is not None else None)
    cleaned = clean(name, data, case=case, agency=agency)
    cleaned["agency"] = agency
    on_date: date = cleaned["on_date"]
    _not_future(on_date, "on_date", "日期")
    if case is not None and on_date < case.received_on:
        raise Refusal("日期不能早于案件的发现或受理日期", field="on_date")
    if case is not None:
        last = case.records.aggregate(last=Max("on_date"))["last"]
        if last is not None and on_date < last:
            raise Refusal(f"日期不能早于本案上一项办案记录的日期（{last}）", field="on_date")
    step = Step(actor=actor, action=action, case=case, on_date=on_date, data=cleaned)
    for guard_name in action.guards:
        problem = GUARDS[guard_name].check(step)
        if problem is not None:
            raise Refusal(problem.message, field=problem.field, rule=problem.rule)
    outcome = HANDLERS[name](step)
    case = step.case
    assert case is not None
    started = _deadlines(step, case)
    if action.target is not None:
        case.state = action.target
    try:
        case.full_clean()
    except ValidationError as error:
        name_, messages = next(iter(error.message_dict.items()))
        raise Refusal(messages[0], field=None if name_ == "__all__" else name_) from error
    case.save()
    if action.target == State.CLOSED:
        similar.index_case(case)  # 类案推送: a case decided and closed joins the index in this transaction
    evidence = cleaned.get("evidence") or []
    files = list(evidence)
    # The files' names as on the officer's phone, in the signed facts beside their hashes (ledger/forms.py).
    file_names = {digest: name for digest, name in getattr(evidence, "names", {}).items() if digest in files}
    facts = {"on_date": on_date.isoformat(), **outcome.facts}
    if file_names:
        facts["file_names"] = file_names
    if started:
        facts["deadlines"] = started
    if outcome.officers:
        facts["officers"] = _officer_facts(outcome.officers)
    # What the recording list asked of the act and what was answered (recordings/rules.py).
    recording = recordings.act_facts(step.recordings_asked(), name, on_date, cleaned, files)
    if recording:
        facts["recording"] = recording
    entry = record(actor=actor, action=f"case.{name}", subject=case, facts=facts, files=files, agency=case.agency)
    if outcome.summary is not None:
        CaseRecord.objects.create(
            case=case,
            action=name,
            on_date=on_date,
            officers=facts.get("officers", []),
            summary=outcome.summary,
            data={key: value for key, value in outcome.facts.items() if key != "officers"}
            | ({"file_names": file_names} if file_names else {})
            | ({"recording": recording} if recording else {}),
            files=files,
            entry_index=entry.index,
            created_by=actor,
        )
    recordings.recordings_from_act(actor, case, entry, name, on_date, files)  # numbered in the case
    if name in issuing.ISSUED_BY_ACT:
        # The document the act itself makes (the on-the-spot decision), numbered in this same transaction: a
        # refused act uses no number, and no act stands without its document.
        issuing.issue_document(actor, case, issuing.ISSUED_BY_ACT[name])
    return case


@dataclass(frozen=True)
class Availability:
    """An action from the case's current state, and why it cannot be taken now (empty when it can).

    `role_held` says whether the actor holds a role that may take it at all: a page offers him the action
    (open or, with its reasons, closed) only then, and lists the others as waiting on someone else.
    """

    action: Action
    reasons: tuple[str, ...]
    role_held: bool = True

    @property
    def allowed(self) -> bool:
        return not self.reasons


def availability(actor: User, case: Case, on_date: date | None = None) -> list[Availability]:
    """The actions the table allows from the case's state, each with the reasons it is closed to `actor` now.

    Only the guards that need no input run here; the others run when the action is taken.
    """
    on_date = on_date or timezone.localdate()
    # Many guards look at the running periods: read them once for all the actions.
    case = Case.objects.select_related("agency").prefetch_related("deadlines", "documents").get(pk=case.pk)
    with translation.override("zh-hans"):  # the rules' reasons are Chinese, like every refusal
        return _availability(actor, case, case.agency, on_date)


def opening_availability(actor: User, on_date: date | None = None) -> list[Availability]:
    """The actions that open a case in the actor's own agency (a lead, a penalty on the spot), as above."""
    with translation.override("zh-hans"):
        if actor.agency is None:
            no_agency = ("您未隶属任何执法机关，不能办理案件",)
            return [Availability(action, no_agency, False) for action in actions_from(None)]
        return _availability(actor, None, actor.agency, on_date or timezone.localdate())


def _availability(actor: User, case: Case | None, agency: Agency, on_date: date) -> list[Availability]:
    found = []
    for action in actions_from(State(case.state) if case is not None else None):
        reasons = []
        role_held = True
        try:
            require_role(actor, action.roles, agency=agency, doing=str(action.label))
        except Refusal as refusal:
            reasons.append(str(refusal))
            role_held = actor.has_role(*action.roles)
        step = Step(actor=actor, action=action, case=case, on_date=on_date)
        for guard_name in action.guards:
            spec = GUARDS[guard_name]
            if not spec.needs_input:
                problem = spec.check(step)
                if problem is not None:
                    reasons.append(f"{problem.message}（{problem.rule}）" if problem.rule else problem.message)
        found.append(Availability(action, tuple(reasons), role_held))
    return found
