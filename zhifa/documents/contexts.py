"""What each kind of document says: one frozen dataclass per kind, filled by the service that issues it.

Every document carries its number, the issuing agency's name and `entry_hash`: the leaf hash (64 hex) of
the ledger entry of the act it documents — the filing, the interview, the decision… — printed in the footer
beside a QR code to the public check page. All text is Chinese, as printed; amounts are Decimals in yuan;
the templates format them (templatetags/documents.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from zhifa.cases.choices import PartyKind
from zhifa.cases.rules import LATE_FEE_RATE, LITIGATION_AFTER_RECONSIDERATION_DAYS, PERIODS
from zhifa.documents.choices import DocumentKind
from zhifa.documents.formatting import count_in_chinese
from zhifa.documents.numbering import DocumentNumber

HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, kw_only=True)
class Party:
    """当事人 as the document names them."""

    kind: PartyKind
    name: str
    # 公民身份号码 for a citizen, 统一社会信用代码 for an organisation.
    id_code: str
    address: str
    representative: str = ""  # 法定代表人或负责人, for an organisation
    phone: str = ""

    @property
    def is_organisation(self) -> bool:
        return self.kind == PartyKind.ORGANISATION


@dataclass(frozen=True, kw_only=True)
class OfficerRef:
    """An enforcement officer as documents name them: name and certificate number (执法证号)."""

    name: str
    certificate_number: str


@dataclass(frozen=True, kw_only=True)
class Remedies:
    """Where the party may challenge a decision (行政处罚法 第五十九条第一款第五项)."""

    reconsideration_body: str  # 行政复议机关, e.g. 大青山市人民政府
    court: str  # the court with jurisdiction, e.g. 大青山市青山区人民法院

    def sentence(self, decision: str = "本处罚决定") -> str:
        """The remedies sentence of a decision; the periods come from cases/rules.py, where they are cited.

        `decision`: what is challenged — the penalty, or a compulsory measure (行政强制法 第二十四条第四项)."""
        # 行政复议法 第二十条 (sixty days); 行政诉讼法 第四十六条 (six months).
        reconsideration = PERIODS["reconsideration"]
        litigation = PERIODS["litigation"]
        return (
            f"如不服{decision}，可以在收到本决定书之日起{count_in_chinese(reconsideration.amount)}日内"
            f"向{self.reconsideration_body}申请行政复议，"
            f"也可以在收到本决定书之日起{count_in_chinese(litigation.amount)}个月内"
            f"直接向{self.court}提起行政诉讼。"
        )

    def reconsideration_first_sentence(self) -> str:
        """The remedies sentence of an on-the-spot decision: reconsideration first, then the court.

        行政复议法 第二十三条 (on-the-spot penalties go to reconsideration first, and the decision says so),
        第三十二条 (the request may be handed to the deciding agency), 第二十条 (sixty days); 行政诉讼法
        第四十五条 (fifteen days from the reconsideration decision).
        """
        reconsideration = PERIODS["reconsideration"]
        return (
            f"如不服本处罚决定，应当先在收到本决定书之日起{count_in_chinese(reconsideration.amount)}日内"
            f"向{self.reconsideration_body}申请行政复议，也可以通过本机关提交行政复议申请；"
            f"对行政复议决定不服的，可以在收到行政复议决定书之日起"
            f"{count_in_chinese(LITIGATION_AFTER_RECONSIDERATION_DAYS)}日内向{self.court}提起行政诉讼。"
        )


@dataclass(frozen=True, kw_only=True)
class Statement:
    """One turn of a transcript: who speaks (问/答, or a name and role in a hearing) and what was said."""

    speaker: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Document:
    """What every document has. Subclasses set `kind` and add their own fields."""

    kind: ClassVar[DocumentKind]

    number: DocumentNumber
    agency_name: str
    entry_hash: str

    def __post_init__(self) -> None:
        if not HEX64.fullmatch(self.entry_hash):
            raise ValueError(f"entry_hash must be 64 lower-case hex digits, not {self.entry_hash!r}")
        if self.number.kind != self.kind:
            raise ValueError(f"a {self.kind} cannot carry the number of a {self.number.kind}: {self.number}")

    @property
    def title(self) -> str:
        return str(self.kind.label)


@dataclass(frozen=True, kw_only=True)
class FilingApproval(Document):
    """立案审批表: the officers propose opening a case, the agency head approves (行政处罚法 第五十四条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.FILING_APPROVAL

    case_title: str  # 案由
    lead_source: str  # 案件来源, as shown (e.g. 监督检查)
    received_on: date
    party: Party
    summary: str  # 简要案情
    suspected_provisions: str  # 涉嫌违反的规定
    handlers: tuple[OfficerRef, ...]
    handler_opinion: str
    approver_name: str
    approver_opinion: str
    approved_on: date


@dataclass(frozen=True, kw_only=True)
class InterviewTranscript(Document):
    """询问笔录: questions and answers, the rights told first (行政处罚法 第四十二条、第四十三条、第五十五条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.INTERVIEW_TRANSCRIPT

    case_title: str
    started_at: datetime
    ended_at: datetime
    place: str
    interviewers: tuple[OfficerRef, ...]
    recorder: str
    interviewee: Party
    interviewee_role: str  # 当事人 / 证人 / 委托代理人 …
    statements: tuple[Statement, ...]


@dataclass(frozen=True, kw_only=True)
class InspectionRecord(Document):
    """现场检查（勘验）笔录: what the inspectors found on the spot, with whoever was present."""

    kind: ClassVar[DocumentKind] = DocumentKind.INSPECTION_RECORD

    case_title: str
    started_at: datetime
    ended_at: datetime
    place: str
    inspectors: tuple[OfficerRef, ...]
    recorder: str
    party: Party
    present_person: str  # 现场负责人或见证人, with role
    findings: str  # 检查（勘验）情况
    evidence: tuple[str, ...]  # 现场提取的证据: photos, samples, measurements


@dataclass(frozen=True, kw_only=True)
class InvestigationReport(Document):
    """案件调查终结报告: the facts found and the penalty proposed when the investigation ends."""

    kind: ClassVar[DocumentKind] = DocumentKind.INVESTIGATION_REPORT

    case_title: str
    party: Party
    course: str  # 调查经过
    facts: str
    evidence: tuple[str, ...]
    violated_provisions: str
    penalty_provisions: str
    discretion_reasons: str  # 裁量说理
    proposal: str  # 处理意见
    handlers: tuple[OfficerRef, ...]
    reported_on: date


@dataclass(frozen=True, kw_only=True)
class AdvanceNotice(Document):
    """行政处罚事先告知书: the intended penalty, its facts, reasons and basis, and the party's rights.

    行政处罚法 第四十四条 (content and the rights to state and defend), 第四十五条 (defence never makes it
    heavier), 第六十三条、第六十四条 (the hearing, asked within five working days).
    """

    kind: ClassVar[DocumentKind] = DocumentKind.ADVANCE_NOTICE

    party: Party
    facts: str
    evidence: tuple[str, ...]
    violated_provisions: str
    penalty_provisions: str
    discretion_reasons: str
    intended_penalty: str
    fine: Decimal | None  # None when the penalty has no fine
    # The value of illegal gains and property to be confiscated, printed apart from the fine: it counts on
    # its own towards the hearing right (第六十三条). None without a confiscation.
    confiscated: Decimal | None = None
    # Days to state and defend: the law sets none (第四十四条), sector rules do (often five working days).
    statement_days: int
    hearing_right: bool  # whether 第六十三条 gives the party a hearing for this penalty
    contact: str  # 联系人、电话、地址
    issued_on: date

    @property
    def hearing_request_days(self) -> str:
        return count_in_chinese(PERIODS["hearing_request"].amount)


@dataclass(frozen=True, kw_only=True)
class HearingNotice(Document):
    """听证通知书: time and place, at least seven working days ahead (行政处罚法 第六十四条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.HEARING_NOTICE

    party: Party
    case_title: str
    hearing_at: datetime
    place: str
    public: bool  # 公开举行, unless state secrets, trade secrets or privacy (第六十四条第三项)
    chair: str  # 听证主持人, who did not investigate the case (第六十四条第四项)
    hearing_officers: tuple[str, ...]  # 听证员
    clerk: str  # 书记员
    contact: str
    issued_on: date


@dataclass(frozen=True, kw_only=True)
class HearingRecord(Document):
    """听证笔录: who attended and what each side said; read back and signed (行政处罚法 第六十四条第八项)."""

    kind: ClassVar[DocumentKind] = DocumentKind.HEARING_RECORD

    case_title: str
    started_at: datetime
    ended_at: datetime
    place: str
    public: bool
    chair: str
    hearing_officers: tuple[str, ...]
    clerk: str
    party: Party
    party_attendees: tuple[str, ...]  # 当事人及其委托代理人
    investigators: tuple[OfficerRef, ...]  # 案件调查人员
    statements: tuple[Statement, ...]


@dataclass(frozen=True, kw_only=True)
class PenaltyDecision(Document):
    """行政处罚决定书, with everything 行政处罚法 第五十九条 requires.

    Party; facts and evidence; the provisions violated; the penalty and its basis, with the reasons for the
    discretion (行政处罚法 第三十四条 and the published benchmark); how and when to pay (第六十七条: within
    fifteen days, at the named bank, 罚缴分离); the late fee (第七十二条); the remedies; agency and date.
    """

    kind: ClassVar[DocumentKind] = DocumentKind.PENALTY_DECISION

    party: Party
    procedure: str  # 案件来源和办理经过: filing, advance notice, statement or hearing
    facts: str
    evidence: tuple[str, ...]
    violated_provisions: str
    penalty_provisions: str
    discretion_reasons: str
    penalty: str  # the penalty in words, e.g. 罚款人民币1,500.00元（壹仟伍佰元整）
    fine: Decimal | None
    confiscated: Decimal | None = None  # the value confiscated, printed apart from the fine
    payment_bank: str  # 指定银行 (罚缴分离)
    payment_account: str  # 收款账户 or 非税收入缴款码说明
    remedies: Remedies
    issued_on: date
    # The re-examination of the party's statement and defence (复核, 第四十五条第一款), when the party made one.
    defence: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fine is not None and self.fine <= 0:
            raise ValueError("a fine is a positive amount; use None for a penalty without a fine")

    @property
    def payment_days(self) -> str:
        return count_in_chinese(PERIODS["payment"].amount)

    @property
    def late_fee_percent(self) -> str:
        return count_in_chinese(int(LATE_FEE_RATE * 100))


@dataclass(frozen=True, kw_only=True)
class ServiceProof(Document):
    """送达回证: which document was served on whom, how, when, and who signed (行政处罚法 第六十一条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.SERVICE_PROOF

    case_title: str
    served_title: str  # the served document's title, e.g. 行政处罚决定书
    served_number: DocumentNumber
    recipient: str  # 受送达人
    place: str
    method: str  # 直接送达 / 留置送达 / 邮寄送达 / 电子送达 …
    served_at: datetime
    servers: tuple[OfficerRef, ...]  # 送达人
    remarks: str = ""  # 备注: witnesses of a 留置送达, the party's consent to electronic service …


@dataclass(frozen=True, kw_only=True)
class ClosureReport(Document):
    """结案报告: how the case ended and how the decision was carried out, for the head's approval."""

    kind: ClassVar[DocumentKind] = DocumentKind.CLOSURE_REPORT

    case_title: str
    party: Party
    filed_on: date
    decision_number: DocumentNumber | None  # None when the case ended without a decision
    decided_on: date | None
    penalty: str
    fine: Decimal | None
    execution: str  # 执行情况
    handlers: tuple[OfficerRef, ...]
    handler_opinion: str
    approver_name: str
    approver_opinion: str
    closed_on: date


@dataclass(frozen=True, kw_only=True)
class InventoryItem:
    """One line of a seizure's inventory: what, how many, and its specification or where it is kept."""

    name: str
    quantity: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class SeizureDecision(Document):
    """查封、扣押决定书, handed over on the spot with the inventory (行政强制法 第二十四条): the party; the
    reason, basis and period; the places, facilities or goods by name and quantity; the remedies; agency,
    seal and date."""

    kind: ClassVar[DocumentKind] = DocumentKind.SEIZURE_DECISION

    party: Party
    measure: str  # 查封 / 扣押 / 查封、扣押
    reason: str
    basis: str
    items: tuple[InventoryItem, ...]
    place: str
    emergency: bool  # taken on the spot and approved afterwards (行政强制法 第十九条)
    starts_on: date
    ends_on: date  # the period's last day: 30 days, a ceiling (第二十五条)
    remedies: Remedies
    issued_on: date

    @property
    def days(self) -> str:
        return count_in_chinese(PERIODS["seizure"].amount)

    @property
    def remedies_sentence(self) -> str:
        return self.remedies.sentence(f"本{self.measure}决定")


@dataclass(frozen=True, kw_only=True)
class SeizureInventory(Document):
    """查封、扣押清单: in two copies, one kept by the party and one by the agency, signed by both (行政强制法
    第二十四条第三款; 第十八条第八项)."""

    kind: ClassVar[DocumentKind] = DocumentKind.SEIZURE_INVENTORY

    party: Party
    case_title: str
    measure: str
    items: tuple[InventoryItem, ...]
    place: str
    seized_on: date
    officers: tuple[OfficerRef, ...]
    decision_number: DocumentNumber | None  # the decision it belongs to, when issued


@dataclass(frozen=True, kw_only=True)
class SeizureExtension(Document):
    """延长查封、扣押期限决定书: the extension approved by the head, told in writing with its reasons (行政强制法
    第二十五条第二款)."""

    kind: ClassVar[DocumentKind] = DocumentKind.SEIZURE_EXTENSION

    party: Party
    measure: str
    seized_on: date
    decision_number: DocumentNumber | None
    first_ends_on: date
    ends_on: date
    reason: str
    remedies: Remedies
    issued_on: date

    @property
    def days(self) -> str:
        return count_in_chinese(PERIODS["seizure_extension"].amount)

    @property
    def remedies_sentence(self) -> str:
        return self.remedies.sentence("本延长决定")


@dataclass(frozen=True, kw_only=True)
class SeizureRelease(Document):
    """解除查封、扣押决定书: the measure lifted and the goods returned at once (行政强制法 第二十八条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.SEIZURE_RELEASE

    party: Party
    measure: str
    seized_on: date
    decision_number: DocumentNumber | None
    items: tuple[InventoryItem, ...]
    reason: str
    released_on: date
    issued_on: date


@dataclass(frozen=True, kw_only=True)
class AppraisalNotice(Document):
    """检测、检验、检疫、技术鉴定期间告知书: the time not counted in the seizure, stated and told in writing
    (行政强制法 第二十五条第三款)."""

    kind: ClassVar[DocumentKind] = DocumentKind.APPRAISAL_NOTICE

    party: Party
    appraisal: str  # 检测 / 检验 / 检疫 / 技术鉴定
    items: str
    institution: str
    starts_on: date
    ends_on: date
    seizure_ends_on: date | None  # the seizure's last day once the stated time is not counted
    issued_on: date


@dataclass(frozen=True, kw_only=True)
class PreservationDecision(Document):
    """先行登记保存物品处理决定书: the decision on evidence registered and preserved, due within seven working
    days (行政处罚法 第五十六条; the measures of 市场监督管理行政处罚程序规定 第三十四条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.PRESERVATION_DECISION

    party: Party
    preserved_on: tuple[date, ...]
    items: str
    measure: str
    reason: str
    returned: bool  # the goods are returned to the party
    issued_on: date


@dataclass(frozen=True, kw_only=True)
class SummaryDecision(Document):
    """当场行政处罚决定书, made and handed over on the spot (简易程序, 行政处罚法 第五十一条、第五十二条).

    It states the party's unlawful act, the penalty's kind and basis, the fine, the time and place, the
    remedies (the way and the periods), the agency's name, and is signed by the officers (第五十二条第二款);
    the party was told the facts, reasons and basis and heard first (第四十四条、第四十五条), and signs for it
    or the refusal is noted on it (第五十二条第一款). Printed on an 80 mm roll by a portable printer.
    """

    kind: ClassVar[DocumentKind] = DocumentKind.SUMMARY_DECISION

    party: Party
    decided_at: datetime  # 时间
    place: str  # 地点
    facts: str  # 违法行为
    violated_provisions: str
    penalty_provisions: str
    statement: str  # the party's statement and defence as recorded, or the note that it made none
    defence: str  # the officers' answer to it (复核), "" when the party made none
    penalty: str  # e.g. 罚款 50.00 元
    fine: Decimal | None
    collected: bool  # the fine collected on the spot (第六十八条), against the official receipt (第七十条)
    payment_bank: str
    payment_account: str
    remedies: Remedies
    officers: tuple[OfficerRef, ...]  # 执法人员, who sign
    refused_to_sign: bool  # the party refused to sign for it: noted on the decision (第五十二条第一款)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.fine is not None and self.fine <= 0:
            raise ValueError("a fine is a positive amount; use None for a warning")

    @property
    def payment_days(self) -> str:
        return count_in_chinese(PERIODS["payment"].amount)

    @property
    def late_fee_percent(self) -> str:
        return count_in_chinese(int(LATE_FEE_RATE * 100))


@dataclass(frozen=True, kw_only=True)
class CrimeTransfer(Document):
    """涉嫌犯罪案件移送书: the case sent to the public-security organ, a copy to the procuratorate, with the
    materials listed (行政处罚法 第二十七条; 行政执法机关移送涉嫌犯罪案件的规定 第五条、第六条、第七条)."""

    kind: ClassVar[DocumentKind] = DocumentKind.CRIME_TRANSFER

    receiver: str  # the public-security organ
    procuratorate: str  # the procuratorate the copy goes to
    case_title: str
    party: Party
    suspected_crime: str
    report: str  # 涉嫌犯罪案件情况的调查报告, in brief
    items: tuple[str, ...]  # 涉案物品清单
    materials: tuple[str, ...]  # what goes with the case (第六条)
    seized_handed_over: bool  # goods sealed or impounded go with it (行政强制法 第二十一条)
    decided_penalty: str  # a penalty decided before the transfer, credited by the court (第三十五条); "" if none
    approver_name: str
    transferred_on: date


@dataclass(frozen=True, kw_only=True)
class LegalReviewOpinion(Document):
    """法制审核意见书: the legal review's written opinion on a major decision proposed — the clauses that made it
    major, each item checked, the problems, the conclusion and its reasons (行政处罚法 第五十八条;
    国办发〔2018〕118号)."""

    kind: ClassVar[DocumentKind] = DocumentKind.LEGAL_REVIEW_OPINION

    case_title: str
    party: Party
    facts: str
    proposal: str
    clauses: tuple[str, ...]  # why the decision is major
    round_number: int
    checklist: tuple[tuple[str, bool], ...]  # (item, in order)
    problems: str
    amendments: str
    conclusion: str
    opinion: str
    reviewer_name: str
    reviewed_on: date


@dataclass(frozen=True, kw_only=True)
class LegalReviewReturn(LegalReviewOpinion):
    """法制审核退回意见书: the same opinion when the case goes back for more investigation or is not approved."""

    kind: ClassVar[DocumentKind] = DocumentKind.LEGAL_REVIEW_RETURN


@dataclass(frozen=True, kw_only=True)
class ReviewLine:
    """One line of a case-file review sheet: a criterion, the points it carries and the points taken off, why."""

    label: str
    points: Decimal  # the criterion's full points (0 for a veto item)
    deducted: Decimal
    note: str


@dataclass(frozen=True, kw_only=True)
class FileReviewSheet(Document):
    """行政执法案卷评查表: the supervisor's review of one closed case file (行政执法监督条例 第十八条), on the
    criteria in force on the day of the review; issued by the supervising agency to the reviewed one."""

    kind: ClassVar[DocumentKind] = DocumentKind.FILE_REVIEW_SHEET

    round_title: str
    reviewed_agency: str
    case_title: str
    case_ref: str  # the decision's number, or the case's id where there is none
    closed_on: date | None
    criteria: str  # the criteria's name and source
    findings: tuple[str, ...]  # the automatic findings from the record
    vetoes: tuple[ReviewLine, ...]
    lines: tuple[ReviewLine, ...]
    score: Decimal
    grade: str  # 优秀 / 合格 / 不合格
    reviewer_note: str
    reviewers: str
    reviewed_on: date


CONTEXTS: dict[DocumentKind, type[Document]] = {
    context.kind: context
    for context in (
        FilingApproval,
        InterviewTranscript,
        InspectionRecord,
        InvestigationReport,
        AdvanceNotice,
        HearingNotice,
        HearingRecord,
        PenaltyDecision,
        ServiceProof,
        ClosureReport,
        SeizureDecision,
        SeizureInventory,
        SeizureExtension,
        SeizureRelease,
        AppraisalNotice,
        PreservationDecision,
        SummaryDecision,
        CrimeTransfer,
        LegalReviewOpinion,
        LegalReviewReturn,
        FileReviewSheet,
    )
}
