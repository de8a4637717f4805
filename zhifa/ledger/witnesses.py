"""Witnesses and their cosignatures of checkpoints (docs/verification.md, "For witness operators").

The witnesses' keys are data: rows of `Witness`, managed with `zhifa witness add|retire|list`. A witness
fetches checkpoints and consistency proofs from the portal, cosigns what it checked, and POSTs the
cosigned note to `/public/ledger/cosign`; `cosignature_submit` keeps each cosignature that verifies.
Receiving a cosignature is not recorded in the ledger: that would grow the log, asking for a new checkpoint
for the witness to cosign, for ever. A cosignature proves itself (anyone can check it with the witness's key).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhifa.core.errors import Refusal
from zhifa.core.models import User
from zhifa.ledger import cosign
from zhifa.ledger.models import Checkpoint, Cosignature, Witness
from zhifa.ledger.services import record

MAX_NOTE_BYTES = 8192  # a checkpoint with a few dozen signature lines; anything longer is refused unread
MAX_SIGNATURE_LINES = 32
CLOCK_SLACK = timedelta(minutes=10)  # how far a witness's clock may be off ours


def witness_add(*, actor: User | None, key_line: str, description: str = "") -> Witness:
    """Accept cosignatures from the witness with this verifier key (`<name>+<key ID>+<base64(0x04 ‖ key)>`)."""
    try:
        key = cosign.WitnessKey.parse(key_line)
    except cosign.CosignatureError as error:
        raise Refusal(str(error), field="key") from None
    with transaction.atomic():
        if Witness.objects.filter(name=key.name).exists():
            raise Refusal(
                f"已登记名为“{key.name}”的见证方；如需换用新公钥，请先停用原见证方并以新名称登记", field="key"
            )
        witness = Witness.objects.create(
            name=key.name, public_key=key.public_key, description=description[:200], added_at=timezone.now()
        )
        record(
            actor=actor,
            action="ledger.witness_add",
            subject=f"ledger.witness:{witness.pk}",
            facts={"name": key.name, "key": key.line(), "description": witness.description},
        )
    return witness


def witness_retire(*, actor: User | None, name: str) -> Witness:
    """Accept no more cosignatures from this witness; the ones it made stay, and are still shown."""
    with transaction.atomic():
        witness = Witness.objects.select_for_update().filter(name=name, retired_at=None).first()
        if witness is None:
            raise Refusal(f"没有在用的名为“{name}”的见证方", field="name")
        witness.retired_at = timezone.now()
        witness.save(update_fields=["retired_at"])
        record(
            actor=actor, action="ledger.witness_retire", subject=f"ledger.witness:{witness.pk}", facts={"name": name}
        )
    return witness


def witness_key(witness: Witness) -> cosign.WitnessKey:
    return cosign.WitnessKey(witness.name, bytes(witness.public_key))


def _checkpoint_of(body: str) -> Checkpoint:
    """The checkpoint we signed whose body is exactly `body` (origin, size, root lines)."""
    lines = body.split("\n")
    if len(lines) != 4 or lines[3] != "" or not re.fullmatch(r"[0-9]{1,18}", lines[1]):
        raise Refusal("检查点正文应为来源、记录数、根哈希三行", field="note")
    origin, size, root_text = lines[0], int(lines[1]), lines[2]
    if origin != settings.LEDGER_ORIGIN:
        raise Refusal(f"检查点的来源“{origin}”不是本系统（{settings.LEDGER_ORIGIN}）", field="note")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise Refusal("检查点的根哈希不是有效的 base64", field="note") from None
    for checkpoint in Checkpoint.objects.filter(size=size).order_by("-pk"):
        if bytes(checkpoint.root) == root and checkpoint.note.partition("\n\n")[0] + "\n" == body:
            return checkpoint
    raise Refusal(f"本系统没有签发过记录数为 {size}、根哈希为该值的检查点", field="note")


@dataclass(frozen=True)
class Accepted:
    checkpoint: Checkpoint
    cosignatures: list[Cosignature]  # the ones this submission named, new or already held


def cosignature_submit(note: str) -> Accepted:
    """Keep the witnesses' cosignatures in a cosigned checkpoint note (our checkpoint plus their lines).

    Every cosignature line must be by a witness in use and verify; lines of other sizes (our own signature)
    are passed over. Idempotent: a witness's second cosignature of the same checkpoint leaves the first.
    """
    if len(note.encode()) > MAX_NOTE_BYTES:
        raise Refusal(f"联署的检查点超过 {MAX_NOTE_BYTES} 字节", field="note")
    body, separator, signatures = note.partition("\n\n")
    if not separator:
        raise Refusal("不是签名检查点：正文与签名行之间应有一个空行", field="note")
    body += "\n"
    lines = [line for line in signatures.split("\n") if line]
    if len(lines) > MAX_SIGNATURE_LINES:
        raise Refusal(f"签名行超过 {MAX_SIGNATURE_LINES} 行", field="note")
    checkpoint = _checkpoint_of(body)
    cosigned = [parsed for parsed in map(cosign.parse_line, lines) if parsed is not None]
    if not cosigned:
        raise Refusal("没有联署签名行（— <见证方名称> base64(密钥标识 ‖ 时间 ‖ 签名)）", field="note")
    now = timezone.now()
    accepted: list[Cosignature] = []
    known = {w.name: w for w in Witness.objects.filter(name__in=[i.name for i in cosigned], retired_at=None)}
    ours = [item for item in cosigned if item.name in known]
    if not ours:
        # A note may carry other logs' witnesses' lines too (C2SP signed note): they are passed over, but one of
        # ours must be there.
        names = "、".join(sorted({item.name for item in cosigned}))
        raise Refusal(f"“{names}”不是本系统登记在用的见证方", field="note")
    for item in ours:
        witness = known[item.name]
        try:
            cosign.verify(body, item, witness_key(witness))
        except cosign.CosignatureError as error:
            raise Refusal(str(error), field="note") from None
        if item.timestamp > (now + CLOCK_SLACK).timestamp():
            raise Refusal(f"见证方“{item.name}”的联署时间晚于当前时间", field="note")
        if item.timestamp < (checkpoint.issued_at - CLOCK_SLACK).timestamp():
            raise Refusal(f"见证方“{item.name}”的联署时间早于该检查点的签发时间", field="note")
        accepted.append(_keep(checkpoint, witness, item, now))
    return Accepted(checkpoint, accepted)


def _keep(checkpoint: Checkpoint, witness: Witness, item: cosign.Cosigned, now: datetime) -> Cosignature:
    held = Cosignature.objects.filter(checkpoint=checkpoint, witness=witness).first()
    if held is not None:
        return held
    try:
        with transaction.atomic():
            return Cosignature.objects.create(
                checkpoint=checkpoint,
                witness=witness,
                timestamp=item.timestamp,
                signature=item.signature,
                received_at=now,
            )
    except IntegrityError:  # the same witness's submission arriving twice at once
        return Cosignature.objects.get(checkpoint=checkpoint, witness=witness)


def cosignature_line(cosignature: Cosignature) -> str:
    witness = cosignature.witness
    key = witness_key(witness)
    return cosign.Cosigned(key.name, key.key_id, cosignature.timestamp, bytes(cosignature.signature)).line()


def cosigned_note(checkpoint: Checkpoint) -> str:
    """The checkpoint note with every cosignature held appended as further signature lines (C2SP signed note)."""
    lines = [cosignature_line(c) for c in checkpoint.cosignatures.select_related("witness")]
    return checkpoint.note + "".join(line + "\n" for line in lines)
