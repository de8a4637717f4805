"""/readyz, /metrics and the request id: what a load balancer, the monitoring and an operator reading logs get."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from zhifa.ledger import services
from zhifa.ops import logs, readiness

# Nothing here reads the date: they run in the first passes only.
pytestmark = [pytest.mark.django_db, pytest.mark.dateless]
TOKEN = "m" * 40


def test_ready_until_the_evidence_storage_cannot_be_written(client, settings, evidence, tmp_path):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json() == {
        "status": "ready",
        "checks": {
            "database": {"ok": True},
            "ledger_key": {"ok": True},
            "evidence_storage": {"ok": True},
            "queue": {"ok": True},  # registered by zhifa.jobs (the embedded queue here)
        },
    }
    blocked = tmp_path / "not-a-folder"
    blocked.write_bytes(b"")
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked / "evidence")},
        },
    }
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "not ready"
    assert answer.json()["checks"]["evidence_storage"] == {"ok": False, "error": "证据存储不可写"}
    assert str(tmp_path) not in answer.content.decode()


def test_a_registered_check_decides_too(client, evidence, monkeypatch):
    monkeypatch.setitem(readiness._checks, "queue", lambda: "任务队列无法连接")
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["queue"] == {"ok": False, "error": "任务队列无法连接"}


def test_metrics_from_an_allowed_address_and_refused_from_another(client, settings, world):
    services.checkpoint_issue()
    client.get("/readyz")
    answer = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert answer.status_code == 200
    text = answer.content.decode()
    assert 'zhifa_http_request_duration_seconds_count{method="GET",status="2xx",view="readyz"}' in text
    assert f"zhifa_ledger_entries {float(services.tree_size())}" in text
    assert "zhifa_ledger_checkpoint_age_seconds " in text
    assert "process_resident_memory_bytes" in text

    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 403
    # Through a proxy the settings do not know of, loopback is not trusted.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 403
    settings.METRICS_ALLOW = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.30.40").status_code == 200
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", REMOTE_ADDR="198.51.100.7").status_code == 403
    bearer = client.get("/metrics", REMOTE_ADDR="198.51.100.7", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert bearer.status_code == 200


@pytest.fixture
def json_log():
    """The access log as ZHIFA_LOG_FORMAT=json writes it: the settings' filter and formatter."""
    config = logs.formatters()["json"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(logs.RequestContextFilter())
    handler.setFormatter(JsonFormatter(config["fmt"], rename_fields=config["rename_fields"], json_ensure_ascii=False))
    logger = logging.getLogger("zhifa.access")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_the_request_id_is_in_the_response_and_in_the_log_record(client, settings, world, json_log):
    client.force_login(world.officer_user)
    settings.BEHIND_PROXY = True
    answer = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a-0001")
    assert answer["X-Request-ID"] == "lb-7f3a-0001"
    settings.BEHIND_PROXY = False  # the header is then the client's own say: a new id is made
    answer = client.get("/healthz?probe=1", HTTP_X_REQUEST_ID="lb-7f3a-0002")
    made = answer["X-Request-ID"]
    assert made != "lb-7f3a-0002"
    assert len(made) == 32

    first, second = json_log()
    assert first["request_id"] == "lb-7f3a-0001"
    assert second["request_id"] == made
    assert {key: second[key] for key in ("logger", "level", "user", "method", "path", "status")} == {
        "logger": "zhifa.access",
        "level": "INFO",
        "user": "officer",
        "method": "GET",
        "path": "/healthz?probe=1",
        "status": 200,
    }
    assert "time" in second
    assert isinstance(second["duration_ms"], float)
