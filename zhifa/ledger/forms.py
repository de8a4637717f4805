"""A form field for evidence files: the browser uploads each file first, the form then carries their hashes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _

from zhifa.ledger.blobs import HEX64
from zhifa.ledger.models import Blob
from zhifa.ledger.uploads import was_removed


class EvidenceWidget(forms.Widget):
    template_name = "ledger/upload_widget.html"

    class Media:
        js = ["zhifa/upload.js"]

    def value_from_datadict(self, data: Any, files: MultiValueDict[str, Any], name: str) -> list[str]:
        return list(data.getlist(name)) if hasattr(data, "getlist") else list(data.get(name) or [])

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        digests = [digest for digest in (value or []) if isinstance(digest, str) and HEX64.fullmatch(digest)]
        context["widget"]["blobs"] = list(Blob.objects.filter(sha256__in=digests))
        context["widget"]["upload_url"] = reverse("evidence_upload")
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

    def to_python(self, value: Any) -> list[str]:
        seen: dict[str, None] = {}
        for item in value or []:
            digest = str(item).strip().lower()
            if digest:
                seen[digest] = None
        return list(seen)

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
