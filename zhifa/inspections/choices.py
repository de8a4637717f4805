"""The choices of inspections of businesses (涉企行政检查): grades, sources, causes, states, draws."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    """A risk or credit grade (风险等级 / 信用风险分类): A is the best (lowest risk), D the worst."""

    A = "A", _("A类")
    B = "B", _("B类")
    C = "C", _("C类")
    D = "D", _("D类")


class Source(models.TextChoices):
    """任务来源 (GLOSSARY `Inspection.source`; 海南条例 第十条、第十二条)."""

    ROUTINE = "routine", _("日常检查")
    SPECIAL = "special", _("专项检查")
    FOR_CAUSE = "for_cause", _("有因检查")


class Cause(models.TextChoices):
    """Why a for-cause inspection (有因检查 / 个案检查) is made (海南条例 第十二条)."""

    COMPLAINT = "complaint", _("投诉举报")
    REFERRAL = "referral", _("转办交办")
    SAMPLING = "sampling", _("抽样检测")
    MONITORING = "monitoring", _("数据监测")
    LEAD = "lead", _("移送线索")
    OWN_REQUEST = "own_request", _("企业自行申请")


class PlanKind(models.TextChoices):
    ROUTINE = "routine", _("年度日常检查计划")
    SPECIAL = "special", _("专项检查计划")


class PlanState(models.TextChoices):
    """draft → approved (by the body's head, 海南条例 第十五条) → published."""

    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    PUBLISHED = "published", _("已公布")


class InspectionState(models.TextChoices):
    """The states of one inspection (docs/inspections.md, "The visit"):

    planned → code_issued → on_site (the code scanned at the door) → result_recorded → told → published;
    planned → off_site_reviewed (written review, no visit, 海南条例 第十六条) → result_recorded → …;
    planned / code_issued → cancelled."""

    PLANNED = "planned", _("待检查")
    CODE_ISSUED = "code_issued", _("已生成检查码")
    ON_SITE = "on_site", _("已扫码入企")
    OFF_SITE_REVIEWED = "off_site_reviewed", _("已非现场检查")
    RESULT_RECORDED = "result_recorded", _("已记录检查结果")
    TOLD = "told", _("已告知企业")
    PUBLISHED = "published", _("已公开")
    CANCELLED = "cancelled", _("已撤销")


# The moves between states; a service checks its move against this table (one place, documented).
TRANSITIONS: dict[str, frozenset[str]] = {
    InspectionState.PLANNED: frozenset(
        {InspectionState.CODE_ISSUED, InspectionState.OFF_SITE_REVIEWED, InspectionState.CANCELLED}
    ),
    InspectionState.CODE_ISSUED: frozenset({InspectionState.ON_SITE, InspectionState.CANCELLED}),
    InspectionState.ON_SITE: frozenset({InspectionState.RESULT_RECORDED}),
    InspectionState.OFF_SITE_REVIEWED: frozenset({InspectionState.RESULT_RECORDED}),
    InspectionState.RESULT_RECORDED: frozenset({InspectionState.TOLD}),
    InspectionState.TOLD: frozenset({InspectionState.PUBLISHED}),
    InspectionState.PUBLISHED: frozenset(),
    InspectionState.CANCELLED: frozenset(),
}

# States whose inspections count towards the yearly cap: every one but a cancelled one (it was never made).
COUNTED_STATES = frozenset(set(InspectionState) - {InspectionState.CANCELLED})


class ReviewMethod(models.TextChoices):
    """How an off-site inspection was made (海南条例 第十六条: no visit where these suffice)."""

    WRITTEN = "written", _("书面核查")
    SHARED_DATA = "shared_data", _("信息共享比对")
    SMART = "smart", _("智慧监管（在线监测、视频等）")


class Outcome(models.TextChoices):
    """The result of one inspection (检查结果), told to the business and published."""

    NO_PROBLEM = "no_problem", _("未发现问题")
    CORRECTED = "corrected", _("发现问题，责令改正")
    CASE_OPENED = "case_opened", _("发现涉嫌违法行为，已登记案源")


class ToldHow(models.TextChoices):
    """How the result was told to the business (海南条例 第二十二条)."""

    ON_THE_SPOT = "on_the_spot", _("当场告知")
    SERVED = "served", _("送达结果告知书")
    ELECTRONIC = "electronic", _("电子送达")


class ActKind(models.TextChoices):
    """Records made on a visit besides the visit's own (司法部 2025 检查文书: 询问、抽样、勘验)."""

    INQUIRY = "inquiry", _("询问")
    SAMPLING = "sampling", _("抽样")
    SURVEY = "survey", _("勘验")


class ObjectionKind(models.TextChoices):
    """What a business may file about an inspection from its code (海南条例 第十七条、第二十五条)."""

    OBJECTION = "objection", _("对检查结果有异议")
    COMPLAINT = "complaint", _("对检查行为投诉")


class RelationKind(models.TextChoices):
    """An inspector's recorded relation with a business: a ground for avoidance (回避) in the draw."""

    KINSHIP = "kinship", _("近亲属关系")
    EMPLOYMENT = "employment", _("曾在该企业任职")
    INTEREST = "interest", _("经济利益关系")
    OTHER = "other", _("其他可能影响公正的关系")


class SeedKind(models.TextChoices):
    """Where a draw's seed comes from: a public value that did not exist when the inputs were hashed."""

    CHECKPOINT = "checkpoint", _("其后的账本检查点")
    BEACON = "beacon", _("公共随机信标轮次")
    WITNESSES = "witnesses", _("见证人录入的数字（RFC 3797）")


class DrawState(models.TextChoices):
    """frozen (inputs hashed into the ledger) → seeded (the public value known) → drawn (result recorded)."""

    FROZEN = "frozen", _("输入已冻结")
    SEEDED = "seeded", _("种子已确定")
    DRAWN = "drawn", _("已抽取")
