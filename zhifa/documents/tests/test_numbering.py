"""Document numbers: the format, one sequence per agency, year and kind, and no gaps even under concurrency."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection, transaction

from zhifa.core.errors import Refusal
from zhifa.core.models import Agency
from zhifa.documents.choices import KIND_CODES, DocumentKind
from zhifa.documents.models import DocumentSequence
from zhifa.documents.numbering import NotInTransaction, next_number
from zhifa.testing.factories import make_agency

DECISION = DocumentKind.PENALTY_DECISION


def agency(name: str, code: str) -> Agency:
    made = make_agency(name)
    made.short_name = code
    made.save()
    return made


@pytest.fixture
def bureau(db):
    return agency("大青山国家级自然保护区管理局", "大青保")


@pytest.fixture
def other_bureau(db):
    return agency("乌拉山国家森林公园管理局", "乌森")


def draw(where: Agency, kind: DocumentKind = DECISION, year: int = 2026) -> str:
    with transaction.atomic():
        return str(next_number(where, kind, year))


def test_a_number_reads_agency_code_kind_code_year_and_serial(bureau):
    assert draw(bureau) == "大青保罚决字〔2026〕第1号"
    assert draw(bureau) == "大青保罚决字〔2026〕第2号"


def test_every_kind_has_its_own_code(bureau):
    assert set(KIND_CODES) == set(DocumentKind)
    assert len(set(KIND_CODES.values())) == len(KIND_CODES)
    assert draw(bureau, DocumentKind.FILING_APPROVAL) == "大青保立审字〔2026〕第1号"
    assert draw(bureau, DocumentKind.SERVICE_PROOF) == "大青保送字〔2026〕第1号"


def test_sequences_are_independent_per_agency_year_and_kind(bureau, other_bureau):
    for _ in range(11):
        draw(bureau)
    assert draw(bureau) == "大青保罚决字〔2026〕第12号"
    assert draw(other_bureau) == "乌森罚决字〔2026〕第1号"
    assert draw(bureau, year=2027) == "大青保罚决字〔2027〕第1号"
    assert draw(bureau, DocumentKind.ADVANCE_NOTICE) == "大青保罚告字〔2026〕第1号"
    assert draw(bureau) == "大青保罚决字〔2026〕第13号"


def test_the_agency_code_is_required(bureau):
    Agency.objects.filter(pk=bureau.pk).update(short_name=" ")
    bureau.refresh_from_db()
    with pytest.raises(Refusal, match="机关代字"):
        draw(bureau)


def test_a_year_outside_any_sensible_range_is_refused(bureau):
    with pytest.raises(ValueError, match="year"):
        draw(bureau, year=26)


class Abandoned(Exception):
    pass


@pytest.mark.django_db(transaction=True)
def test_a_number_drawn_in_a_rolled_back_transaction_goes_to_the_next_document():
    # The draw is part of the transaction that saves the document; when that rolls back, nothing was issued
    # under the number, so it is not consumed: the numbers issued stay gapless.
    bureau = agency("大青山国家级自然保护区管理局", "大青保")
    assert draw(bureau) == "大青保罚决字〔2026〕第1号"
    drawn_then_abandoned = []

    def abandon() -> None:
        with transaction.atomic():
            drawn_then_abandoned.append(str(next_number(bureau, DECISION, 2026)))
            raise Abandoned

    with pytest.raises(Abandoned):
        abandon()
    assert drawn_then_abandoned == ["大青保罚决字〔2026〕第2号"]
    assert draw(bureau) == "大青保罚决字〔2026〕第2号"
    assert draw(bureau) == "大青保罚决字〔2026〕第3号"
    assert DocumentSequence.objects.get(agency=bureau, kind=DECISION, year=2026).last == 3


@pytest.mark.django_db(transaction=True)
def test_drawing_outside_a_transaction_is_refused():
    bureau = agency("大青山国家级自然保护区管理局", "大青保")
    assert not connection.in_atomic_block
    with pytest.raises(NotInTransaction):
        next_number(bureau, DECISION, 2026)
    assert not DocumentSequence.objects.exists()


WORKERS = 6
DRAWS_EACH = 4
ALL_SERIALS = list(range(1, WORKERS * DRAWS_EACH + 1))


@pytest.mark.dateless  # numbers of the year 2026, named: a moved clock changes nothing it checks
@pytest.mark.django_db(transaction=True)
def test_concurrent_transactions_get_distinct_consecutive_numbers(tmp_path, request):
    """Writers racing from the very first number of the year (the row does not exist yet) never collide.

    Each transaction holds its number a moment before committing, so without the lock two writers would
    read the same `last`. PostgreSQL: threads in the test database (row lock). SQLite: the test database
    lives in memory and cannot be shared between writers, so processes race on a fresh database file,
    as an installation's web workers would (BEGIN IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        serials = _race_threads()
    else:  # a copy of a database `zhifa migrate` made once per session (conftest.py)
        serials = _race_processes(request.getfixturevalue("migrated_data_folder")(tmp_path))
    assert sorted(serials) == ALL_SERIALS


def _race_threads() -> list[int]:
    bureau = agency("大青山国家级自然保护区管理局", "大青保")
    start = threading.Barrier(WORKERS)
    serials: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait()
            for _ in range(DRAWS_EACH):
                with transaction.atomic():
                    number = next_number(bureau, DECISION, 2026)
                    time.sleep(0.01)
                with lock:
                    serials.append(number.serial)
        except BaseException as error:  # reported below: an exception in a thread would pass silently
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DocumentSequence.objects.get().last == WORKERS * DRAWS_EACH
    return serials


SETUP = """
import django; django.setup()
from zhifa.core.models import Agency
Agency.objects.create(name="大青山国家级自然保护区管理局", short_name="大青保", kind="bureau", credit_code="X")
"""

WORKER = """
import pathlib, sys, time, django; django.setup()
from django.db import transaction
from zhifa.core.models import Agency
from zhifa.documents.numbering import next_number
bureau = Agency.objects.get(short_name="大青保")
print("ready", flush=True)
go = pathlib.Path(sys.argv[1])
while not go.exists():
    time.sleep(0.005)
for _ in range({draws}):
    with transaction.atomic():
        number = next_number(bureau, "penalty_decision", 2026)
        time.sleep(0.01)
    print(number.serial, flush=True)
"""


def _race_processes(tmp_path) -> list[int]:
    env = {**os.environ, "ZHIFA_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "zhifa.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True)
    go = tmp_path / "go"
    code = WORKER.format(draws=DRAWS_EACH)
    workers = [
        subprocess.Popen([sys.executable, "-c", code, str(go)], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(WORKERS)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None
            assert worker.stdout.readline().strip() == "ready"
        go.touch()
        outputs = [worker.communicate(timeout=120)[0] for worker in workers]
    finally:
        for worker in workers:
            worker.kill()
    assert [worker.returncode for worker in workers] == [0] * WORKERS
    return [int(line) for output in outputs for line in output.split()]
