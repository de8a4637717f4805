"""Enforcement cases (行政处罚案件), their parties and the officers assigned to them.

A case's state changes only through cases/services.py, which follows the workflow table (workflow.py)
and records every change in the ledger in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.cases.choices import LeadSource, PartyKind, PenaltyKind, Procedure
from zhifa.cases.workflow import CASE_STATES
from zhifa.core.choices import Domain
from zhifa.core.models import Agency
from zhifa.core.validators import validate_credit_code, validate_resident_id
from zhifa.documents.choices import DocumentKind
from zhifa.documents.numbering import DocumentNumber
from zhifa.laws.choices import Tier
from zhifa.personnel.models import Officer


class Party(models.Model):
    """当事人: the citizen or organisation a case is about. May be unknown when a lead is registered."""

    kind = models.CharField(_("当事人类型"), max_length=20, choices=PartyKind.choices)
    name = models.CharField(_("姓名或名称"), max_length=200)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True, validators=[validate_resident_id])
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code])
    representative = models.CharField(_("法定代表人或负责人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("住所或地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == PartyKind.CITIZEN and self.credit_code:
            raise ValidationError({"credit_code": _("公民当事人不填写统一社会信用代码")})
        if self.kind == PartyKind.ORGANISATION and self.id_number:
            raise ValidationError({"id_number": _("单位当事人请填写统一社会信用代码，不填写身份证号")})


class Case(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases", verbose_name=_("办案机关"))
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    procedure = models.CharField(_("程序"), max_length=10, choices=Procedure.choices, default=Procedure.ORDINARY)
    state = models.CharField(_("状态"), max_length=20, choices=CASE_STATES, db_index=True)
    title = models.CharField(_("案由"), max_length=200)
    lead_source = models.CharField(_("案源"), max_length=20, choices=LeadSource.choices)
    lead_summary = models.TextField(_("案源情况"))
    received_on = models.DateField(_("发现或受理日期"))
    act_ended_on = models.DateField(
        _("违法行为终了日期"), null=True, blank=True, help_text=_("连续或者继续状态的，为行为终了之日；不清楚的留空")
    )
    # The consequence that lengthens the limitation period under the rule in force for the act (rules.PRESCRIPTIONS).
    grave_harm = models.BooleanField(
        _("有延长追责时效的危害后果"),
        default=False,
        help_text=_(
            "追责时效为五年：行政处罚法 第三十六条；生态环境案件自2026年8月15日起为生态环境法典 第一千零五十四条"
        ),
    )
    filed_on = models.DateField(_("立案日期"), null=True, blank=True)
    outcome_reason = models.TextField(_("不予立案、终止或不予处罚的理由"), blank=True)
    # The investigation report's findings and the proposed penalty; the decision may lower, never raise it.
    facts_found = models.TextField(_("违法事实"), blank=True)
    # 行政处罚法 第五十九条: the decision names the provision violated and the provision of the penalty apart.
    legal_basis = models.TextField(_("违反的法律规定"), blank=True)
    penalty_basis = models.TextField(_("处罚依据"), blank=True)
    discretion_reasons = models.TextField(_("裁量说理"), blank=True)
    # The violation found and the penalty rule that judges it (从旧兼从轻, laws/lex_mitior.py), the benchmark tier
    # applied and the circumstances chosen (laws/assistant.py); a penalty outside the proposal states why.
    violation = models.ForeignKey(
        "laws.Violation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("违法行为"),
    )
    violation_rule = models.ForeignKey(
        "laws.ViolationRule", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    benchmark = models.ForeignKey(
        "laws.DiscretionBenchmark", on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    tier = models.CharField(_("裁量档次"), max_length=20, blank=True, choices=Tier.choices)
    circumstances = models.JSONField(_("裁量情节"), default=list, blank=True)
    # What a fine set as a multiple is of (the value of the trees felled…), in yuan, as the report found it.
    fine_base = models.DecimalField(_("倍数罚的基数（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    departure_reason = models.TextField(_("偏离裁量建议的理由"), blank=True)
    penalty_kinds = models.JSONField(_("处罚种类"), default=list, blank=True)
    penalty_text = models.TextField(_("处罚内容"), blank=True)
    fine = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    proposed_fine = models.DecimalField(
        _("告知的拟罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # 没收违法所得、没收非法财物: the value counts on its own towards the hearing right (行政处罚法 第六十三条).
    confiscated = models.DecimalField(
        _("没收违法所得和非法财物的价值（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    proposed_confiscated = models.DecimalField(
        _("告知的拟没收价值（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    major = models.BooleanField(_("重大执法决定，须法制审核"), default=False)
    collective = models.BooleanField(_("情节复杂或重大，须集体讨论"), default=False)
    hearing_right = models.BooleanField(_("当事人有权要求听证"), default=False)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    served_on = models.DateField(_("送达日期"), null=True, blank=True)
    paid = models.DecimalField(_("已缴纳金额（元）"), max_digits=12, decimal_places=2, default=0)
    late_fee_paid = models.DecimalField(_("已缴纳加处罚款（元）"), max_digits=12, decimal_places=2, default=0)
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    parties = models.ManyToManyField(Party, related_name="cases", blank=True, verbose_name=_("当事人"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-received_on", "-pk"]
        # The supervision overview counts a year's cases by agency and month at each stage (supervision/overview.py):
        # each count reads one of these (date, agency) indexes alone, not the table (bench/supervision_bench.py).
        indexes = [
            models.Index(fields=["received_on", "agency"], name="case_received_agency"),
            models.Index(fields=["filed_on", "agency"], name="case_filed_agency"),
            models.Index(fields=["decided_on", "agency", "filed_on"], name="case_decided_agency"),
            models.Index(fields=["closed_on", "agency"], name="case_closed_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_state_display()}）"


class CaseOfficerQuerySet(models.QuerySet["CaseOfficer"]):
    def active(self) -> CaseOfficerQuerySet:
        """Those on the team now: assigned, and not stepped aside (行政处罚法 第四十三条)."""
        return self.filter(recused_on__isnull=True)


class CaseOfficer(models.Model):
    """An officer assigned to a case, with the declaration that no ground for recusal applies (回避)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assignments")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="case_assignments")
    is_lead = models.BooleanField(_("主办人"), default=False)
    declared_no_conflict_on = models.DateField(_("回避声明日期"))
    # Set when the agency head grants a recusal (行政处罚法 第四十三条): the row stays, as the case file does.
    recused_on = models.DateField(_("回避日期"), null=True, blank=True)

    objects = CaseOfficerQuerySet.as_manager()

    class Meta:
        verbose_name = _("承办人员")
        verbose_name_plural = _("承办人员")
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="case_officer_once")]

    def __str__(self) -> str:
        return f"{self.officer} @ {self.case_id}"


class CaseRecord(models.Model):
    """One act in a case that leaves a record: evidence, a transcript, a seizure, a statement, a service…

    Written only by cases/services.py, in the transaction that records the act's ledger entry; the
    entry's facts carry the same content, so the case can be rebuilt from the ledger.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="records")
    action = models.CharField(_("行为"), max_length=40)
    on_date = models.DateField(_("日期"))
    officers = models.JSONField(_("在场执法人员"), default=list, blank=True)
    summary = models.TextField(_("内容摘要"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    files = models.JSONField(_("证据文件"), default=list, blank=True)
    entry_index = models.BigIntegerField(_("全过程记录序号"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("办案记录")
        verbose_name_plural = _("办案记录")
        ordering = ["entry_index"]
        # The desk's conditions ask "the cases with a record of this act" (a recusal asked, a hearing held): from
        # the index, not a scan of every record (bench/load/profile_requests.py).
        indexes = [models.Index(fields=["action", "case"], name="caserecord_action_case")]

    def __str__(self) -> str:
        return f"{self.action} {self.on_date}"


class CaseDeadline(models.Model):
    """A period running in a case (cases.rules.PERIODS): when it started, its last day, when it stopped."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="deadlines")
    # The case's agency, copied when the period starts (save): the supervisor's overview counts running periods by
    # agency from one index, without reading the case of each (bench/supervision_bench.py).
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("执法机关")
    )
    period = models.CharField(_("期限"), max_length=40)
    started_on = models.DateField(_("起算日"))
    due_on = models.DateField(_("届满日"))
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("届满日所在年份的节假日安排尚未载入，按周末推算")
    )
    stopped_on = models.DateField(_("终止日"), null=True, blank=True)
    stopped_by = models.CharField(max_length=40, blank=True)
    # A sector period's length and the rule that set it, from the agency's settings when the period started
    # (None / blank: the default in cases.rules.PERIODS), so that a provisional due date is recomputed alike.
    amount = models.PositiveSmallIntegerField(_("期限长度"), null=True, blank=True)
    source = models.CharField(_("期限依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("办案期限")
        verbose_name_plural = _("办案期限")
        ordering = ["due_on", "pk"]
        # The running periods by their last day: what is passed or near (the desk, the supervisor's overview).
        indexes = [
            models.Index(
                fields=["due_on", "agency", "case"], condition=Q(stopped_on__isnull=True), name="deadline_running_due"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} → {self.due_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.agency_id is None:
            self.agency_id = self.case.agency_id
        super().save(*args, **kwargs)


class CaseDocument(models.Model):
    """An issued document (执法文书): its number, the PDF's SHA-256 in the evidence store, and two ledger
    entries — the act it documents (whose hash it carries) and its own issue (which names the PDF)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("文书种类"), max_length=40, choices=DocumentKind.choices)
    number = models.CharField(_("文书编号"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    documents_entry = models.BigIntegerField(_("所记载行为的记录序号"))
    entry_index = models.BigIntegerField(_("制作文书的记录序号"))
    issued_on = models.DateField(_("制作日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The printed document signed by the party or witnesses, scanned (SHA-256s) and its `document.sign` entry.
    signed_files = models.JSONField(_("签字件"), default=list, blank=True)
    signed_entry = models.BigIntegerField(_("上传签字件的记录序号"), null=True, blank=True)

    class Meta:
        verbose_name = _("执法文书")
        verbose_name_plural = _("执法文书")
        ordering = ["entry_index"]
        # One document of a kind per act: a case has one decision, but as many transcripts as interviews.
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "documents_entry"], name="one_document_per_kind_and_act")
        ]

    def __str__(self) -> str:
        return self.number

    def document_number(self) -> DocumentNumber:
        return DocumentNumber(
            agency_code=self.case.agency.short_name.strip(),
            kind=DocumentKind(self.kind),
            year=self.year,
            serial=self.serial,
        )


def _days(label: Any) -> models.PositiveSmallIntegerField[int | None, int | None]:
    return models.PositiveSmallIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )


class CaseSettings(models.Model):
    """An agency's settings for its penalty cases (办案设置): what its documents print, and the sector's
    numbers that the law leaves to others. A blank field is inherited from the agency above, and at the
    top from the defaults (cases/agency_settings.py); changes are recorded in the ledger."""

    agency = models.OneToOneField(
        Agency, on_delete=models.PROTECT, primary_key=True, related_name="case_settings", verbose_name=_("机关")
    )
    reconsideration_body = models.CharField(
        _("行政复议机关"), max_length=100, blank=True, help_text=_("印在处罚决定书的救济途径中，如：大青山市人民政府")
    )
    court = models.CharField(
        _("行政诉讼管辖法院"), max_length=100, blank=True, help_text=_("如：大青山市青山区人民法院")
    )
    payment_bank = models.CharField(_("代收罚款银行"), max_length=100, blank=True, help_text=_("罚缴分离的指定银行"))
    payment_account = models.CharField(
        _("缴款方式"), max_length=200, blank=True, help_text=_("收款账户，或非税收入缴款码的说明")
    )
    contact = models.CharField(_("联系地址和电话"), max_length=200, blank=True, help_text=_("印在告知书、听证通知书上"))
    large_amount_citizen = models.DecimalField(
        _("听证“较大数额”：公民（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    large_amount_organisation = models.DecimalField(
        _("听证“较大数额”：法人或者其他组织（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    large_amount_source = models.CharField(
        _("“较大数额”的依据"),
        max_length=200,
        blank=True,
        help_text=_("规定数额的部门规章或地方规定（行政处罚法 第六十三条）"),
    )
    large_confiscation_citizen = models.DecimalField(
        _("没收“较大数额”：公民（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("规定对没收另有数额的填写；留空的，没收与罚款适用同一“较大数额”"),
    )
    large_confiscation_organisation = models.DecimalField(
        _("没收“较大数额”：法人或者其他组织（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Penalty kinds a provincial or local rule adds to those that open the hearing (第六十三条第一款第六项); they
    # add to the law's list and to the sector's shipped one (cases.rules.SECTOR_HEARING_KINDS), never narrow them.
    hearing_kinds = models.JSONField(_("另行规定应当告知听证的处罚种类"), default=list, blank=True)
    hearing_kinds_source = models.CharField(
        _("上述种类的依据"), max_length=200, blank=True, help_text=_("规定听证范围的法规、规章或地方规定")
    )
    # The periods the law leaves to sector rules (cases.rules.SECTOR_PERIODS); units are fixed there.
    lead_check_days = _days(_("核查案源、决定是否立案（工作日）"))
    statement_days = _days(_("陈述、申辩期限（工作日）"))
    decision_extension_days = _days(_("延长办案期限（日）"))
    summary_report_days = _days(_("当场处罚决定备案期限（工作日）"))
    legal_review_days = _days(_("法制审核期限（工作日）"))
    major_filing_days = _days(_("重大行政处罚决定备案期限（日）"))
    periods_source = models.CharField(
        _("期限的依据"), max_length=200, blank=True, help_text=_("规定上述期限的部门规章或地方规定")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("办案设置")
        verbose_name_plural = _("办案设置")

    def __str__(self) -> str:
        return f"{self.agency} 办案设置"

    def clean(self) -> None:
        citizen, organisation = self.large_amount_citizen, self.large_amount_organisation
        for name, value in (("large_amount_citizen", citizen), ("large_amount_organisation", organisation)):
            if value is not None and value <= 0:
                raise ValidationError({name: _("“较大数额”应大于零")})
        if (citizen is None) != (organisation is None):
            raise ValidationError({"large_amount_organisation": _("公民和单位的“较大数额”应同时填写或同时留空")})
        confiscation = (self.large_confiscation_citizen, self.large_confiscation_organisation)
        for name in ("large_confiscation_citizen", "large_confiscation_organisation"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValidationError({name: _("“较大数额”应大于零")})
        if (confiscation[0] is None) != (confiscation[1] is None):
            raise ValidationError(
                {"large_confiscation_organisation": _("公民和单位的没收“较大数额”应同时填写或同时留空")}
            )
        if (citizen is not None or confiscation[0] is not None) and not self.large_amount_source.strip():
            raise ValidationError({"large_amount_source": _("请填写规定“较大数额”的依据")})
        if self.hearing_kinds and not self.hearing_kinds_source.strip():
            raise ValidationError({"hearing_kinds_source": _("请填写规定听证范围的依据")})
        periods = (
            self.lead_check_days,
            self.statement_days,
            self.decision_extension_days,
            self.summary_report_days,
            self.legal_review_days,
            self.major_filing_days,
        )
        if any(days is not None for days in periods) and not self.periods_source.strip():
            raise ValidationError({"periods_source": _("请填写规定期限的依据")})


class MajorCatalog(models.Model):
    """One version of an agency's catalog of major enforcement decisions (重大执法决定法制审核目录): from its
    effective date, the decisions that need the legal review before they are made (行政处罚法 第五十八条;
    国办发〔2018〕118号). Versions are added, never edited; an agency without its own follows the nearest agency
    above, and without any the law's own list applies (cases/major.py)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="major_catalogs", verbose_name=_("机关"))
    effective_from = models.DateField(_("施行日期"))
    source = models.CharField(_("目录依据"), max_length=200, help_text=_("印发目录的文件名称和文号"))
    fine_citizen = models.DecimalField(
        _("罚款数额：公民（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fine_organisation = models.DecimalField(
        _("罚款数额：法人或者其他组织（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    confiscation_citizen = models.DecimalField(
        _("没收数额：公民（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    confiscation_organisation = models.DecimalField(
        _("没收数额：法人或者其他组织（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    inclusive = models.BooleanField(_("数额含本数"), default=True, help_text=_("目录写“以上”的含本数；写“超过”的不含"))
    penalty_kinds = models.JSONField(_("列入目录的处罚种类"), default=list, blank=True)
    after_hearing = models.BooleanField(_("经过听证程序的"), default=True)
    # 国办发〔2022〕27号: a penalty outside the discretion benchmark (减轻 below the floor, or not following it).
    outside_benchmark = models.BooleanField(_("不按裁量基准处罚或者减轻处罚的"), default=False)
    # Conditions the agency adds that only the facts of a case can tell (承办人员认定), one per line.
    other_clauses = models.JSONField(_("其他情形"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("重大执法决定法制审核目录")
        verbose_name_plural = _("重大执法决定法制审核目录")
        ordering = ["agency", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["agency", "effective_from"], name="one_catalog_version_per_day")]

    def __str__(self) -> str:
        return f"{self.agency} 重大执法决定法制审核目录（{self.effective_from} 起）"

    @property
    def penalty_kind_labels(self) -> list[str]:
        labels = dict(PenaltyKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.penalty_kinds]

    def clean(self) -> None:
        pairs = (("fine_citizen", "fine_organisation"), ("confiscation_citizen", "confiscation_organisation"))
        for citizen, organisation in pairs:
            for name in (citizen, organisation):
                value = getattr(self, name)
                if value is not None and value <= 0:
                    raise ValidationError({name: _("数额应大于零")})
            if (getattr(self, citizen) is None) != (getattr(self, organisation) is None):
                raise ValidationError({organisation: _("公民和单位的数额应同时填写或同时留空")})
        if not self.source.strip():
            raise ValidationError({"source": _("请填写目录的依据")})
