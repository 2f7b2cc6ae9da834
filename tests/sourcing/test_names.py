"""Comparable names: folding, synonyms and the similarity of item names."""
from __future__ import annotations

import pytest

from registry.sourcing.names import (
    SAME_HEAD,
    SynonymTable,
    field_key,
    field_surface,
    fold,
    is_generic,
    item_name_key,
    name_similarity,
    other_aspect,
    region_prefixes,
)


@pytest.mark.parametrize(("raw", "folded"), [
    ("注册资本（万元）", "注册资本"),
    ("注册资本(万元)", "注册资本"),
    ("建筑面积【平方米】", "建筑面积"),
    ("ＵＳＣＣ　代码", "uscc代码"),
    ("  联系 电话 ", "联系电话"),
    ("出生日期(YYYY-MM-DD)", "出生日期"),
    ("职业（工种（细类））名称", "职业名称"),
])
def test_folding_drops_brackets_units_punctuation_and_full_width_forms(raw, folded):
    assert fold(raw) == folded


def test_a_trailing_unit_goes_but_a_name_that_is_only_a_unit_stays():
    assert field_surface("金额万元") == "金额"
    assert field_surface("面积平方米") == "面积"
    assert field_surface("万元") == "万元"
    assert field_surface("不动产单元号") == "不动产单元号"  # 单元 is not the unit 元


@pytest.mark.parametrize("name", ["身份证号", "身份证号码", "公民身份号码", "居民身份证号码", "公民身份证号码", "身份证号（18位）"])
def test_every_name_of_the_citizen_id_has_one_key(name):
    assert field_key(name) == "公民身份号码"


@pytest.mark.parametrize(("a", "b"), [
    ("权利人", "产权人"),
    ("登记时间", "登记日期"),
    ("坐落", "房屋坐落"),
    ("不动产权证号", "产权证号"),
    ("法定代表人", "法人代表"),
])
def test_synonyms_share_a_key(a, b):
    assert field_key(a) == field_key(b)
    assert field_surface(a) != field_surface(b)


def test_synonyms_inside_a_name_are_replaced_longest_first_without_overlap():
    assert field_key("产权人身份证号") == field_key("权利人公民身份号码") == "权利人公民身份号码"
    assert field_key("户籍登记时间") == field_key("户籍登记日期")
    # 身份证号码 is one term, not 身份证号 + 码
    assert field_key("监护人身份证号码") == "监护人公民身份号码"


def test_different_data_keeps_different_keys():
    assert field_key("姓名") != field_key("监护人姓名")
    assert field_key("企业名称") != field_key("纳税人名称")
    assert field_key("登记日期") != field_key("注销日期")


def test_a_synonym_table_maps_to_the_first_term_of_its_group():
    table = SynonymTable([("甲", "乙乙", "丙丙丙")])
    assert table.apply("丙丙丙") == "甲"
    assert table.apply("x乙乙y丙丙丙") == "x甲y甲"
    assert table.apply("丁") == "丁"


def test_generic_fields_are_recognised_under_their_synonyms():
    assert is_generic(field_key("姓名")) and is_generic(field_key("电话号码")) and is_generic(field_key("创建日期"))
    assert not is_generic(field_key("残疾类别"))


def test_an_item_name_key_keeps_only_what_names_the_data():
    regions = region_prefixes(["南阳市", "南召县"])
    assert item_name_key("户籍人口基本信息", regions) == "户籍人口"
    assert item_name_key("辖区户籍人口基础信息", regions) == "户籍人口"
    assert item_name_key("2019年南召县户籍人口基础数据（第2批）", regions) == "户籍人口"
    assert item_name_key("2015-2019年度企业登记信息", regions) == "企业登记"
    assert item_name_key("南阳户籍人口信息", regions) == "户籍人口"
    assert item_name_key("基本信息", regions) == ""


def test_names_ending_with_the_other_say_the_same_data_names_beginning_with_it_do_not():
    assert name_similarity("户籍人口", "户籍人口") == 1.0
    assert name_similarity("持证残疾人", "残疾人") == SAME_HEAD
    assert not other_aspect("持证残疾人", "残疾人")
    assert other_aspect("残疾人就业", "残疾人") and other_aspect("户籍人口", "户籍人口统计")
    assert name_similarity("残疾人就业", "残疾人") < SAME_HEAD
    assert name_similarity("不动产登记", "房屋产权登记") < 0.5
    assert name_similarity("", "户籍人口") == 0.0
