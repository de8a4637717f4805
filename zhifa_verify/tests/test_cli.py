"""`python -m zhifa_verify BUNDLE [--against FILE]`: exit 0 intact, 1 not intact (naming the problem), 2 unreadable.

The verifier must run on an auditor's machine with only the standard library and `cryptography`: the
subprocess tests copy the package (without its tests) to a fresh folder and run it isolated (`-I -S`: no
environment variables, no site-packages processing, so no .pth files, editable finders or sitecustomize),
with an import hook that refuses `django` and `zhifa`.
"""

from __future__ import annotations

import ast
import base64
import shutil
import subprocess
import sys
from pathlib import Path

import cryptography
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from zhifa_verify.__main__ import main
from zhifa_verify.tests.builder import ORIGIN, Builder, key_line, read_lines, standard, write_lines

PACKAGE = Path(__file__).resolve().parents[1]
SITE_PACKAGES = Path(cryptography.__file__).resolve().parents[1]
FORBIDDEN = ("django", "zhifa")

# Run as `python -I -S -c WRAPPER VERIFIER_PARENT SITE_PACKAGES BUNDLE [ARGS...]`.
WRAPPER = """
import os, runpy, sys

parent, site_packages = sys.argv[1], sys.argv[2]
del sys.argv[1:3]
refused = []


class Refuse:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in {FORBIDDEN!r}:
            refused.append(name)
            raise ImportError(f"zhifa_verify must not import {{name}}")
        return None


sys.meta_path.insert(0, Refuse)
sys.path[:0] = [parent, site_packages]
try:
    runpy.run_module("zhifa_verify", run_name="__main__", alter_sys=True)
finally:
    sys.stdout.flush()
    used = sys.modules.get("zhifa_verify")
    if refused or any(name.partition(".")[0] in {FORBIDDEN!r} for name in sys.modules):
        print("REFUSED IMPORT", refused, file=sys.stderr, flush=True)
        os._exit(97)
    if used is None or not str(used.__file__).startswith(parent + os.sep):
        print("NOT THE COPY", used, file=sys.stderr, flush=True)
        os._exit(98)
""".format(FORBIDDEN=set(FORBIDDEN))


@pytest.fixture(scope="module")
def copied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as an auditor would copy it: the folder alone, without its tests."""
    parent = tmp_path_factory.mktemp("auditor")
    shutil.copytree(PACKAGE, parent / "zhifa_verify", ignore=shutil.ignore_patterns("tests", "__pycache__"))
    return parent


def isolated(copied: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-I", "-S", "-X", "utf8", "-c", WRAPPER, str(copied), str(SITE_PACKAGES)]
    return subprocess.run(
        [*command, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={},  # nothing inherited; -I ignores PYTHON* variables anyway
        cwd=copied,
        timeout=60,
        check=False,
    )


@pytest.fixture
def builder() -> Builder:
    return standard()


@pytest.fixture
def bundle(builder: Builder, tmp_path: Path) -> Path:
    return builder.write(tmp_path / "bundle")


def key_id(builder: Builder) -> str:
    return "+".join(key_line(ORIGIN, builder.key).split("+")[:2])


def tamper(bundle: Path) -> None:
    """Edit entry 6's time: the first checkpoint that signs it (#2, size 9) no longer matches."""
    lines = read_lines(bundle / "entries.jsonl")
    lines[6] = lines[6].replace("08:00:06", "08:00:07")
    write_lines(bundle / "entries.jsonl", lines)


TAMPERED = (
    "不完整 NOT intact: checkpoint #2 (size 9): its signed root is not the root of entries 0..8; "
    "entries 0..3 match checkpoint #1, so one of entries 4..8 was changed, removed or inserted\n"
)


def test_isolated_run_without_django_or_zhifa(builder: Builder, bundle: Path, copied: Path, tmp_path: Path) -> None:
    root = base64.b64encode(builder.root()).decode()
    good = isolated(copied, bundle)
    assert (good.returncode, good.stderr) == (0, "")
    assert good.stdout == f"完整 intact: 12 entries, root {root}, signed by key {key_id(builder)}\n"

    kept = tmp_path / "kept.txt"
    kept.write_text(builder.note(9), encoding="utf-8")
    assert isolated(copied, bundle, "--against", kept).returncode == 0

    tamper(bundle)
    bad = isolated(copied, bundle)
    assert (bad.returncode, bad.stdout, bad.stderr) == (1, TAMPERED, "")

    missing = isolated(copied, tmp_path / "nowhere")
    assert missing.returncode == 2, missing.stderr
    assert missing.stdout == ""
    assert missing.stderr == f"无法读取 cannot read: {tmp_path / 'nowhere'}: no such directory\n"


def test_the_import_hook_really_refuses(copied: Path, tmp_path: Path) -> None:
    """The guard itself works (so a passing run above means something): even an import whose failure the
    code swallows is caught."""
    spoiled = tmp_path / "spoiled"
    shutil.copytree(copied, spoiled)
    with (spoiled / "zhifa_verify" / "bundle.py").open("a", encoding="utf-8") as module:
        module.write("\ntry:\n    import zhifa.ledger\nexcept ImportError:\n    pass\n")
    result = isolated(spoiled, tmp_path / "nowhere")
    assert result.returncode == 97, result.stderr
    assert result.stderr.endswith("REFUSED IMPORT ['zhifa']\n")


def test_the_package_imports_only_the_standard_library_and_cryptography() -> None:
    """Also the imports on paths no test run takes (inside functions, error branches)."""
    for file in sorted(PACKAGE.glob("*.py")):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"), str(file))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{file.name}: relative import"
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                allowed = top in sys.stdlib_module_names or top in {"cryptography", "zhifa_verify", "__future__"}
                assert allowed, f"{file.name} imports {name}"


def test_cli_intact(builder: Builder, bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(bundle)]) == 0
    out, err = capsys.readouterr()
    root = base64.b64encode(builder.root()).decode()
    assert (out, err) == (f"完整 intact: 12 entries, root {root}, signed by key {key_id(builder)}\n", "")


def test_cli_not_intact_names_the_first_bad_checkpoint(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tamper(bundle)
    assert main([str(bundle)]) == 1
    assert capsys.readouterr() == (TAMPERED, "")


def test_cli_not_intact_names_the_bad_file(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    digest = next(child.name for child in (bundle / "files").iterdir())
    (bundle / "files" / digest).write_bytes(b"altered")
    assert main([str(bundle)]) == 1
    out, _ = capsys.readouterr()
    assert out.startswith(f"不完整 NOT intact: file {digest}: its content hashes to ")


def test_cli_not_intact_names_the_bad_entry(bundle: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = read_lines(bundle / "entries.jsonl")
    del lines[5]
    write_lines(bundle / "entries.jsonl", lines)
    assert main([str(bundle)]) == 1
    out, _ = capsys.readouterr()
    assert out == (
        "不完整 NOT intact: entry 5 (entries.jsonl line 6): numbered 6 where 5 was due "
        "(an entry was removed, added or moved)\n"
    )


def test_cli_against(builder: Builder, bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text(builder.note(4), encoding="utf-8")
    assert main([str(bundle), "--against", str(kept)]) == 0
    fork = standard()
    fork.key = builder.key
    kept.write_text(fork.note(4), encoding="utf-8")
    capsys.readouterr()
    assert main([str(bundle), "--against", str(kept)]) == 1
    assert capsys.readouterr().out == (
        "不完整 NOT intact: kept checkpoint kept.txt (size 4): entries 0..3 no longer give its signed root, "
        "so the log was rewritten or forked since\n"
    )
    assert main([str(bundle), "--against", str(tmp_path / "lost.txt")]) == 2
    assert "无法读取 cannot read: " in capsys.readouterr().err


def test_cli_unreadable(bundle: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path / "nowhere")]) == 2
    (bundle / "manifest.json").unlink()
    assert main([str(bundle)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[1] == f"无法读取 cannot read: {bundle}: no manifest.json, so this is not a ledger bundle"
    (bundle / "manifest.json").mkdir()  # there, but not a file
    assert main([str(bundle)]) == 2
    assert "manifest.json" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main([])
    assert usage.value.code == 2


def test_a_verifier_key_whose_base64_holds_a_plus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The key line splits at the first two '+' only: the base64 key may hold more of them."""
    builder = standard()
    while "+" not in key_line(ORIGIN, builder.key).split("+", 2)[2]:
        builder.key = Ed25519PrivateKey.generate()
    path = builder.write(tmp_path / "plus")
    assert main([str(path)]) == 0, capsys.readouterr().out
    assert f"signed by key {key_id(builder)}\n" in capsys.readouterr().out
