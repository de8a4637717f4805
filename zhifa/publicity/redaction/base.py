"""What a finding is, the caller's lists, and the normalised text every detector reads."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PERSON_NAME = "person_name", _("姓名")
    ID_NUMBER = "id_number", _("身份证号码")
    PHONE = "phone", _("电话号码")
    ADDRESS = "address", _("住址")
    BANK_ACCOUNT = "bank_account", _("银行账号")
    PLATE = "plate", _("车牌号码")
    CREDIT_CODE = "credit_code", _("统一社会信用代码")
    EMAIL = "email", _("电子邮箱")
    MARKED = "marked", _("标记不公开")


class Confidence(models.TextChoices):
    CERTAIN = "certain", _("确定")
    LIKELY = "likely", _("可能")


@dataclass(frozen=True)
class Finding:
    """One stretch of the text to show the officer: `text` is `original[start:end]`, `mask` what replaces it.

    `masked` is False for what is found but not masked by default (an organisation's credit code): the caller
    decides. `page` is the PDF page (from 1) when the finding comes from a PDF, offsets then count in that page's
    extracted text.
    """

    start: int
    end: int
    text: str
    kind: Kind
    reason: str
    mask: str
    confidence: Confidence = Confidence.CERTAIN
    masked: bool = True
    page: int | None = None


def _clean(terms: Sequence[str]) -> tuple[str, ...]:
    return tuple(sorted({" ".join(term.split()) for term in terms if term and term.strip()}, key=len, reverse=True))


@dataclass(frozen=True)
class Known:
    """What the caller knows: `persons` (the party, its representative, witnesses, interviewees: masked wherever
    they occur), `private` (what the officer marked private or a trade secret: masked as it is), `keep` (public
    names — the officers, the agency, an organisation's own name and address — never masked)."""

    persons: Sequence[str] = field(default=())
    private: Sequence[str] = field(default=())
    keep: Sequence[str] = field(default=())

    def __post_init__(self) -> None:
        # Accept lists; keep one spelling of each term, longest first (so 李明华 is matched before 李明).
        object.__setattr__(self, "persons", _clean(self.persons))
        object.__setattr__(self, "private", _clean(self.private))
        object.__setattr__(self, "keep", _clean(self.keep))


# Masks. Numbers are replaced wholly, by a label that says what stood there and is the same whatever the number:
# a partly shown number (first 6 and last 4 digits of an ID) tells the birthplace, and two partial masks made by
# different publishers combine into the whole number. Names keep the surname and hide the length; addresses keep
# the county; plates keep the province and the city letter (docs/decisions.md).
NAME_TAIL = "**"
ADDRESS_TAIL = "***"
PLATE_TAIL = "*****"
LABELS = {
    Kind.ID_NUMBER: "[身份证号码]",
    Kind.PHONE: "[电话号码]",
    Kind.BANK_ACCOUNT: "[银行账号]",
    Kind.CREDIT_CODE: "[统一社会信用代码]",
    Kind.EMAIL: "[电子邮箱]",
    Kind.MARKED: "[不予公开]",
}


def words(spaced_words: str) -> frozenset[str]:
    return frozenset(spaced_words.split())


COMPOUND_SURNAMES = words(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 西门 呼延 申屠 "
    "澹台 太史 闻人 万俟 钟离 赫连 濮阳 百里 东郭 公冶 左丘 第五 拓跋 司空 公羊 谷梁 漆雕 乐正 壤驷"
)
# The commoner single-character surnames (about 400): enough that a name found by its context or by jieba is
# believed only when it starts with one.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平"
    "计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈"
    "湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由肖洪沃付"
)
# What a name already made anonymous ends with: 张某, 张某某, 李×, 王** are not names to mask again.
_PSEUDONYM_TAIL = re.compile(r"^[某×xX*＊ＸＯ○〇]+$")


def surname(name: str) -> str:
    """The surname of a Chinese name: a compound (欧阳) when it starts with one, else the first character."""
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def has_surname(name: str) -> bool:
    return name[:2] in COMPOUND_SURNAMES or name[:1] in SURNAMES


def is_pseudonym(name: str) -> bool:
    return bool(_PSEUDONYM_TAIL.match(name[len(surname(name)) :] or "x"))


def name_mask(name: str) -> str:
    return surname("".join(name.split())) + NAME_TAIL


def normalise(text: str) -> str:
    """The text with full-width digits, letters and punctuation made half-width (０-９ → 0-9, Ｘ → X, （ → (,
    the ideographic space → space), one character for one, so offsets in it are offsets in the original."""
    out = []
    for char in text:
        if ord(char) < 0x80:
            out.append(char)
            continue
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def spaced(term: str) -> str:
    """A pattern for `term` that also matches it with white space between its characters (a PDF's text breaks
    lines anywhere, and an officer may type 张 三)."""
    chars = [re.escape(char) for char in normalise("".join(term.split()))]
    return r"\s*".join(chars)
