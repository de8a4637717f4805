"""Person names: the names the caller knows, names after a label (当事人：, 姓名, 法定代表人…), and the names
jieba's part-of-speech tagger guesses ('nr'). The first two are 'certain', jieba's are 'likely': a suggestion
for the officer, who confirms."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from zhifa.publicity.redaction.base import (
    COMPOUND_SURNAMES,
    SURNAMES,
    Confidence,
    Finding,
    Kind,
    has_surname,
    is_pseudonym,
    name_mask,
    spaced,
    words,
)

_LABEL = re.compile(
    r"(法定代表人|主要负责人|负责人|委托代理人|代理人|被询问人|被调查人|被检查人|见证人|证人|联系人|经营者|投资人|"
    r"户主|当事人|姓名|申请人|举报人|投诉人|监护人)"
)
# A colon or a space, after an optional bracket: 法定代表人（负责人）：, 当事人（个体工商户）：
_SEPARATOR = re.compile(r"(?:\s*[（(][^）)\n]{1,8}[）)])?[\s:：]+")
# Where a name written after a label and a colon ends.
_NAME_END = re.compile(r"[\s，,、。；;:：()（）\d]|$")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]{1,10}[·•.][\u4e00-\u9fff]{1,10}")
# What an organisation's name ends with: 当事人：某某林场 is not a person.
_ORGANISATION = re.compile(r"(公司|厂|场|店|站|局|所|社|部|中心|院|校|队|会|行|馆|室|处|委|办|组|协会|合作社|经营部)$")
_NOT_NAMES = frozenset({"本人", "未到", "不详", "同上", "见下", "无", "略", "男", "女"})
# What follows a word inside an organisation's name.
_INSIDE_ORGANISATION = re.compile(
    r"[^\s，,。；;、在系于和与是到为从向对把被的了等及]{0,4}?(有限|股份|集团|公司|合作社|经营部|商行|商店|门市|厂)"
)
# Words jieba's dictionary tags as names that the enforcement domains use as words: trees, places, plants.
NOT_NAMES = words(
    "云南松 马尾松 华山松 油松 红松 樟子松 落叶松 黑松 白皮松 湿地松 杨树 柳树 松树 柏树 桦树 杉树 水杉 柳杉 银杏 "
    "白桦 石林 白云 金花 高原 黄山 华山 泰山 武夷 林业 林草 林权 林政 林木 林地 金融 石油 田地 云杉 冷杉 红豆杉"
)

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


def known(
    text: str, norm: str, persons: Iterable[str], reason: str = "已知的当事人或相关人员姓名"
) -> Iterator[Finding]:
    for person in persons:
        for match in re.finditer(spaced(person), norm):
            yield _finding(text, match.start(), match.end(), Confidence.CERTAIN, reason)


def labelled(text: str, norm: str) -> Iterator[Finding]:
    for label in _LABEL.finditer(norm):
        separator = _SEPARATOR.match(norm, label.end())
        if separator is None:
            continue  # 当事人未取得… : a name right after the label is left to jieba
        start = separator.end()
        end_match = _NAME_END.search(norm, start, start + 24)
        end = end_match.start() if end_match else min(len(norm), start + 24)
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
    previous = (0, "")  # the start and text of the word before
    for pair in tagger().cut(norm):
        word, flag = pair.word, pair.flag
        if norm.startswith(word, position):
            start = position
        else:  # jieba gives back every character in order; if it ever did not, find the word again
            start = norm.find(word, position)
            if start < 0:
                continue
        position = start + len(word)
        before_start, before = previous
        previous = (start, word)
        if flag != "nr" or word in NOT_NAMES:
            continue
        # jieba cuts 张秀英 into 张 and 秀英 when it does not know the name: the surname goes with it.
        surname_before = (len(before) == 1 and before in SURNAMES) or before in COMPOUND_SURNAMES
        if not has_surname(word) and len(word) <= 2 and surname_before and before_start + len(before) == start:
            start, word = before_start, before + word
        if not 2 <= len(word) <= 4 or not has_surname(word) or is_pseudonym(word):
            continue
        if _INSIDE_ORGANISATION.match(norm, position):
            continue  # 昆明滇林木业有限公司: an organisation's name is published as it is
        yield _finding(text, start, position, Confidence.LIKELY, "分词工具（jieba）标注为人名，请确认")
