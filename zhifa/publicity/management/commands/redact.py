"""`zhifa redact FILE`: what the automatic redaction pass would mask in a decision (a .txt/.md file, a PDF, or `-`
for standard input). It prints the findings, and with --show-text the masked text; it changes nothing."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhifa.publicity import redaction
from zhifa.publicity.redaction import Finding, Known, UnreadablePdf

MAX_TEXT = 2 * 1024 * 1024  # bytes: a decision's text is tens of kilobytes
MAX_PDF = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def _read(name: str) -> bytes:
    if name == "-":
        data = sys.stdin.buffer.read(MAX_PDF + 1)
    else:
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"找不到文件：{name}")
        limit = MAX_PDF if path.suffix.lower() == ".pdf" else MAX_TEXT
        if path.stat().st_size > limit:
            raise CommandError(f"文件过大：{name}（{_size(path.stat().st_size)}），上限为 {_size(limit)}")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"无法读取文件：{name}（{error.strerror}）") from error
    limit = MAX_PDF if data.startswith(PDF_MAGIC) else MAX_TEXT
    if len(data) > limit:
        raise CommandError(f"输入过大：超过 {_size(limit)}")
    return data


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count} 字节"


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"无法识别文件的编码：{name}（应为 UTF-8 或 GB18030 文本，或 PDF）")


def _where(text: str, finding: Finding) -> str:
    line = text.count("\n", 0, finding.start) + 1
    column = finding.start - (text.rfind("\n", 0, finding.start) + 1) + 1
    place = f"{line}:{column}"
    return f"第{finding.page}页 {place}" if finding.page else place


def _one_line(value: str) -> str:
    return " ".join(value.split())


class Command(BaseCommand):
    help = "列出自动脱敏会隐去的内容（姓名、身份证号码、电话、住址、银行账号、车牌等）；不修改任何文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="决定书文本（.txt、.md，UTF-8 或 GB18030）或 PDF；“-”表示标准输入")
        parser.add_argument(
            "--known-person", action="append", default=[], metavar="姓名", help="已知须隐去的姓名（可重复）"
        )
        parser.add_argument(
            "--private", action="append", default=[], metavar="文字", help="标记为隐私或商业秘密的文字（可重复）"
        )
        parser.add_argument(
            "--keep", action="append", default=[], metavar="文字", help="不隐去的公开名称，如执法人员姓名（可重复）"
        )
        parser.add_argument("--no-guess", action="store_true", help="不用分词工具推测人名（更快，只报确定的）")
        parser.add_argument("--show-text", action="store_true", help="再输出脱敏后的全文")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args: Any, **options: Any) -> None:
        name: str = options["file"]
        data = _read(name)
        if name.lower().endswith(".pdf") and not data.startswith(PDF_MAGIC):
            raise CommandError(f"{name} 不是 PDF 文件（开头不是 %PDF-）")
        known = Known(persons=options["known_person"], private=options["private"], keep=options["keep"])
        guess = not options["no_guess"]
        if data.startswith(PDF_MAGIC):
            try:
                pages = redaction.pdf_pages(data)
            except UnreadablePdf as error:
                raise CommandError(f"{name}：{error}") from error
        else:
            pages = [_decode(data, name)]
        pdf = data.startswith(PDF_MAGIC)
        findings: list[tuple[str, Finding]] = []
        masked: list[str] = []
        for number, page in enumerate(pages, start=1):
            found = redaction.find(page, known=known, guess_names=guess)
            if pdf:
                found = [replace(finding, page=number) for finding in found]
            findings += [(page, finding) for finding in found]
            masked.append(redaction.apply(page, found))
        if options["json"]:
            self._json(findings, masked if options["show_text"] else None)
            return
        self._print(findings)
        if options["show_text"]:
            self.stdout.write("\n—— 脱敏后的文本 ——")
            self.stdout.write("\n\f\n".join(masked))

    def _print(self, findings: list[tuple[str, Finding]]) -> None:
        if not findings:
            self.stdout.write("未发现需要隐去的内容。")
            return
        for text, finding in findings:
            target = finding.mask if finding.masked else "（默认不隐去）"
            self.stdout.write(
                f"{_where(text, finding)}\t{finding.kind.label}\t{finding.confidence.label}\t{finding.reason}\t"
                f"{_one_line(finding.text)} → {target}"
            )
        masked = sum(1 for _text, finding in findings if finding.masked)
        likely = sum(1 for _text, finding in findings if finding.confidence == redaction.Confidence.LIKELY)
        self.stdout.write(f"共 {len(findings)} 处，其中 {masked} 处将隐去，{likely} 处为推测，须承办人确认。")

    def _json(self, findings: list[tuple[str, Finding]], masked: list[str] | None) -> None:
        rows = [
            {
                "page": finding.page,
                "start": finding.start,
                "end": finding.end,
                "where": _where(text, finding),
                "kind": finding.kind.value,
                "confidence": finding.confidence.value,
                "masked": finding.masked,
                "reason": finding.reason,
                "text": finding.text,
                "mask": finding.mask,
            }
            for text, finding in findings
        ]
        out: dict[str, Any] = {"findings": rows}
        if masked is not None:
            out["text"] = "\f".join(masked)
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
