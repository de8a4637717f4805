"""Each of the ten documents renders to an A4 PDF in Chinese fonts, with its number, party, amounts, remedies,
and in the footer the ledger entry's hash and a QR code of the public check page for it."""

from __future__ import annotations

import io
import logging
from functools import cache

import pytest
import segno
from django.utils import translation
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from zhifa.documents.choices import DocumentKind
from zhifa.documents.contexts import Remedies
from zhifa.documents.rendering import check_url, render_html, render_pdf
from zhifa.documents.tests.samples import (
    AGENCY,
    CITIZEN,
    FINE_CAPITALS,
    REMEDIES_SENTENCE,
    SITE,
    entry_hash,
    number,
    sample,
)

# The documents that state an amount, and the one that states the remedies (行政处罚法 第五十九条).
WITH_AMOUNT = {DocumentKind.ADVANCE_NOTICE, DocumentKind.PENALTY_DECISION, DocumentKind.CLOSURE_REPORT}
WITH_REMEDIES = {DocumentKind.PENALTY_DECISION}
A4 = (595.28, 841.89)  # points
# Handed over on the spot, printed by a portable printer on an 80 mm roll (templates/documents/receipt.html).
ROLL = {DocumentKind.SUMMARY_DECISION}
ROLL_PAGE = (226.77, 841.89)  # 80 mm × 297 mm


@cache
def pdf_of(kind: DocumentKind) -> bytes:
    # Rendered once per kind for the whole module: WeasyPrint takes a fraction of a second per document.
    return render_pdf(kind, sample(kind), site_base=SITE)


def text_of(pdf: bytes) -> str:
    """The PDF's text with all white space removed, as lines break wherever the layout put them."""
    reader = PdfReader(io.BytesIO(pdf))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def fonts_of(pdf: bytes) -> set[str]:
    """The base font names every page uses, without the subset prefix (ABCDEF+)."""
    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        page_fonts = resources["/Font"].get_object()
        assert isinstance(page_fonts, DictionaryObject)
        for font in page_fonts.values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_each_document_states_its_title_number_party_and_entry_hash(kind):
    text = text_of(pdf_of(kind))
    assert AGENCY in text
    assert str(kind.label) in text
    assert str(number(kind)) in text
    assert CITIZEN.name in text
    assert entry_hash(kind) in text
    if kind in WITH_AMOUNT:
        assert "1,500.00元" in text
        assert FINE_CAPITALS in text
    if kind in WITH_REMEDIES:
        assert REMEDIES_SENTENCE in text


def test_the_decision_states_what_article_59_requires():
    text = text_of(pdf_of(DocumentKind.PENALTY_DECISION))
    assert "公民身份号码：150102198003150010" in text  # the party
    assert "经查明：2026年10月26日至28日" in text  # the facts
    assert "大青山林业司法鉴定中心出具的林木价值鉴定意见一份" in text  # the evidence
    assert "违反了《中华人民共和国森林法》第五十六条第一款" in text  # the provision violated
    assert "依据《中华人民共和国森林法》第七十六条第二款" in text  # the basis of the penalty
    assert "依法可以从轻处罚" in text  # the reasons for the discretion
    assert "罚款金额：人民币1,500.00元（大写：壹仟伍佰元整）" in text
    assert "自收到本决定书之日起十五日内，将罚款缴至中国农业银行大青山市分行各营业网点" in text  # art. 67
    assert "每日按罚款数额的百分之三加处罚款" in text  # art. 72
    assert "行政处罚不停止执行" in text  # art. 73
    assert "2026年11月23日" in text


def test_the_remedies_sentence_takes_its_periods_from_the_rules():
    remedies = Remedies(reconsideration_body="大青山市人民政府", court="大青山市青山区人民法院")
    assert remedies.sentence() == REMEDIES_SENTENCE


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_page_is_a4(kind):
    size = ROLL_PAGE if kind in ROLL else A4
    for page in PdfReader(io.BytesIO(pdf_of(kind))).pages:
        assert float(page.mediabox.width) == pytest.approx(size[0], abs=1)
        assert float(page.mediabox.height) == pytest.approx(size[1], abs=1)


def test_the_decision_made_on_the_spot_states_what_article_52_requires():
    text = text_of(pdf_of(DocumentKind.SUMMARY_DECISION))
    assert "当事人：张某某" in text
    assert "时间：2026年11月23日15时40分" in text
    assert "地点：大青山国家级自然保护区哈拉沁沟二号林班" in text
    assert "当事人在林区野外吸烟" in text  # the party's act
    assert "依据《森林防火条例》第五十条，当场作出如下行政处罚：罚款" in text  # the kind and the basis
    assert "罚款金额：人民币50.00元（大写：伍拾元整）" in text
    assert "当事人的陈述、申辩：当事人称不知道林区禁止吸烟" in text  # told and heard (第四十四条、第四十五条)
    assert "复核意见：部分成立" in text
    # The remedies, reconsideration first (行政复议法 第二十三条): the way and the periods.
    assert "应当先在收到本决定书之日起六十日内向大青山市人民政府申请行政复议" in text
    assert "收到行政复议决定书之日起十五日内向大青山市青山区人民法院提起行政诉讼" in text
    assert "执法人员：李执法（执法证号：15010200123）、赵执法（执法证号：15010200456）" in text
    assert "大青山国家级自然保护区管理局（印章）" in text
    assert "当事人签收：" in text


@pytest.mark.parametrize("kind", list(DocumentKind))
def test_every_font_embedded_is_a_chinese_font(kind):
    # A character missing from the CJK fonts would have sent Pango to another font, which would show here.
    fonts = fonts_of(pdf_of(kind))
    assert fonts
    assert all("CJK" in font for font in fonts), fonts
    assert any("Bold" in font for font in fonts)  # the title


def test_the_qr_code_embedded_is_segnos_code_for_the_check_page_of_the_entry():
    kind = DocumentKind.PENALTY_DECISION
    url = f"{SITE}/public/check/?sha256={entry_hash(kind)}"
    assert check_url(entry_hash(kind), site_base=SITE + "/") == url
    expected = [list(row) for row in segno.make(url, error="m").matrix_iter(scale=1, border=4)]
    for page in PdfReader(io.BytesIO(pdf_of(kind))).pages:
        (image,) = page.images
        picture = image.image.convert("L")  # one byte per pixel
        width, height = picture.size
        pixels = picture.tobytes()
        embedded = [[int(pixels[y * width + x] < 128) for x in range(width)] for y in range(height)]
        assert embedded == expected  # dark modules where segno has them: it decodes to `url`


def test_the_qr_code_is_drawn_sharp_and_about_two_centimetres_wide():
    html = render_html(DocumentKind.PENALTY_DECISION, sample(DocumentKind.PENALTY_DECISION), site_base=SITE)
    assert "image-rendering: pixelated" in html
    assert "width: 20mm" in html


def test_the_check_page_accepts_the_address_the_qr_code_carries(client, db):
    kind = DocumentKind.PENALTY_DECISION
    response = client.get(check_url(entry_hash(kind), site_base="http://testserver"))
    assert response.status_code == 200
    assert response.context["digest"] == entry_hash(kind)
    assert "error" not in response.context


@pytest.mark.parametrize("bad", ["zhifa.daqingshan.gov.cn", "ftp://x.cn", "https://x.cn/?a=1", ""])
def test_the_site_address_must_be_an_http_address(bad):
    with pytest.raises(ValueError, match="site_base"):
        check_url(entry_hash(DocumentKind.PENALTY_DECISION), site_base=bad)


def test_a_document_renders_to_the_same_bytes_every_time():
    # So anyone holding the facts can re-render a document and compare its SHA-256 with the ledger's.
    kind = DocumentKind.SERVICE_PROOF
    assert render_pdf(kind, sample(kind), site_base=SITE) == pdf_of(kind)


def test_documents_are_chinese_whatever_the_users_language():
    kind = DocumentKind.PENALTY_DECISION
    with translation.override("en"):
        html = render_html(kind, sample(kind), site_base=SITE)
        assert translation.get_language() == "en"
    assert ">行政处罚决定书</span></h1>" in html


def test_a_context_of_another_kind_is_refused():
    with pytest.raises(TypeError, match="PenaltyDecision"):
        render_pdf(DocumentKind.PENALTY_DECISION, sample(DocumentKind.ADVANCE_NOTICE), site_base=SITE)


def test_a_document_cannot_carry_another_kinds_number():
    decision = sample(DocumentKind.PENALTY_DECISION)
    with pytest.raises(ValueError, match="number"):
        type(decision)(**{**vars(decision), "number": number(DocumentKind.ADVANCE_NOTICE)})


@pytest.mark.parametrize("bad", ["", "ABC", "A" * 64, "0" * 63])
def test_the_entry_hash_is_64_lower_case_hex_digits(bad):
    decision = sample(DocumentKind.PENALTY_DECISION)
    with pytest.raises(ValueError, match="entry_hash"):
        type(decision)(**{**vars(decision), "entry_hash": bad})


def test_rendering_loads_nothing_but_the_qr_code(caplog):
    # Party-supplied text is escaped, and the fetcher allows data: URIs only: no file or network access.
    kind = DocumentKind.HEARING_NOTICE
    tricky = sample(kind)
    hostile = type(tricky)(**{**vars(tricky), "place": '<img src="file:///etc/passwd">会议室'})
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        text = text_of(render_pdf(kind, hostile, site_base=SITE))
    assert '<imgsrc="file:///etc/passwd">会议室' in text  # shown as text, not loaded
    assert caplog.records == []


@pytest.mark.dateless  # every kind rendered from the samples' named dates; the templates read no clock
def test_rendering_warns_about_nothing(caplog):
    # An unsupported CSS rule, a missing image or a font WeasyPrint cannot subset all show up as warnings.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        for kind in DocumentKind:
            render_pdf(kind, sample(kind), site_base=SITE)
    assert [record.getMessage() for record in caplog.records] == []


def test_weasyprint_progress_is_kept_out_of_the_log():
    render_pdf(DocumentKind.SERVICE_PROOF, sample(DocumentKind.SERVICE_PROOF), site_base=SITE)
    assert not logging.getLogger("weasyprint.progress").isEnabledFor(logging.INFO)
