"""The regulations' processes under way in the demo: what a back office looks like a few weeks into using Mulu.

:func:`load_demo_processes` runs after the catalog, the demo users and the
drafts in review are loaded. Every step goes through the process's own
operation, done by the demo user whose work it is (the market regulator's
compiler asks the police for data, the police answer, the city's reviewer
passes demands on, the authority records changes of duties …), so the demo
passes the same permissions, deadlines, timelines, audit and notifications as
real work. Steps are dated with the engine's ``today=`` parameters relative to
the real today, so some requests are overdue, some nearly due and some on
time; each step's timeline entry is dated the day it was taken.

Deterministic: items are the published ones of the generated catalog, taken
in code order; texts are fixed; the same seed gives the same requests (on the
same day). Deadlines come from the active profile: a process whose profile
sets none simply has no due date, and steps a profile does not have (an
extension of an open-data request outside nanyang) are left out. A catalog
too small to hold what a process needs (a department without a conditional
item, a group of duplicates not all published) skips that process; nothing
here fails a demo load. A few dozen requests and item queries by index: about
0.3 s beside a catalog of 2,000 items, 0.9–1.4 s beside one of 100,000 (SQLite,
two shared cores), most of it the demands' suggestions, which match wanted
field names against every published field.
"""
from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from registry.accounts.models import User
from registry.accounts.permissions import require
from registry.audit.operations import record_event
from registry.catalog.models import CatalogItem, ItemStatus, ShareType
from registry.catalog.operations import update_item
from registry.core.context import Context
from registry.core.db import utcnow
from registry.core.errors import MuluError
from registry.core.localtime import LOCAL_ZONE, aware, local_today
from registry.demo.generator import SEEDED_DUPLICATE_GROUPS, city_department_code
from registry.feedback import operations as feedback
from registry.lists import demands
from registry.monitoring import duties
from registry.monitoring.freshness import cycle_limits, record_refresh
from registry.mounts.operations import add_api_mount
from registry.orgs.models import Organisation
from registry.requests.engine import transition
from registry.requests.models import Request
from registry.review.present import FIELD_TARGET
from registry.sharing import operations as sharing
from registry.sharing import service_changes
from registry.sharing.choices import sharing_modes
from registry.sharing.uses import record_use
from registry.sourcing import operations as sourcing
from registry.sourcing.duplicates import finding_key
from registry.sourcing.models import SourceDesignation

#: The demo users the processes are done by (:data:`registry.demo.loader.DEMO_USERS`).
USERS = ("admin", "reviewer", "county", "compiler", "police", "county_compiler")
#: The departments the requests pass between, by the demo compiler who works there: the city's market regulator
#: (市场监督管理局) and police (公安局), and a civil affairs bureau (民政局) in the first county.
DEPARTMENTS = {"market": "compiler", "police": "police", "county_bureau": "county_compiler"}
#: The seeded duplicate group the demo's city review has already given its one source, and that source's domain.
DESIGNATED_GROUP = ("enterprise_registration", "scjg")
#: A smaller demo leaves every finding of the one-data-one-source report open, to try designating (a 200-item
#: demo publishes 180 items).
MIN_PUBLISHED_FOR_DESIGNATION = 180
#: The address the demo's API mounts point at (a reserved domain: nothing answers there).
API_BASE = "https://gxpt.songyuan.example/api/v1"

log = logging.getLogger(__name__)


def load_demo_processes(ctx: Context, today: date | None = None) -> Counter:
    """Seed the processes as the demo users (:data:`registry.demo.loader.DEMO_USERS`); flushes, never commits.

    ``today`` is the day the demo is seen from (the local today). Returns how many of each thing it made,
    by request type and ``share_use``, ``mount``, ``refresh``, ``designation``.
    """
    seeder = _Seeder(ctx, today or local_today())
    if not seeder.ready:
        log.warning("演示流程未载入：缺少演示账号或演示机构")
        return seeder.made
    for seed in (_share_requests, _service_changes, _demands, _open_requests_and_objections, _corrections,
                 _catalog_updates, _mounts, _refreshes, _designation):
        made = Counter(seeder.made)
        savepoint = ctx.session.begin_nested()
        try:
            seed(seeder)
        except MuluError as exc:  # a catalog this seed cannot serve: the demo loads without it
            savepoint.rollback()
            seeder.made = made
            log.warning("演示流程 %s 未载入：%s", seed.__name__.strip("_"), exc)
        else:
            savepoint.commit()
    ctx.session.flush()
    return seeder.made


class _Seeder:
    """The demo users, the days of the demo's past, and the items the processes are about."""

    def __init__(self, ctx: Context, today: date):
        self.ctx, self.today = ctx, today
        self.started = utcnow()
        self.calendar = ctx.calendar
        self.made: Counter = Counter()
        self.users = {u.username: u for u in ctx.session.scalars(select(User).where(User.username.in_(USERS)))}
        self.ready = len(self.users) == len(USERS)
        # The departments the processes run between: the compilers' own.
        self.orgs = {dept: self.users[name].organisation.department for dept, name in DEPARTMENTS.items()} if self.ready else {}

    # -- who --------------------------------------------------------------------------------
    def as_(self, username: str | None) -> Context:
        """The demo's context acting as ``username`` (``None``: the system, e.g. the exchange platform's jobs)."""
        return Context(session=self.ctx.session, profile=self.ctx.profile,
                       actor=self.users[username] if username else None, _calendar=self.calendar)

    # -- when -------------------------------------------------------------------------------
    def back(self, workdays: int, start: date | None = None) -> date:
        """The working day ``workdays`` working days before ``start`` (today); ``start`` itself for 0."""
        day = start or self.today
        while workdays > 0:
            day -= timedelta(days=1)
            workdays -= self.calendar.is_workday(day)
        return day

    def days(self, key: str) -> int | None:
        deadline = self.ctx.profile.deadline(key)
        return deadline.days if deadline else None

    def opened_for(self, key: str, due: date, otherwise: int) -> date:
        """The day a request must arrive for the profile's ``key`` clock to run out on ``due`` (a working day);
        ``otherwise`` working days ago where the profile sets no such deadline."""
        days = self.days(key)
        return self.back(days, due) if days else self.back(otherwise)

    def overdue(self, key: str, otherwise: int = 5) -> date:
        """The arrival day of a request three working days overdue today."""
        return self.opened_for(key, self.back(3), otherwise)

    def due_soon(self, key: str, otherwise: int = 1) -> date:
        """The arrival day of a request due the next working day."""
        return self.opened_for(key, self.calendar.add_workdays(self.today, 1), otherwise)

    def at(self, day: date, minutes: int = 0) -> datetime:
        """A moment of ``day`` in office hours (from 09:00), in UTC; never later than a minute before now."""
        moment = datetime.combine(day, time(9), LOCAL_ZONE) + timedelta(minutes=minutes)
        return min(moment.astimezone(UTC), self.started - timedelta(minutes=1))

    def stamp(self, request: Request, day: date, minutes: int = 0, *, opened: bool = False) -> Request:
        """Date what was just done to ``request`` on ``day`` (the engine stamps the real clock)."""
        moment = self.at(day, minutes)
        if opened:
            request.created_at = moment
        for event in request.events:
            if aware(event.created_at) >= self.started:
                event.created_at = moment
        if request.state != "open":
            request.closed_at = moment
        self.ctx.session.flush()  # before an operation reloads the request
        return request

    # -- what -------------------------------------------------------------------------------
    def items(self, dept: str, share: ShareType | None = None, limit: int = 3) -> list[CatalogItem]:
        """A department's first published items by code (of one share type)."""
        query = select(CatalogItem).where(CatalogItem.provider_id == self.orgs[dept].id,
                                          CatalogItem.status == ItemStatus.PUBLISHED)
        if share is not None:
            query = query.where(CatalogItem.share_type == share)
        return list(self.ctx.session.scalars(query.order_by(CatalogItem.code).limit(limit)))

    def count(self, request: Request) -> Request:
        self.made[request.type] += 1
        return request


def _shareable_fields(item: CatalogItem, count: int) -> list[str]:
    return [f.name for f in item.fields if f.share_type is not ShareType.NOT_SHARED][:count]


def _mode(ctx: Context, item: CatalogItem) -> str:
    """The item's own sharing mode, or the profile's first."""
    if item.share_method_class and item.share_method_type:
        return f"{item.share_method_class}:{item.share_method_type}"
    first = sharing_modes(ctx.profile)[0]
    return f"{first.method_class}:{first.method_type}"


# -- share requests and the use of shared data ----------------------------------------------

def _ask(s: _Seeder, who: str, item: CatalogItem, values: dict, day: date) -> Request:
    data = {"fields": _shareable_fields(item, 3), "use_until": date(s.today.year + 1, 12, 31), **values}
    request = sharing.create_share_request(s.as_(who), item, data, today=day)
    return s.count(s.stamp(request, day, 30, opened=True))


_MARKET_ASKS_POLICE = {
    "purpose": "核验企业登记注册申请中法定代表人、股东的身份信息，防范冒用他人身份登记",
    "scenario": "企业开办“一网通办”：登记窗口受理时在线核验自然人身份",
    "legal_basis": "《中华人民共和国市场主体登记管理条例》《优化营商环境条例》",
}
_POLICE_ASKS_MARKET = {
    "purpose": "核查涉案企业的登记状态、法定代表人和经营范围",
    "scenario": "经济犯罪案件侦查中的企业主体核查",
    "legal_basis": "《中华人民共和国刑事诉讼法》《中华人民共和国人民警察法》",
}


def _share_requests(s: _Seeder) -> None:
    """The regulator asks the police twice (approved and used; refused and taken to the authority);
    the police ask the regulator twice (one due the next working day, one overdue)."""
    police_items = s.items("police", ShareType.CONDITIONAL, 2)
    if police_items:
        first, second = police_items[0], police_items[-1]
        opened = s.back(24)
        approved = _ask(s, "compiler", first, _MARKET_ASKS_POLICE, opened)
        fields = approved.data["fields"]
        sharing.approve(s.as_("police"), approved, fields=fields[:2], mode=_mode(s.ctx, first), users=["李明", "王芳"],
                        comment="同意共享，请严格按批准的用途和范围使用，不得向第三方提供", today=s.back(23))
        s.stamp(approved, s.back(23), 90)
        for n, (day, user, purpose, medium) in enumerate((
                (s.back(20), "李明", "核验嵩原某商贸有限公司设立登记中法定代表人身份", "网络传输"),
                (s.back(12), "王芳", "核验股东变更登记中新增自然人股东身份", "网络传输"),
                (s.back(3), "李明", "批量核验年度报告中企业联络员身份", "网络传输"))):
            use = record_use(s.as_("compiler"), approved, {
                "purpose": purpose, "user_name": user, "fields": approved.data["approval"]["fields"], "medium": medium,
                "used_at": s.at(day, 60 + 45 * n), "content": f"核验 {3 + 7 * n} 条记录"})
            use.created_at = s.at(day, 90 + 45 * n)
            s.made["share_use"] += 1
        refused = _ask(s, "compiler", second, {**_MARKET_ASKS_POLICE, "purpose": "掌握个体工商户经营者的家庭成员情况"},
                       s.back(9))
        sharing.refuse(s.as_("police"), refused, "申请内容超出履行市场监管职责所需的范围，不符合个人信息处理最小必要原则"
                       "（《中华人民共和国个人信息保护法》第六条）", today=s.back(8))
        s.stamp(refused, s.back(8), 60)
        sharing.object_to_refusal(s.as_("compiler"), refused, "个体工商户经营者家庭成员参与经营的，登记时须核验其身份，"
                                  "请数据主管部门协调", today=s.back(7))
        s.stamp(refused, s.back(7), 30)
    market_items = s.items("market", ShareType.CONDITIONAL, 2)
    if market_items:
        _ask(s, "police", market_items[0], _POLICE_ASKS_MARKET, s.due_soon("share_request_answer"))
        _ask(s, "police", market_items[-1], {**_POLICE_ASKS_MARKET, "scenario": "涉嫌非法集资企业的主体核查"},
             s.overdue("share_request_answer"))


def _service_changes(s: _Seeder) -> None:
    """The police's notices to the users of a shared service: one carried out, one still to come."""
    items = s.items("police", ShareType.CONDITIONAL, 1) or s.items("police", limit=1)
    if not items:
        return
    item, police = items[0], s.as_("police")
    told = s.back(30)
    effective = service_changes.earliest_effective_day(police, told) or s.calendar.add_workdays(told, 10)
    done = service_changes.announce_service_change(police, item, {
        "kind": "upgrade", "effective_on": effective,
        "description": "共享接口迁移至新版数据共享平台，服务地址不变，升级当日 22:00 至次日 6:00 暂停服务"}, today=told)
    s.count(s.stamp(done, told, 120, opened=True))
    require(police.actor, "share:announce_change", done.organisation)
    transition(police, done, "done", "已按期完成升级，服务恢复正常")
    s.stamp(done, effective, 30)
    told = s.back(2)
    effective = s.calendar.add_workdays(service_changes.earliest_effective_day(police, told) or told, 3)
    coming = service_changes.announce_service_change(police, item, {
        "kind": "change", "effective_on": effective,
        "description": "接口返回字段调整：涉及个人信息的信息项改为脱敏后返回；请使用单位提前调整对接程序"},
        today=told)
    s.count(s.stamp(coming, told, 60, opened=True))


# -- demands --------------------------------------------------------------------------------

def _demand(s: _Seeder, who: str, day: date, values: dict) -> Request:
    requester = s.orgs["county_bureau"] if who == "county_compiler" else s.orgs["market"]
    demand = demands.create_demand(s.as_(who), requester, values, today=day)
    return s.count(s.stamp(demand, day, 20, opened=True))


def _demands(s: _Seeder) -> None:
    """One demand at each stage: with the county, with the city, with the provider to answer (overdue) and to
    deliver, fulfilled, unmatched; and an emergency one due the next working day."""
    police = s.items("police", limit=3)
    if not police:
        return
    served = police[0]
    wanted = [f.name for f in served.fields[:4]]
    provider = s.orgs["police"].code
    county, reviewer, answerer = s.as_("county"), s.as_("reviewer"), s.as_("police")

    # 县级汇总: a county bureau's demand waiting for its county.
    _demand(s, "county_compiler", s.back(1), {
        "description": "城乡低保对象家庭成员户籍变动信息", "fields": ["公民身份号码", "姓名", "户籍地址", "迁移日期", "死亡日期"],
        "purpose": "低保动态管理：及时掌握保障对象家庭成员迁出、死亡情况，停发不符合条件人员的救助金",
        "legal_basis": "《社会救助暂行办法》"})
    # 市级审核: aggregated by the county, waiting for the city.
    demand = _demand(s, "county_compiler", s.back(5), {
        "description": "残疾人两项补贴申领人员的残疾人证信息", "fields": ["公民身份号码", "残疾类别", "残疾等级"],
        "purpose": "困难残疾人生活补贴和重度残疾人护理补贴资格审核", "legal_basis": "《残疾人保障法》"})
    demands.act(county, demand, "forward", "已汇总，报市级审核", today=s.back(4))
    s.stamp(demand, s.back(4))
    # 待提供方答复, overdue: the city passed it on; the police have not answered.
    assigned = s.overdue("demand_answer")
    demand = _demand(s, "compiler", s.back(1, assigned), {
        "description": "企业法定代表人及股东的身份核验信息", "fields": ["公民身份号码", "姓名"],
        "purpose": "企业登记注册时核验法定代表人、股东身份，防范冒名登记", "legal_basis": "《市场主体登记管理条例》"})
    demands.act(reviewer, demand, "assign", "请公安局按期答复", provider=provider, today=assigned)
    s.stamp(demand, assigned, 60)
    # 待提供数据: accepted, the data is due within the profile's days.
    demand = _demand(s, "compiler", s.back(12), {
        "description": f"{served.name}（用于市场主体登记和许可核查）", "fields": wanted,
        "purpose": "市场主体登记、行政许可核查时核验申请人和经营场所的有关信息", "legal_basis": "《市场主体登记管理条例》"})
    demands.act(reviewer, demand, "assign", provider=provider, today=s.back(11))
    s.stamp(demand, s.back(11), 60)
    demands.act(answerer, demand, "accept", "可通过共享平台接口提供", today=s.back(9))
    s.stamp(demand, s.back(9), 120)
    # 已满足: the whole way, from a county bureau to the data on the platform.
    demand = _demand(s, "county_compiler", s.back(30), {
        "description": f"辖区{served.name}", "fields": wanted,
        "purpose": "社会救助家庭经济状况核对", "legal_basis": "《社会救助暂行办法》"})
    demands.act(county, demand, "forward", "已汇总", today=s.back(29))
    s.stamp(demand, s.back(29))
    demands.act(reviewer, demand, "assign", provider=provider, today=s.back(28))
    s.stamp(demand, s.back(28))
    demands.act(answerer, demand, "accept", today=s.back(26))
    s.stamp(demand, s.back(26))
    demands.act(answerer, demand, "fulfil", "已在共享平台发布，按目录申请使用", items=[served.code], today=s.back(15))
    s.stamp(demand, s.back(15), 150)
    # 未匹配: nobody collects it; the authority's list of unmatched demands shows it.
    demand = _demand(s, "compiler", s.back(8), {
        "description": "全市电梯维保单位实时维保记录", "fields": ["电梯注册代码", "维保单位", "维保日期", "维保项目"],
        "purpose": "电梯安全监管：发现超期未维保电梯", "legal_basis": "《特种设备安全监察条例》"})
    demands.act(reviewer, demand, "unmatch", "全市尚无部门汇聚电梯维保记录，列入未匹配需求，建议由市场监管局牵头建设", today=s.back(6))
    s.stamp(demand, s.back(6), 45)
    # An emergency: the provider's answer is due the next working day where the profile sets emergency deadlines.
    assigned = s.due_soon("demand_answer_emergency", otherwise=0)
    demand = _demand(s, "compiler", assigned, {
        "description": "食物中毒事件涉事餐饮单位从业人员身份信息", "fields": ["公民身份号码", "姓名", "联系电话"],
        "purpose": "突发食品安全事件应急处置：追溯涉事从业人员", "scenario": "某学校食堂集体食物中毒事件应急处置",
        "emergency": True, "legal_basis": "《中华人民共和国突发事件应对法》"})
    demands.act(reviewer, demand, "assign", "紧急需求，请立即答复", provider=provider, today=assigned)
    s.stamp(demand, assigned, 40)


# -- open-data requests, objections and corrections --------------------------------------------

def _public(name: str, contact: str) -> dict:
    return {"applicant_kind": "public", "applicant_name": name, "applicant_contact": contact}


def _file(s: _Seeder, who: str, type_name: str, values: dict, day: date) -> Request:
    request = feedback.file_request(s.as_(who), type_name, values, today=day)
    return s.count(s.stamp(request, day, 50, opened=True))


def _open_requests_and_objections(s: _Seeder) -> None:
    """Open-data requests recorded for members of the public: extended (where the profile allows), overdue,
    granted, refused and then objected to."""
    police, market = s.items("police", limit=2), s.items("market", limit=2)
    if not police or not market:
        return
    answerer, compiler = s.as_("police"), s.as_("compiler")
    request = _file(s, "admin", "open_request", {
        "item_code": police[0].code, "description": f"申请开放{police[0].name}中按乡镇（街道）汇总的统计数据",
        "purpose": "人口流动课题研究", **_public("张女士", "zhang.research@example.com")}, s.back(12))
    if feedback.may_act(answerer, request, "extend"):
        feedback.act(answerer, request, "extend", reason="数据需脱敏并按乡镇汇总，经局主要负责人同意延期")
        s.stamp(request, s.back(5), 200)
    _file(s, "admin", "open_request", {
        "item_code": market[0].code, "description": f"申请以可下载的表格开放{market[0].name}",
        "purpose": "小微企业融资服务平台的企业画像", **_public("嵩原某科技有限公司", "data@example.com")},
        s.overdue("open_request_answer"))
    granted = _file(s, "admin", "open_request", {
        "item_code": police[-1].code, "description": f"申请开放{police[-1].name}的年度汇总数据",
        "purpose": "撰写本地公共安全年度报告", **_public("李先生", "li.report@example.com")}, s.back(22))
    feedback.act(answerer, granted, "grant", answer="已在开放平台发布年度汇总数据（按区县汇总，不含个人信息）", today=s.back(18))
    s.stamp(granted, s.back(18), 120)
    refused = _file(s, "admin", "open_request", {
        "item_code": market[-1].code, "description": f"申请开放{market[-1].name}的全部信息项",
        "purpose": "商业数据库建设", **_public("王先生", "wang.db@example.com")}, s.back(16))
    feedback.act(compiler, refused, "refuse", reason="含自然人个人信息，依法不予开放；可申请开放不含个人信息的汇总数据",
                 today=s.back(9))
    s.stamp(refused, s.back(9), 100)
    _file(s, "admin", "objection", {
        "about_request": refused.id, "description": "申请的企业登记信息为依法公示的信息，请予以开放",
        "evidence": "《企业信息公示暂行条例》第六条", **_public("王先生", "wang.db@example.com")}, s.back(6))


def _corrections(s: _Seeder) -> None:
    """Error reports: one still to verify (overdue where the profile sets the deadline), one confirmed and
    being fixed, one corrected at the source."""
    police, market = s.items("police", limit=1), s.items("market", limit=2)
    if not police or not market:
        return
    compiler, answerer = s.as_("compiler"), s.as_("police")

    def report(who: str, item: CatalogItem, day: date, description: str) -> Request:
        field = item.fields[min(1, len(item.fields) - 1)]
        return _file(s, who, "correction", {
            "item_code": item.code, "target": f"{FIELD_TARGET}{field.name}", "description": description,
            "evidence": "比对共享平台接口返回的数据与原始登记材料"}, day)

    report("police", market[0], s.overdue("correction_verify"), "部分记录该信息项为空，与登记材料不符")
    fixing = report("police", market[-1], s.back(6), "该信息项存在格式错误（日期写成了文本）")
    feedback.act(compiler, fixing, "confirm", reason="经核实确有错误，正在源头系统中更正", today=s.back(4))
    s.stamp(fixing, s.back(4), 90)
    fixed = report("compiler", police[0], s.back(20), "部分记录的该信息项已过期，未随源头系统更新")
    feedback.act(answerer, fixed, "confirm", today=s.back(18))
    s.stamp(fixed, s.back(18), 60)
    feedback.act(answerer, fixed, "fix", answer="已在源头系统更正 126 条记录，并已同步至共享平台", today=s.back(11))
    s.stamp(fixed, s.back(11), 180)


# -- catalog updates after a change of law or duties ------------------------------------------

def _catalog_updates(s: _Seeder) -> None:
    """Changes of duties recorded by the authority: one overdue, one just recorded, and (when the regulator
    has a draft to amend) one whose update was reported and, where the profile has a review, confirmed."""
    admin = s.as_("admin")
    day = s.overdue("catalog_update", otherwise=20)
    update = duties.record_duty_change(
        admin, s.orgs["police"], kind="duties", summary="出入境证件受理职能调整至政务服务中心窗口，需相应调整目录",
        basis="市委机构编制委员会办公室关于调整公安机关部分职责的通知", effective_date=day, today=day)
    s.count(s.stamp(update, day, 30, opened=True))
    day = s.back(1)
    update = duties.record_duty_change(
        admin, s.orgs["market"], kind="law", summary="新修订的食品安全法实施条例施行，食品经营许可信息项需调整",
        basis="《中华人民共和国食品安全法实施条例》（修订）", effective_date=day, today=day)
    s.count(s.stamp(update, day, 45, opened=True))
    draft = s.ctx.session.scalars(select(CatalogItem).where(
        CatalogItem.provider_id == s.orgs["market"].id, CatalogItem.status == ItemStatus.DRAFT)
        .order_by(CatalogItem.code).limit(1)).first()
    if draft is None:
        return
    day = s.back(10)
    update = duties.record_duty_change(
        admin, s.orgs["market"], kind="duties", summary="承接原商务局的单用途商业预付卡监管职责",
        basis="市人民政府关于调整单用途商业预付卡管理职责的通知", effective_date=day, today=day)
    s.count(s.stamp(update, day, 60, opened=True))
    compiler = s.as_("compiler")
    update_item(compiler, draft, {"summary": draft.summary + "含单用途商业预付卡发卡经营者的备案信息。"},
                reason="承接单用途商业预付卡监管职责")
    duties.act(compiler, update, duties.completion_action(compiler, update), "已补充预付卡发卡经营者备案相关内容",
               [draft.code], today=s.back(7))
    s.stamp(update, s.back(7), 100)
    if update.state == "open" and update.stage == "review":
        duties.act(admin, update, "confirm", "更新内容符合职责调整要求", today=s.back(4))
        s.stamp(update, s.back(4), 60)


# -- mounts, refreshes, the designated source ----------------------------------------------------

def _mounts(s: _Seeder) -> None:
    """API mounts on the first published items of the regulator and of the police; the police's second one
    is an old interface past its validity."""
    plan = [("compiler", "scjg", item, "GET", None) for item in s.items("market", limit=2)]
    police = s.items("police", limit=2)
    if police:
        plan += [("police", "ga", police[0], "POST", None), ("police", "ga", police[-1], "GET", s.back(15))]
    for n, (who, path, item, method, expired) in enumerate(plan, start=1):
        add_api_mount(s.as_(who), item, url=f"{API_BASE}/{path}/services/{n:03d}", method=method,
                      doc_url=f"{API_BASE}/{path}/docs/{n:03d}", valid_from=date(s.today.year - 1, 1, 1), valid_to=expired,
                      note="共享平台数据服务接口" if expired is None else "旧版接口，已由新版接口替代")
        s.made["mount"] += 1


def _refreshes(s: _Seeder) -> None:
    """Data refreshes: the regulator's and the police's first monitored items, then the catalog's first ones, two
    in three within their update cycle and one in three long past it (stale)."""
    limits = cycle_limits(s.ctx.profile)
    monitored = list(limits.by_cycle)

    def first(dept: str | None, limit: int) -> list[CatalogItem]:
        query = select(CatalogItem).where(CatalogItem.status == ItemStatus.PUBLISHED)
        if limits.default is None:
            query = query.where(CatalogItem.update_cycle.in_(monitored))
        if dept is not None:
            query = query.where(CatalogItem.provider_id == s.orgs[dept].id)
        return list(s.ctx.session.scalars(query.order_by(CatalogItem.code).limit(limit)))

    who = {s.orgs["market"].id: "compiler", s.orgs["police"].id: "police"}
    chosen = {item.id: item for item in [*first("market", 4), *first("police", 4), *first(None, 8)]}
    for n, item in enumerate(chosen.values()):
        days = limits.by_cycle.get(item.update_cycle, limits.default) or 1
        ago = days + 3 + n if n % 3 == 2 else max(1, days // 2)  # on a past day: the same refreshes all day long
        at = min(datetime.combine(s.today - timedelta(days=ago), time(2, 30), LOCAL_ZONE).astimezone(UTC),
                 s.started - timedelta(minutes=5))
        record_refresh(s.as_(who.get(item.provider_id)), item, at)
        s.made["refresh"] += 1


def _designation(s: _Seeder) -> None:
    """The city review's designation of the one source of a seeded duplicate group (in a large enough demo).

    Recorded as :func:`registry.sourcing.operations.resolve_finding` records it, without running the
    detection first (≈ 11 s on a 100,000-item demo): the findings of a demo catalog are exactly its
    seeded groups (``tests/sourcing/test_demo_catalog.py``), and a finding's key derives from its members' codes.
    """
    published = s.ctx.session.scalar(select(func.count(CatalogItem.id)).where(CatalogItem.status == ItemStatus.PUBLISHED))
    group = next((g for g in SEEDED_DUPLICATE_GROUPS if g.key == DESIGNATED_GROUP[0]), None)
    if published < MIN_PUBLISHED_FOR_DESIGNATION or group is None:
        return
    reviewer = s.as_("reviewer")
    if not sourcing.may_resolve(reviewer):
        return
    members = []
    for provider_code, name in group.members:
        item = s.ctx.session.scalars(select(CatalogItem).join(Organisation, Organisation.id == CatalogItem.provider_id)
                                     .where(Organisation.code == provider_code, CatalogItem.name == name,
                                            CatalogItem.status == ItemStatus.PUBLISHED)).first()
        if item is None:
            return
        members.append(item)
    source = s.ctx.session.scalar(select(Organisation).where(Organisation.code == city_department_code(DESIGNATED_GROUP[1])))
    codes = sorted(item.code for item in members)
    key = finding_key(codes)
    note = "企业登记信息以市场监管部门的登记为准，其他部门通过共享平台获取，不再重复采集"
    designation = SourceDesignation(finding_key=key, member_codes=codes, source_id=source.id, note=note,
                                    resolved_by_id=reviewer.actor.id, resolved_at=s.at(s.back(5), 240))
    s.ctx.session.add(designation)
    s.ctx.session.flush()
    record_event(reviewer, "duplicates:resolve", "duplicate_finding", key, {
        "source": source.code, "source_name": source.name, "members": codes, "note": note, "previous_source": None})
    s.made["designation"] += 1
