"""Publication of enforcement decisions (事后公开): what was published, when, redacted how, and how it ended.

A decision waiting for publication has no row: it is a decision act of a case (selectors.pending) whose due date
the calendar gives. A row is made when the decision is published or, for a lawful exception, withheld; it keeps
what the public reads — redacted when it was published — so that later edits to the case never change a
published record. Withdrawal and credit repair end its display; the row stays, with why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.cases.models import Case, CaseDocument
from zhifa.core.models import Agency
from zhifa.publicity.choices import (
    CreditClass,
    DecisionClass,
    PublicationState,
    RepairState,
    RevokedBy,
    WithdrawalReason,
    WithholdReason,
)


class Publication(models.Model):
    """One enforcement decision's publication: published (redacted), or withheld with its lawful reason."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="publications", verbose_name=_("案件"))
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("行政执法机关"))
    # The ledger entry of the decision act (decide, decide_no_penalty, decide_on_the_spot): one publication each.
    decision_entry = models.BigIntegerField(_("决定行为的记录序号"), unique=True)
    decision_class = models.CharField(_("决定类别"), max_length=20, choices=DecisionClass.choices)
    decided_on = models.DateField(_("决定日期"))
    due_on = models.DateField(_("应公开日期"))
    due_provisional = models.BooleanField(_("应公开日期待节假日数据确认"), default=False)
    state = models.CharField(_("状态"), max_length=20, choices=PublicationState.choices, db_index=True)
    # What the public reads, as published (the party masked when a person).
    number = models.CharField(_("决定书文号"), max_length=60, blank=True)
    party_kind = models.CharField(_("当事人类型"), max_length=20)
    party = models.CharField(_("当事人"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    violation = models.CharField(_("违法行为"), max_length=200, blank=True)
    violation_code = models.CharField(_("违法行为编码"), max_length=40, blank=True)
    provisions = models.TextField(_("违反的规定和处罚依据"), blank=True)
    facts = models.TextField(_("主要违法事实"), blank=True)
    outcome = models.TextField(_("处罚内容或处理结果"), blank=True)
    fine = models.DecimalField(_("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    confiscated = models.DecimalField(_("没收金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    document = models.ForeignKey(
        CaseDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("决定书")
    )
    published_sha256 = models.CharField(_("公开版决定书 SHA-256"), max_length=64, blank=True)
    # The terms the officer confirmed masked: [{"text", "kind", "mask"}]; the texts never reach a public page.
    redactions = models.JSONField(_("已确认的脱敏项"), default=list, blank=True)
    # Segmented words of the published text (jieba), searched by the database's full-text index (search.py).
    search_text = models.TextField(blank=True)
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    credit_class = models.CharField(_("失信信息类别"), max_length=20, choices=CreditClass.choices, blank=True)
    repairable_from = models.DateField(_("可申请信用修复日期"), null=True, blank=True)
    display_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    withheld_reason = models.CharField(_("不予公开的理由"), max_length=20, choices=WithholdReason.choices, blank=True)
    withheld_note = models.TextField(_("不予公开的说明"), blank=True)
    revoked_on = models.DateField(_("决定被撤销、变更或确认违法的日期"), null=True, blank=True)
    revoked_by = models.CharField(_("撤销、变更或确认违法的机关"), max_length=20, choices=RevokedBy.choices, blank=True)
    withdrawal_reason = models.CharField(_("撤回原因"), max_length=20, choices=WithdrawalReason.choices, blank=True)
    withdrawal_notice = models.TextField(_("撤回说明"), blank=True)
    withdrawal_due = models.DateField(_("应撤回日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    repaired_on = models.DateField(_("信用修复日期"), null=True, blank=True)
    entry_index = models.BigIntegerField(_("最近一次变更的记录序号"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("执法决定公开")
        verbose_name_plural = _("执法决定公开")
        ordering = ["-decided_on", "-pk"]
        indexes = [
            models.Index(fields=["state", "-decided_on", "-id"], name="publicity_listing"),
            models.Index(fields=["agency", "state", "-decided_on"], name="publicity_by_agency"),
            # The public check page looks a document up by it (a scan of 6×10⁵ publications took 80 ms). An index
            # of Meta, not db_index: altering the field would rebuild the table on SQLite and drop the triggers
            # that keep the search index (migration 0002) in step.
            models.Index(fields=["published_sha256"], name="publicity_published_sha256"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=PublicationState.values), name="publicity_state_known"),
            models.CheckConstraint(
                condition=~Q(state="published") | (~Q(published_on=None) & ~Q(display_until=None)),
                name="publicity_published_dated",
            ),
            models.CheckConstraint(
                condition=~Q(state="withheld") | ~Q(withheld_reason=""), name="publicity_withheld_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(state="withdrawn") | (~Q(withdrawal_reason="") & ~Q(withdrawn_on=None)),
                name="publicity_withdrawn_has_reason",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("decided_on")), name="publicity_due_after"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self.case_id}:{self.decision_entry}"


class CreditRepair(models.Model):
    """An application to end the display of a published penalty early (信用修复), and its answer.

    The body that made the finding repairs it (谁认定、谁修复): the application goes to the publication's agency.
    """

    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="repairs")
    number = models.CharField(_("申请编号"), max_length=20, unique=True)
    # The applicant's secret for the tracking page (salted hash; the code is shown to him once).
    code_hash = models.CharField(max_length=128)
    applicant = models.CharField(_("申请人"), max_length=200)
    contact = models.CharField(_("联系电话"), max_length=20)
    statement = models.TextField(_("履行情况和修复理由"))
    state = models.CharField(_("状态"), max_length=20, choices=RepairState.choices, default=RepairState.SUBMITTED)
    submitted_on = models.DateField(_("申请日期"))
    due_on = models.DateField(_("应答复日期"))
    answered_on = models.DateField(_("答复日期"), null=True, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entry_index = models.BigIntegerField(_("最近一次变更的记录序号"))

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=RepairState.values), name="publicity_repair_state_known"),
            models.CheckConstraint(
                condition=Q(state="submitted") | ~Q(answered_on=None), name="publicity_repair_answered_dated"
            ),
        ]

    def __str__(self) -> str:
        return self.number
