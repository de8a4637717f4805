"""The words of a case for 类案推送: personal data taken out, then segmented by jieba into the terms BM25 ranks.

jieba is loaded on the first segmentation in a process, not when Django starts (its dictionary takes about a
second to load), and quietly: its logger says nothing below a warning. Its own dictionary, shipped inside the
package, is the only one read, with a few enforcement words added; nothing is fetched at run time.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhifa.cases.models import Case

# Words jieba's dictionary splits or lacks that carry meaning in enforcement facts.
DOMAIN_WORDS = ("林班", "小班", "用火", "野外用火", "采伐许可证", "林地用途", "毁林", "征占用", "超标排放", "无证经营")

# Words that appear in almost every statement of facts and so tell nothing about which facts are alike, and
# the function words jieba keeps as two characters. One character is dropped anyway (了, 在, 于, 某, 年…).
_STOP = """
    当事 当事人 经查 查明 违法 违法行为 行为 事实 证据 以上 上述 规定 有关 相关 依法 根据 按照 其中 进行 已经
    没有 共计 合计 位于 一个 一处 以及 并且 而且 之后 以后 期间 情况 我局 本局 本机关 该局 该公司 公司 个人 单位
    执法 人员 工作 发现 现场 检查 调查 案件 本案 立案 时间 地点 左右 大约 约为 其他 对此 为此 由于 因此 但是 然而
    可以 应当 予以 不予 不得 是否 以下 以外 之间 之内 一起 一次 同年 当日 次日 当天 分别 先后 为了 通过 对于 关于
"""
STOP_WORDS = frozenset(_STOP.split())

# A run of digits, dots and units is not a word: amounts and counts differ from case to case.
_NOISE = re.compile(r"^[\d.,，。%％]+$")
# Personal numbers found by their shape, whatever the case says about its parties.
_NUMBERS = re.compile(
    r"(?<![0-9A-Za-z])("
    r"\d{17}[\dXx]"  # 居民身份证号码 (GB 11643)
    r"|[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"  # 统一社会信用代码 (GB 32100)
    r"|1[3-9]\d{9}"  # 手机号码
    r"|0\d{2,3}-?\d{7,8}"  # 固定电话
    r")(?![0-9A-Za-z])"
)
MASK = "×××"
EXCERPT_LENGTH = 120

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_tokenizer: Any = None


def _jieba() -> Any:
    """The process's jieba tokenizer, loaded on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)  # "Building prefix dict…" at each start is noise in the logs
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word)
                _tokenizer = tokenizer
    return _tokenizer


def words(text: str) -> list[str]:
    """The words of `text` in order, repeated as often as they occur: jieba's search mode without its HMM
    guesses (so 养殖场 also gives 养殖, and the same text always gives the same words), latin letters lowered,
    one-character words and numbers left out. The published decisions' search index holds these."""
    found = []
    for word in _jieba().cut_for_search(text, HMM=False):
        word = word.strip().lower()
        if len(word) < 2 or _NOISE.match(word) or not any(ch.isalnum() for ch in word):
            continue
        found.append(word)
    return found


def terms(text: str) -> list[str]:
    """The words of `text` that tell cases apart: `words` without the stop-words."""
    return [word for word in words(text) if word not in STOP_WORDS]


def redact(text: str, names: Iterable[str]) -> str:
    """`text` with the given names (the parties', their representatives', their addresses) and any identity
    card, credit code or telephone number replaced by ×××. Names that occur inside other words are replaced
    too: a party called 林木 would rather lose a word than be shown."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, MASK)
    return _NUMBERS.sub(MASK, text)


def personal_names(case: Case) -> list[str]:
    """What the case knows of its parties that must not leave it: names, representatives, numbers, addresses."""
    found: list[str] = []
    for party in case.parties.all():
        found += [party.name, party.representative, party.id_number, party.credit_code, party.phone, party.address]
    return found


def case_text(case: Case) -> str:
    """The words of a case that describe what happened: its title (案由), the lead and the facts found."""
    return "\n".join(part for part in (case.title, case.lead_summary, case.facts_found) if part)


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
