"""Every export of a case file is recorded in the ledger with the exported file, which the check page then finds;
the folder holds every file of the catalogue with its hash; the record still verifies."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from zhifa.archives import binder, services
from zhifa.archives.selectors import exports_of
from zhifa.archives.tests.case_file import page_count, read
from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Entry
from zhifa.ledger.state import subject_key
from zhifa.ledger.verify import verify_ledger
from zhifa.testing.factories import make_user

# Each test sets its own day (conftest._on_the_test_day): a moved clock would run the same test again.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def test_a_pdf_export_leaves_a_ledger_entry_naming_the_file(archived, desk, client):
    done = services.export_pdf(actor=desk.officer, case=archived)
    entry = Entry.objects.get(index=done.entry_index)
    assert (entry.action, entry.subject, entry.actor_id) == ("archives.export", subject_key(archived), desk.officer.pk)
    assert entry.files == [done.sha256]
    facts = json.loads(entry.facts.facts)
    cat = binder.catalogue(archived)
    assert facts["kind"] == "pdf"
    assert facts["sha256"] == done.sha256
    assert [item["sha256"] for item in facts["items"]] == [item.sha256 for item in cat.items]
    assert facts["pages"] == page_count(read(done.sha256))
    assert facts["retention"]["period"] == "定期30年"
    assert blobs.verify(done.sha256) is None
    # The public check page finds the exported file by its hash.
    answer = client.get("/public/check/", {"sha256": done.sha256})
    assert answer.status_code == 200
    assert str(done.entry_index) in answer.content.decode()
    # Exported again: the same bytes, a second entry.
    again = services.export_pdf(actor=desk.officer, case=archived)
    assert again.sha256 == done.sha256
    assert [e.entry_index for e in exports_of(archived)] == [again.entry_index, done.entry_index]
    assert verify_ledger().ok


def test_the_folder_holds_every_file_with_its_hash(archived, desk, files):
    done = services.export_folder(actor=desk.officer, case=archived)
    assert done.content_type == "application/zip"
    cat = binder.catalogue(archived)
    with zipfile.ZipFile(io.BytesIO(read(done.sha256))) as archive:
        names = archive.namelist()
        root = names[0].split("/")[0]
        sums: dict[str, str] = {}
        for line in archive.read(f"{root}/SHA256SUMS").decode().splitlines():
            digest, name = line.split("  ", 1)
            sums[name] = digest
        for name, digest in sums.items():
            assert hashlib.sha256(archive.read(f"{root}/{name}")).hexdigest() == digest
        kept = set(sums.values())
        for item in cat.items:
            assert item.sha256 in kept
            if item.same_as is None:
                member = next(name for name in sums if name.startswith(f"{item.number:03d}-"))
                assert sums[member] == item.sha256
        manifest = json.loads(archive.read(f"{root}/manifest.json"))
        assert [i["sha256"] for i in manifest["items"]] == [item.sha256 for item in cat.items]
        assert page_count(archive.read(f"{root}/00-卷内目录.pdf")) >= 2
        sheet = load_workbook(io.BytesIO(archive.read(f"{root}/00-卷内目录.xlsx"))).active
        hashes = [row[6] for row in sheet.iter_rows(min_row=5, values_only=True)]
        assert hashes == [item.sha256 for item in cat.items]
        assert any(name.endswith(".wav") for name in sums)
    # Deterministic: the same folder twice is the same file.
    assert services.export_folder(actor=desk.officer, case=archived).sha256 == done.sha256
    assert verify_ledger().ok


def test_only_an_archived_case_the_actor_may_read_is_exported(archived, desk, world):
    outsider = make_user("officer-elsewhere", world.elsewhere, "officer")
    before = Entry.objects.count()
    with pytest.raises(Refusal, match="无权查阅"):
        services.export_pdf(actor=outsider, case=archived)
    desk.case, desk.done = None, []
    open_case = desk.lead(archived.received_on)
    with pytest.raises(Refusal, match="尚未归档"):
        services.export_folder(actor=desk.officer, case=open_case)
    assert Entry.objects.count() == before + 1  # the new lead's own entry only
