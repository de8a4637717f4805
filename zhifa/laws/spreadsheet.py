"""An agency's discretion benchmarks as an Excel workbook, out and back in: one row per tier.

The export lists the benchmarks the agency follows on a day (its own, an agency's above it, the shipped ones).
The import is all or nothing, as the officers' import is (docs/decisions.md): every row is checked first, and every
problem is listed with its row, column and rule; a file with any problem saves nothing, and a clean file is saved
through `services.benchmark_add`, one new version per rule, in one transaction. A rule whose tiers in the file are
those the agency already follows on the day is left alone, so exporting and importing the inherited benchmarks
back does not turn them into the agency's own.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from zipfile import BadZipFile

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhifa.cases.choices import PenaltyKind
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.laws.benchmarks import BenchmarkBook
from zhifa.laws.choices import Tier
from zhifa.laws.models import DiscretionBenchmark, Violation, ViolationRule
from zhifa.laws.selectors import agency_benchmarks, rules_in_force, unit_of
from zhifa.laws.services import DOING, EDITORS, TierInput, benchmark_add, rule_name, tier_problem

COLUMNS = ["违法行为", "处罚依据", "档次", "适用情形", "处罚种类", "罚款下限", "罚款上限"]
# Where a problem with a tier's part is shown.
PART_COLUMNS = {"tier": "档次", "conditions": "适用情形", "kinds": "处罚种类", "fine": "罚款下限"}
MAX_ROWS = 5000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_TIERS = {str(label): value for value, label in Tier.choices}
_KINDS = {str(label): value for value, label in PenaltyKind.choices}
_TIER_LABELS = {value: label for label, value in _TIERS.items()}
_KIND_LABELS = {value: label for label, value in _KINDS.items()}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    added: list[DiscretionBenchmark] = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cited(text: str) -> str:
    """A citation compared without its spaces and punctuation between provisions."""
    return "".join(text.replace("，", "、").replace(",", "、").split())


def export_workbook(agency: Agency, on_date: date) -> bytes:
    """The benchmarks `agency` follows on `on_date`, one row per tier, and a sheet saying how to fill it in."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "裁量基准"
    sheet.append(COLUMNS)
    followed = agency_benchmarks(agency, on_date)
    for item in followed:
        for tier in item.view.benchmark.tiers.all():
            sheet.append(
                [
                    item.rule.violation.name,
                    item.citation,
                    _TIER_LABELS.get(tier.tier, tier.tier),
                    "\n".join(str(text) for text in tier.conditions),
                    "、".join(_KIND_LABELS.get(kind, kind) for kind in tier.kinds),
                    tier.fine_min,
                    tier.fine_max,
                ]
            )
    for letter, width in zip("ABCDEFG", (28, 32, 10, 40, 24, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    notes = workbook.create_sheet("填写说明")
    notes.append(["项目", "说明"])
    notes.append(["机关", agency.name])
    notes.append(["导出日期", on_date.isoformat()])
    notes.append(["档次", "、".join(_TIERS)])
    notes.append(["适用情形", "每个情形占一行（单元格内换行）"])
    notes.append(["处罚种类", "以“、”分隔，可选：" + "、".join(_KINDS)])
    notes.append(["罚款下限、罚款上限", "按处罚依据的单位填写：数额罚为元，倍数罚为倍数（见下表）；不处罚款的留空"])
    notes.append(
        ["导入规则", "导入时另填施行日期和印发文件；任何一行有错误时整个文件均不导入；与当日执行的基准相同的不发布新版"]
    )
    notes.append([])
    notes.append(["违法行为", "处罚依据", "罚款单位", "基准来源"])
    for item in followed:
        owner = "本机关" if item.view.whose == "own" else item.view.owner
        notes.append(
            [item.rule.violation.name, item.citation, unit_of(item.rule), f"{owner}：{item.view.benchmark.source}"]
        )
    notes.column_dimensions["A"].width = 28
    notes.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    rule: ViolationRule | None = None
    tier: TierInput | None = None


def _read(upload: IO[bytes]) -> tuple[list[str], list[_Row]]:
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise Refusal("文件不是有效的 Excel（.xlsx）文件，请使用导出的表格", field="file") from error
    parsed = []
    try:
        if not workbook.worksheets:
            raise Refusal("文件中没有工作表，请使用导出的表格", field="file")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [_text(cell) for cell in next(rows, ())]
        for number, cells in enumerate(rows, start=2):
            values = dict(zip(header, cells, strict=False))
            if all(_text(value) == "" for value in values.values()):
                continue
            parsed.append(_Row(number, values))
            if len(parsed) > MAX_ROWS:
                raise Refusal(f"一次最多导入 {MAX_ROWS} 行", field="file")
    except (KeyError, OSError, ValueError, TypeError, BadZipFile) as error:  # a damaged sheet, read lazily
        raise Refusal("文件内容无法读取，请使用导出的表格", field="file") from error
    finally:
        workbook.close()
    return header, parsed


def _amount(value: Any) -> Decimal | None:
    text = _text(value).replace(",", "")
    if not text:
        return None
    amount = Decimal(text)  # InvalidOperation for what is not a number
    if not amount.is_finite():
        raise InvalidOperation(text)
    return amount


def _check_row(row: _Row, rules: dict[str, list[ViolationRule]], on_date: date) -> list[RowError]:
    """Parse one row into its rule and tier; the problems found, each naming the column."""
    errors: list[RowError] = []
    values = row.values

    def error(column: str, message: str) -> None:
        errors.append(RowError(row.number, column, message))

    name, cited = _text(values.get("违法行为")), _text(values.get("处罚依据"))
    for column, value in (("违法行为", name), ("处罚依据", cited), ("档次", _text(values.get("档次")))):
        if not value:
            error(column, f"“{column}”为必填项")
    if name and cited:
        candidates = rules.get(name)
        if candidates is None:
            error("违法行为", f"系统中没有名为“{name}”的违法行为")
        else:
            matching = [
                rule
                for rule in candidates
                if _cited("、".join(p.citation for p in rule.penalises.all())) == _cited(cited)
            ]
            if not matching:
                in_force = "；".join(rule_name(rule) for rule in candidates) or "无"
                error(
                    "处罚依据", f"“{cited}”不是“{name}”在 {on_date.isoformat()} 施行的处罚依据（施行的为：{in_force}）"
                )
            else:
                row.rule = matching[0]
    label = _text(values.get("档次"))
    tier = _TIERS.get(label)
    if label and tier is None:
        error("档次", f"档次应为：{'、'.join(_TIERS)}")
    conditions = [line.strip() for line in _text(values.get("适用情形")).splitlines() if line.strip()]
    kind_text = _text(values.get("处罚种类")).replace("，", "、").replace(",", "、")
    kind_names = [part.strip() for part in kind_text.split("、") if part.strip()]
    unknown = [part for part in kind_names if part not in _KINDS]
    if unknown:
        error("处罚种类", f"未知的处罚种类“{'、'.join(unknown)}”，可选：{'、'.join(_KINDS)}")
    fines: dict[str, Decimal | None] = {}
    for column in ("罚款下限", "罚款上限"):
        try:
            fines[column] = _amount(values.get(column))
        except InvalidOperation:
            error(column, f"“{column}”应为数字")
    if not errors and tier is not None:
        row.tier = TierInput(
            tier=tier,
            conditions=tuple(conditions),
            kinds=tuple(_KINDS[part] for part in kind_names),
            fine_min=fines.get("罚款下限"),
            fine_max=fines.get("罚款上限"),
        )
    return errors


def _same(benchmark: DiscretionBenchmark | None, tiers: list[TierInput]) -> bool:
    """Whether `tiers` say what `benchmark` says (then importing them changes nothing)."""
    if benchmark is None:
        return False

    def key(tier: str, conditions: Any, kinds: Any, low: Decimal | None, high: Decimal | None) -> tuple[Any, ...]:
        return (tier, tuple(str(c) for c in conditions), tuple(sorted(kinds)), low, high)

    now = {key(t.tier, t.conditions, t.kinds, t.fine_min, t.fine_max) for t in benchmark.tiers.all()}
    given = {key(t.tier, t.conditions, t.kinds, t.fine_min, t.fine_max) for t in tiers}
    return now == given


def import_benchmarks(
    *, actor: User, agency: Agency, upload: IO[bytes], effective_from: date, source: str
) -> ImportResult:
    """Check the whole file; add a version from `effective_from` for every rule whose tiers it changes — all of
    them, or, at the first problem anywhere, none."""
    try:
        require_role(actor, EDITORS, agency=agency, doing=DOING)
    except Refusal as refusal:
        return ImportResult(errors=[RowError(0, "", refusal.message)])
    try:
        header, rows = _read(upload)
    except Refusal as refusal:
        return ImportResult(errors=[RowError(0, "", refusal.message)])
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        return ImportResult(errors=[RowError(1, column, f"缺少列“{column}”，请使用导出的表格") for column in missing])
    if not rows:
        return ImportResult(errors=[RowError(2, "", "文件中没有数据行")])
    rules: dict[str, list[ViolationRule]] = {
        violation.name: []
        for violation in Violation.objects.filter(name__in={_text(r.values.get("违法行为")) for r in rows})
    }
    for found in rules_in_force(effective_from).filter(violation__name__in=list(rules)):
        rules[found.violation.name].append(found)
    result = ImportResult()
    for row in rows:
        result.errors.extend(_check_row(row, rules, effective_from))
    groups: dict[int, list[_Row]] = {}
    incomplete: set[int] = set()  # a rule with a row in error is judged as a whole once the row is corrected
    for row in rows:
        if row.rule is not None:
            groups.setdefault(row.rule.pk, []).append(row)
            if row.tier is None:
                incomplete.add(row.rule.pk)
    for pk in incomplete:
        del groups[pk]
    book = BenchmarkBook(groups)
    changed: list[tuple[ViolationRule, list[_Row]]] = []
    for group in groups.values():
        group_rule = group[0].rule
        assert group_rule is not None
        rule = group_rule
        tiers = [row.tier for row in group if row.tier is not None]
        problem = tier_problem(rule, tiers)
        if problem is not None:
            at = next((row for row in group if row.tier is not None and row.tier.tier == problem.tier), group[0])
            column = PART_COLUMNS[problem.part]
            ceiling, given = rule.fine_max, at.tier.fine_max if at.tier else None
            if problem.part == "fine" and given is not None and ceiling is not None and given > ceiling:
                column = "罚款上限"
            result.errors.append(RowError(at.number, column, f"{rule_name(rule)}：{problem.message}"))
        elif _same(book.in_force(agency, rule.pk, effective_from), tiers):
            result.unchanged += 1
        else:
            changed.append((rule, group))
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else 99))
        return result
    with transaction.atomic():
        for rule, group in changed:
            try:
                result.added.append(
                    benchmark_add(
                        actor=actor,
                        agency=agency,
                        rule=rule,
                        effective_from=effective_from,
                        source=source,
                        tiers=[row.tier for row in group if row.tier is not None],
                    )
                )
            except Refusal as refusal:
                result.errors.append(RowError(group[0].number, "", str(refusal)))
                transaction.set_rollback(True)
                result.added.clear()
                break
    return result
