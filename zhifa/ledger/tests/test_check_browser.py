"""The check page in a real browser: a chosen PDF is hashed in the page, named in plain words, and its
proof, the checkpoint's signature and a witness's cosignature are checked by the browser itself (WebCrypto,
and the vendored noble fallback of plain-http pages); the same PDF with one byte changed matches nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from playwright.sync_api import Page, expect

from zhifa.ledger import witnesses
from zhifa.ledger.models import Checkpoint
from zhifa.ledger.tests.test_check_documents import NOT_FOUND, issue_filing_approval, pdf_of
from zhifa.testing.factories import TODAY, at
from zhifa_verify.witness import WitnessSigner

pytestmark = [pytest.mark.browser, pytest.mark.dateless, pytest.mark.django_db(transaction=True)]


def test_a_chosen_pdf_is_named_and_proved_in_the_browser_and_a_changed_one_is_not(
    page: Page, live_server, world, evidence, time_machine, tmp_path: Path
):
    time_machine.move_to(at(TODAY))
    document = issue_filing_approval(world, evidence)
    signer = WitnessSigner("witness.example/w1", Ed25519PrivateKey.generate())
    call_command("witness", "add", signer.verifier_line())
    checkpoint = Checkpoint.objects.order_by("-pk").first()
    body = checkpoint.note.partition("\n\n")[0] + "\n"
    witnesses.cosignature_submit(checkpoint.note + signer.cosign(body, int(time.time())) + "\n")
    original = tmp_path / "立案审批表.pdf"
    original.write_bytes(pdf_of(document))
    changed = bytearray(original.read_bytes())
    changed[len(changed) // 2] ^= 0x01
    tampered = tmp_path / "立案审批表（改）.pdf"
    tampered.write_bytes(bytes(changed))

    page.goto(f"{live_server.url}/public/check/")
    expect(page.locator("#way-file[data-ready]")).to_have_count(1)
    page.get_by_label("选择文书的 PDF 文件或扫描件").set_input_files(str(original))
    page.wait_for_url(f"**/public/check/?sha256={document.sha256}")
    expect(page.locator("#answer")).to_contain_text(
        f"制作的《立案审批表》（编号 {document.number}），自记录以来未被改动"
    )
    entry = page.locator(".verify-entry").first
    expect(entry).to_have_attribute("data-verified", "yes", timeout=15_000)
    for step in ("names", "leaf", "path", "signature", "cosigned"):
        expect(entry.locator(f'[data-step="{step}"]')).to_have_class("passed")
    expect(entry.locator('[data-step="cosigned"]')).to_contain_text("已由 1 个独立见证方联署")
    expect(entry.locator(".verify-summary")).to_contain_text("浏览器已独立核对")

    # A plain-http intranet page has no WebCrypto: the vendored noble code must reach the same verdict.
    page.goto(f"{live_server.url}/public/check/?sha256={document.sha256}&nosubtle=1")
    entry = page.locator(".verify-entry").first
    expect(entry).to_have_attribute("data-verified", "yes", timeout=15_000)
    expect(entry.locator('[data-step="signature"]')).to_have_class("passed")
    expect(page.locator(".verify-log").first).to_contain_text("noble")

    page.get_by_label("选择文书的 PDF 文件或扫描件").set_input_files(str(tampered))
    page.wait_for_url("**/public/check/?sha256=*&nosubtle=1")
    expect(page.locator("#answer")).to_contain_text(NOT_FOUND)
    expect(page.locator(".verify-entry")).to_have_count(0)
