"""The fonts documents need, and the check that refuses to render without them.

Without a font that covers Chinese, Pango falls back to whatever it finds and the PDF shows empty boxes
(豆腐块) where the text should be — a document nobody can read, but that looks issued. So rendering first
asks fontconfig (`fc-list :lang=zh`) for a Chinese font and stops with a message saying what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from functools import cache

from zhifa.core.errors import MissingSystemDependency

# The families the stylesheet asks for, in order: 宋体-like for titles, 仿宋-like for the body (GB/T 9704
# asks for 小标宋 and 仿宋_GB2312). Debian's fonts-noto-cjk gives the Noto ones; an installation with the
# Windows fonts gets the real 仿宋 first. The stylesheet writes them unquoted: CSS identifiers only (tested).
# No monospaced font for the hash: a third CJK font would add some 120 KB to every PDF (WeasyPrint keeps a
# CJK font's glyph ids when it subsets it, so even a few glyphs cost that much).
TITLE_FAMILIES = ("Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC")
BODY_FAMILIES = ("FangSong", "FangSong_GB2312", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "SimSun")

INSTALL_HINT = (
    "请安装中文字体：Debian/Ubuntu 执行 apt-get install fonts-noto-cjk（或运行 scripts/system-deps.sh run）。"
    "Install a Chinese font: apt-get install fonts-noto-cjk (or run scripts/system-deps.sh run)."
)


class MissingFont(MissingSystemDependency):
    """No font covering Chinese is installed: a PDF rendered now would show empty boxes instead of text."""


def chinese_fonts(env: Mapping[str, str] | None = None) -> list[str]:
    """The font families fontconfig knows that cover Chinese (`fc-list :lang=zh family`), sorted.

    `env` replaces the environment (tests point FONTCONFIG_FILE at an empty configuration).
    """
    fc_list = shutil.which("fc-list", path=(env or os.environ).get("PATH"))
    if fc_list is None:
        raise MissingFont(f"找不到 fc-list，无法确认是否安装了中文字体：请安装 fontconfig。{INSTALL_HINT}")
    # fc-list is found on PATH and given fixed arguments.
    result = subprocess.run(  # noqa: S603
        [fc_list, ":lang=zh", "family"],
        capture_output=True,
        text=True,
        check=True,
        env=dict(env) if env is not None else None,
    )
    families = {name.strip() for line in result.stdout.splitlines() for name in line.split(",") if name.strip()}
    return sorted(families)


@cache
def _checked() -> tuple[str, ...]:
    families = chinese_fonts()
    if not families:
        raise MissingFont(f"没有找到可显示中文的字体（fc-list :lang=zh 为空），文书将无法正常显示。{INSTALL_HINT}")
    return tuple(families)


def require_chinese_font() -> tuple[str, ...]:
    """The Chinese font families, or MissingFont. Asked once per process: fonts do not vanish while it runs."""
    return _checked()
