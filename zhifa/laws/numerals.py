"""Chinese numerals as statutes write article numbers: 第一千零五十七条第一款第二项."""

from __future__ import annotations

from decimal import Decimal

DIGITS = "零一二三四五六七八九"
UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 105 → 一百零五, 1057 → 一千零五十七, 1110 → 一千一百一十 (to 9999)."""
    if not 0 < n < 10000:
        raise ValueError(f"{n} is outside 1–9999")
    parts: list[str] = []
    rest = n
    gap = False  # a zero digit between two written ones is read as one 零
    for value, unit in UNITS:
        digit, rest = divmod(rest, value)
        if digit:
            if gap:
                parts.append("零")
                gap = False
            # 十五 alone, but 一百一十五: the leading 一 of 十 is dropped only at the front.
            parts.append(unit if (unit == "十" and digit == 1 and not parts) else DIGITS[digit] + unit)
        elif parts:
            gap = True
    if rest:
        if gap:
            parts.append("零")
        parts.append(DIGITS[rest])
    return "".join(parts)


def article_citation(article: int, paragraph: int = 0, item: int = 0) -> str:
    text = f"第{chinese_number(article)}条"
    if paragraph:
        text += f"第{chinese_number(paragraph)}款"
    if item:
        text += f"第{chinese_number(item)}项"
    return text


def amount_text(value: Decimal | None) -> str:
    """An amount or a multiple as the pages write it: 100000 → "100,000"; 3.60 → "3.6"; None → "—"."""
    if value is None:
        return "—"
    return f"{value:,.4f}".rstrip("0").rstrip(".")
