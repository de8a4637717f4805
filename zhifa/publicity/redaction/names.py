"""Person names: the names the caller knows, names after a label (当事人：, 姓名, 法定代表人…), and the names
jieba's part-of-speech tagger guesses ('nr'). The first two are 'certain', jieba's are 'likely': a suggestion
for the officer, who confirms."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

from zhifa.publicity.redaction.base import (
    Confidence,
    Finding,
    Kind,
    has_surname,
    is_pseudonym,
    name_mask,
    spaced,
)

_LABEL = re.compile(
    r"(法定代表人|主要负责人|负责人|委托代理人|代理人|被询问人|被调查人|被检查人|见证人|证人|联系人|经营者|投资人|"
    r"户主|当事人|姓名|申请人|举报人|投诉人|监护人)"
)
_SEPARATOR = re.compile(r"[\s:：]+")
# Where a name written after a label and a colon ends.
_NAME_END = re.compile(r"[\s，,、。；;:：()（）\d]|$")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,10}[·•.][\u4e00-\u9fff]{1,10}")
# What an organisation's name ends with: 当事人：某某林场 is not a person.
_ORGANISATION = re.compile(r"(公司|厂|场|店|站|局|所|社|部|中心|院|校|队|会|行|馆|室|处|委|办|组|协会|合作社|经营部)$")
_NOT_NAMES = frozenset({"本人", "未到", "不详", "同上", "见下", "无", "略", "男", "女"})

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_tagger: Any = None


def tagger() -> Any:
    """The process's jieba part-of-speech tagger, loaded on first use (its dictionary takes about a second)."""
    global _tagger
    if _tagger is None:
        with _lock:
            if _tagger is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tagger = jieba.posseg.POSTokenizer(tokenizer)
    return _tagger


def _finding(text: str, start: int, end: int, confidence: Confidence, reason: str) -> Finding:
    found = text[start:end]
    return Finding(
        start=start,
        end=end,
        text=found,
        kind=Kind.PERSON_NAME,
        reason=reason,
        mask=name_mask(found),
        confidence=confidence,
    )


def known(text: str, norm: str, persons: tuple[str, ...]) -> Iterator[Finding]:
    for person in persons:
        for match in re.finditer(spaced(person), norm):
            yield _finding(text, match.start(), match.end(), Confidence.CERTAIN, "已知的当事人或相关人员姓名")


def labelled(text: str, norm: str) -> Iterator[Finding]:
    for label in _LABEL.finditer(norm):
        separator = _SEPARATOR.match(norm, label.end())
        if separator is None:
            continue  # 当事人未取得… : a name right after the label is left to jieba
        start = separator.end()
        end_match = _NAME_END.search(norm, start)
        end = end_match.start() if end_match else len(norm)
        candidate = norm[start:end]
        if (
            not _NAME.fullmatch(candidate)
            or candidate in _NOT_NAMES
            or _ORGANISATION.search(candidate)
            or is_pseudonym(candidate)
        ):
            continue
        confidence = Confidence.CERTAIN if has_surname(candidate) or "·" in candidate else Confidence.LIKELY
        yield _finding(text, start, end, confidence, f"“{label.group(1)}”后的姓名")


def guessed(text: str, norm: str) -> Iterator[Finding]:
    position = 0
    for pair in tagger().cut(norm):
        word, flag = pair.word, pair.flag
        if norm.startswith(word, position):
            start = position
        else:  # jieba gives back every character in order; if it ever did not, find the word again
            start = norm.find(word, position)
            if start < 0:
                continue
        position = start + len(word)
        if flag != "nr" or not 2 <= len(word) <= 4 or not has_surname(word) or is_pseudonym(word):
            continue
        yield _finding(text, start, position, Confidence.LIKELY, "分词工具（jieba）标注为人名，请确认")
