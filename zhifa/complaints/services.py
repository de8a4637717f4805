"""The complaint services: filing from the public form, and each step the handling agency takes.

Every change goes through one of these functions, in one transaction with its ledger entry. The ledger
never holds the complainant's identity in clear: its facts carry a salted digest of it (`identity_digest`),
and of the free text (which may name the complainant) only its SHA-256; the row keeps the text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from zhifa.cases import services as case_services
from zhifa.cases.choices import LeadSource
from zhifa.cases.models import Case
from zhifa.complaints import rules
from zhifa.complaints.choices import ComplaintKind, ComplaintState, NotInspectReason, StepKind
from zhifa.complaints.forms import FilingForm, first_error
from zhifa.complaints.models import Complaint, ComplaintSettings, ComplaintStep
from zhifa.complaints.workflow import ACTIONS
from zhifa.core.choices import Domain
from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.permissions import require_role
from zhifa.ledger.services import record

# Crockford's base-32 letters without I, L, O, U and the digits 0 and 1: nothing to misread on a phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
NUMBER_LENGTH = 8  # 30**8 ≈ 6.6e11 numbers a year: a guessed number finds nothing, and the code is asked too
CODE_LENGTH = 12  # 30**12 ≈ 5.3e17: the secret that opens the tracking page
HIDDEN = "（投诉举报人信息已隐去）"


# ---- periods ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodInForce:
    name: str
    period: rules.Period
    amount: int
    source: str
    set_by: Agency | None  # None: the sector's shipped value

    def due(self, start: date) -> Any:
        return self.period.due(start, self.amount)

    def describe(self) -> str:
        return self.period.describe(self.amount)


def periods_for(agency: Agency, domain: str) -> dict[str, PeriodInForce]:
    """The complaint periods in force for `agency` in `domain`: its own setting, else the nearest agency's
    above it, else the sector's shipped value (rules.SECTOR), each with its source."""
    line = agency.upward_line()
    rows = {row.agency_id: row for row in ComplaintSettings.objects.filter(agency__in=line)}
    chain = [(where, rows[where.pk]) for where in line if where.pk in rows]
    shipped = rules.shipped(domain)
    found: dict[str, PeriodInForce] = {}
    for name in rules.PERIOD_NAMES:
        setting = next(((where, row) for where, row in chain if getattr(row, f"{name}_days") is not None), None)
        period = shipped[name]
        if setting is not None:
            where, row = setting
            found[name] = PeriodInForce(name, period, getattr(row, f"{name}_days"), row.periods_source, where)
        else:
            found[name] = PeriodInForce(name, period, period.amount, period.source, None)
    return found


def settings_update(
    *,
    actor: User,
    agency: Agency,
    accept_days: int | None,
    notice_days: int | None,
    answer_days: int | None,
    source: str,
) -> ComplaintSettings:
    """Set `agency`'s own complaint periods (None: inherit), with the rule that sets them."""
    from zhifa.cases.agency_settings import EDITORS

    with translation.override("zh-hans"), transaction.atomic():
        require_role(actor, EDITORS, agency=agency, doing="设置投诉举报期限")
        values = {"accept_days": accept_days, "notice_days": notice_days, "answer_days": answer_days}
        for name, value in values.items():
            if value is not None and not 1 <= value <= 365:
                raise Refusal("期限应为 1 至 365 之间的整数", field=name)
        if any(value is not None for value in values.values()) and not source.strip():
            raise Refusal("期限依据：设置期限须写明依据的规定", field="periods_source")
        row, _ = ComplaintSettings.objects.select_for_update().update_or_create(
            agency=agency, defaults={**values, "periods_source": source.strip()[:200]}
        )
        record(
            actor=actor,
            action="complaint_settings.update",
            subject=row,
            facts={**values, "periods_source": row.periods_source},
            agency=agency,
        )
        return row


# ---- routing ---------------------------------------------------------------------------------------------


def _places_match(area: str, place: str) -> bool:
    return bool(area) and bool(place) and (area == place or area in place or place in area)


def route_for(domain: str, area: str) -> Agency | None:
    """The competent agency for `domain` at `area`: the most local agency (deepest in the tree) whose domains
    include the domain and whose jurisdiction names the place; None when none does."""
    area = area.strip()
    candidates = [
        agency
        for agency in Agency.objects.order_by("path")
        if domain in (agency.domains or []) and any(_places_match(area, str(p)) for p in agency.jurisdiction or [])
    ]
    return max(candidates, key=lambda agency: agency.depth, default=None)


# ---- identity --------------------------------------------------------------------------------------------


def identity_digest(complaint: Complaint) -> str:
    """A salted SHA-256 of the complainant's identity: what the ledger records instead of the identity.

    The salt lives on the complaint's row only, so the digest cannot be matched against a list of phone
    numbers; whoever holds the row can show that the recorded identity is the one on it."""
    if complaint.anonymous:
        return ""
    text = json.dumps(
        [complaint.complainant_name, complaint.complainant_phone, complaint.complainant_id_number], ensure_ascii=False
    )
    return hashlib.sha256(bytes(complaint.identity_salt) + text.encode()).hexdigest()


def keyed_digest(kind: str, value: str) -> str:
    """A keyed digest (the site's secret) of a client address or phone number, for the rate limits."""
    return salted_hmac(f"zhifa.complaints.{kind}", value).hexdigest() if value else ""


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def scrub(text: str, complaint: Complaint) -> str:
    """`text` with the complainant's name, phone and ID number taken out (for a case lead, a document)."""
    for value in (complaint.complainant_id_number, complaint.complainant_phone, complaint.complainant_name):
        value = value.strip()
        if value:
            text = re.sub(re.escape(value), HIDDEN, text, flags=re.IGNORECASE)
    return text


# ---- filing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    code: str  # given to the complainant once; only its hash is kept


def normalise_code(code: str) -> str:
    return re.sub(r"[\s\-]", "", code).upper()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def _clean_filing(data: Mapping[str, Any]) -> dict[str, Any]:
    bound = data if hasattr(data, "getlist") else {k: (v.pk if isinstance(v, Model) else v) for k, v in data.items()}
    form = FilingForm(data=bound)
    if not form.is_valid():
        field, message = first_error(form)
        raise Refusal(message, field=field)
    return dict(form.cleaned_data)


def _dues(complaint: Complaint, periods: Mapping[str, PeriodInForce]) -> dict[str, str]:
    accept = periods["accept"].due(complaint.routed_on)
    notice = periods["notice"].due(complaint.routed_on)
    complaint.accept_due, complaint.notice_due = accept.date, notice.date
    complaint.due_provisional = accept.provisional or notice.provisional
    return {"accept_due": accept.date.isoformat(), "notice_due": notice.date.isoformat()}


def _period_facts(periods: Mapping[str, PeriodInForce], *names: str) -> dict[str, str]:
    return {name: f"{periods[name].describe()}（{periods[name].source}）" for name in names}


def complaint_file(*, data: Mapping[str, Any], client_address: str = "", received_on: date | None = None) -> Filed:
    """File a complaint or report from the public (no actor). Returns it with its query code.

    `received_on`: the day it was received, when it came by another channel (a 12345 hotline's forwarding, a
    letter) and is entered later; not after today. The public form never sets it.

    Rate-limited per client address and per phone number (rules.FILINGS_PER_HOUR_*), counted on the filed
    complaints themselves, so that every web process sees the same count."""
    with translation.override("zh-hans"), transaction.atomic():
        cleaned = _clean_filing(data)
        now = timezone.now()
        anonymous = bool(cleaned.get("anonymous"))
        phone = "" if anonymous else cleaned["phone"]
        client = keyed_digest("client", client_address)
        phone_key = keyed_digest("phone", phone)
        hour_ago = now - timedelta(hours=1)
        if client and (
            Complaint.objects.filter(client_digest=client, filed_at__gte=hour_ago).count()
            >= rules.FILINGS_PER_HOUR_PER_ADDRESS
        ):
            raise Refusal(
                f"同一网络地址每小时最多提交 {rules.FILINGS_PER_HOUR_PER_ADDRESS} 件投诉举报，请稍后再提交，"
                "或拨打 12345 热线"
            )
        if phone_key and (
            Complaint.objects.filter(phone_digest=phone_key, filed_at__gte=hour_ago).count()
            >= rules.FILINGS_PER_HOUR_PER_PHONE
        ):
            raise Refusal(
                f"您的手机号码：同一号码每小时最多提交 {rules.FILINGS_PER_HOUR_PER_PHONE} 件投诉举报，请稍后再提交",
                field="phone",
            )
        domain, area = cleaned["domain"], cleaned.get("area", "").strip()
        chosen: Agency | None = cleaned.get("agency")
        handling = chosen or route_for(domain, area)
        if handling is None:
            raise Refusal(
                f"发生地：未找到管辖“{area}”{Domain(domain).label}事项的机关，请核对地名，或直接选择机关", field="area"
            )
        today = timezone.localdate()
        if received_on is not None and received_on > today:
            raise Refusal("收到日期不能晚于今天", field="received_on")
        received = received_on or today
        code = _random(CODE_LENGTH)
        complaint = Complaint(
            code_hash=make_password(code),
            kind=cleaned["kind"],
            domain=domain,
            area=area,
            addressed_to=chosen,
            handling_agency=handling,
            subject=cleaned["subject"].strip(),
            facts=cleaned["facts"].strip(),
            anonymous=anonymous,
            complainant_name="" if anonymous else cleaned["name"].strip(),
            complainant_phone=phone,
            complainant_id_number="" if anonymous else cleaned.get("id_number", ""),
            identity_salt=os.urandom(16),
            client_digest=client,
            phone_digest=phone_key,
            filed_at=now,
            received_on=received,
            routed_on=received,
        )
        periods = periods_for(handling, domain)
        dues = _dues(complaint, periods)
        for _attempt in range(5):
            complaint.number = f"TS{today.year}-{_random(NUMBER_LENGTH)}"
            try:
                with transaction.atomic():
                    complaint.save()
                break
            except IntegrityError:  # the number was taken (about once in 10^11): draw another
                continue
        else:  # pragma: no cover - five collisions in a row
            raise Refusal("系统繁忙，请稍后再提交")
        entry = record(
            actor=None,
            action="complaint.file",
            subject=complaint,
            facts={
                "number": complaint.number,
                "kind": complaint.kind,
                "domain": domain,
                "area": area,
                "addressed_to": chosen.pk if chosen else None,
                "handling_agency": handling.pk,
                "routed": chosen is None,
                "subject_sha256": hashlib.sha256(complaint.subject.encode()).hexdigest(),
                "facts_sha256": hashlib.sha256(complaint.facts.encode()).hexdigest(),
                "anonymous": anonymous,
                "identity": identity_digest(complaint),
                "received_on": received.isoformat(),
                **dues,
                "periods": _period_facts(periods, "accept", "notice"),
            },
            agency=handling,
        )
        ComplaintStep.objects.create(
            complaint=complaint, kind=StepKind.FILE, on_date=received, to_agency=handling, entry_index=entry.index
        )
        return Filed(complaint, code)


# ---- the handling agency's steps -------------------------------------------------------------------------


def refusal_for(actor: User, complaint: Complaint, name: str) -> str | None:
    """Why `actor` may not take action `name` on `complaint` now (None: he may). Pages ask this."""
    action = ACTIONS[name]
    if complaint.state not in action.sources:
        return f"该投诉举报处于“{ComplaintState(complaint.state).label}”状态，不能{action.label}"
    try:
        require_role(actor, action.roles, agency=complaint.handling_agency, doing=action.label)
    except Refusal as refusal:
        return refusal.message
    if action.same_agency and actor.agency_id != complaint.handling_agency_id:
        return f"只有办理机关（{complaint.handling_agency.name}）的工作人员可以{action.label}"
    return None


def allowed_actions(actor: User, complaint: Complaint) -> list[str]:
    return [name for name in ACTIONS if refusal_for(actor, complaint, name) is None]


def _locked(actor: User, complaint: Complaint, name: str) -> Complaint:
    fresh = Complaint.objects.select_for_update().select_related("handling_agency").get(pk=complaint.pk)
    problem = refusal_for(actor, fresh, name)
    if problem is not None:
        raise Refusal(problem, rule=ACTIONS[name].source)
    return fresh


def _state_facts(complaint: Complaint) -> dict[str, Any]:
    return {
        "state": complaint.state,
        "handling_agency": complaint.handling_agency_id,
        "case": complaint.case_id,
        "identity": identity_digest(complaint),
    }


def _step(
    actor: User,
    complaint: Complaint,
    kind: str,
    facts: dict[str, Any],
    *,
    note: str = "",
    from_agency: Agency | None = None,
    to_agency: Agency | None = None,
    agency: Agency | None = None,
) -> None:
    target = ACTIONS[kind].target
    if target is not None:
        complaint.state = target
    complaint.save()
    entry = record(
        actor=actor,
        action=f"complaint.{kind}",
        subject=complaint,
        facts={"number": complaint.number, **facts, **_state_facts(complaint)},
        agency=agency or complaint.handling_agency,
    )
    ComplaintStep.objects.create(
        complaint=complaint,
        kind=kind,
        on_date=timezone.localdate(),
        actor=actor,
        note=note,
        from_agency=from_agency,
        to_agency=to_agency,
        entry_index=entry.index,
    )


def _text(value: str, field: str, label: str, limit: int = 5_000) -> str:
    value = (value or "").strip()
    if not value:
        raise Refusal(f"{label}：必须填写", field=field)
    if len(value) > limit:
        raise Refusal(f"{label}：最多 {limit} 字", field=field)
    return value


def complaint_accept(*, actor: User, complaint: Complaint) -> Complaint:
    """受理: the answer period starts."""
    with translation.override("zh-hans"), transaction.atomic():
        complaint = _locked(actor, complaint, "accept")
        today = timezone.localdate()
        periods = periods_for(complaint.handling_agency, complaint.domain)
        answer = periods["answer"].due(today)
        complaint.accepted_on, complaint.answer_due = today, answer.date
        complaint.due_provisional = complaint.due_provisional or answer.provisional
        facts = {
            "accepted_on": today.isoformat(),
            "in_time": complaint.accept_due is None or today <= complaint.accept_due,
            "answer_due": answer.date.isoformat(),
            "periods": _period_facts(periods, "answer"),
        }
        _step(actor, complaint, "accept", facts)
        return complaint


def complaint_refuse(*, actor: User, complaint: Complaint, reason: str) -> Complaint:
    """不予受理, with the reason the complainant reads."""
    with translation.override("zh-hans"), transaction.atomic():
        complaint = _locked(actor, complaint, "refuse")
        complaint.refuse_reason = _text(reason, "reason", "不予受理理由")
        complaint.closed_on = timezone.localdate()
        # Free text is recorded by its hash only: staff often name the complainant in it.
        _step(actor, complaint, "refuse", {"reason_sha256": _sha256(complaint.refuse_reason)})
        return complaint


def complaint_route(*, actor: User, complaint: Complaint, to_agency: Agency, reason: str) -> Complaint:
    """Re-route to the competent agency in the system: its periods start again from today."""
    with translation.override("zh-hans"), transaction.atomic():
        complaint = _locked(actor, complaint, "route")
        reason = _text(reason, "reason", "改派理由")
        if to_agency.pk == complaint.handling_agency_id:
            raise Refusal("改派给：不能改派给本机关", field="to_agency")
        before = complaint.handling_agency
        complaint.handling_agency = to_agency
        complaint.routed_on = timezone.localdate()
        periods = periods_for(to_agency, complaint.domain)
        dues = _dues(complaint, periods)
        facts = {"from": before.pk, "to": to_agency.pk, "reason_sha256": _sha256(reason), **dues}
        # Recorded under the agency it leaves, which made the decision; the new one sees it in the steps.
        _step(actor, complaint, "route", facts, note=reason, from_agency=before, to_agency=to_agency, agency=before)
        return complaint


def complaint_transfer(*, actor: User, complaint: Complaint, body: str, reason: str) -> Complaint:
    """移送: to a body outside this system (e.g. the police); the complainant is told where it went."""
    with translation.override("zh-hans"), transaction.atomic():
        complaint = _locked(actor, complaint, "transfer")
        complaint.transferred_to = _text(body, "body", "移送机关", 200)
        reason = _text(reason, "reason", "移送理由")
        complaint.notice = reason
        complaint.closed_on = timezone.localdate()
        facts = {"body": complaint.transferred_to, "reason_sha256": _sha256(reason)}
        _step(actor, complaint, "transfer", facts, note=reason)
        return complaint


def lead_summary(complaint: Complaint) -> str:
    """The case lead's summary: what was reported, never who reported it."""
    text = (
        f"{ComplaintKind(complaint.kind).label}（编号 {complaint.number}，{complaint.received_on:%Y-%m-%d} 收到）。"
        f"被投诉举报对象：{complaint.subject}。反映情况：{complaint.facts}"
    )
    return scrub(text, complaint)


def complaint_open_lead(*, actor: User, complaint: Complaint, title: str) -> Case:
    """登记为案源: a case lead opened through the cases' own service, linked to the complaint."""
    with translation.override("zh-hans"), transaction.atomic():
        complaint = _locked(actor, complaint, "open_lead")
        title = _text(title, "title", "案由", 200)
        today = timezone.localdate()
        case = case_services.perform(
            actor,
            "register_lead",
            {
                "on_date": today,
                "domain": complaint.domain,
                "source": LeadSource.COMPLAINT,
                "title": scrub(title, complaint),
                "summary": lead_summary(complaint),
                "received_on": complaint.received_on,
            },
            agency=complaint.handling_agency,
        )
        complaint.case = case
        _step(actor, complaint, "open_lead", {"case": case.pk, "title": case.title})
        return case


def complaint_not_inspect(*, actor: User, complaint: Complaint, reason: str, explanation: str) -> Complaint:
    """不予检查: the complainant is told why, within the notice period (海南省涉企行政检查条例（试行）第十三条)."""
    with translation.override("zh-hans"), transaction.atomic():
        complaint = _locked(actor, complaint, "not_inspect")
        if reason not in NotInspectReason.values:
            raise Refusal("不予检查的理由：请从列出的理由中选择", field="reason")
        explanation = _text(explanation, "explanation", "向投诉举报人说明的情况")
        today = timezone.localdate()
        complaint.not_inspect_reason = reason
        complaint.notice = f"{NotInspectReason(reason).label}。{explanation}"
        complaint.closed_on = today
        facts = {
            "reason": reason,
            "notice_sha256": hashlib.sha256(complaint.notice.encode()).hexdigest(),
            "noticed_on": today.isoformat(),
            "in_time": complaint.notice_due is None or today <= complaint.notice_due,
            "rule": rules.NOTICE.source,
        }
        _step(actor, complaint, "not_inspect", facts)
        return complaint


def complaint_answer(*, actor: User, complaint: Complaint, answer: str) -> Complaint:
    """办理结果答复: the complainant reads it on the tracking page."""
    with translation.override("zh-hans"), transaction.atomic():
        complaint = _locked(actor, complaint, "answer")
        complaint.answer = _text(answer, "answer", "答复内容")
        today = timezone.localdate()
        complaint.closed_on = today
        facts = {
            "answer_sha256": hashlib.sha256(complaint.answer.encode()).hexdigest(),
            "answered_on": today.isoformat(),
            "in_time": complaint.answer_due is None or today <= complaint.answer_due,
        }
        _step(actor, complaint, "answer", facts)
        return complaint
