"""Warning rules over audio-video recording (全过程记录): a recording stored after the limit of the agency's list, and
a recording said to come later whose limit passed without it (recordings/rules.py: the list and its limit are agency
data with their source)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhifa.supervision.rules_core import LOOKBACK_DAYS
from zhifa.supervision.warning_rules import Finding, WarningRule, register

SOURCE = "国办发〔2018〕118号 执法全过程记录制度；本机关音像记录事项清单（上传期限）；行政执法监督条例 第三十七条"


def _stored_late(today: date) -> Iterator[Finding]:
    from zhifa.recordings.models import Recording

    since = today - timedelta(days=LOOKBACK_DAYS)
    late = Recording.objects.filter(late=True, part=0, act_on__gte=since, act_on__lte=today).select_related("case")
    for recording in late.order_by("act_on", "pk"):
        stored = timezone.localtime(recording.received_at).date()
        yield Finding(
            recording.case.agency_id,
            f"recording:late:{recording.pk}",
            f"{recording.act_on:%Y-%m-%d} 的第{recording.label}号音像记录应于 {recording.due_on:%Y-%m-%d} 前"
            f"存储到系统，{stored:%Y-%m-%d} 才存储（逾期 {(stored - recording.due_on).days} 日）",
            recording.case_id,
        )


def _still_missing(today: date) -> Iterator[Finding]:
    from zhifa.cases.models import CaseRecord
    from zhifa.recordings.models import Recording

    since = today - timedelta(days=LOOKBACK_DAYS)
    promised = list(
        CaseRecord.objects.filter(data__recording__answer="later", on_date__gte=since)
        .select_related("case")
        .order_by("on_date", "pk")
    )
    # The recordings attached to those acts, read once (not one query per promise).
    came = set(
        Recording.objects.filter(act_entry__in=[act.entry_index for act in promised]).values_list(
            "case_id", "act_entry"
        )
    )
    for act in promised:
        due = date.fromisoformat(str(act.data["recording"].get("due_on") or act.on_date))
        if due >= today or (act.case_id, act.entry_index) in came:
            continue
        yield Finding(
            act.case.agency_id,
            f"recording:missing:{act.entry_index}",
            f"{act.on_date:%Y-%m-%d} 的执法行为记为“已音像记录，稍后上传”，应于 {due:%Y-%m-%d} 前上传，至今未上传",
            act.case_id,
        )


register(WarningRule("recording.late", _("音像记录逾期存储"), SOURCE, _stored_late))
register(WarningRule("recording.missing", _("音像记录称稍后上传而逾期未上传"), SOURCE, _still_missing, level="alert"))
