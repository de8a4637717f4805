"""Document numbers (文号): 大青保罚决字〔2026〕第12号 — agency code, kind code, year, serial.

`next_number` draws the next serial inside the caller's transaction, the one that saves the document. The
sequence row stays locked until that transaction ends, so concurrent issuers queue and get consecutive
numbers; a transaction that rolls back rolls its draw back too, so the number goes to the next issuer and
no gap appears. Nothing outside the transaction may see a number before it commits (send PDFs from
`transaction.on_commit`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, transaction

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency
from zhifa.documents.choices import KIND_CODES, DocumentKind
from zhifa.documents.models import DocumentSequence


class NotInTransaction(RuntimeError):
    """next_number() was called outside the transaction that saves the numbered document."""


@dataclass(frozen=True)
class DocumentNumber:
    """One document's number. `str()` gives it as printed: 大青保罚决字〔2026〕第12号."""

    agency_code: str
    kind: DocumentKind
    year: int
    serial: int

    def __str__(self) -> str:
        # GB/T 9704-2012 7.2.4: the year in 六角括号〔〕, the serial without leading zeros.
        return f"{self.agency_code}{KIND_CODES[self.kind]}字〔{self.year}〕第{self.serial}号"


def next_number(agency: Agency, kind: DocumentKind, year: int, *, using: str = DEFAULT_DB_ALIAS) -> DocumentNumber:
    """Draw the next number of `agency`'s documents of `kind` in `year`; call inside the issuing transaction.

    PostgreSQL: SELECT … FOR UPDATE holds the row until the transaction ends (a first draw of the year
    inserts it; a concurrent first draw waits on the unique constraint, then reads and locks the row).
    SQLite: Zhifa's transactions begin IMMEDIATE, so the transaction already holds the database's write lock.
    """
    if not transaction.get_connection(using).in_atomic_block:
        raise NotInTransaction("next_number() must run inside the transaction that saves the numbered document")
    if not agency.short_name.strip():
        raise Refusal(f"{agency.name}尚未设置机关代字，不能为文书编号", field="short_name")
    if not 2000 <= year <= 2999:
        raise ValueError(f"document year out of range: {year}")
    kind = DocumentKind(kind)
    sequence, _created = (
        DocumentSequence.objects.using(using).select_for_update().get_or_create(agency=agency, year=year, kind=kind)
    )
    sequence.last += 1
    sequence.save(update_fields=["last"], using=using)
    return DocumentNumber(agency_code=agency.short_name.strip(), kind=kind, year=year, serial=sequence.last)
