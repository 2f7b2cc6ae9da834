"""校验政务数据中常见的法定标识符（纯函数，不依赖数据库）。

- 统一社会信用代码  GB 32100-2015
- 组织机构代码      GB 11714-1997
- 公民身份号码      GB 11643-1999（含 15 位旧号码）
- 行政区划代码      GB/T 2260（只校验格式和省级代码）

算法与测试向量见 shared/design/national-catalog.md §6。
``is_valid_*`` 只回答“是否有效”；需要告诉填报人错在哪里时用
:func:`identifier_problem`。
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "USCC_CHARSET",
    "USCC_WEIGHTS",
    "ORG_CODE_WEIGHTS",
    "CITIZEN_ID_WEIGHTS",
    "PROVINCE_CODES",
    "IDENTIFIER_KINDS",
    "uscc_check_char",
    "is_valid_uscc",
    "org_code_check_char",
    "is_valid_org_code",
    "citizen_id_check_char",
    "is_valid_citizen_id",
    "is_valid_region_code",
    "identifier_problem",
    "guess_identifier_kind",
]

# ---------------------------------------------------------------------------
# 常量
# ---------------------------------------------------------------------------

# GB 32100-2015 用 31 个字符：去掉 I、O、S、V、Z，避免与 1、0、5、U、2 混淆。
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}
USCC_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))

ORG_CODE_WEIGHTS: tuple[int, ...] = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 11714-1997 本体可用数字和全部 26 个大写字母（A=10 … Z=35）。
_ORG_VALUE = {c: int(c, 36) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

# ISO 7064 MOD 11-2：Wi = 2^(18-i) mod 11。
CITIZEN_ID_WEIGHTS: tuple[int, ...] = tuple(pow(2, 17 - i, 11) for i in range(17))
_CITIZEN_CHECK = "10X98765432"

PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in (
        *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
        *range(50, 55), *range(61, 66), 71, 81, 82,
    )
)

_LABELS = {
    "citizen_id": "公民身份号码",
    "uscc": "统一社会信用代码",
    "org_code": "组织机构代码",
    "region_code": "行政区划代码",
}
IDENTIFIER_KINDS: frozenset[str] = frozenset(_LABELS)

_WS = re.compile(r"\s+")
_ORG_DASHED = re.compile(r"^(.{8})-(.)$")


def _normalize(code: str) -> str:
    """全角转半角、去掉所有空白、转大写——从 Excel/Word 粘贴来的号码常带这些噪声。"""
    return _WS.sub("", unicodedata.normalize("NFKC", code or "")).upper()


def _first_bad(s: str, allowed: str | dict[str, int]) -> str | None:
    return next((c for c in s if c not in allowed), None)


# ---------------------------------------------------------------------------
# 统一社会信用代码 GB 32100-2015
# ---------------------------------------------------------------------------

def _uscc_check(body17: str) -> str:
    total = sum(_USCC_VALUE[c] * w for c, w in zip(body17, USCC_WEIGHTS))
    # 外层再 mod 31：Σ ≡ 0 时 31 − 0 = 31 越界，标准规定此时校验码为“0”。
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_check_char(body17: str) -> str:
    """返回统一社会信用代码前 17 位对应的校验码（第 18 位）。

    :raises ValueError: 长度不是 17 位或含有代码字符集以外的字符。
    """
    body = _normalize(body17)
    if len(body) != 17:
        raise ValueError(f"统一社会信用代码本体长度应为17位，实际为{len(body)}位")
    bad = _first_bad(body, _USCC_VALUE)
    if bad is not None:
        raise ValueError(f"统一社会信用代码含有不允许的字符“{bad}”")
    return _uscc_check(body)


def is_valid_uscc(code: str) -> bool:
    """18 位、字符集正确且校验码正确即为有效（允许小写和空格）。

    不校验第 1 位登记管理部门码：新的部门码陆续分配，应提示而非拒绝。
    """
    s = _normalize(code)
    return (
        len(s) == 18
        and _first_bad(s, _USCC_VALUE) is None
        and _uscc_check(s[:17]) == s[17]
    )


def _uscc_problem(raw: str, s: str) -> str | None:
    label = f"统一社会信用代码“{raw}”"
    if len(s) != 18:
        return f"{label}长度应为18位，实际为{len(s)}位"
    bad = _first_bad(s, _USCC_VALUE)
    if bad is not None:
        return f"{label}含有不允许的字符“{bad}”（不使用I、O、S、V、Z）"
    expected = _uscc_check(s[:17])
    if expected != s[17]:
        return f"{label}校验位错误，应为“{expected}”（GB 32100-2015）"
    return None


# ---------------------------------------------------------------------------
# 组织机构代码 GB 11714-1997
# ---------------------------------------------------------------------------

def _org_check(body8: str) -> str:
    c9 = 11 - sum(_ORG_VALUE[c] * w for c, w in zip(body8, ORG_CODE_WEIGHTS)) % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def _org_compact(code: str) -> str:
    """把 ``XXXXXXXX-X`` 写法收拢成 9 位；其他位置的连字符留给字符集检查报错。"""
    s = _normalize(code)
    m = _ORG_DASHED.match(s)
    return m.group(1) + m.group(2) if m else s


def org_code_check_char(body8: str) -> str:
    """返回组织机构代码前 8 位本体对应的校验码。

    :raises ValueError: 长度不是 8 位或含有数字、大写字母以外的字符。
    """
    body = _normalize(body8)
    if len(body) != 8:
        raise ValueError(f"组织机构代码本体长度应为8位，实际为{len(body)}位")
    bad = _first_bad(body, _ORG_VALUE)
    if bad is not None:
        raise ValueError(f"组织机构代码含有不允许的字符“{bad}”")
    return _org_check(body)


def is_valid_org_code(code: str) -> bool:
    """接受 ``XXXXXXXX-X`` 与 ``XXXXXXXXX`` 两种写法。

    注意：MOD 11 对字母不是完全防错的——字符值相差 11、22、33（如 0↔B）
    的单字符替换校验不出来，这是标准本身的局限。
    """
    s = _org_compact(code)
    return (
        len(s) == 9
        and _first_bad(s[:8], _ORG_VALUE) is None
        and _org_check(s[:8]) == s[8]
    )


def _org_problem(raw: str, s: str) -> str | None:
    label = f"组织机构代码“{raw}”"
    if "-" in s:
        return f"{label}连字符位置不对，应写作XXXXXXXX-X"
    if len(s) != 9:
        return f"{label}长度应为9位（可写作XXXXXXXX-X），实际为{len(s)}位"
    bad = _first_bad(s, _ORG_VALUE)
    if bad is not None:
        return f"{label}含有不允许的字符“{bad}”"
    expected = _org_check(s[:8])
    if expected != s[8]:
        return f"{label}校验位错误，应为“{expected}”（GB 11714-1997）"
    return None


# ---------------------------------------------------------------------------
# 公民身份号码 GB 11643-1999
# ---------------------------------------------------------------------------

def citizen_id_check_char(body17: str) -> str:
    """返回 18 位公民身份号码前 17 位对应的校验码（0–9 或 X）。

    :raises ValueError: 不是 17 位数字。
    """
    body = _normalize(body17)
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        raise ValueError("公民身份号码本体应为17位数字")
    return _citizen_check(body)


def _citizen_check(body17: str) -> str:
    return _CITIZEN_CHECK[sum(int(c) * w for c, w in zip(body17, CITIZEN_ID_WEIGHTS)) % 11]


def _birth_date(ymd: str) -> date | None:
    try:
        return date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:8]))
    except ValueError:
        return None


def _citizen_problem(raw: str, s: str, today: date | None) -> str | None:
    label = f"公民身份号码“{raw}”"
    if len(s) not in (15, 18):
        return f"{label}长度应为18位（旧号码为15位），实际为{len(s)}位"
    # 只有 18 位号码的最后一位可以是 X。
    digits = s[:17] if len(s) == 18 else s
    bad = _first_bad(digits, "0123456789")
    if bad is not None:
        hint = "（只有第18位校验码可以是“X”）" if bad == "X" else ""
        return f"{label}含有不允许的字符“{bad}”{hint}"
    if len(s) == 18 and s[17] not in "0123456789X":
        return f"{label}含有不允许的字符“{s[17]}”"

    # 15 位旧号码的出生年份只有两位，按 19YY 解释（1999 年以后不再签发）。
    ymd = s[6:14] if len(s) == 18 else "19" + s[6:12]
    born = _birth_date(ymd)
    if born is None:
        return f"{label}中的出生日期“{ymd}”不是有效日期"
    if born > (today or date.today()):
        return f"{label}中的出生日期“{ymd}”晚于当前日期"

    if len(s) == 18:
        expected = _citizen_check(s[:17])
        if expected != s[17]:
            return f"{label}校验位错误，应为“{expected}”（GB 11643-1999）"
    return None


def is_valid_citizen_id(code: str, *, today: date | None = None) -> bool:
    """18 位号码：校验码正确且出生日期真实、不晚于今天；15 位旧号码：出生日期真实。

    不校验前 6 位地址码：港澳台居民居住证（81/82/83）和新版外国人永久居留
    身份证（首位 9）也使用这套编码。``today`` 仅供测试固定“今天”。
    """
    s = _normalize(code)
    return _citizen_problem(s, s, today) is None


# ---------------------------------------------------------------------------
# 行政区划代码 GB/T 2260
# ---------------------------------------------------------------------------

def _region_problem(raw: str, s: str) -> str | None:
    label = f"行政区划代码“{raw}”"
    if len(s) != 6:
        return f"{label}长度应为6位，实际为{len(s)}位"
    bad = _first_bad(s, "0123456789")
    if bad is not None:
        return f"{label}含有不允许的字符“{bad}”（应为6位数字）"
    if s[:2] not in PROVINCE_CODES:
        return f"{label}的前两位“{s[:2]}”不是有效的省级代码（GB/T 2260）"
    return None


def is_valid_region_code(code: str) -> bool:
    """6 位数字且前两位是现行省级代码。不核对具体县区是否存在（代码表每年变动）。"""
    s = _normalize(code)
    return _region_problem(s, s) is None


# ---------------------------------------------------------------------------
# 统一入口
# ---------------------------------------------------------------------------

def identifier_problem(kind: str, value: str, *, today: date | None = None) -> str | None:
    """有效返回 ``None``，否则返回一句说明错在哪里的中文提示。

    ``kind`` 取值见 :data:`IDENTIFIER_KINDS`；未知取值抛出 ``ValueError``
    ——那是程序错误，不是数据错误。
    """
    if kind not in _LABELS:
        raise ValueError(f"未知的标识符类型“{kind}”，应为{'、'.join(sorted(_LABELS))}之一")
    s = _normalize(value)
    if not s:
        return f"{_LABELS[kind]}为空"
    # 提示里回显用户原样输入（去掉首尾空白），便于在表格里定位。
    raw = (value or "").strip()
    if kind == "uscc":
        return _uscc_problem(raw, s)
    if kind == "org_code":
        return _org_problem(raw, _org_compact(value))
    if kind == "citizen_id":
        return _citizen_problem(raw, s, today)
    return _region_problem(raw, s)


# 子串匹配；顺序无关，因为三组关键词互不包含。
_NAME_HINTS: dict[str, tuple[str, ...]] = {
    "citizen_id": ("身份证号", "身份号码", "身份证编号"),
    "uscc": ("社会信用代码",),
    "org_code": ("组织机构代码",),
}
# 数据库字段常用拼音首字母命名，整体匹配（或作为 _ 分隔的后缀）以免误伤。
_ABBREVIATIONS = {
    "sfzh": "citizen_id", "sfzhm": "citizen_id", "gmsfhm": "citizen_id",
    "tyshxydm": "uscc", "shxydm": "uscc", "zzjgdm": "org_code",
}


def guess_identifier_kind(field_name: str) -> str | None:
    """根据信息项名称猜测应按哪种标识符校验，猜不出返回 ``None``。

    “身份证件号码”“证件号码”不算：证件类型可能是护照等，误判会把正确数据标成错误。
    同时命中两类（如“统一社会信用代码/组织机构代码”）也返回 ``None``，
    因为这类列里两种号码混填。
    """
    name = _WS.sub("", unicodedata.normalize("NFKC", field_name or ""))
    hits = {kind for kind, words in _NAME_HINTS.items() if any(w in name for w in words)}
    if not hits:
        tail = name.lower().rsplit("_", 1)[-1]
        kind = _ABBREVIATIONS.get(tail)
        hits = {kind} if kind else set()
    return hits.pop() if len(hits) == 1 else None
