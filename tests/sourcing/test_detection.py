"""Finding the same data collected by several departments, in small catalogs built for each case."""
from __future__ import annotations

from catalog import HOUSEHOLD, company, draft, field, make_town, person, published

from registry.core.context import Context
from registry.sourcing.duplicates import finding_key
from registry.sourcing.report import current_findings

DISABILITY = ("残疾人证号", "残疾类别", "残疾等级")
COMMON = ("文化程度", "婚姻状况", "政治面貌", "职业")


def findings(ctx: Context) -> list:
    return current_findings(ctx)


def members(finding) -> set[tuple[str, str]]:
    return {(m.provider.name, m.name) for m in finding.members}


def test_names_saying_the_same_data_and_fields_confirming_it_make_a_finding(ctx):
    town = make_town(ctx)
    ga = published(ctx, town.ga, "户籍人口基本信息", person("公民身份号码", *HOUSEHOLD, "户号"))
    mz = published(ctx, town.mz, "辖区户籍人口信息", person("身份证号码", *HOUSEHOLD, "联系电话"))
    published(ctx, town.scjg, "企业登记信息", company("企业名称", "住所"))

    [finding] = findings(ctx)
    assert members(finding) == {("南阳市公安局", "户籍人口基本信息"), ("南阳市民政局", "辖区户籍人口信息")}
    assert finding.member_codes == tuple(sorted((ga, mz)))
    assert finding.name_match == "户籍人口"
    how = {m.key: (m.how, dict(m.names)) for m in finding.fields}
    assert how["#citizen_id"] == ("identifier", {ga: "公民身份号码", mz: "身份证号码"})
    assert how["户籍地址"] == ("same_name", {ga: "户籍地址", mz: "户籍地址"})
    assert "户号" not in how and "联系电话" not in how
    assert finding.key == finding_key([ga, mz])
    assert "南阳市公安局" in finding.reason and "户籍人口" in finding.reason and "公民身份号码为主体标识" in finding.reason


def test_unrelated_names_with_the_same_rare_fields_make_a_finding_through_synonyms(ctx):
    town = make_town(ctx)
    estate = published(ctx, town.ga, "不动产登记信息", [
        field("权利人公民身份号码", "citizen_id", primary=True), *(field(n) for n in (
            "权利人", "不动产单元号", "不动产权证号", "坐落", "建筑面积（平方米）", "用途", "登记时间"))])
    housing = published(ctx, town.mz, "房屋产权登记信息", [
        field("产权人身份证号", "citizen_id", primary=True), *(field(n) for n in (
            "产权人", "房屋坐落", "产权证号", "建筑面积(平方米)", "房屋用途", "登记日期"))])

    [finding] = findings(ctx)
    assert set(finding.member_codes) == {estate, housing} and finding.name_match is None
    how = {m.key: m.how for m in finding.fields}
    assert how == {"#citizen_id": "identifier", "权利人": "synonym", "坐落": "synonym", "不动产权证号": "synonym",
                   "建筑面积": "same_name", "用途": "synonym", "登记日期": "synonym"}
    assert finding.score >= 80
    assert "相同或同义的信息项" in finding.reason


def test_fields_every_department_keeps_weigh_little(ctx):
    """Shared 姓名/性别/备注… (the generic list) and 文化程度… (kept by every department) make no finding;
    three fields only two departments keep do."""
    town = make_town(ctx)
    for dept in (town.scjg, town.county_scjg, town.county_mz):
        published(ctx, dept, f"{dept.name}服务对象信息", person("公民身份号码", "姓名", *COMMON))
    generic = ("姓名", "性别", "联系电话", "手机号码", "备注", "创建时间", "更新时间", "数据来源")
    published(ctx, town.ga, "治安管理对象信息", person("公民身份号码", *generic, *COMMON, "案件编号"))
    published(ctx, town.mz, "社会救助对象信息", person("公民身份号码", *generic, *COMMON, "救助类别"))
    assert findings(ctx) == []

    published(ctx, town.ga, "伤残人员信息", person("公民身份号码", "姓名", *DISABILITY, "伤残时间"))
    published(ctx, town.mz, "残疾人两项补贴对象信息", person("公民身份号码", "姓名", *DISABILITY, "补贴类型"))
    [finding] = findings(ctx)
    assert {m.name for m in finding.members} == {"伤残人员信息", "残疾人两项补贴对象信息"}
    telling = [m.key for m in finding.fields if m.weight > 0.2 and m.how != "identifier"]
    assert sorted(telling) == sorted(DISABILITY)


def test_a_county_bureau_keeping_its_city_counterparts_data_is_the_vertical_line(ctx):
    town = make_town(ctx)
    published(ctx, town.mz, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    published(ctx, town.county_mz, "南召县户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    published(ctx, town.county_scjg, "南召县企业登记信息", company("企业名称", "住所", "经营范围"))
    published(ctx, town.scjg, "企业登记信息", company("企业名称", "住所", "经营范围"))
    assert findings(ctx) == []

    published(ctx, town.county_scjg, "南召县辖区户籍人口信息", person("身份证号", *HOUSEHOLD))
    [finding] = findings(ctx)
    assert members(finding) == {("南召县民政局", "南召县户籍人口信息"), ("南召县市场监督管理局", "南召县辖区户籍人口信息")}


def test_an_internal_units_items_are_its_departments(ctx):
    town = make_town(ctx)
    published(ctx, town.unit, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    published(ctx, town.scjg, "户籍人口基本信息", person("公民身份号码", *HOUSEHOLD))
    assert findings(ctx) == []  # one department, however its units divide the work

    published(ctx, town.ga, "户籍人口基础信息", person("公民身份号码", *HOUSEHOLD))
    [finding] = findings(ctx)
    assert {m.provider.name for m in finding.members} == {"南阳市市场监督管理局", "南阳市公安局"}
    assert len(finding.members) == 3 and {p.name for p in finding.providers} == {"南阳市市场监督管理局", "南阳市公安局"}


def test_a_narrower_name_is_the_same_data_a_name_adding_a_new_head_is_other_data(ctx):
    town = make_town(ctx)
    published(ctx, town.mz, "残疾人基本信息", person("公民身份号码", "姓名", *DISABILITY))
    published(ctx, town.ga, "残疾人就业信息", person("公民身份号码", "姓名", *DISABILITY, "就业形式"))
    assert findings(ctx) == []

    published(ctx, town.scjg, "持证残疾人信息", person("身份证号码", "姓名", *DISABILITY))
    [finding] = findings(ctx)  # 残疾人就业 is about 持证残疾人 too, adding the head 就业
    assert {m.name for m in finding.members} == {"残疾人基本信息", "持证残疾人信息"}
    assert finding.name_match == "残疾人"


def test_records_about_other_kinds_of_subject_are_not_the_same_data(ctx):
    town = make_town(ctx)
    published(ctx, town.ga, "从业人员信息", person("公民身份号码", "姓名", "从业单位", "岗位名称", "上岗日期"))
    published(ctx, town.mz, "从业人员信息", company("姓名", "从业单位", "岗位名称", "上岗日期"))
    assert findings(ctx) == []


def test_drafts_are_not_compared_and_names_alone_are_not_enough(ctx):
    town = make_town(ctx)
    published(ctx, town.ga, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    draft(ctx, town.mz, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))
    published(ctx, town.scjg, "户籍人口信息", person("公民身份号码", "迁入日期", "迁出日期", "迁移原因", "迁移地址"))
    assert findings(ctx) == []


def test_a_findings_key_survives_a_new_member_with_a_later_code(ctx):
    town = make_town(ctx)
    first = published(ctx, town.scjg, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))  # catalog code 0101
    second = published(ctx, town.ga, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))  # 0102
    [before] = findings(ctx)
    third = published(ctx, town.mz, "户籍人口信息", person("公民身份号码", *HOUSEHOLD))  # 0103
    [after] = findings(ctx)
    assert after.key == before.key == finding_key([first, second, third]) and len(after.members) == 3
