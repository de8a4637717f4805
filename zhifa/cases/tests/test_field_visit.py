"""Field work on a phone: the team ticked in the forms, the visit's officers and files carried to the next
record, the files' names kept in the signed record and shown on the case page by kind, sizes read by people."""

from __future__ import annotations

import io
import json
import re
from datetime import date

import pytest
from django.test import Client

from zhifa.cases.models import CaseRecord
from zhifa.cases.tests.desk import Desk
from zhifa.ledger import blobs
from zhifa.ledger.forms import human_size
from zhifa.ledger.models import Entry
from zhifa.testing.factories import at

pytestmark = pytest.mark.django_db

VISIT = date(2026, 10, 14)


@pytest.fixture
def desk(world, evidence):
    desk = Desk(world, evidence)
    desk.lead(date(2026, 10, 12), act_ended_on=date(2026, 10, 10))
    desk.investigate(date(2026, 10, 13))
    return desk


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def ticked(html: str, name: str) -> set[str]:
    """The values of the checked boxes named `name` in a page."""
    found = set()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            value = re.search(r'value="([^"]*)"', tag)
            assert value is not None
            found.add(value.group(1))
    return found


def test_sizes_read_in_kilobytes_under_a_megabyte_and_megabytes_above():
    assert human_size(7 * 1024) == "7 KB"  # a small photo: not "0.0 MB"
    assert human_size(300) == "1 KB"
    assert human_size(1024 * 1024 - 1) == "1024 KB"
    assert human_size(int(3.46 * 1024 * 1024)) == "3.5 MB"


def test_the_case_team_is_ticked_in_a_new_record_and_the_officer_himself_when_he_opens_a_case(
    desk, world, time_machine
):
    time_machine.move_to(at(VISIT))
    officer = signed_in(desk.officer)
    page = officer.get(f"/cases/{desk.case.pk}/actions/record_inspection/").content.decode()
    assert ticked(page, "officers") == {str(world.officer.pk), str(world.colleague.pk)}

    opening = officer.get("/cases/open/decide_on_the_spot/").content.decode()
    assert ticked(opening, "officers") == {str(world.officer.pk)}


def test_the_next_record_of_the_visit_starts_with_its_officers_and_offers_its_files(desk, world, time_machine):
    time_machine.move_to(at(VISIT, 11))
    photo = blobs.store(io.BytesIO(b"\xff\xd8 a 7 KB photo" + bytes(7 * 1024)), content_type="image/jpeg").sha256
    present = [world.officer, world.colleague, desk.chair]  # the hearing chair came along this once
    officer = signed_in(desk.officer)
    response = officer.post(
        f"/cases/{desk.case.pk}/actions/record_inspection/",
        {
            "on_date": VISIT.isoformat(),
            "officers": [person.pk for person in present],
            "place": "实验区二号林班",
            "summary": "发现新伐桩12个",
            "evidence": [photo],
            "evidence_name": [f"{photo}:C:\\DCIM\\伐桩\u0007 照片.jpg"],
            "no_recording_reason": "现场检查笔录和照片已全面记录",
        },
    )
    assert response.status_code == 302, response.content.decode()

    # The name is cleaned (no folders, no control characters) and kept in the signed facts beside the hash.
    record = CaseRecord.objects.get(case=desk.case, action="record_inspection")
    assert record.data["file_names"] == {photo: "伐桩 照片.jpg"}
    entry = Entry.objects.get(index=record.entry_index)
    assert json.loads(entry.facts.facts)["file_names"] == {photo: "伐桩 照片.jpg"}

    page = officer.get(f"/cases/{desk.case.pk}/actions/record_interview/").content.decode()
    assert ticked(page, "officers") == {str(person.pk) for person in present}
    assert ticked(page, "evidence") == {photo}
    assert "伐桩 照片.jpg" in page
    assert "8 KB" in page

    # Another day is another visit: the team again, no files offered.
    time_machine.move_to(at(date(2026, 10, 15)))
    later = signed_in(desk.officer).get(f"/cases/{desk.case.pk}/actions/record_interview/").content.decode()
    assert ticked(later, "officers") == {str(world.officer.pk), str(world.colleague.pk)}
    assert ticked(later, "evidence") == set()


def test_the_case_page_shows_evidence_by_kind_and_name_with_one_query_for_all_files(
    desk, world, time_machine, django_assert_max_num_queries
):
    time_machine.move_to(at(VISIT))
    desk(
        "record_inspection",
        VISIT,
        officers=desk.team,
        place="林班",
        summary="现场检查",
        evidence=[desk.photo, desk.video, desk.scan],
        evidence_name=[f"{desk.photo}:伐桩.jpg", f"{desk.video}:执法记录仪.mp4"],
    )
    officer = signed_in(desk.officer)
    page = officer.get(f"/cases/{desk.case.pk}/").content.decode()
    assert f'<img src="/evidence/{desk.photo}" loading="lazy" alt="伐桩.jpg"' in page
    assert f'<video controls preload="metadata" src="/evidence/{desk.video}"' in page
    assert "执法记录仪.mp4" in page
    assert "PDF 1" in page  # recorded without a name: its kind and number, not its hash
    assert f">{desk.photo[:12]}…<" not in page

    # More records with more files cost no more queries on the case page.
    with django_assert_max_num_queries(200) as counted:
        officer.get(f"/cases/{desk.case.pk}/")
    before = len(counted.captured_queries)
    for n in range(3):
        extra = blobs.store(io.BytesIO(f"photo {n}".encode()), content_type="image/jpeg").sha256
        desk("add_evidence", VISIT, officers=desk.team, kind="object", summary=f"照片{n}", evidence=[extra, desk.scan])
    with django_assert_max_num_queries(200) as again:
        officer.get(f"/cases/{desk.case.pk}/")
    assert len(again.captured_queries) == before
