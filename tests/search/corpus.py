"""The search test catalog: items chosen so each relevance rule has a case that shows it."""
from __future__ import annotations

from dataclasses import dataclass, field

from databases import is_postgres
from factories import entry, make_org_tree

from registry.accounts.models import User
from registry.accounts.operations import create_user
from registry.catalog import operations as ops
from registry.core.db import unit_of_work

#: Every backend is tested where it can run: PostgreSQL's only when the suite runs on PostgreSQL.
BACKENDS = ["whoosh", "postgres"] if is_postgres() else ["whoosh"]

CONDITIONAL = {"share_type": "conditional", "share_condition": "用于行政审批时共享"}


def _fields(*names: str, **described: str) -> list[dict]:
    out = [{"name": n, "data_type": "C", "length": 50} for n in names]
    out += [{"name": n, "data_type": "C", "length": 50, "description": d} for n, d in described.items()]
    return out


def _specs(orgs) -> list[tuple[str, object, dict, bool]]:
    """(key, provider, overrides, published) for every item of the corpus."""
    return [
        ("enterprise", orgs.dept, {"name": "企业登记信息"}, True),
        ("construction", orgs.other_dept, {
            "name": "建设工程规划许可信息", "summary": "本市核发的建设工程规划许可证及其附图信息。", **CONDITIONAL,
            "fields": _fields("项目名称", "建设单位", "许可证编号")}, True),
        ("social_card", orgs.other_dept, {
            "name": "社会保障卡持卡人员信息", "summary": "持有社会保障卡的人员及卡片状态。", "open_type": "not_open",
            "fields": _fields("姓名", "公民身份号码", "社会保障卡号")}, True),
        ("residents", orgs.other_dept, {
            "name": "户籍人口基本信息", "summary": "本市户籍人口的基本情况。", "update_cycle": "monthly",
            "fields": _fields("公民身份号码", "姓名", "户籍地址")}, True),
        ("sole_traders", orgs.dept, {
            "name": "个体工商户名录", "summary": "个体工商户等市场主体的登记情况。", "update_cycle": "monthly",
            "fields": _fields("经营者姓名", "身份证号", "字号名称")}, True),
        ("penalties", orgs.dept, {
            "name": "市场监管行政处罚信息", "summary": "行政处罚决定书的主要内容。", **CONDITIONAL,
            "fields": _fields("当事人名称", "处罚决定书文号", "处罚内容")}, True),
        ("licence", orgs.dept, {
            "name": "营业执照电子证照", "summary": "电子营业执照的照面信息。", "format_class": "electronic_file",
            "format_type": "ofd", "share_method_type": "file",
            "fields": _fields("证照编号", "市场主体名称")}, True),
        ("annual_reports", orgs.county_dept, {
            "name": "企业年报公示信息", "summary": "企业年度报告的公示内容。",
            "fields": _fields("统一社会信用代码", "营业执照注册号", "年报年度")}, True),
        ("food", orgs.county_dept, {
            "name": "食品经营许可信息", "summary": "食品经营者须持有营业执照和食品经营许可证。", "security_grade": "important",
            "fields": _fields("经营者名称", "许可证编号", 社会信用代码="经营者的社会信用代码")}, True),
        ("changes", orgs.dept, {
            "name": "企业变更登记信息", "summary": "企业名称、住所等事项的变更记录。", "open_type": "conditional",
            "open_condition": "申请后开放", "fields": _fields("企业名称", "变更事项", "变更日期")}, True),
        ("draft_mine", orgs.dept, {"name": "内部草稿企业名录", "summary": "尚未报送的企业名录。"}, False),
        ("draft_police", orgs.other_dept, {
            "name": "公安内部草稿数据", "summary": "尚未报送。", "fields": _fields("案件编号", "企业名称")}, False),
    ]


@dataclass
class Corpus:
    orgs: object
    codes: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    compiler: User | None = None
    police_compiler: User | None = None

    def code(self, key: str) -> str:
        return self.codes[key]


def build_corpus(runtime) -> Corpus:
    """Write the corpus in one committed unit of work (so after-commit indexing runs)."""
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        orgs = make_org_tree(ctx)
        corpus = Corpus(orgs)
        for key, provider, overrides, published in _specs(orgs):
            item = ops.create_item(ctx, entry(provider, **overrides)).item
            if published:
                ops.publish_item(ctx, item)
            corpus.codes[key], corpus.names[key] = item.code, item.name
        corpus.compiler = create_user(ctx, "search_c", "compiler", orgs.dept.code, "Compile#2026")
        corpus.police_compiler = create_user(ctx, "search_p", "compiler", orgs.other_dept.code, "Compile#2026")
    return corpus
