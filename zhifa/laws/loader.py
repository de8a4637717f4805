"""Load the shipped legal data (zhifa/laws/data, TOML; format in data/SCHEMA.md) into the tables.

Everything is checked before anything is written: a reference that does not resolve, a tier outside the
legal range, two rules of one violation in force on one day — the whole load is refused, naming the file and
the place. Loading again is idempotent; a corrected text or figure updates its row, and every load that
changes something is recorded in the ledger with the SHA-256 of each data file, so the record says which
data the system judged by from when.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhifa.cases.choices import PenaltyKind
from zhifa.core.choices import Domain
from zhifa.laws.choices import FineBasis, NoPenaltyKind, TextLevel, Tier
from zhifa.laws.models import (
    BenchmarkTier,
    DiscretionBenchmark,
    LegalProvision,
    LegalText,
    LegalTextVersion,
    NoPenaltyItem,
    NoPenaltyList,
    Violation,
    ViolationRule,
)

DATA = Path(__file__).resolve().parent / "data"
SHIPPED_SOURCE = "随系统提供的示例裁量基准（按国办发〔2022〕27号在法定幅度内分档，使用机关应以本机关发布的基准替换）"
REF = re.compile(r"^(?P<code>[a-z0-9-]+)@(?P<day>\d{4}-\d{2}-\d{2}):(?P<place>\d+(?:\.\d+){0,2})$")
RANGE_TIERS = (Tier.LIGHTER, Tier.ORDINARY, Tier.HEAVIER)


class LoadError(Exception):
    """The data cannot be loaded; the message names the file and the place."""


@dataclass
class Report:
    files: dict[str, str] = field(default_factory=dict)  # name → SHA-256
    added: int = 0
    changed: list[str] = field(default_factory=list)


def _read(folder: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.rglob("*.toml")):
        name = path.relative_to(folder).as_posix()
        try:
            found[name] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise LoadError(f"{name}：格式错误（{error}）") from error
    return found


def _digest(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*.toml"))
    }


def _decimal(value: Any, where: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LoadError(f"{where}：数额应为数字")
    amount = Decimal(str(value))
    if amount < 0:
        raise LoadError(f"{where}：数额不能为负数")
    return amount


def _day(value: Any, where: str) -> date:
    if not isinstance(value, date):
        raise LoadError(f"{where}：应为日期，如 2026-08-15")
    return value


def _optional_day(value: Any, where: str) -> date | None:
    return None if value is None else _day(value, where)


def _choice(value: Any, choices: Iterable[str], where: str) -> str:
    if value not in set(choices):
        raise LoadError(f"{where}：“{value}”不是可用的取值")
    return str(value)


def _key(ref: str) -> str:
    """A reference with its place written in full (article.paragraph.item), so "83.0.2" and "83.0.2.0" agree."""
    code, _, place = ref.partition(":")
    numbers = [int(n) for n in place.split(".")] + [0, 0]
    return f"{code}:{numbers[0]}.{numbers[1]}.{numbers[2]}"


@transaction.atomic
def load(folder: Path = DATA) -> Report:
    """Load every file of `folder`; refuse all of it on the first problem (LoadError)."""
    from zhifa.ledger.services import record

    documents = _read(folder)
    report = Report(files=_digest(folder))
    provisions: dict[str, LegalProvision] = {}
    successors: list[tuple[LegalProvision, str, str]] = []
    for name, doc in documents.items():
        if name.startswith("texts/"):
            _load_text(name, doc, provisions, successors, report)
    for provision, ref, where in successors:
        target = _find(ref, provisions)
        if target is None:
            raise LoadError(f"{where}：后继条款 {ref} 不存在")
        if provision.successor_id != target.pk:
            provision.successor = target
            provision.save(update_fields=["successor"])
    violations: dict[str, Violation] = {}
    for name, doc in documents.items():
        if name.startswith("violations/"):
            _load_violations(name, doc, provisions, violations, report)
    for name, doc in documents.items():
        if name.startswith("no_penalty/"):
            _load_no_penalty(name, doc, violations, report)
    if report.added or report.changed:
        record(
            actor=None,
            action="laws.load",
            subject="laws",
            facts={"files": report.files, "added": report.added, "changed": report.changed[:200]},
        )
    return report


def _save(model_instance: Any, lookup: dict[str, Any], values: dict[str, Any], report: Report, label: str) -> Any:
    """Create the row, or bring an existing one up to the data (counted as a change)."""
    model = type(model_instance)
    row = model.objects.filter(**lookup).order_by("pk").first()  # no default ordering's joins: a hot loop
    if row is None:
        row = model(**lookup, **values)
        _valid(row, label)
        row.save()
        report.added += 1
        return row
    differs = [name for name, value in values.items() if getattr(row, name) != value]
    if differs:
        if isinstance(row, ViolationRule) and set(differs) - {"checked", "note"} and row.cases.exists():
            # A rule that judged a case is the law of that case: a correction is a new rule from a later day.
            raise LoadError(f"{label}：已有案件适用该规定，不能更改 {', '.join(differs)}；更正请以新的施行日期另列规定")
        for name in differs:
            report.changed.append(f"{label} {name}: {_shown(getattr(row, name))} → {_shown(values[name])}")
            setattr(row, name, values[name])
        _valid(row, label)
        row.save()
    return row


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _valid(row: Any, label: str) -> None:
    # Fields and the model's own checks; uniqueness is the database's constraints' (the loader looks rows up).
    try:
        row.clean_fields()
        row.clean()
    except ValidationError as error:
        name, problems = next(iter(error.message_dict.items()))
        raise LoadError(f"{label} {name}：{problems[0]}") from error


def _load_text(
    name: str,
    doc: dict[str, Any],
    provisions: dict[str, LegalProvision],
    successors: list[tuple[LegalProvision, str, str]],
    report: Report,
) -> None:
    code = doc.get("code")
    if not isinstance(code, str) or not code:
        raise LoadError(f"{name}：缺少 code")
    text = _save(
        LegalText(),
        {"code": code},
        {
            "name": doc["name"],
            "short_name": doc["short_name"],
            "level": _choice(doc.get("level"), TextLevel.values, f"{name} level"),
            "issuer": doc.get("issuer", ""),
            "domains": [_choice(d, Domain.values, f"{name} domains") for d in doc.get("domains", [])],
        },
        report,
        code,
    )
    spans: list[tuple[date, date | None]] = []
    for number, raw in enumerate(doc.get("versions", []), start=1):
        where = f"{name} 第{number}个版本"
        start = _day(raw.get("effective_from"), f"{where} effective_from")
        end = _optional_day(raw.get("effective_to"), f"{where} effective_to")
        spans.append((start, end))
        version = _save(
            LegalTextVersion(),
            {"text": text, "effective_from": start},
            {
                "label": raw.get("label", ""),
                "adopted_on": _optional_day(raw.get("adopted_on"), f"{where} adopted_on"),
                "effective_to": end,
                "source": raw.get("source", "未核对原文"),
                "checked": bool(raw.get("checked", False)),
            },
            report,
            f"{code}@{start}",
        )
        for item in raw.get("provisions", []):
            article, paragraph, number_of_item = (
                int(item.get("article", 0)),
                int(item.get("paragraph", 0)),
                int(item.get("item", 0)),
            )
            ref = _key(f"{code}@{start.isoformat()}:{article}.{paragraph}.{number_of_item}")
            if ref in provisions:
                raise LoadError(f"{name}：条款 {ref} 重复")
            provision = _save(
                LegalProvision(),
                {"version": version, "article": article, "paragraph": paragraph, "item": number_of_item},
                {"body": str(item.get("text", "")).strip(), "checked": bool(item.get("checked", False))},
                report,
                ref,
            )
            provisions[ref] = provision
            if item.get("successor"):
                successors.append((provision, str(item["successor"]), f"{name} {ref}"))
    _no_overlap(spans, name)


def _no_overlap(spans: list[tuple[date, date | None]], where: str) -> None:
    ordered = sorted(spans, key=lambda span: span[0])
    for (start, end), (later, _) in itertools.pairwise(ordered):
        if end is None or end >= later:
            raise LoadError(f"{where}：{start} 起的版本与 {later} 起的版本施行期间重叠")


def _resolve(refs: Any, provisions: dict[str, LegalProvision], where: str) -> list[LegalProvision]:
    found = []
    for ref in refs or []:
        if not REF.match(str(ref)):
            raise LoadError(f"{where}：条款引用 {ref} 格式应为 代码@施行日期:条.款.项")
        provision = _find(str(ref), provisions)
        if provision is None:
            raise LoadError(f"{where}：条款 {ref} 不存在")
        found.append(provision)
    return found


def _find(ref: str, provisions: dict[str, LegalProvision]) -> LegalProvision | None:
    """The provision `ref` names. "83.2" is paragraph 2 of article 83; where the article has no paragraphs but
    items, it is read as item 2 (statutes cite 第八十三条第二项 for an article of one paragraph)."""
    if not REF.match(ref):
        return None
    found = provisions.get(_key(ref))
    if found is None and ref.count(".") == 1:
        head, _, second = ref.rpartition(".")
        found = provisions.get(_key(f"{head}.0.{second}"))
    return found


def _load_violations(
    name: str,
    doc: dict[str, Any],
    provisions: dict[str, LegalProvision],
    violations: dict[str, Violation],
    report: Report,
) -> None:
    for raw in doc.get("violations", []):
        code = raw.get("code")
        where = f"{name} 违法行为 {code}"
        if not code or code in violations:
            raise LoadError(f"{where}：代码缺失或重复")
        violation = _save(
            Violation(),
            {"code": code},
            {
                "name": raw["name"],
                "domain": _choice(raw.get("domain"), Domain.values, f"{where} domain"),
                "keywords": list(raw.get("keywords", [])),
            },
            report,
            code,
        )
        violations[code] = violation
        spans = []
        for rule_raw in raw.get("rules", []):
            rule = _load_rule(where, violation, rule_raw, provisions, report)
            spans.append((rule.effective_from, rule.effective_to))
        if not spans:
            raise LoadError(f"{where}：没有处罚规定")
        _no_overlap(spans, where)


def _load_rule(
    where: str, violation: Violation, raw: dict[str, Any], provisions: dict[str, LegalProvision], report: Report
) -> ViolationRule:
    start = _day(raw.get("effective_from"), f"{where} effective_from")
    where = f"{where}（{start} 起）"
    basis = _choice(raw.get("fine", "none"), FineBasis.values, f"{where} fine")
    kinds = [_choice(kind, PenaltyKind.values, f"{where} kinds") for kind in raw.get("kinds", [])]
    values: dict[str, Any] = {
        "effective_to": _optional_day(raw.get("effective_to"), f"{where} effective_to"),
        "kinds": kinds,
        "orders": list(raw.get("orders", [])),
        "fine_basis": basis,
        "fine_of": raw.get("fine_of", ""),
        "checked": bool(raw.get("checked", False)),
        "ends_offence": bool(raw.get("repealed", False)),
        "note": raw.get("note", ""),
    }
    for key in (
        "fine_min",
        "fine_max",
        "fine_min_organisation",
        "fine_max_organisation",
        "fallback_min",
        "fallback_max",
    ):
        values[key] = _decimal(raw.get(key), f"{where} {key}")
    if basis != FineBasis.NONE:
        if values["fine_max"] is None or values["fine_min"] is None or values["fine_min"] > values["fine_max"]:
            raise LoadError(f"{where}：罚款的下限和上限应填写，且下限不大于上限")
        if PenaltyKind.FINE not in kinds:
            raise LoadError(f"{where}：有罚款幅度的，处罚种类应包括罚款")
    if basis == FineBasis.MULTIPLE and not values["fine_of"]:
        raise LoadError(f"{where}：倍数罚应写明基数（fine_of）")
    penalises = _resolve(raw.get("penalty"), provisions, f"{where} penalty")
    if not penalises:
        raise LoadError(f"{where}：应列出处罚依据")
    prohibits = _resolve(raw.get("prohibits"), provisions, f"{where} prohibits")
    rule: ViolationRule = _save(
        ViolationRule(), {"violation": violation, "effective_from": start}, values, report, where
    )
    if set(rule.penalises.all()) != set(penalises):
        rule.penalises.set(penalises)
    if set(rule.prohibits.all()) != set(prohibits):
        rule.prohibits.set(prohibits)
    for provision in [*penalises, *prohibits]:
        if not provision.version.in_force(start):
            raise LoadError(f"{where}：所引 {provision.ref} 在 {start} 不在施行期间")
    tiers = raw.get("tiers", [])
    if tiers:
        _load_tiers(where, rule, tiers, report)
    return rule


def _load_tiers(where: str, rule: ViolationRule, tiers: list[dict[str, Any]], report: Report) -> None:
    benchmark = _save(
        DiscretionBenchmark(),
        {"agency": None, "rule": rule, "effective_from": rule.effective_from},
        {"source": SHIPPED_SOURCE},
        report,
        f"{where} 裁量基准",
    )
    from zhifa.laws.services import TierInput, tier_problem

    given = [
        TierInput(
            tier=str(raw.get("tier")),
            conditions=[str(text) for text in raw.get("conditions", [])],
            kinds=[str(kind) for kind in raw.get("kinds", [])],
            fine_min=_decimal(raw.get("fine_min"), f"{where} {raw.get('tier')} fine_min"),
            fine_max=_decimal(raw.get("fine_max"), f"{where} {raw.get('tier')} fine_max"),
        )
        for raw in tiers
    ]
    # The same rules as an agency's own benchmark (laws.services.tier_problem: 国办发〔2022〕27号 and the rule's kinds).
    problem = tier_problem(rule, given)
    if problem is not None:
        raise LoadError(f"{where}：{problem.message}")
    for tier in given:
        values: dict[str, Any] = {"conditions": list(tier.conditions), "kinds": list(tier.kinds)}
        values.update(fine_min=tier.fine_min, fine_max=tier.fine_max)
        _save(BenchmarkTier(), {"benchmark": benchmark, "tier": tier.tier}, values, report, f"{where} {tier.tier}")


def _load_no_penalty(name: str, doc: dict[str, Any], violations: dict[str, Violation], report: Report) -> None:
    code = doc.get("code")
    if not code:
        raise LoadError(f"{name}：缺少 code")
    listed = _save(
        NoPenaltyList(),
        {"code": code},
        {
            "name": doc["name"],
            "issuer": doc.get("issuer", ""),
            "source": doc.get("source", "演示数据"),
            "valid_from": _day(doc.get("valid_from"), f"{name} valid_from"),
            "valid_to": _optional_day(doc.get("valid_to"), f"{name} valid_to"),
            "domains": [_choice(d, Domain.values, f"{name} domains") for d in doc.get("domains", [])],
            "checked": bool(doc.get("checked", False)),
        },
        report,
        code,
    )
    existing = {
        (item.kind, item.violation.code): item for item in listed.items.select_related("violation").order_by("pk")
    }
    for number, raw in enumerate(doc.get("items", []), start=1):
        where = f"{name} 第{number}项"
        kind = _choice(raw.get("kind"), NoPenaltyKind.values, f"{where} kind")
        violation = violations.get(raw.get("violation", ""))
        if violation is None:
            raise LoadError(f"{where}：违法行为 {raw.get('violation')} 不存在")
        years = raw.get("first_offence_years")
        if kind == NoPenaltyKind.FIRST_OFFENCE and not years:
            raise LoadError(f"{where}：首违不罚事项应写明首违的认定年限")
        values = {
            "conditions": list(raw.get("conditions", [])),
            "first_offence_years": years,
            "basis": raw.get("basis", "行政处罚法 第三十三条第一款"),
        }
        item = existing.get((kind, violation.code))
        if item is None:
            item = NoPenaltyItem(no_penalty_list=listed, kind=kind, violation=violation, **values)
            _valid(item, where)
            item.save()
            report.added += 1
        elif any(getattr(item, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(item, key, value)
            item.save()
            report.changed.append(f"{where}")
