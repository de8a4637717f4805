"""Public endpoints of the whole-process record: checkpoint, verifier key, proofs, and the check page."""

from __future__ import annotations

import base64
import json
import re

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from zhifa.core.errors import Refusal
from zhifa.ledger import documents, services, witnesses
from zhifa.ledger.models import Checkpoint, Witness
from zhifa.ledger.selectors import HEX64, find_by_hash, proof_document

TEXT = "text/plain; charset=utf-8"


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
    """The public check page (文书核验): choose a file (hashed in the browser), paste a hash, or scan a
    document's QR code, and read which document it is and whether it is unchanged. The answer is made here,
    so it reads without JavaScript; verify.js then checks each proof in the visitor's own browser."""
    digest = request.GET.get("sha256", "").strip().lower()
    context: dict[str, object] = {"digest": digest}
    if digest:
        if not HEX64.match(digest):
            context["error"] = "请输入64位十六进制的 SHA-256 校验值（0-9、a-f）"
        else:
            found = find_by_hash(digest)
            described = documents.describe(digest)
            latest = services.latest_checkpoint()
            context.update(
                found=found,
                described=described,
                # An entry a document already names is shown with it; the others get a line of their own.
                others=[item for item in found if item.entry.index not in {d.entry for d in described}],
                checkpoint=latest,
                cosigners=list(latest.cosignatures.select_related("witness")) if latest is not None else [],
                proofs=[json.dumps(item.proof, ensure_ascii=False, indent=2) for item in found],
            )
    return render(request, "ledger/check.html", context)


CHECKPOINTS_PER_PAGE = 50


@require_GET
def checkpoints(request: HttpRequest) -> HttpResponse:
    """Every checkpoint signed, newest first, with the witnesses' cosignatures held for each."""
    listed = Checkpoint.objects.order_by("-pk").prefetch_related("cosignatures__witness")
    page = Paginator(listed, CHECKPOINTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(c, base64.b64encode(bytes(c.root)).decode(), list(c.cosignatures.all())) for c in page]
    witnesses = Witness.objects.order_by("name")
    return render(request, "ledger/checkpoints.html", {"page": page, "rows": rows, "witnesses": witnesses})


@require_GET
def checkpoint_at(request: HttpRequest, size: int) -> HttpResponse:
    """The checkpoint of this tree size as a signed note, with the cosignatures held as further signature
    lines (C2SP signed note). /public/ledger/checkpoint keeps serving the log's own signature alone."""
    found = Checkpoint.objects.filter(size=size).order_by("-pk").first()
    if found is None:
        return HttpResponse(f"没有记录数为 {size} 的签名检查点。\n", status=404, content_type=TEXT)
    return HttpResponse(witnesses.cosigned_note(found), content_type=TEXT)


def _size(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "").strip()
    # ASCII digits only: str.isdigit() is also true of ² and ١٢, which int() refuses.
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


@require_GET
def consistency(request: HttpRequest) -> JsonResponse:
    """`?from=M&to=N`: the RFC 9162 consistency proof from the tree of M entries to that of N, both no
    larger than the latest signed checkpoint (a visitor never learns the size of an unsigned tree)."""
    first, second = _size(request, "from"), _size(request, "to")
    if first is None or second is None:
        return JsonResponse({"error": "from 和 to 应为记录数（非负整数）"}, status=400)
    latest = services.latest_checkpoint()
    signed = 0 if latest is None else latest.size
    if not 0 < first <= second <= signed:
        return JsonResponse(
            {"error": f"应满足 0 < from ≤ to ≤ {signed}（最新签名检查点的记录数）"},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    proof = services.consistency_proof(first, second) if first < second else []
    return JsonResponse({"from": first, "to": second, "proof": [base64.b64encode(node).decode() for node in proof]})


@require_GET
def witness_keys(request: HttpRequest) -> HttpResponse:
    """The verifier keys of the witnesses, one a line (retired ones too: their cosignatures stay), for checking
    the cosignatures shown."""
    lines = [witnesses.witness_key(w).line() for w in Witness.objects.order_by("name")]
    return HttpResponse("".join(line + "\n" for line in lines), content_type=TEXT)


@csrf_exempt  # a witness is a program, not a browser with a session; the cosignature is its credential
@require_POST
def cosign(request: HttpRequest) -> HttpResponse:
    """A witness POSTs our checkpoint note with its cosignature line(s) appended (text/plain, UTF-8).

    Answers 200 with the cosignature lines held for that checkpoint, or 400 with what is wrong.
    """
    if len(request.body) > witnesses.MAX_NOTE_BYTES:
        return HttpResponse(f"联署的检查点超过 {witnesses.MAX_NOTE_BYTES} 字节\n", status=413, content_type=TEXT)
    try:
        accepted = witnesses.cosignature_submit(request.body.decode("utf-8"))
    except UnicodeDecodeError:
        return HttpResponse("请求正文应为 UTF-8 文本\n", status=400, content_type=TEXT)
    except Refusal as refusal:
        return HttpResponse(f"{refusal}\n", status=400, content_type=TEXT)
    lines = [witnesses.cosignature_line(c) for c in accepted.cosignatures]
    return HttpResponse("".join(line + "\n" for line in lines), content_type=TEXT)
