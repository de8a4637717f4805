"""Complaints and reports from the public (投诉举报), their steps, agencies' periods, and used human checks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhifa.complaints.choices import ComplaintKind, ComplaintState, NotInspectReason, StepKind
from zhifa.core.choices import Domain


class Complaint(models.Model):
    """One complaint or report, as filed on the public form and handled by one agency at a time.

    The complainant's identity (name, phone, ID number) lives only on this row: it is shown only to staff of
    the handling agency who handle complaints (selectors.may_see_identity), never on a case, a document, a
    public page or in the ledger, which records a salted digest of it instead (services.identity_digest).
    """

    number = models.CharField(_("投诉举报编号"), max_length=20, unique=True)
    # The query code given once to the complainant, stored as a password is (django's hashers).
    code_hash = models.CharField(max_length=256)
    kind = models.CharField(_("类别"), max_length=10, choices=ComplaintKind.choices)
    domain = models.CharField(_("执法领域"), max_length=20, choices=Domain.choices)
    area = models.CharField(_("发生地"), max_length=100, blank=True)
    addressed_to = models.ForeignKey(
        "core.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("投诉举报人选择的机关"),
    )
    handling_agency = models.ForeignKey(
        "core.Agency", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("办理机关")
    )
    subject = models.CharField(_("被投诉举报对象"), max_length=200)
    facts = models.TextField(_("事实和理由"))
    anonymous = models.BooleanField(_("匿名举报"), default=False)
    complainant_name = models.CharField(_("投诉举报人姓名"), max_length=50, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    complainant_id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    identity_salt = models.BinaryField(max_length=16)
    # Keyed digests (HMAC with the site's secret) of the client's address and the phone, for the rate limits.
    client_digest = models.CharField(max_length=64, db_index=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    state = models.CharField(_("状态"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.RECEIVED)
    filed_at = models.DateTimeField(_("提交时间"), db_index=True)
    received_on = models.DateField(_("收到日期"))
    # The day the current handling agency received it: a re-routed complaint's periods start again there.
    routed_on = models.DateField(_("办理机关收到日期"))
    accept_due = models.DateField(_("受理期限"), null=True, blank=True)
    notice_due = models.DateField(_("不予检查告知期限"), null=True, blank=True)
    answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    # A due date crossed a year without holiday data (core/workdays.py): it is shown as provisional.
    due_provisional = models.BooleanField(default=False)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    refuse_reason = models.TextField(_("不予受理理由"), blank=True)
    not_inspect_reason = models.CharField(
        _("不予检查理由"), max_length=20, choices=NotInspectReason.choices, blank=True
    )
    notice = models.TextField(_("告知内容"), blank=True)
    answer = models.TextField(_("答复内容"), blank=True)
    transferred_to = models.CharField(_("移送机关"), max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("转为案源"),
    )

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ComplaintState.values), name="complaint_state_known"),
            models.CheckConstraint(condition=Q(kind__in=ComplaintKind.values), name="complaint_kind_known"),
            # A complaint defends the complainant's own rights: only a report may be anonymous.
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(kind=ComplaintKind.REPORT), name="complaint_only_reports_anonymous"
            ),
            models.CheckConstraint(
                condition=Q(anonymous=True) | (~Q(complainant_name="") & ~Q(complainant_phone="")),
                name="complaint_named_has_contact",
            ),
            models.CheckConstraint(
                condition=~Q(state=ComplaintState.LEAD_OPENED) | Q(case__isnull=False),
                name="complaint_lead_has_case",
            ),
            models.CheckConstraint(
                condition=~Q(state=ComplaintState.NOT_INSPECTED) | ~Q(not_inspect_reason=""),
                name="complaint_not_inspected_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=ComplaintState.NOT_ACCEPTED) | ~Q(refuse_reason=""),
                name="complaint_refused_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state=ComplaintState.ANSWERED) | ~Q(answer=""), name="complaint_answered_has_answer"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class ComplaintStep(models.Model):
    """One step of a complaint's handling, for its page and the complainant's tracking page (dates only there)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="steps")
    kind = models.CharField(_("事项"), max_length=20, choices=StepKind.choices)
    on_date = models.DateField(_("日期"))
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Staff's note (a re-routing's reason); never shown on the tracking page.
    note = models.TextField(_("说明"), blank=True)
    entry_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("投诉举报办理记录")
        verbose_name_plural = _("投诉举报办理记录")
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=StepKind.values), name="complaint_step_kind_known")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.on_date}"


class ComplaintSettings(models.Model):
    """An agency's own complaint periods; a field left empty is taken from the agency above, else the sector's."""

    agency = models.OneToOneField(
        "core.Agency", on_delete=models.PROTECT, related_name="complaint_settings", verbose_name=_("机关")
    )
    accept_days = models.PositiveSmallIntegerField(_("受理期限"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("不予检查告知期限"), null=True, blank=True)
    answer_days = models.PositiveSmallIntegerField(_("答复期限"), null=True, blank=True)
    periods_source = models.CharField(_("期限依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("投诉举报期限设置")
        verbose_name_plural = _("投诉举报期限设置")
        constraints = [
            models.CheckConstraint(
                condition=(Q(accept_days__isnull=True) & Q(notice_days__isnull=True) & Q(answer_days__isnull=True))
                | ~Q(periods_source=""),
                name="complaint_settings_cite_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} complaint periods"


class ChallengeUse(models.Model):
    """A human-check token already answered: the primary key makes its single use hold across processes."""

    digest = models.CharField(max_length=64, primary_key=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.digest[:12]
