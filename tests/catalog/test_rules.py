"""One test per regulation rule, run under every profile whose regulation imposes it.

Each test breaks exactly one rule in an otherwise valid entry and checks the
error names the element and cites the article of that profile's regulation
(e.g. 《南阳市政务数据管理办法》第三十七条). Where a profile does not impose a
rule, the same entry passes (or is not expressible in its vocabulary).
"""
from __future__ import annotations

import dataclasses
import sys

import pytest

from factories import entry
from registry.catalog import operations as ops
from registry.catalog.rules import RULES
from registry.catalog.validation import OrgResolver, validate_entry
from registry.core.context import Context
from registry.orgs.models import Organisation, OrgLevel
from registry.profiles import available_profiles, load_profile

PROFILES = available_profiles()


def profiles_with(rule_id: str) -> list[str]:
    return [name for name in PROFILES if load_profile(name).applies(rule_id)]


def profiles_without(rule_id: str) -> list[str]:
    return [name for name in PROFILES if not load_profile(name).applies(rule_id)]


def check(ctx, profile_name: str, data: dict):
    return validate_entry(data, load_profile(profile_name), OrgResolver(ctx.session)).errors


def assert_rule_fires(ctx, profile_name: str, rule_id: str, data: dict, field: str) -> None:
    errors = check(ctx, profile_name, data)
    hits = [e for e in errors if e.rule == rule_id]
    assert hits, f"{rule_id} did not fire under {profile_name}: {errors}"
    assert hits[0].field == field
    citation = load_profile(profile_name).citation(rule_id)
    assert citation and citation in hits[0].message
    assert not [e for e in errors if e.rule not in (rule_id, None)], f"other rules fired too: {errors}"


def vocab(profile_name: str, name: str) -> list[str]:
    return load_profile(profile_name).vocab(name).values


def needs(profile_name: str, vocabulary: str, value: str) -> None:
    if value not in vocab(profile_name, vocabulary):
        pytest.skip(f"{profile_name} has no {vocabulary} {value}")


@pytest.mark.parametrize("profile_name", PROFILES)
def test_factory_entry_is_valid_under_every_profile(ctx, orgs, profile_name):
    assert check(ctx, profile_name, entry(orgs.dept)) == []


@pytest.mark.parametrize("profile_name", profiles_with("share_basis_required"))
def test_share_basis_required(ctx, orgs, profile_name):
    """nanyang §37, binzhou §21, fuzhou §16: conditional sharing cites its legal basis."""
    data = entry(orgs.dept, share_type="conditional", share_condition="仅限市场监管执法使用")
    assert_rule_fires(ctx, profile_name, "share_basis_required", data, "share_basis")
    assert check(ctx, profile_name, {**data, "share_basis": "《企业信息公示暂行条例》第十条"}) == []


@pytest.mark.parametrize("profile_name", profiles_with("not_shared_basis_required"))
def test_not_shared_basis_required(ctx, orgs, profile_name):
    """1272 guide: 不予共享 states its basis (共享条件/不予共享依据)."""
    needs(profile_name, "share_type", "not_shared")
    data = entry(orgs.dept, share_type="not_shared", share_method_class=None, share_method_type=None, open_type="not_open")
    assert_rule_fires(ctx, profile_name, "not_shared_basis_required", data, "share_basis")


@pytest.mark.parametrize("profile_name", profiles_with("share_condition_required"))
def test_share_condition_required(ctx, orgs, profile_name):
    """binzhou §21 and the 1272 guide: conditional sharing states its conditions."""
    data = entry(orgs.dept, share_type="conditional", share_basis="《中华人民共和国个人信息保护法》第三十四条")
    assert_rule_fires(ctx, profile_name, "share_condition_required", data, "share_condition")


@pytest.mark.parametrize("profile_name", profiles_with("base_items_unconditional"))
def test_base_items_unconditional(ctx, orgs, profile_name):
    """nanyang §37: basic items of the base databases are shared unconditionally."""
    data = entry(orgs.dept, class_code="1", item_code="02", share_type="conditional",
                 share_condition="申请使用", share_basis="《中华人民共和国数据安全法》第三十八条")
    assert_rule_fires(ctx, profile_name, "base_items_unconditional", data, "share_type")
    assert check(ctx, profile_name, entry(orgs.dept, class_code="1", item_code="02")) == []


@pytest.mark.parametrize("profile_name", profiles_without("base_items_unconditional"))
def test_base_items_may_be_conditional_where_no_rule_says_otherwise(ctx, orgs, profile_name):
    needs(profile_name, "share_type", "conditional")
    data = entry(orgs.dept, class_code="1", item_code="02", share_type="conditional",
                 share_condition="申请使用", share_basis="《中华人民共和国数据安全法》第三十八条")
    assert check(ctx, profile_name, data) == []


@pytest.mark.parametrize("profile_name", profiles_with("open_basis_required"))
def test_open_basis_required(ctx, orgs, profile_name):
    """nanyang §44: conditional or refused opening cites its basis."""
    data = entry(orgs.dept, open_type="conditional", open_condition="实名注册后申请使用")
    assert_rule_fires(ctx, profile_name, "open_basis_required", data, "open_basis")


@pytest.mark.parametrize("profile_name", profiles_with("open_condition_required"))
def test_open_condition_required(ctx, orgs, profile_name):
    """1272 guide and the open-data articles: conditional opening states its conditions."""
    needs(profile_name, "open_type", "conditional")
    data = entry(orgs.dept, open_type="conditional", open_basis="《政府信息公开条例》第十五条")
    assert_rule_fires(ctx, profile_name, "open_condition_required", data, "open_condition")


@pytest.mark.parametrize("profile_name", profiles_with("not_shared_not_open"))
def test_not_shared_not_open(ctx, orgs, profile_name):
    """1272 guide: what is not shared is not opened either."""
    data = entry(orgs.dept, share_type="not_shared", share_basis="《中华人民共和国保守国家秘密法》第二十八条",
                 share_method_class=None, share_method_type=None, open_type="unconditional")
    assert_rule_fires(ctx, profile_name, "not_shared_not_open", data, "open_type")


@pytest.mark.parametrize("profile_name", profiles_with("share_method_required"))
def test_share_method_required(ctx, orgs, profile_name):
    """1272 guide, shijiazhuang §7 and others: shareable data names its share method."""
    data = entry(orgs.dept, share_method_class=None, share_method_type=None)
    assert_rule_fires(ctx, profile_name, "share_method_required", data, "share_method_class")


@pytest.mark.parametrize("profile_name", profiles_with("share_method_matches_format"))
def test_share_method_matches_format(ctx, orgs, profile_name):
    """1272 guide §1.4d (auditors' rule): a file is not shared as a database or an interface."""
    profile = load_profile(profile_name)
    wrong = [t for t in profile.share_method_types("platform").values if t not in ("file", "batch_exchange")]
    if not wrong:
        pytest.skip("no platform share method that contradicts a file format")
    data = entry(orgs.dept, format_class="electronic_file", format_type="pdf", fields=[], subject="other",
                 share_method_class="platform", share_method_type=wrong[0])
    assert_rule_fires(ctx, profile_name, "share_method_matches_format", data, "share_method_type")


@pytest.mark.parametrize("profile_name", profiles_with("structured_format_needs_typed_fields"))
def test_structured_format_needs_typed_fields(ctx, orgs, profile_name):
    """1272 guide: 数据库/电子表格 resources list their 信息项 with data types."""
    data = entry(orgs.dept, subject="other", fields=[{"name": "企业名称", "length": 200}])
    assert_rule_fires(ctx, profile_name, "structured_format_needs_typed_fields", data, "fields[0].data_type")
    assert_rule_fires(ctx, profile_name, "structured_format_needs_typed_fields", {**data, "fields": []}, "fields")


@pytest.mark.parametrize("profile_name", profiles_with("identifier_key_fields"))
def test_identifier_key_fields(ctx, orgs, profile_name):
    """nanyang §24, binzhou §12: natural persons keyed by 公民身份号码, legal persons by 统一社会信用代码."""
    data = entry(orgs.dept, subject="natural_person")
    assert_rule_fires(ctx, profile_name, "identifier_key_fields", data, "fields")
    with_id = data["fields"] + [{"name": "身份证号", "data_type": "C", "length": 18}]
    assert check(ctx, profile_name, {**data, "fields": with_id}) == []


@pytest.mark.parametrize("profile_name", profiles_without("identifier_key_fields"))
def test_identifier_key_fields_not_required_elsewhere(ctx, orgs, profile_name):
    assert check(ctx, profile_name, entry(orgs.dept, subject="natural_person")) == []


@pytest.mark.parametrize("profile_name", profiles_with("identifier_values_valid"))
def test_identifier_values_valid(ctx, orgs, profile_name):
    """GB 32100 / GB 11643 check digits on identifier fields' example values."""
    fields = entry(orgs.dept)["fields"]
    fields[0] = {**fields[0], "example_value": "91350100M000100Y44"}
    assert_rule_fires(ctx, profile_name, "identifier_values_valid", entry(orgs.dept, fields=fields), "fields[0].example_value")
    citizen = fields + [{"name": "法定代表人公民身份号码", "data_type": "N", "length": 18, "example_value": "11010519491231002X"}]
    citizen[0] = entry(orgs.dept)["fields"][0]
    assert_rule_fires(ctx, profile_name, "identifier_values_valid", entry(orgs.dept, fields=citizen), "fields[3].data_type")


@pytest.mark.parametrize("profile_name", profiles_with("provider_code_valid"))
def test_provider_code_valid(ctx, orgs, profile_name):
    """GB 32100 / GB 11714 / GB/T 2260: the provider's code is a real identifier."""
    bogus = Organisation(id=999999, code="91350100M000100Y44", name="代码有误的局", level=OrgLevel.DEPARTMENT)
    assert_rule_fires(ctx, profile_name, "provider_code_valid", entry(bogus), "provider")


@pytest.mark.parametrize("profile_name", profiles_with("update_cycle_at_least_monthly"))
def test_update_cycle_at_least_monthly(ctx, orgs, profile_name):
    """fuzhou_jx §11: where real-time is impossible, at least monthly."""
    slow = [v for v in vocab(profile_name, "update_cycle") if (load_profile(profile_name).vocab("update_cycle").term(v).attrs.get("max_days") or 10**6) > 31]
    if not slow:
        pytest.skip("vocabulary has no cycle slower than monthly")
    assert_rule_fires(ctx, profile_name, "update_cycle_at_least_monthly", entry(orgs.dept, update_cycle=slow[0]), "update_cycle")
    assert check(ctx, profile_name, entry(orgs.dept, update_cycle="monthly")) == []


@pytest.mark.parametrize("profile_name", profiles_without("update_cycle_at_least_monthly"))
def test_yearly_updates_allowed_without_monthly_rule(ctx, orgs, profile_name):
    assert check(ctx, profile_name, entry(orgs.dept, update_cycle="yearly")) == []


@pytest.mark.parametrize("profile_name", profiles_with("purchased_data_cataloged"))
def test_purchased_data_cataloged(ctx, orgs, profile_name):
    """binzhou §13: purchased third-party data is cataloged, with its source."""
    assert_rule_fires(ctx, profile_name, "purchased_data_cataloged", entry(orgs.dept, is_purchased=True), "purchase_source")
    assert check(ctx, profile_name, entry(orgs.dept, is_purchased=True, purchase_source="某征信有限公司")) == []


@pytest.mark.parametrize("profile_name", profiles_with("open_downgrade_needs_approval"))
def test_open_downgrade_needs_approval(session, profile_name):
    """binzhou §25: lowering an open attribute goes to the data authority as a pending change."""
    from factories import make_org_tree

    # Without the blanket consent flag, so only the downgrade itself can call the authority in.
    profile = dataclasses.replace(load_profile(profile_name), workflow={})
    ctx = Context(session=session, profile=profile)
    orgs = make_org_tree(ctx)
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ops.publish_item(ctx, item)
    minor = ops.update_item(ctx, item, {"summary": "摘要修订"})
    assert minor.pending and not minor.change.requires_authority
    result = ops.update_item(ctx, item, {"open_type": "not_open", "open_basis": "涉及商业秘密"})
    assert result.pending and result.change.requires_authority
    assert item.open_type.value == "unconditional"  # unchanged until approved


def test_open_downgrade_is_an_ordinary_change_where_no_rule_applies(ctx, orgs):
    item = ops.create_item(ctx, entry(orgs.dept)).item
    ops.publish_item(ctx, item)
    result = ops.update_item(ctx, item, {"open_type": "not_open"})
    assert result.pending and not result.change.requires_authority


def test_every_rule_enabled_by_a_profile_has_a_test_named_after_it():
    enabled = {rule for name in PROFILES for rule in load_profile(name).rules}
    assert enabled <= set(RULES), f"profiles name unknown rules: {enabled - set(RULES)}"
    module = sys.modules[__name__]
    missing = [rule for rule in enabled if not hasattr(module, f"test_{rule}")]
    assert not missing, f"rules without a test: {missing}"
