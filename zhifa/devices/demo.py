"""Demo evidence from devices, in the ecology bureau's first brigade (officer-eco): a monitoring station and a
drone; a drone photo (a real JPEG with EXIF) imported and opened as a lead, a second one still held by the officer;
and the station's readings, one over its limit that opened a lead. Deterministic for a given `today`."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.devices import photos, readings, services
from zhifa.ledger import blobs

# 景洪市, beside the Lancang river: the brigade's patch.
STATION = (Decimal("100.797200"), Decimal("22.008500"))
SITE = (Decimal("100.812350"), Decimal("22.031870"))


def load_devices(today: date, *, officer_login: str = "officer-eco") -> None:
    officer = User.objects.get(username=officer_login)
    brigade = officer.agency
    assert brigade is not None
    admin = User.objects.filter(
        role_assignments__role=Role.SYSADMIN.value, agency__in=[brigade, *brigade.ancestors()], is_active=True
    ).first()
    assert admin is not None
    station = services.device_save(
        actor=admin,
        agency=brigade,
        data={
            "kind": "monitoring",
            "identifier": "WS-JH-001",
            "name": "景洪某糖业公司废水总排口在线监测",
            "operator": "云南某环境监测运维有限公司",
            "party_name": "景洪某糖业有限公司",
            "domain": "ecology",
            "longitude": STATION[0],
            "latitude": STATION[1],
            "address": "景洪市某工业园区废水总排口",
            "limits": {
                "COD": {"limit": "100", "unit": "mg/L", "source": "GB 21909-2008 表2"},
                "氨氮": {"limit": "10", "unit": "mg/L", "source": "GB 21909-2008 表2"},
            },
        },
    )
    drone = services.device_save(
        actor=admin,
        agency=brigade,
        data={"kind": "drone", "identifier": "UAV-XSBN-01", "name": "执法大队巡查无人机1号", "domain": "ecology"},
    )
    _photos(today, officer, drone)
    _readings(today, officer, station.identifier)


def _moment(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _photos(today: date, officer: User, drone: object) -> None:
    from zhifa.devices.models import Device

    assert isinstance(drone, Device)
    flown = today - timedelta(days=1)
    first = photos.jpeg(
        taken_at=_moment(flown, 10, 12),
        latitude=SITE[1],
        longitude=SITE[0],
        make="DJI",
        model="Mavic 3E",
        size=(640, 480),
    )
    second = photos.jpeg(
        taken_at=_moment(flown, 10, 26),
        latitude=SITE[1] + Decimal("0.0021"),
        longitude=SITE[0] + Decimal("0.0013"),
        make="DJI",
        model="Mavic 3E",
        size=(640, 480),
        colour=(120, 110, 80),
    )
    digests = [blobs.store(io.BytesIO(data), content_type="image/jpeg").sha256 for data in (first, second)]
    names = {digests[0]: "DJI_20_0001.JPG", digests[1]: "DJI_20_0002.JPG"}
    source = services.SourceMetadata(
        operator="执法大队无人机飞手（持 CAAC 执照）",
        address="景洪市某工业园区东侧河段",
        note="例行航拍巡查，发现河段有疑似废水排放口",
    )
    opened = services.import_files(actor=officer, device=drone, files=[digests[0]], names=names, source=source)
    services.import_open_lead(
        actor=officer,
        device_import=opened,
        data={
            "on_date": today,
            "domain": "ecology",
            "title": "疑似私设暗管排放废水",
            "summary": (
                "无人机航拍发现工业园区东侧河段有疑似暗管排放口，排口附近水体颜色异常"
                "（照片见证据，EXIF 记录拍摄时间和位置）"
            ),
            "received_on": today,
        },
    )
    # The second photo is still the officer's: its page offers him to open a lead, attach it or hand it on.
    services.import_files(actor=officer, device=drone, files=[digests[1]], names=names, source=source)


def _readings(today: date, officer: User, identifier: str) -> None:
    measured = today - timedelta(days=1)
    items = [
        {
            "device": identifier,
            "reading_id": f"{identifier}-{measured:%Y%m%d}-{hour:02d}-{parameter}",
            "parameter": parameter,
            "value": value,
            "unit": "mg/L",
            "measured_at": _moment(measured, hour, 0).isoformat(),
        }
        for hour, parameter, value in ((6, "COD", "78.3"), (6, "氨氮", "4.1"), (7, "COD", "186.4"), (8, "COD", "171.0"))
    ]
    readings.readings_receive(actor=officer, items=items)
