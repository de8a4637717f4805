"""These tests need no Django: they run under `pytest -p no:django`, where the project's autouse
password-hasher fixture (which asks pytest-django for `settings`) cannot run, so it is a no-op here."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Overrides the project's fixture of this name for this folder only: no passwords are hashed here."""
