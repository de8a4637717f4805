"""An agency's settings for its penalty cases: what is in force for it, and how an administrator changes them.

Each field of `CaseSettings` is taken from the agency's own row when set there, else from the nearest agency
above that sets it, else from the defaults below — so a provincial bureau sets its sector's "large amount"
once and every branch follows, while a county sets its own court. The document templates and the hearing
right read only `in_force(agency)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from zhifa.cases import rules
from zhifa.cases.choices import PartyKind, PenaltyKind
from zhifa.cases.models import Case, CaseSettings
from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.ledger.services import record

TEXT_FIELDS = ("reconsideration_body", "court", "payment_bank", "payment_account", "contact")


@dataclass(frozen=True)
class InForce:
    """The settings in force for one agency, and for each field the agency it comes from (None: default)."""

    reconsideration_body: str
    court: str
    payment_bank: str
    payment_account: str
    contact: str
    large_amount: Mapping[str, Decimal]
    large_amount_source: str
    # None: confiscations are compared with `large_amount` (no rule sets them apart).
    large_confiscation: Mapping[str, Decimal] | None
    large_confiscation_source: str
    # The kinds this agency's rules (its own and those above it) add to the hearing's list, each with its source.
    hearing_kinds: Mapping[str, str]
    # The length of each of rules.SECTOR_PERIODS, and the rule that sets it.
    periods: Mapping[str, int]
    periods_source: Mapping[str, str]
    # For each field, and each period by its name: the agency it comes from (None: default).
    set_by: Mapping[str, Agency | None]


def _defaults(agency: Agency) -> dict[str, Any]:
    # What is always correct when nothing is set, if less precise: the government above the agency reviews
    # its decisions (行政复议法 第二十四条), the court is "the one with jurisdiction", and the fine is paid
    # at the bank the agency names on the payment notice (罚缴分离, 行政处罚法 第六十七条).
    return {
        "reconsideration_body": "本机关的上一级主管部门或者本级人民政府",
        "court": "有管辖权的人民法院",
        "payment_bank": "本机关指定的代收罚款银行（罚缴分离）",
        "payment_account": "按随附的缴款通知书所载缴款码缴纳",
        "contact": agency.name,
    }


def in_force(agency: Agency) -> InForce:
    """The settings in force for `agency` (one query for the agency and those above it)."""
    line = agency.upward_line()
    rows = {row.agency_id: row for row in CaseSettings.objects.filter(agency__in=line)}
    chain = [(where, rows[where.pk]) for where in line if where.pk in rows]
    values: dict[str, Any] = {}
    set_by: dict[str, Agency | None] = {}
    for name in TEXT_FIELDS:
        found = next(((where, getattr(row, name)) for where, row in chain if getattr(row, name).strip()), None)
        values[name] = found[1].strip() if found else _defaults(agency)[name]
        set_by[name] = found[0] if found else None
    for group in ("large_amount", "large_confiscation"):
        # Each pair of thresholds comes whole from the nearest row that sets it, with that row's rule.
        found_row = next(((where, row) for where, row in chain if getattr(row, f"{group}_citizen") is not None), None)
        if found_row is not None:
            where, row = found_row
            values[group] = {
                PartyKind.CITIZEN: getattr(row, f"{group}_citizen"),
                PartyKind.ORGANISATION: getattr(row, f"{group}_organisation"),
            }
            values[f"{group}_source"] = row.large_amount_source
        else:
            where = None
            values[group] = rules.LARGE_AMOUNT_DEFAULT if group == "large_amount" else None
            values[f"{group}_source"] = (
                "默认值（某地方政府规定：公民5000元、单位100000元），请按本系统规定设置"
                if group == "large_amount"
                else "无单独规定，适用罚款的“较大数额”"
            )
        set_by[group] = where
    # Rules from every level apply together (a province's list and a city's), so the lists are joined.
    hearing_kinds: dict[str, str] = {}
    for _where, row in reversed(chain):
        for kind in row.hearing_kinds:
            hearing_kinds.setdefault(kind, row.hearing_kinds_source)
    values["hearing_kinds"] = hearing_kinds
    periods: dict[str, int] = {}
    sources: dict[str, str] = {}
    for period, name in rules.SECTOR_PERIODS.items():
        found_days = next(((where, row) for where, row in chain if getattr(row, name) is not None), None)
        if found_days is not None:
            periods[period], sources[period] = getattr(found_days[1], name), found_days[1].periods_source
            set_by[period] = found_days[0]
        elif period in rules.NO_DEFAULT:
            periods[period], sources[period] = 0, rules.NO_EXTENSION_SOURCE
            set_by[period] = None
        else:
            periods[period], sources[period] = rules.PERIODS[period].amount, rules.PERIODS[period].source
            set_by[period] = None
    return InForce(**values, periods=periods, periods_source=sources, set_by=set_by)


def hearing_right(case: Case, settings: InForce | None = None) -> bool:
    """Whether the intended penalty of `case` gives any of its parties a hearing (行政处罚法 第六十三条).

    `settings`: the agency's settings in force, when the caller has already read them."""
    parties = [party.kind for party in case.parties.all()]
    settings = settings or in_force(case.agency)
    return rules.hearing_right_of_any(
        case.penalty_kinds,
        case.fine,
        parties,
        confiscated=case.confiscated,
        large=settings.large_amount,
        large_confiscation=settings.large_confiscation,
        more_kinds=more_hearing_kinds(case.domain, settings),
    )


def more_hearing_kinds(domain: str, settings: InForce) -> dict[str, str]:
    """The kinds beyond the law's list that open the hearing for a case of `domain`, each with its source: the
    sector's shipped list and the agency's own rules."""
    shipped = rules.SECTOR_HEARING_KINDS.get(domain)
    kinds = dict.fromkeys(shipped.kinds, shipped.source) if shipped else {}
    return {**settings.hearing_kinds, **kinds}


AMOUNT_FIELDS = (
    "large_amount_citizen",
    "large_amount_organisation",
    "large_confiscation_citizen",
    "large_confiscation_organisation",
)
PERIOD_FIELDS = tuple(rules.SECTOR_PERIODS.values())
SETTINGS_FIELDS = [
    *TEXT_FIELDS,
    *AMOUNT_FIELDS,
    "large_amount_source",
    "hearing_kinds",
    "hearing_kinds_source",
    *PERIOD_FIELDS,
    "periods_source",
]


class CaseSettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    # The law's own heavy penalties open the hearing anyway; only the others can be added.
    hearing_kinds = forms.MultipleChoiceField(
        label=CaseSettings._meta.get_field("hearing_kinds").verbose_name,
        choices=[(value, label) for value, label in PenaltyKind.choices if value not in rules.HEAVY_PENALTIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("法律所列较重处罚（吊销许可证件、责令停产停业等）当然适用，无须勾选"),
    )

    class Meta:
        model = CaseSettings
        fields = SETTINGS_FIELDS


# The system administrator enters them; the agency head (审批人), who answers for the documents, may too.
EDITORS = (Role.SYSADMIN.value, Role.APPROVER.value)


def update(actor: User, agency: Agency, data: Mapping[str, Any]) -> CaseSettings:
    """Change `agency`'s own settings; recorded in the ledger in the same transaction."""
    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, EDITORS, agency=agency, doing="修改办案设置")
        current = CaseSettings.objects.select_for_update().filter(agency=agency).first()
        bound: Mapping[str, Any] = data
        if not hasattr(data, "getlist"):
            # A service caller's fields not given keep their value: changing the court keeps the thresholds.
            # (A page posts the whole form.)
            kept = model_to_dict(current, fields=SETTINGS_FIELDS) if current else {}
            bound = {**kept, **data}
        form = CaseSettingsForm(data=bound, instance=current or CaseSettings(agency=agency))
        if not form.is_valid():
            field, messages = next(iter(form.errors.items()))
            label = form.fields[field].label if field in form.fields else None
            raise Refusal(f"{label}：{messages[0]}" if label else str(messages[0]), field=field)
        row: CaseSettings = form.save()
        facts = {name: getattr(row, name) for name in (*TEXT_FIELDS, "large_amount_source", *PERIOD_FIELDS)}
        facts["periods_source"] = row.periods_source
        facts["hearing_kinds"] = sorted(row.hearing_kinds)
        facts["hearing_kinds_source"] = row.hearing_kinds_source
        for name in AMOUNT_FIELDS:
            value = getattr(row, name)
            facts[name] = None if value is None else f"{value:.2f}"
        record(actor=actor, action="case_settings.update", subject=row, facts=facts, agency=agency)
        return row
