"""The scoring sheet of a case-file review (案卷评查标准): data, with its source, and the arithmetic on it.

A sheet has veto items (any one found: the file scores 0 and fails), scored criteria grouped in sections (卷面 /
内容), each with its full points and the points a defect usually costs, and the grade cut-offs. The default
follows the structure of the sector standards RULES.md cites ("case files reviewed and graded"; background/
mission-anchors.md B11: veto items, 卷面 20 + 内容 80, deducted per defect, never below zero); the cut-offs
90 / 70 are RULES.md's placeholder defaults, kept as data. A supervisor publishes his own version
(models.ReviewCriteria); the version in force on the day of the review applies (`in_force`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency

EXCELLENT = "excellent"
PASS = "pass"  # noqa: S105 (a grade, not a password)
FAIL = "fail"
GRADE_LABELS = {EXCELLENT: "优秀", PASS: "合格", FAIL: "不合格"}
# Bounds of a published sheet: a sheet is read on one page and printed on the review sheet's one or two pages.
MAX_ITEMS = 30
MAX_VETOES = 20
NAME_LENGTH = 100
SOURCE_LENGTH = 500
LABEL_LENGTH = 60
CODE_LENGTH = 30

DEFAULT_SHEET: dict[str, Any] = {
    "name": "行政执法案卷评查标准（默认）",
    "source": (
        "行政执法监督条例 第十八条；大青山保护区管理局行政执法监督工作方案（seed 000）“案卷评查”；"
        "行业评查标准的结构（否决项；卷面 20 分、内容 80 分，逐项扣分）；等次分数线为默认值"
    ),
    "vetoes": [
        {"code": "veto.agency", "label": "执法主体不合法"},
        {"code": "veto.officer", "label": "执法人员不具备执法资格或者少于两人"},
        {"code": "veto.facts", "label": "主要事实不清、证据不足"},
        {"code": "veto.law", "label": "定性错误或者适用法律错误"},
        {"code": "veto.procedure", "label": "程序严重违法（如重大执法决定未经法制审核）"},
        {"code": "veto.transfer", "label": "应当移送司法机关而未移送"},
    ],
    "sections": [
        {"code": "layout", "label": "卷面", "points": 20},
        {"code": "contents", "label": "内容", "points": 80},
    ],
    "items": [
        {"code": "documents", "section": "layout", "label": "文书齐全", "points": 10, "per_defect": 2},
        {"code": "forms", "section": "layout", "label": "文书制作规范、卷宗装订", "points": 10, "per_defect": 2},
        {"code": "evidence", "section": "contents", "label": "调查取证、全过程记录", "points": 20, "per_defect": 5},
        {"code": "facts", "section": "contents", "label": "事实认定与证据", "points": 15, "per_defect": 5},
        {"code": "discretion", "section": "contents", "label": "适用法律与裁量说理", "points": 15, "per_defect": 5},
        {"code": "procedure", "section": "contents", "label": "执法程序", "points": 10, "per_defect": 3},
        {"code": "deadlines", "section": "contents", "label": "办案期限", "points": 10, "per_defect": 3},
        {"code": "service", "section": "contents", "label": "送达与执行", "points": 10, "per_defect": 3},
    ],
    "cutoffs": {EXCELLENT: 90, PASS: 70},
}


@dataclass(frozen=True)
class Sheet:
    """A sheet as data, checked (`parse`)."""

    name: str
    source: str
    vetoes: tuple[dict[str, str], ...]
    items: tuple[dict[str, Any], ...]
    cutoffs: dict[str, int]
    version: str  # "默认" or the published version's date

    def item(self, code: str) -> dict[str, Any] | None:
        return next((item for item in self.items if item["code"] == code), None)

    def veto(self, code: str) -> dict[str, str] | None:
        return next((veto for veto in self.vetoes if veto["code"] == code), None)

    @property
    def total(self) -> int:
        return sum(int(item["points"]) for item in self.items)


def parse(data: dict[str, Any], version: str) -> Sheet:
    """The sheet in `data`, or a Refusal naming what is wrong: 1 to MAX_ITEMS items adding up to 100, each costing
    per defect no more than its points, at most MAX_VETOES veto items, codes distinct, names and labels bounded, the
    cut-offs 0 < pass ≤ excellent ≤ 100, the source stated."""
    try:
        items: tuple[dict[str, Any], ...] = tuple(
            {
                "code": str(item["code"]),
                "section": str(item.get("section", "")),
                "label": str(item["label"]),
                "points": int(item["points"]),
                "per_defect": int(item.get("per_defect", 1)),
            }
            for item in data["items"]
        )
        vetoes = tuple({"code": str(veto["code"]), "label": str(veto["label"])} for veto in data.get("vetoes", []))
        cutoffs = {EXCELLENT: int(data["cutoffs"][EXCELLENT]), PASS: int(data["cutoffs"][PASS])}
        name, source = str(data.get("name", "")).strip(), str(data.get("source", "")).strip()
    except (KeyError, TypeError, ValueError) as error:
        raise Refusal(f"评查标准格式不正确：{error}", field="sheet") from error
    if not source:
        raise Refusal("请写明评查标准的依据（制定或公布的文件）", field="source")
    if len(source) > SOURCE_LENGTH:
        raise Refusal(f"评查标准的依据不能超过{SOURCE_LENGTH}字", field="source")
    if len(name) > NAME_LENGTH:
        raise Refusal(f"评查标准名称不能超过{NAME_LENGTH}字", field="name")
    if not items or len(items) > MAX_ITEMS:
        raise Refusal(f"评分项应有1至{MAX_ITEMS}项", field="items")
    if len(vetoes) > MAX_VETOES:
        raise Refusal(f"否决项不能超过{MAX_VETOES}项", field="vetoes")
    for kind, row in [("评分项", item) for item in items] + [("否决项", veto) for veto in vetoes]:
        if not row["label"].strip() or len(row["label"]) > LABEL_LENGTH:
            raise Refusal(f"{kind}“{row['label'][:10]}”：名称应为1至{LABEL_LENGTH}字", field="items")
        if not row["code"] or len(row["code"]) > CODE_LENGTH:
            raise Refusal(f"{kind}“{row['label']}”：编码应为1至{CODE_LENGTH}个字符", field="items")
    codes = [item["code"] for item in items] + [veto["code"] for veto in vetoes]
    if len(set(codes)) != len(codes):
        raise Refusal("评查标准的项目编码不能重复", field="sheet")
    for item in items:
        if item["points"] <= 0 or item["per_defect"] <= 0:
            raise Refusal(f"评分项“{item['label']}”：分值和每处扣分应大于零", field="items")
        if item["per_defect"] > item["points"]:
            raise Refusal(f"评分项“{item['label']}”：每处扣分不能超过该项分值{item['points']}分", field="items")
    total = sum(item["points"] for item in items)
    if total != 100:
        raise Refusal(f"评分项的分值合计应为100分，现为{total}分", field="items")
    if not 0 < cutoffs[PASS] <= cutoffs[EXCELLENT] <= 100:
        raise Refusal("等次分数线应满足：0 < 合格线 ≤ 优秀线 ≤ 100", field="cutoffs")
    return Sheet(name or "行政执法案卷评查标准", source, vetoes, items, cutoffs, version)


DEFAULT = parse(DEFAULT_SHEET, "默认")


def in_force(agency: Agency, on_date: date) -> tuple[Sheet, Any]:
    """The sheet in force on `on_date` for reviews by `agency`: the latest version effective that day published by
    the agency or the nearest one above that published any; else the default. Returns the sheet and the version
    row (None for the default)."""
    from zhifa.supervision.models.reviews import ReviewCriteria

    for publisher in agency.upward_line():
        version = (
            ReviewCriteria.objects.filter(agency=publisher, effective_from__lte=on_date)
            .order_by("-effective_from")
            .first()
        )
        if version is not None:
            return parse(version.sheet, f"{version.effective_from:%Y-%m-%d}"), version
    return DEFAULT, None


@dataclass(frozen=True)
class Score:
    total: Decimal
    grade: str
    vetoed: bool
    lines: tuple[tuple[dict[str, Any], Decimal], ...]  # each item and the points taken off it (capped)


def score(sheet: Sheet, deductions: dict[str, Decimal], vetoes: set[str]) -> Score:
    """The total and grade: a veto found → 0 and 不合格; else 100 less each item's deductions, an item never
    below zero (its deductions capped at its points); graded on the sheet's cut-offs ("≥")."""
    lines = tuple(
        (item, min(Decimal(item["points"]), deductions.get(item["code"], Decimal(0)))) for item in sheet.items
    )
    if vetoes:
        return Score(Decimal(0), FAIL, True, lines)
    total = Decimal(sheet.total) - sum((taken for _item, taken in lines), Decimal(0))
    if total >= sheet.cutoffs[EXCELLENT]:
        grade = EXCELLENT
    elif total >= sheet.cutoffs[PASS]:
        grade = PASS
    else:
        grade = FAIL
    return Score(total, grade, False, lines)
