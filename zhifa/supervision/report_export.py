"""A report's figures for the provincial supervision system, as JSON and CSV: one data element (数据元) a field.

Layout (docs/supervision-reports.md): the data elements are described as the Guangdong and Shenzhen standards
describe theirs — 广东省地方标准 DB44/T 2402—2022《行政执法综合信息数据元规范》 and 深圳市地方标准
DB4403/T 164.1—2021《行政执法监督数据规范 第1部分：数据元》, both after GB/T 19488.2 — by an identifier, a Chinese
name, a value and a unit. The texts themselves could not be read here (only their covers and tables of contents), so
the identifiers below are Zhifa's own (the pinyin initials of the Chinese name, the way those standards' tables
abbreviate) and the names are the Chinese statistical headings; a province that publishes its identifiers maps them
in FIELD_CODES, nothing else changes.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from zhifa.cases.choices import PenaltyKind
from zhifa.supervision import statistics
from zhifa.supervision.models.reports import AnnualReport

STANDARD = "DB44/T 2402—2022；DB4403/T 164.1—2021（数据元描述方法；标识符为本系统自定，见 docs/supervision-reports.md）"
VERSION = "zhifa-report-export/1"

# The report's own elements: (code, name, unit, how the value is read from the report).
HEADER: tuple[tuple[str, str, str, str], ...] = (
    ("ZFZTMC", "执法主体名称", "", "agency.name"),
    ("ZFZTTYSHXYDM", "执法主体统一社会信用代码", "", "agency.credit_code"),
    ("BGZL", "报告种类", "", "kind"),
    ("TJND", "统计年度", "", "year"),
    ("TJJD", "统计季度", "", "quarter"),
    ("TJQQ", "统计期起", "", "period_start"),
    ("TJQZ", "统计期止", "", "period_end"),
    ("SJJZRQ", "数据截至日期", "", "figures_as_of"),
    ("BSQX", "报送期限", "", "due_on"),
    ("BSRQ", "报送日期", "", "submitted_on"),
    ("SJZY", "统计数据摘要值（SHA-256）", "", "figures_sha256"),
)
# The figures: statistics key → (code, name, unit).
FIELD_CODES: dict[str, tuple[str, str, str]] = {
    "received": ("ASDJS", "案源登记数", "件"),
    "filed": ("LAS", "立案数", "件"),
    "decisions": ("XZCFJDS", "行政处罚决定数", "件"),
    "summary": ("JYCXCFS", "简易程序处罚数", "件"),
    "fines": ("FKJE", "罚款金额", "元"),
    "confiscated": ("MSJE", "没收违法所得和非法财物金额", "元"),
    "no_penalty": ("BYCFJDS", "不予处罚决定数", "件"),
    "hearings": ("TZS", "举行听证次数", "次"),
    "reviews": ("FZSHS", "法制审核意见数", "份"),
    "to_judiciary": ("YSSFJGS", "移送司法机关案件数", "件"),
    "to_competent": ("YSYGXQJGS", "移送有管辖权机关案件数", "件"),
    "closed": ("JAS", "结案数", "件"),
    "overdue": ("CQBAS", "超过办案期限案件数", "件"),
    "published_on_time": ("AQGSS", "按期公示数", "件"),
    "published_late": ("YQGSS", "逾期公示数", "件"),
    "unpublished": ("WGSS", "尚未公示数", "件"),
    "withheld": ("BYGKS", "依法不予公开数", "件"),
    "complaints_received": ("TSJBSLS", "收到投诉举报数", "件"),
    "complaints_handled": ("TSJBBJS", "办结投诉举报数", "件"),
    "reconsiderations": ("BSQXZFYS", "被申请行政复议数", "件"),
    "reconsiderations_corrected": ("FYJCS", "行政复议被纠错数", "件"),
    "litigations": ("BQSS", "被提起行政诉讼数", "件"),
    "litigations_corrected": ("SSBSS", "行政诉讼败诉数", "件"),
    "officers": ("ZGZFRYS", "在岗行政执法人员数", "人"),
    "auxiliaries": ("ZFFZRYS", "执法辅助人员数", "人"),
    "certificates_valid": ("YXZFZJS", "有效行政执法证件数", "个"),
    **{f"kind_{code}": (f"CFZL_{code.upper()}", f"处罚种类：{label}", "件") for code, label in PenaltyKind.choices},
}


def _read(report: AnnualReport, path: str) -> Any:
    value: Any = report
    for part in path.split("."):
        value = getattr(value, part)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value if value is not None else ""


def fields(report: AnnualReport) -> list[dict[str, Any]]:
    total = report.figures.get("total", {})
    out = [
        {"code": code, "name": name, "value": _read(report, path), "unit": unit} for code, name, unit, path in HEADER
    ]
    for key in statistics.KEYS:
        code, name, unit = FIELD_CODES[key]
        out.append({"code": code, "name": name, "value": total.get(key, 0), "unit": unit})
    return out


def as_json(report: AnnualReport) -> dict[str, Any]:
    return {
        "format": VERSION,
        "standard": STANDARD,
        "fields": fields(report),
        # The agencies below, each with the same figures (the supervisor's comparison).
        "agencies": [
            {
                "name": agency["name"],
                "fields": [
                    {"code": FIELD_CODES[key][0], "value": agency["figures"].get(key, 0)} for key in statistics.KEYS
                ],
            }
            for agency in report.figures.get("agencies") or []
        ],
    }


def as_csv(report: AnnualReport) -> str:
    """One row a data element: identifier, name, value, unit (UTF-8; the report's own figures)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["数据元标识", "数据元名称", "值", "单位"])
    for field in fields(report):
        writer.writerow([field["code"], field["name"], field["value"], field["unit"]])
    return out.getvalue()
