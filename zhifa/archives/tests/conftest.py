from __future__ import annotations

from typing import Any

import pytest

from zhifa.archives import binder
from zhifa.archives.tests.case_file import Files, archived_case, store_files
from zhifa.cases.tests.desk import Desk
from zhifa.testing.factories import TODAY, at


@pytest.fixture(autouse=True)
def _on_the_test_day(time_machine: Any) -> None:
    """The cases run through 2026; the day is set so that the moved-clock passes see the same file."""
    time_machine.move_to(at(TODAY))


@pytest.fixture(autouse=True)
def _fresh_page_counts() -> None:
    binder.file_info.cache_clear()  # each test has its own evidence store


@pytest.fixture
def desk(world: Any, evidence: Any) -> Desk:
    return Desk(world, evidence)


@pytest.fixture
def files(evidence: Any) -> Files:
    return store_files()


@pytest.fixture
def archived(desk: Desk, files: Files) -> Any:
    return archived_case(desk, files)
