"""A served instance with a small catalog for the CKAN API: published items, drafts, a token."""
from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import entry, make_org_tree
from live import migrated_runtime
from werkzeug.serving import make_server

from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.app import create_app
from registry.catalog import operations as ops
from registry.ckan import register
from registry.core.config import load_settings
from registry.core.db import unit_of_work


@dataclass
class Site:
    base: str
    published: dict[str, str]  # name → code
    drafts: dict[str, str]
    org_codes: dict[str, str]  # dept, other_dept, county_dept, county
    token: str  # a compiler of the dept: sees the dept's drafts too


def _seed(ctx) -> Site:
    orgs = make_org_tree(ctx)
    published, drafts = {}, {}

    def add(provider, publish: bool, **overrides) -> None:
        item = ops.create_item(ctx, entry(provider, **overrides)).item
        if publish:
            ops.publish_item(ctx, item)
        (published if publish else drafts)[item.name] = item.code

    add(orgs.dept, True, name="企业登记信息", tags=["市场监管", "企业"])
    add(orgs.dept, True, name="个体工商户名录", summary="个体工商户的登记情况。", update_cycle="monthly")
    add(orgs.dept, True, name="营业执照电子证照", summary="电子营业执照的照面信息。", format_class="electronic_file",
        format_type="ofd", share_method_type="file")
    add(orgs.other_dept, True, name="企业涉案信息", share_type="conditional", share_condition="办案需要")
    add(orgs.county_dept, True, name="食品经营许可信息", summary="食品经营者的许可证信息。")
    add(orgs.dept, False, name="企业内部草稿")
    add(orgs.other_dept, False, name="公安草稿数据")
    compiler = create_user(ctx, "ckan_c", "compiler", orgs.dept.code, "Compile#2026")
    token = create_token(ctx, compiler, "ckan")[1]
    codes = {"dept": orgs.dept.code, "other_dept": orgs.other_dept.code, "county_dept": orgs.county_dept.code,
             "county": orgs.county.code}
    return Site("", published, drafts, codes, token)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    instance = tmp_path_factory.mktemp("ckan-instance")
    url = new_postgres_database("mulu_ckan") if is_postgres() else f"sqlite:///{instance / 'ckan.db'}"
    settings = load_settings({"MULU_PROFILE": "national"}, instance_path=instance, database_url=url)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:  # committed through the runtime: the index follows
            seeded = _seed(runtime.context(session))
        app = create_app(settings)
        if "ckan" not in app.blueprints:  # until registry/app.py registers it
            register(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        seeded.base = f"http://127.0.0.1:{server.server_port}"
        try:
            yield seeded
        finally:
            server.shutdown()
    if is_postgres():
        drop_postgres_database(url)
