from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from zhifa.cases.workflow import STATE_LABELS, State

# The states come from the workflow table, so the table stays the one place that defines them.
CASE_STATES = [(state.value, STATE_LABELS[state]) for state in State]


class Procedure(models.TextChoices):
    ORDINARY = "ordinary", _("普通程序")
    SUMMARY = "summary", _("简易程序")


class LeadSource(models.TextChoices):
    COMPLAINT = "complaint", _("投诉举报")
    INSPECTION = "inspection", _("监督检查")
    REFERRAL = "referral", _("上级交办或移送")
    REPORT = "report", _("媒体或其他机关反映")
    MONITORING = "monitoring", _("监测发现")


class PartyKind(models.TextChoices):
    CITIZEN = "citizen", _("公民")
    ORGANISATION = "organisation", _("法人或者其他组织")
