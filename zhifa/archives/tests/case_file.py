"""A demo-like archived case for the case-file tests: real files (a PNG and a JPEG photo, a WAV recording, a
signed PDF scan, an MP4 "video", a text file), every document the case allows issued, one signed scan attached."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PIL import Image

from zhifa import demo_files
from zhifa.cases import issuing
from zhifa.cases.models import Case
from zhifa.cases.tests.desk import SMALL_FINE_REPORT, Desk
from zhifa.ledger import blobs


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 120, 60)).save(out, "JPEG", quality=80)
    return out.getvalue()


@dataclass
class Files:
    png: str
    jpeg: str
    wav: str
    scan: str
    video: str
    text: str


def store_files() -> Files:
    def keep(data: bytes, content_type: str) -> str:
        return blobs.store(io.BytesIO(data), content_type=content_type).sha256

    return Files(
        png=keep(demo_files.png(seed=3), "image/png"),
        jpeg=keep(_jpeg(), "image/jpeg"),
        wav=keep(demo_files.wav(seconds=1.5), "audio/wav"),
        scan=keep(demo_files.pdf("Signed record", ["Signed by the party"]), "application/pdf"),
        video=keep(b"\x00\x00\x00\x18ftypmp42 not really a video", "video/mp4"),
        text=keep("现场记录的文字说明".encode(), "text/plain"),
    )


def archived_case(desk: Desk, files: Files) -> Case:
    """An ordinary case from lead to archive, January 2026, with its documents and files."""
    team = desk.team
    desk.lead(date(2026, 1, 5), act_ended_on=date(2026, 1, 1), evidence=[files.png])
    desk("file", date(2026, 1, 6))
    desk("assign", date(2026, 1, 6), lead=team[0], others=team[1:], declared=team)
    desk("add_evidence", date(2026, 1, 6), officers=team, kind="object", summary="伐桩照片", evidence=[files.jpeg])
    desk(
        "record_interview",
        date(2026, 1, 7),
        officers=team,
        interviewee="张某",
        summary="承认采伐",
        evidence=[files.wav, files.scan],
    )
    desk(
        "record_inspection",
        date(2026, 1, 7),
        officers=team,
        place="二号林班",
        summary="伐桩12个",
        evidence=[files.png, files.video, files.text],
    )
    desk("report", date(2026, 1, 8), **SMALL_FINE_REPORT)
    desk("submit_approval", date(2026, 1, 8))
    desk("approve", date(2026, 1, 9))
    desk("notify", date(2026, 1, 12), rights_stated=True)
    desk("decide", date(2026, 1, 20), **SMALL_FINE_REPORT)
    case = desk("serve", date(2026, 1, 21), method="direct", evidence=[files.scan])
    for pending in issuing.issuable(case):
        issuing.issue_document(desk.officer, case, pending.kind, entry=pending.entry.index)
    decision = case.documents.get(kind="penalty_decision")
    issuing.attach_signed(desk.officer, decision, [files.scan])
    desk("record_payment", date(2026, 1, 22), amount=Decimal(1000), receipt="NS20260122001")
    desk("close", date(2026, 1, 23), summary="罚款已缴纳")
    closed = desk.case
    assert closed is not None
    for pending in issuing.issuable(closed):  # the closure report
        issuing.issue_document(desk.officer, closed, pending.kind, entry=pending.entry.index)
    return desk("archive", date(2026, 1, 26))


def page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def read(sha256: str) -> bytes:
    return b"".join(blobs.open_verified(sha256))


def pages_of(item: Any) -> int:
    return int(item.pages)
