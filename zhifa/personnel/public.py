"""事中公示: anyone checks an officer's certificate — typed, or from the QR on it — and reads whether it is valid today,
whose it is, for which agency and domains (行政执法公示; 司办通〔2020〕78号). The answer comes from the record: the
certificate's state as its latest ledger entry recorded it, compared with the live row; a difference is shown, never
hidden. Nothing personal but the holder's name (no ID number, phone or photograph).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date

from zhifa.ledger.models import Entry
from zhifa.ledger.state import snapshot, subject_key
from zhifa.personnel.models import Certificate

# Certificate numbers are letters, digits and a few separators (the provinces' formats), at most 40 characters.
NUMBER = re.compile(r"^[0-9A-Za-z\-_/]{4,40}$")


@dataclass(frozen=True)
class CertificateAnswer:
    number: str
    holder: str
    agency: str
    domains: list[str]
    issuing_body: str
    valid_from: date
    valid_until: date
    state: str  # on the day asked: 有效, 已过期, 年审逾期, 未生效, 暂扣, 注销
    valid: bool
    entry_index: int | None  # the latest ledger entry about the certificate
    recorded_at: str
    matches_record: bool  # the live row agrees with the state that entry recorded


def certificate_answer(number: str, today: date) -> CertificateAnswer | None:
    """The answer for `number`, or None when no certificate has it (or the number is not of a certificate's form)."""
    number = number.strip().upper()
    if not NUMBER.match(number):
        return None
    certificate = Certificate.objects.select_related("officer__agency").filter(number__iexact=number).first()
    if certificate is None:
        return None
    entry = Entry.objects.filter(subject=subject_key(certificate)).select_related("facts").order_by("-index").first()
    recorded = json.loads(entry.facts.facts).get("state") if entry is not None else None
    live = snapshot(certificate) or {}
    matches = isinstance(recorded, dict) and all(live.get(name) == value for name, value in recorded.items())
    state = certificate.state_on(today)
    return CertificateAnswer(
        number=certificate.number,
        holder=certificate.officer.name,
        agency=certificate.officer.agency.name,
        domains=certificate.domain_labels(),
        issuing_body=certificate.issuing_body,
        valid_from=certificate.valid_from,
        valid_until=certificate.valid_until,
        state=state,
        valid=state == "有效" and matches,
        entry_index=entry.index if entry is not None else None,
        recorded_at=entry.recorded_at.date().isoformat() if entry is not None else "",
        matches_record=matches,
    )
