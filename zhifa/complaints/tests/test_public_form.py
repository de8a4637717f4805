"""The public form: the human check, the honeypot, the rate limits, the code shown once, the tracking page."""

from __future__ import annotations

import re
from datetime import date

import pytest

from zhifa.complaints import human_check, rules, services
from zhifa.complaints.models import Complaint
from zhifa.testing.factories import at

from .conftest import filing, solve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _on_a_monday(time_machine):
    time_machine.move_to(at(date(2026, 11, 23)))


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match is not None, pattern
    return match[1]


def _question(client) -> tuple[str, str]:
    page = client.get("/public/complaints/").content.decode()
    question = _found(r'id="challenge-question">([^<]+)<', page)
    token = _found(r'name="challenge_token" value="([^"]+)"', page)
    return question, token


def _post(client, data, *, answer=None, address="198.51.100.7"):
    question, token = _question(client)
    form = {**data, "challenge_token": token, "challenge_answer": answer if answer is not None else solve(question)}
    return client.post("/public/complaints/", form, REMOTE_ADDR=address)


def test_a_filed_complaint_shows_its_number_and_code_once_and_the_code_opens_the_tracking_page(client, world):
    response = _post(client, filing(world.branch))
    assert response.status_code == 302
    page = client.get("/public/complaints/filed/").content.decode()
    number = _found(r'id="filed-number">([^<]+)<', page)
    code = _found(r'id="filed-code">([^<]+)<', page)
    assert Complaint.objects.get().number == number
    # Once: the next visit shows no code.
    assert client.get("/public/complaints/filed/").status_code == 302
    wrong = client.post("/public/complaints/track/", {"number": number, "code": "AAAA-BBBB-CCCC"})
    assert wrong.status_code == 404
    assert "某木材加工厂" not in wrong.content.decode()
    found = client.post("/public/complaints/track/", {"number": number, "code": code.lower()})
    assert found.status_code == 200
    assert "已收到，待受理" in found.content.decode()


def test_the_tracking_page_shows_the_answer_and_nobody_elses_data(client, world):
    mine = services.complaint_file(data=filing(world.branch))
    other = services.complaint_file(data=filing(world.branch, name="李别人", phone="13700000000", id_number=""))
    services.complaint_accept(actor=world.officer_user, complaint=mine.complaint)
    services.complaint_answer(actor=world.officer_user, complaint=mine.complaint, answer="经核查，已责令改正。")
    page = client.post("/public/complaints/track/", {"number": mine.complaint.number, "code": mine.code}).content
    text = page.decode()
    assert "经核查，已责令改正。" in text
    assert "李别人" not in text
    assert other.complaint.number not in text
    # Another's code does not open mine.
    crossed = client.post("/public/complaints/track/", {"number": mine.complaint.number, "code": other.code})
    assert crossed.status_code == 404


def test_a_wrong_answer_to_the_human_check_is_refused(client, world):
    response = _post(client, filing(world.branch), answer="999")
    assert response.status_code == 400
    assert "验证问题回答错误" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_replayed_human_check_is_refused():
    challenge = human_check.make_challenge()
    answer = solve(challenge.question)
    assert human_check.check(challenge.token, answer) is None
    assert human_check.check(challenge.token, answer) == "该验证问题已使用过，请回答新的问题"


def test_an_expired_or_forged_human_check_is_refused(time_machine):
    challenge = human_check.make_challenge()
    assert human_check.check(challenge.token[:-2] + "xx", solve(challenge.question)) == "验证问题无效，请回答新的问题"
    time_machine.shift(rules.CHALLENGE_MAX_AGE_SECONDS + 5)
    assert human_check.check(challenge.token, solve(challenge.question)) == "验证问题已过期，请回答新的问题"


def test_a_robot_that_fills_the_hidden_field_files_nothing(client, world):
    response = _post(client, {**filing(world.branch), "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_one_address_files_at_most_five_an_hour(client, world):
    for serial in range(rules.FILINGS_PER_HOUR_PER_ADDRESS):
        data = filing(world.branch, phone=f"1380000000{serial}", id_number="")
        assert _post(client, data).status_code == 302
    response = _post(client, filing(world.branch, phone="13800000009", id_number=""))
    assert response.status_code == 429
    assert "每小时最多提交 5 件" in response.content.decode()
    assert Complaint.objects.count() == rules.FILINGS_PER_HOUR_PER_ADDRESS
    # Another address is not held back; an hour later this one is not either.
    assert (
        _post(client, filing(world.branch, phone="13800000019", id_number=""), address="192.0.2.1").status_code == 302
    )


def test_one_phone_files_at_most_three_an_hour(client, world):
    for serial in range(rules.FILINGS_PER_HOUR_PER_PHONE):
        assert _post(client, filing(world.branch), address=f"192.0.2.{serial + 10}").status_code == 302
    response = _post(client, filing(world.branch), address="192.0.2.99")
    assert response.status_code == 429
    assert "您的手机号码：同一号码每小时最多提交 3 件" in response.content.decode()


def test_errors_name_the_field_and_the_rule(client, world):
    response = _post(client, filing(world.branch, kind="complaint", anonymous="on", facts="x" * 2001))
    text = response.content.decode()
    assert response.status_code == 400
    assert "只有举报可以匿名" in text
    assert "2000" in text  # the facts' bound
    response = _post(client, filing(area="火星", agency=None))
    assert "发生地：未找到管辖“火星”林业和草原事项的机关" in response.content.decode()


def test_an_anonymous_report_keeps_no_identity(client, world):
    response = _post(client, filing(world.branch, anonymous="on"))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.complainant_name, complaint.complainant_phone, complaint.complainant_id_number) == ("", "", "")
