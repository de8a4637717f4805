"""Evidence upload and download for signed-in staff.

The browser hashes a file before it sends it (static/zhifa/upload.js); the server hashes the bytes it
receives as they arrive (blobs.HashingUploadHandler) and refuses the file when the two differ, so a file
damaged on the way is never recorded as evidence.
"""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from zhifa.core.choices import Role
from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.core.scoping import can_see_agency, reads_cases
from zhifa.ledger import blobs, uploads
from zhifa.ledger.models import Blob, Entry

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
# Auditors read the record; they do not add to it.
# The security administrator's work has no files (三员分立); the system administrator uploads only for the
# personnel records he keeps (may_read keeps case files from him).
UPLOADERS = [role for role in Role.values if role not in (Role.AUDITOR, Role.SECADMIN)]


def _refused(message: str, field: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message, "field": field}, status=status, json_dumps_params={"ensure_ascii": False})


@csrf_exempt  # the handler must be swapped before the body is read; CSRF is checked just below
@login_required
def evidence_upload(request: HttpRequest) -> HttpResponse:
    request.upload_handlers = [blobs.HashingUploadHandler(request)]
    try:
        return _evidence_upload(request)
    except uploads.UploadRefused as refusal:
        # The CSRF check reads the body before the view does: a file over a limit is refused there.
        return _refused(refusal.message, refusal.field or "file", status=refusal.status)


@csrf_protect
@require_POST
def _evidence_upload(request: HttpRequest) -> JsonResponse:
    user = request.user
    assert isinstance(user, User)
    if not user.has_role(*UPLOADERS):
        return _refused("您的角色不能上传证据文件", "file", status=403)
    if user.agency is None:
        return _refused("您未归属任何执法单位，不能上传证据文件", "file", status=403)
    try:
        upload = request.FILES.get("file")
    except uploads.UploadRefused as refusal:
        return _refused(refusal.message, refusal.field or "file", status=refusal.status)
    if upload is None:
        return _refused("证据文件：请选择要上传的文件", "file")
    expected = request.POST.get("sha256", "")
    if not expected:
        return _refused("SHA-256 校验值：浏览器未提交文件的校验值，无法核对传输是否完整", "sha256")
    try:
        blob = uploads.evidence_receive(actor=user, upload=upload, expected_sha256=expected)
    except Refusal as refusal:
        return _refused(refusal.message, refusal.field or "file", status=getattr(refusal, "status", 400))
    return JsonResponse(
        {"sha256": blob.sha256, "size": blob.size, "content_type": blob.content_type, "name": upload.name}
    )


def may_read(user: User, digest: str) -> bool:
    """Staff may read (and attach) a file an entry of an agency in their scope names, or their agency's upload.

    An upload nobody has recorded yet belongs to its uploader's agency (uploads.py): another agency that
    learns its hash can neither read nor attach it, but may upload the same bytes as its own.
    """
    if not user.is_active:
        return False
    entries = Entry.objects.filter(file_rows__sha256=digest)
    if not reads_cases(user):
        # The system and security administrators read only the files of personnel records (三员分立), and
        # before a file is recorded only their own upload: another's upload may be a case's evidence. The
        # entrustment letters of the published lists (powers.) are published documents, not evidence.
        if entries.exclude(subject__startswith="personnel.").exclude(subject__startswith="powers.").exists():
            return False
        if not entries.exists():
            return uploads.may_read_unrecorded(user, digest, own_only=True)
    agencies = entries.values_list("agency", flat=True).distinct()
    from zhifa.core.models import Agency

    if any(agency_id is None or can_see_agency(user, Agency.objects.get(pk=agency_id)) for agency_id in agencies):
        return True
    return uploads.may_read_unrecorded(user, digest)


@login_required
@require_GET
def evidence_download(request: HttpRequest, sha256: str) -> HttpResponseBase:
    """Send a stored file after re-hashing it, so that bytes that no longer match their name are never served."""
    user = request.user
    assert isinstance(user, User)
    blob = Blob.objects.filter(sha256=sha256).first()
    if blob is None:
        raise Http404
    if not may_read(user, sha256):
        raise PermissionDenied
    problem = blobs.verify(sha256)
    if problem is not None:
        return HttpResponse(
            f"此证据文件已损坏或缺失，不能提供：{problem}。请通知系统管理员运行 zhifa ledger verify。",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    # The content type came from the uploader: only kinds a browser cannot run are shown inline.
    inline = blob.content_type in INLINE_TYPES or blob.content_type.split("/")[0] in {"audio", "video"}
    content_type = blob.content_type if inline else "application/octet-stream"
    extension = mimetypes.guess_extension(blob.content_type) or "" if blob.content_type else ""
    response = StreamingHttpResponse(blobs.open_verified(sha256), content_type=content_type)
    response["Content-Length"] = str(blob.size)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{sha256[:16]}{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
