"""File and API mounts (uploads, URLs on a local server), their format checks, and who may attach what."""
from __future__ import annotations

import functools
import hashlib
import io
import os
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from factories import entry
from mountkit import make_source_db, make_world, person_item, sources
from sqlalchemy import select

from registry.audit.models import AuditEvent
from registry.catalog.operations import create_item, retire_item
from registry.core.errors import ConflictError, PermissionDenied, ValidationError
from registry.core.localtime import aware
from registry.mounts.checks import check_mount, check_mounts
from registry.mounts.models import CheckStatus, ResourceMount
from registry.mounts.operations import (
    add_api_mount,
    add_file_mount,
    add_table_mount,
    mounts_of,
    remove_mount,
)

SPREADSHEET = {"format_class": "spreadsheet", "format_type": "xlsx", "share_method_type": "file"}
MODIFIED = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture()
def files_server(tmp_path):
    """A local web server (no internet in tests) serving a folder, with each file's modification time as Last-Modified."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def published_file(folder, name: str, content: bytes):
    path = folder / name
    path.write_bytes(content)
    os.utime(path, (MODIFIED.timestamp(), MODIFIED.timestamp()))
    return path


def test_an_uploaded_file_is_stored_by_checksum_and_checked(ctx, tmp_path):
    world = make_world(ctx, "compiler")
    item = create_item(ctx, entry(world.orgs.dept, **SPREADSHEET)).item
    src = sources(tmp_path)
    content = b"PK\x03\x04 a workbook"
    mount = add_file_mount(world.as_(ctx, "compiler"), item, src, upload=io.BytesIO(content), filename="C:\\报表\\企业名录.xlsx")
    sha = hashlib.sha256(content).hexdigest()
    assert (mount.file_name, mount.file_size, mount.sha256, mount.file_path) == ("企业名录.xlsx", len(content), sha, f"{sha[:2]}/{sha}")
    assert (src.uploads / mount.file_path).read_bytes() == content
    assert mount.status is CheckStatus.OK and item.data_updated_at is not None  # an upload is the data as of now
    ctx.session.expire_all()
    assert check_mount(ctx, mount, src) is CheckStatus.OK
    assert aware(mount.source_updated_at) == aware(mount.created_at)  # read back from the database, still the upload time
    (src.uploads / mount.file_path).write_bytes(b"replaced")
    assert check_mount(ctx, mount, src) is CheckStatus.ERROR
    assert "与登记的 SHA-256 不符" in mount.error


@pytest.mark.parametrize("kwargs,message", [
    ({"upload": io.BytesIO(b"x" * (64 * 1024 + 1)), "filename": "big.xlsx"}, "文件超过"),
    ({"upload": io.BytesIO(b""), "filename": "empty.xlsx"}, "文件为空"),
    ({}, "二选一"),
    ({"upload": io.BytesIO(b"x"), "filename": "a.xlsx", "url": "https://example.org/a.xlsx"}, "二选一"),
    ({"url": "https://user:pw@example.org/a.xlsx"}, "不得包含用户名或口令"),
    ({"url": "ftp://example.org/a.xlsx"}, "http:// 或 https://"),
])
def test_a_file_mount_is_refused_with_a_reason(ctx, tmp_path, kwargs, message):
    world = make_world(ctx)
    item = create_item(ctx, entry(world.orgs.dept, **SPREADSHEET)).item
    with pytest.raises(ValidationError, match=message):
        add_file_mount(ctx, item, sources(tmp_path), **kwargs)
    assert not [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]  # nothing refused is kept


def test_a_file_by_url_is_fetched_once_for_its_checksum_and_modification_time(ctx, tmp_path, files_server):
    folder, base = files_server
    published_file(folder, "qiye.xlsx", b"workbook bytes")
    world = make_world(ctx)
    item = create_item(ctx, entry(world.orgs.dept, **SPREADSHEET)).item
    src = sources(tmp_path, allow="127.0.0.1")  # the test server is on loopback, which only the allow-list opens
    mount = add_file_mount(ctx, item, src, url=f"{base}/qiye.xlsx")
    assert (mount.file_name, mount.file_size, mount.sha256) == ("qiye.xlsx", 14, hashlib.sha256(b"workbook bytes").hexdigest())
    assert mount.file_path is None and mount.source_updated_at == MODIFIED
    assert item.data_updated_at.astimezone(UTC) == MODIFIED
    later = datetime(2026, 4, 1, tzinfo=UTC)
    os.utime(folder / "qiye.xlsx", (later.timestamp(), later.timestamp()))
    assert check_mount(ctx, mount, src) is CheckStatus.OK  # a HEAD request reads the new Last-Modified
    assert item.data_updated_at.astimezone(UTC) == later
    (folder / "qiye.xlsx").unlink()
    assert check_mount(ctx, mount, src) is CheckStatus.ERROR and mount.error == "无法获取该地址的文件"
    with pytest.raises(ValidationError, match="^文件地址：无法获取该地址的文件$"):
        add_file_mount(ctx, item, src, url=f"{base}/gone.xlsx")


def test_files_must_agree_with_the_declared_format(ctx, tmp_path):
    world = make_world(ctx)
    src = sources(tmp_path)
    sheet = create_item(ctx, entry(world.orgs.dept, **SPREADSHEET)).item
    pdf = add_file_mount(ctx, sheet, src, upload=io.BytesIO(b"%PDF"), filename="说明.pdf")
    assert pdf.status is CheckStatus.DRIFT and "不是“电子表格”格式" in pdf.differences[0]["message"]
    assert add_file_mount(ctx, sheet, src, upload=io.BytesIO(b"a,b"), filename="名录.csv").status is CheckStatus.OK
    database = create_item(ctx, entry(world.orgs.dept)).item
    dump = add_file_mount(ctx, database, src, upload=io.BytesIO(b"dump"), filename="qiye.sql")
    assert dump.status is CheckStatus.DRIFT
    assert dump.differences[0]["message"] == "格式分类为“数据库”的条目只挂接了文件，没有挂接数据库表或接口"
    add_api_mount(ctx, database, url="https://api.example.gov.cn/qiye")
    assert check_mount(ctx, dump, src) is CheckStatus.OK  # with an API behind it, the file is an extra


@pytest.mark.parametrize("kwargs,field,message", [
    ({"url": ""}, "url", "必填"),
    ({"url": "api.example.gov.cn"}, "url", "http://"),
    ({"url": "https://a.example/x", "method": "FETCH"}, "method", "GET"),
    ({"url": "https://a.example/x", "valid_from": "2026-05-01", "valid_to": "2026-04-01"}, "valid_to", "不能早于"),
    ({"url": "https://a.example/x", "valid_from": "明天"}, "valid_from", "不是有效日期"),
    ({"url": "https://a.example/x", "doc_url": "see wiki"}, "doc_url", "http://"),
])
def test_an_api_mount_is_validated_with_chinese_field_errors(ctx, kwargs, field, message):
    world = make_world(ctx)
    item = create_item(ctx, entry(world.orgs.dept)).item
    with pytest.raises(ValidationError) as refused:
        add_api_mount(ctx, item, **kwargs)
    assert refused.value.errors[0].field == field and message in refused.value.errors[0].message


def test_only_the_providers_compilers_and_the_authority_attach_and_detach(ctx, tmp_path):
    world = make_world(ctx, "compiler", "other_compiler", "county_reviewer", "city_reviewer", "authority")
    src = sources(tmp_path, hr=make_source_db(tmp_path / "hr.db"))
    item = person_item(ctx, world.orgs.dept)
    for name in ("other_compiler", "county_reviewer", "city_reviewer"):
        with pytest.raises(PermissionDenied, match="本单位"):
            add_api_mount(world.as_(ctx, name), item, url="https://api.example.gov.cn/x")
    mount = add_table_mount(world.as_(ctx, "compiler"), item, src, connection="hr", table="person")
    with pytest.raises(PermissionDenied):
        check_mount(world.as_(ctx, "other_compiler"), mount, src)
    with pytest.raises(PermissionDenied):
        remove_mount(world.as_(ctx, "other_compiler"), mount)
    api = add_api_mount(world.as_(ctx, "authority"), item, url="https://api.example.gov.cn/x")
    remove_mount(world.as_(ctx, "compiler"), api)
    assert [m.id for m in mounts_of(ctx, item)] == [mount.id]
    removed = ctx.session.scalar(select(AuditEvent).where(AuditEvent.tag == "mount:remove"))
    assert removed.actor_name == "compiler" and removed.data["url"] == "https://api.example.gov.cn/x"


def test_a_connection_limited_to_some_departments_serves_only_them(ctx, tmp_path):
    from registry.mounts.connections import Connection, ConnectionRegistry
    from registry.mounts.sources import Sources

    world = make_world(ctx, "compiler", "authority")
    url = make_source_db(tmp_path / "hr.db")
    src = Sources(ConnectionRegistry({"hr": Connection("hr", url, organisations=frozenset({world.orgs.other_dept.code})),
                                      "bare": Connection("bare", url)}), tmp_path)
    item = person_item(ctx, world.orgs.dept)
    for who in ("system", "compiler", "authority"):  # the item's provider must be served, whoever mounts
        for name in ("hr", "bare", "ghost"):  # one answer for another department's connection and for none
            with pytest.raises(ValidationError) as refused:
                add_table_mount(world.as_(ctx, who), item, src, connection=name, table="person")
            assert str(refused.value) == f"连接：连接“{name}”未配置，或不供“南阳市市场监督管理局”使用"


def test_a_check_asks_again_whether_the_connection_serves_the_provider(ctx, tmp_path):
    from registry.mounts.connections import Connection, ConnectionRegistry
    from registry.mounts.sources import Sources

    world = make_world(ctx, "compiler")
    url = make_source_db(tmp_path / "hr.db")
    item = person_item(ctx, world.orgs.dept)
    serving = Sources(ConnectionRegistry({"hr": Connection("hr", url, organisations=frozenset({world.orgs.dept.code}))}), tmp_path)
    mount = add_table_mount(world.as_(ctx, "compiler"), item, serving, connection="hr", table="person")
    assert mount.status is CheckStatus.OK
    # The deployment narrows the connection to another department: the mount is no longer read, by anyone.
    narrowed = Sources(ConnectionRegistry({"hr": Connection("hr", "sqlite:////nonexistent/never-opened.db",
                                                            organisations=frozenset({world.orgs.other_dept.code}))}), tmp_path)
    for who in ("compiler", "system"):
        assert check_mount(world.as_(ctx, who), mount, narrowed) is CheckStatus.ERROR
        assert mount.error.startswith("连接“hr”不供“南阳市市场监督管理局”使用，未读取")
    assert check_mounts(ctx, narrowed) == [(mount, CheckStatus.ERROR)]
    assert check_mount(ctx, mount, serving) is CheckStatus.OK


def test_retired_items_take_no_new_mounts_and_duplicates_are_refused(ctx, tmp_path):
    world = make_world(ctx)
    src = sources(tmp_path, hr=make_source_db(tmp_path / "hr.db"))
    item = person_item(ctx, world.orgs.dept)
    add_table_mount(ctx, item, src, connection="hr", table="person")
    with pytest.raises(ValidationError, match="该表已挂接在此条目上"):
        add_table_mount(ctx, item, src, connection="HR", table="person")
    retire_item(ctx, item, "业务停办")
    with pytest.raises(ConflictError, match="已注销"):
        add_api_mount(ctx, item, url="https://api.example.gov.cn/x")
    assert ctx.session.scalar(select(ResourceMount.id).where(ResourceMount.item_id == item.id)) is not None
