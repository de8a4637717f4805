"""The choices of complaints and reports (投诉举报)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    # 投诉: a person asks for his own rights to be protected; 举报: a person reports someone's violation.
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("已收到，待受理")
    ACCEPTED = "accepted", _("已受理，办理中")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    LEAD_OPENED = "lead_opened", _("已转为案源核查")
    NOT_INSPECTED = "not_inspected", _("不予检查")
    ANSWERED = "answered", _("已答复")
    TRANSFERRED = "transferred", _("已移送其他机关")


# The states in which the complaint has ended: nothing more is due.
CLOSED_STATES = frozenset(
    {ComplaintState.NOT_ACCEPTED, ComplaintState.NOT_INSPECTED, ComplaintState.ANSWERED, ComplaintState.TRANSFERRED}
)


class NotInspectReason(models.TextChoices):
    """Why a complaint is not inspected (海南省涉企行政检查条例（试行）第十三条)."""

    MALICIOUS = "malicious", _("经核实属于恶意投诉举报")
    REPEAT = "repeat", _("重复投诉举报已办结事项且未提供新的事实和理由")
    NO_CLUE = "no_clue", _("无具体违法线索，无法核实")
    OUTSIDE_POWERS = "outside_powers", _("不属于本机关行政检查事项")


class StepKind(models.TextChoices):
    FILE = "file", _("提交")
    ROUTE = "route", _("改派办理机关")
    ACCEPT = "accept", _("受理")
    REFUSE = "refuse", _("不予受理")
    OPEN_LEAD = "open_lead", _("登记为案源")
    NOT_INSPECT = "not_inspect", _("不予检查并告知")
    ANSWER = "answer", _("答复办理结果")
    TRANSFER = "transfer", _("移送其他机关")
