"""事中公示: anyone checks an officer's certificate by its number or its QR code, without logging in, and reads
whether it is valid today, whose it is, for which agency and domains — answered from the record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from zhifa.personnel.models import Certificate
from zhifa.personnel.services import certificate_suspend
from zhifa.testing.factories import TODAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_today(world: Any, time_machine: Any) -> Any:
    time_machine.move_to(at(TODAY))
    return world


def _certificate(world: Any) -> Certificate:
    certificate = world.officer.certificates.get()
    assert isinstance(certificate, Certificate)
    return certificate


def test_a_visitor_reads_a_valid_certificate_from_its_qr_address(world_today: Any) -> None:
    certificate = _certificate(world_today)
    page = Client().get(f"/public/certificates/{certificate.number}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "证件有效" in text
    assert world_today.officer.name in text
    assert world_today.branch.name in text
    assert "林业和草原" in text
    assert world_today.officer.id_number not in text  # nothing personal but the name
    assert "与执法全过程记录第" in text


def test_a_typed_number_is_found_whatever_its_case(world_today: Any) -> None:
    certificate = _certificate(world_today)
    page = Client().get("/public/certificates/", {"number": f" {certificate.number.lower()} "})
    assert page.status_code == 200
    assert "证件有效" in page.content.decode()


def test_a_suspended_certificate_is_not_valid(world_today: Any) -> None:
    certificate = _certificate(world_today)
    certificate_suspend(actor=world_today.admin, certificate=certificate, on_date=TODAY, reason="涉嫌违纪")
    text = Client().get(f"/public/certificates/{certificate.number}/").content.decode()
    assert "证件不可用于执法" in text
    assert "暂扣" in text


@pytest.mark.parametrize("number", ["TEST99999999", "<script>", "x" * 300, "' OR 1=1 --"])
def test_an_unknown_or_malformed_number_is_answered_plainly(world_today: Any, number: str) -> None:
    page = Client().get("/public/certificates/", {"number": number})
    assert page.status_code == 404
    assert "没有编号为" in page.content.decode()


def test_a_row_changed_behind_the_services_back_is_shown_as_not_matching_the_record(world_today: Any) -> None:
    certificate = _certificate(world_today)
    Certificate.objects.filter(pk=certificate.pk).update(valid_until=date(2035, 1, 1))
    text = Client().get(f"/public/certificates/{certificate.number}/").content.decode()
    assert "与执法全过程记录不一致" in text
    assert "证件不可用于执法" in text


def test_the_officer_page_shows_the_qr_code_of_the_check(world_today: Any, client: Any) -> None:
    client.force_login(world_today.admin)
    certificate = _certificate(world_today)
    page = client.get(f"/officers/{world_today.officer.pk}/").content.decode()
    assert "<svg" in page
    assert f"/public/certificates/{certificate.number}/" in page
