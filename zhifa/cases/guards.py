"""The guards the workflow table names: each checks one rule and, when it fails, says which and why.

A guard takes the `Step` being attempted and returns None when the rule holds, or a `Problem` whose
message names the rule and whose `rule` cites its article. Guards marked `needs_input=False` depend only
on the case and the day, so the case page can tell an officer in advance why an action is not open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zhifa.cases import rules
from zhifa.cases.choices import PartyKind
from zhifa.cases.models import Case, CaseDeadline, CaseOfficer, CaseRecord
from zhifa.cases.workflow import Action, State
from zhifa.core.choices import Domain, Role
from zhifa.core.models import Agency, User
from zhifa.documents.choices import DocumentKind
from zhifa.ledger.models import Blob
from zhifa.personnel.models import Officer
from zhifa.personnel.rules import REVIEWER_RULE, can_enforce, check_investigators, may_review, same_line
from zhifa.recordings import rules as recording_rules
from zhifa.recordings.rules import InForce


@dataclass
class Step:
    """An action being attempted: who, on which case, with which (already cleaned) fields."""

    actor: User
    action: Action
    case: Case | None
    on_date: date
    data: dict[str, Any] = field(default_factory=dict)
    # Set by the action's handler: periods that start on another day than the act's, or end on a set day.
    starts: dict[str, date] = field(default_factory=dict)
    dues: dict[str, date] = field(default_factory=dict)
    # The length of a sector period (rules.SECTOR_PERIODS) for this case and the rule that sets it.
    amounts: dict[str, tuple[int, str]] = field(default_factory=dict)
    skip: set[str] = field(default_factory=set)  # periods of the action that do not apply to this case
    stop: set[str] = field(default_factory=set)  # periods the act ends besides the action's own
    # The recording list in force for the act (recordings/rules.py), read once for the guard and the act's facts.
    recording_list: InForce | None = None

    @property
    def officer(self) -> Officer | None:
        return getattr(self.actor, "officer", None)

    def recordings_asked(self) -> InForce:
        if self.recording_list is None:
            agency = self.case.agency if self.case is not None else self.data["agency"]
            self.recording_list = recording_rules.in_force(agency, self.on_date)
        return self.recording_list


@dataclass(frozen=True)
class Problem:
    message: str
    field: str | None = None
    rule: str = ""


Guard = Callable[[Step], Problem | None]


@dataclass(frozen=True)
class GuardSpec:
    check: Guard
    needs_input: bool


GUARDS: dict[str, GuardSpec] = {}


def guard(name: str, *, needs_input: bool = True) -> Callable[[Guard], Guard]:
    def register(check: Guard) -> Guard:
        GUARDS[name] = GuardSpec(check, needs_input)
        return check

    return register


def _case(step: Step) -> Case:
    assert step.case is not None  # every guard but the summary procedure's runs on an existing case
    return step.case


def running(case: Case, *periods: str) -> list[CaseDeadline]:
    return [d for d in case.deadlines.all() if d.period in periods and d.stopped_on is None]


def team(case: Case) -> list[Officer]:
    """The officers handling the case now: those assigned, less any whose recusal was granted."""
    members = case.assignments.active().select_related("officer", "officer__agency")
    return [assignment.officer for assignment in members]


def pending_recusal(case: Case) -> CaseRecord | None:
    """The recusal request not yet decided (行政处罚法 第四十三条), if any: requests are decided one at a time."""
    last = case.records.filter(action__in=("request_recusal", "decide_recusal")).order_by("entry_index").last()
    return last if last is not None and last.action == "request_recusal" else None


# 立案


@guard("prescription")
def prescription(step: Step) -> Problem | None:
    """Filing a lead, or deciding on the spot (the act discovered that day), within the period of 第三十六条."""
    case = step.case
    ended: date | None = step.data.get("act_ended_on") or (case.act_ended_on if case is not None else None)
    discovered = case.received_on if case is not None else step.on_date
    if ended is None:  # never skipped for want of a date: without it nobody knows the case is in time
        before = "立案" if case is not None else "当场作出处罚决定"
        return Problem(
            f"{before}前须确定违法行为终了（或发生）的日期，据此核查是否超过追责时效",
            "act_ended_on",
            "行政处罚法 第三十六条",
        )
    if ended > discovered:
        return Problem("违法行为终了日期不能晚于发现或受理日期", "act_ended_on", "行政处罚法 第三十六条")
    domain = case.domain if case is not None else str(step.data.get("domain") or "")
    grave = bool(step.data.get("grave_harm"))
    problem = rules.prescription_problem(ended, discovered, grave=grave, domain=domain)
    return Problem(problem, "act_ended_on", rules.prescription(domain, ended).source) if problem else None


def territory(agency: Agency) -> list[str]:
    """The areas an agency enforces in (管辖区域): its own and those of the agencies below it, as they list them."""
    areas: list[str] = []
    for below in agency.subtree().only("jurisdiction"):
        areas.extend(str(area) for area in below.jurisdiction or [] if str(area) not in areas)
    return areas


@guard("jurisdiction", needs_input=False)
def jurisdiction(step: Step) -> Problem | None:
    """The agency's sector, and its territory where the act names the place of the violation (on the spot).

    An agency that lists no sectors, or no areas, is not limited by them. A lead records no place yet, so
    filing checks the sector only."""
    case = step.case
    agency: Agency | None = case.agency if case is not None else step.data.get("agency")
    domain = case.domain if case is not None else step.data.get("domain")
    if agency is None or not domain:
        return None  # an act that opens a case, judged in advance before anything was chosen
    if agency.domains and domain not in agency.domains:
        return Problem(
            f"{agency.name} 的执法领域不包括“{Domain(domain).label}”，无管辖权，应当移送有管辖权的机关",
            "domain",
            "行政处罚法 第二十二条、第二十六条",
        )
    areas = territory(agency) if case is None else []
    if areas:
        area = str(step.data.get("area") or "").strip()
        if not area:
            return Problem("请选择违法行为发生地所属的管辖区域", "area", "行政处罚法 第二十二条")
        if area not in areas:
            return Problem(
                f"“{area}”不在{agency.name}的管辖区域（{'、'.join(areas)}）内，无管辖权，应当移送违法行为发生地的机关",
                "area",
                "行政处罚法 第二十二条",
            )
    return None


@guard("reason_given")
def reason_given(step: Step) -> Problem | None:
    if not str(step.data.get("reason") or "").strip():
        return Problem(f"请填写{step.action.label}的理由", "reason")
    return None


@guard("two_officers_able_to_enforce")
def two_officers_able_to_enforce(step: Step) -> Problem | None:
    case = _case(step)
    lead = step.data["lead"]
    chosen = [lead, *step.data.get("others", [])]
    eligible = check_investigators(chosen, case.agency, step.on_date)
    if not eligible:
        return Problem(eligible.reason, "others", "行政处罚法 第四十二条")
    lead_ok = can_enforce(lead, case.agency, step.on_date)
    if not lead_ok:
        return Problem(f"主办人须为可以执法的执法人员：{lead_ok.reason}", "lead", "行政处罚法 第四十二条")
    for officer in chosen[1:]:
        # Auxiliary staff of the agency's line may assist; anyone else on the team must be able to enforce.
        if officer.is_auxiliary and same_line(officer.agency, case.agency):
            continue
        able = can_enforce(officer, case.agency, step.on_date)
        if not able:
            return Problem(able.reason, "others", "行政处罚法 第四十二条")
    return None


@guard("recusal_declared")
def recusal_declared(step: Step) -> Problem | None:
    declared = {officer.pk for officer in step.data.get("declared", [])}
    chosen = [step.data["lead"], *step.data.get("others", [])]
    undeclared = list(dict.fromkeys(officer.name for officer in chosen if officer.pk not in declared))
    if undeclared:
        return Problem(f"{'、'.join(undeclared)} 尚未声明与本案无应当回避的情形", "declared", "行政处罚法 第四十三条")
    return None


# 回避 (行政处罚法 第四十三条)


@guard("recusal_request_valid")
def recusal_request_valid(step: Step) -> Problem | None:
    case = _case(step)
    if pending_recusal(case) is not None:
        return Problem("本案已有回避申请尚未决定，请先由负责人作出决定", rule="行政处罚法 第四十三条")
    named = list(step.data.get("named") or [])
    members = {member.pk for member in team(case)}
    if not named:
        return Problem("请选择申请回避的执法人员", "named", "行政处罚法 第四十三条")
    strangers = [officer.name for officer in named if officer.pk not in members]
    if strangers:
        return Problem(f"{'、'.join(strangers)} 不是本案的承办人员", "named", "行政处罚法 第四十三条")
    return None


@guard("recusal_request_pending", needs_input=False)
def recusal_request_pending(step: Step) -> Problem | None:
    if pending_recusal(_case(step)) is None:
        return Problem("本案没有待决定的回避申请", rule="行政处罚法 第四十三条")
    return None


@guard("no_recusal_pending", needs_input=False)
def no_recusal_pending(step: Step) -> Problem | None:
    request = pending_recusal(_case(step))
    if request is not None:
        return Problem(
            f"{request.on_date} 提出的回避申请尚未决定；决定作出前调查不停止，但不得终结调查或作出决定",
            rule="行政处罚法 第四十三条",
        )
    return None


@dataclass(frozen=True)
class NewTeam:
    """The team once the pending recusal request is granted, with what the head's decision changes."""

    named: list[dict[str, Any]]  # the officers the request names (id, name), as recorded
    leaving: set[int]  # their ids
    lead: Officer | None  # None: the lead steps aside and nobody was named instead
    others: list[Officer]
    rows: dict[int, CaseOfficer]  # every assignment of the case by officer, those stepped aside before too


def new_team(case: Case, data: dict[str, Any]) -> NewTeam:
    """The team after granting the pending request: who stays, the lead (kept or the one named in `data`) and
    the officers `data` adds."""
    request = pending_recusal(case)
    named: list[dict[str, Any]] = request.data.get("named", []) if request else []
    leaving = {officer["id"] for officer in named}
    rows = {a.officer_id: a for a in case.assignments.select_related("officer", "officer__agency")}
    staying = [a for a in rows.values() if a.recused_on is None and a.officer_id not in leaving]
    lead = data.get("lead") or next((a.officer for a in staying if a.is_lead), None)
    members = {officer.pk: officer for officer in [*(a.officer for a in staying), *data.get("others", [])]}
    others = [officer for pk, officer in members.items() if lead is None or pk != lead.pk]
    return NewTeam(named, leaving, lead, others, rows)


@guard("team_after_recusal")
def team_after_recusal(step: Step) -> Problem | None:
    """A granted recusal leaves a team that may still investigate: a lead, two able officers, all declared."""
    if not step.data.get("granted"):
        return None
    case = _case(step)
    after = new_team(case, step.data)
    lead, others, rows = after.lead, after.others, after.rows
    if lead is None:
        return Problem("主办人回避的，请指定新的主办人", "lead", "行政处罚法 第四十三条")
    for officer in (lead, *others):
        if officer.pk in after.leaving or (officer.pk in rows and rows[officer.pk].recused_on is not None):
            return Problem(f"{officer.name} 已回避，不得再承办本案", "others", "行政处罚法 第四十三条")
    proposed = Step(step.actor, step.action, case, step.on_date, {"lead": lead, "others": others})
    problem = two_officers_able_to_enforce(proposed)
    if problem is not None:
        return problem
    joining = [officer for officer in (lead, *others) if officer.pk not in rows]
    declared = {officer.pk for officer in step.data.get("declared", [])}
    undeclared = [officer.name for officer in joining if officer.pk not in declared]
    if undeclared:
        return Problem(f"{'、'.join(undeclared)} 尚未声明与本案无应当回避的情形", "declared", "行政处罚法 第四十三条")
    return None


# 谁可以作出执法行为


@guard("actor_status_allows", needs_input=False)
def actor_status_allows(step: Step) -> Problem | None:
    """Whatever roles a login holds, an act of enforcement is a person's whose status allows it on the act's
    date: never auxiliary staff, never someone who has left enforcement (workflow.STANDING_GUARDS)."""
    actor, officer = step.actor, step.officer
    rule = "国办发〔2018〕118号；行政处罚法 第四十二条"
    if actor.has_role(Role.AUXILIARY) or (officer is not None and officer.is_auxiliary):
        return Problem("执法辅助人员不得审批、决定、审核、签署、听证或送达，不能办理此事项", rule=rule)
    if officer is not None and officer.left_on is not None and officer.left_on <= step.on_date:
        return Problem(f"{officer.name} 已于 {officer.left_on} 离开执法岗位，不能办理此事项", rule=rule)
    return None


# 调查取证


@guard("actor_on_team", needs_input=False)
def actor_on_team(step: Step) -> Problem | None:
    officer = step.officer
    case = _case(step)
    if officer is None or officer.pk not in {member.pk for member in team(case)}:
        return Problem("只有本案的承办人员可以办理此事项", rule="行政处罚法 第四十二条")
    able = can_enforce(officer, case.agency, step.on_date)
    if not able:
        return Problem(f"您当前不能执法：{able.reason}", rule="行政处罚法 第四十二条；国办发〔2018〕118号")
    return None


@guard("investigators_present")
def investigators_present(step: Step) -> Problem | None:
    present = list(step.data.get("officers", []))
    agency = step.case.agency if step.case is not None else step.data["agency"]
    if step.officer is None:  # a login with an officer's role but no officer record behind it
        return Problem("您的账号未关联执法人员档案，不能办理此事项", rule="行政处罚法 第四十二条；国办发〔2018〕118号")
    if step.officer.pk not in {officer.pk for officer in present}:
        return Problem("办理人本人应在在场执法人员之中", "officers", "行政处罚法 第四十二条")
    eligible = check_investigators(present, agency, step.on_date)
    if not eligible:
        return Problem(eligible.reason, "officers", "行政处罚法 第四十二条、第五十五条")
    if step.case is not None:
        recused = set(step.case.assignments.exclude(recused_on=None).values_list("officer_id", flat=True))
        stepped_aside = [officer.name for officer in present if officer.pk in recused]
        if stepped_aside:
            return Problem(f"{'、'.join(stepped_aside)} 已回避，不得参与本案", "officers", "行政处罚法 第四十三条")
    return None


@guard("files_attached")
def files_attached(step: Step) -> Problem | None:
    if not step.data.get("evidence"):
        return Problem("请上传笔录或证据材料的照片、扫描件或录音录像", "evidence", "行政处罚法 第四十七条")
    return None


@guard("recorded_as_listed")
def recorded_as_listed(step: Step) -> Problem | None:
    """An act the recording list in force on its date names (recordings/rules.py): recorded in full, it brings its
    audio or video; recorded as circumstances require, it brings one, says one comes later, or says why there is
    none (国办发〔2018〕118号; seed 004)."""
    from zhifa.recordings.services import answer

    listed = step.recordings_asked()
    needs = listed.needs(step.action.name)
    if needs is None:
        return None
    types = Blob.objects.filter(sha256__in=step.data.get("evidence") or []).values_list("content_type", flat=True)
    if answer(needs, recording_rules.recordings_among(types), step.data) is not None:
        return None
    label = step.action.label
    if needs == "full":
        return Problem(
            f"{label}应当全程音像记录，请上传执法记录仪的录像或录音（音像记录事项清单）",
            "evidence",
            f"{listed.source}；行政处罚法 第四十七条",
        )
    return Problem(
        f"{label}应当根据情况音像记录：请上传录音录像，或勾选“已音像记录，稍后上传”，或填写未音像记录的理由",
        "no_recording_reason",
        listed.source,
    )


@guard("head_approved")
def head_approved(step: Step) -> Problem | None:
    """The agency head (an approver of the case's agency) approves first, or within 24 hours in an emergency."""
    approver: User | None = step.data.get("approved_by")
    case = _case(step)
    if approver is None and step.data.get("emergency"):
        return None  # reported and approved afterwards: `approve_seizure`, within the 24 hours it starts
    # Evidence is registered and preserved, and decided on, with the head's approval (行政处罚法 第五十六条).
    preserving = step.action.name in PRESERVATION_ACTS
    rule = "行政处罚法 第五十六条" if preserving else "行政强制法 第十八条、第十九条"
    if approver is None or not approver.has_role(Role.APPROVER.value):
        return Problem("须经行政机关负责人批准，请选择批准的负责人", "approved_by", rule)
    if approver.agency is None or not case.agency.is_within(approver.agency):
        return Problem(
            f"{approver} 不是 {case.agency.name} 的负责人", "approved_by", rule if preserving else "行政强制法 第十八条"
        )
    return None


PRESERVATION_ACTS = ("preserve_evidence", "decide_preserved")


@guard("seizure_running", needs_input=False)
def seizure_running(step: Step) -> Problem | None:
    if not running(_case(step), "seizure", "seizure_extension"):
        return Problem("本案没有正在进行的查封、扣押", rule="行政强制法 第二十五条")
    return None


@guard("emergency_approval_pending", needs_input=False)
def emergency_approval_pending(step: Step) -> Problem | None:
    if not running(_case(step), "emergency_approval"):
        return Problem("本案没有待补办批准的紧急查封、扣押", rule="行政强制法 第十九条")
    return None


@guard("seizure_not_expired", needs_input=False)
def seizure_not_expired(step: Step) -> Problem | None:
    for deadline in running(_case(step), "seizure"):
        if step.on_date > deadline.due_on:
            return Problem(
                f"查封、扣押期限已于 {deadline.due_on} 届满，应当解除，不能再延长",
                "on_date",
                "行政强制法 第二十五条、第二十八条",
            )
    return None


@guard("no_seizure_running", needs_input=False)
def no_seizure_running(step: Step) -> Problem | None:
    if running(_case(step), "seizure", "seizure_extension"):
        return Problem("查封、扣押尚未解除，请先解除或依决定处理", rule="行政强制法 第二十八条")
    return None


@guard("seizure_in_time", needs_input=False)
def seizure_in_time(step: Step) -> Problem | None:
    for deadline in running(_case(step), "seizure", "seizure_extension"):
        if step.on_date > deadline.due_on:
            return Problem(
                f"查封、扣押期限已于 {deadline.due_on} 届满，应当解除；届满后送检的期间不能扣除",
                "on_date",
                "行政强制法 第二十五条、第二十八条",
            )
    return None


@guard("no_appraisal_running", needs_input=False)
def no_appraisal_running(step: Step) -> Problem | None:
    current = running(_case(step), "appraisal")
    if current:
        return Problem(
            f"已有送检的检测、检验、检疫或者技术鉴定（告知期间至 {current[0].due_on}）尚未结束，请先登记其结束",
            rule="行政强制法 第二十五条第三款",
        )
    return None


@guard("appraisal_running", needs_input=False)
def appraisal_running(step: Step) -> Problem | None:
    if not running(_case(step), "appraisal"):
        return Problem("本案没有正在进行的检测、检验、检疫或者技术鉴定", rule="行政强制法 第二十五条第三款")
    return None


@guard("appraisal_period_stated")
def appraisal_period_stated(step: Step) -> Problem | None:
    """The time not counted must be stated (明确) and told to the party in writing: it ends on a set day."""
    ends_on: date | None = step.data.get("ends_on")
    if ends_on is None or ends_on <= step.on_date:
        return Problem(
            "检测、检验、检疫或者技术鉴定的期间应当明确并书面告知当事人：请填写晚于送检日期的期间届满日",
            "ends_on",
            "行政强制法 第二十五条第三款",
        )
    return None


@guard("preservation_pending", needs_input=False)
def preservation_pending(step: Step) -> Problem | None:
    if not running(_case(step), "preservation_decision"):
        return Problem("本案没有待作出处理决定的先行登记保存证据", rule="行政处罚法 第五十六条")
    return None


@guard("seizure_not_extended_before", needs_input=False)
def seizure_not_extended_before(step: Step) -> Problem | None:
    if any(d.period == "seizure_extension" for d in _case(step).deadlines.all()):
        return Problem("查封、扣押的期限只能延长一次", rule="行政强制法 第二十五条")
    return None


# 调查终结、审核、审批


@guard("penalty_stated")
def penalty_stated(step: Step) -> Problem | None:
    kinds = step.data.get("penalty_kinds") or []
    fine = step.data.get("fine")
    proposing = step.action.name in ("report", "revise_proposal")
    if not kinds and proposing and (step.data.get("violation") or (step.case and step.case.violation_id)):
        return None  # a proposal not to punish, which the assistant must bear out (discretion.apply_proposal)
    if not kinds:
        return Problem("请选择处罚种类", "penalty_kinds", "行政处罚法 第九条")
    if "fine" in kinds and not fine:
        return Problem("处罚种类包括罚款，请填写罚款金额", "fine", "行政处罚法 第五十九条")
    if "fine" not in kinds and fine:
        return Problem("填写了罚款金额，处罚种类应包括罚款", "penalty_kinds", "行政处罚法 第九条")
    confiscating = set(kinds) & CONFISCATIONS
    confiscated = step.data.get("confiscated")
    if confiscating and not confiscated:
        return Problem("处罚种类包括没收，请填写没收违法所得和非法财物的价值", "confiscated", "行政处罚法 第五十九条")
    if confiscated and not confiscating:
        return Problem("填写了没收价值，处罚种类应包括没收违法所得或没收非法财物", "penalty_kinds", "行政处罚法 第九条")
    return None


CONFISCATIONS = frozenset({"confiscate_gains", "confiscate_property"})


@guard("minor_treated_lighter")
def minor_treated_lighter(step: Step) -> Problem | None:
    """A party under 14 on the act's date is not punished; one from 14 to under 18 is punished lighter or less,
    and the discretion reasons say so (行政处罚法 第三十条)."""
    case = _case(step)
    on = case.act_ended_on or case.received_on
    for party in case.parties.filter(kind=PartyKind.CITIZEN).exclude(id_number=""):
        age = rules.age_on(party.id_number, on)
        if age is None:
            continue
        if age < rules.NO_PENALTY_BELOW_AGE:
            return Problem(
                f"{party.name} 违法时不满十四周岁，不予行政处罚，应责令其监护人加以管教",
                "penalty_kinds",
                "行政处罚法 第三十条",
            )
        reasons = str(step.data.get("discretion_reasons") or "")
        if age < rules.LIGHTER_BELOW_AGE and not ("从轻" in reasons or "减轻" in reasons):
            return Problem(
                f"{party.name} 违法时已满十四周岁不满十八周岁，应当从轻或者减轻处罚：请在裁量理由中写明",
                "discretion_reasons",
                "行政处罚法 第三十条",
            )
    return None


@guard("education_recorded")
def education_recorded(step: Step) -> Problem | None:
    """Whoever is not punished for a violation is educated, and the case file says how (第三十三条第三款)."""
    if step.data.get("ground") != "facts_unclear" and not str(step.data.get("education") or "").strip():
        return Problem(
            "不予行政处罚的，应当对当事人进行教育：请记录教育的方式和内容", "education", "行政处罚法 第三十三条第三款"
        )
    return None


@guard("penalty_proposed", needs_input=False)
def penalty_proposed(step: Step) -> Problem | None:
    """A proposal not to punish is not approved and noticed: the head decides no penalty (第五十七条第一款第二项)."""
    if not _case(step).penalty_kinds:
        return Problem("调查终结报告建议不予处罚，请决定不予处罚", rule="行政处罚法 第五十七条第一款第二项")
    return None


@guard("first_offence_checked")
def first_offence_checked(step: Step) -> Problem | None:
    """首违不罚 only for a first violation: none of the same kind by the same party within the list's years."""
    from zhifa.cases import discretion

    problem = discretion.no_penalty_problem(_case(step), str(step.data.get("ground")), step.data.get("list_item"))
    return Problem(problem, "ground", "行政处罚法 第三十三条第一款") if problem else None


@guard("law_unchanged", needs_input=False)
def law_unchanged(step: Step) -> Problem | None:
    """The decision applies the rule in force when it is made where that is lighter (从旧兼从轻): a proposal
    noticed under a rule that no longer judges the act is revised and noticed again first."""
    from zhifa.cases import discretion

    problem = discretion.law_changed_since_report(_case(step), step.on_date)
    return Problem(problem, rule="行政处罚法 第三十七条") if problem else None


@guard("discretion_recorded")
def discretion_recorded(step: Step) -> Problem | None:
    # With a violation from the list, the assistant drafts the reasoning from its benchmark when left blank.
    if step.data.get("violation") is None and len(str(step.data.get("discretion_reasons") or "").strip()) < 10:
        return Problem(
            "请写明裁量理由：适用的裁量基准、从轻或从重的情节（不少于10个字）",
            "discretion_reasons",
            "行政处罚法 第三十四条",
        )
    return None


@guard("case_is_major", needs_input=False)
def case_is_major(step: Step) -> Problem | None:
    from zhifa.cases import major

    if not major.clauses(_case(step), step.on_date):
        return Problem("本案不属于重大执法决定法制审核目录所列情形，直接提交负责人审批", rule="行政处罚法 第五十八条")
    return None


@guard("case_not_major", needs_input=False)
def case_not_major(step: Step) -> Problem | None:
    """Major is computed from the catalog in force and the facts: unticking a box does not make it ordinary."""
    from zhifa.cases import major

    found = major.clauses(_case(step), step.on_date)
    if found:
        return Problem(f"本案属于重大执法决定（{major.describe(found)}），须先经法制审核", rule=major.LAW)
    return None


def _discussion(case: Case) -> CaseRecord | None:
    """The collective discussion of the proposal in force (after the latest report or revised proposal)."""
    proposals = case.records.filter(action__in=("report", "revise_proposal")).order_by("-entry_index").first()
    held = case.records.filter(action="record_collective").order_by("-entry_index")
    if proposals is not None:
        held = held.filter(entry_index__gt=proposals.entry_index)
    return held.first()


@guard("discussion_participants")
def discussion_participants(step: Step) -> Problem | None:
    if len(step.data.get("participants") or []) < 2:
        return Problem(
            "集体讨论应由机关负责人集体进行，请选择至少二名参加讨论的负责人",
            "participants",
            "行政处罚法 第五十七条第二款",
        )
    return None


@guard("collective_recorded", needs_input=False)
def collective_recorded(step: Step) -> Problem | None:
    """A case sent to collective discussion is approved on its recorded conclusion, for the proposal in force."""
    case = _case(step)
    if case.state != State.COLLECTIVE:
        return None
    held = _discussion(case)
    if held is None:
        return Problem("请先记录负责人集体讨论的情况和结论", rule="行政处罚法 第五十七条第二款")
    if held.data.get("conclusion") not in ("agree", "amend"):
        return Problem("集体讨论的结论不是作出处罚，不能批准拟处罚", rule="行政处罚法 第五十七条第二款")
    return None


@guard("decided_as_discussed")
def decided_as_discussed(step: Step) -> Problem | None:
    """A decision the heads discussed is the one they discussed: a different penalty is discussed again."""
    case = _case(step)
    held = _discussion(case)
    if held is None:
        if not case.collective:
            return None
        return Problem("情节复杂或者重大违法行为，应当由行政机关负责人集体讨论决定", rule="行政处罚法 第五十七条第二款")
    # Whenever the heads discussed the proposal in force, the decision is theirs: never one they did not reach.
    if held.data.get("conclusion") not in ("agree", "amend"):
        return Problem("负责人集体讨论的结论不是作出处罚，不能作出处罚决定", rule="行政处罚法 第五十七条第二款")
    discussed = held.data.get("proposal", {})
    decided = {
        "penalty_kinds": sorted(step.data.get("penalty_kinds") or []),
        "fine": money_text(step.data.get("fine")),
        "confiscated": money_text(step.data.get("confiscated")),
    }
    if any(discussed.get(name) != value for name, value in decided.items()):
        return Problem(
            "决定的处罚与负责人集体讨论的不一致，应当就本决定重新集体讨论，并记录讨论情况",
            rule="行政处罚法 第五十七条第二款",
        )
    return None


def money_text(value: Decimal | None) -> str | None:
    """An amount as the record keeps it (two decimals), None for none."""
    return None if value is None else f"{value:.2f}"


@guard("major_filing_running", needs_input=False)
def major_filing_running(step: Step) -> Problem | None:
    if not running(_case(step), "major_filing"):
        return Problem("本案没有待备案的重大行政处罚决定（或已备案）", rule="重大行政处罚决定备案的地方规定")
    return None


@guard("review_period_running", needs_input=False)
def review_period_running(step: Step) -> Problem | None:
    current = running(_case(step), "legal_review")
    if not current:
        return Problem("法制审核期限已经延长或不在计算中", rule="本机关法制审核办法")
    if step.on_date > current[-1].due_on:
        return Problem(
            f"法制审核期限已于 {current[-1].due_on} 届满，应在届满前批准延长", "on_date", "本机关法制审核办法"
        )
    return None


@guard("review_not_extended_before", needs_input=False)
def review_not_extended_before(step: Step) -> Problem | None:
    """Once per submission: a round returned and submitted again has its own period."""
    case = _case(step)
    submitted = case.records.filter(action="submit_review").order_by("-entry_index").first()
    since = case.records.filter(action="extend_review")
    if submitted is not None and since.filter(entry_index__gt=submitted.entry_index).exists():
        return Problem("本轮法制审核期限已经延长过一次", rule="本机关法制审核办法")
    return None


@guard("major_reviewed")
def major_reviewed(step: Step) -> Problem | None:
    """No major decision without a review passed on the proposal decided (第五十八条): computed with the penalty
    being decided, so a change that crosses a threshold of the catalog needs the review too."""
    from zhifa.cases import major

    case = _case(step)
    found = major.clauses(
        case,
        step.on_date,
        kinds=step.data.get("penalty_kinds") or (),
        fine=step.data.get("fine"),
        confiscated=step.data.get("confiscated"),
        proposed=False,
    )
    if not found:
        return None
    # A review passed (or, after a hearing, the post-hearing review) on the proposal now decided.
    reviews = ("pass_review", "review_after_hearing")
    acts = ("report", "revise_proposal", *reviews)
    records = list(case.records.filter(action__in=acts).order_by("entry_index"))
    passed = [r for r in records if r.action in reviews]
    proposals = [r for r in records if r.action not in reviews]
    if passed and (not proposals or passed[-1].entry_index > proposals[-1].entry_index):
        return None
    return Problem(
        f"本决定属于重大执法决定（{major.describe(found)}），未经法制审核或者审核未通过的，不得作出决定；"
        "请变更拟处罚意见（重新告知）后提交法制审核",
        rule=major.LAW,
    )


@guard("reviewer_not_handler", needs_input=False)
def reviewer_not_handler(step: Step) -> Problem | None:
    officer = step.officer
    if officer is not None and officer.pk in {member.pk for member in team(_case(step))}:
        return Problem("本案承办人员不得审核本案", rule="行政处罚法 第五十八条")
    return None


@guard("collective_held_when_grave", needs_input=False)
def collective_held_when_grave(step: Step) -> Problem | None:
    case = _case(step)
    if case.collective and case.state != State.COLLECTIVE:
        return Problem("情节复杂或者重大违法行为，应当由行政机关负责人集体讨论决定", rule="行政处罚法 第五十七条第二款")
    return None


@guard("decision_period_running", needs_input=False)
def decision_period_running(step: Step) -> Problem | None:
    current = running(_case(step), "decision")
    if not current:
        return Problem("办案期限已经延长或不在计算中", rule="行政处罚法 第六十条")
    if step.on_date > current[-1].due_on:
        return Problem(f"办案期限已于 {current[-1].due_on} 届满，应在届满前批准延长", "on_date", "行政处罚法 第六十条")
    return None


@guard("extension_provided", needs_input=False)
def extension_provided(step: Step) -> Problem | None:
    """The decision period is extended only where a law, regulation or rule provides it (agency data)."""
    from zhifa.cases.agency_settings import in_force

    if not in_force(_case(step).agency).periods["decision_extension"]:
        return Problem("本机关适用的法律、法规、规章没有规定可以延长办案期限，不能延长", rule="行政处罚法 第六十条")
    return None


@guard("decision_not_extended_before", needs_input=False)
def decision_not_extended_before(step: Step) -> Problem | None:
    if any(d.period == "decision_extension" for d in _case(step).deadlines.all()):
        return Problem("办案期限已经延长过一次，不得再次延长", rule="行政处罚法 第六十条")
    return None


@guard("further_extension_provided", needs_input=False)
def further_extension_provided(step: Step) -> Problem | None:
    """Only a sector rule that provides it allows a second extension (data: rules.FURTHER_EXTENSIONS)."""
    case = _case(step)
    if case.domain not in rules.FURTHER_EXTENSIONS:
        return Problem(
            f"“{case.get_domain_display()}”领域的规章没有规定经集体讨论继续延长办案期限，不能再次延长",
            rule="行政处罚法 第六十条",
        )
    return None


@guard("decision_extension_running", needs_input=False)
def decision_extension_running(step: Step) -> Problem | None:
    rule = rules.FURTHER_EXTENSIONS.get(_case(step).domain)
    source = rule.source if rule else "行政处罚法 第六十条"
    current = running(_case(step), "decision_extension")
    if not current:
        return Problem("继续延长须在经批准延长的办案期限内决定；本案未在延长的期限中", rule=source)
    if step.on_date > current[-1].due_on:
        return Problem(f"延长的办案期限已于 {current[-1].due_on} 届满，应在届满前决定继续延长", "on_date", source)
    return None


@guard("further_extension_days_allowed")
def further_extension_days_allowed(step: Step) -> Problem | None:
    rule = rules.FURTHER_EXTENSIONS.get(_case(step).domain)
    days: int | None = step.data.get("days")
    if rule is None:
        return None
    if not days or days < 1:
        return Problem("请填写集体讨论确定的继续延长的天数", "days", rule.source)
    if rule.max_days is not None and days > rule.max_days:
        return Problem(f"继续延长不得超过{rule.max_days}日", "days", rule.source)
    return None


@guard("collective_discussion_recorded")
def collective_discussion_recorded(step: Step) -> Problem | None:
    if not step.data.get("evidence"):
        rule = rules.FURTHER_EXTENSIONS.get(_case(step).domain)
        return Problem("请上传负责人集体讨论的记录", "evidence", rule.source if rule else "行政处罚法 第六十条")
    return None


# 告知、听证


def _issued(case: Case, kind: DocumentKind) -> bool:
    return any(document.kind == kind for document in case.documents.all())


def made_for_latest(case: Case, kind: DocumentKind, act: str) -> bool:
    """Whether a document of `kind` was made for the latest `act` of the case (a notice per approval, a hearing
    notice per hearing noticed): what is served must be the one for the act in force, not an older one."""
    latest = case.records.filter(action=act).order_by("-entry_index").first()
    return latest is not None and case.documents.filter(kind=kind, documents_entry=latest.entry_index).exists()


@guard("advance_notice_issued", needs_input=False)
def advance_notice_issued(step: Step) -> Problem | None:
    """What is served is the numbered notice the system made, carrying the approval's entry hash."""
    if not _issued(_case(step), DocumentKind.ADVANCE_NOTICE):
        return Problem("请先制作行政处罚事先告知书，再送达", rule="行政处罚法 第四十四条")
    if not made_for_latest(_case(step), DocumentKind.ADVANCE_NOTICE, "approve"):
        return Problem("拟处罚意见已变更，请制作新的行政处罚事先告知书，再送达", rule="行政处罚法 第四十四条")
    return None


@guard("rights_stated")
def rights_stated(step: Step) -> Problem | None:
    if not step.data.get("rights_stated"):
        return Problem(
            "告知书应当载明拟作出处罚的内容及事实、理由、依据，并告知陈述、申辩、要求听证等权利",
            "rights_stated",
            "行政处罚法 第四十四条",
        )
    return None


@guard("hearing_right_applies", needs_input=False)
def hearing_right_applies(step: Step) -> Problem | None:
    if not _case(step).hearing_right:
        return Problem("拟作出的处罚不属于应当告知听证权利的情形", rule="行政处罚法 第六十三条")
    return None


@guard("within_hearing_request_period")
def within_hearing_request_period(step: Step) -> Problem | None:
    # The period of the notice served last: a new notice (重新告知) gives the right again from its own day.
    rows = [deadline for deadline in _case(step).deadlines.all() if deadline.period == "hearing_request"]
    latest = max(rows, key=lambda row: (row.started_on, row.pk)) if rows else None
    for deadline in [latest] if latest is not None else []:
        if step.on_date > deadline.due_on:
            return Problem(
                f"当事人应在告知后五个工作日内要求听证（截至 {deadline.due_on}），逾期视为放弃",
                "on_date",
                "行政处罚法 第六十四条第一项",
            )
    return None


@guard("hearing_at_least_seven_days_after_notice")
def hearing_at_least_seven_days_after_notice(step: Step) -> Problem | None:
    hearing_on: date = step.data["hearing_on"]
    earliest = rules.earliest_hearing(step.on_date)
    if hearing_on < earliest.date:
        return Problem(
            f"应当在举行听证的七个工作日前通知当事人，听证最早可定于 {earliest}",
            "hearing_on",
            "行政处罚法 第六十四条第二项",
        )
    return None


@guard("chair_did_not_investigate")
def chair_did_not_investigate(step: Step) -> Problem | None:
    chair: Officer = step.data["chair"]
    case = _case(step)
    # Everyone ever assigned investigated; one who stepped aside (回避) is, besides, a person the law keeps out.
    assigned = case.assignments.filter(officer=chair).first()
    if assigned is not None and assigned.recused_on is not None:
        return Problem(f"{chair.name} 已在本案回避，不能主持听证", "chair", "行政处罚法 第四十三条、第六十四条第四项")
    if assigned is not None:
        return Problem("听证由非本案调查人员主持", "chair", "行政处罚法 第六十四条第四项")
    able = can_enforce(chair, case.agency, step.on_date)
    if not able:
        return Problem(f"听证主持人须为本机关可以执法的人员：{able.reason}", "chair", "行政处罚法 第六十四条第四项")
    return None


def current_chair(case: Case) -> dict[str, Any] | None:
    """The hearing's chair as last named: by the hearing notice, or by a granted challenge since
    ({"id", "name"}; None before the hearing is noticed)."""
    named = case.records.filter(action__in=("notify_hearing", "decide_chair_challenge")).order_by("entry_index")
    chair = None
    for record in named:
        if record.action == "notify_hearing" or record.data.get("granted"):
            chair = record.data["chair"]
    return chair


def _chair_challenges(case: Case) -> list[CaseRecord]:
    return list(case.records.filter(action__in=("challenge_chair", "decide_chair_challenge")).order_by("entry_index"))


@guard("no_chair_challenge_pending", needs_input=False)
def no_chair_challenge_pending(step: Step) -> Problem | None:
    challenges = _chair_challenges(_case(step))
    if challenges and challenges[-1].action == "challenge_chair":
        return Problem("当事人申请听证主持人回避，尚待机关负责人决定", rule="行政处罚法 第六十四条第四项")
    return None


@guard("chair_challenge_pending", needs_input=False)
def chair_challenge_pending(step: Step) -> Problem | None:
    challenges = _chair_challenges(_case(step))
    if not challenges or challenges[-1].action != "challenge_chair":
        return Problem("当事人没有尚待决定的主持人回避申请", rule="行政处罚法 第六十四条第四项")
    return None


@guard("replacement_chair_eligible")
def replacement_chair_eligible(step: Step) -> Problem | None:
    """A granted challenge names another chair, who must be as eligible as the first."""
    if not step.data.get("granted"):
        return None
    chair: Officer | None = step.data.get("chair")
    if chair is None:
        return Problem("同意回避的，请指定新的听证主持人", "chair", "行政处罚法 第六十四条第四项")
    challenged = current_chair(_case(step))
    if challenged is not None and challenged["id"] == chair.pk:
        return Problem(f"{chair.name} 是被申请回避的主持人，请另行指定", "chair", "行政处罚法 第六十四条第四项")
    return chair_did_not_investigate(step)


@guard("hearing_not_reported", needs_input=False)
def hearing_not_reported(step: Step) -> Problem | None:
    records = list(_case(step).records.filter(action__in=("hold_hearing", "report_hearing")).order_by("entry_index"))
    if records and records[-1].action == "report_hearing":
        return Problem("本次听证的报告已经提交", rule="行政处罚法 第六十五条")
    return None


@guard("hearing_reported", needs_input=False)
def hearing_reported(step: Step) -> Problem | None:
    """A hearing held is reported by its chair before anything rests on it: the decision, or a changed proposal
    (重新告知) that the hearing brought about (第六十五条)."""
    records = list(_case(step).records.filter(action__in=("hold_hearing", "report_hearing")).order_by("entry_index"))
    held = [record for record in records if record.action == "hold_hearing"]
    if held and held[-1].data.get("outcome") == "held" and records[-1].action != "report_hearing":
        return Problem("听证结束后，应当先提交听证主持人的听证报告", rule="行政处罚法 第六十五条")
    return None


@guard("hearing_report_read")
def hearing_report_read(step: Step) -> Problem | None:
    """After a hearing, the decision rests on its record and the chair's report (第六十五条): the report is in the
    file and the head says he has read it."""
    held = _case(step).records.filter(action="hold_hearing").order_by("entry_index").last()
    if held is None or held.data.get("outcome") != "held":
        return None
    unreported = hearing_reported(step)
    if unreported is not None:
        return unreported
    if not step.data.get("hearing_report_read"):
        return Problem("请阅听证报告后作出决定", "hearing_report_read", "行政处罚法 第六十五条")
    return None


@guard("hearing_notice_issued", needs_input=False)
def hearing_notice_issued(step: Step) -> Problem | None:
    """The party was told time and place by the numbered notice the system made (第六十四条第二项)."""
    if not made_for_latest(_case(step), DocumentKind.HEARING_NOTICE, "notify_hearing"):
        return Problem("请先制作并送达本次听证的听证通知书，再举行听证", rule="行政处罚法 第六十四条第二项")
    return None


@guard("hearing_record_signed")
def hearing_record_signed(step: Step) -> Problem | None:
    if step.data.get("outcome") == "held" and not step.data.get("evidence"):
        return Problem("请上传经当事人核对签字的听证笔录", "evidence", "行政处罚法 第六十四条第八项")
    return None


@guard("hearing_was_held", needs_input=False)
def hearing_was_held(step: Step) -> Problem | None:
    if not _case(step).records.filter(action="hold_hearing", data__outcome="held").exists():
        return Problem("当事人放弃听证，无需听证后法制审核", rule="行政处罚法 第五十八条第一款第二项")
    return None


# 决定


@guard("reviewed_after_hearing", needs_input=False)
def reviewed_after_hearing(step: Step) -> Problem | None:
    """A decision that went through a hearing is reviewed by the legal reviewers first (art. 58(1)(2))."""
    # The review after the hearing, or a review passed on a proposal made after it (重新告知), covers it.
    reviews = ("review_after_hearing", "pass_review")
    records = list(_case(step).records.filter(action__in=("hold_hearing", *reviews)))
    held = [r for r in records if r.action == "hold_hearing" and r.data.get("outcome") == "held"]
    if held and not any(r.action in reviews and r.entry_index > held[-1].entry_index for r in records):
        return Problem("经过听证的案件，作出决定前应当进行法制审核", rule="行政处罚法 第五十八条第一款第二项")
    return None


@guard("waiver_signed")
def waiver_signed(step: Step) -> Problem | None:
    """A right is waived only by the party's own written, signed statement, kept as a hashed file."""
    if (step.data.get("waived_statement") or step.data.get("waived_hearing")) and not step.data.get("evidence"):
        return Problem(
            "放弃陈述、申辩或听证须有当事人签名的书面声明：请上传其扫描件或照片",
            "evidence",
            "行政处罚法 第四十五条、第六十二条、第六十四条",
        )
    return None


@guard("statement_period_over")
def statement_period_over(step: Step) -> Problem | None:
    case = _case(step)
    if case.state == State.HEARD:
        return None
    # A waiver lifts only the period of the right waived (the statement's, or the hearing request's), and only
    # under the notice it answered: a new notice (重新告知) gives the rights again.
    notified = case.records.filter(action="notify").order_by("-entry_index").first()
    answers = case.records.filter(action="record_statement")
    if notified is not None:
        answers = answers.filter(entry_index__gt=notified.entry_index)
    statements = [r.data for r in answers]
    lifted = {
        "statement": any(d.get("waived_statement") or d.get("waived") for d in statements),
        "hearing_request": any(d.get("waived_hearing") or d.get("waived") for d in statements),
    }
    for deadline in running(case, "statement", "hearing_request"):
        if step.on_date <= deadline.due_on and not lifted[deadline.period]:
            label = rules.PERIODS[deadline.period].label
            return Problem(
                f"{label}期限至 {deadline.due_on} 届满，期满或当事人书面放弃后方可作出决定",
                "on_date",
                "行政处罚法 第四十五条、第六十二条",
            )
    return None


@guard("within_decision_period")
def within_decision_period(step: Step) -> Problem | None:
    limit = running(_case(step), "decision", "decision_extension", "decision_further_extension")
    if limit and step.on_date > limit[-1].due_on:
        return Problem(
            f"办案期限已于 {limit[-1].due_on} 届满，须经批准延长后方可作出决定",
            "on_date",
            "行政处罚法 第六十条",
        )
    return None


@guard("defence_answered")
def defence_answered(step: Step) -> Problem | None:
    """The party's statement and defence are re-examined and answered in writing before the decision: adopted
    or not, with reasons (复核, 行政处罚法 第四十五条第一款)."""
    made = [r for r in _case(step).records.filter(action="record_statement") if str(r.data.get("content", "")).strip()]
    return _answer_problem(step.data) if made else None


def _answer_problem(data: dict[str, Any]) -> Problem | None:
    """The answer (复核) to a statement the party made: adopted or not, and why (行政处罚法 第四十五条第一款)."""
    if not data.get("defence_answer"):
        return Problem(
            "当事人提出了陈述、申辩，请填写复核意见：是否采纳", "defence_answer", "行政处罚法 第四十五条第一款"
        )
    if not str(data.get("defence_reasons") or "").strip():
        return Problem("请写明复核的理由", "defence_reasons", "行政处罚法 第四十五条第一款")
    return None


@guard("not_heavier_after_defence")
def not_heavier_after_defence(step: Step) -> Problem | None:
    case = _case(step)
    fine: Decimal | None = step.data.get("fine")
    kinds = set(step.data.get("penalty_kinds") or [])
    if fine is not None and case.proposed_fine is not None and fine > case.proposed_fine:
        return Problem(
            f"不得因当事人陈述、申辩而给予更重的处罚：罚款不得超过告知的 {case.proposed_fine} 元",
            "fine",
            "行政处罚法 第四十五条",
        )
    confiscated: Decimal | None = step.data.get("confiscated")
    proposed = case.proposed_confiscated
    if confiscated and proposed is None:
        return Problem("告知书未载明没收的价值，不得没收，如需没收应重新告知", "confiscated", "行政处罚法 第四十五条")
    if confiscated is not None and proposed is not None and confiscated > proposed:
        return Problem(
            f"不得因当事人陈述、申辩而给予更重的处罚：没收价值不得超过告知的 {proposed} 元",
            "confiscated",
            "行政处罚法 第四十五条",
        )
    if rules.added_kinds_not_lighter(set(case.penalty_kinds), kinds):
        return Problem(
            "不得增加告知书中没有且不轻于原拟处罚的处罚种类（可改为较轻的种类，如罚款改为警告），如需加重应重新告知",
            "penalty_kinds",
            "行政处罚法 第四十五条、第九条",
        )
    return None


# 送达、执行


@guard("decision_issued", needs_input=False)
def decision_issued(step: Step) -> Problem | None:
    if not _issued(_case(step), DocumentKind.PENALTY_DECISION):
        return Problem("请先制作行政处罚决定书，再送达", rule="行政处罚法 第五十九条、第六十一条")
    return None


@guard("proof_of_service")
def proof_of_service(step: Step) -> Problem | None:
    if not step.data.get("evidence"):
        return Problem("请上传送达回证（签收、邮寄回执、电子送达记录或公告）", "evidence", "行政处罚法 第六十一条")
    return None


@guard("announcement_justified")
def announcement_justified(step: Step) -> Problem | None:
    """Publication is the last way of service: the file says why no other could reach the party."""
    if step.data.get("method") == "announcement" and not str(step.data.get("announcement_reason") or "").strip():
        return Problem(
            "公告送达须写明当事人下落不明或者用其他方式无法送达的情形",
            "announcement_reason",
            f"行政处罚法 第六十一条；{rules.PUBLICATION_SOURCE}",
        )
    return None


@guard("electronic_service_consented")
def electronic_service_consented(step: Step) -> Problem | None:
    if step.data.get("method") == "electronic" and not step.data.get("consent"):
        return Problem("电子送达须经当事人同意并签订确认书", "consent", "行政处罚法 第六十一条")
    return None


def outstanding(case: Case) -> Decimal:
    return (case.fine or Decimal(0)) - case.paid


def late_fee_owed(case: Case, on_date: date) -> Decimal:
    """The additional fine (加处罚款) owed on `on_date` and not yet paid: 3 % a day of the unpaid fine after the
    payment period ends, capped at the fine (行政处罚法 第七十二条; rules.late_fee). Counted on the unpaid part,
    the reading lighter for the party when a fine is paid in parts."""
    periods = running(case, "payment")
    unpaid = outstanding(case)
    if not periods or unpaid <= 0:
        return Decimal(0)
    accrued = rules.late_fee(unpaid, periods[-1].due_on, on_date)
    return max(Decimal(0), accrued - case.late_fee_paid)


@guard("fine_outstanding", needs_input=False)
def fine_outstanding(step: Step) -> Problem | None:
    case = _case(step)
    # Before the decision the fine is only proposed (a case sent to the judiciary carries the report's).
    if case.decided_on is None or outstanding(case) <= 0:
        return Problem("本案没有未缴纳的罚款")
    return None


@guard("party_applied")
def party_applied(step: Step) -> Problem | None:
    if not step.data.get("applied"):
        return Problem("暂缓或分期缴纳须由当事人申请", "applied", "行政处罚法 第六十六条")
    return None


@guard("remedy_periods_over", needs_input=False)
def remedy_periods_over(step: Step) -> Problem | None:
    for deadline in running(_case(step), "reconsideration", "litigation"):
        if step.on_date <= deadline.due_on:
            return Problem(
                f"当事人申请复议或提起诉讼的期限至 {deadline.due_on} 届满，期满不履行方可申请强制执行",
                rule="行政强制法 第五十三条",
            )
    return None


@guard("within_court_application_period", needs_input=False)
def within_court_application_period(step: Step) -> Problem | None:
    for deadline in running(_case(step), "court_application"):
        if step.on_date > deadline.due_on:
            return Problem(f"申请人民法院强制执行的期限已于 {deadline.due_on} 届满", "on_date", "行政强制法 第五十三条")
    return None


@guard("demand_served_ten_days_before")
def demand_served_ten_days_before(step: Step) -> Problem | None:
    served: date | None = step.data.get("demand_served_on")
    if served is None:
        return Problem("请填写催告书送达日期", "demand_served_on", "行政强制法 第五十四条")
    ready = rules.due("demand_before_court", served)
    if step.on_date <= ready.date:
        return Problem(
            f"催告书送达十个工作日后当事人仍未履行的，方可申请，最早 {ready.date + timedelta(days=1)}",
            "demand_served_on",
            "行政强制法 第五十四条",
        )
    return None


# 简易程序


@guard("summary_limits")
def summary_limits(step: Step) -> Problem | None:
    kinds = set(step.data.get("penalty_kinds") or [])
    if not kinds or kinds - {"warning", "fine"}:
        return Problem("简易程序只能给予警告或者罚款", "penalty_kinds", "行政处罚法 第五十一条")
    fine = step.data.get("fine") if "fine" in kinds else None
    if "fine" in kinds and not fine:
        return Problem("请填写罚款金额", "fine", "行政处罚法 第五十一条")
    problem = rules.summary_procedure_problem(PartyKind(step.data["party_kind"]), fine)
    return Problem(problem, "fine", "行政处罚法 第五十一条") if problem else None


@guard("certificates_shown")
def certificates_shown(step: Step) -> Problem | None:
    if not step.data.get("certificates_shown"):
        return Problem("当场作出处罚决定，应当向当事人出示执法证件", "certificates_shown", "行政处罚法 第五十二条")
    return None


@guard("on_the_spot_collection")
def on_the_spot_collection(step: Step) -> Problem | None:
    if not step.data.get("collected") or not step.data.get("fine"):
        return None
    problem = rules.on_the_spot_collection_problem(
        step.data["fine"], hard_to_collect_later=bool(step.data.get("hard_to_collect"))
    )
    return Problem(problem, "collected", "行政处罚法 第六十八条") if problem else None


@guard("party_told_and_heard")
def party_told_and_heard(step: Step) -> Problem | None:
    """Before deciding on the spot the officers tell the party the intended penalty with its facts, reasons and
    basis and the right to state and defend, hear what the party says and answer it — or note that the party
    said nothing. The rules of 第五章第一节 bind the summary procedure too; 第六十二条: no decision without them."""
    data = step.data
    if not data.get("told"):
        return Problem(
            "当场作出处罚决定前，应当告知当事人拟作出的行政处罚内容及事实、理由、依据，并告知其陈述、申辩的权利",
            "told",
            "行政处罚法 第四十四条、第六十二条",
        )
    statement = str(data.get("statement") or "").strip()
    if statement and data.get("no_statement"):
        return Problem("已记录当事人的陈述、申辩，不能同时注明当事人未提出", "no_statement", "行政处罚法 第四十五条")
    if not statement and not data.get("no_statement"):
        return Problem(
            "请记录当事人的陈述、申辩；当事人未提出的，请注明",
            "statement",
            "行政处罚法 第四十五条、第六十二条",
        )
    return _answer_problem(data) if statement else None


@guard("receipt_noted")
def receipt_noted(step: Step) -> Problem | None:
    """The decision is handed to the party on the spot, who signs for it; a refusal is noted on the decision."""
    if step.data.get("party_receipt") not in ("signed", "refused"):
        return Problem(
            "请记录当事人是否签收当场处罚决定书；拒绝签收的，将在决定书上注明",
            "party_receipt",
            "行政处罚法 第五十二条",
        )
    return None


@guard("cash_held", needs_input=False)
def cash_held(step: Step) -> Problem | None:
    if not running(_case(step), "cash_handover"):
        return Problem("本案没有待上缴的当场收缴罚款", rule="行政处罚法 第七十一条")
    return None


# 结案、归档


@guard("performed_or_ended", needs_input=False)
def performed_or_ended(step: Step) -> Problem | None:
    case = _case(step)
    if case.state in (State.NO_PENALTY, State.TERMINATED, State.COURT, State.HANDED_OVER, State.CRIMINAL_ENDED):
        return None
    if outstanding(case) > 0:
        return Problem(f"罚款尚有 {outstanding(case)} 元未缴纳，执行完毕后方可结案", rule="行政处罚法 第六十七条")
    return None


# 移送 (行政处罚法 第二十七条、第五十七条第一款第四项; 行政执法机关移送涉嫌犯罪案件的规定, "310号令")

TRANSFER_RULES = "行政执法机关移送涉嫌犯罪案件的规定"


def _last_of(case: Case, *actions: str) -> CaseRecord | None:
    return case.records.filter(action__in=actions).order_by("entry_index").last()


def transfer_report(case: Case) -> CaseRecord | None:
    """The team's written report proposing the transfer that the head has not yet decided on, if any."""
    last = _last_of(case, "propose_transfer", "decline_transfer", "transfer_to_judiciary")
    return last if last is not None and last.action == "propose_transfer" else None


def pending_refusal(case: Case) -> CaseRecord | None:
    """The police's notice refusing to open a criminal case, not yet contested, if any (310号令 第八条、第九条)."""
    last = _last_of(case, "transfer_to_judiciary", "judiciary_refuses", "contest_refusal")
    return last if last is not None and last.action == "judiciary_refuses" else None


@guard("no_transfer_report_pending", needs_input=False)
def no_transfer_report_pending(step: Step) -> Problem | None:
    if transfer_report(_case(step)) is not None:
        return Problem("移送涉嫌犯罪案件的书面报告已提出，待负责人决定", rule=f"{TRANSFER_RULES} 第五条")
    return None


@guard("transfer_report_pending", needs_input=False)
def transfer_report_pending(step: Step) -> Problem | None:
    if transfer_report(_case(step)) is None:
        return Problem(
            "移送涉嫌犯罪案件须由专案组核实情况后提出书面报告，报负责人审批；本案尚无待决定的报告",
            rule=f"{TRANSFER_RULES} 第五条",
        )
    return None


@guard("transfer_report_complete")
def transfer_report_complete(step: Step) -> Problem | None:
    """The report the head decides on carries what goes with the case: the report on the suspected crime, the
    list of the goods involved, and the test or appraisal reports where goods were tested (310号令 第六条)."""
    needed = (
        ("suspected_crime", "请写明涉嫌的罪名", "第三条"),
        ("report", "请填写涉嫌犯罪案件情况的调查报告", "第六条第二项"),
        ("items", "请填写涉案物品清单；没有涉案物品的，填写“无”", "第四条、第六条第三项"),
    )
    for name, message, article in needed:
        if not str(step.data.get(name) or "").strip():
            return Problem(message, name, f"{TRANSFER_RULES} {article}")
    if step.data.get("tested") and not step.data.get("evidence"):
        return Problem(
            "涉案物品经过检验、鉴定的，请上传检验报告或者鉴定结论", "evidence", f"{TRANSFER_RULES} 第四条、第六条第四项"
        )
    return None


@guard("receiver_named")
def receiver_named(step: Step) -> Problem | None:
    if str(step.data.get("receiver") or "").strip():
        return None
    if step.action.name == "transfer_jurisdiction":
        return Problem("请填写接收移送的有管辖权的机关", "receiver", "行政处罚法 第二十二条、第二十三条")
    return Problem("请填写接收移送的公安机关", "receiver", f"{TRANSFER_RULES} 第五条第二款")


@guard("procuratorate_copied")
def procuratorate_copied(step: Step) -> Problem | None:
    if not str(step.data.get("procuratorate") or "").strip():
        return Problem(
            "移送涉嫌犯罪案件，应当将移送书及有关材料目录抄送人民检察院：请填写抄送的人民检察院",
            "procuratorate",
            "《关于加强行政执法与刑事司法衔接工作的意见》（中办发〔2011〕8号）；行政处罚法 第二十七条第二款",
        )
    return None


@guard("seized_goods_go_with_the_case")
def seized_goods_go_with_the_case(step: Step) -> Problem | None:
    """Goods sealed or impounded go to the judicial organ with the case, and the party is told in writing
    (行政强制法 第二十一条); a seizure still awaiting the head's approval is settled first."""
    case = _case(step)
    if running(case, "emergency_approval"):
        return Problem("紧急查封、扣押尚待负责人补办批准，请先补办批准或者解除", rule="行政强制法 第十九条")
    if not running(case, "seizure", "seizure_extension"):
        return None
    if not step.data.get("hand_over_seized"):
        return Problem(
            "违法行为涉嫌犯罪应当移送司法机关的，查封、扣押的财物应当一并移送",
            "hand_over_seized",
            "行政强制法 第二十一条",
        )
    if not step.data.get("party_told"):
        return Problem("查封、扣押的财物一并移送的，应当书面告知当事人", "party_told", "行政强制法 第二十一条")
    return None


@guard("transfer_document_issued", needs_input=False)
def transfer_document_issued(step: Step) -> Problem | None:
    case = _case(step)
    transfer = _last_of(case, "transfer_to_judiciary")
    made = {d.documents_entry for d in case.documents.all() if d.kind == DocumentKind.CRIME_TRANSFER}
    if transfer is None or transfer.entry_index not in made:
        return Problem(
            "请先制作涉嫌犯罪案件移送书：公安机关在移送书的回执上签字", rule=f"{TRANSFER_RULES} 第六条、第七条"
        )
    return None


@guard("no_refusal_pending", needs_input=False)
def no_refusal_pending(step: Step) -> Problem | None:
    refusal = pending_refusal(_case(step))
    if refusal is not None:
        return Problem(
            f"已登记 {refusal.on_date} 的不予立案通知：可以提请复议、建议立案监督，或者依法继续办理",
            rule=f"{TRANSFER_RULES} 第九条、第十条",
        )
    return None


@guard("refusal_pending", needs_input=False)
def refusal_pending(step: Step) -> Problem | None:
    if pending_refusal(_case(step)) is None:
        return Problem(
            "尚未收到公安机关不予立案的通知（或者复议、立案监督正在进行）", rule=f"{TRANSFER_RULES} 第八条、第九条"
        )
    return None


@guard("within_refusal_review")
def within_refusal_review(step: Step) -> Problem | None:
    case = _case(step)
    for deadline in running(case, "refusal_review"):
        if step.on_date > deadline.due_on:
            return Problem(
                f"应当自接到不予立案通知书之日起三日内提请复议或者建议立案监督（截至 {deadline.due_on}）",
                "on_date",
                f"{TRANSFER_RULES} 第九条",
            )
    # After the police's reconsideration the agency may still turn to the procuratorate, not ask again.
    asked = case.records.filter(action="contest_refusal", data__channel="reconsideration").exists()
    if asked and step.data.get("channel") == "reconsideration":
        return Problem(
            "对公安机关不予立案的复议决定仍有异议的，应当建议人民检察院依法进行立案监督",
            "channel",
            f"{TRANSFER_RULES} 第九条第二款",
        )
    return None


@guard("not_decided_before_transfer", needs_input=False)
def not_decided_before_transfer(step: Step) -> Problem | None:
    if _case(step).decided_on is not None:
        return Problem("移送前已作出处罚决定的，原处罚决定继续执行，不再重新调查", rule=f"{TRANSFER_RULES} 第十一条")
    return None


@guard("decided_before_transfer", needs_input=False)
def decided_before_transfer(step: Step) -> Problem | None:
    if _case(step).decided_on is None:
        return Problem("移送前尚未作出处罚决定，应当依法继续办理", rule=f"{TRANSFER_RULES} 第十条")
    return None


@guard("judiciary_let_go", needs_input=False)
def judiciary_let_go(step: Step) -> Problem | None:
    """A case waiting on the police goes on only once they refused it (a case they opened, when they return it)."""
    case = _case(step)
    if case.state == State.JUDICIARY and pending_refusal(case) is None:
        return Problem("公安机关尚未作出不予立案的决定", rule=f"{TRANSFER_RULES} 第八条")
    return None


@guard("fine_credited")
def fine_credited(step: Step) -> Problem | None:
    """A fine the agency gave is credited against the court's criminal fine (折抵, 行政处罚法 第三十五条第二款):
    what the party paid, up to the criminal fine — never more, and not left out."""
    case = _case(step)
    rule = "行政处罚法 第三十五条第二款；行政执法机关移送涉嫌犯罪案件的规定 第十一条第三款"
    criminal: Decimal = step.data.get("criminal_fine") or Decimal(0)
    credited: Decimal = step.data.get("credited") or Decimal(0)
    if step.data.get("outcome") != "convicted" and (criminal or credited):
        return Problem("未判处刑罚的，不填写罚金和折抵", "criminal_fine", rule)
    due = min(case.paid, criminal)
    if credited != due:
        if credited > case.paid:
            message = f"折抵的数额不能超过当事人已缴纳的罚款 {case.paid} 元"
        elif credited > criminal:
            message = f"折抵的数额不能超过判处的罚金 {criminal} 元"
        else:
            message = f"已给予的罚款应当折抵相应罚金：应折抵 {due} 元（已缴纳罚款与罚金中较少者）"
        return Problem(message, "credited", rule)
    return None


@guard("catalogue_complete", needs_input=False)
def catalogue_complete(step: Step) -> Problem | None:
    case = _case(step)
    if case.closed_on is None:
        return Problem("案件尚未结案")
    if case.served_on is None and case.decided_on is not None and case.procedure == "ordinary":
        return Problem("卷内缺少处罚决定书的送达回证", rule="行政处罚法 第六十一条")
    return None


# 法制审核人员: who may take a legal review act (pass_review, return_review, review_after_hearing). The handler is
# kept out by reviewer_not_handler; the status of the person by the standing actor_status_allows.


@guard("reviewer_is_officer", needs_input=False)
def reviewer_is_officer(step: Step) -> Problem | None:
    """A reviewer is a person on the agency's staff: a login without an officer record cannot be judged against
    第五十八条第二款 (qualification, start date) nor against the case's team, so it does not review."""
    if step.officer is None:
        return Problem(
            f"账号“{step.actor.get_full_name()}”未关联在册的执法人员信息，不能进行法制审核；"
            "请系统管理员先登记其人员信息和法律职业资格",
            rule=REVIEWER_RULE,
        )
    return None


@guard("reviewer_qualified", needs_input=False)
def reviewer_qualified(step: Step) -> Problem | None:
    officer = step.officer
    if officer is None:
        return None  # reviewer_is_officer says why
    allowed = may_review(officer)
    return None if allowed else Problem(allowed.reason, rule=REVIEWER_RULE)


@guard("reviewer_not_recused", needs_input=False)
def reviewer_not_recused(step: Step) -> Problem | None:
    """An officer who stepped aside from the case (回避) has no part in deciding it, its review included."""
    officer = step.officer
    if officer is None:
        return None
    if _case(step).assignments.filter(officer=officer, recused_on__isnull=False).exists():
        return Problem(f"{officer.name} 已在本案回避，不得审核本案", rule="行政处罚法 第四十三条")
    return None


def hearing_chairs(case: Case) -> set[int]:
    """The officers who chaired a hearing of the case, and the chair named for the coming one (ids)."""
    chairs: set[int] = set()
    chair = None
    acts = ("notify_hearing", "decide_chair_challenge", "hold_hearing")
    for record in case.records.filter(action__in=acts).order_by("entry_index"):
        if record.action == "hold_hearing":
            if chair is not None:
                chairs.add(chair)
        elif record.action == "notify_hearing" or record.data.get("granted"):
            chair = record.data["chair"]["id"]
    if chair is not None:
        chairs.add(chair)
    return chairs


@guard("reviewer_not_chair", needs_input=False)
def reviewer_not_chair(step: Step) -> Problem | None:
    """The hearing's chair reports on it to the head; the legal review of the same decision is another person's."""
    officer = step.officer
    if officer is not None and officer.pk in hearing_chairs(_case(step)):
        return Problem(f"{officer.name} 是本案的听证主持人，不得审核本案", rule="行政处罚法 第六十四条第四项")
    return None
