"""A realistic case, 滥伐林木 in a nature reserve, told by each of its documents."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TypedDict
from zoneinfo import ZoneInfo

from zhifa.cases.choices import PartyKind
from zhifa.core.validators import credit_code_check_char, resident_id_check_char
from zhifa.documents.choices import DocumentKind
from zhifa.documents.contexts import (
    AdvanceNotice,
    AppraisalNotice,
    ClosureReport,
    CrimeTransfer,
    Document,
    FilingApproval,
    HearingNotice,
    HearingRecord,
    InspectionRecord,
    InterviewTranscript,
    InventoryItem,
    InvestigationReport,
    LegalReviewOpinion,
    LegalReviewReturn,
    OfficerRef,
    Party,
    PenaltyDecision,
    PreservationDecision,
    Remedies,
    SeizureDecision,
    SeizureExtension,
    SeizureInventory,
    SeizureRelease,
    ServiceProof,
    Statement,
    SummaryDecision,
)
from zhifa.documents.numbering import DocumentNumber

SITE = "https://zhifa.daqingshan.gov.cn"
AGENCY = "大青山国家级自然保护区管理局"
AGENCY_CODE = "大青保"
SHANGHAI = ZoneInfo("Asia/Shanghai")
FINE = Decimal("1500.00")
FINE_CAPITALS = "壹仟伍佰元整"
SUMMARY_FINE = Decimal("50.00")  # on the spot: a citizen is fined at most 200 yuan (行政处罚法 第五十一条)

_ID17 = "15010219800315001"
_CREDIT17 = "91150102MA0N12345"
CITIZEN = Party(
    kind=PartyKind.CITIZEN,
    name="张某某",
    id_code=_ID17 + resident_id_check_char(_ID17),
    address="内蒙古自治区大青山市青山区哈拉沁村三组12号",
    phone="13800471234",
)
COMPANY = Party(
    kind=PartyKind.ORGANISATION,
    name="大青山某林业开发有限公司",
    id_code=_CREDIT17 + credit_code_check_char(_CREDIT17),
    address="内蒙古自治区大青山市青山区林苑路8号",
    representative="王某",
)
OFFICERS = (
    OfficerRef(name="李执法", certificate_number="15010200123"),
    OfficerRef(name="赵执法", certificate_number="15010200456"),
)
EVIDENCE = (
    "现场检查（勘验）笔录一份及现场照片十二张",
    "询问张某某的笔录一份",
    "大青山林业司法鉴定中心出具的林木价值鉴定意见一份",
)
VIOLATED = "《中华人民共和国森林法》第五十六条第一款"
PENALTY_BASIS = "《中华人民共和国森林法》第七十六条第二款"
DISCRETION = (
    "当事人滥伐林木十二株，蓄积1.8立方米，价值500元，属《大青山国家级自然保护区林业行政处罚裁量基准》"
    "规定的“一般”情节；当事人如实陈述违法事实，主动配合调查，依法可以从轻处罚，"
    "决定按滥伐林木价值的三倍处以罚款。"
)
PENALTY = "责令于2027年4月30日前在原地补种滥伐株数三倍的树木（三十六株），并处罚款。"
FACTS = (
    "2026年10月26日至28日，当事人未取得林木采伐许可证，在大青山国家级自然保护区实验区哈拉沁沟二号林班"
    "采伐油松十二株，蓄积1.8立方米，经鉴定价值人民币500元。"
)
REMEDIES = Remedies(reconsideration_body="大青山市人民政府", court="大青山市青山区人民法院")
REMEDIES_SENTENCE = (
    "如不服本处罚决定，可以在收到本决定书之日起六十日内向大青山市人民政府申请行政复议，"
    "也可以在收到本决定书之日起六个月内直接向大青山市青山区人民法院提起行政诉讼。"
)


def entry_hash(kind: DocumentKind) -> str:
    return hashlib.sha256(f"ledger entry for {kind}".encode()).hexdigest()


def number(kind: DocumentKind, serial: int = 12) -> DocumentNumber:
    return DocumentNumber(agency_code=AGENCY_CODE, kind=kind, year=2026, serial=serial)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


class Common(TypedDict):
    number: DocumentNumber
    agency_name: str
    entry_hash: str


def sample(kind: DocumentKind) -> Document:
    """The document of `kind` in the sample case; every one names 张某某."""
    common: Common = {"number": number(kind), "agency_name": AGENCY, "entry_hash": entry_hash(kind)}
    case = "张某某滥伐林木案"
    if kind == DocumentKind.FILING_APPROVAL:
        return FilingApproval(
            **common,
            case_title=case,
            lead_source="监督检查",
            received_on=date(2026, 11, 2),
            party=CITIZEN,
            summary="2026年11月2日巡护中发现哈拉沁沟二号林班有新伐桩十二个，经走访，系张某某所伐。",
            suspected_provisions=VIOLATED,
            handlers=OFFICERS,
            handler_opinion="当事人涉嫌滥伐林木，有证据初步证明，属本机关管辖，建议立案调查。",
            approver_name="孙局长",
            approver_opinion="同意立案，由李执法、赵执法承办。",
            approved_on=date(2026, 11, 3),
        )
    if kind == DocumentKind.INTERVIEW_TRANSCRIPT:
        return InterviewTranscript(
            **common,
            case_title=case,
            started_at=at(11, 5, 9, 5),
            ended_at=at(11, 5, 10, 20),
            place="大青山国家级自然保护区管理局哈拉沁保护站询问室",
            interviewers=OFFICERS,
            recorder="赵执法",
            interviewee=CITIZEN,
            interviewee_role="当事人",
            statements=(
                Statement(speaker="问", text="你是否听清楚了你的权利和义务？是否申请回避？"),
                Statement(speaker="答", text="听清楚了，不申请回避。"),
                Statement(speaker="问", text="2026年10月下旬你是否在哈拉沁沟二号林班采伐过树木？"),
                Statement(speaker="答", text="是的，10月26日到28日我砍了十二棵油松，准备盖羊圈用。"),
                Statement(speaker="问", text="你是否办理了林木采伐许可证？"),
                Statement(speaker="答", text="没有办，我不知道自己承包地上的树也要办证。"),
            ),
        )
    if kind == DocumentKind.INSPECTION_RECORD:
        return InspectionRecord(
            **common,
            case_title=case,
            started_at=at(11, 4, 14, 0),
            ended_at=at(11, 4, 15, 30),
            place="大青山国家级自然保护区实验区哈拉沁沟二号林班",
            inspectors=OFFICERS,
            recorder="赵执法",
            party=CITIZEN,
            present_person="刘某（哈拉沁村村民委员会主任，见证人）",
            findings="二号林班东坡有新伐油松伐桩十二个，伐桩直径14至22厘米，伐面新鲜，周围有散落枝桠；原木已被运走。",
            evidence=("现场照片十二张", "伐桩位置示意图一份", "伐桩检尺记录一份"),
        )
    if kind == DocumentKind.INVESTIGATION_REPORT:
        return InvestigationReport(
            **common,
            case_title=case,
            party=CITIZEN,
            course="2026年11月3日立案后，承办人进行了现场勘验，询问了当事人和见证人，委托了林木价值鉴定。",
            facts=FACTS,
            evidence=EVIDENCE,
            violated_provisions=VIOLATED,
            penalty_provisions=PENALTY_BASIS,
            discretion_reasons=DISCRETION,
            proposal=PENALTY + "罚款人民币1,500.00元。",
            handlers=OFFICERS,
            reported_on=date(2026, 11, 12),
        )
    if kind == DocumentKind.ADVANCE_NOTICE:
        return AdvanceNotice(
            **common,
            party=CITIZEN,
            facts=FACTS,
            evidence=EVIDENCE,
            violated_provisions=VIOLATED,
            penalty_provisions=PENALTY_BASIS,
            discretion_reasons=DISCRETION,
            intended_penalty=PENALTY,
            fine=FINE,
            statement_days=5,
            hearing_right=False,
            contact="李执法，0471-1234567，大青山市青山区林苑路1号",
            issued_on=date(2026, 11, 13),
        )
    if kind == DocumentKind.HEARING_NOTICE:
        return HearingNotice(
            **common,
            party=CITIZEN,
            case_title=case,
            hearing_at=at(11, 27, 9, 30),
            place="大青山国家级自然保护区管理局第一会议室",
            public=True,
            chair="周法制",
            hearing_officers=("吴某某",),
            clerk="郑某某",
            contact="周法制，0471-1234568",
            issued_on=date(2026, 11, 17),
        )
    if kind == DocumentKind.HEARING_RECORD:
        return HearingRecord(
            **common,
            case_title=case,
            started_at=at(11, 27, 9, 30),
            ended_at=at(11, 27, 11, 0),
            place="大青山国家级自然保护区管理局第一会议室",
            public=True,
            chair="周法制",
            hearing_officers=("吴某某",),
            clerk="郑某某",
            party=CITIZEN,
            party_attendees=("张某某", "陈律师（委托代理人）"),
            investigators=OFFICERS,
            statements=(
                Statement(speaker="主持人", text="宣布听证纪律，核对出席人员身份，告知申请回避的权利。"),
                Statement(speaker="调查人员李执法", text="陈述违法事实、证据和拟作出的行政处罚。"),
                Statement(speaker="当事人张某某", text="对事实没有异议，请求考虑我是初次违法、主动配合调查。"),
                Statement(speaker="主持人", text="当事人作最后陈述。"),
                Statement(speaker="当事人张某某", text="我愿意补种树木，请求从轻处罚。"),
            ),
        )
    if kind == DocumentKind.PENALTY_DECISION:
        return PenaltyDecision(
            **common,
            party=CITIZEN,
            procedure=(
                "本机关于2026年11月3日对当事人滥伐林木一案立案调查，于2026年11月13日向当事人送达了"
                "《行政处罚事先告知书》，当事人在规定期限内未提出陈述、申辩意见。"
            ),
            facts=FACTS,
            evidence=EVIDENCE,
            violated_provisions=VIOLATED,
            penalty_provisions=PENALTY_BASIS,
            discretion_reasons=DISCRETION,
            penalty=PENALTY,
            fine=FINE,
            payment_bank="中国农业银行大青山市分行各营业网点",
            payment_account="凭本决定书所附非税收入缴款码缴纳",
            remedies=REMEDIES,
            issued_on=date(2026, 11, 23),
        )
    if kind == DocumentKind.SERVICE_PROOF:
        return ServiceProof(
            **common,
            case_title=case,
            served_title="行政处罚决定书",
            served_number=number(DocumentKind.PENALTY_DECISION),
            recipient=CITIZEN.name,
            place=CITIZEN.address,
            method="直接送达",
            served_at=at(11, 24, 10, 0),
            servers=OFFICERS,
        )
    if kind == DocumentKind.CLOSURE_REPORT:
        return ClosureReport(
            **common,
            case_title=case,
            party=CITIZEN,
            filed_on=date(2026, 11, 3),
            decision_number=number(DocumentKind.PENALTY_DECISION),
            decided_on=date(2026, 11, 23),
            penalty=PENALTY,
            fine=FINE,
            execution="当事人于2026年12月1日缴清罚款，补种油松三十六株已经验收合格。",
            handlers=OFFICERS,
            handler_opinion="处罚决定已执行完毕，建议结案。",
            approver_name="孙局长",
            approver_opinion="同意结案，归档。",
            closed_on=date(2026, 12, 8),
        )
    if kind in (DocumentKind.LEGAL_REVIEW_OPINION, DocumentKind.LEGAL_REVIEW_RETURN):
        opinion = LegalReviewOpinion if kind == DocumentKind.LEGAL_REVIEW_OPINION else LegalReviewReturn
        passed = kind == DocumentKind.LEGAL_REVIEW_OPINION
        return opinion(
            **common,
            case_title=case,
            party=CITIZEN,
            facts="当事人未经批准在实验区采伐油松十二株，蓄积五立方米。",
            proposal="罚款一万二千元",
            clauses=("对公民处10,000元以上罚款（大青山管理局重大执法决定法制审核目录）",),
            round_number=1 if passed else 2,
            checklist=(("执法主体适格，有管辖权", True), ("证据确凿、充分，取得合法", passed)),
            problems="" if passed else "缺少林木蓄积鉴定意见",
            amendments="",
            conclusion="同意" if passed else "退回补充调查",
            opinion="主体合法，事实清楚，证据确凿，同意" if passed else "请补充林木蓄积鉴定意见后重新提交",
            reviewer_name="孙审核",
            reviewed_on=date(2026, 11, 18),
        )
    if kind == DocumentKind.CRIME_TRANSFER:
        return CrimeTransfer(
            **common,
            receiver="大青山市公安局森林警察支队",
            procuratorate="大青山市人民检察院",
            case_title=case,
            party=CITIZEN,
            suspected_crime="滥伐林木罪",
            report="经查，张某某滥伐林木立木蓄积二十五立方米，达到滥伐林木罪的立案追诉标准。",
            items=("油锯一台", "原木十二根"),
            materials=("涉嫌犯罪案件移送书", "涉嫌犯罪案件情况的调查报告", "涉案物品清单", "林木蓄积鉴定意见"),
            seized_handed_over=True,
            decided_penalty="",
            approver_name="孙局长",
            transferred_on=date(2026, 11, 20),
        )
    if kind == DocumentKind.SUMMARY_DECISION:
        return SummaryDecision(
            **common,
            party=CITIZEN,
            decided_at=at(11, 23, 15, 40),
            place="大青山国家级自然保护区哈拉沁沟二号林班",
            facts="2026年11月23日15时许，当事人在林区野外吸烟，未发生火情。",
            violated_provisions="《森林防火条例》第二十五条",
            penalty_provisions="《森林防火条例》第五十条",
            statement="当事人称不知道林区禁止吸烟，请求从轻处罚。",
            defence="部分成立，部分采纳：当事人初次违法并当场熄灭烟头，按裁量基准下限处罚。",
            penalty="罚款",
            fine=SUMMARY_FINE,
            collected=False,
            payment_bank="中国农业银行大青山市分行各营业网点",
            payment_account="凭本决定书所附非税收入缴款码缴纳",
            remedies=REMEDIES,
            officers=OFFICERS,
            refused_to_sign=False,
        )
    return _seizure_sample(kind, common, case)


CHAINSAW = InventoryItem(name="油锯", quantity="1台", note="斯蒂尔MS180，暂存哈拉沁保护站")
LOGS = InventoryItem(name="油松原木", quantity="12根", note="暂存哈拉沁保护站木材场")


def _seizure_sample(kind: DocumentKind, common: Common, case: str) -> Document:
    """The seizure and the preserved evidence of the same case (行政强制法; 行政处罚法 第五十六条)."""
    if kind == DocumentKind.SEIZURE_DECISION:
        return SeizureDecision(
            **common,
            party=CITIZEN,
            measure="扣押",
            reason="你涉嫌未取得林木采伐许可证采伐油松十二株，所用油锯和所伐原木为涉案财物。",
            basis="《中华人民共和国森林法》第六十八条",
            items=(CHAINSAW, LOGS),
            place="哈拉沁沟二号林班",
            emergency=False,
            starts_on=date(2026, 11, 4),
            ends_on=date(2026, 12, 4),
            remedies=REMEDIES,
            issued_on=date(2026, 11, 4),
        )
    if kind == DocumentKind.SEIZURE_INVENTORY:
        return SeizureInventory(
            **common,
            party=CITIZEN,
            case_title=case,
            measure="扣押",
            items=(CHAINSAW, LOGS),
            place="哈拉沁沟二号林班",
            seized_on=date(2026, 11, 4),
            officers=OFFICERS,
            decision_number=number(DocumentKind.SEIZURE_DECISION),
        )
    if kind == DocumentKind.SEIZURE_EXTENSION:
        return SeizureExtension(
            **common,
            party=CITIZEN,
            measure="扣押",
            seized_on=date(2026, 11, 4),
            decision_number=number(DocumentKind.SEIZURE_DECISION),
            first_ends_on=date(2026, 12, 4),
            ends_on=date(2027, 1, 3),
            reason="林木价值鉴定尚未完成",
            remedies=REMEDIES,
            issued_on=date(2026, 12, 2),
        )
    if kind == DocumentKind.SEIZURE_RELEASE:
        return SeizureRelease(
            **common,
            party=CITIZEN,
            measure="扣押",
            seized_on=date(2026, 11, 4),
            decision_number=number(DocumentKind.SEIZURE_DECISION),
            items=(CHAINSAW,),
            reason="行政处罚决定已经作出，不再需要扣押",
            released_on=date(2026, 11, 23),
            issued_on=date(2026, 11, 23),
        )
    if kind == DocumentKind.APPRAISAL_NOTICE:
        return AppraisalNotice(
            **common,
            party=CITIZEN,
            appraisal="技术鉴定",
            items="油松原木12根",
            institution="大青山林业司法鉴定中心",
            starts_on=date(2026, 11, 6),
            ends_on=date(2026, 11, 16),
            seizure_ends_on=date(2026, 12, 14),
            issued_on=date(2026, 11, 6),
        )
    if kind == DocumentKind.PRESERVATION_DECISION:
        return PreservationDecision(
            **common,
            party=CITIZEN,
            preserved_on=(date(2026, 11, 4),),
            items="采伐作业记录本1本",
            measure="采取记录、复制、拍照、录像等证据保全措施后退还",
            reason="记录本已复制并经当事人签字确认，原件无须继续保存。",
            returned=True,
            issued_on=date(2026, 11, 10),
        )
    if kind.value.startswith("supervision_"):
        # The supervisor's instruments (zhifa/supervision/notices.py, 行政执法监督条例 第二十七条至第二十九条).
        from zhifa.documents.contexts import CONTEXTS

        return CONTEXTS[kind](  # type: ignore[call-arg]
            **common,
            addressee="大青山国家级自然保护区管理局哈拉沁保护站",
            case_title=case,
            facts="对张某某滥伐林木一案罚款数额明显高于裁量基准，且未说明理由。",
            request="重新审查该案的裁量，依法纠正，并将整改情况书面报告。",
            basis="《行政执法监督条例》第二十八条",
            due_on=date(2026, 12, 23),
            objection_days=10,
            issued_on=date(2026, 11, 23),
            government="大青山市人民政府" if kind == DocumentKind.SUPERVISION_DECISION else "",
            approval_number="大政函〔2026〕8号" if kind == DocumentKind.SUPERVISION_DECISION else "",
        )
    if kind == DocumentKind.FILE_REVIEW_SHEET:
        # The supervisor's case-file review (zhifa/supervision/reviews.py, 行政执法监督条例 第十八条).
        from zhifa.documents.contexts import FileReviewSheet, ReviewLine

        return FileReviewSheet(
            **common,
            round_title="2026年第四季度案卷评查",
            reviewed_agency="大青山国家级自然保护区管理局哈拉沁保护站",
            case_title=case,
            case_ref="大青保罚决字〔2026〕第12号",
            closed_on=date(2026, 11, 30),
            criteria="行政执法案卷评查标准（默认）",
            findings=("处罚决定书送达超过七个工作日",),
            vetoes=(ReviewLine(label="执法主体不合法", points=Decimal(0), deducted=Decimal(0), note=""),),
            lines=(
                ReviewLine(label="文书格式规范", points=Decimal(20), deducted=Decimal(2), note="送达回证日期涂改"),
                ReviewLine(label="事实清楚、证据充分", points=Decimal(80), deducted=Decimal(5), note="送达迟延"),
            ),
            score=Decimal(93),
            grade="优秀",
            reviewer_note="案卷总体规范。",
            reviewers="王监督、刘监督",
            reviewed_on=date(2026, 12, 4),
        )
    if kind.value.startswith(("inspection_", "site_inspection")):
        return _inspection_sample(kind, common)
    raise AssertionError(f"no sample for {kind}")


def _inspection_sample(kind: DocumentKind, common: Common) -> Document:
    """An inspection's standard documents (zhifa/inspections/documents.py): 张某某's sawmill, inspected for cause."""
    from zhifa.documents.contexts import CONTEXTS
    from zhifa.inspections import documents as inspection_documents  # registers the kinds' contexts

    context: Callable[..., Document] = CONTEXTS[kind]
    shared = {
        **common,
        "business": inspection_documents.Business(
            name="张某某木材加工厂", credit_code="91150100MA0N123456", address="大青山市青山区林场路8号"
        ),
        "task": inspection_documents.TaskSource(source="有因检查", cause="投诉举报", reason="依据投诉举报线索"),
        "items": (
            inspection_documents.ItemRef(
                code="DQS-JCX-001", name="木材经营加工企业进货查验检查", basis="《中华人民共和国森林法》第六十五条"
            ),
        ),
        "officers": OFFICERS,
        "assistants": ("钱辅助",),
        "planned_on": date(2026, 11, 23),
        "off_site": False,
    }
    photo = inspection_documents.FileRef(name="堆场全景.jpg", sha256="ab" * 32)
    if kind == DocumentKind.INSPECTION_APPROVAL:
        return context(**shared, proposed_by="李执法", proposed_on=date(2026, 11, 20), approval="", unannounced=True)
    if kind == DocumentKind.INSPECTION_NOTICE:
        return context(**shared, issued_on=date(2026, 11, 23))
    if kind == DocumentKind.SITE_INSPECTION_RECORD:
        return context(
            **shared,
            started_at=at(11, 23, 9),
            ended_at=at(11, 23, 10, 30),
            place="大青山市青山区林场路8号",
            present="张某某（厂长）",
            scanned_at=at(11, 23, 9),
            found="木材堆场存放油松原木32根，未见木材运输证。",
            statement="原木系合法收购，运输证在财务室。",
            files=(photo,),
        )
    if kind == DocumentKind.INSPECTION_RESULT:
        return context(
            **shared,
            outcome="corrected",
            outcome_label="发现问题，责令改正",
            findings="木材运输证未随货同行，已责令补办。",
            result_on=date(2026, 11, 24),
            case_title="",
            case_ref="",
            code_page="https://zhifa.example.cn/public/inspections/code/abc/",
            complaint_to="大青山国家级自然保护区管理局",
            remedies="",
            issued_on=date(2026, 11, 24),
        )
    return context(
        **shared,
        at=at(11, 23, 9, 30),
        person="张某某",
        text="问：原木从何处收购？答：从本县林场收购。",
        files=(photo,),
        recorder="李执法",
    )
