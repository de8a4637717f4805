"""Addresses: the part below the county (区/县) is masked, the part above it stays.

Rule: keep the province, the city and the county or district (云南省昆明市盘龙区), mask the rest (茨坝街道北京路
123号, 某乡某村三组). The public learns where the party is from, which the decision's jurisdiction already tells,
but not where to find the person: a street, a village group or a house number does. The Supreme People's Court
keeps the same level for parties' addresses in published judgments (最高人民法院关于人民法院在互联网公布裁判文书的
规定 第十一条: 自然人的住所地 to 县、区 level).

Two ways to find one: after a label (住址、住所、地址、家住、居住于、户籍地…), up to the end of the clause; or, with no
label, a county followed by a street or village and a number (…区…路12号, …县…村三组).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from zhifa.publicity.redaction.base import ADDRESS_TAIL, Confidence, Finding, Kind, words

_LABEL = re.compile(
    r"(家庭住址|现住址|户籍所在地|户籍地址|户籍地|经常居住地|通讯地址|联系地址|送达地址|住址|住所地|住所|"
    r"地址|居住地|家住|居住于|居住在|现住)\s*[:：]?\s*"
)
# An agency's own address (本机关地址、法院地址) is public.
_PUBLIC_OWNER = re.compile(r"(机关|本局|我局|法院|政府|执法局|管理局|单位)\S{0,2}$")
# Where a labelled address ends: the clause's punctuation, a line break, two spaces, or the next field.
_END = re.compile(
    r"[，,。；;\n]|\s{2,}|\s*(?:联系电话|电话|手机|联系方式|身份证|公民身份|证件|邮编|邮政编码|邮箱|性别|出生|民族|职业|"
    r"统一社会信用代码|法定代表人|负责人)"
)
_MAX_ADDRESS = 80

# One administrative unit above the street: a name and a suffix. Street-level characters never occur in it.
_UNIT = re.compile(
    r"[^\s，,。；;:：路街巷村镇乡号组栋幢室弄\d()（）]{1,8}?"
    r"(特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|州|盟|县|旗|区)"
)
# Words ending in 区 that are not districts.
_NOT_DISTRICT = tuple(words("小区 社区 园区 景区 保护区 片区 校区 厂区 街区 营区 实验区 核心区 缓冲区"))
_COUNTY = ("县", "旗", "区", "自治县", "自治旗")

_CJK_NAME = r"[\u4e00-\u9fff]{1,8}?"
_NUMBER = r"(?:\d+|[一二三四五六七八九十百零〇两]+)"
_FREE = re.compile(
    rf"(?:{_CJK_NAME}(?:省|自治区))?(?:{_CJK_NAME}(?:市|自治州|州|盟|地区))?"
    rf"{_CJK_NAME}(?<![小社园景护片校厂街营验心冲])(?:自治县|自治旗|县|旗|区)"
    r"(?P<tail>[^\s，,。；;：:、（）()]{0,30}?(?:路|街|巷|道|村|镇|乡|社区|小区|苑|花园|大厦|公寓|屯|庄|弄)"
    rf"[^\s，,。；;：:、（）()]{{0,20}}?{_NUMBER}(?:号院|号楼|号|组|栋|幢|单元|室|弄|排|户)"
    rf"(?:[-之]?{_NUMBER}(?:号院|号楼|号|组|栋|幢|单元|室|楼|层|户))*)"
)


def visible_prefix(address: str) -> int:
    """How many leading characters of `address` stay visible: its province, city and county units, at most four,
    ending with the first county-level unit (县、区、旗) or a second city (a county-level city under a city)."""
    position = 0
    cities = 0
    for _ in range(4):
        unit = _UNIT.match(address, position)
        if unit is None or unit.group().endswith(_NOT_DISTRICT):
            break
        position = unit.end()
        suffix = unit.group(1)
        if suffix in _COUNTY:
            break
        if suffix in {"市", "州", "自治州", "盟", "地区"}:
            cities += 1
            if cities == 2:
                break
    return position


def _finding(text: str, start: int, end: int, confidence: Confidence, reason: str) -> Finding:
    return Finding(
        start=start,
        end=end,
        text=text[start:end],
        kind=Kind.ADDRESS,
        reason=reason,
        mask=ADDRESS_TAIL,
        confidence=confidence,
    )


def _labelled_values(norm: str) -> Iterator[tuple[re.Match[str], int, str, bool]]:
    """Each label, where its value starts, the value, and whether it is an agency's own (public) address."""
    for label in _LABEL.finditer(norm):
        line_start = norm.rfind("\n", max(0, label.start() - 12), label.start()) + 1
        public = bool(_PUBLIC_OWNER.search(norm[max(line_start, label.start() - 12) : label.start()]))
        value_start = label.end()
        stop = _END.search(norm, value_start, value_start + _MAX_ADDRESS)
        value_end = stop.start() if stop else min(len(norm), value_start + _MAX_ADDRESS)
        yield label, value_start, norm[value_start:value_end].rstrip(), public


def labelled(text: str, norm: str) -> Iterator[Finding]:
    for label, value_start, value, public in _labelled_values(norm):
        if public or len(value) < 2:
            continue
        keep = visible_prefix(value)
        if keep >= len(value):
            continue  # nothing below the county: nothing to hide
        yield _finding(
            text,
            value_start + keep,
            value_start + len(value),
            Confidence.CERTAIN,
            f"“{label.group(1)}”后的地址，县（区）以下部分隐去",
        )


def unlabelled(text: str, norm: str) -> Iterator[Finding]:
    public = [(start, start + len(value)) for _label, start, value, is_public in _labelled_values(norm) if is_public]
    for match in _FREE.finditer(norm):
        if any(match.start("tail") < end and start < match.end("tail") for start, end in public):
            continue
        yield _finding(
            text,
            match.start("tail"),
            match.end("tail"),
            Confidence.LIKELY,
            "形如住址（县区以下的街道、村组和门牌号），县（区）以下部分隐去",
        )
