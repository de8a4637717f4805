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
from zhifa.cases.rules import LATE_FEE_RATE, PERIODS
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

    def sentence(self) -> str:
        """The remedies sentence of a decision; the periods come from cases/rules.py, where they are cited."""
        # 行政复议法 第二十条 (sixty days); 行政诉讼法 第四十六条 (six months).
        reconsideration = PERIODS["reconsideration"]
        litigation = PERIODS["litigation"]
        return (
            f"如不服本处罚决定，可以在收到本决定书之日起{count_in_chinese(reconsideration.amount)}日内"
            f"向{self.reconsideration_body}申请行政复议，"
            f"也可以在收到本决定书之日起{count_in_chinese(litigation.amount)}个月内"
            f"直接向{self.court}提起行政诉讼。"
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
        CrimeTransfer,
    )
}
