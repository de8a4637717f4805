"""`python -m zhifa_draw` as a citizen runs it: the package copied alone (without its tests) to a fresh folder,
run isolated (`-I -S`: no environment, no site-packages, so nothing but the standard library), with an import
hook that refuses `django` and `zhifa`; it must agree with the in-process draw."""

from __future__ import annotations

import hashlib
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from zhifa_draw import canonical, draw
from zhifa_draw.__main__ import main
from zhifa_draw.tests.builder import CHECKPOINT_ROOT, standard, target

# Nothing here reads the date: the suite runs these once, not again under a moved clock.
pytestmark = pytest.mark.dateless

PACKAGE = Path(__file__).resolve().parents[1]
FORBIDDEN = ("django", "zhifa")

WRAPPER = """
import os, runpy, sys

parent = sys.argv[1]
del sys.argv[1]
refused = []


class Refuse:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in {FORBIDDEN!r}:
            refused.append(name)
            raise ImportError(f"zhifa_draw must not import {{name}}")
        return None


sys.meta_path.insert(0, Refuse)
sys.path[:0] = [parent]
try:
    runpy.run_module("zhifa_draw", run_name="__main__", alter_sys=True)
finally:
    sys.stdout.flush()
    used = sys.modules.get("zhifa_draw")
    if refused or any(name.partition(".")[0] in {FORBIDDEN!r} for name in sys.modules):
        print("REFUSED IMPORT", refused, file=sys.stderr, flush=True)
        os._exit(97)
    if used is None or not str(used.__file__).startswith(parent + os.sep):
        print("NOT THE COPY", used, file=sys.stderr, flush=True)
        os._exit(98)
""".format(FORBIDDEN=set(FORBIDDEN))


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    parent = tmp_path_factory.mktemp("citizen")
    shutil.copytree(PACKAGE, parent / "zhifa_draw", ignore=shutil.ignore_patterns("tests", "__pycache__"))
    return parent


def isolated(copied: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-I", "-S", "-X", "utf8", "-c", WRAPPER, str(copied), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={},
        cwd=copied,
        timeout=120,
        check=False,
    )


def test_standalone_recomputation_agrees_with_the_server(copied: Path, tmp_path: Path) -> None:
    inputs = standard()
    server = draw(inputs, CHECKPOINT_ROOT)
    published = tmp_path / "published.json"
    published.write_bytes(canonical(inputs))

    run = isolated(
        copied,
        "recompute",
        published,
        "--seed-value",
        CHECKPOINT_ROOT,
        "--output",
        tmp_path / "result.json",
        "--expect-inputs-sha256",
        server.inputs_sha256,
        "--expect-result-sha256",
        server.sha256,
    )
    assert (run.returncode, run.stderr) == (0, ""), run.stdout
    assert f"result_sha256 {server.sha256}\n" in run.stdout
    assert run.stdout.endswith("一致 matches\n")
    assert (tmp_path / "result.json").read_bytes() == server.canonical

    other = isolated(copied, "recompute", published, "--seed-value", "00" * 32, "--expect-result-sha256", server.sha256)
    assert other.returncode == 1
    assert "不一致 DIFFERS: the result differs from the published one" in other.stdout

    hashed = isolated(copied, "hash", published)
    assert (hashed.returncode, hashed.stdout) == (0, f"{server.inputs_sha256}\n")


def test_a_file_not_in_canonical_form_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Spaces, a trailing newline or a duplicate key would let two readers see two documents under one hash."""
    spaced = tmp_path / "spaced.json"
    spaced.write_bytes(canonical(standard()) + b"\n")
    assert main(["recompute", str(spaced), "--seed-value", CHECKPOINT_ROOT]) == 2
    assert "not in canonical form" in capsys.readouterr().err
    assert main(["hash", str(spaced)]) == 1  # the hash of its canonical form, and a note that the file is not
    fixed = tmp_path / "fixed.json"
    assert main(["hash", str(spaced), "--write", str(fixed)]) == 0
    assert fixed.read_bytes() == canonical(standard())


def test_witnesses_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["witnesses", "9319", "2 5 12 8 10", "9 18 26 34 41 45"]) == 0
    assert capsys.readouterr().out == "9319./2.5.8.10.12./9.18.26.34.41.45./\n"
    assert main(["witnesses", "abc"]) == 2


BATCH = """
import hashlib, pathlib, sys
sys.path[:0] = [sys.argv[1]]
from zhifa_draw import recompute

for path in sorted(pathlib.Path(sys.argv[2]).glob("*.json")):
    seed = hashlib.sha256(path.name.encode()).hexdigest()
    print(path.name, recompute(path.read_bytes(), seed).sha256)
"""


def random_plan(rng: random.Random, n: int) -> dict[str, Any]:
    inputs = standard()
    inputs["draw"]["id"] = f"r{n}"
    inputs["targets"] = [
        target(
            k,
            grade=rng.choice("ABCD"),
            risk=rng.choice(("high", "low")),
            domains=tuple(rng.sample(("food", "water"), rng.randint(1, 2))),
            counted={"m": rng.randint(0, 2)} if rng.random() < 0.2 else {},
            active=rng.random() < 0.95,
        )
        for k in range(rng.randint(0, 80))
    ]
    inputs["plans"][0]["quota"] = {g: {"basis_points": rng.randint(0, 10_000)} for g in rng.sample("ABCD", 3)}
    inputs["inspectors"] = inputs["inspectors"][: rng.randint(4, 18)]
    return inputs


def test_the_copied_package_agrees_with_the_server_on_100_random_plans(copied: Path, tmp_path: Path) -> None:
    """The issue's acceptance test: one isolated interpreter recomputes 100 published files."""
    rng = random.Random(19)  # noqa: S311 - test data
    expected = {}
    for n in range(100):
        inputs = random_plan(rng, n)
        name = f"plan-{n:03d}.json"
        (tmp_path / name).write_bytes(canonical(inputs))
        expected[name] = draw(inputs, hashlib.sha256(name.encode()).hexdigest()).sha256
    run = subprocess.run(
        [sys.executable, "-I", "-S", "-c", BATCH, str(copied), str(tmp_path)],
        capture_output=True,
        text=True,
        env={},
        cwd=copied,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert dict(line.split() for line in run.stdout.splitlines()) == expected


def test_the_result_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    published = tmp_path / "published.json"
    published.write_bytes(canonical(standard()))
    server = draw(standard(), CHECKPOINT_ROOT)
    assert main(["recompute", str(published), "--seed-value", CHECKPOINT_ROOT, "--output", "-"]) == 0
    first, *rest = capsys.readouterr().out.splitlines()
    assert first.encode() == server.canonical
    assert rest[2] == f"result_sha256 {server.sha256}"
