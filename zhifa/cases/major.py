"""Whether a decision is major (重大执法决定) and needs the legal review first: computed from the catalog version in
force for the agency on the act's date and the case's facts, never from the handler's say-so alone.

行政处罚法 第五十八条: 未经法制审核或者审核未通过的，不得作出决定. The law lists what is always major (a decision
after a hearing; major public interest; a complex case with several legal relations); each agency's catalog
(国办发〔2018〕118号) adds amounts, penalty kinds and its own conditions. The handler may mark a case major where
the catalog does not reach (the public interest, a complex case, an agency's own condition), never the reverse.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation

from zhifa.cases.choices import PartyKind, PenaltyKind
from zhifa.cases.models import Case, MajorCatalog
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.ledger.services import record

LAW = "行政处罚法 第五十八条"


@dataclass(frozen=True)
class Clause:
    """What makes a case major, in the words of the catalog entry, and the rule that sets it."""

    text: str
    source: str

    def __str__(self) -> str:
        return f"{self.text}（{self.source}）"


def catalog_in_force(agency: Agency, on_date: date) -> MajorCatalog | None:
    """The latest version effective on `on_date` of the nearest agency, from `agency` upwards, that has one."""
    line = agency.upward_line()
    versions = MajorCatalog.objects.filter(agency__in=line, effective_from__lte=on_date)
    by_agency: dict[int, MajorCatalog] = {}
    for version in versions.order_by("-effective_from"):
        by_agency.setdefault(version.agency_id, version)
    return next((by_agency[where.pk] for where in line if where.pk in by_agency), None)


def _reaches(amount: Decimal | None, threshold: Decimal | None, inclusive: bool) -> bool:
    if amount is None or threshold is None:
        return False
    return amount >= threshold if inclusive else amount > threshold


def clauses(
    case: Case,
    on_date: date,
    *,
    kinds: Collection[str] | None = None,
    fine: Decimal | None = None,
    confiscated: Decimal | None = None,
    proposed: bool = True,
) -> list[Clause]:
    """The clauses that make `case` major on `on_date`; [] when it is not. `kinds`, `fine`, `confiscated`: the
    penalty being decided when it differs from the proposal on the case (`proposed=False`)."""
    if proposed:
        kinds, fine, confiscated = case.penalty_kinds, case.fine, case.confiscated
    found: list[Clause] = []
    catalog = catalog_in_force(case.agency, on_date)
    hearing = case.records.filter(action="hold_hearing", data__outcome="held").exists()
    if hearing and (catalog is None or catalog.after_hearing):
        found.append(Clause("直接关系当事人或者第三人重大权益，经过听证程序的", "行政处罚法 第五十八条第一款第二项"))
    if catalog is not None:
        parties = {party.kind for party in case.parties.all()} or {PartyKind.CITIZEN.value}
        word = "以上" if catalog.inclusive else "超过"
        for party in sorted(parties):
            who = "公民" if party == PartyKind.CITIZEN else "法人或者其他组织"
            threshold = catalog.fine_citizen if party == PartyKind.CITIZEN else catalog.fine_organisation
            if _reaches(fine, threshold, catalog.inclusive):
                found.append(Clause(f"对{who}处{threshold:,.0f}元{word}罚款", catalog.source))
            limit = catalog.confiscation_citizen if party == PartyKind.CITIZEN else catalog.confiscation_organisation
            if _reaches(confiscated, limit, catalog.inclusive):
                found.append(Clause(f"对{who}没收{limit:,.0f}元{word}违法所得或者非法财物", catalog.source))
        labels = dict(PenaltyKind.choices)
        for kind in sorted(set(kinds or ()) & set(catalog.penalty_kinds)):
            found.append(Clause(f"拟作出{labels.get(kind, kind)}", catalog.source))
        # 国办发〔2022〕27号: a penalty that leaves the benchmark, or goes below the legal floor, is reviewed.
        if catalog.outside_benchmark and (case.departure_reason or case.tier == "reduced"):
            found.append(Clause("不按裁量基准处罚或者减轻处罚", catalog.source))
    if case.major:
        found.append(
            Clause(
                "承办人员认定：涉及重大公共利益，或者案情疑难复杂、涉及多个法律关系，或者目录所列其他情形",
                "行政处罚法 第五十八条第一款第一项、第三项；" + (catalog.source if catalog else LAW),
            )
        )
    return found


def describe(found: list[Clause]) -> str:
    return "；".join(str(clause) for clause in found)


# 法制机构 edits the catalog: the agency's legal reviewers; the system administrator enters it for them.
EDITORS = (Role.LEGAL_REVIEWER.value, Role.SYSADMIN.value)
FIELDS = (
    "effective_from",
    "source",
    "fine_citizen",
    "fine_organisation",
    "confiscation_citizen",
    "confiscation_organisation",
    "inclusive",
    "penalty_kinds",
    "after_hearing",
    "outside_benchmark",
    "other_clauses",
)


def add_version(actor: User, agency: Agency, data: Mapping[str, Any]) -> MajorCatalog:
    """A new version of `agency`'s catalog, recorded in the ledger in the same transaction. A version already in
    force is never changed: a correction is a new version from a later day."""
    from zhifa.cases.forms import MajorCatalogForm

    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, EDITORS, agency=agency, doing="发布重大执法决定法制审核目录")
        form = MajorCatalogForm(data=data)
        if not form.is_valid():
            field, messages = next(iter(form.errors.items()))
            label = form.fields[field].label if field in form.fields else None
            raise Refusal(f"{label}：{messages[0]}" if label else str(messages[0]), field=field)
        cleaned = form.cleaned_data
        if MajorCatalog.objects.filter(agency=agency, effective_from=cleaned["effective_from"]).exists():
            raise Refusal("该施行日期已有一版目录；更正请以新的施行日期发布新版", field="effective_from")
        version = MajorCatalog(agency=agency, **{name: cleaned[name] for name in FIELDS})
        try:
            version.full_clean()
        except ValidationError as error:
            name, problems = next(iter(error.message_dict.items()))
            title = form.fields[name].label if name in form.fields else None
            raise Refusal(f"{title}：{problems[0]}" if title else str(problems[0]), field=name) from error
        version.save()
        facts = {name: _fact(getattr(version, name)) for name in FIELDS}
        record(actor=actor, action="major_catalog.add", subject=version, facts=facts, agency=agency)
        return version


def _fact(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


# What the reviewer checks, each passed or with the problem noted (国办发〔2018〕118号: 主体、权限、程序、事实、证据、
# 适用依据、裁量、文书). The remedies are those of the 2023 复议法 (the government at the agency's level, 60 days;
# reconsideration first for on-the-spot penalties); the basis is the provision in force on the act's date.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("subject", "执法主体适格，有管辖权（行政处罚法 第十七条、第二十二条）"),
    ("officers", "执法人员在各项行为之日持有有效执法证件（第四十二条）"),
    ("procedure", "程序合法（第四十四条至第六十五条）"),
    ("facts", "事实清楚"),
    ("evidence", "证据确凿、充分，取得合法（第四十条、第四十六条）"),
    ("basis", "适用依据正确：行为时有效的规定，从旧兼从轻（第三十七条）"),
    ("discretion", "裁量适当，符合裁量基准及其档次（第三十四条）"),
    ("remedies", "救济途径和期限告知正确（行政复议法 第二十条、第二十四条）"),
    ("limitation", "未超过追责时效（第三十六条）"),
    ("documents", "执法文书规范、齐全"),
)
CHECKLIST_LABELS = dict(CHECKLIST)
# The fields of a proposal a returned case may come back with changed, as the review page compares them.
PROPOSAL_FIELDS = {
    "facts_found": "违法事实",
    "legal_basis": "违反的法律规定",
    "penalty_basis": "处罚依据",
    "penalty_kinds": "处罚种类",
    "fine": "罚款金额",
    "confiscated": "没收价值",
    "penalty_text": "拟处罚内容",
    "discretion_reasons": "裁量说理",
}


@dataclass(frozen=True)
class Round:
    """One submission for review: the proposal reviewed, what changed since the round before, and the outcome."""

    number: int
    submitted_on: date
    proposal: dict[str, Any]
    changes: list[tuple[str, Any, Any]]  # (field label, before, after)
    outcome: dict[str, Any] | None  # the reviewer's recorded facts, None while it waits


def rounds(case: Case) -> list[Round]:
    """Every round of the review, oldest first, each proposal compared with the previous round's."""
    acts = ("report", "revise_proposal", "submit_review", "pass_review", "return_review")
    found: list[Round] = []
    proposal: dict[str, Any] = {}
    for record_ in case.records.filter(action__in=acts).order_by("entry_index"):
        if record_.action in ("report", "revise_proposal"):
            proposal = {name: record_.data.get(name) for name in PROPOSAL_FIELDS}
        elif record_.action == "submit_review":
            before = found[-1].proposal if found else {}
            changes = [
                (label, before.get(name), proposal.get(name))
                for name, label in PROPOSAL_FIELDS.items()
                if found and before.get(name) != proposal.get(name)
            ]
            found.append(Round(len(found) + 1, record_.on_date, dict(proposal), changes, None))
        elif found and found[-1].outcome is None:
            last = found[-1]
            found[-1] = Round(last.number, last.submitted_on, last.proposal, last.changes, dict(record_.data))
    return found
