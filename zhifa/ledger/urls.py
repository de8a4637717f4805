from __future__ import annotations

from django.urls import path

from zhifa.ledger import evidence_views, views

urlpatterns = [
    path("public/ledger/checkpoint", views.checkpoint, name="ledger_checkpoint"),
    path("public/ledger/key", views.verifier_key, name="ledger_key"),
    path("public/ledger/proof", views.proof, name="ledger_proof"),
    path("public/check/", views.check, name="ledger_check"),
    path("evidence/upload", evidence_views.evidence_upload, name="evidence_upload"),
    path("evidence/<str:sha256>", evidence_views.evidence_download, name="evidence_download"),
]
