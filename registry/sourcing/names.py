"""Comparable forms of field and item names, for finding the same data under different names.

Catalog sheets name the same 信息项 in many ways: 身份证号 / 公民身份号码,
``注册资本（万元）`` / 注册资本, full-width and half-width forms. A field's
*key* folds those: full-width forms and case (NFKC), bracketed parts (units,
remarks), units and punctuation go; then the curated synonym groups below map
every member to the group's first term. An item's *name key* drops what says
nothing about the data (基本, 信息, 辖区, years, region names, batch numbers).

Synonyms are whole terms or parts of a name, replaced longest first without
overlapping, so 产权人身份证号 becomes 权利人公民身份号码, the same key as the
name 不动产登记 uses. The table is small and curated on purpose: every group is
a pair of names that standards or departments use for the same thing. The
search synonyms (:mod:`registry.search.synonyms`) serve another purpose —
widening queries (企业 → 市场主体) — and would merge what is not the same data.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

#: Groups of field names meaning the same thing; the first term is the group's canonical form.
FIELD_SYNONYMS: tuple[tuple[str, ...], ...] = (
    # identifiers (GB 11643, GB 32100, GB 11714)
    ("公民身份号码", "身份证号", "身份证号码", "居民身份证号码", "居民身份证号", "公民身份证号码", "公民身份证号", "身份证件号码"),
    ("统一社会信用代码", "社会信用代码", "统一信用代码"),
    ("组织机构代码", "机构代码"),
    # people and parties
    ("权利人", "产权人", "所有权人", "房屋所有权人"),
    ("法定代表人", "法人代表", "法定代表人姓名", "法人代表姓名"),
    ("手机号码", "手机号", "移动电话"),
    ("联系电话", "电话号码", "联系方式"),
    # places
    ("住所", "住所地", "注册地址"),
    ("现住址", "现居住地址", "居住地址", "现住地址"),
    ("户籍地址", "户籍地详址", "户口所在地"),
    # dates and times
    ("登记日期", "登记时间"),
    ("发证日期", "发证时间", "颁证日期"),
    ("出生日期", "出生年月日"),
    ("成立日期", "成立时间"),
    ("创建时间", "创建日期", "录入时间"),
    ("更新时间", "修改时间", "最后更新时间"),
    # real estate: 不动产登记 (since 2015) and the older 房屋产权 registers name the same columns
    ("不动产权证号", "产权证号", "房屋所有权证号", "房产证号"),
    ("坐落", "房屋坐落", "不动产坐落"),
    ("用途", "房屋用途", "规划用途"),
)

#: Field names every kind of record carries (bookkeeping, a person's name, contact): they always
#: weigh as little as the most common field, however rare a small catalog makes them look.
GENERIC_FIELDS: frozenset[str] = frozenset({
    "姓名", "名称", "性别", "民族", "出生日期", "联系电话", "手机号码", "联系人", "电子邮箱", "邮政编码",
    "备注", "说明", "描述", "序号", "编号", "记录编号", "状态", "数据状态", "创建时间", "更新时间",
    "数据来源", "删除标志", "数据版本号", "同步时间", "经办人", "经办日期", "审核人", "审核日期",
    "业务办理编号", "详细地址", "地址",
})

#: Words in an item's name that say nothing about which data it is.
_NAME_NOISE = ("信息", "数据", "基本", "基础", "辖区", "全市", "全县", "全区", "本市", "本县", "本区", "本级",
               "资料", "一览表", "清单表")
_UNITS = ("平方公里", "平方米", "立方米", "万元", "亿元", "公顷", "厘米", "毫米", "千克", "公斤", "千米", "公里")
_BRACKETED = re.compile(r"[(\[{<《〔【][^()\[\]{}<>《》〔〕【】]*[)\]}>》〕】]")
_NOT_WORD = re.compile(r"[^0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_YEARS = re.compile(r"(?:19|20)\d\d(?:[-~至到](?:19|20)?\d\d)?年度?")
_UNIT_TAIL = re.compile("(?:" + "|".join(_UNITS) + ")$")


def fold(text: str | None) -> str:
    """Full-width forms and case folded, bracketed parts and punctuation dropped: ``注册资本（万元）`` → 注册资本."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).lower()
    previous = None
    while previous != text:  # nested brackets, innermost first
        previous, text = text, _BRACKETED.sub("", text)
    return _NOT_WORD.sub("", text)


def _without_unit(name: str) -> str:
    bare = _UNIT_TAIL.sub("", name)
    return bare if len(bare) >= 2 else name


class SynonymTable:
    """Maps every member of a group, and names containing members, to the group's canonical form."""

    def __init__(self, groups: Iterable[Iterable[str]]):
        self.canonical: dict[str, str] = {}
        for group in groups:
            terms = [fold(t) for t in group]
            for term in terms:
                self.canonical.setdefault(term, terms[0])
        self._terms = sorted(self.canonical, key=len, reverse=True)

    def apply(self, name: str) -> str:
        """``name`` (already folded) with each synonym replaced by its canonical term, longest first."""
        if name in self.canonical:
            return self.canonical[name]
        taken: list[tuple[int, int, str]] = []
        for term in self._terms:
            if len(term) >= len(name):
                continue
            start = name.find(term)
            while start >= 0:
                end = start + len(term)
                if not any(start < e and s < end for s, e, _ in taken):
                    taken.append((start, end, self.canonical[term]))
                    break
                start = name.find(term, start + 1)
        out, cursor = [], 0
        for start, end, replacement in sorted(taken):
            out += [name[cursor:start], replacement]
            cursor = end
        return "".join(out) + name[cursor:]


FIELD_SYNONYM_TABLE = SynonymTable(FIELD_SYNONYMS)
_GENERIC_KEYS = frozenset(FIELD_SYNONYM_TABLE.apply(_without_unit(fold(n))) for n in GENERIC_FIELDS)


@lru_cache(maxsize=200_000)
def field_surface(name: str) -> str:
    """The field's name folded and without a trailing unit: equal surfaces are the *same name*."""
    return _without_unit(fold(name))


@lru_cache(maxsize=200_000)
def field_key(name: str) -> str:
    """The field's canonical key: its surface with synonyms replaced (身份证号码 → 公民身份号码)."""
    return FIELD_SYNONYM_TABLE.apply(field_surface(name))


def is_generic(key: str) -> bool:
    return key in _GENERIC_KEYS


def item_name_key(name: str, regions: tuple[str, ...] = ()) -> str:
    """What an item's name says about its data: ``2019年嵩阳区户籍人口基本信息（第2批）`` → 户籍人口.

    ``regions`` are the folded names of the catalog's city and counties, longest first
    (:func:`region_prefixes`); one of them opening the name is dropped.
    """
    text = fold(_YEARS.sub("", unicodedata.normalize("NFKC", name or "").lower()))
    for region in regions:
        if text.startswith(region):
            text = text[len(region):]
            break
    for word in _NAME_NOISE:
        text = text.replace(word, "")
    return text


def region_prefixes(names: Iterable[str]) -> tuple[str, ...]:
    """Folded names of cities and counties, with and without 市/县/区, longest first, as item names open with them."""
    out = set()
    for name in names:
        folded = fold(name)
        out.add(folded)
        if len(folded) > 2 and folded[-1] in "市县区旗":
            out.add(folded[:-1])
    return tuple(sorted((o for o in out if len(o) >= 2), key=lambda o: (-len(o), o)))


@lru_cache(maxsize=100_000)
def bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i:i + 2] for i in range(len(text) - 1)) if len(text) > 1 else frozenset({text} if text else ())


#: Similarity of two names one of which ends with the other (持证残疾人 / 残疾人).
SAME_HEAD = 0.9
#: The most two names that are neither equal nor share their head can score.
SIMILAR = 0.8


def other_aspect(a: str, b: str) -> bool:
    """Whether one name key names other data about the other's subjects.

    It does when it begins with the other's head — a tail of at least two
    characters of the other, the whole of it included — and goes on: 残疾人就业
    / 残疾人 and 残疾人就业 / 持证残疾人 (about 残疾人, adding the head 就业),
    户籍人口统计 / 户籍人口. Names ending with the other (持证残疾人 / 残疾人) and
    unrelated names are not other aspects.
    """
    return _begins_with_head_of(a, b) or _begins_with_head_of(b, a)


def _begins_with_head_of(longer: str, other: str) -> bool:
    if not longer:
        return False
    start = other.find(longer[0], 0, len(other) - 1)  # where a tail of two or more characters could begin
    while start >= 0:
        if longer.startswith(other[start:]) and len(longer) > len(other) - start:
            return True
        start = other.find(longer[0], start + 1, len(other) - 1)
    return False


def name_similarity(a: str, b: str) -> float:
    """How alike two name keys are, 0–1.

    Equal keys score 1. Chinese noun phrases put the head last and modifiers
    before it, so a name ending with the other whole name (持证残疾人 / 残疾人)
    is a narrower description of the same records and scores :data:`SAME_HEAD`;
    one that merely begins with it (残疾人就业 / 残疾人, see :func:`other_aspect`)
    names other data about the same subjects. Those and every other pair score
    the Dice coefficient of their character bigrams, at most :data:`SIMILAR`.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and long.endswith(short):
        return SAME_HEAD
    ga, gb = bigrams(a), bigrams(b)
    return min(2 * len(ga & gb) / (len(ga) + len(gb)), SIMILAR)
