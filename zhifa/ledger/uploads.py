"""Evidence uploads before they are recorded: who owns them, how much an agency may keep, and their cleanup.

A file uploaded through the pages or the API belongs to the uploader's agency (an Upload row) until an
entry of that agency names it. Until then only that agency (and the agencies above it) may read or attach
it: knowing a hash is not a way to take another agency's file. Two agencies that upload the same bytes each
hold their own Upload row; the bytes are stored once (the store is content-addressed).

Files that no upload endpoint received (documents the server renders, demo files) have no Upload row;
whoever made them attaches them in the same request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency, User
from zhifa.core.scoping import can_see_agency
from zhifa.ledger import blobs
from zhifa.ledger.models import Blob, EntryFile, Upload

MIB = 1024 * 1024


class UploadRefused(Refusal):
    """An upload over a limit, refused while its bytes are still arriving (HTTP 413)."""

    status = 413


def too_large() -> UploadRefused:
    limit = settings.EVIDENCE_MAX_BYTES // MIB
    return UploadRefused(f"证据文件过大：单个文件不得超过 {limit} MB，本次上传已中止", field="file")


def over_quota(used: int) -> UploadRefused:
    quota = settings.EVIDENCE_QUOTA_BYTES // MIB
    return UploadRefused(
        f"本单位已上传但尚未记入记录的证据文件共 {used / MIB:.1f} MB，加上本文件将超过限额 {quota} MB："
        f"请先将已上传的文件记入记录；未记入的文件 {settings.EVIDENCE_RETENTION_DAYS} 天后自动清除",
        field="file",
    )


def _attached_by_own_agency() -> Exists:
    # An entry of the uploader's agency or of one below it (a bureau's upload recorded by its branch's case).
    return Exists(
        EntryFile.objects.filter(sha256=OuterRef("sha256"), entry__agency__path__startswith=OuterRef("agency__path"))
    )


def unattached(agency: Agency) -> QuerySet[Upload]:
    """The agency's uploads that no entry of its own (or of an agency below) names yet and that the cleanup
    has not removed."""
    return Upload.objects.filter(agency=agency, removed_at=None).exclude(_attached_by_own_agency())


def unattached_bytes(agency: Agency) -> int:
    total: int | None = unattached(agency).aggregate(total=Sum("size"))["total"]
    return total or 0


def quota_room(user: User) -> int:
    """How many bytes the user's agency may still upload before its unattached uploads reach the quota."""
    if user.agency is None:
        return 0
    return settings.EVIDENCE_QUOTA_BYTES - unattached_bytes(user.agency)


def evidence_receive(*, actor: User, upload: UploadedFile, expected_sha256: str) -> Blob:
    """Keep a file received from `actor` as his agency's upload (the page's and the API's one way in)."""
    agency = actor.agency
    if agency is None:
        raise Refusal("您未归属任何执法单位，不能上传证据文件", field="file")
    size = upload.size or 0
    room = quota_room(actor)
    if size > room:
        raise over_quota(settings.EVIDENCE_QUOTA_BYTES - room)
    digest = getattr(upload, "sha256", None) or _sha256_of(upload)
    blobs.check_expected(digest, expected_sha256)  # before the row: a damaged transfer owns nothing
    # The ownership row first, then the bytes: a cleanup running meanwhile sees a live upload and keeps them.
    with transaction.atomic():
        _lock_against_cleanup()
        Upload.objects.update_or_create(
            sha256=digest,
            agency=agency,
            defaults={"uploaded_by": actor, "size": size, "uploaded_at": timezone.now(), "removed_at": None},
        )
    return blobs.store_upload(upload, expected_sha256=expected_sha256)


def _sha256_of(upload: UploadedFile) -> str:
    import hashlib

    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    upload.sha256 = digest.hexdigest()  # type: ignore[attr-defined]
    return digest.hexdigest()


def _lock_against_cleanup() -> None:
    # SQLite's transactions here are BEGIN IMMEDIATE: one writer at a time. PostgreSQL: the ledger's append
    # lock, so the cleanup, an upload and an entry naming the same file never interleave.
    if connection.vendor == "postgresql":
        from zhifa.ledger.services import _APPEND_LOCK

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_APPEND_LOCK])


def may_read_unrecorded(user: User, digest: str, *, own_only: bool = False) -> bool:
    """May `user` read or attach a file that no entry in his scope names? Only his agency's own upload — or,
    with `own_only` (the administrators who read no case evidence), only an upload of his own."""
    uploads = list(Upload.objects.filter(sha256=digest).select_related("agency"))
    if not uploads:
        # Never received through an upload endpoint: a file the server made itself (a rendered document).
        return not EntryFile.objects.filter(sha256=digest).exists()
    if own_only:
        return any(upload.removed_at is None and upload.uploaded_by_id == user.pk for upload in uploads)
    return any(upload.removed_at is None and can_see_agency(user, upload.agency) for upload in uploads)


def was_removed(digest: str) -> bool:
    """Removed by the cleanup (its bytes are gone) and not uploaded again since."""
    uploads = Upload.objects.filter(sha256=digest)
    return uploads.exists() and not uploads.filter(removed_at=None).exists()


@dataclass
class CleanupReport:
    uploads_removed: int = 0
    files_deleted: list[str] = field(default_factory=list)
    partials_removed: int = 0  # resumable uploads left unfinished (or finished and not asked about) for a day


def evidence_cleanup(*, now: datetime | None = None, days: int | None = None) -> CleanupReport:
    """Remove uploads never attached within the retention period, and the bytes no one else needs; and the
    pieces of resumable uploads older than a day (resumable.partials_cleanup).

    A file any ledger entry names is never deleted, nor one another agency's live upload still holds.
    The Blob row stays (ledger_blob is insert-only): a later upload of the same bytes stores them again.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EVIDENCE_RETENTION_DAYS if days is None else days)
    report = CleanupReport()
    with transaction.atomic(durable=True):
        _lock_against_cleanup()
        expired = Upload.objects.filter(removed_at=None, uploaded_at__lt=cutoff).exclude(_attached_by_own_agency())
        digests = set(expired.values_list("sha256", flat=True))
        report.uploads_removed = expired.update(removed_at=now)
        recorded = set(EntryFile.objects.filter(sha256__in=digests).values_list("sha256", flat=True))
        held = set(Upload.objects.filter(sha256__in=digests, removed_at=None).values_list("sha256", flat=True))
        target = blobs.storage()
        for digest in sorted(digests - recorded - held):
            name = blobs.name_of(digest)
            if target.exists(name):
                target.delete(name)
                report.files_deleted.append(digest)
    from zhifa.ledger.resumable import partials_cleanup

    report.partials_removed = partials_cleanup(now=now)
    return report
