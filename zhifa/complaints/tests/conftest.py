"""Fixtures for the complaint tests: the world's agencies with places, an approver, a filled form."""

from __future__ import annotations

import re
from typing import Any

import pytest

from zhifa.core.choices import Role
from zhifa.core.models import User
from zhifa.testing.factories import make_user

NAME, PHONE, ID_NUMBER = "王举报", "13912345678", "150102198001010014"
_DIGITS = "零一二三四五六七八九"


@pytest.fixture
def places(world: Any) -> Any:
    """The branch handles forestry in 新城区; the bureau covers the city."""
    world.bureau.jurisdiction = ["呼和浩特市"]
    world.bureau.save()
    world.branch.jurisdiction = ["新城区", "赛罕区"]
    world.branch.save()
    world.sibling.jurisdiction = ["九峰山"]
    world.sibling.save()
    return world


@pytest.fixture
def approver(world: Any) -> User:
    """The bureau's head: decides refusals and not inspecting for the branches below."""
    return make_user("approver", world.bureau, Role.APPROVER)


def filing(agency: Any = None, **given: Any) -> dict[str, Any]:
    return {
        "kind": "report",
        "domain": "forestry",
        "agency": agency.pk if agency is not None else "",
        "area": "",
        "subject": "某木材加工厂",
        "facts": f"我是{NAME}，电话{PHONE}。有人夜间在林区砍树，运到木材加工厂。",
        "name": NAME,
        "phone": PHONE,
        "id_number": ID_NUMBER,
        **given,
    }


def words_to_int(words: str) -> int:
    if words.startswith("十"):
        words = "一" + words
    if "十" in words:
        tens, _, units = words.partition("十")
        return _DIGITS.index(tens) * 10 + (_DIGITS.index(units) if units else 0)
    return _DIGITS.index(words)


def solve(question: str) -> str:
    """The answer to a human-check question, as a person would type it."""
    match = re.match(r"(.+?)(加|减)(.+?)等于多少", question)
    assert match is not None, question
    first, second = words_to_int(match[1]), words_to_int(match[3])
    return str(first + second if match[2] == "加" else first - second)
