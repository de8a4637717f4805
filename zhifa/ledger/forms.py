"""A form field for evidence files: the browser uploads each file first, the form then carries their hashes.

Each hash comes with the file's name as the officer's phone gave it (`<field>_name`, "sha256:name"): the
record keeps the name beside the hash, so the case page reads 「现场照片.jpg」 rather than a hash.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from zhifa.ledger.blobs import HEX64
from zhifa.ledger.models import Blob
from zhifa.ledger.resumable import clean_name
from zhifa.ledger.uploads import was_removed

KIB = 1024
MIB = 1024 * 1024


def human_size(size: int) -> str:
    """A file's size as people read it: "7 KB" under a megabyte, "3.4 MB" from there (upload.js says the same)."""
    if size < MIB:
        return f"{-(-size // KIB)} KB"  # rounded up: a 300-byte note reads "1 KB", not "0 KB"
    return f"{size / MIB:.1f} MB"


# The kinds of evidence a record shows (照片/录音/录像/PDF/其他), from the file's content type.
KINDS = {"image": _("照片"), "audio": _("录音"), "video": _("录像"), "pdf": _("PDF"), "other": _("其他")}


def kind_of(content_type: str) -> str:
    major = content_type.split("/")[0]
    if major in ("image", "audio", "video"):
        return major
    return "pdf" if content_type == "application/pdf" else "other"


class EvidenceFiles(list[str]):
    """The hashes of the files chosen, with the names the files had on the officer's phone (`names`)."""

    def __init__(self, digests: Any = (), names: dict[str, str] | None = None) -> None:
        super().__init__(digests)
        self.names: dict[str, str] = dict(names or {})


def _names(given: Any) -> dict[str, str]:
    """ "sha256:name" strings (the page, the API's `evidence_name` list) or a {sha256: name} mapping, as
    {sha256: name}."""
    if isinstance(given, dict):
        pairs = [(str(digest), str(name)) for digest, name in given.items()]
    else:
        if isinstance(given, str):
            given = [given]
        pairs = [tuple(str(item).partition(":")[::2]) for item in given or []]  # type: ignore[misc]
    found: dict[str, str] = {}
    for digest, name in pairs[:200]:
        digest, name = digest.strip().lower(), clean_name(name)
        if HEX64.fullmatch(digest) and name:
            found[digest] = name
    return found


class EvidenceWidget(forms.Widget):
    template_name = "ledger/upload_widget.html"

    class Media:
        js = ["zhifa/vendor/tus/tus.min.js", "zhifa/upload.js"]

    def value_from_datadict(self, data: Any, files: MultiValueDict[str, Any], name: str) -> EvidenceFiles:
        if hasattr(data, "getlist"):
            return EvidenceFiles(data.getlist(name), _names(data.getlist(f"{name}_name")))
        value = data.get(name) or []
        return EvidenceFiles([value] if isinstance(value, str) else value, _names(data.get(f"{name}_name")))

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        digests = [digest for digest in (value or []) if isinstance(digest, str) and HEX64.fullmatch(digest)]
        names = getattr(value, "names", {})
        stored = {blob.sha256: blob for blob in Blob.objects.filter(sha256__in=digests)}
        # The files already uploaded (a form shown again, or the visit's files offered to the next record):
        # each a ticked row the officer may untick.
        context["widget"]["files"] = [
            {
                "sha256": digest,
                "name": names.get(digest, ""),
                "kind": KINDS[kind_of(stored[digest].content_type)],
                "size": human_size(stored[digest].size),
            }
            for digest in digests
            if digest in stored
        ]
        context["widget"]["upload_url"] = reverse("evidence_upload")
        context["widget"]["resumable_url"] = reverse("evidence_resumable")
        context["widget"]["max_bytes"] = settings.EVIDENCE_MAX_BYTES
        context["widget"]["max_mb"] = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        return context


class EvidenceField(forms.Field):
    """The SHA-256 of each uploaded evidence file; every one must already be in the evidence store."""

    widget = EvidenceWidget
    default_error_messages = {
        "bad": _("证据文件：“%(value)s”不是有效的 SHA-256 校验值"),
        "missing": _("证据文件：%(value)s… 尚未上传完成，请等待上传结束或重新选择该文件"),
        "removed": _("证据文件：%(value)s… 上传后超过 %(days)s 天未记入记录，已被清除，请重新上传"),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("证据文件"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("照片、录音录像、PDF 等；先在本机计算 SHA-256 校验值再上传，上传后不可删改。"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> EvidenceFiles:
        seen: dict[str, None] = {}
        for item in value or []:
            digest = str(item).strip().lower()
            if digest:
                seen[digest] = None
        names = _names(getattr(value, "names", {}))
        return EvidenceFiles(seen, {digest: name for digest, name in names.items() if digest in seen})

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        for digest in value:
            if not HEX64.fullmatch(digest):
                raise forms.ValidationError(self.error_messages["bad"], code="bad", params={"value": digest[:70]})
        stored = set(Blob.objects.filter(sha256__in=value).values_list("sha256", flat=True))
        for digest in value:
            if digest not in stored:
                raise forms.ValidationError(
                    self.error_messages["missing"], code="missing", params={"value": digest[:12]}
                )
            if was_removed(digest):
                raise forms.ValidationError(
                    self.error_messages["removed"],
                    code="removed",
                    params={"value": digest[:12], "days": settings.EVIDENCE_RETENTION_DAYS},
                )
