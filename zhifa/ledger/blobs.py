"""The evidence store: files kept by their SHA-256 through Django's storage API, never overwritten.

Files are streamed in chunks of CHUNK bytes, so a 2 GB video is hashed and stored with a few MiB of
memory. Each file is first spooled to a temporary file while it is hashed; only a file whose hash is known
(and matches what the uploader said it is) is moved under its name `sha256/ab/cd/<hex>`. A name that
exists is never written again. Every read re-hashes (open_verified, verify).

The storage is `STORAGES["evidence"]`: a local folder in the data folder by default, or any Django
storage (e.g. django-storages' S3Storage) by setting; see docs/operations.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import transaction

from zhifa.core.errors import Refusal
from zhifa.ledger.models import Blob

CHUNK = 1024 * 1024
HEX64 = re.compile(r"[0-9a-f]{64}")


class BlobCorrupted(Exception):
    """A stored file is missing or its bytes no longer hash to its name."""


def storage() -> Storage:
    # Looked up on every call: tests and operators may change STORAGES, and Django resets this cache then.
    return storages["evidence"]


def name_of(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _normalise(sha256: str, field: str) -> str:
    digest = sha256.strip().lower()
    if not HEX64.fullmatch(digest):
        raise Refusal("SHA-256 校验值应为64位十六进制数字", field=field)
    return digest


class _Spooled(File):  # type: ignore[type-arg]
    """A spooled temporary file that FileSystemStorage can move into place instead of copying."""

    def __init__(self, path: Path) -> None:
        super().__init__(path.open("rb"), name=path.name)
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


def _chunks(source: IO[bytes] | Iterable[bytes]) -> Iterator[bytes]:
    read = getattr(source, "read", None)
    if read is None:
        yield from source
        return
    while chunk := read(CHUNK):
        yield chunk


def _spool_dir() -> Path:
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(source: IO[bytes] | Iterable[bytes], *, expected_sha256: str | None = None, content_type: str = "") -> Blob:
    """Hash and store a file given as a binary file object or an iterable of chunks.

    Refuses (field "file") when `expected_sha256` is given and the bytes hash to something else; then
    nothing is stored. Storing a file that is already there stores nothing new and returns its Blob.
    """
    expected = _normalise(expected_sha256, "sha256") if expected_sha256 else None
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(prefix="upload-", dir=_spool_dir())
    spooled = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in _chunks(source):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        return _keep(spooled, digest.hexdigest(), size, expected, content_type)
    finally:
        spooled.unlink(missing_ok=True)


def store_upload(upload: UploadedFile, *, expected_sha256: str | None = None) -> Blob:
    """Store a file received through HashingUploadHandler without reading it a second time."""
    expected = _normalise(expected_sha256, "sha256") if expected_sha256 else None
    digest = getattr(upload, "sha256", None)
    path = getattr(upload, "temporary_file_path", None)
    if digest is None or path is None:
        upload.seek(0)
        return store(upload, expected_sha256=expected, content_type=upload.content_type or "")
    return _keep(Path(path()), digest, upload.size or 0, expected, upload.content_type or "")


def check_expected(digest: str, expected_sha256: str | None) -> None:
    """Refuse (field "file") bytes that do not hash to what the uploader said they would."""
    expected = _normalise(expected_sha256, "sha256") if expected_sha256 else None
    if expected is not None and expected != digest:
        raise Refusal(
            f"文件传输有误：收到的文件的 SHA-256 为 {digest[:12]}…，"
            f"与浏览器计算的 {expected[:12]}… 不一致，未保存，请重新上传",
            field="file",
        )


def _keep(spooled: Path, digest: str, size: int, expected: str | None, content_type: str) -> Blob:
    check_expected(digest, expected)
    target = storage()
    name = name_of(digest)
    if not target.exists(name):
        with _Spooled(spooled) as content:
            saved = target.save(name, content)
        if saved != name:
            # Another upload of the same bytes won the race; its copy is the one kept.
            target.delete(saved)
        _sync(target, name)
    with transaction.atomic():
        blob, _ = Blob.objects.get_or_create(sha256=digest, defaults={"size": size, "content_type": content_type[:100]})
    return blob


def _sync(target: Storage, name: str) -> None:
    """On a local folder, make the file and its directory entry durable before the database names it."""
    try:
        path = Path(target.path(name))
    except NotImplementedError:
        return  # remote storage: the service acknowledges only durable writes
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def exists(sha256: str) -> bool:
    return Blob.objects.filter(sha256=sha256.lower()).exists()


def open_verified(sha256: str) -> Iterator[bytes]:
    """Yield the file's bytes in chunks; raise BlobCorrupted at the end when they do not hash to its name.

    A caller that must not pass on bad bytes (an export, a download) writes them somewhere it can discard.
    """
    try:
        handle = storage().open(name_of(sha256), "rb")
    except FileNotFoundError as missing:
        raise BlobCorrupted("the stored file is missing") from missing
    digest = hashlib.sha256()
    with handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            yield chunk
    if digest.hexdigest() != sha256:
        raise BlobCorrupted(f"the stored bytes hash to {digest.hexdigest()}, not to the file's name")


def verify(sha256: str) -> str | None:
    """Re-hash one stored file: None when intact, else what is wrong (for `zhifa ledger verify`)."""
    if not Blob.objects.filter(sha256=sha256).exists():
        return "no evidence-store row names this file"
    try:
        for _ in open_verified(sha256):
            pass
    except BlobCorrupted as problem:
        return str(problem)
    return None


# What a multipart body may carry beyond the file itself (the boundaries, the hash field, the headers).
ENVELOPE = 64 * 1024
# The routes whose uploads are evidence, counted against the agency's quota of unattached uploads.
EVIDENCE_ROUTES = {"evidence_upload", "upload_evidence"}


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Spools an upload to disk, hashing it as it arrives; the file gets a `sha256` attribute.

    Every upload goes through it (FILE_UPLOAD_HANDLERS). It refuses, while the body is still arriving, a
    file over ZHIFA_EVIDENCE_MAX_MB (a declared Content-Length over it before reading anything) and an
    evidence upload that would take the agency's unattached uploads over ZHIFA_EVIDENCE_QUOTA_MB.
    """

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        from zhifa.ledger.uploads import too_large

        if content_length > settings.EVIDENCE_MAX_BYTES + ENVELOPE:
            raise too_large()
        self._room: int | None = None
        match = getattr(self.request, "resolver_match", None)
        user = getattr(self.request, "user", None)
        if match is not None and match.url_name in EVIDENCE_ROUTES and user is not None and user.is_authenticated:
            from zhifa.ledger.uploads import quota_room

            self._room = quota_room(user)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._digest = hashlib.sha256()
        self._received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        from zhifa.ledger.uploads import over_quota, too_large

        self._received += len(raw_data)
        room = getattr(self, "_room", None)
        if self._received > settings.EVIDENCE_MAX_BYTES or (room is not None and self._received > room):
            self.file.close()  # the spooled part is deleted; the parser does not know this file yet
            if self._received > settings.EVIDENCE_MAX_BYTES:
                raise too_large()
            raise over_quota(settings.EVIDENCE_QUOTA_BYTES - (room or 0))
        self._digest.update(raw_data)
        return super().receive_data_chunk(raw_data, start)

    def file_complete(self, file_size: int) -> UploadedFile | None:
        upload = super().file_complete(file_size)
        if upload is not None:
            upload.sha256 = self._digest.hexdigest()  # type: ignore[attr-defined]
        return upload
