"""`zhifa ledger export DIR [--public]`: a self-contained bundle that zhifa_verify checks (docs/ledger.md)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from zhifa.ledger import blobs
from zhifa.ledger.models import Checkpoint, Entry, Facts
from zhifa.ledger.services import (
    LEGACY_VERSION,
    blob_rows,
    checkpoint_issue,
    file_facts,
    leaf_version,
    public_key_line,
    sealed_text,
)
from zhifa.ledger.verify import BATCH

BUNDLE_FORMAT = "zhifa-ledger-bundle/1"


def export_bundle(target: Path, *, public: bool) -> int:
    """Write the bundle into `target` (which must be empty or absent); returns the number of entries."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    latest = checkpoint_issue()  # sign what is there now, so the whole bundle is covered
    size = latest.size
    with (target / "entries.jsonl").open("w", encoding="utf-8") as out:
        entries = Entry.objects.filter(index__lt=size).order_by("index")
        for start in range(0, size, BATCH):
            chunk = list(entries.filter(index__gte=start, index__lt=start + BATCH))
            stored = {} if public else blob_rows({digest for entry in chunk for digest in entry.files})
            for entry in chunk:
                line: dict[str, object] = {"index": entry.index, "leaf": entry.leaf}
                if not public and leaf_version(entry.leaf) != LEGACY_VERSION:
                    # A full bundle opens each format-2 leaf's sealed part, so the verifier checks it too.
                    line["sealed"] = sealed_of(entry, stored)
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
    with (target / "checkpoints.txt").open("w", encoding="utf-8") as out:
        for checkpoint in Checkpoint.objects.filter(size__lte=size).order_by("pk"):
            out.write(checkpoint.note + "\n")
    (target / "verifier-key.txt").write_text(public_key_line() + "\n", encoding="utf-8")
    if not public:
        with (target / "facts.jsonl").open("w", encoding="utf-8") as out:
            facts = Facts.objects.filter(entry_id__lt=size).order_by("entry_id")
            for row in facts.iterator(chunk_size=BATCH):
                line = {"index": row.entry_id, "facts": row.facts, "salt": bytes(row.salt).hex()}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
        _export_files(target / "files", size)
    manifest = {
        "format": BUNDLE_FORMAT,
        "origin": settings.LEDGER_ORIGIN,
        "size": size,
        "public": public,
        "root": base64.b64encode(bytes(latest.root)).decode(),
        "exported_at": timezone.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return size


def _export_files(folder: Path, size: int) -> None:
    digests: set[str] = set()
    for files in Entry.objects.filter(index__lt=size).values_list("files", flat=True).iterator(chunk_size=BATCH):
        digests.update(files)
    if not digests:
        return
    folder.mkdir()
    for digest in sorted(digests):
        with (folder / digest).open("wb") as out:
            for chunk in blobs.open_verified(digest):
                out.write(chunk)


def sealed_of(entry: Entry, stored: dict[str, tuple[int, str]]) -> str:
    """A format-2 entry's sealed part, rebuilt from its columns and its files' rows (verify proved them)."""
    described = file_facts(entry.files, stored) or []
    return sealed_text(entry.actor_id, entry.actor_name, entry.agency_id, entry.subject, entry.commitment, described)
