"""The evidence store: files by SHA-256, streamed, never overwritten, re-hashed on every read."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest

from zhifa.core.errors import Refusal
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob

pytestmark = pytest.mark.django_db


def test_a_file_is_kept_under_its_hash_and_read_back_checked(evidence):
    data = b"site photo " * 1000
    digest = hashlib.sha256(data).hexdigest()
    blob = blobs.store(io.BytesIO(data), content_type="image/jpeg")
    assert (blob.sha256, blob.size, blob.content_type) == (digest, len(data), "image/jpeg")
    assert (evidence / "sha256" / digest[:2] / digest[2:4] / digest).read_bytes() == data
    assert b"".join(blobs.open_verified(digest)) == data
    assert blobs.verify(digest) is None
    assert blobs.exists(digest.upper())


def test_storing_the_same_bytes_again_writes_nothing(evidence):
    first = blobs.store([b"recording ", b"of the hearing"])
    path = evidence / blobs.name_of(first.sha256)
    before = path.stat().st_mtime_ns
    again = blobs.store(io.BytesIO(b"recording of the hearing"))
    assert again.sha256 == first.sha256
    assert path.stat().st_mtime_ns == before
    assert Blob.objects.count() == 1
    assert [p.name for p in evidence.rglob("*") if p.is_file()] == [first.sha256]


def test_a_damaged_file_is_never_overwritten_and_stays_reported(evidence):
    blob = blobs.store(io.BytesIO(b"original evidence"))
    path = evidence / blobs.name_of(blob.sha256)
    path.write_bytes(b"0riginal evidence")
    # Uploading the genuine bytes again does not quietly repair the record of what happened.
    blobs.store(io.BytesIO(b"original evidence"))
    assert path.read_bytes() == b"0riginal evidence"
    problem = blobs.verify(blob.sha256)
    assert problem is not None
    assert "hash to" in problem
    with pytest.raises(blobs.BlobCorrupted):
        b"".join(blobs.open_verified(blob.sha256))


def test_a_missing_file_is_reported(evidence):
    blob = blobs.store(io.BytesIO(b"a pdf"))
    (evidence / blobs.name_of(blob.sha256)).unlink()
    assert blobs.verify(blob.sha256) == "the stored file is missing"


def test_a_hash_mismatch_is_refused_and_nothing_is_kept(evidence, settings):
    data = b"video bytes damaged in transit"
    wrong = hashlib.sha256(b"what the browser read").hexdigest()
    with pytest.raises(Refusal) as refused:
        blobs.store(io.BytesIO(data), expected_sha256=wrong)
    assert refused.value.field == "file"
    assert "不一致" in refused.value.message
    assert "未保存" in refused.value.message
    assert not Blob.objects.exists()
    assert not evidence.exists() or not any(p.is_file() for p in evidence.rglob("*"))
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []


def test_a_malformed_expected_hash_is_refused_by_name(evidence):
    with pytest.raises(Refusal) as refused:
        blobs.store(io.BytesIO(b"x"), expected_sha256="abc")
    assert refused.value.field == "sha256"
    assert "64位十六进制" in refused.value.message


def test_a_large_stream_is_stored_in_bounded_memory(evidence):
    """200 MiB pass through the store while Python never holds more than a few chunks of it."""
    chunk = os.urandom(blobs.CHUNK)
    count = 200
    expected = hashlib.sha256()
    for _ in range(count):
        expected.update(chunk)

    def stream():
        for _ in range(count):
            yield chunk  # the same object each time, so the source itself costs one chunk

    tracemalloc.start()
    try:
        blob = blobs.store(stream(), expected_sha256=expected.hexdigest())
        assert blobs.verify(blob.sha256) is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert blob.size == count * blobs.CHUNK
    assert peak < 8 * blobs.CHUNK, f"peak {peak / 2**20:.1f} MiB for a {count} MiB file"
