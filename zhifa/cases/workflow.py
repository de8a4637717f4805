"""The penalty case workflow as one table: states, the actions between them, who may take each, the
guards each must pass and the deadlines each starts and stops.

This module is data. The services look an action up here (`ACTIONS[name]`), check the case's state and
the actor's role against it, run the guards it names (cases/guards.py, each citing its article), and
record the change in the ledger; the case page draws this table. Period names are `cases.rules.PERIODS`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from zhifa.cases.rules import PERIODS
from zhifa.core.choices import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class State(StrEnum):
    LEAD = "lead"
    NOT_FILED = "not_filed"
    FILED = "filed"
    INVESTIGATING = "investigating"
    REPORTED = "reported"
    LEGAL_REVIEW = "legal_review"
    APPROVING = "approving"
    COLLECTIVE = "collective"
    APPROVED = "approved"
    NOTIFIED = "notified"
    HEARING_REQUESTED = "hearing_requested"
    HEARING_SCHEDULED = "hearing_scheduled"
    HEARD = "heard"
    DECIDED = "decided"
    EXECUTING = "executing"
    COURT = "court"
    NO_PENALTY = "no_penalty"
    TERMINATED = "terminated"
    HANDED_OVER = "handed_over"
    JUDICIARY = "judiciary"
    PROSECUTED = "prosecuted"
    CRIMINAL_ENDED = "criminal_ended"
    SUMMARY_DECIDED = "summary_decided"
    CLOSED = "closed"
    ARCHIVED = "archived"


STATE_LABELS: dict[State, StrOrPromise] = {
    State.LEAD: _("案源登记"),
    State.NOT_FILED: _("不予立案"),
    State.FILED: _("已立案"),
    State.INVESTIGATING: _("调查取证"),
    State.REPORTED: _("调查终结"),
    State.LEGAL_REVIEW: _("法制审核"),
    State.APPROVING: _("待负责人审批"),
    State.COLLECTIVE: _("集体讨论"),
    State.APPROVED: _("拟处罚已批准"),
    State.NOTIFIED: _("已告知，陈述申辩期"),
    State.HEARING_REQUESTED: _("已申请听证"),
    State.HEARING_SCHEDULED: _("已通知听证"),
    State.HEARD: _("已听证"),
    State.DECIDED: _("已作出处罚决定"),
    State.EXECUTING: _("已送达，执行中"),
    State.COURT: _("已申请法院强制执行"),
    State.NO_PENALTY: _("不予处罚"),
    State.TERMINATED: _("终止调查"),
    State.HANDED_OVER: _("已移送有管辖权的机关"),
    State.JUDICIARY: _("已移送司法机关，待立案"),
    State.PROSECUTED: _("司法机关已立案"),
    State.CRIMINAL_ENDED: _("刑事处理终结"),
    State.SUMMARY_DECIDED: _("当场处罚"),
    State.CLOSED: _("已结案"),
    State.ARCHIVED: _("已归档"),
}

# The choices of Case.state: the table stays the one place that defines the states.
CASE_STATES = [(state.value, STATE_LABELS[state]) for state in State]

# A case in one of these states takes no further action: its file is closed for good.
FINAL = frozenset({State.NOT_FILED, State.ARCHIVED})


@dataclass(frozen=True)
class Action:
    name: str
    label: StrOrPromise
    sources: tuple[State | None, ...]  # None: the action creates the case
    target: State | None  # None: the case stays in the state it is in
    roles: tuple[str, ...]
    guards: tuple[str, ...] = ()
    starts: tuple[str, ...] = ()  # periods (cases.rules.PERIODS) that start when the action is taken
    stops: tuple[str, ...] = ()  # periods it ends
    source: str = ""  # the article the step comes from


OFFICERS = (Role.OFFICER.value,)
# Who may take a legal review act: a person on the staff, qualified (or reviewing since before 2021-07-15), who did
# not step aside from the case nor chair its hearing (行政处罚法 第五十八条第二款、第四十三条、第六十四条第四项).
REVIEWER_GUARDS = ("reviewer_is_officer", "reviewer_qualified", "reviewer_not_recused", "reviewer_not_chair")
APPROVERS = (Role.APPROVER.value,)
INVESTIGATION = (State.INVESTIGATING,)
# 行政处罚法 第五十七条: until the decision, the head may still find no penalty due (the defence accepted, the
# facts not established) or end the case (the party dead or dissolved) — after the advance notice too.
BEFORE_DECISION = (
    State.APPROVING,
    State.COLLECTIVE,
    State.APPROVED,
    State.NOTIFIED,
    State.HEARING_REQUESTED,
    State.HEARING_SCHEDULED,
    State.HEARD,
)
# From the investigation up to the decision: where a case may be ended or sent on to another organ
# (行政处罚法 第五十七条第一款第四项: 移送司法机关; a case outside the agency's jurisdiction to the competent one).
INVESTIGATED = (State.INVESTIGATING, State.REPORTED, State.LEGAL_REVIEW, *BEFORE_DECISION)
# A decided penalty being executed may still be found to meet a criminal threshold: the transfer does not stop
# it (行政执法机关移送涉嫌犯罪案件的规定 第十一条), and the court credits the fine (行政处罚法 第三十五条).
TRANSFERABLE = (*INVESTIGATED, State.EXECUTING)
# The periods a case ended before its decision stops, whichever of them run.
ENDED_BEFORE_DECISION = (
    "decision",
    "decision_extension",
    "decision_further_extension",
    "legal_review",
    "legal_review_extension",
    "preservation_decision",
    "statement",
    "hearing_request",
    "hearing",
)
# A seizure may still run (and be extended or released) until the case is decided or ends.
SEIZURE_STATES = (
    State.INVESTIGATING,
    State.REPORTED,
    State.LEGAL_REVIEW,
    State.APPROVING,
    State.COLLECTIVE,
    State.APPROVED,
    State.NOTIFIED,
    State.HEARING_REQUESTED,
    State.HEARING_SCHEDULED,
    State.HEARD,
    State.DECIDED,
)

_TABLE = [
    # 案源 → 立案
    Action(
        "register_lead",
        _("登记案源"),
        (None,),
        State.LEAD,
        (Role.OFFICER.value, Role.AUXILIARY.value),
        starts=("filing",),
        source="行政处罚法 第五十四条",
    ),
    Action(
        "file",
        _("批准立案"),
        (State.LEAD,),
        State.FILED,
        APPROVERS,
        ("jurisdiction", "prescription"),
        ("decision",),
        ("filing",),
        source="行政处罚法 第五十四条、第三十六条",
    ),
    Action("decline", _("不予立案"), (State.LEAD,), State.NOT_FILED, APPROVERS, ("reason_given",), stops=("filing",)),
    Action(
        "assign",
        _("指派承办人员"),
        (State.FILED,),
        State.INVESTIGATING,
        APPROVERS,
        ("two_officers_able_to_enforce", "recusal_declared"),
        source="行政处罚法 第四十二条、第四十三条",
    ),
    # 回避: the party's request (or the officer's own) is decided by the agency head; the investigation goes on.
    Action(
        "request_recusal",
        _("申请回避"),
        SEIZURE_STATES[:-1],
        None,
        (*OFFICERS, *APPROVERS),
        ("recusal_request_valid", "reason_given"),
        source="行政处罚法 第四十三条",
    ),
    Action(
        "decide_recusal",
        _("决定是否回避"),
        SEIZURE_STATES[:-1],
        None,
        APPROVERS,
        ("recusal_request_pending", "team_after_recusal", "reason_given"),
        source="行政处罚法 第四十三条",
    ),
    # 调查取证 (the case stays in investigation while evidence is added)
    Action(
        "add_evidence",
        _("登记证据"),
        INVESTIGATION,
        None,
        OFFICERS,
        ("actor_on_team", "investigators_present", "files_attached"),
        source="行政处罚法 第四十六条",
    ),
    Action(
        "record_interview",
        _("制作询问笔录"),
        INVESTIGATION,
        None,
        OFFICERS,
        ("actor_on_team", "investigators_present", "files_attached"),
        source="行政处罚法 第五十五条",
    ),
    Action(
        "record_inspection",
        _("制作现场检查（勘验）笔录"),
        INVESTIGATION,
        None,
        OFFICERS,
        ("actor_on_team", "investigators_present", "files_attached"),
        source="行政处罚法 第五十五条",
    ),
    Action(
        "preserve_evidence",
        _("先行登记保存证据"),
        INVESTIGATION,
        None,
        OFFICERS,
        ("actor_on_team", "investigators_present", "head_approved"),
        ("preservation_decision",),
        source="行政处罚法 第五十六条",
    ),
    # 先行登记保存 is decided on within seven working days (行政处罚法 第五十六条), by the team with the head's
    # approval as it was taken; a late decision is still made (and the period shows overdue until then).
    Action(
        "decide_preserved",
        _("对先行登记保存的证据作出处理决定"),
        SEIZURE_STATES[:-1],
        None,
        OFFICERS,
        ("actor_on_team", "preservation_pending", "head_approved", "reason_given"),
        stops=("preservation_decision",),
        source="行政处罚法 第五十六条；市场监督管理行政处罚程序规定 第三十四条",
    ),
    Action(
        "seize",
        _("查封、扣押"),
        INVESTIGATION,
        None,
        OFFICERS,
        ("actor_on_team", "investigators_present", "head_approved"),
        ("seizure", "emergency_approval"),
        source="行政强制法 第十八条、第十九条、第二十四条、第二十五条",
    ),
    Action(
        "approve_seizure",
        _("补办查封、扣押批准"),
        SEIZURE_STATES,
        None,
        APPROVERS,
        ("emergency_approval_pending",),
        stops=("emergency_approval",),
        source="行政强制法 第十九条",
    ),
    Action(
        "extend_seizure",
        _("延长查封、扣押"),
        SEIZURE_STATES,
        None,
        APPROVERS,
        ("seizure_running", "seizure_not_expired", "seizure_not_extended_before", "reason_given"),
        ("seizure_extension",),
        ("seizure",),
        source="行政强制法 第二十五条",
    ),
    # 检测、检验、检疫、技术鉴定: its time, stated to the party in writing, is not counted in the seizure.
    Action(
        "start_appraisal",
        _("送交检测、检验、检疫或者技术鉴定"),
        SEIZURE_STATES,
        None,
        OFFICERS,
        ("actor_on_team", "seizure_running", "seizure_in_time", "no_appraisal_running", "appraisal_period_stated"),
        ("appraisal",),
        source="行政强制法 第二十五条第三款",
    ),
    Action(
        "end_appraisal",
        _("检测、检验、检疫或者技术鉴定结束"),
        SEIZURE_STATES,
        None,
        OFFICERS,
        ("actor_on_team", "appraisal_running"),
        stops=("appraisal",),
        source="行政强制法 第二十五条第三款",
    ),
    Action(
        "release_seizure",
        _("解除查封、扣押"),
        SEIZURE_STATES,
        None,
        OFFICERS,
        ("actor_on_team", "seizure_running", "reason_given"),
        stops=("seizure", "seizure_extension", "emergency_approval", "appraisal"),
        source="行政强制法 第二十八条",
    ),
    Action(
        "report",
        _("调查终结报告"),
        INVESTIGATION,
        State.REPORTED,
        OFFICERS,
        ("actor_on_team", "no_recusal_pending", "penalty_stated", "discretion_recorded", "minor_treated_lighter"),
        source="行政处罚法 第五十七条",
    ),
    # 重新告知: after the notice, changed facts or a heavier penalty go back through the report, approval and a new
    # notice with its own periods (第四十四条、第四十五条); a lighter one may be decided on the notice served.
    Action(
        "revise_proposal",
        _("变更拟处罚意见（重新告知）"),
        (State.NOTIFIED, State.HEARD),
        State.REPORTED,
        OFFICERS,
        (
            "actor_on_team",
            "hearing_reported",
            "no_recusal_pending",
            "reason_given",
            "penalty_stated",
            "discretion_recorded",
            "minor_treated_lighter",
        ),
        stops=("statement", "hearing_request"),
        source="行政处罚法 第四十四条、第四十五条",
    ),
    Action(
        "terminate",
        _("终止调查"),
        (State.FILED, *INVESTIGATED),
        State.TERMINATED,
        APPROVERS,
        ("no_transfer_report_pending", "reason_given", "no_seizure_running"),
        stops=ENDED_BEFORE_DECISION,
        # The law names no ground; the sectors' procedure rules do (the party dead, an organisation ended with
        # nobody taking over its rights and duties): until the decision the case may end.
        source="行政处罚法 第五十七条；部门规章规定的终止调查情形",
    ),
    # 移送: to the agency with jurisdiction, or to the judicial organs (行政处罚法 第二十七条、第五十七条第一款第四项)
    Action(
        "transfer_jurisdiction",
        _("移送有管辖权的机关"),
        INVESTIGATED,
        State.HANDED_OVER,
        APPROVERS,
        ("no_transfer_report_pending", "reason_given", "receiver_named", "no_seizure_running"),
        stops=ENDED_BEFORE_DECISION,
        source="行政处罚法 第十七条、第二十二条、第二十三条、第二十五条",
    ),
    Action(
        "propose_transfer",
        _("提出移送涉嫌犯罪案件的书面报告"),
        TRANSFERABLE,
        None,
        OFFICERS,
        ("actor_on_team", "no_transfer_report_pending", "transfer_report_complete"),
        ("transfer_approval",),
        source="行政执法机关移送涉嫌犯罪案件的规定 第四条、第五条、第六条",
    ),
    Action(
        "decline_transfer",
        _("不批准移送涉嫌犯罪案件"),
        TRANSFERABLE,
        None,
        APPROVERS,
        ("transfer_report_pending", "reason_given"),
        stops=("transfer_approval",),
        source="行政执法机关移送涉嫌犯罪案件的规定 第五条第二款",
    ),
    Action(
        "transfer_to_judiciary",
        _("批准移送司法机关"),
        TRANSFERABLE,
        State.JUDICIARY,
        APPROVERS,
        ("transfer_report_pending", "receiver_named", "procuratorate_copied", "seized_goods_go_with_the_case"),
        ("judiciary_answer",),
        (*ENDED_BEFORE_DECISION, "transfer_approval"),
        source="行政处罚法 第二十七条、第五十七条第一款第四项；行政执法机关移送涉嫌犯罪案件的规定 第五条、第六条",
    ),
    Action(
        "judiciary_refuses",
        _("登记不予立案通知"),
        (State.JUDICIARY,),
        None,
        OFFICERS,
        ("actor_on_team", "no_refusal_pending", "reason_given"),
        ("refusal_review",),
        ("judiciary_answer",),
        source="行政执法机关移送涉嫌犯罪案件的规定 第八条、第九条",
    ),
    Action(
        "contest_refusal",
        _("提请复议或者建议立案监督"),
        (State.JUDICIARY,),
        None,
        APPROVERS,
        ("refusal_pending", "within_refusal_review", "reason_given"),
        ("judiciary_answer",),
        ("refusal_review",),
        source="行政执法机关移送涉嫌犯罪案件的规定 第九条",
    ),
    Action(
        "judiciary_accepts",
        _("登记立案通知"),
        (State.JUDICIARY,),
        State.PROSECUTED,
        OFFICERS,
        ("actor_on_team", "transfer_document_issued", "files_attached"),
        stops=("judiciary_answer", "refusal_review"),
        source="行政执法机关移送涉嫌犯罪案件的规定 第八条、第十二条",
    ),
    Action(
        "resume_after_refusal",
        _("不予立案，依法继续办理"),
        (State.JUDICIARY,),
        State.INVESTIGATING,
        APPROVERS,
        ("refusal_pending", "not_decided_before_transfer"),
        ("decision",),
        ("refusal_review", "judiciary_answer"),
        source="行政处罚法 第二十七条；行政执法机关移送涉嫌犯罪案件的规定 第十条",
    ),
    Action(
        "return_from_judiciary",
        _("司法机关移回，依法给予行政处罚"),
        (State.PROSECUTED,),
        State.INVESTIGATING,
        APPROVERS,
        ("not_decided_before_transfer", "reason_given", "files_attached"),
        ("decision",),
        source="行政处罚法 第二十七条第一款；行政执法机关移送涉嫌犯罪案件的规定 第十三条",
    ),
    Action(
        "resume_execution",
        _("原处罚决定继续执行"),
        (State.JUDICIARY, State.PROSECUTED),
        State.EXECUTING,
        APPROVERS,
        ("decided_before_transfer", "judiciary_let_go", "reason_given"),
        stops=("refusal_review", "judiciary_answer"),
        source="行政执法机关移送涉嫌犯罪案件的规定 第十条、第十一条",
    ),
    Action(
        "record_criminal_outcome",
        _("登记刑事处理结果"),
        (State.PROSECUTED,),
        State.CRIMINAL_ENDED,
        OFFICERS,
        ("actor_on_team", "files_attached", "fine_credited"),
        source="行政处罚法 第三十五条；行政执法机关移送涉嫌犯罪案件的规定 第十一条",
    ),
    Action(
        "extend_decision",
        _("批准延长办案期限"),
        SEIZURE_STATES[:-1],
        None,
        APPROVERS,
        ("extension_provided", "decision_period_running", "decision_not_extended_before", "reason_given"),
        ("decision_extension",),
        ("decision",),
        source="行政处罚法 第六十条",
    ),
    Action(
        "extend_decision_further",
        _("集体讨论决定继续延长办案期限"),
        SEIZURE_STATES[:-1],
        None,
        APPROVERS,
        (
            "further_extension_provided",
            "decision_extension_running",
            "further_extension_days_allowed",
            "collective_discussion_recorded",
            "reason_given",
        ),
        ("decision_further_extension",),
        ("decision_extension",),
        source="行政处罚法 第六十条；行业规章",
    ),
    # 法制审核、审批
    Action(
        "submit_review",
        _("提交法制审核"),
        (State.REPORTED,),
        State.LEGAL_REVIEW,
        OFFICERS,
        ("actor_on_team", "case_is_major"),
        ("legal_review",),
        source="行政处罚法 第五十八条",
    ),
    Action(
        "extend_review",
        _("批准延长法制审核期限"),
        (State.LEGAL_REVIEW,),
        None,
        APPROVERS,
        ("review_period_running", "review_not_extended_before", "reason_given"),
        ("legal_review_extension",),
        ("legal_review",),
        source="本机关法制审核办法",
    ),
    Action(
        "pass_review",
        _("法制审核通过"),
        (State.LEGAL_REVIEW,),
        State.APPROVING,
        (Role.LEGAL_REVIEWER.value,),
        ("reviewer_not_handler", *REVIEWER_GUARDS),
        stops=("legal_review", "legal_review_extension"),
        source="行政处罚法 第五十八条",
    ),
    Action(
        "return_review",
        _("法制审核退回"),
        (State.LEGAL_REVIEW,),
        State.INVESTIGATING,
        (Role.LEGAL_REVIEWER.value,),
        ("reviewer_not_handler", *REVIEWER_GUARDS),
        stops=("legal_review", "legal_review_extension"),
        source="行政处罚法 第五十八条",
    ),
    Action(
        "submit_approval",
        _("提交负责人审批"),
        (State.REPORTED,),
        State.APPROVING,
        OFFICERS,
        ("actor_on_team", "case_not_major"),
    ),
    Action(
        "refer_collective",
        _("提交集体讨论"),
        (State.APPROVING,),
        State.COLLECTIVE,
        APPROVERS,
        source="行政处罚法 第五十七条第二款",
    ),
    Action(
        "record_collective",
        _("记录集体讨论"),
        # Before the approval of the proposal, and again before the decision when the heads decide it after the
        # statement or the hearing (第五十七条第二款: 集体讨论决定).
        (State.COLLECTIVE, State.NOTIFIED, State.HEARD),
        None,
        APPROVERS,
        ("discussion_participants", "files_attached"),
        source="行政处罚法 第五十七条第二款",
    ),
    Action(
        "approve",
        _("批准拟处罚"),
        (State.APPROVING, State.COLLECTIVE),
        State.APPROVED,
        APPROVERS,
        ("no_recusal_pending", "penalty_proposed", "collective_held_when_grave", "collective_recorded"),
        source="行政处罚法 第五十七条",
    ),
    Action(
        "decide_no_penalty",
        _("决定不予处罚"),
        BEFORE_DECISION,
        State.NO_PENALTY,
        APPROVERS,
        (
            "no_transfer_report_pending",
            "reason_given",
            "education_recorded",
            "first_offence_checked",
            "no_seizure_running",
            "collective_held_when_grave",
        ),
        stops=ENDED_BEFORE_DECISION,
        source="行政处罚法 第三十三条、第五十七条",
    ),
    # 告知、陈述申辩、听证
    Action(
        "notify",
        _("送达行政处罚告知书"),
        (State.APPROVED,),
        State.NOTIFIED,
        OFFICERS,
        (
            "actor_on_team",
            "advance_notice_issued",
            "rights_stated",
            "electronic_service_consented",
            "announcement_justified",
        ),
        ("statement", "hearing_request"),
        source="行政处罚法 第四十四条、第六十三条",
    ),
    Action(
        "record_statement",
        _("记录陈述、申辩"),
        (State.NOTIFIED,),
        None,
        OFFICERS,
        ("actor_on_team", "waiver_signed"),
        source="行政处罚法 第四十五条",
    ),
    Action(
        "request_hearing",
        _("当事人要求听证"),
        (State.NOTIFIED,),
        State.HEARING_REQUESTED,
        OFFICERS,
        ("actor_on_team", "hearing_right_applies", "within_hearing_request_period"),
        stops=("hearing_request",),
        source="行政处罚法 第六十四条第一项",
    ),
    Action(
        "notify_hearing",
        _("送达听证通知书"),
        (State.HEARING_REQUESTED,),
        State.HEARING_SCHEDULED,
        OFFICERS,
        ("actor_on_team", "hearing_at_least_seven_days_after_notice", "chair_did_not_investigate"),
        ("hearing",),
        source="行政处罚法 第六十四条第二项、第四项",
    ),
    # The party may challenge the chair (第六十四条第四项); the head decides, naming another chair if granted.
    Action(
        "challenge_chair",
        _("当事人申请听证主持人回避"),
        (State.HEARING_SCHEDULED,),
        None,
        OFFICERS,
        ("actor_on_team", "no_chair_challenge_pending", "reason_given"),
        source="行政处罚法 第六十四条第四项",
    ),
    Action(
        "decide_chair_challenge",
        _("决定听证主持人是否回避"),
        (State.HEARING_SCHEDULED,),
        None,
        APPROVERS,
        ("chair_challenge_pending", "replacement_chair_eligible", "reason_given"),
        source="行政处罚法 第六十四条第四项",
    ),
    Action(
        "hold_hearing",
        _("举行听证"),
        (State.HEARING_SCHEDULED,),
        State.HEARD,
        OFFICERS,
        ("actor_on_team", "no_chair_challenge_pending", "hearing_notice_issued", "hearing_record_signed"),
        stops=("hearing",),
        source="行政处罚法 第六十四条、第六十五条",
    ),
    # The chair's report on the hearing, signed by him, read by the head before the decision.
    Action(
        "report_hearing",
        _("提交听证报告"),
        (State.HEARD,),
        None,
        OFFICERS,
        ("actor_on_team", "hearing_was_held", "hearing_not_reported", "files_attached"),
        source="行政处罚法 第六十五条",
    ),
    Action(
        "review_after_hearing",
        _("听证后法制审核"),
        # After a hearing, and after a new notice that followed one (the decision still rests on the hearing).
        (State.HEARD, State.NOTIFIED),
        None,
        (Role.LEGAL_REVIEWER.value,),
        ("reviewer_not_handler", "hearing_was_held", *REVIEWER_GUARDS),
        source="行政处罚法 第五十八条第一款第二项",
    ),
    # 决定、送达、执行
    Action(
        "decide",
        _("作出行政处罚决定"),
        (State.NOTIFIED, State.HEARD),
        State.DECIDED,
        APPROVERS,
        (
            "no_transfer_report_pending",
            "no_recusal_pending",
            "statement_period_over",
            "within_decision_period",
            "defence_answered",
            "not_heavier_after_defence",
            "penalty_stated",
            "minor_treated_lighter",
            "reviewed_after_hearing",
            "major_reviewed",
            "hearing_report_read",
            "decided_as_discussed",
            "law_unchanged",
        ),
        ("service", "major_filing"),
        (
            "decision",
            "decision_extension",
            "decision_further_extension",
            "statement",
            "hearing_request",
            "preservation_decision",
        ),
        source="行政处罚法 第四十五条、第五十九条、第六十条、第六十二条",
    ),
    # 重大行政处罚备案: a major decision is filed with the supervising body within the local rule's days.
    Action(
        "file_major_penalty",
        _("重大行政处罚决定备案"),
        (State.DECIDED, State.EXECUTING, State.COURT, State.CLOSED),
        None,
        (*OFFICERS, Role.LEGAL_REVIEWER.value),
        ("major_filing_running", "files_attached"),
        stops=("major_filing",),
        source="重大行政处罚决定备案的地方规定；国办发〔2018〕118号",
    ),
    Action(
        "serve",
        _("送达行政处罚决定书"),
        (State.DECIDED,),
        State.EXECUTING,
        OFFICERS,
        (
            "actor_on_team",
            "decision_issued",
            "proof_of_service",
            "electronic_service_consented",
            "announcement_justified",
        ),
        ("payment", "reconsideration", "litigation", "court_application"),
        ("service",),
        source="行政处罚法 第六十一条",
    ),
    Action(
        "defer_payment",
        _("批准延期或分期缴纳"),
        (State.EXECUTING,),
        None,
        APPROVERS,
        ("party_applied", "fine_outstanding"),
        source="行政处罚法 第六十六条",
    ),
    Action(
        "record_payment",
        _("登记缴款"),
        (State.EXECUTING, State.COURT, State.JUDICIARY, State.PROSECUTED),
        None,
        OFFICERS,
        ("actor_on_team", "fine_outstanding"),
        source="行政处罚法 第六十七条、第七十二条",
    ),
    Action(
        "apply_to_court",
        _("申请法院强制执行"),
        (State.EXECUTING,),
        State.COURT,
        APPROVERS,
        ("fine_outstanding", "remedy_periods_over", "within_court_application_period", "demand_served_ten_days_before"),
        stops=("payment", "court_application"),
        source="行政强制法 第五十三条、第五十四条",
    ),
    # 简易程序: the act makes the numbered decision itself (issuing.ISSUED_BY_ACT). No period to sue starts: an
    # on-the-spot penalty goes to reconsideration first (行政复议法 第二十三条第一款第一项).
    Action(
        "decide_on_the_spot",
        _("当场作出处罚决定"),
        (None,),
        State.SUMMARY_DECIDED,
        OFFICERS,
        (
            "jurisdiction",
            "prescription",
            "summary_limits",
            "investigators_present",
            "certificates_shown",
            "party_told_and_heard",
            "receipt_noted",
            "on_the_spot_collection",
        ),
        ("summary_report", "payment", "cash_handover", "reconsideration"),
        source="行政处罚法 第二十二条、第三十六条、第四十四条、第四十五条、第五十一条、第五十二条",
    ),
    Action(
        "hand_over_cash",
        _("当场收缴的罚款交至行政机关"),
        (State.SUMMARY_DECIDED, State.EXECUTING, State.CLOSED),
        None,
        OFFICERS,
        ("actor_on_team", "cash_held"),
        stops=("cash_handover",),
        source="行政处罚法 第七十一条",
    ),
    Action(
        "report_summary",
        _("当场处罚决定报所属机关备案"),
        (State.SUMMARY_DECIDED,),
        State.EXECUTING,
        OFFICERS,
        ("actor_on_team",),
        stops=("summary_report",),
        source="行政处罚法 第五十二条",
    ),
    # 结案、归档
    Action(
        "close",
        _("结案"),
        (State.EXECUTING, State.COURT, State.NO_PENALTY, State.TERMINATED, State.HANDED_OVER, State.CRIMINAL_ENDED),
        State.CLOSED,
        APPROVERS,
        ("no_transfer_report_pending", "performed_or_ended", "no_seizure_running"),
        stops=("payment", "reconsideration", "litigation", "court_application"),
    ),
    Action("archive", _("归档"), (State.CLOSED,), State.ARCHIVED, OFFICERS, ("actor_on_team", "catalogue_complete")),
]

# Guards every act of enforcement passes, one place for all of them: whatever roles a login holds, the person
# must be one whose status allows the act on its date (never auxiliary staff); and an act the agency's recording
# list names is recorded as it says (which acts is agency data, so the guard stands on every act). Only the acts
# auxiliary staff may take themselves (registering a lead) are left without.
STANDING_GUARDS = ("actor_status_allows",)
# Checked after the act's own guards: an act refused for its substance says so before asking for its recording.
TRAILING_GUARDS = ("recorded_as_listed",)
_TABLE = [
    action
    if Role.AUXILIARY.value in action.roles
    else replace(action, guards=(*STANDING_GUARDS, *action.guards, *TRAILING_GUARDS))
    for action in _TABLE
]

ACTIONS: dict[str, Action] = {action.name: action for action in _TABLE}


def actions_from(state: State | None) -> list[Action]:
    """The actions the table allows from `state` (None: the actions that open a case), in table order."""
    return [action for action in _TABLE if state in action.sources]


def problems(table: list[Action] | None = None) -> list[str]:
    """What is wrong with a table (by default this one); [] when it is sound (a test keeps it so)."""
    table = _TABLE if table is None else table
    found = []
    if len({action.name for action in table}) != len(table):
        found.append("two actions share a name")

    def leaving(state: State | None) -> list[State]:
        """The states the actions from `state` lead to (an action that stays leads to `state` itself)."""
        targets = [action.target or state for action in table if state in action.sources]
        return [target for target in targets if target is not None]

    for action in table:
        for period in action.starts + action.stops:
            if period not in PERIODS:
                found.append(f"{action.name}: unknown period {period}")
        for role in action.roles:
            if role not in Role.values:
                found.append(f"{action.name}: unknown role {role}")
        if action.target is None and None in action.sources:
            found.append(f"{action.name}: opens a case but names no state for it")
    reached: set[State] = set()
    frontier = leaving(None)
    while frontier:
        state = frontier.pop()
        if state not in reached:
            reached.add(state)
            frontier.extend(leaving(state))
    for state in State:
        if state not in reached:
            found.append(f"{state}: no way to reach it")
        if state not in FINAL and all(target == state for target in leaving(state)):
            found.append(f"{state}: no way out of it")
        if state in FINAL and leaving(state):
            found.append(f"{state}: final, yet an action leaves it")
    return found
