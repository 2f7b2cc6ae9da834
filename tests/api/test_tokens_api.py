"""Who may call the API: personal tokens (from the CLI or the API), their revocation and expiry, rate limits,
and browser sessions, which must send a CSRF token to write."""
from __future__ import annotations

import pytest
from api_client import ApiClient, api_entry, is_error
from api_office import PASSWORD, api_office, as_, seed_people
from click.testing import CliRunner
from client import signed_in
from sqlalchemy import MetaData, update

from registry.accounts.models import ApiToken, User
from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.cli import main
from registry.core.db import unit_of_work, utcnow


def mulu(office, *args: str):
    settings = office.runtime.settings
    env = {"MULU_INSTANCE_PATH": str(settings.instance_path), "MULU_DATABASE_URL": settings.database_url,
           "MULU_PROFILE": settings.profile}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def all_stored_text(office) -> str:
    """Every value of every row of every table, as one text."""
    metadata = MetaData()
    metadata.reflect(office.runtime.engine)
    with office.runtime.engine.connect() as conn:
        return "\n".join(repr(tuple(row)) for table in metadata.sorted_tables for row in conn.execute(table.select()))


def test_a_token_from_the_cli_authenticates_and_is_stored_only_as_a_hash(office):
    result = mulu(office, "token", "create", "compiler", "--name", "对接数据中台", "--days", "30")
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("mulu_")
    me = ApiClient(office.base, token).get("/me")
    assert me.status_code == 200, me.text
    assert me.json()["username"] == "compiler" and me.json()["role"] == "compiler"
    assert me.json()["organisation"]["code"] == office.seeded["orgs"]["dept"]
    listed = ApiClient(office.base, token).get("/tokens").json()
    assert "对接数据中台" in [t["name"] for t in listed] and all("token" not in t for t in listed)
    assert token[:12] in [t["prefix"] for t in listed]
    stored = all_stored_text(office)
    assert token not in stored and token[12:] not in stored
    assert mulu(office, "token", "create", "nobody").exit_code != 0


def mint(office, username: str, name: str, days: int | None = None) -> dict:
    """A new token for ``username``, as the back office would make it: ``{"id", "token"}``."""
    from sqlalchemy import select

    with unit_of_work(office.runtime.sessions) as session:
        user = session.scalar(select(User).where(User.username == username))
        row, token = create_token(office.runtime.context(session, actor=user), user, name, days)
        return {"id": row.id, "token": token}


def test_a_token_cannot_mint_tokens(office):
    body = is_error(as_(office, "compiler").post("/tokens", {"name": "由令牌创建"}), 403)
    assert "不能用来创建新令牌" in body["message"]


def test_a_revoked_token_is_refused_at_once(office):
    client = as_(office, "compiler")
    created = mint(office, "compiler", "临时脚本")
    fresh = ApiClient(office.base, created["token"])
    assert fresh.get("/me").status_code == 200
    assert fresh.delete(f"/tokens/{created['id']}").status_code == 204
    body = is_error(fresh.get("/me"), 401)
    assert body["code"] == "unauthorized"
    is_error(fresh.get("/items"), 401)  # a bad token is refused, not read as anonymous
    assert client.get("/me").status_code == 200  # the user's other tokens still work


def test_one_user_cannot_revoke_anothers_token(office):
    victim = mint(office, "other_compiler", "别人的令牌")
    is_error(as_(office, "compiler").delete(f"/tokens/{victim['id']}"), 404)
    assert ApiClient(office.base, victim["token"]).get("/me").status_code == 200


def test_expired_tokens_and_tokens_of_disabled_users_are_refused(office):
    expiring = mint(office, "compiler", "即将过期", days=1)
    assert ApiClient(office.base, expiring["token"]).get("/me").status_code == 200
    with unit_of_work(office.runtime.sessions) as session:
        session.execute(update(ApiToken).where(ApiToken.id == expiring["id"]).values(expires_at=utcnow().replace(year=2020)))
    is_error(ApiClient(office.base, expiring["token"]).get("/me"), 401)

    with unit_of_work(office.runtime.sessions) as session:
        ctx = office.runtime.context(session)
        leaver = create_user(ctx, "leaver", "compiler", office.seeded["orgs"]["dept"], PASSWORD)
        token = create_token(ctx, leaver, "离职前创建")[1]
    assert ApiClient(office.base, token).get("/me").status_code == 200
    with unit_of_work(office.runtime.sessions) as session:
        session.execute(update(User).where(User.username == "leaver").values(is_active=False))
    is_error(ApiClient(office.base, token).get("/me"), 401)


@pytest.mark.parametrize("header", ["Bearer mulu_not-a-real-token", "Bearer ", "Basic Y29tcGlsZXI6eA==", "Bearer abc"])
def test_malformed_or_unknown_credentials_are_401(office, header):
    response = ApiClient(office.base).get("/me", headers={"Authorization": header})
    is_error(response, 401)


def test_anonymous_me_is_401(office):
    is_error(ApiClient(office.base).get("/me"), 401)
    is_error(ApiClient(office.base).get("/tokens"), 401)


def test_a_token_over_its_rate_limit_gets_429_with_retry_headers(tmp_path, fresh_database_url):
    seed = lambda ctx: seed_people(ctx, ("compiler", "other_compiler"))
    with api_office(tmp_path / "instance", fresh_database_url, seed, env={"MULU_API_RATE_LIMIT": "5 per minute"}) as office:
        client = as_(office, "compiler")
        statuses = [client.get("/me").status_code for _ in range(5)]
        assert statuses == [200] * 5
        limited = client.get("/items")
        body = is_error(limited, 429)
        assert body["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) > 0
        assert limited.headers["X-RateLimit-Limit"] == "5" and limited.headers["X-RateLimit-Remaining"] == "0"
        is_error(client.post("/items", api_entry(office.seeded["orgs"]["dept"])), 429)
        assert as_(office, "other_compiler").get("/me").status_code == 200  # counted per token
        assert ApiClient(office.base).get("/items").status_code == 200  # anonymous readers are not counted per token


def test_a_browser_session_writes_only_with_its_csrf_token(office):
    browser = signed_in(office.base, "compiler", PASSWORD)
    csrf = browser.csrf("/admin/items/new")
    session = ApiClient(office.base)
    for cookie in browser.jar:
        session.http.cookies.set(cookie.name, cookie.value)
    assert session.get("/me").json()["username"] == "compiler"
    body = api_entry(office.seeded["orgs"]["dept"], name="会话写入测试")
    refused = is_error(session.post("/items", body), 400)
    assert "X-CSRFToken" in refused["message"]
    is_error(session.post("/items", body, headers={"X-CSRFToken": "forged"}), 400)
    created = session.post("/items", body, headers={"X-CSRFToken": csrf})
    assert created.status_code == 201, created.text
    code, etag = created.json()["item"]["code"], created.headers["ETag"]
    is_error(session.patch(f"/items/{code}", {"format_description": "无令牌"}, etag=etag), 400)
    patched = session.patch(f"/items/{code}", {"format_description": "带令牌"}, headers={"If-Match": etag, "X-CSRFToken": csrf})
    assert patched.status_code == 200, patched.text
