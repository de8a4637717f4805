"""Resumable evidence uploads: the tus 1.0.0 core protocol with the creation and termination extensions.

An officer in the field sends a 300 MB video over a mobile link that drops. The browser (tus-js-client,
static/zhifa/upload.js) creates an upload (POST with Upload-Length and the file's SHA-256 in
Upload-Metadata), sends it in PATCH pieces, and after a dropped connection asks for the offset (HEAD) and
sends the rest. The pieces are appended to a partial file in the data folder (the upload spool); when the
last byte arrives the file takes the one way in for evidence (uploads.evidence_receive): the quota, the
server's hash checked against the browser's, the agency's ownership row, the content-addressed store.

No maintained Django server for tus exists (docs/decisions.md); the protocol's core is small and written
here. Partial uploads belong to the user who created them; others get 404. `zhifa evidence cleanup`
removes those untouched for a day (partials_cleanup).
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.ledger import blobs, uploads
from zhifa.ledger.evidence_views import UPLOADERS

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination"
# What the server says back when the last piece arrives: the stored file's SHA-256 (the browser compares it).
RESULT_HEADER = "X-Evidence-Sha256"
METADATA_MAX = 4096  # bytes of the Upload-Metadata header
OPEN_MAX = 20  # unfinished uploads one user may hold at once: partial files take disk until they finish
PARTIAL_MAX_AGE = timedelta(days=1)
NAME_MAX = 120
ID = re.compile(r"[0-9a-f]{32}")
MIME = re.compile(r"[a-z0-9][a-z0-9.+-]*/[a-z0-9][a-z0-9.+-]*")


@dataclass
class Partial:
    """An unfinished upload: its owner, its declared size and hash, and (once finished) the stored file."""

    id: str
    user_id: int
    length: int
    sha256: str
    name: str
    content_type: str
    created: str  # ISO time; the cleanup reads it (a file's mtime does not follow a test's clock)
    stored: str = ""  # the SHA-256 kept, once the last byte arrived and the file was received

    @property
    def data(self) -> Path:
        return folder() / f"{self.id}.part"

    @property
    def meta(self) -> Path:
        return folder() / f"{self.id}.json"

    def save(self) -> None:
        temporary = self.meta.with_suffix(".tmp")
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        temporary.replace(self.meta)

    def discard(self) -> None:
        self.data.unlink(missing_ok=True)
        self.meta.unlink(missing_ok=True)


def folder() -> Path:
    # Beside the upload spool, in the data folder: the finished file is moved, not copied, into the store.
    path = blobs._spool_dir() / "resumable"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def load(upload_id: str) -> Partial | None:
    if not ID.fullmatch(upload_id):
        return None
    try:
        return Partial(**json.loads((folder() / f"{upload_id}.json").read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError, TypeError):
        return None


def clean_name(name: str) -> str:
    """A file's name as the browser gave it, without folders or control characters, at most NAME_MAX long."""
    name = re.split(r"[\\/]", str(name))[-1]
    name = "".join(char for char in name if char.isprintable())
    return " ".join(name.split())[:NAME_MAX]


def _response(status: int, message: str = "", **headers: str) -> HttpResponse:
    response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _options() -> HttpResponse:
    return _response(
        204, Tus_Version=TUS_VERSION, Tus_Extension=EXTENSIONS, Tus_Max_Size=str(settings.EVIDENCE_MAX_BYTES)
    )


def _metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: `key base64,key base64`; refused when it is not that."""
    if len(header) > METADATA_MAX:
        raise Refusal("Upload-Metadata：过长", field="file")
    found: dict[str, str] = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _, value = pair.partition(" ")
        try:
            found[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError) as error:
            raise Refusal(f"Upload-Metadata：“{key[:20]}”的值不是 Base64 编码的文本", field="file") from error
    return found


def _integer(request: HttpRequest, header: str) -> int | None:
    value = request.headers.get(header, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


def _protocol(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The checks every tus request passes: signed in, a role that uploads, an agency, the protocol version."""

    def checked(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return _options()
        user = request.user
        if not user.is_authenticated:
            return _response(401, "登录已过期：请重新登录后再上传证据文件")
        assert isinstance(user, User)
        if not user.has_role(*UPLOADERS):
            return _response(403, "您的角色不能上传证据文件")
        if user.agency is None:
            return _response(403, "您未归属任何执法单位，不能上传证据文件")
        if request.headers.get("Tus-Resumable") != TUS_VERSION:
            return _response(412, "不支持的上传协议版本", Tus_Version=TUS_VERSION)
        try:
            return view(request, user, **kwargs)
        except Refusal as refusal:
            return _response(getattr(refusal, "status", 400), refusal.message)

    checked.__name__ = view.__name__
    checked.__doc__ = view.__doc__
    return checked


@_protocol
def create(request: HttpRequest, user: User) -> HttpResponse:
    """POST: a new upload of Upload-Length bytes whose SHA-256 (metadata `sha256`) the browser computed."""
    if request.method != "POST":
        return _response(405, "", Allow="POST, OPTIONS")
    length = _integer(request, "Upload-Length")
    if length is None:
        return _response(400, "Upload-Length：应为文件的字节数（非负整数）")
    if length > settings.EVIDENCE_MAX_BYTES:
        raise uploads.too_large()
    room = uploads.quota_room(user)
    if length > room:
        raise uploads.over_quota(settings.EVIDENCE_QUOTA_BYTES - room)
    meta = _metadata(request.headers.get("Upload-Metadata", ""))
    digest = blobs._normalise(meta.get("sha256", ""), "sha256")
    kind = meta.get("filetype", "").strip().lower()
    mine = [partial for partial in map(load, _ids()) if partial is not None and partial.user_id == user.pk]
    if sum(1 for partial in mine if not partial.stored) >= OPEN_MAX:
        return _response(429, f"未完成的上传已有 {OPEN_MAX} 个：请等待它们完成或取消后再上传")
    partial = Partial(
        id=secrets.token_hex(16),
        user_id=user.pk,
        length=length,
        sha256=digest,
        name=clean_name(meta.get("filename", "")),
        content_type=kind if MIME.fullmatch(kind) and len(kind) <= 100 else "application/octet-stream",
        created=timezone.now().isoformat(),
    )
    partial.data.touch(mode=0o600)
    partial.save()
    headers = {"Location": reverse("evidence_resumable_upload", args=[partial.id])}
    if length == 0:  # nothing to PATCH: the empty file is received now
        headers[RESULT_HEADER] = _finish(partial, user)
    return _response(201, **headers)


def _ids() -> list[str]:
    return [path.stem for path in folder().glob("*.json")]


@_protocol
def upload(request: HttpRequest, user: User, upload_id: str) -> HttpResponse:
    """HEAD: how many bytes arrived; PATCH: the next piece at Upload-Offset; DELETE: give the upload up."""
    partial = load(upload_id)
    if partial is None or partial.user_id != user.pk:
        return _response(404, "没有这个上传，或已过期被清除：请重新选择文件")
    if request.method == "HEAD":
        offset = partial.length if partial.stored else _size(partial.data)
        done = {RESULT_HEADER: partial.stored} if partial.stored else {}
        return _response(200, Upload_Offset=str(offset), Upload_Length=str(partial.length), **done)
    if request.method == "PATCH":
        return _append(request, user, partial)
    if request.method == "DELETE":
        partial.discard()
        return _response(204)
    return _response(405, "", Allow="HEAD, PATCH, DELETE, OPTIONS")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _append(request: HttpRequest, user: User, partial: Partial) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _response(415, "Content-Type 应为 application/offset+octet-stream")
    offset = _integer(request, "Upload-Offset")
    if offset is None:
        return _response(400, "Upload-Offset：应为续传的起始字节数（非负整数）")
    if partial.stored:
        return _response(409, "此文件已上传完成", Upload_Offset=str(partial.length))
    with partial.data.open("ab") as out:
        try:
            fcntl.flock(out.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _response(423, "此文件的另一段正在上传，请稍候")
        received = out.tell()
        if offset != received:
            return _response(
                409,
                f"续传位置不一致：服务器已收到 {received} 字节，本次从 {offset} 字节开始",
                Upload_Offset=str(received),
            )
        room = partial.length - received
        try:
            while chunk := request.read(min(blobs.CHUNK, room + 1)):
                if len(chunk) > room:
                    out.truncate(partial.length)
                    return _response(
                        400, f"证据文件：收到的字节超过声明的大小 {partial.length} 字节", Upload_Offset=str(received)
                    )
                out.write(chunk)
                received += len(chunk)
                room -= len(chunk)
        except OSError:
            pass  # the connection dropped mid-piece: what arrived is kept, and HEAD tells the browser where to go on
        out.flush()
        os.fsync(out.fileno())
    headers = {"Upload_Offset": str(received)}
    if received == partial.length:
        headers[RESULT_HEADER] = _finish(partial, user)
    return _response(204, **headers)


class _Assembled(UploadedFile):
    """The finished partial file, as evidence_receive and blobs.store_upload take an upload."""

    def __init__(self, partial: Partial, digest: str) -> None:
        super().__init__(
            partial.data.open("rb"),
            name=partial.name or partial.id,
            content_type=partial.content_type,
            size=partial.length,
        )
        self.sha256 = digest
        self._path = partial.data

    def temporary_file_path(self) -> str:
        return str(self._path)


def _finish(partial: Partial, user: User) -> str:
    """Receive the finished file as evidence; a file whose bytes do not hash to what the browser said is
    discarded (the Refusal says so), like a damaged multipart upload."""
    digest = hashlib.sha256()
    with partial.data.open("rb") as handle:
        while chunk := handle.read(blobs.CHUNK):
            digest.update(chunk)
    assembled = _Assembled(partial, digest.hexdigest())
    try:
        blob = uploads.evidence_receive(actor=user, upload=assembled, expected_sha256=partial.sha256)
    except Refusal:
        partial.discard()
        raise
    finally:
        assembled.close()
    partial.data.unlink(missing_ok=True)
    partial.stored = blob.sha256
    partial.save()  # kept a day: a browser whose last response was lost asks again (HEAD) and is told
    return blob.sha256


def partials_cleanup(*, now: datetime | None = None) -> int:
    """Remove partial uploads created more than a day ago (finished or not); return how many."""
    cutoff = (now or timezone.now()) - PARTIAL_MAX_AGE
    removed = 0
    for upload_id in _ids():
        partial = load(upload_id)
        if partial is None:
            continue
        if datetime.fromisoformat(partial.created) < cutoff:
            partial.discard()
            removed += 1
    known = set(_ids())
    for path in folder().glob("*.part"):  # a piece whose description was lost: by its file's age
        if path.stem not in known and datetime.fromtimestamp(path.stat().st_mtime, tz=cutoff.tzinfo) < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
