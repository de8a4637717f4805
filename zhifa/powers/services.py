"""The one write of the lists: `list_publish`, a new version of an agency's list, recorded in the ledger in the
same transaction. A published version is never edited; a correction is a new version from a later day.

行政执法监督条例 第十七条 (the confirmed enforcement bodies are published); 国办发〔2024〕54号 (who may enforce and
inspect, entrusted organisations and their letters, an unlisted item is not inspected); 权责清单 per
中办发〔2015〕21号.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from zhifa.core.bounds import EARLIEST_DATE
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.core.scoping import can_see_agency
from zhifa.ledger.models import Blob
from zhifa.ledger.services import record
from zhifa.powers.choices import BodyKind, ListKind
from zhifa.powers.columns import AGENCY, COLUMNS, header_of, model_fields, values_of
from zhifa.powers.models import ITEM_KEYS, ITEM_MODELS, ListVersion
from zhifa.powers.selectors import compare, item_values

# 法制机构 keeps the lists (it drafts them for the agency's approval and publication): the agency's legal
# reviewers, and the system administrator who enters them for it — the editors of the major-decision catalog.
EDITORS = (Role.LEGAL_REVIEWER.value, Role.SYSADMIN.value)
MAX_ITEMS = 2000
# A version may be published ahead of its day, but not years ahead.
LEAD_TIME = timedelta(days=2 * 366)


def may_edit(actor: User, agency: Agency) -> bool:
    """What the pages ask before they offer the form; the same check list_publish makes."""
    return actor.is_active and actor.has_role(*EDITORS) and can_see_agency(actor, agency)


def list_publish(
    *,
    actor: User,
    agency: Agency,
    kind: str,
    effective_from: date,
    source: str,
    reason: str,
    items: Sequence[Mapping[str, Any]],
) -> ListVersion:
    """Publish a new version of `agency`'s list `kind` holding `items` (each an item's values, columns.py).

    Refused whole, in Chinese naming the item and the column, when any item breaks a rule; nothing is saved.
    """
    if kind not in ListKind.values:
        raise Refusal("未知的清单种类", field="kind")
    label = str(ListKind(kind).label)
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, EDITORS, agency=agency, doing=f"发布{label}")
        source, reason = source.strip(), reason.strip()
        if not source:
            raise Refusal("请填写发布清单的文件名称和文号", field="source")
        if len(source) > 200:
            raise Refusal("发布文件不能超过200字", field="source")
        if not reason:
            raise Refusal("请写明发布或调整清单的理由", field="reason")
        if len(reason) > 2000:
            raise Refusal("调整理由不能超过2000字", field="reason")
        latest_day = timezone.localdate() + LEAD_TIME
        if not EARLIEST_DATE <= effective_from <= latest_day:
            raise Refusal(f"施行日期应在 {EARLIEST_DATE} 至 {latest_day} 之间", field="effective_from")
        previous = ListVersion.objects.filter(agency=agency, kind=kind).order_by("-number").first()
        if previous is not None and effective_from <= previous.effective_from:
            raise Refusal(
                f"施行日期应晚于第{previous.number}版的施行日期 {previous.effective_from}："
                "已发布的版本不再修改，调整以新的施行日期发布新版",
                field="effective_from",
            )
        if not items:
            raise Refusal(f"{label}至少应列一项", field="file")
        if len(items) > MAX_ITEMS:
            raise Refusal(f"一版清单最多{MAX_ITEMS}项", field="file")
        version = ListVersion(
            agency=agency,
            kind=kind,
            number=previous.number + 1 if previous else 1,
            effective_from=effective_from,
            source=source,
            reason=reason,
            published_by=actor,
            published_by_name=actor.full_name or actor.username,
        )
        rows = _items(agency, kind, items)
        values = [values_of(kind, row) for row in rows]
        before = item_values(previous) if previous is not None else []
        changes = compare(kind, before, values)
        if previous is not None and changes.empty:
            raise Refusal(f"与第{previous.number}版相比没有任何变化，无需发布新版", field="file")
        version.full_clean()
        version.save()
        for row in rows:
            row.version = version
        ITEM_MODELS[kind].objects.bulk_create(rows)
        letters = sorted({value["letter_sha256"] for value in values if value.get("letter_sha256")})
        facts = {
            "agency": agency.name,
            "list": kind,
            "list_label": label,
            "number": version.number,
            "effective_from": effective_from.isoformat(),
            "source": source,
            "reason": reason,
            "items": values,
            "changes": changes.summary(),
            "letters": letters,
        }
        # The letters are files of the record: their hashes are sealed into the leaf (and checked in the store).
        record(actor=actor, action="powers.publish", subject=version, facts=facts, files=letters, agency=agency)
        return version


def agencies_named(kind: str, items: Sequence[Mapping[str, Any]]) -> dict[str, Agency]:
    """The agencies the items name (a principal; a body that is an agency in the system), by name."""
    named = {str(values.get(c.field) or "") for values in items for c in COLUMNS[kind] if c.form == AGENCY}
    if kind == ListKind.BODIES:
        named |= {str(values.get("name") or "") for values in items}
    return {a.name: a for a in Agency.objects.filter(name__in=named - {""})}


def item_problems(
    agency: Agency, kind: str, position: int, values: Mapping[str, Any], agencies: Mapping[str, Agency]
) -> tuple[Any, list[tuple[str, str]]]:
    """One item as an unsaved row, and what is wrong with it as (field, message): the rules of one item, asked by
    list_publish and by the Excel import (which names the row of each problem)."""
    problems: list[tuple[str, str]] = []
    for column in COLUMNS[kind]:
        value = values.get(column.field)
        if column.form == AGENCY and value and value not in agencies:
            problems.append((column.field, f"系统中没有名为“{value}”的执法机关"))
    row: Any = ITEM_MODELS[kind](position=position, **model_fields(kind, values, agencies))
    if kind == ListKind.BODIES:
        row.agency = agencies.get(row.name)
    try:
        row.full_clean(exclude=["version"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.extend((field, message) for message in messages)
    if kind == ListKind.BODIES and row.kind == BodyKind.ENTRUSTED and not problems:
        # The publishing agency answers for the entrustments it lists: the principal is itself or one below it.
        if not row.principal.is_within(agency):
            problems.append(("principal", f"委托机关应为{agency.name}或其下级机关"))
        if not Blob.objects.filter(sha256=row.letter_sha256).exists():
            problems.append(("letter_sha256", "委托书文件尚未存入证据库，请随清单一并上传"))
    return row, problems


def _items(agency: Agency, kind: str, items: Sequence[Mapping[str, Any]]) -> list[Any]:
    """Each item checked by item_problems, as unsaved rows; the first problem refuses the whole version."""
    agencies = agencies_named(kind, items)
    fields = {c.field for c in COLUMNS[kind]}
    key = ITEM_KEYS[kind]
    seen: dict[str, int] = {}
    rows = []
    for position, values in enumerate(items, start=1):
        row, problems = item_problems(agency, kind, position, values, agencies)
        if problems:
            field, message = problems[0]
            where = f"“{header_of(kind, field)}”" if field in fields else ""
            raise Refusal(f"第{position}项{where}：{message}", field="file")
        identity = str(getattr(row, key))
        if identity in seen:
            raise Refusal(f"第{position}项“{header_of(kind, key)}”：与第{seen[identity]}项重复", field="file")
        seen[identity] = position
        rows.append(row)
    return rows
