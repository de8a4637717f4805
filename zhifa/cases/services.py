"""The case services: each action of the workflow table, checked, applied and recorded in one transaction.

Pages, the API and the demo call these; no rule lives in a view. Every refusal is a Chinese message that
names the rule and, where there is one, the form field.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhifa.cases import rules
from zhifa.cases.choices import LeadSource, PartyKind, Procedure
from zhifa.cases.models import Case, CaseOfficer, Party
from zhifa.cases.workflow import ACTIONS, STATE_LABELS, Action, State
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.ledger.services import record
from zhifa.personnel.models import Officer
from zhifa.personnel.rules import can_enforce, check_investigators


def _check(actor: User, action: Action, *, agency: Agency, state: State | None) -> None:
    require_role(actor, action.roles, agency=agency, doing=action.label)
    if state not in action.sources:
        where = STATE_LABELS[state] if state is not None else "尚未建立"
        raise Refusal(f"案件处于“{where}”状态，不能{action.label}")


def _not_future(day: date, field: str, label: str) -> None:
    if day > timezone.localdate():
        raise Refusal(f"{label}不能晚于今天", field=field)


def _apply(actor: User, case: Case, action: Action, facts: dict[str, Any], files: Sequence[str] = ()) -> Case:
    if action.target is not None:
        case.state = action.target
    case.full_clean()
    case.save()
    record(actor=actor, action=f"case.{action.name}", subject=case, facts=facts, files=files, agency=case.agency)
    return case


def _party_facts(party: Party) -> dict[str, str]:
    return {"kind": party.kind, "name": party.name, "id_number": party.id_number, "credit_code": party.credit_code}


@transaction.atomic
def lead_register(
    *,
    actor: User,
    agency: Agency,
    domain: str,
    source: str,
    title: str,
    summary: str,
    received_on: date,
    act_ended_on: date | None = None,
    parties: Sequence[Mapping[str, str]] = (),
    files: Sequence[str] = (),
) -> Case:
    """登记案源: a lead from a complaint, an inspection, a referral, a report or monitoring."""
    action = ACTIONS["register_lead"]
    _check(actor, action, agency=agency, state=None)
    _not_future(received_on, "received_on", "发现或受理日期")
    if act_ended_on is not None and act_ended_on > received_on:
        raise Refusal("违法行为终了日期不能晚于发现或受理日期", field="act_ended_on")
    if source not in LeadSource.values:
        raise Refusal("请选择案源类型", field="source")
    case = Case(
        agency=agency,
        domain=domain,
        procedure=Procedure.ORDINARY,
        title=title.strip(),
        lead_source=source,
        lead_summary=summary.strip(),
        received_on=received_on,
        act_ended_on=act_ended_on,
        created_by=actor,
    )
    case.state = State.LEAD
    case.full_clean()
    case.save()
    made = []
    for data in parties:
        party = Party(**{key: str(value).strip() for key, value in data.items()})
        if party.kind not in PartyKind.values:
            raise Refusal("请选择当事人类型（公民，或法人或者其他组织）", field="parties")
        party.full_clean()
        party.save()
        made.append(party)
    case.parties.set(made)
    facts = {
        "title": case.title,
        "source": source,
        "summary": case.lead_summary,
        "received_on": received_on.isoformat(),
        "act_ended_on": act_ended_on.isoformat() if act_ended_on else None,
        "parties": [_party_facts(party) for party in made],
    }
    return _apply(actor, case, action, facts, files)


@transaction.atomic
def case_file(*, actor: User, case: Case, on_date: date, grave_harm: bool = False) -> Case:
    """立案: approved by the agency head; the act must still be punishable and within the agency's domains."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    action = ACTIONS["file"]
    _check(actor, action, agency=case.agency, state=State(case.state))
    _not_future(on_date, "on_date", "立案日期")
    if on_date < case.received_on:
        raise Refusal("立案日期不能早于发现或受理日期", field="on_date")
    # 行政处罚法 第三十六条: counted from the act's end to its discovery (the day the lead came in).
    if case.act_ended_on is not None:
        problem = rules.prescription_problem(case.act_ended_on, case.received_on, grave=grave_harm)
        if problem is not None:
            raise Refusal(problem, field="act_ended_on")
    if case.agency.domains and case.domain not in case.agency.domains:
        raise Refusal(
            f"{case.agency.name} 的执法领域不包括“{case.get_domain_display()}”，无管辖权，应当移送有管辖权的机关",
            field="domain",
            rule="行政处罚法 第二十二条、第二十六条",
        )
    case.filed_on = on_date
    case.grave_harm = grave_harm
    deadline = rules.due("decision", on_date)
    facts = {"filed_on": on_date.isoformat(), "grave_harm": grave_harm, "decision_due": str(deadline)}
    return _apply(actor, case, action, facts)


@transaction.atomic
def case_decline(*, actor: User, case: Case, on_date: date, reason: str) -> Case:
    """不予立案, with the reason (a lead that shows no violation, or one outside the agency's power)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    action = ACTIONS["decline"]
    _check(actor, action, agency=case.agency, state=State(case.state))
    if not reason.strip():
        raise Refusal("请填写不予立案的理由", field="reason")
    _not_future(on_date, "on_date", "决定日期")
    case.outcome_reason = reason.strip()
    return _apply(actor, case, action, {"on_date": on_date.isoformat(), "reason": case.outcome_reason})


@transaction.atomic
def case_assign(
    *, actor: User, case: Case, on_date: date, lead: Officer, others: Collection[Officer], declared: Collection[Officer]
) -> Case:
    """指派承办人员: a lead officer and at least one more able to enforce, each having declared no conflict.

    行政处罚法 第四十二条 (two officers at least), 第四十三条 (recusal: each assigned officer declares that
    no ground for stepping aside applies). Auxiliary staff may be assigned to assist; they do not count.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    action = ACTIONS["assign"]
    _check(actor, action, agency=case.agency, state=State(case.state))
    team = {officer.pk: officer for officer in (lead, *others)}
    eligible = check_investigators(team.values(), case.agency, on_date)
    if not eligible:
        raise Refusal(eligible.reason, field="others", rule="行政处罚法 第四十二条")
    lead_ok = can_enforce(lead, case.agency, on_date)
    if not lead_ok:
        raise Refusal(f"主办人须为可以执法的执法人员：{lead_ok.reason}", field="lead", rule="行政处罚法 第四十二条")
    undeclared = [officer.name for officer in team.values() if officer.pk not in {o.pk for o in declared}]
    if undeclared:
        raise Refusal(
            f"{'、'.join(undeclared)} 尚未声明与本案无应当回避的情形",
            field="declared",
            rule="行政处罚法 第四十三条",
        )
    for officer in team.values():
        CaseOfficer.objects.create(
            case=case, officer=officer, is_lead=officer.pk == lead.pk, declared_no_conflict_on=on_date
        )
    facts = {
        "on_date": on_date.isoformat(),
        "lead": {"id": lead.pk, "name": lead.name},
        "officers": [{"id": officer.pk, "name": officer.name} for officer in team.values()],
    }
    return _apply(actor, case, action, facts)
