"""Automatic monitoring readings (自动监控数据) posted by a device's platform, and the lead an exceedance opens.

The lead rule (docs/decisions.md, "Evidence from devices"): a reading over its limit opens a lead (案源, source
监测发现) unless a lead opened by a reading of the same device and parameter is still being checked or
investigated (state 案源登记, 已立案 or 调查取证); then it joins that lead's episode (`Reading.case`) and opens
nothing. Once that case has left investigation (reported, decided, ended, not filed), a new exceedance is a new
act and opens a new lead. Readings within the limit are kept and open nothing. A reading is known by its
device's own id: posting it again answers what the first post did and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from zhifa.cases import services as case_services
from zhifa.cases.choices import LeadSource, PartyKind
from zhifa.cases.models import Case
from zhifa.cases.workflow import State
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.devices.models import Device, Reading
from zhifa.ledger.services import record

MAX_READINGS = 100  # readings in one post
# The states in which a lead opened by a device's exceedance still gathers that episode's readings.
EPISODE_STATES = (State.LEAD.value, State.FILED.value, State.INVESTIGATING.value)
# A reading from the future by more than this (a device clock ahead) is refused; an old one is accepted (a
# platform sending what it buffered while offline), but not older than a year.
CLOCK_MARGIN = timedelta(minutes=10)
OLDEST = timedelta(days=366)
MAX_VALUE = Decimal("1e11")


@dataclass(frozen=True)
class Result:
    reading: Reading
    replay: bool

    def as_data(self) -> dict[str, Any]:
        reading = self.reading
        return {
            "reading_id": reading.reading_id,
            "device": reading.device.identifier,
            "parameter": reading.parameter,
            "over": reading.over,
            "limit": f"{reading.limit.normalize():f}",
            "limit_source": reading.limit_source,
            "opened_lead": reading.opened_lead,
            "case_id": reading.case_id,
            "replay": self.replay,
        }


def _text(item: Mapping[str, Any], name: str, label: str, where: str, limit: int, *, required: bool = True) -> str:
    value = item.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Refusal(f"{where}{label}（{name}）：必须填写", field=name)
        return ""
    if not isinstance(value, str | int):
        raise Refusal(f"{where}{label}（{name}）：应为文本", field=name)
    text = str(value).strip()
    if len(text) > limit:
        raise Refusal(f"{where}{label}（{name}）：不得超过 {limit} 个字符", field=name)
    return text


def _number(item: Mapping[str, Any], name: str, label: str, where: str, *, required: bool = True) -> Decimal | None:
    value = item.get(name)
    if value is None or value == "":
        if required:
            raise Refusal(f"{where}{label}（{name}）：必须填写", field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Refusal(f'{where}{label}（{name}）：应为数值，如 "62.5"', field=name)
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise Refusal(f"{where}{label}（{name}）：“{str(value)[:20]}”不是数值", field=name) from error
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        raise Refusal(f"{where}{label}（{name}）：应为绝对值小于 10¹¹ 的数值", field=name)
    return number.quantize(Decimal("0.0001"))


def _moment(item: Mapping[str, Any], where: str) -> datetime:
    value = item.get("measured_at")
    if not isinstance(value, str) or not value.strip():
        raise Refusal(
            f"{where}监测时间（measured_at）：必须填写，格式如 2026-11-20T08:00:00+08:00", field="measured_at"
        )
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise Refusal(
            f"{where}监测时间（measured_at）：“{value[:40]}”不是 ISO 8601 时间，格式如 2026-11-20T08:00:00+08:00",
            field="measured_at",
        ) from error
    if moment.tzinfo is None:
        raise Refusal(f"{where}监测时间（measured_at）：须带时区，如 +08:00", field="measured_at")
    now = timezone.now()
    if moment > now + CLOCK_MARGIN:
        raise Refusal(f"{where}监测时间（measured_at）：不能晚于现在（请核对设备时钟）", field="measured_at")
    if moment < now - OLDEST:
        raise Refusal(f"{where}监测时间（measured_at）：不能早于一年前", field="measured_at")
    return moment


@dataclass(frozen=True)
class _Parsed:
    device: Device
    reading_id: str
    parameter: str
    value: Decimal
    unit: str
    limit: Decimal
    limit_source: str
    measured_at: datetime


def _parse(actor: User, item: Any, where: str) -> _Parsed:
    if not isinstance(item, Mapping):
        raise Refusal(f"{where}应为一个对象", field="readings")
    identifier = _text(item, "device", "设备编号", where, 64)
    device = Device.objects.filter(agency=actor.agency, identifier=identifier).first()
    if device is None:
        raise Refusal(f"{where}设备编号（device）：“{identifier}”不是本单位登记的设备", field="device")
    if not device.active:
        raise Refusal(f"{where}设备编号（device）：设备“{device.name}”已停用", field="device")
    reading_id = _text(item, "reading_id", "读数编号", where, 64)
    parameter = _text(item, "parameter", "监测项目", where, 40)
    value = _number(item, "value", "监测值", where)
    unit = _text(item, "unit", "单位", where, 20)
    limit = _number(item, "limit", "限值", where, required=False)
    configured = device.limits.get(parameter) if isinstance(device.limits, dict) else None
    if limit is not None:
        source = _text(item, "limit_source", "限值依据", where, 200, required=False) or "设备上报的限值"
    elif configured:
        limit = Decimal(str(configured["limit"])).quantize(Decimal("0.0001"))
        source = f"设备配置的限值{('：' + configured['source']) if configured.get('source') else ''}"
        if configured.get("unit") and configured["unit"] != unit:
            raise Refusal(
                f"{where}单位（unit）：“{unit}”与设备配置的{parameter}限值单位“{configured['unit']}”不一致",
                field="unit",
            )
    else:
        raise Refusal(f"{where}限值（limit）：设备未配置{parameter}的限值，读数须带限值", field="limit")
    if limit is None or limit <= 0:
        raise Refusal(f"{where}限值（limit）：应为大于零的数值", field="limit")
    assert value is not None
    return _Parsed(device, reading_id, parameter, value, unit, limit, source[:200], _moment(item, where))


def readings_receive(*, actor: User, items: Any) -> list[Result]:
    """Keep the posted readings (all or none) and open the leads their exceedances call for."""
    if not isinstance(items, list) or not items:
        raise Refusal("读数（readings）：应为至少包含一条读数的列表", field="readings")
    if len(items) > MAX_READINGS:
        raise Refusal(f"读数（readings）：一次至多上报 {MAX_READINGS} 条", field="readings")
    if actor.agency is None:
        raise Refusal("令牌持有人未隶属任何执法机关")
    with translation.override("zh-hans"):
        parsed = [_parse(actor, item, f"第 {number} 条读数的") for number, item in enumerate(items, start=1)]
        try:
            with transaction.atomic():
                return [_receive(actor, reading) for reading in parsed]
        except IntegrityError:
            # Another post of the same reading committed first (its unique row): answer as a replay of it.
            with transaction.atomic():
                return [_receive(actor, reading) for reading in parsed]


def _receive(actor: User, parsed: _Parsed) -> Result:
    device = parsed.device
    known = Reading.objects.filter(device=device, reading_id=parsed.reading_id).select_related("device").first()
    if known is not None:
        return Result(known, replay=True)
    over = parsed.value > parsed.limit
    reading = Reading(
        device=device,
        reading_id=parsed.reading_id,
        parameter=parsed.parameter,
        value=parsed.value,
        unit=parsed.unit,
        limit=parsed.limit,
        limit_source=parsed.limit_source,
        measured_at=parsed.measured_at.astimezone(UTC),  # as the database gives it back (the ledger's snapshot)
        over=over,
        received_at=timezone.now(),
        received_by=actor,
        entry_index=-1,
    )
    if over:
        # The lock on the device serialises exceedances of one device, so two posts never open two leads.
        Device.objects.select_for_update().filter(pk=device.pk).first()
        episode = (
            Reading.objects.filter(
                device=device, parameter=parsed.parameter, case__isnull=False, case__state__in=EPISODE_STATES
            )
            .order_by("-pk")
            .first()
        )
        if episode is not None:
            reading.case = episode.case
        else:
            reading.case = _open_lead(actor, parsed)
            reading.opened_lead = True
    reading.save()
    entry = record(
        actor=actor,
        action="device.reading",
        subject=reading,
        facts={
            "device": {"id": device.pk, "identifier": device.identifier, "name": device.name},
            "reading_id": reading.reading_id,
            "parameter": reading.parameter,
            "value": f"{reading.value.normalize():f}",
            "unit": reading.unit,
            "limit": f"{reading.limit.normalize():f}",
            "limit_source": reading.limit_source,
            "measured_at": reading.measured_at.isoformat(),
            "over": over,
            "opened_lead": reading.opened_lead,
            "case": reading.case_id,
        },
        agency=device.agency,
    )
    reading.entry_index = entry.index
    reading.save(update_fields=["entry_index"])
    return Result(reading, replay=False)


def _open_lead(actor: User, parsed: _Parsed) -> Case:
    device = parsed.device
    local = timezone.localtime(parsed.measured_at)
    value, limit = f"{parsed.value.normalize():f}", f"{parsed.limit.normalize():f}"
    times = parsed.value / parsed.limit
    summary = (
        f"自动监控数据：{device.name}（{device.identifier}{'，' + device.address if device.address else ''}）"
        f"于 {local:%Y-%m-%d %H:%M} 监测{parsed.parameter} {value} {parsed.unit}，超过限值 {limit} {parsed.unit}"
        f"（{parsed.limit_source}），为限值的 {times:.2f} 倍。读数编号 {parsed.reading_id}。"
    )
    data: dict[str, Any] = {
        "domain": device.domain,
        "source": LeadSource.MONITORING,
        "title": f"{device.party_name or device.name}{parsed.parameter}超标"[:200],
        "summary": summary,
        "received_on": timezone.localdate(),  # the day the agency learned of it; the summary says when measured
        "on_date": timezone.localdate(),
    }
    if device.party_name:
        data |= {"party_kind": PartyKind.ORGANISATION, "party_name": device.party_name}
    return case_services.perform(actor, "register_lead", data, agency=device.agency)
