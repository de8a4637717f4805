"""The kinds of enforcement documents (执法文书) and the code each puts in its number (文号).

One table: a kind's code is the middle of its number, 大青保 + 罚决 + 字〔2026〕第12号. Codes follow the
common practice of the provinces' 行政处罚文书格式范本 (two characters for the documents served on the party,
one for the records); each agency's short name (机关代字) comes first, so codes only need to be distinct
among themselves. docs/documents.md lists them and says how to add a kind.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    FILING_APPROVAL = "filing_approval", _("立案审批表")
    INTERVIEW_TRANSCRIPT = "interview_transcript", _("询问笔录")
    INSPECTION_RECORD = "inspection_record", _("现场检查（勘验）笔录")
    INVESTIGATION_REPORT = "investigation_report", _("案件调查终结报告")
    ADVANCE_NOTICE = "advance_notice", _("行政处罚事先告知书")
    HEARING_NOTICE = "hearing_notice", _("听证通知书")
    HEARING_RECORD = "hearing_record", _("听证笔录")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定书")
    SERVICE_PROOF = "service_proof", _("送达回证")
    CLOSURE_REPORT = "closure_report", _("结案报告")
    # 行政强制法 第二十四条、第二十五条、第二十八条; 行政处罚法 第五十六条.
    SEIZURE_DECISION = "seizure_decision", _("查封、扣押决定书")
    SEIZURE_INVENTORY = "seizure_inventory", _("查封、扣押清单")
    SEIZURE_EXTENSION = "seizure_extension", _("延长查封、扣押期限决定书")
    SEIZURE_RELEASE = "seizure_release", _("解除查封、扣押决定书")
    APPRAISAL_NOTICE = "appraisal_notice", _("检测、检验、检疫、技术鉴定期间告知书")
    PRESERVATION_DECISION = "preservation_decision", _("先行登记保存物品处理决定书")
    # 行政处罚法 第五十二条: the numbered decision made and handed over on the spot (简易程序).
    SUMMARY_DECISION = "summary_decision", _("当场行政处罚决定书")
    CRIME_TRANSFER = "crime_transfer", _("涉嫌犯罪案件移送书")
    # 行政处罚法 第五十八条: the legal review's written opinion, passed or returned.
    LEGAL_REVIEW_OPINION = "legal_review_opinion", _("法制审核意见书")
    LEGAL_REVIEW_RETURN = "legal_review_return", _("法制审核退回意见书")
    # 行政执法监督条例 第十八条: the supervisor's case-file review sheet (评查表), issued to the reviewed agency.
    FILE_REVIEW_SHEET = "file_review_sheet", _("行政执法案卷评查表")
    # 行政执法监督条例 第二十七条至第二十九条: the supervisor's instruments (zhifa/supervision/notices.py).
    SUPERVISION_URGING = "supervision_urging", _("行政执法监督督办函")
    SUPERVISION_OPINION = "supervision_opinion", _("行政执法监督意见书")
    SUPERVISION_DECISION = "supervision_decision", _("行政执法监督决定书")
    # 司法部办公厅《行政检查文书基本格式文本（试行）》(2025): seven templates, 审批—通知—实施—记录—反馈
    # (zhifa/inspections/documents.py; docs/inspections.md says which names were read and which inferred).
    INSPECTION_APPROVAL = "inspection_approval", _("行政检查审批表")
    INSPECTION_NOTICE = "inspection_notice", _("行政检查通知书")
    SITE_INSPECTION_RECORD = "site_inspection_record", _("现场检查笔录")
    INSPECTION_INQUIRY = "inspection_inquiry", _("行政检查询问笔录")
    INSPECTION_SAMPLING = "inspection_sampling", _("行政检查抽样记录")
    INSPECTION_SURVEY = "inspection_survey", _("行政检查勘验笔录")
    INSPECTION_RESULT = "inspection_result", _("行政检查结果告知书")


# The code in each kind's number. Never change a code in use: numbers already issued carry it.
KIND_CODES: dict[DocumentKind, str] = {
    DocumentKind.FILING_APPROVAL: "立审",
    DocumentKind.INTERVIEW_TRANSCRIPT: "询",
    DocumentKind.INSPECTION_RECORD: "勘",
    DocumentKind.INVESTIGATION_REPORT: "调终",
    DocumentKind.ADVANCE_NOTICE: "罚告",
    DocumentKind.HEARING_NOTICE: "听通",
    DocumentKind.HEARING_RECORD: "听笔",
    DocumentKind.PENALTY_DECISION: "罚决",
    DocumentKind.SERVICE_PROOF: "送",
    DocumentKind.CLOSURE_REPORT: "结",
    DocumentKind.SEIZURE_DECISION: "封扣",
    DocumentKind.SEIZURE_INVENTORY: "封清",
    DocumentKind.SEIZURE_EXTENSION: "延封",
    DocumentKind.SEIZURE_RELEASE: "解封",
    DocumentKind.APPRAISAL_NOTICE: "检告",
    DocumentKind.PRESERVATION_DECISION: "保处",
    DocumentKind.SUMMARY_DECISION: "当罚",
    DocumentKind.CRIME_TRANSFER: "移司",
    DocumentKind.LEGAL_REVIEW_OPINION: "法审",
    DocumentKind.LEGAL_REVIEW_RETURN: "法退",
    DocumentKind.FILE_REVIEW_SHEET: "评查",
    DocumentKind.SUPERVISION_URGING: "监督",
    DocumentKind.SUPERVISION_OPINION: "监意",
    DocumentKind.SUPERVISION_DECISION: "监决",
    DocumentKind.INSPECTION_APPROVAL: "检审",
    DocumentKind.INSPECTION_NOTICE: "检通",
    DocumentKind.SITE_INSPECTION_RECORD: "检笔",
    DocumentKind.INSPECTION_INQUIRY: "检询",
    DocumentKind.INSPECTION_SAMPLING: "检样",
    DocumentKind.INSPECTION_SURVEY: "检勘",
    DocumentKind.INSPECTION_RESULT: "检果",
}
