"""The catalogue (卷内目录) of a demo-like case lists every document and evidence file, in procedural order, and
the binder PDF opens with exactly the pages the catalogue counts."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from zhifa.archives import binder
from zhifa.archives.choices import ItemKind
from zhifa.archives.tests.case_file import page_count, read
from zhifa.cases.models import CaseDocument
from zhifa.ledger.models import Entry
from zhifa.ledger.state import subject_key

# Each test sets its own day (conftest._on_the_test_day): a moved clock would run the same test again.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]


def test_the_catalogue_lists_every_document_and_evidence_file_in_order(archived, files):
    cat = binder.catalogue(archived)
    documents = list(CaseDocument.objects.filter(case=archived))
    listed = [item.sha256 for item in cat.items]
    for document in documents:
        assert document.sha256 in listed
        assert set(document.signed_files) <= set(listed)
    evidence = Entry.objects.filter(subject=subject_key(archived), action__startswith="case.")
    for entry in evidence:
        assert set(entry.files) <= set(listed)
    assert [item.number for item in cat.items] == list(range(1, len(cat.items) + 1))
    # Procedural order: the lead's photo first, the filing approval with the filing, the decision before its service.
    titles = [item.title for item in cat.items]
    assert titles[0] == "登记案源：照片"
    assert titles[1].startswith("立案审批表")
    decision = next(i for i in cat.items if i.kind == ItemKind.DOCUMENT and i.title.startswith("行政处罚决定书"))
    signed = next(i for i in cat.items if i.kind == ItemKind.SIGNED)
    service = next(i for i in cat.items if i.title.startswith("送达回证"))
    assert decision.number < signed.number < service.number
    assert titles[-1].startswith("结案报告")
    dates = [item.on_date for item in cat.items if item.kind == ItemKind.EVIDENCE]
    assert dates == sorted(dates)
    # The recording is listed as such, with its hash and length; the same scan cited again takes no pages.
    (recording,) = [item for item in cat.items if item.sha256 == files.wav]
    assert recording.kind == ItemKind.RECORDING
    assert recording.info.duration == pytest.approx(1.5)
    assert [item.kind for item in cat.items if item.sha256 == files.video] == [ItemKind.RECORDING]
    repeats = [item for item in cat.items if item.sha256 == files.scan]
    assert repeats[0].same_as is None
    assert all(item.same_as == repeats[0].number and item.pages == 0 for item in repeats[1:])


def test_page_numbers_follow_each_other_and_pdfs_keep_their_pages(archived, files):
    cat = binder.catalogue(archived)
    page = 1
    for item in cat.items:
        if item.same_as is not None:
            assert item.page_range == f"见序号{item.same_as}"
            continue
        assert item.first_page == page
        if item.info.mode == "pdf":
            assert item.pages == page_count(read(item.sha256))
        else:
            assert item.pages == 1
        page += item.pages
    assert cat.total_pages == page - 1


def test_the_binder_opens_with_the_page_count_the_catalogue_says(archived, files):
    cat = binder.catalogue(archived)
    pdf = binder.render_pdf(cat)
    front = page_count(binder.render_front(cat))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == front + cat.total_pages
    # Each item's first page carries its page number; the cover and catalogue carry none.
    for item in cat.items:
        if item.same_as is None:
            assert item.first_page is not None
            text = reader.pages[front + item.first_page - 1].extract_text()
            assert str(item.first_page) in text
    cover = reader.pages[0].extract_text().replace(" ", "")
    assert "行政执法案卷" in cover
    assert "定期30年" in cover
    catalogue_text = "".join(reader.pages[i].extract_text() for i in range(1, front))
    assert "卷内目录" in catalogue_text
    assert files.wav in catalogue_text.replace("\n", "")
    # The same case file gives the same bytes: exported twice, it is one file in the evidence store.
    assert binder.render_pdf(binder.catalogue(archived)) == pdf
