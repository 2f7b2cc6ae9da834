"""标识符校验测试：标准向量（design/national-catalog.md §6）+ 固定种子的随机用例。"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from registry.catalog.identifiers import (
    CITIZEN_ID_WEIGHTS,
    USCC_CHARSET,
    USCC_WEIGHTS,
    citizen_id_check_char,
    guess_identifier_kind,
    identifier_problem,
    is_valid_citizen_id,
    is_valid_org_code,
    is_valid_region_code,
    is_valid_uscc,
    org_code_check_char,
    uscc_check_char,
)

VALID_USCC = ["91350100M000100Y43", "91440300708461136T", "911100001000128855", "12100000400000624D"]
VALID_CITIZEN = ["11010519491231002X", "440524188001010014"]
VALID_ORG = ["M000100Y-4", "70846113-6"]
TODAY = date(2026, 6, 1)
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# --- 统一社会信用代码 -------------------------------------------------------

def test_uscc_weights_match_standard():
    assert USCC_WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(USCC_CHARSET) == 31 and not set("IOSVZ") & set(USCC_CHARSET)


@pytest.mark.parametrize("code", VALID_USCC)
def test_uscc_vectors(code):
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]
    assert identifier_problem("uscc", code) is None


def test_uscc_lowercase_and_spaces_accepted():
    assert is_valid_uscc(" 9135 0100 m000 100y 43 ")
    assert is_valid_uscc("９１３５０１００Ｍ０００１００Ｙ４３")  # 全角
    assert is_valid_uscc("91440300708461136t")


def test_uscc_sum_divisible_by_31_gives_check_zero():
    # 朴素实现此时算出 31，越界或得到错误字符；标准要求为“0”。
    assert uscc_check_char("0" * 17) == "0"
    assert is_valid_uscc("0" * 18)
    # 构造一个非平凡的本体：调整最后一位使 Σ ≡ 0 (mod 31)。
    head = "91350100M000100Y"
    s = sum(USCC_CHARSET.index(c) * w for c, w in zip(head, USCC_WEIGHTS))
    last = next(c for c in USCC_CHARSET if (s + USCC_CHARSET.index(c) * USCC_WEIGHTS[16]) % 31 == 0)
    body = head + last
    assert sum(USCC_CHARSET.index(c) * w for c, w in zip(body, USCC_WEIGHTS)) % 31 == 0
    assert uscc_check_char(body) == "0"
    assert is_valid_uscc(body + "0")
    assert identifier_problem("uscc", body + "1") == f"统一社会信用代码“{body}1”校验位错误，应为“0”（GB 32100-2015）"


def test_uscc_sum_one_mod_31_gives_last_char():
    # 另一端：Σ ≡ 1 时校验值为 30，即字符集最后一个“Y”。
    body = "1" + "0" * 16
    assert uscc_check_char(body) == "Y"


def test_uscc_random_bodies_and_single_char_changes():
    rng = random.Random(20260930)
    for _ in range(1000):
        body = "".join(rng.choice(USCC_CHARSET) for _ in range(17))
        code = body + uscc_check_char(body)
        assert is_valid_uscc(code), code
        # 权重均不为 0 (mod 31) 且 31 是素数，任何单字符替换都必然被发现。
        for i, orig in enumerate(code):
            for c in USCC_CHARSET:
                if c != orig:
                    assert not is_valid_uscc(code[:i] + c + code[i + 1:]), (code, i, c)


def test_uscc_problem_messages():
    assert identifier_problem("uscc", "91350100M000100Y44") == (
        "统一社会信用代码“91350100M000100Y44”校验位错误，应为“3”（GB 32100-2015）"
    )
    msg = identifier_problem("uscc", "9135010IM000100Y43")
    assert "含有不允许的字符“I”" in msg
    assert identifier_problem("uscc", "91350100M000100Y4") == (
        "统一社会信用代码“91350100M000100Y4”长度应为18位，实际为17位"
    )
    assert identifier_problem("uscc", "  ") == "统一社会信用代码为空"


@pytest.mark.parametrize("body", ["91350100M000100Y", "91350100M000100Y4O", "91350100M000100Y-"])
def test_uscc_check_char_rejects_bad_body(body):
    with pytest.raises(ValueError):
        uscc_check_char(body)


# --- 组织机构代码 -----------------------------------------------------------

@pytest.mark.parametrize("code", VALID_ORG)
def test_org_vectors(code):
    assert is_valid_org_code(code)
    assert is_valid_org_code(code.replace("-", ""))
    assert is_valid_org_code(code.lower().replace("-", "－"))  # 全角连字符
    assert org_code_check_char(code[:8]) == code[-1]


def test_org_code_embedded_in_uscc():
    for uscc in VALID_USCC:
        assert is_valid_org_code(uscc[8:17])


def test_org_special_check_values():
    # Σ mod 11 == 0 → 11 → “0”；Σ mod 11 == 1 → 10 → “X”。
    assert org_code_check_char("00000000") == "0"
    assert org_code_check_char("00000006") == "X"  # 6×2 = 12 ≡ 1
    assert is_valid_org_code("00000006-X")
    assert is_valid_org_code("00000000-0")


def test_org_random_bodies_and_digit_changes():
    rng = random.Random(11714)
    for _ in range(1000):
        body = "".join(rng.choice(ORG_ALPHABET) for _ in range(8))
        code = body + org_code_check_char(body)
        assert is_valid_org_code(code)
        assert is_valid_org_code(f"{body}-{code[8]}")
        # 数字换数字相差不足 11，必被发现；字母可差 11/22/33，标准本身检不出（见下一测试）。
        for i in range(8):
            if code[i].isdigit():
                for c in "0123456789":
                    if c != code[i]:
                        assert not is_valid_org_code(code[:i] + c + code[i + 1:]), (code, i, c)
        for c in "0123456789X":
            if c != code[8]:
                assert not is_valid_org_code(body + c)


def test_org_mod11_letter_aliasing_is_a_known_limitation():
    # 0 (值 0) 与 B (值 11) 对 MOD 11 等价——这是 GB 11714 的局限，不是实现错误。
    assert is_valid_org_code("70846113-6")
    assert is_valid_org_code("7B846113-6")


def test_org_problem_messages():
    assert identifier_problem("org_code", "70846113-7") == (
        "组织机构代码“70846113-7”校验位错误，应为“6”（GB 11714-1997）"
    )
    assert identifier_problem("org_code", "7084611") == (
        "组织机构代码“7084611”长度应为9位（可写作XXXXXXXX-X），实际为7位"
    )
    assert identifier_problem("org_code", "7084-61136") == "组织机构代码“7084-61136”连字符位置不对，应写作XXXXXXXX-X"
    assert not is_valid_org_code("7084-61136")
    assert "含有不允许的字符“*”" in identifier_problem("org_code", "7084*6113")
    with pytest.raises(ValueError):
        org_code_check_char("7084611")


# --- 公民身份号码 -----------------------------------------------------------

def test_citizen_weights_match_standard():
    assert CITIZEN_ID_WEIGHTS == (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


@pytest.mark.parametrize("code", VALID_CITIZEN)
def test_citizen_vectors(code):
    assert is_valid_citizen_id(code)
    assert citizen_id_check_char(code[:17]) == code[17]
    assert identifier_problem("citizen_id", code) is None


def test_citizen_lowercase_x():
    assert is_valid_citizen_id("11010519491231002x")


def test_citizen_date_must_be_real_and_not_future():
    def with_date(ymd: str) -> str:
        body = "110105" + ymd + "002"
        return body + citizen_id_check_char(body)

    assert is_valid_citizen_id(with_date("20000229"), today=TODAY)
    assert not is_valid_citizen_id(with_date("19000229"), today=TODAY)  # 1900 年不是闰年
    assert not is_valid_citizen_id(with_date("19491331"), today=TODAY)
    assert is_valid_citizen_id(with_date("20260601"), today=TODAY)
    future = with_date("20260602")
    assert not is_valid_citizen_id(future, today=TODAY)
    assert identifier_problem("citizen_id", future, today=TODAY) == (
        f"公民身份号码“{future}”中的出生日期“20260602”晚于当前日期"
    )
    assert identifier_problem("citizen_id", with_date("19490230")).endswith("中的出生日期“19490230”不是有效日期")


def test_citizen_legacy_15_digit():
    assert is_valid_citizen_id("110105491231002")
    assert not is_valid_citizen_id("110105491331002")
    assert not is_valid_citizen_id("110105000229002")  # 1900-02-29 不存在
    assert identifier_problem("citizen_id", "110105491231002") is None
    assert "不是有效日期" in identifier_problem("citizen_id", "110105490230002")
    assert "含有不允许的字符“X”" in identifier_problem("citizen_id", "11010549123100X")


def test_citizen_problem_messages():
    assert identifier_problem("citizen_id", "110105194912310021") == (
        "公民身份号码“110105194912310021”校验位错误，应为“X”（GB 11643-1999）"
    )
    assert identifier_problem("citizen_id", "1101051949123100") == (
        "公民身份号码“1101051949123100”长度应为18位（旧号码为15位），实际为16位"
    )
    assert "只有第18位校验码可以是“X”" in identifier_problem("citizen_id", "1101051949123100XX")
    assert "含有不允许的字符“A”" in identifier_problem("citizen_id", "11010519491231002A")
    with pytest.raises(ValueError):
        citizen_id_check_char("1101051949123100X")


def test_citizen_random_and_single_char_changes():
    rng = random.Random(11643)
    start = date(1900, 1, 1)
    for _ in range(1000):
        born = start + timedelta(days=rng.randrange((TODAY - start).days + 1))
        body = f"{rng.randrange(110000, 660000)}{born:%Y%m%d}{rng.randrange(1000):03d}"
        code = body + citizen_id_check_char(body)
        assert is_valid_citizen_id(code, today=TODAY), code
        for i, orig in enumerate(code):
            for c in "0123456789X":
                if c != orig:
                    assert not is_valid_citizen_id(code[:i] + c + code[i + 1:], today=TODAY)


# --- 行政区划代码 -----------------------------------------------------------

@pytest.mark.parametrize("code", ["110000", "110105", "350100", "440524", "460100", "500000", "540000",
                                  "650100", "710000", "810000", "820000"])
def test_region_valid(code):
    assert is_valid_region_code(code)
    assert identifier_problem("region_code", code) is None


@pytest.mark.parametrize("code", ["100000", "160000", "240000", "380000", "470000", "550000", "660000",
                                  "700000", "720000", "830000", "000000", "11010", "1101051", "11010A"])
def test_region_invalid(code):
    assert not is_valid_region_code(code)
    assert identifier_problem("region_code", code) is not None


def test_region_messages():
    assert identifier_problem("region_code", "990000") == (
        "行政区划代码“990000”的前两位“99”不是有效的省级代码（GB/T 2260）"
    )
    assert identifier_problem("region_code", "11010") == "行政区划代码“11010”长度应为6位，实际为5位"


def test_identifier_problem_unknown_kind():
    with pytest.raises(ValueError, match="未知的标识符类型"):
        identifier_problem("passport", "E12345678")


# --- 信息项名称推断 ---------------------------------------------------------

@pytest.mark.parametrize(
    "name, kind",
    [
        ("公民身份号码", "citizen_id"),
        ("身份证号", "citizen_id"),
        ("身份证号码", "citizen_id"),
        ("居民身份证号", "citizen_id"),
        ("法定代表人身份证号码", "citizen_id"),
        ("身份证 号码", "citizen_id"),  # 去空格后是“身份证号码”
        ("身 份 证 号", "citizen_id"),
        ("统一社会信用代码", "uscc"),
        ("社会信用代码", "uscc"),
        ("统一社会信用代码（必填）", "uscc"),
        ("　统一社会信用代码　", "uscc"),  # 全角空格
        ("组织机构代码", "org_code"),
        ("SFZH", "citizen_id"),
        ("fr_sfzh", "citizen_id"),
        ("TYSHXYDM", "uscc"),
        ("ZZJGDM", "org_code"),
        ("统一社会信用代码/组织机构代码", None),  # 两种混填，不强行校验
        ("身份证件号码", None),  # 证件类型可能是护照
        ("证件号码", None),
        ("企业名称", None),
        ("", None),
    ],
)
def test_guess_identifier_kind(name, kind):
    assert guess_identifier_kind(name) == kind
