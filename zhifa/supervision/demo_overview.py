"""The demo's supervision overview: two leads left unfiled past their period in the first forestry branch (the
不作为 a supervisor is warned of), then the warning rules run once as of the demo's day, so that the supervisor
logs in to warnings (the schedule of `make run` keeps them current from then on)."""

from __future__ import annotations

from datetime import date

from zhifa.cases.demo import Plan, load_cases
from zhifa.core.models import Agency
from zhifa.supervision.warnings import warnings_run


def load_overview(today: date) -> None:
    root = Agency.objects.filter(parent__isnull=True).order_by("path").first()
    branch = root.children.order_by("path").first() if root is not None else None
    if branch is not None:
        late_leads = (Plan(("register_lead",), 40, 1), Plan(("register_lead",), 61, 3))
        list(load_cases(today, branch, plans=late_leads))
    warnings_run(today)
