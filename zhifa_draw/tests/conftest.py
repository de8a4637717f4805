"""These tests need no Django (zhifa_draw is standard library only); the project's autouse password-hasher
fixture asks pytest-django for `settings`, so it is overridden with a no-op for this folder."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing() -> None:
    """Overrides the project's fixture of this name for this folder only: no passwords are hashed here."""
