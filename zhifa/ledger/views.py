"""Public endpoints of the whole-process record: checkpoint, verifier key, proofs, and the check page."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhifa.ledger import services
from zhifa.ledger.selectors import HEX64, find_by_hash, proof_document


@require_GET
def checkpoint(request: HttpRequest) -> HttpResponse:
    """The latest signed checkpoint as a C2SP signed note (text/plain), or JSON with ?format=json.

    Checkpoints are signed on the service's own schedule (after commits, at most one per
    LEDGER_CHECKPOINT_MINUTES, and by the `zhifa ledger checkpoint` timer); a visitor's request never signs one.
    """
    latest = services.latest_checkpoint()
    if latest is None:
        return HttpResponse("尚未签发签名检查点。\n", status=404, content_type="text/plain; charset=utf-8")
    if request.GET.get("format") == "json":
        return JsonResponse({"size": latest.size, "note": latest.note, "issued_at": latest.issued_at.isoformat()})
    return HttpResponse(latest.note, content_type="text/plain; charset=utf-8")


@require_GET
def verifier_key(request: HttpRequest) -> HttpResponse:
    return HttpResponse(services.public_key_line() + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def proof(request: HttpRequest) -> JsonResponse:
    """`?leaf_hash=<hex>`: the entry with that leaf hash and its inclusion proof in the latest checkpoint
    (selectors.proof_document says what the answer shows)."""
    leaf_hash = request.GET.get("leaf_hash", "").strip().lower()
    if not HEX64.match(leaf_hash):
        return JsonResponse({"error": "leaf_hash 应为64位十六进制的 SHA-256 值"}, status=400)
    entry = services.entry_by_leaf_hash(bytes.fromhex(leaf_hash))
    if entry is None:
        return JsonResponse({"error": "没有这条记录"}, status=404)
    # Against the latest checkpoint there is; an entry newer than it is answered "not yet covered".
    answer = proof_document(entry, services.latest_checkpoint())
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


def check(request: HttpRequest) -> HttpResponse:
    """The public page: paste a document's SHA-256 and see whether and when it was recorded."""
    digest = request.GET.get("sha256", "").strip()
    context: dict[str, object] = {"digest": digest}
    if digest:
        if not HEX64.match(digest.lower()):
            context["error"] = "请输入64位十六进制的 SHA-256 校验值"
        else:
            found = find_by_hash(digest)
            context["found"] = found
            context["proofs"] = [json.dumps(item.proof, ensure_ascii=False, indent=2) for item in found]
    return render(request, "ledger/check.html", context)
