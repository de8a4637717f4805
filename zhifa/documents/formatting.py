"""How documents write amounts, dates and counts: 1,500.00元, 壹仟伍佰元整, 2026年11月23日, 六十日."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone

DIGITS = "零一二三四五六七八九"
CAPITAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
CAPITAL_UNITS = ("", "拾", "佰", "仟")  # within a group of four digits
CAPITAL_GROUPS = ("", "万", "亿")  # the groups, from the ones up
CAPITALS_LIMIT = Decimal(10) ** 12  # up to 9,999亿…: far beyond any fine, and still one 亿 group


def yuan(amount: Decimal) -> str:
    """1500 -> "1,500.00元"."""
    return f"{Decimal(_cents(amount)).scaleb(-2):,.2f}元"


def yuan_in_capitals(amount: Decimal) -> str:
    """The amount in capital numerals, as on bills and in decisions: 1500 -> "壹仟伍佰元整".

    Follows 中国人民银行《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》: 整 after 元 (and after 角)
    when nothing follows; one 零 for a run of zeros inside the number; 零 before 分 when 角 is zero; 拾 always
    with its digit (壹拾). Where the rules allow a 零 or not (a zero at 元 or 万 followed by a non-zero 角 or
    千), none is written: 1,680.32 -> 壹仟陆佰捌拾元叁角贰分.
    """
    cents = _cents(amount)
    if cents >= CAPITALS_LIMIT * 100:
        raise ValueError(f"amount too large to write in capitals: {amount}")
    whole, fraction = divmod(cents, 100)
    jiao, fen = divmod(fraction, 10)
    text = _integer_in_capitals(whole) + "元" if whole or not fraction else ""
    if jiao:
        text += CAPITAL_DIGITS[jiao] + "角"
    elif fen and whole:
        text += "零"
    if fen:
        return text + CAPITAL_DIGITS[fen] + "分"
    return text + "整"


def _cents(amount: Decimal) -> int:
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimals, not {amount!r}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not an amount: {amount}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"amount has fractions of a cent (分): {amount}")
    return int(cents)


def _integer_in_capitals(number: int) -> str:
    if number == 0:
        return CAPITAL_DIGITS[0]
    groups = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    text = ""
    zero_pending = False  # a zero seen since the last digit written
    for position in reversed(range(len(groups))):
        group = groups[position]
        if group == 0:
            zero_pending = bool(text)
            continue
        if text and (zero_pending or group < 1000):
            text += CAPITAL_DIGITS[0]
        zero_pending = False
        started = False  # a digit of this group written: zeros after it, before another digit, make one 零
        for place in reversed(range(4)):
            digit = group // 10**place % 10
            if digit == 0:
                zero_pending = zero_pending or (started and group % 10**place != 0)
                continue
            if zero_pending:
                text += CAPITAL_DIGITS[0]
                zero_pending = False
            text += CAPITAL_DIGITS[digit] + CAPITAL_UNITS[place]
            started = True
        text += CAPITAL_GROUPS[position]
    return text


def count_in_chinese(number: int) -> str:
    """A small count in ordinary numerals, as the law writes periods: 15 -> 十五, 60 -> 六十, 105 -> 一百零五."""
    if not 0 <= number < 10_000:
        raise ValueError(f"count out of range: {number}")
    if number < 10:
        return DIGITS[number]
    text = ""
    zero_pending = False
    for place, unit in ((3, "千"), (2, "百"), (1, "十"), (0, "")):
        digit = number // 10**place % 10
        if digit == 0:
            zero_pending = bool(text)
            continue
        if zero_pending:
            text += DIGITS[0]
            zero_pending = False
        # 十五, not 一十五 — but 一百一十五.
        text += ("" if place == 1 and digit == 1 and not text else DIGITS[digit]) + unit
    return text


def chinese_date(day: date) -> str:
    """2026-11-23 -> "2026年11月23日" (GB/T 9704-2012 7.3.5.3: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_datetime(moment: datetime) -> str:
    """A moment in the transcripts' form, in the project's time zone: "2026年11月23日9时05分"."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{chinese_date(local.date())}{local.hour}时{local.minute:02d}分"


# Where a heading line may end: after a pause, or after the word that ends an agency's or unit's name
# (大青山国家级自然保护区 | 管理局乌兰察布分局), so a broken name still reads as names.
_BREAK_AFTER = frozenset("、，；：）》省市县区州盟旗局厅委办院所站队处科部")


def heading_lines(text: str, per_line: int) -> list[str]:
    """A heading split into lines of at most `per_line` characters, of even length, none of a single character.

    WeasyPrint (70) has no `text-wrap: balance`: left to itself it fills the first line and leaves the rest —
    大青山国家级自然保护区管理局乌兰察布分 | 局. The template prints each line unbroken (white-space: nowrap),
    so `per_line` is the type area's width over one character's advance (the font size plus letter spacing;
    Chinese characters are one em wide). Each line ends within a few characters of its even share, after a
    pause or a unit's name where there is one.
    """
    if per_line < 4:
        raise ValueError(f"a heading line holds at least four characters, not {per_line}")
    text = " ".join(text.split())
    if len(text) <= per_line:
        return [text]
    count = -(-len(text) // per_line)  # lines needed
    reach = max(3, per_line // 5)  # how far from its even share a line may end to end at such a place
    lines: list[str] = []
    start = 0
    for line in range(count - 1):
        left = len(text) - start
        share = -(-left // (count - line))  # an even share of what is left, rounded up
        end = start + share
        # Where the line may end: no line over per_line, none under two, and what is left still fits.
        low = max(start + 2, len(text) - per_line * (count - line - 1))
        high = min(start + per_line, len(text) - 2)
        candidates = [
            position
            for position in range(max(low, end - reach), min(high, end + reach) + 1)
            if text[position - 1] in _BREAK_AFTER
        ]
        if candidates:
            end = min(candidates, key=lambda position: (abs(position - end), -position))
        end = min(max(end, low), high)
        lines.append(text[start:end])
        start = end
    lines.append(text[start:])
    return lines
