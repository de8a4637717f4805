"""Running the warning rules (快速预警, 行政执法监督条例 第三十七条), keeping what they find, dismissing a warning.

`warnings_run(today)` runs every rule of warning_rules.RULES as of `today`: a (rule, key) found for the first time
opens a warning; one found again is refreshed (its detail and last day found); an open warning its rule no longer
finds is resolved. A rule that fails is skipped whole — its warnings are neither refreshed nor resolved — and named in
the run's ledger entry, so one broken rule neither stops the others nor clears its own warnings.

The ledger (decision in docs/decisions.md): one entry per run (`supervision.warnings_run`: the day and, per rule,
how many were opened, refreshed and resolved, and which rules failed), one per warning opened
(`supervision.warning_open`, its detail) and one per warning resolved (`supervision.warning_resolve`), all in the
run's transaction; a refresh changes only the last day found and the detail's figures, so the run's counts carry it.
A dismissal (`warning_dismiss`) is a person's act with his reason, recorded on its own.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.scoping import can_see_agency
from zhifa.ledger.models import Entry
from zhifa.ledger.services import Act, record, record_many
from zhifa.supervision.models.warnings import SupervisionWarning, WarningState
from zhifa.supervision.warning_rules import RULES, Finding

log = logging.getLogger(__name__)

LIVE = (WarningState.OPEN, WarningState.DISMISSED)
REASON_MAX = 1000
# Who may dismiss a warning: the supervisor over the agency it concerns.
DISMISSERS = (Role.SUPERVISOR.value,)


@dataclass
class RunResult:
    today: date
    opened: Counter[str] = field(default_factory=Counter)
    refreshed: Counter[str] = field(default_factory=Counter)
    resolved: Counter[str] = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)

    def facts(self) -> dict[str, Any]:
        codes = sorted(set(self.opened) | set(self.refreshed) | set(self.resolved))
        return {
            "day": self.today.isoformat(),
            "rules": {
                code: {"opened": self.opened[code], "refreshed": self.refreshed[code], "resolved": self.resolved[code]}
                for code in codes
            },
            "failed": self.failed,
        }


def _found(code: str, today: date) -> dict[str, Finding] | None:
    """What the rule finds today, by key (the last finding of a key wins); None when the rule failed."""
    try:
        with transaction.atomic():  # a savepoint: a rule's failed query leaves the run's transaction usable
            return {finding.key: finding for finding in RULES[code].find(today)}
    except Exception:
        log.exception("warning rule %s failed", code)
        return None


RUN_ACTION = "supervision.warnings_run"


def last_run() -> Entry | None:
    """The latest run's entry: found by its subject (`supervision.warnings_run:<day>`, the ledger's subject index),
    not by its action — the ledger has no index on actions, and walking back millions of entries took 70 ms."""
    runs = Entry.objects.filter(subject__gte=f"{RUN_ACTION}:", subject__lt=f"{RUN_ACTION};", action=RUN_ACTION)
    return runs.order_by("-index").only("recorded_at").first()


def warnings_run(today: date, *, actor: User | None = None, codes: list[str] | None = None) -> RunResult:
    """Run the rules (all, or those named in `codes`) as of `today` and bring the stored warnings up to date."""
    result = RunResult(today)
    with transaction.atomic():
        acts: list[Act] = []
        for code in codes if codes is not None else sorted(RULES):
            found = _found(code, today)
            if found is None:
                result.failed.append(code)
                continue
            live = {w.key: w for w in SupervisionWarning.objects.filter(rule=code, state__in=LIVE)}
            fresh = []
            for key, finding in found.items():
                warning = live.get(key)
                if warning is None:
                    fresh.append(
                        SupervisionWarning(
                            rule=code,
                            agency_id=finding.agency_id,
                            case_id=finding.case_id,
                            key=key,
                            detail=finding.detail,
                            first_found_on=today,
                            last_found_on=today,
                        )
                    )
                    continue
                if warning.last_found_on != today or warning.detail != finding.detail:
                    warning.last_found_on, warning.detail = max(warning.last_found_on, today), finding.detail
                    warning.save(update_fields=["last_found_on", "detail"])
                result.refreshed[code] += 1
            for warning in fresh:
                warning.save()
                acts.append(
                    Act(
                        actor,
                        "supervision.warning_open",
                        warning,
                        {"rule": code, "key": warning.key, "detail": warning.detail, "case": warning.case_id},
                        agency=warning.agency,
                    )
                )
            result.opened[code] += len(fresh)
            gone = [w for key, w in live.items() if key not in found and w.state == WarningState.OPEN]
            for warning in gone:
                warning.state, warning.resolved_on = WarningState.RESOLVED, today
                warning.save(update_fields=["state", "resolved_on"])
                acts.append(
                    Act(
                        actor,
                        "supervision.warning_resolve",
                        warning,
                        {"rule": code, "key": warning.key, "resolved_on": today.isoformat()},
                        agency=warning.agency,
                    )
                )
            result.resolved[code] += len(gone)
        acts.insert(0, Act(actor, RUN_ACTION, f"{RUN_ACTION}:{today}", result.facts()))
        record_many(acts)
    return result


def warning_dismiss(*, actor: User, warning: SupervisionWarning, reason: str, today: date) -> SupervisionWarning:
    """Dismiss an open warning (排除): a supervisor over its agency, with his reason, recorded in the ledger."""
    reason = (reason or "").strip()
    with transaction.atomic():
        warning = SupervisionWarning.objects.select_for_update().select_related("agency").get(pk=warning.pk)
        if not actor.has_role(*DISMISSERS) or not can_see_agency(actor, warning.agency):
            raise Refusal("只有对该执法机关负有监督职责的执法监督人员可以排除预警")
        if warning.state != WarningState.OPEN:
            raise Refusal(f"该预警的状态为“{warning.get_state_display()}”，只有待处理的预警可以排除")
        if not reason:
            raise Refusal("排除理由：排除预警须写明理由（行政执法监督条例 第三十七条，预警处置留痕）", field="reason")
        if len(reason) > REASON_MAX:
            raise Refusal(f"排除理由：不超过 {REASON_MAX} 字", field="reason")
        warning.state = WarningState.DISMISSED
        warning.dismissed_reason, warning.dismissed_by, warning.dismissed_on = reason, actor, today
        warning.save(update_fields=["state", "dismissed_reason", "dismissed_by", "dismissed_on"])
        record(
            actor=actor,
            action="supervision.warning_dismiss",
            subject=warning,
            facts={"rule": warning.rule, "key": warning.key, "reason": reason, "on": today.isoformat()},
            agency=warning.agency,
        )
    return warning
