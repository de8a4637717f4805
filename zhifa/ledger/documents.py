"""Which document a hash is, in plain words, for the public check page (docs/verification.md).

`describe(sha256)` asks each function in `DESCRIBERS`, in order, and returns everything they found. A
describer takes the lower-case hex SHA-256 the visitor has (a file's hash, or the hash printed under a
document's QR code) and returns a list of `Described`, empty when the hash is none of its documents.

To add a source of documents (the publicity app's redacted public copies, say), write a describer and
append it to the list when your app is loaded, in its AppConfig.ready()::

    from zhifa.ledger import documents
    documents.DESCRIBERS.append(published_copies)

A describer may name only what the public may read: the document's kind, number, issuing agency and date,
never the party. It should claim "unchanged" only for a hash that a ledger entry names (its `entry`), so
that the page, and the visitor's browser, can prove it with that entry's inclusion proof.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from zhifa.ledger import services
from zhifa.ledger.models import EntryFile
from zhifa.ledger.selectors import HEX64

if TYPE_CHECKING:
    from zhifa.cases.models import CaseDocument


@dataclass(frozen=True)
class Described:
    """A document the hash identifies, and how."""

    kind: str  # the document's kind, e.g. 行政处罚决定书
    number: str  # its number, e.g. 测甲罚决字〔2026〕第1号
    agency: str  # the issuing agency's name
    issued_on: date
    what: str  # what the hash is of: 文书原件, 签字件扫描件, 文书所记载的执法行为…
    statement: str  # the whole answer in one plain sentence
    entry: int  # the ledger entry that names this hash (its proof is checked on the page)


Describer = Callable[[str], list["Described"]]


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def made_by(agency: str, issued_on: date, kind: str, number: str) -> str:
    """The common start of a statement: 「XX局 2026年10月20日 制作的《行政处罚决定书》（编号 …）」."""
    return f"{agency} {chinese_date(issued_on)} 制作的《{kind}》（编号 {number}）"


def case_documents(digest: str) -> list[Described]:
    """Issued case documents (执法文书): the PDF itself, its signed scan, or the hash its QR code carries.

    The PDF and the scan are found through the entries that name the file (`document.issue`,
    `document.sign`), so only a file the ledger recorded is called unchanged; the QR code carries the leaf
    hash of the act the document documents, so that hash finds the documents made from that act.
    """
    from zhifa.cases.models import CaseDocument  # cases builds on the ledger, not the other way round

    naming = list(EntryFile.objects.filter(sha256=digest).values_list("entry_id", flat=True))
    acts = services.leaf_indices(bytes.fromhex(digest))
    documents = CaseDocument.objects.select_related("case__agency")
    found: list[Described] = []
    if naming:
        for document in documents.filter(entry_index__in=naming):
            found.append(_described(document, "文书原件", "，自记录以来未被改动。", document.entry_index))
        for document in documents.filter(signed_entry__in=naming):
            ending = " 经签字后的扫描件，自上传记录以来未被改动。"
            found.append(_described(document, "签字件扫描件", ending, int(document.signed_entry or 0)))
    for document in documents.filter(documents_entry__in=acts) if acts else ():
        ending = " 上印的记录校验值：该文书所记载的执法行为已记入执法全过程记录。请核对手中文书的种类、编号与此一致。"
        found.append(_described(document, "文书所记载的执法行为", ending, document.documents_entry))
    return found


def _described(document: CaseDocument, what: str, ending: str, entry: int) -> Described:
    kind, agency = str(document.get_kind_display()), document.case.agency.name
    return Described(
        kind=kind,
        number=document.number,
        agency=agency,
        issued_on=document.issued_on,
        what=what,
        statement=f"这是 {made_by(agency, document.issued_on, kind, document.number)}{ending}",
        entry=entry,
    )


#: The describers `describe` asks, in order. Append yours at app load (see the module's docstring).
DESCRIBERS: list[Describer] = [case_documents]


def describe(sha256: str, describers: list[Describer] | None = None) -> list[Described]:
    """Every document the hash identifies, from each describer in turn; [] for a malformed hash or none."""
    digest = sha256.strip().lower()
    if not HEX64.match(digest):
        return []
    found: list[Described] = []
    for describer in DESCRIBERS if describers is None else describers:
        found.extend(describer(digest))
    return found
