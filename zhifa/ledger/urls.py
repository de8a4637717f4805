from __future__ import annotations

from django.urls import path

from zhifa.ledger import evidence_views, resumable, views

urlpatterns = [
    path("public/ledger/checkpoint", views.checkpoint, name="ledger_checkpoint"),
    path("public/ledger/key", views.verifier_key, name="ledger_key"),
    path("public/ledger/proof", views.proof, name="ledger_proof"),
    path("public/ledger/checkpoints/", views.checkpoints, name="ledger_checkpoints"),
    path("public/ledger/checkpoints/<int:size>", views.checkpoint_at, name="ledger_checkpoint_at"),
    path("public/ledger/consistency", views.consistency, name="ledger_consistency"),
    path("public/ledger/witnesses", views.witness_keys, name="ledger_witnesses"),
    path("public/ledger/cosign", views.cosign, name="ledger_cosign"),
    path("public/check/", views.check, name="ledger_check"),
    path("evidence/upload", evidence_views.evidence_upload, name="evidence_upload"),
    # Resumable uploads (tus 1.0.0): created here, then sent in pieces to the address the creation gives.
    path("evidence/resumable/", resumable.create, name="evidence_resumable"),
    path("evidence/resumable/<str:upload_id>", resumable.upload, name="evidence_resumable_upload"),
    path("evidence/<str:sha256>", evidence_views.evidence_download, name="evidence_download"),
]
