"""A catalog of two organisations per level, with secrets, and the rule of who may see each one.

Organisations: two city departments (A = 市场监督管理局, B = 公安局) and two
counties with a department each (C1 = 南召县市场监督管理局, C2 = 方城县公安局).
Each of the four has a draft (with a field only the draft has) and an item in
review; B and C2 are the victims of the process secrets (a share request from
B for C2's conditional item, B's demand, correction, open-data request,
objection and duty change, a mount on B's item, import batches, a pending
change of B's published item).

The rule of who may see what is written here from the regulations' roles,
independently of :mod:`registry.accounts.permissions`, so that breaking the
code's rule makes the walk fail instead of moving the expectation with it.
"""
from __future__ import annotations

import http.cookiejar
import io
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote

import pytest
from client import NoRedirect
from factories import entry, make_org_tree, uscc
from sqlalchemy import func, select

from registry.accounts import operations as account_operations
from registry.accounts.models import ApiToken, User
from registry.accounts.operations import create_user, hash_password
from registry.accounts.tokens import create_token
from registry.catalog.models import CatalogItem
from registry.catalog.operations import create_item, publish_item, update_item
from registry.core.context import Context
from registry.core.db import unit_of_work
from registry.core.localtime import local_today
from registry.feedback.operations import (
    file_correction,
    file_objection,
    file_open_request,
)
from registry.imports.models import ImportBatch, ImportOutcome
from registry.lists.demands import create_demand
from registry.monitoring.duties import record_duty_change
from registry.mounts.models import ResourceMount
from registry.mounts.operations import add_api_mount
from registry.notifications.models import Notification
from registry.orgs.operations import create_org
from registry.requests.models import Request, RequestEvent
from registry.review.operations import adjust_share_in_emergency, approve, submit_item
from registry.sharing.models import ShareUse
from registry.sharing.operations import create_share_request
from registry.sharing.service_changes import announce_service_change
from registry.sourcing.models import SourceDesignation

PASSWORD = "Bianmu#2026x"
ROLES = ("compiler", "county_reviewer", "city_reviewer", "authority_admin", "system_admin", "security_admin", "audit_admin")
#: Organisation keys: the two city departments, the two county departments, and the counties and the city.
DEPTS = ("A", "B", "C1", "C2")
LETTER = {"A": "甲", "B": "乙", "C1": "丙", "C2": "丁"}
#: Where each key sits: its county (None for the city's departments).
COUNTY_OF = {"A": None, "B": None, "C1": "county1", "C2": "county2", "county1": "county1", "county2": "county2",
             "city": None, "unitA": None}
DEPARTMENT_OF = {"A": "A", "B": "B", "C1": "C1", "C2": "C2", "unitA": "A"}
#: The names, technical names, descriptions and example of C2's sensitive and secret fields: never shown to the public.
_RESTRICTED_TEXTS = ("涉密字段丁号", "敏感字段丁号", "mimi_ziduan_ding", "mingan_ziduan_ding", "涉密说明丁号", "敏感说明丁号",
                     "涉密示例丁号")
#: Parts of secrets searched for on the walk (the echoed query itself is no leak).
PROBES = ("内部草稿", "送审条目", "草稿字段", "待审变更", "机密", "涉密字段", "敏感说明", "ziduan")


@dataclass(frozen=True)
class Secret:
    """Text that must not reach who may not see it.

    ``kind``: ``unpublished`` (a draft's or a pending change's content, or an insider detail such as a mount
    address: seen by who sees the provider's drafts), ``import`` (an import file's name: the same, among those
    who import), ``process`` (a request's text: seen by who sees either party's drafts, i.e. the parties'
    people, their county reviewers and the city), ``not_open`` (published, but kept out of the open catalog),
    ``restricted_field`` (a published item's sensitive or secret field: never shown to the public, nor in the open
    catalog; signed-in readers of the item see it).
    """

    text: str
    kind: str
    orgs: tuple[str, ...]  # the provider (unpublished), or the parties (process)


@dataclass(frozen=True)
class Walker:
    """A user of the matrix (``role`` None: anonymous), placed in an organisation key."""

    username: str
    role: str | None
    org: str | None

    @property
    def name(self) -> str:
        return self.username

    def sees_unpublished_of(self, provider: str) -> bool:
        """Compiler: own department's subtree; county reviewer: own county's; city reviewer and authority: all."""
        if self.role in ("city_reviewer", "authority_admin"):
            return True
        if self.role == "compiler":
            return DEPARTMENT_OF.get(self.org) == DEPARTMENT_OF.get(provider)
        if self.role == "county_reviewer":
            return COUNTY_OF.get(self.org) is not None and COUNTY_OF.get(self.org) == COUNTY_OF.get(provider)
        return False  # anonymous, and the three separated administrators (三员分立) do no catalog work

    def may_see(self, secret: Secret, url: str) -> bool:
        if secret.kind == "not_open":
            return "open-catalog" not in url
        if secret.kind == "restricted_field":
            return self.role is not None and "open-catalog" not in url
        if self.role == "audit_admin" and url.startswith("/admin/audit"):
            return True  # the audit log records everyone's work, for the audit administrator alone
        if secret.kind == "import" and self.role not in ("compiler", "authority_admin"):
            return False  # import records are the importers' (编目员、数据主管部门)
        return any(self.sees_unpublished_of(org) for org in secret.orgs)

    @property
    def writes(self) -> bool:
        """Whether the role may legitimately change a victim's data (then it is walked GET-only)."""
        bystanders = {(None, None), ("audit_admin", "A"), ("audit_admin", "B"), ("compiler", "A"), ("county_reviewer", "county1")}
        # The others: the victims' own compiler and county reviewer, the city, the authority, the user managers.
        return (self.role, self.org) not in bystanders


def walkers() -> list[Walker]:
    users = [Walker("anonymous", None, None)]
    for role in ROLES:
        for side, org in (("a", "county1" if role == "county_reviewer" else "A"), ("b", "county2" if role == "county_reviewer" else "B")):
            users.append(Walker(f"{role}_{side}", role, org))
    return users


@dataclass
class World:
    secrets: list[Secret]
    values: dict[str, list]
    tokens: dict[str, str]
    org_names: dict[str, str]
    org_codes: dict[str, str]
    codes: dict[str, str] = field(default_factory=dict)


def build(runtime) -> World:
    """Seed the world as the system and the victims, committed."""
    secrets: list[Secret] = []
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        tree = make_org_tree(ctx)
        county2 = create_org(ctx, {"code": "411322", "name": "方城县", "level": "county", "parent": tree.city})
        c2 = create_org(ctx, {"code": uscc(5, "411322"), "name": "方城县公安局", "level": "department", "parent": county2,
                              "catalog_code": "0202"})
        orgs = {"A": tree.dept, "B": tree.other_dept, "C1": tree.county_dept, "C2": c2, "county1": tree.county,
                "county2": county2, "city": tree.city, "unitA": tree.unit}
        users, hashed = {}, hash_password(PASSWORD)
        with pytest.MonkeyPatch.context() as patch:  # one scrypt for the fourteen accounts of the same password
            patch.setattr(account_operations, "hash_password", lambda _: hashed)
            for walker in walkers()[1:]:
                users[walker.username] = create_user(ctx, walker.username, walker.role, orgs[walker.org].code, PASSWORD)
        tokens = {name: create_token(ctx, user, "巡检")[1] for name, user in users.items()}
        codes, steps = _drafts_and_submissions(ctx, orgs, secrets)
        published = create_item(ctx, entry(orgs["B"], name="公安已发布条目")).item
        approve(ctx, submit_item(ctx, published))
        filing = adjust_share_in_emergency(ctx, published, {"share_type": "conditional", "share_condition": "仅限应急",
                                                            "share_basis": "《突发事件应对法》"}, "演练")
        codes["published_B"] = published.code
        victim = users["compiler_b"]
        as_victim = Context(session=session, profile=ctx.profile, actor=victim)
        conditional = _conditional_item(ctx, orgs["C2"])
        codes["conditional_C2"] = conditional.code
        secrets += [Secret(text, "restricted_field", ()) for text in _RESTRICTED_TEXTS]
        processes = _processes(as_victim, ctx, orgs, published, conditional)
        secrets += processes.pop("secrets")
        # A change of the published item, pending review: its proposal is as unpublished as a draft.
        update_item(as_victim, published, {"name": "待审变更乙号"}, reason="机构改革")
        secrets.append(Secret("待审变更乙号", "unpublished", ("B",)))
        batches = _import_batches(ctx, victim, orgs, secrets)
        filled = [code for key, code in codes.items() if not key.startswith(("submitted_A", "submitted_C1"))]
        values = {"code": filled, "step_id": [steps[1].id, steps[3].id], "filing_id": [filing.id],
                  "sha": ["0" * 64], "user_id": [users["compiler_a"].id, victim.id], "token_id": [1],
                  "filename": ["swagger-ui.css"],
                  "logic_function": ["package_search", "package_show", "package_list", "organization_list"],
                  "name": ["items-csv"], "batch_id": [b.id for b in batches],
                  "action": ["approve", "accept", "forward", "done", "extend"], "key": ["d000000000000000"], **processes}
        values["token_id"] = [session.scalar(select(ApiToken.id).where(ApiToken.user_id == victim.id))]
        org_names = {key: org.name for key, org in orgs.items()}
        org_codes = {key: org.code for key, org in orgs.items()}
    with unit_of_work(runtime.sessions) as session:  # notices are written after the world's commit
        values["notice_id"] = list(session.scalars(select(Notification.id).where(Notification.user_id == victim.id)
                                                   .order_by(Notification.id).limit(2))) or [1]
    return World(secrets, values, tokens, org_names, org_codes, codes)


def _drafts_and_submissions(ctx: Context, orgs, secrets: list[Secret]) -> tuple[dict[str, str], list[Request]]:
    """In each department a draft with a field of its own, and an item submitted for review."""
    codes, steps = {}, []
    for key in DEPTS:
        letter = LETTER[key]
        fields = [*entry(orgs[key])["fields"], {"name": f"草稿字段{letter}号", "data_type": "C", "length": 20}]
        codes[f"draft_{key}"] = create_item(ctx, entry(orgs[key], name=f"内部草稿{letter}号", fields=fields)).item.code
        submitted = create_item(ctx, entry(orgs[key], name=f"送审条目{letter}号")).item
        steps.append(submit_item(ctx, submitted))
        codes[f"submitted_{key}"] = submitted.code
        secrets += [Secret(f"内部草稿{letter}号", "unpublished", (key,)), Secret(f"草稿字段{letter}号", "unpublished", (key,)),
                    Secret(f"送审条目{letter}号", "unpublished", (key,))]
    return codes, steps


def _import_batches(ctx: Context, victim: User, orgs, secrets: list[Secret]) -> list[ImportBatch]:
    """B's and C2's import records, whose file names are the importers' to see."""
    batches = []
    for key in ("B", "C2"):
        filename = f"导入批次{LETTER[key]}号.xlsx"
        batch = ImportBatch(actor_id=victim.id, actor_name=victim.username, organisation_id=orgs[key].id, filename=filename,
                            file_hash=str(len(batches)) * 64, layout="national", outcome=ImportOutcome.COMMITTED, created=1)
        ctx.session.add(batch)
        batches.append(batch)
        secrets.append(Secret(filename.removesuffix(".xlsx"), "import", (key,)))
    ctx.session.flush()
    return batches


def _conditional_item(ctx: Context, provider) -> CatalogItem:
    """A conditionally shared, conditionally open item whose secret and sensitive fields stay out of the open catalog."""
    fields = [*entry(provider)["fields"],
              {"name": "涉密字段丁号", "data_type": "C", "length": 20, "is_secret": True, "technical_name": "mimi_ziduan_ding",
               "description": "涉密说明丁号", "example_value": "涉密示例丁号"},
              {"name": "敏感字段丁号", "data_type": "C", "length": 20, "is_sensitive": True,
               "technical_name": "mingan_ziduan_ding", "description": "敏感说明丁号"}]
    item = create_item(ctx, entry(provider, name="县局有条件共享条目", share_type="conditional", share_condition="仅限执法使用",
                                  share_basis="《中华人民共和国数据安全法》", open_type="conditional", open_condition="仅限科研",
                                  open_basis="《政务数据开放办法》", fields=fields)).item
    publish_item(ctx, item)
    return item


def _processes(victim: Context, system: Context, orgs, published, conditional) -> dict:
    """Every kind of request B is party to, with text the others must never see."""
    texts = ("机密用途丙", "机密需求丁", "机密纠错戊", "机密开放申请己", "机密异议庚", "机密职责变化辛")
    share = create_share_request(victim, conditional, {
        "fields": [conditional.fields[0].name], "purpose": texts[0], "scenario": "核验",
        "legal_basis": "《刑事诉讼法》", "use_until": "2099-12-31"})
    demand = create_demand(victim, orgs["B"], {"description": texts[1], "purpose": "办案"})
    correction = file_correction(victim, {"item_code": published.code, "description": texts[2], "evidence": "见附件"})
    opening = file_open_request(victim, {"item_code": published.code, "description": texts[3], "purpose": "研究"})
    objection = file_objection(victim, {"item_code": published.code, "description": texts[4], "evidence": "见附件"})
    duty = record_duty_change(system, orgs["B"], kind="duties", summary=texts[5], basis="机构改革方案",
                              effective_date=local_today())
    # A service-change notice is for every catalog user by design: it carries no secret, but only its provider acts on it.
    notice = announce_service_change(victim, published, {"kind": "upgrade", "description": "接口升级",
                                                         "effective_on": date(2099, 1, 4)})
    mount_url = "https://secret-mount.example.gov.cn/api"
    mount = add_api_mount(victim, published, url=mount_url)
    secrets = [Secret(texts[0], "process", ("B", "C2")), *(Secret(t, "process", ("B",)) for t in texts[1:]),
               Secret(mount_url, "unpublished", ("B",))]
    requests = [share, demand, correction, opening, objection, duty, notice]
    screens = ("share-requests", "demands", "corrections", "open-requests", "objections", "catalog-updates", "service-changes")
    return {"request_id": [r.id for r in requests], "demand_id": [demand.id], "mount_id": [mount.id], "secrets": secrets,
            "request_of_screen": dict(zip(screens, [r.id for r in requests], strict=True))}


def snapshot(runtime, walker: str) -> tuple:
    """What a walker without rights must leave as it is: items, requests, accounts, notices, mounts, uses."""
    with unit_of_work(runtime.sessions) as session:
        items = session.execute(select(CatalogItem.code, CatalogItem.status, CatalogItem.version, CatalogItem.name,
                                       CatalogItem.share_type).order_by(CatalogItem.id)).all()
        requests = session.execute(select(Request.id, Request.state, Request.stage, Request.due_at, Request.organisation_id)
                                   .order_by(Request.id)).all()
        events = session.scalar(select(func.count()).select_from(RequestEvent))
        users = session.execute(select(User.username, User.role, User.is_active, User.password_hash).order_by(User.id)).all()
        # Others' tokens and notices only: a walker may create tokens of their own and read their own notices.
        tokens = session.execute(select(ApiToken.id, ApiToken.revoked_at).join(User).where(User.username != walker)
                                 .order_by(ApiToken.id)).all()
        notices = session.execute(select(Notification.id, Notification.read_at).join(User, Notification.user_id == User.id)
                                  .where(User.username != walker).order_by(Notification.id)).all()
        mounts = session.execute(select(ResourceMount.id, ResourceMount.url, ResourceMount.status).order_by(ResourceMount.id)).all()
        counts = (session.scalar(select(func.count()).select_from(SourceDesignation)),
                  session.scalar(select(func.count()).select_from(ShareUse)))
        return items, requests, events, users, tokens, notices, mounts, counts


def readable(body: bytes, content_type: str) -> str:
    """A response as text to search: JSON unescaped, spreadsheets and zips unpacked."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(readable(archive.read(name), "") for name in archive.namelist())
    text = body.decode("utf-8", errors="replace")
    if "json" in content_type or text[:1] in "[{":
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return text


def ckan_calls(world: World) -> list[tuple[str, dict]]:
    """Every CKAN action, with the arguments that reach every package and organisation of the world."""
    calls = [("package_list", {}), ("organization_list", {}), ("organization_list", {"all_fields": True}),
             ("status_show", {}), ("help_show", {"name": "package_search"}),
             ("package_search", {"rows": 1000, "facet.field": json.dumps(["organization", "res_format", "tags"])})]
    for probe in PROBES:
        calls.append(("package_search", {"q": probe, "rows": 1000}))
    calls += [("package_show", {"id": code}) for code in world.values["code"]]
    calls += [("organization_show", {"id": name, "include_datasets": True}) for name in world.org_codes.values()]
    return calls


def ckan_url(action: str, args: dict) -> str:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in args.items())
    return f"/api/3/action/{action}" + (f"?{query}" if query else "")


class Agent:
    """One walker's HTTP client: the back office's cookies, and its API token for ``/api/``; no redirects followed."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base, token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.api = urllib.request.build_opener(NoRedirect)  # the API is called with the token alone, no session
        self.location = ""

    def call(self, method: str, path: str, form: dict | None = None, body: dict | None = None) -> tuple[int, str]:
        """Status and searchable text; ``/api/`` paths go with the token (when the walker has one)."""
        headers, data = {}, None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
        elif body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        opener = self.opener
        if path.startswith("/api"):
            opener = self.api
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            response = opener.open(request, timeout=30)
            status, raw, response_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            status, raw, response_headers = exc.code, exc.read(), exc.headers
        self.location = (response_headers.get("Location") or "").removeprefix(self.base)
        return status, readable(raw, response_headers.get("Content-Type") or "")

    def login(self, username: str) -> None:
        token = csrf_in(self.call("GET", "/login")[1])
        status, _ = self.call("POST", "/login", {"csrf_token": token, "username": username, "password": PASSWORD})
        assert status == 302, f"{username} could not sign in"


def csrf_in(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
