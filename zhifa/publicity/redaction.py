# INTERIM (not committed): replaced by the redaction helper's package.
from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Known:
    persons: Sequence[str] = ()
    private: Sequence[str] = ()
    keep: Sequence[str] = ()


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    text: str
    kind: str
    reason: str
    mask: str
    confidence: str = "certain"


_ID = re.compile(r"\d{17}[\dXx]")
_PHONE = re.compile(r"1[3-9]\d{9}")


def find(text: str, *, known: Known | None = None) -> list[Finding]:
    found = []
    for m in _ID.finditer(text):
        found.append(Finding(m.start(), m.end(), m.group(), "id_number", "身份证号", "*" * 18))
    for m in _PHONE.finditer(text):
        found.append(Finding(m.start(), m.end(), m.group(), "phone", "手机", "*" * 11))
    for name in known.persons if known else ():
        for m in re.finditer(re.escape(name), text):
            found.append(Finding(m.start(), m.end(), name, "person_name", "姓名", name[0] + "**"))
    return sorted(found, key=lambda f: f.start)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def leaks(data: bytes, terms: Sequence[str]) -> list[str]:
    text = re.sub(r"\s+", "", pdf_text(data))
    return [t for t in terms if re.sub(r"\s+", "", t) in text]
