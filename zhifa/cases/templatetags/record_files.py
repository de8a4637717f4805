"""`{% record_files record as files %}`: a record's evidence files by kind and name, for cases/_record_files.html.

The content types and sizes of the files of all the case's records are read in one query the first time a
page asks for one record's, and kept on the request: a case page with 40 records and 200 photos makes one.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from zhifa.cases.models import CaseRecord
from zhifa.ledger.forms import KINDS, human_size, kind_of
from zhifa.ledger.models import Blob

register = template.Library()

Described = dict[str, tuple[str, int]]  # sha256 -> (content type, size)


def _described(request: Any, record: CaseRecord) -> Described:
    cache: dict[int, Described] | None = getattr(request, "_zhifa_record_blobs", None) if request else None
    if cache is not None and record.case_id in cache:
        return cache[record.case_id]
    if request is None:
        digests = set(record.files)
    else:
        rows = CaseRecord.objects.filter(case_id=record.case_id).exclude(files=[]).values_list("files", flat=True)
        digests = {digest for files in rows for digest in files} | set(record.files)
    found = {
        sha: (kind, size)
        for sha, kind, size in Blob.objects.filter(sha256__in=digests).values_list("sha256", "content_type", "size")
    }
    if request is not None:
        if cache is None:
            cache = {}
            request._zhifa_record_blobs = cache
        cache[record.case_id] = found
    return found


@register.simple_tag(takes_context=True)
def record_files(context: template.Context, record: CaseRecord) -> list[dict[str, str]]:
    described = _described(context.get("request"), record)
    names: dict[str, str] = (record.data or {}).get("file_names") or {}
    counted: dict[str, int] = {}
    files = []
    for digest in record.files:
        content_type, size = described.get(digest, ("", 0))
        kind = kind_of(content_type)
        counted[kind] = counted.get(kind, 0) + 1
        files.append(
            {
                "sha256": digest,
                "kind": kind,
                "kind_label": str(KINDS[kind]),
                # A file recorded before names were kept reads by its kind and number: 「照片 2」.
                "name": names.get(digest) or f"{KINDS[kind]} {counted[kind]}",
                "size": human_size(size) if digest in described else "",
                "url": reverse("evidence_download", args=[digest]),
            }
        )
    return files
