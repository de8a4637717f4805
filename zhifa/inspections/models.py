"""Inspections of businesses (涉企行政检查): the directory of businesses, the inspectors' recorded relations, the
plans, the draws and the inspections themselves.

Every change goes through `services` (one ledger entry each); reads through `selectors`, restricted to the
actor's agencies. The inspector pool is not a table: it is the officers able to enforce on the day
(`selectors.inspector_pool`), so that it cannot drift from the certificates.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.core.choices import Domain
from zhifa.core.models import Agency, User
from zhifa.core.validators import validate_credit_code
from zhifa.inspections.choices import (
    ActKind,
    Cause,
    DrawState,
    Grade,
    InspectionState,
    ObjectionKind,
    Outcome,
    PlanKind,
    PlanState,
    RelationKind,
    ReviewMethod,
    SeedKind,
    Source,
    ToldHow,
)
from zhifa.personnel.models import Officer
from zhifa.powers.models import InspectionItem

RESULT_STATES = [InspectionState.RESULT_RECORDED, InspectionState.TOLD, InspectionState.PUBLISHED]


class InspectionTarget(models.Model):
    """One business in an agency's directory of inspection targets (检查对象名录库): the population a draw is
    made from. A business may be in several agencies' directories; within one it appears once (by its code)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="inspection_targets", verbose_name=_("名录库所属机关")
    )
    name = models.CharField(_("名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_credit_code])
    address = models.CharField(_("地址"), max_length=300)
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    risk_grade = models.CharField(_("风险等级"), max_length=1, choices=Grade.choices)
    credit_grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices)
    active = models.BooleanField(_("在库"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["agency__path", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "credit_code"], name="one_target_per_code_per_agency"),
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="target_domain_known"),
            models.CheckConstraint(
                condition=Q(risk_grade__in=Grade.values, credit_grade__in=Grade.values), name="target_grades_known"
            ),
        ]
        indexes = [models.Index(fields=["credit_code"], name="target_credit_code")]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class InspectorRelation(models.Model):
    """A recorded relation between an inspector and a business (kinship, former employment…): the draw never
    sends him there, and an inspection naming him is refused (回避)."""

    officer = models.ForeignKey(
        Officer, on_delete=models.PROTECT, related_name="inspection_relations", verbose_name=_("执法检查人员")
    )
    target = models.ForeignKey(
        InspectionTarget, on_delete=models.PROTECT, related_name="relations", verbose_name=_("检查对象")
    )
    kind = models.CharField(_("关系"), max_length=20, choices=RelationKind.choices)
    reason = models.CharField(_("说明"), max_length=500)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))
    recorded_by_name = models.CharField(_("登记人姓名"), max_length=150)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("执法检查人员回避关系")
        verbose_name_plural = _("执法检查人员回避关系")
        constraints = [
            models.UniqueConstraint(fields=["officer", "target", "kind"], name="one_relation_per_kind"),
            models.CheckConstraint(condition=~Q(reason=""), name="relation_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} — {self.target.name}：{self.get_kind_display()}"


class InspectionPlan(models.Model):
    """A yearly routine plan (年度日常检查计划) or a special plan (专项检查计划) of an agency: the body, the range of
    businesses, the items (only listed ones), the frequency and the period (海南条例 第十条、第十一条). Approved by
    the body's head before it starts (第十五条); a special plan also names the government's approval (第十条)."""

    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="inspection_plans", verbose_name=_("检查机关")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("计划类别"), max_length=10, choices=PlanKind.choices, default=PlanKind.ROUTINE)
    title = models.CharField(_("计划名称"), max_length=200)
    domains = models.JSONField(_("执法领域"), default=list)
    risk_grades = models.JSONField(_("风险等级范围"), default=list, blank=True)
    credit_grades = models.JSONField(_("信用等级范围"), default=list, blank=True)
    items = models.ManyToManyField(InspectionItem, related_name="plans", verbose_name=_("检查事项"))
    frequency = models.CharField(_("检查频次"), max_length=200)
    # Per risk grade, the share of the directory drawn, in percent ({"A": 3, "B": 5, ...}): read by the draw.
    ratios = models.JSONField(_("抽查比例"), default=dict, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    state = models.CharField(_("状态"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    approval_document = models.CharField(
        _("批准文件名称及文号"), max_length=200, blank=True, help_text=_("专项检查计划：本级人民政府的批准文件")
    )
    approval_body = models.CharField(_("批准的人民政府"), max_length=200, blank=True)
    approval_date = models.DateField(_("批准日期"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("批准人")
    )
    approved_by_name = models.CharField(_("批准人姓名"), max_length=150, blank=True)
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    late_approval_reason = models.CharField(_("事后补批理由"), max_length=500, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("制定人"))
    created_by_name = models.CharField(_("制定人姓名"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查计划")
        verbose_name_plural = _("检查计划")
        ordering = ["-year", "agency__path", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="plan_dates_ordered"),
            models.CheckConstraint(condition=Q(state__in=PlanState.values), name="plan_state_known"),
            models.CheckConstraint(condition=Q(kind__in=PlanKind.values), name="plan_kind_known"),
            models.CheckConstraint(
                condition=Q(state=PlanState.DRAFT) | (Q(approved_by__isnull=False) & Q(approved_on__isnull=False)),
                name="plan_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(kind=PlanKind.SPECIAL)
                | (~Q(approval_document="") & ~Q(approval_body="") & Q(approval_date__isnull=False)),
                name="special_plan_has_government_approval",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.title}"

    def domain_labels(self) -> list[str]:
        return [str(Domain(code).label) if code in Domain.values else code for code in self.domains]


class RandomInspection(models.Model):
    """One draw (双随机抽取) of a plan: its inputs (the plan, the frozen directory and inspector pool) hashed
    into the ledger before the seed exists, then the seed from a public value named in advance, then the result.
    Stored here; computed by the standalone draw package (zhifa_draw), so anyone can recompute it."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="draws", verbose_name=_("检查计划"))
    # Every plan of the draw, `plan` included: several agencies' plans drawn together (综合查一次).
    plans = models.ManyToManyField(InspectionPlan, related_name="joint_draws", verbose_name=_("参与抽取的计划"))
    number = models.PositiveSmallIntegerField(_("批次"))
    state = models.CharField(_("状态"), max_length=10, choices=DrawState.choices, default=DrawState.FROZEN)
    algorithm = models.CharField(_("抽取算法及版本"), max_length=50)
    inputs_sha256 = models.CharField(_("冻结输入SHA-256"), max_length=64)
    inputs_entry = models.PositiveBigIntegerField(_("记录冻结输入的账本条目序号"))
    frozen_at = models.DateTimeField(_("冻结时间"))
    frozen_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("冻结人"))
    seed_kind = models.CharField(_("种子来源"), max_length=20, choices=SeedKind.choices)
    # Named before the seed exists: e.g. "第一个晚于条目 1234 的检查点", a beacon's chain hash and round, the
    # witnesses and the time their numbers are taken (RFC 3797).
    seed_announced = models.CharField(_("事先公布的种子来源"), max_length=500)
    # The announcement as the published inputs carry it (zhifa_draw's `seed` object): what the seed is checked against.
    announcement = models.JSONField(_("种子来源公告"), default=dict)
    seed_value = models.TextField(_("种子值"), max_length=2000, blank=True)
    seeded_at = models.DateTimeField(_("种子确定时间"), null=True, blank=True)
    result = models.JSONField(_("抽取结果"), default=list, blank=True)
    result_sha256 = models.CharField(_("结果SHA-256"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    # Drawn businesses for which no inspection was made, each with why (no full team, a rule refused it): shown
    # on the draw's page, never dropped silently.
    shortfalls = models.JSONField(_("未能安排检查的抽中企业"), default=list, blank=True)

    class Meta:
        verbose_name = _("双随机抽取")
        verbose_name_plural = _("双随机抽取")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_draw_number_per_plan"),
            models.CheckConstraint(condition=Q(seed_kind__in=SeedKind.values), name="draw_seed_kind_known"),
            models.CheckConstraint(
                condition=Q(state=DrawState.FROZEN) | (~Q(seed_value="") & Q(seeded_at__isnull=False)),
                name="draw_seeded_has_seed",
            ),
            models.CheckConstraint(
                condition=~Q(state=DrawState.DRAWN) | (~Q(result_sha256="") & Q(drawn_at__isnull=False)),
                name="draw_drawn_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} 第{self.number}批抽取"


class Inspection(models.Model):
    """One administrative inspection of one business (涉企行政检查): body, business, source and reason, items
    (listed only), at least two certified officers, the planned day. Over-cap for-cause inspections pass but
    are flagged (`over_cap`, with the cap and its source in `cap_note`)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查机关"))
    target = models.ForeignKey(
        InspectionTarget, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查对象")
    )
    source = models.CharField(_("任务来源"), max_length=10, choices=Source.choices)
    cause = models.CharField(_("检查事由类别"), max_length=20, choices=Cause.choices, blank=True)
    reason = models.TextField(_("检查事由"), max_length=2000)
    plan = models.ForeignKey(
        InspectionPlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("检查计划"),
    )
    draw = models.ForeignKey(
        RandomInspection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("抽取批次"),
    )
    items = models.ManyToManyField(InspectionItem, related_name="inspections", verbose_name=_("检查事项"))
    officers = models.ManyToManyField(Officer, related_name="inspections", verbose_name=_("执法检查人员"))
    planned_on = models.DateField(_("计划检查日期"))
    state = models.CharField(_("状态"), max_length=20, choices=InspectionState.choices, default=InspectionState.PLANNED)
    off_site = models.BooleanField(_("非现场检查"), default=False)
    # The inspection code (检查码, 海南条例 第十六条): an unguessable token made before an on-site visit; its QR code
    # points to the public page that answers from this record. The business scans it at the door (扫码入企).
    code_token = models.CharField(_("检查码"), max_length=64, blank=True)
    code_issued_at = models.DateTimeField(_("检查码生成时间"), null=True, blank=True)
    code_issued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("检查码生成人")
    )
    code_issued_by_name = models.CharField(_("检查码生成人姓名"), max_length=150, blank=True)
    code_scanned_at = models.DateTimeField(_("企业扫码确认时间"), null=True, blank=True)
    over_cap = models.BooleanField(_("超过频次上限"), default=False)
    cap_note = models.CharField(_("适用的频次上限"), max_length=500, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人"))
    created_by_name = models.CharField(_("登记人姓名"), max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    # The off-site review (非现场检查, 海南条例 第十六条): how, and what was reviewed.
    review_method = models.CharField(_("非现场检查方式"), max_length=20, choices=ReviewMethod.choices, blank=True)
    review_note = models.TextField(_("核查情况"), max_length=5000, blank=True)
    reviewed_at = models.DateTimeField(_("非现场检查记录时间"), null=True, blank=True)
    # The on-site record (现场检查笔录): when, who of the business was present, what was found, what they said.
    visit_started_at = models.DateTimeField(_("现场检查开始时间"), null=True, blank=True)
    visit_ended_at = models.DateTimeField(_("现场检查结束时间"), null=True, blank=True)
    site_present = models.CharField(_("企业在场人员"), max_length=200, blank=True)
    site_record = models.TextField(_("现场检查情况"), max_length=10000, blank=True)
    business_statement = models.TextField(_("企业陈述、申辩或异议"), max_length=5000, blank=True)
    # The photos and videos of the visit: [[sha256, name], …], the files of the ledger entry that recorded it.
    site_files = models.JSONField(_("现场照片和录像"), default=list, blank=True)
    recorded_at = models.DateTimeField(_("现场检查笔录记录时间"), null=True, blank=True)
    # The result (检查结果), told within 5 working days and published within 20 (RULES.md; the dues are fixed
    # when the result is recorded, from `periods.PERIODS`).
    outcome = models.CharField(_("检查结果"), max_length=20, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("检查发现"), max_length=5000, blank=True)
    result_on = models.DateField(_("检查结果作出日期"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("登记的案源")
    )
    tell_due = models.DateField(_("告知期限"), null=True, blank=True)
    told_at = models.DateTimeField(_("告知时间"), null=True, blank=True)
    told_how = models.CharField(_("告知方式"), max_length=20, choices=ToldHow.choices, blank=True)
    publish_due = models.DateField(_("公开期限"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("涉企行政检查")
        verbose_name_plural = _("涉企行政检查")
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=Source.values), name="inspection_source_known"),
            models.CheckConstraint(condition=~Q(reason=""), name="inspection_has_reason"),
            models.CheckConstraint(
                condition=(Q(source=Source.FOR_CAUSE) & Q(cause__in=Cause.values))
                | (~Q(source=Source.FOR_CAUSE) & Q(cause="") & Q(plan__isnull=False)),
                name="inspection_source_has_cause_or_plan",
            ),
            models.CheckConstraint(condition=Q(state__in=InspectionState.values), name="inspection_state_known"),
            models.UniqueConstraint(fields=["code_token"], condition=~Q(code_token=""), name="one_inspection_per_code"),
            # A code only for an on-site visit, and never without its time; a check-in only with a code.
            models.CheckConstraint(
                condition=Q(code_token="", code_issued_at__isnull=True)
                | (~Q(code_token="") & Q(code_issued_at__isnull=False, off_site=False)),
                name="inspection_code_on_site_only",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[InspectionState.CODE_ISSUED, InspectionState.ON_SITE]) | ~Q(code_token=""),
                name="inspection_code_issued_has_code",
            ),
            models.CheckConstraint(
                condition=Q(code_scanned_at__isnull=True) | ~Q(code_token=""), name="inspection_scan_has_code"
            ),
            models.CheckConstraint(
                condition=~Q(state=InspectionState.ON_SITE) | Q(code_scanned_at__isnull=False),
                name="inspection_on_site_was_scanned",
            ),
            # The result's steps in order: an outcome with its day and dues; told after; published after told.
            models.CheckConstraint(
                condition=Q(outcome="", result_on__isnull=True)
                | (Q(outcome__in=Outcome.values) & Q(result_on__isnull=False, tell_due__isnull=False))
                & Q(publish_due__isnull=False),
                name="inspection_outcome_has_dues",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=RESULT_STATES) | ~Q(outcome=""),
                name="inspection_result_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(told_at__isnull=True) | (~Q(outcome="") & ~Q(told_how="")),
                name="inspection_told_after_result",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(told_at__isnull=False),
                name="inspection_published_after_told",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=Outcome.CASE_OPENED) | Q(case__isnull=False),
                name="inspection_case_opened_has_case",
            ),
        ]
        indexes = [
            models.Index(fields=["target", "planned_on"], name="inspection_target_day"),
            models.Index(fields=["agency", "state"], name="inspection_agency_state"),
        ]

    def __str__(self) -> str:
        return f"{self.planned_on} {self.target.name}（{self.get_source_display()}）"


class InspectionAct(models.Model):
    """A record made during an on-site visit besides the visit's own: an inquiry, a sampling, a survey (询问笔录、
    抽样记录、勘验笔录 of the 2025 standard documents), with its files; each issues its numbered document."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="acts")
    kind = models.CharField(_("类别"), max_length=20, choices=ActKind.choices)
    person = models.CharField(_("被询问人或见证人"), max_length=200, blank=True)
    text = models.TextField(_("记录内容"), max_length=10000)
    files = models.JSONField(_("照片和录像"), default=list, blank=True)
    at = models.DateTimeField(_("记录时间"))
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField(_("记录人"), max_length=150)

    class Meta:
        verbose_name = _("现场检查记录")
        verbose_name_plural = _("现场检查记录")
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=ActKind.values), name="inspection_act_kind_known")]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class InspectionDocument(models.Model):
    """A numbered document of an inspection (the seven of 司法部《行政检查文书基本格式文本（试行）》), as issued:
    its number, the SHA-256 of its PDF in the evidence store, the ledger entry that recorded its issue."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="documents")
    act = models.ForeignKey(InspectionAct, on_delete=models.PROTECT, null=True, blank=True, related_name="documents")
    kind = models.CharField(_("文书种类"), max_length=30)
    number = models.CharField(_("文号"), max_length=100, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("制作时间"))
    issued_by_name = models.CharField(_("制作人"), max_length=150)
    entry_index = models.BigIntegerField(_("账本记录序号"))

    class Meta:
        verbose_name = _("行政检查文书")
        verbose_name_plural = _("行政检查文书")
        ordering = ["issued_at", "pk"]

    def __str__(self) -> str:
        return self.number


class InspectionObjection(models.Model):
    """An objection to an inspection's result or a complaint about the inspection, filed by the business from its
    inspection code (the code's token is its key; no login). An objection goes to the inspecting body, a
    complaint to its supervisor; each is answered within `periods.PERIODS["objection_answer"]`."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="objections")
    kind = models.CharField(_("类别"), max_length=20, choices=ObjectionKind.choices)
    text = models.TextField(_("事实和理由"), max_length=3000)
    contact = models.CharField(_("联系人及电话"), max_length=100, blank=True)
    filed_at = models.DateTimeField(_("提交时间"))
    answer_due = models.DateField(_("答复期限"))
    answer = models.TextField(_("答复内容"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_by_name = models.CharField(_("答复人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("企业异议和投诉")
        verbose_name_plural = _("企业异议和投诉")
        ordering = ["filed_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ObjectionKind.values), name="inspection_objection_kind_known"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, answer="") | (Q(answered_at__isnull=False) & ~Q(answer="")),
                name="inspection_objection_answered_with_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.get_kind_display()}"
