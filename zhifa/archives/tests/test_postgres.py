"""On PostgreSQL, two exports of one case file at the same moment (two threads, two connections) are both recorded:
the case row's lock orders them, the ledger stays whole."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from zhifa.archives import services
from zhifa.ledger.models import Entry
from zhifa.ledger.verify import verify_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_exports_at_once_are_both_recorded(archived, desk):
    done: list[services.Export] = []
    failed: list[BaseException] = []
    start = threading.Barrier(2)

    def export(make: services.Exporter) -> None:
        try:
            start.wait()
            done.append(make(actor=desk.officer, case=archived))
        except BaseException as error:  # reported by the assertion below
            failed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=export, args=(make,)) for make in (services.export_pdf, services.export_folder)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert sorted(export.kind for export in done) == ["folder", "pdf"]
    assert Entry.objects.filter(action="archives.export").count() == 2
    assert verify_ledger().ok
