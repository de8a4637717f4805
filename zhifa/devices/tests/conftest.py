"""The devices' test world: the usual personas (conftest `world`), an ecology monitoring station and a drone of the
branch, and photos uploaded by the officer as the upload widget would (his agency's Upload rows)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhifa.devices import photos, services
from zhifa.devices.models import Device
from zhifa.ledger import uploads

SHANGHAI = ZoneInfo("Asia/Shanghai")
TAKEN = datetime(2026, 11, 20, 9, 30, 15, tzinfo=SHANGHAI)
LATITUDE, LONGITUDE = Decimal("22.008472"), Decimal("100.796611")


def upload(actor: Any, data: bytes, name: str = "DJI_0001.JPG", content_type: str = "image/jpeg") -> str:
    import hashlib

    digest = hashlib.sha256(data).hexdigest()
    received = SimpleUploadedFile(name, data, content_type=content_type)
    return uploads.evidence_receive(actor=actor, upload=received, expected_sha256=digest).sha256


@pytest.fixture
def devices(world: Any, evidence: Any) -> Any:
    station = services.device_save(
        actor=world.admin,
        agency=world.branch,
        data={
            "kind": "monitoring",
            "identifier": "WS-001",
            "name": "甲厂废水总排口在线监测",
            "operator": "某环境科技有限公司",
            "party_name": "甲化工有限公司",
            "domain": "ecology",
            "limits": {"COD": {"limit": "50", "unit": "mg/L", "source": "GB 8978-1996"}},
        },
    )
    drone = services.device_save(
        actor=world.admin,
        agency=world.branch,
        data={"kind": "drone", "identifier": "UAV-07", "name": "巡护无人机7号", "domain": "forestry"},
    )
    return type("Devices", (), {"station": station, "drone": drone})


@pytest.fixture
def drone_photo(world: Any, evidence: Any) -> str:
    data = photos.jpeg(taken_at=TAKEN, latitude=LATITUDE, longitude=LONGITUDE, make="DJI", model="M3E")
    return upload(world.officer_user, data)


def device_of(devices: Any, name: str) -> Device:
    found: Device = getattr(devices, name)
    return found


__all__ = ["LATITUDE", "LONGITUDE", "SHANGHAI", "TAKEN", "io", "upload"]
