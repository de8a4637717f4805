"""干预留痕 (seed 003: 实行干预留痕和记录): anyone on the staff records a leader's or an outsider's attempt to influence
a case. The record is never changed or removed, is in the ledger, and is read by the supervisors over the case's
agency and by its recorder — never by the person it names, whatever his role.

The ledger entry holds the record's digest, not its words: the ledger's pages and exports are read by people (the
auditor, a supervisor) who may include the person named; the words stay on the row, which the selectors guard, and
`verify_digest` shows that the row still says what was recorded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation

from zhifa.cases.models import Case
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.scoping import reads_cases, restrict, restrict_cases
from zhifa.ledger.forms import EvidenceFiles
from zhifa.ledger.models import Blob
from zhifa.ledger.services import record
from zhifa.supervision.models.modes import InterferenceManner, InterferenceRecord
from zhifa.supervision.modes import set_entry

MAX_FILES = 20


def may_record(actor: User, case: Case) -> bool:
    """Anyone on the staff who may read the case (restrict_cases) may record an interference with it."""
    return reads_cases(actor) and restrict_cases(Case.objects.filter(pk=case.pk), actor).exists()


def content_digest(row: InterferenceRecord) -> str:
    """The SHA-256 of what the record says (canonical JSON), as committed in its ledger entry."""
    body = {
        "case": row.case_id,
        "person_user": row.person_user_id,
        "person_name": row.person_name,
        "person_post": row.person_post,
        "occurred_at": row.occurred_at.astimezone(timezone.get_default_timezone()).isoformat(),
        "manner": row.manner,
        "request": row.request,
        "files": sorted(row.files),
        "recorded_by": row.recorded_by_id,
    }
    return hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _text(value: str, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Refusal(f"{label}：必须填写", field=field)
    if len(value) > limit:
        raise Refusal(f"{label}：最多 {limit} 字，现为 {len(value)} 字", field=field)
    return value


def interference_record(
    *,
    actor: User,
    case: Case,
    person_name: str,
    person_post: str,
    occurred_at: datetime,
    manner: str,
    request: str,
    person_user: User | None = None,
    files: EvidenceFiles | None = None,
) -> InterferenceRecord:
    """Record an attempt to influence `case`. There is no service to change or remove one."""
    with translation.override("zh-hans"), transaction.atomic():
        if not may_record(actor, case):
            raise Refusal("只有能查阅本案的工作人员可以记录对本案的干预")
        if manner not in InterferenceManner.values:
            raise Refusal("干预方式：请选择", field="manner")
        if occurred_at > timezone.now():
            raise Refusal("干预时间：不能晚于现在", field="occurred_at")
        if person_user is not None and person_user.pk == actor.pk:
            raise Refusal("干预人：不能记录本人", field="person_user")
        name = (person_name or "").strip() or (person_user.full_name or person_user.username if person_user else "")
        digests = list(files or [])
        if len(digests) > MAX_FILES:
            raise Refusal(f"证据文件：最多 {MAX_FILES} 个", field="evidence")
        stored = set(Blob.objects.filter(sha256__in=digests).values_list("sha256", flat=True))
        if any(digest not in stored for digest in digests):
            raise Refusal("证据文件：有文件尚未上传完成", field="evidence")
        row = InterferenceRecord.objects.create(
            case=case,
            agency=case.agency,
            person_user=person_user,
            person_name=_text(name, "person_name", "干预人姓名", 50),
            person_post=_text(person_post, "person_post", "干预人单位职务", 200),
            occurred_at=occurred_at,
            manner=manner,
            request=_text(request, "request", "干预内容", 5_000),
            files=digests,
            file_names={d: n for d, n in (getattr(files, "names", {}) or {}).items() if d in digests},
            recorded_by=actor,
            recorder_name=actor.full_name or actor.username,
        )
        entry = record(
            actor=actor,
            action="supervision.interference_record",
            subject=row,
            facts={"case": case.pk, "content_sha256": content_digest(row)},
            files=digests,
            agency=case.agency,
        )
        set_entry(row, entry.index)
        return row


def _named(actor: User) -> Q:
    """The records naming the actor: by his account, or by his name where the recorder wrote it as text."""
    named = Q(person_user=actor)
    if actor.full_name.strip():
        named |= Q(person_user__isnull=True, person_name=actor.full_name.strip())
    return named


def interference_for(actor: User) -> QuerySet[InterferenceRecord]:
    """What `actor` may read: as a supervisor, the records about cases of the agencies he supervises; as anyone,
    those he recorded himself; never a record that names him."""
    if not actor.is_authenticated or not actor.is_active:
        return InterferenceRecord.objects.none()
    base = InterferenceRecord.objects.select_related("case", "agency")
    seen = Q(recorded_by=actor)
    if actor.has_role(Role.SUPERVISOR) and actor.agency is not None:
        seen |= Q(pk__in=restrict(InterferenceRecord.objects.all(), actor).values("pk"))
    return base.filter(seen).exclude(_named(actor))


def for_case(actor: User, case: Case) -> list[InterferenceRecord]:
    return list(interference_for(actor).filter(case=case))


@dataclass(frozen=True)
class AgencyCount:
    agency: Agency
    count: int


def counts_by_agency(actor: User) -> list[AgencyCount]:
    rows = interference_for(actor).values("agency").annotate(n=Count("pk")).order_by("-n")
    agencies = Agency.objects.in_bulk([row["agency"] for row in rows])
    return [AgencyCount(agencies[row["agency"]], row["n"]) for row in rows]
