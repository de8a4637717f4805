"""The automatic redaction pass (隐名、脱敏) for publishing enforcement decisions.

`find(text, known=...)` lists what should be masked: person names, ID numbers (checksum-aware), telephone numbers,
addresses below the county, bank accounts, plates, e-mail addresses, and what the officer marked private or a trade
secret; credit codes are found but not masked by default (organisations are published by name and code).
`apply(text, findings)` masks them. Nothing found here is published unconfirmed: the officer sees the findings,
confirms or extends them, and only then does publication use them (docs/redaction.md).

The PDF side (`pdf_text`, `find_in_pdf`, `leaks`) reads a decision's PDF; the published PDF is rendered again from
redacted fields, and `leaks` refuses one that still shows a confirmed term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from zhifa.publicity.redaction import addresses, names, numbers
from zhifa.publicity.redaction.base import (
    ADDRESS_TAIL,
    LABELS,
    Confidence,
    Finding,
    Kind,
    Known,
    name_mask,
    normalise,
    spaced,
)
from zhifa.publicity.redaction.pdf import UnreadablePdf, find_in_pdf, leaks, pdf_pages, pdf_text

__all__ = [
    "Confidence",
    "Finding",
    "Kind",
    "Known",
    "UnreadablePdf",
    "apply",
    "find",
    "find_in_pdf",
    "leaks",
    "merge",
    "pdf_pages",
    "pdf_text",
]

# Which kind speaks for a cluster of overlapping findings of the same width and confidence.
_PRECEDENCE = (
    Kind.MARKED,
    Kind.ID_NUMBER,
    Kind.BANK_ACCOUNT,
    Kind.PHONE,
    Kind.EMAIL,
    Kind.PLATE,
    Kind.ADDRESS,
    Kind.PERSON_NAME,
    Kind.CREDIT_CODE,
)


def _marked(text: str, norm: str, private: Sequence[str]) -> Iterable[Finding]:
    for term in private:
        for match in re.finditer(spaced(term), norm):
            yield Finding(
                start=match.start(),
                end=match.end(),
                text=text[match.start() : match.end()],
                kind=Kind.MARKED,
                reason="承办人标记为个人隐私或商业秘密",
                mask=LABELS[Kind.MARKED],
            )


def _kept(norm: str, keep: Sequence[str]) -> list[tuple[int, int]]:
    return [(match.start(), match.end()) for term in keep for match in re.finditer(spaced(term), norm)]


def find(text: str, *, known: Known | None = None, guess_names: bool = True) -> list[Finding]:
    """What the automatic pass would mask in `text`, merged where they overlap and sorted by position.

    `guess_names=False` leaves out jieba's guesses (the 'likely' names), which cost most of the time.
    """
    known = known or Known()
    norm = normalise(text)
    labelled = list(names.labelled(text, norm))
    # A name given after 当事人： is masked wherever else the text repeats it.
    repeated = {finding.text for finding in labelled if finding.confidence == Confidence.CERTAIN}
    found: list[Finding] = [
        *_marked(text, norm, known.private),
        *names.known(text, norm, known.persons),
        *labelled,  # before its repetitions: of two equal findings the first speaks
        *names.known(text, norm, sorted(repeated - set(known.persons)), "与文中标明身份的姓名相同"),
        *numbers.emails(text, norm),
        *numbers.plates(text, norm),
        *numbers.digit_runs(text, norm),
        *addresses.labelled(text, norm),
        *addresses.unlabelled(text, norm),
    ]
    if guess_names:
        found += names.guessed(text, norm)
    # Public names (officers, the agency) are never masked, unless the officer marked them private himself.
    kept = _kept(norm, known.keep)
    found = [
        finding
        for finding in found
        if finding.kind == Kind.MARKED or not any(finding.start < end and start < finding.end for start, end in kept)
    ]
    return merge(text, found)


def _order(finding: Finding) -> tuple[bool, int, bool, int]:
    # The widest speaks for the stretch (an address for the phone number written into it), then the certain.
    return (
        not finding.masked,
        finding.start - finding.end,
        finding.confidence != Confidence.CERTAIN,
        _PRECEDENCE.index(finding.kind),
    )


def _widened(text: str, lead: Finding, start: int, end: int) -> Finding:
    if (start, end) == (lead.start, lead.end):
        return lead
    found = text[start:end]
    if lead.kind == Kind.PERSON_NAME:
        mask = name_mask(found)
    elif lead.kind == Kind.ADDRESS:
        mask = ADDRESS_TAIL
    else:
        mask = LABELS.get(lead.kind, lead.mask)
    return replace(lead, start=start, end=end, text=found, mask=mask, reason=f"{lead.reason}（与相邻发现合并）")


def merge(text: str, findings: Iterable[Finding]) -> list[Finding]:
    """One finding for each stretch of overlapping ones, spanning them all, said by the one that takes precedence;
    sorted by start. A finding that is not masked (a credit code) never widens or absorbs a masked one."""
    ordered = sorted(findings, key=lambda finding: (finding.page or 0, finding.start, -finding.end))
    merged: list[Finding] = []
    cluster: list[Finding] = []

    def close() -> None:
        masked = [finding for finding in cluster if finding.masked] or cluster
        lead = min(masked, key=_order)
        start, end = min(f.start for f in masked), max(f.end for f in masked)
        merged.append(_widened(text, lead, start, end))

    cluster_end = 0
    for finding in ordered:
        if cluster and (finding.page != cluster[0].page or finding.start >= cluster_end):
            close()
            cluster = []
        cluster.append(finding)
        cluster_end = max(cluster_end, finding.end) if len(cluster) > 1 else finding.end
    if cluster:
        close()
    return merged


def apply(text: str, findings: Sequence[Finding]) -> str:
    """`text` with each masked finding replaced by its mask; the rest of the text unchanged.

    Raises ValueError if a finding does not match the text at its offsets, or two masked findings overlap
    (call `merge` first)."""
    parts = []
    position = 0
    for finding in sorted((f for f in findings if f.masked), key=lambda f: f.start):
        if text[finding.start : finding.end] != finding.text:
            raise ValueError(f"finding {finding.text!r} at {finding.start} does not match the text")
        if finding.start < position:
            raise ValueError(f"finding {finding.text!r} at {finding.start} overlaps the one before it")
        parts += [text[position : finding.start], finding.mask]
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
