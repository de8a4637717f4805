"""The devices' pages: 200 for the agency's officer and administrator, 404 for an outsider; the import form works."""

from __future__ import annotations

import pytest
from django.test import Client

from zhifa.devices import services
from zhifa.devices.models import DeviceImport

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _import(world, devices, photo):
    return services.import_files(
        actor=world.officer_user,
        device=devices.drone,
        files=[photo],
        names={photo: "DJI_0001.JPG"},
        source=services.SourceMetadata(operator="飞手张某"),
    )


def test_the_officer_sees_the_devices_the_imports_and_an_import(world, devices, drone_photo):
    done = _import(world, devices, drone_photo)
    client = _client(world.officer_user)
    assert "WS-001" in client.get("/devices/").content.decode()
    assert "巡护无人机7号" in client.get("/devices/imports/").content.decode()
    page = client.get(f"/devices/imports/{done.pk}/").content.decode()
    assert "保管链" in page
    assert "DJI M3E" in page
    assert "照片 EXIF" in page
    assert "登记案源" in page
    assert client.get("/devices/imports/new/").status_code == 200


def test_an_outsider_gets_404(world, devices, drone_photo):
    done = _import(world, devices, drone_photo)
    client = _client(world.outsider)
    assert client.get(f"/devices/imports/{done.pk}/").status_code == 404
    assert client.get(f"/devices/imports/{done.pk}/lead/").status_code == 404
    assert "巡护无人机7号" not in client.get("/devices/imports/").content.decode()


def test_the_import_form_records_an_import(world, devices, drone_photo):
    response = _client(world.officer_user).post(
        "/devices/imports/new/",
        {
            "device": devices.drone.pk,
            "evidence": [drone_photo],
            "evidence_name": [f"{drone_photo}:DJI_0001.JPG"],
            "operator": "飞手张某",
            "longitude": "181",
            "latitude": "22",
        },
    )
    assert response.status_code == 200
    assert "180" in response.content.decode()
    response = _client(world.officer_user).post(
        "/devices/imports/new/",
        {"device": devices.drone.pk, "evidence": [drone_photo], "operator": "飞手张某", "address": "某林班"},
    )
    done = DeviceImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/devices/imports/{done.pk}/"


def test_the_administrator_registers_a_device(world, devices):
    client = _client(world.admin)
    response = client.post(
        "/devices/new/",
        {
            "agency": world.branch.pk,
            "kind": "camera",
            "identifier": "CAM-1",
            "name": "卡口摄像头",
            "domain": "forestry",
            "limits": "",
            "active": "on",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        "/devices/new/",
        {
            "agency": world.branch.pk,
            "kind": "monitoring",
            "identifier": "WS-9",
            "name": "监测点",
            "domain": "ecology",
            "limits": "COD fifty mg/L",
        },
    )
    assert "限值第 1 行" in bad.content.decode()
