"""The background work, on the queue's scheduler (jobs/queue.py). Each job calls the code its command calls; the
commands stay (`zhifa ledger checkpoint --schedule`, `zhifa supervision warn --schedule`, `zhifa evidence cleanup`,
`zhifa audit seal`) for a cron or systemd timer instead of the queue.

Schedules are read from the settings each time the scheduler looks (every minute), in the installation's time zone:
- the ledger's checkpoint: looked at every minute, signed when the last one is older than
  LEDGER_CHECKPOINT_MINUTES (the same test commits make: at most one an interval, a quiet log signed within it);
- the supervision's warning rules (快速预警, with the reports' and inspections' rules among them): looked at every
  JOBS_WARNINGS_LOOK_MINUTES, run on the first look of a day they have not run on — a consumer stopped at midnight
  runs them when it starts again;
- the audit trail's seal into the record: hourly, on the hour;
- uploads never attached (`zhifa evidence cleanup`): daily at JOBS_DAILY_AT.
Reports themselves are written by people; their due dates are watched by the warning rules (reports.late).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhifa.jobs.queue import logger, periodic_job


def _local(moment: datetime) -> datetime:
    """huey's scheduler passes naive UTC (utc=True); schedules are said in the installation's time zone."""
    return timezone.localtime(moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)


def every_minute(moment: datetime) -> bool:
    return True


def warnings_look(moment: datetime) -> bool:
    local = _local(moment)
    return (local.hour * 60 + local.minute) % settings.JOBS_WARNINGS_LOOK_MINUTES == 0


def hourly(moment: datetime) -> bool:
    return _local(moment).minute == 0


def daily(moment: datetime) -> bool:
    local = _local(moment)
    return (local.hour, local.minute) == settings.JOBS_DAILY_AT


@periodic_job(every_minute, name="ledger_checkpoint")
def ledger_checkpoint() -> None:
    from zhifa.ledger import services

    with transaction.atomic():
        services.checkpoint_if_due()


@periodic_job(warnings_look, name="supervision_warnings")
def supervision_warnings() -> None:
    from zhifa.supervision.management.commands.supervision import last_run_day
    from zhifa.supervision.warnings import warnings_run

    today = timezone.localdate()
    if last_run_day() == today:
        return
    result = warnings_run(today)
    opened = sum(result.opened.values())
    logger.info("执法监督预警 %s：新发 %s 条，规则失败 %s 条", today, opened, len(result.failed))


@periodic_job(hourly, name="audit_seal")
def audit_seal() -> None:
    from zhifa.audit.services import audit_seal as seal

    seal()


@periodic_job(daily, name="evidence_cleanup")
def evidence_cleanup() -> None:
    from zhifa.ledger.uploads import evidence_cleanup as cleanup

    report = cleanup(days=settings.EVIDENCE_RETENTION_DAYS)
    logger.info("证据上传清理：清除 %s 个上传，删除 %s 个文件", report.uploads_removed, len(report.files_deleted))


# What `zhifa jobs run NAME` puts on the queue now, and what the scheduler runs on its own.
JOBS: dict[str, Any] = {
    "ledger_checkpoint": ledger_checkpoint,
    "supervision_warnings": supervision_warnings,
    "audit_seal": audit_seal,
    "evidence_cleanup": evidence_cleanup,
}
