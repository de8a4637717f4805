"""Demo lists (演示数据): each bureau's enforcement bodies, powers and inspection items, as its system
administrator entered them for its legal office, and a second version of the forestry bureaus' power list so
that the history shows a change. The provisions cited are real; the codes, phones and documents are made up."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta
from typing import Any

from zhifa import demo_files
from zhifa.core.models import Agency, User
from zhifa.ledger import blobs
from zhifa.powers.choices import ListKind
from zhifa.powers.services import list_publish

DEMO = "演示数据"


def _power(code: str, name: str, kind: str, basis: str, bureau: str, workflow: str = "普通程序") -> dict[str, Any]:
    duties = {
        "penalty": "立案责任、调查责任、审查责任、告知责任、决定责任、送达责任、执行责任",
        "licence": "受理责任、审查责任、决定责任、送达责任、事后监管责任",
        "compulsion": "催告责任、决定责任、执行责任、事后监管责任",
        "inspection": "检查责任、处置责任、信息公开责任",
    }[kind]
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "basis": basis,
        "acting_body": bureau,
        "workflow": workflow,
        "duties": duties,
        "accountability": "因不履行或者不正确履行行政职责，有下列情形的，行政机关及其工作人员应当承担相应责任："
        "（一）对符合条件的不予受理、不予办理的；（二）违反法定程序实施的；（三）滥用职权、玩忽职守、徇私舞弊的",
        "supervision": f"{bureau}法制和监督科（演示电话 0000-12345）",
    }


def _inspection(
    code: str,
    name: str,
    basis: str,
    subject: str,
    methods: list[str],
    bureau: str,
    ratio: str = "",
    frequency: str = "",
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "inspecting_body": bureau,
        "basis": basis,
        "subject": subject,
        "methods": methods,
        "random_check": bool(ratio),
        "ratio": ratio,
        "frequency": frequency,
    }


# 国办发〔2024〕54号 asks each department to publish yearly caps; its example (one health authority: at most two a
# year at each level, four across the city and the county) is followed here, fewer for businesses of good credit.
CAPS_BASIS = "《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）；" + DEMO


def _caps(code: str, domain: str, bureau: str) -> list[dict[str, Any]]:
    rows = (
        ("本级", "全部企业", 2),
        ("市县两级合计", "全部企业", 4),
        ("本级", "信用风险分类为A类的企业", 1),
    )
    return [
        {
            "code": f"{code}-SX-{n:03d}",
            "domain": domain,
            "inspecting_body": bureau,
            "level": level,
            "scope": scope,
            "max_per_year": cap,
            "basis": CAPS_BASIS,
        }
        for n, (level, scope, cap) in enumerate(rows, start=1)
    ]


def _body(name: str, kind: str, basis: str, domains: list[str], region: str, **entrusted: Any) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "basis": basis,
        "domains": domains,
        "jurisdiction": region,
        "principal": "",
        "scope": "",
        "entrusted_from": None,
        "entrusted_until": None,
        "letter_name": "",
        "letter_sha256": "",
        **entrusted,
    }


def _letter(principal: str, organisation: str) -> str:
    lines = [
        "Entrustment letter (demo document, not a real letter)",
        f"Principal agency: {hashlib.sha256(principal.encode()).hexdigest()[:16]}",
        f"Entrusted organisation: {hashlib.sha256(organisation.encode()).hexdigest()[:16]}",
        "Scope: administrative penalties and inspections in the principal's name",
    ]
    data = demo_files.pdf("Entrustment letter", lines)
    return blobs.store(io.BytesIO(data), content_type="application/pdf").sha256


def _entrusted(bureau: Agency, unit: Agency, scope: str, start: date) -> dict[str, Any]:
    return _body(
        unit.name,
        "entrusted",
        "《中华人民共和国行政处罚法》第二十条；《中华人民共和国行政强制法》第十七条",
        list(unit.domains),
        "、".join(unit.jurisdiction),
        principal=bureau.name,
        scope=scope,
        entrusted_from=start.isoformat(),
        entrusted_until=date(start.year + 4, 12, 31).isoformat(),
        letter_name=f"{unit.name}委托书.pdf",
        letter_sha256=_letter(bureau.name, unit.name),
    )


def _forestry(bureau: Agency, code: str, start: date) -> dict[str, list[dict[str, Any]]]:
    name = bureau.name
    bodies = [
        _body(name, "statutory", "《中华人民共和国森林法》第九条", list(bureau.domains), "、".join(bureau.jurisdiction))
    ]
    for unit in bureau.children.order_by("path"):
        if unit.kind in ("brigade", "branch"):
            scope = f"以{name}名义实施森林法第七十三条至第七十八条规定的行政处罚，及林木采伐、木材经营加工的行政检查"
            bodies.append(_entrusted(bureau, unit, scope, start))
    forest_law = "《中华人民共和国森林法》"
    powers = [
        _power(f"{code}-CF-001", "对盗伐林木的行政处罚", "penalty", f"{forest_law}第七十六条第一款", name),
        _power(f"{code}-CF-002", "对滥伐林木的行政处罚", "penalty", f"{forest_law}第七十六条第二款", name),
        _power(
            f"{code}-CF-003", "对未经批准擅自改变林地用途的行政处罚", "penalty", f"{forest_law}第七十三条第一款", name
        ),
        _power(
            f"{code}-CF-004",
            "对在森林防火期内未经批准擅自在森林防火区内野外用火的行政处罚",
            "penalty",
            "《森林防火条例》第五十条",
            name,
            "简易程序、普通程序",
        ),
        _power(
            f"{code}-XK-001", "林木采伐许可证核发", "licence", f"{forest_law}第五十六条", name, "受理、审查、决定、送达"
        ),
        _power(
            f"{code}-QZ-001",
            "查封、扣押与破坏森林资源违法行为有关的工具、设备和木材",
            "compulsion",
            f"{forest_law}第六十七条第一款第二项；《中华人民共和国行政强制法》第二十二条",
            name,
            "审批、告知、实施、制作笔录、决定、送达、处理",
        ),
        _power(
            f"{code}-JC-001",
            "森林资源保护监督检查",
            "inspection",
            f"{forest_law}第六十六条、第六十七条",
            name,
            "检查、处置、公开",
        ),
    ]
    inspections = [
        _inspection(
            f"{code}-JCX-001",
            "林木采伐许可执行情况检查",
            f"{forest_law}第五十六条、第六十六条",
            "持有林木采伐许可证的单位和个人",
            ["onsite"],
            name,
            "不低于3%",
            "同一对象每年不超过1次",
        ),
        _inspection(
            f"{code}-JCX-002",
            "木材经营加工企业检查",
            f"{forest_law}第六十五条",
            "木材经营加工企业",
            ["onsite", "written"],
            name,
            "不低于5%",
            "同一对象每年不超过1次",
        ),
        _inspection(
            f"{code}-JCX-003",
            "林草种子生产经营检查",
            "《中华人民共和国种子法》第五十条",
            "林草种子生产经营者",
            ["onsite", "data"],
            name,
            "不低于3%",
            "每年1次",
        ),
        _inspection(
            f"{code}-JCX-004",
            "林业有害生物防治情况检查",
            "《森林病虫害防治条例》第七条",
            "林业经营单位和个人",
            ["onsite"],
            name,
        ),
    ]
    return {
        ListKind.BODIES: bodies,
        ListKind.POWERS: powers,
        ListKind.INSPECTIONS: inspections,
        ListKind.CAPS: _caps(code, "forestry", name),
    }


def _ecology(bureau: Agency, code: str, start: date) -> dict[str, list[dict[str, Any]]]:
    name = bureau.name
    bodies = [
        _body(
            name,
            "statutory",
            "《中华人民共和国环境保护法》第十条",
            list(bureau.domains),
            "、".join(bureau.jurisdiction),
        )
    ]
    for unit in bureau.children.order_by("path"):
        scope = f"以{name}名义在{'、'.join(unit.jurisdiction)}实施生态环境行政处罚、行政强制和行政检查"
        bodies.append(_entrusted(bureau, unit, scope, start))
    powers = [
        _power(
            f"{code}-CF-001",
            "对超过大气污染物排放标准排放污染物的行政处罚",
            "penalty",
            "《中华人民共和国大气污染防治法》第九十九条第二项",
            name,
        ),
        _power(
            f"{code}-CF-002",
            "对未取得排污许可证排放污染物的行政处罚",
            "penalty",
            "《排污许可管理条例》第三十三条",
            name,
        ),
        _power(
            f"{code}-CF-003",
            "对建设项目未依法报批环境影响报告书（表）擅自开工建设的行政处罚",
            "penalty",
            "《中华人民共和国环境影响评价法》第三十一条第一款",
            name,
        ),
        _power(
            f"{code}-XK-001",
            "排污许可证核发",
            "licence",
            "《排污许可管理条例》第三条、第九条",
            name,
            "受理、审查、决定、送达",
        ),
        _power(
            f"{code}-QZ-001",
            "查封、扣押造成污染物排放的设施、设备",
            "compulsion",
            "《中华人民共和国环境保护法》第二十五条；《环境保护主管部门实施查封、扣押办法》",
            name,
            "审批、告知、实施、制作笔录、决定、送达、解除",
        ),
        _power(
            f"{code}-JC-001",
            "对排污单位的现场检查",
            "inspection",
            "《中华人民共和国环境保护法》第二十四条",
            name,
            "检查、处置、公开",
        ),
    ]
    inspections = [
        _inspection(
            f"{code}-JCX-001",
            "排污单位污染物排放情况检查",
            "《中华人民共和国环境保护法》第二十四条；《排污许可管理条例》第二十八条",
            "排污单位",
            ["onsite", "data"],
            name,
            "重点排污单位不低于20%，一般排污单位不低于5%",
            "同一对象每年不超过2次",
        ),
        _inspection(
            f"{code}-JCX-002",
            "建设项目环境影响评价制度执行情况检查",
            "《中华人民共和国环境影响评价法》第二十八条",
            "建设单位",
            ["onsite", "written"],
            name,
            "不低于5%",
            "每年1次",
        ),
        _inspection(
            f"{code}-JCX-003",
            "危险废物规范化环境管理检查",
            "《中华人民共和国固体废物污染环境防治法》第二十九条",
            "产生、收集、贮存、利用、处置危险废物的单位",
            ["onsite", "written"],
            name,
            "不低于10%",
            "同一对象每年不超过1次",
        ),
        _inspection(
            f"{code}-JCX-004",
            "污染源自动监控设施运行情况检查",
            "《污染源自动监控管理办法》第十八条",
            "安装自动监控设施的排污单位",
            ["data"],
            name,
        ),
    ]
    return {
        ListKind.BODIES: bodies,
        ListKind.POWERS: powers,
        ListKind.INSPECTIONS: inspections,
        ListKind.CAPS: _caps(code, "ecology", name),
    }


def load_lists(today: date, admin: User, bureau: Agency, *, sector: str, code: str, short: str) -> None:
    """The bureau's lists (bodies, powers, inspection items, inspection caps), a year old; for a forestry
    bureau, a second power list two months ago."""
    start = today - timedelta(days=400)
    lists = _forestry(bureau, code, start) if sector == "forestry" else _ecology(bureau, code, start)
    for kind, items in lists.items():
        list_publish(
            actor=admin,
            agency=bureau,
            kind=kind,
            effective_from=start,
            source=f"{bureau.name}关于公布{ListKind(kind).label}的通知（{short}发〔{start.year}〕{len(kind)}号，{DEMO}）",
            reason=f"{DEMO}：依据机构改革后的“三定”规定和法律法规梳理，首次公布",
            items=items,
        )
    if sector != "forestry":
        return
    # 森林防火的行政处罚 moved to the emergency-management department; 第七十八条 added; a basis made precise.
    powers = [power for power in lists[ListKind.POWERS] if not power["code"].endswith("CF-004")]
    powers.insert(
        3,
        _power(
            f"{code}-CF-005",
            "对收购、加工、运输明知是盗伐、滥伐等非法来源的林木的行政处罚",
            "penalty",
            "《中华人民共和国森林法》第七十八条",
            bureau.name,
        ),
    )
    powers[2] = {
        **powers[2],
        "basis": "《中华人民共和国森林法》第七十三条第一款；《中华人民共和国森林法实施条例》第四十三条",
    }
    changed = today - timedelta(days=60)
    list_publish(
        actor=admin,
        agency=bureau,
        kind=ListKind.POWERS,
        effective_from=changed,
        source=f"{bureau.name}关于调整权责清单的通知（{short}发〔{changed.year}〕21号，{DEMO}）",
        reason=f"{DEMO}：森林防火行政处罚职责划转应急管理部门；新增森林法第七十八条规定的处罚事项；明确改变林地用途处罚的依据",
        items=powers,
    )
