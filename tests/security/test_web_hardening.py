"""Security headers, the script nonce and session cookies over real HTTP (等保 2.0 level 3 practice)."""
from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import client
import pytest
from client import Browser
from databases import drop_postgres_database, is_postgres, new_postgres_database
from factories import entry, make_org_tree
from live import seeded_office

from registry.accounts.operations import create_user
from registry.app import create_app
from registry.catalog.operations import create_item
from registry.core.config import load_settings

PASSWORD = "Anquan#2026x"
IDLE_MINUTES = 5


def _seed(ctx) -> str:
    orgs = make_org_tree(ctx)
    create_user(ctx, "bianmu", "compiler", orgs.county_dept.code, PASSWORD)
    create_user(ctx, "shiji", "city_reviewer", orgs.city.code, PASSWORD)
    return create_item(ctx, entry(orgs.county_dept, name="市场主体登记信息")).item.code


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    path = tmp_path_factory.mktemp("security")
    url = new_postgres_database() if is_postgres() else f"sqlite:///{path / 'mulu.db'}"
    env = {"MULU_SESSION_IDLE_MINUTES": str(IDLE_MINUTES)}
    with seeded_office(path / "instance", url, _seed, "binzhou", env=env) as served:
        yield served
    if is_postgres():
        drop_postgres_database(url)


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(client.NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode()


def policy(headers: dict[str, str]) -> dict[str, list[str]]:
    """The CSP as directive → sources."""
    parts = (p.split() for p in headers["Content-Security-Policy"].split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def assert_hardened(headers: dict[str, str], production: bool = False) -> None:
    csp = policy(headers)
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["base-uri"] == ["'self'"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert ("Strict-Transport-Security" in headers) is production


def assert_scripts_carry_nonce(headers: dict[str, str], page: str) -> int:
    """Every script is same-origin or inline with this response's nonce; no inline event handlers. Returns the count."""
    scripts = policy(headers)["script-src"]
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    nonce = next(s for s in scripts if s.startswith("'nonce-"))[len("'nonce-"):-1]
    tags = re.findall(r"<script\b[^>]*>", page)
    for tag in tags:
        src = re.search(r'\bsrc="([^"]*)"', tag)
        if src:
            assert src.group(1).startswith("/") and not src.group(1).startswith("//"), tag
        else:
            assert f'nonce="{nonce}"' in tag, f"inline script without the response's nonce: {tag}"
    handlers = re.findall(r"<[^>]*\son[a-z]+=", page)
    assert not handlers, f"inline event handlers would be blocked: {handlers[:3]}"
    return len(tags)


#: The main back-office pages, each as a user who may open it.
BACK_OFFICE = {
    "bianmu": ("/admin/", "/admin/items/", "/admin/items/{code}", "/admin/items/{code}/edit", "/imports/",
               "/admin/share-requests/", "/admin/exports/", "/admin/tokens/"),
    "shiji": ("/admin/", "/admin/review/", "/admin/catalog-updates/"),
}


def test_back_office_pages_are_hardened_and_their_scripts_carry_the_nonce(office):
    _, base, code = office
    nonces = set()
    for username, paths in BACK_OFFICE.items():
        browser = client.signed_in(base, username, PASSWORD)
        for path in paths:
            status, page = browser.request(path.format(code=code))
            assert status == 200, (username, path, status)
            assert_hardened(browser.headers)
            assert assert_scripts_carry_nonce(browser.headers, page) > 0, path  # Flask-Admin's own scripts at least
            nonces.add(policy(browser.headers)["script-src"][1])
    assert len(nonces) == sum(map(len, BACK_OFFICE.values()))  # a fresh nonce for every response


def test_public_pages_and_api_responses_are_hardened(office):
    _, base, code = office
    for path in ("/", "/?q=%E5%B8%82%E5%9C%BA", f"/items/{code}", "/login", "/api/v1/items", "/api/v1/items/NO-SUCH", "/no-such-page"):
        status, headers, page = fetch(base + path)
        assert status < 500, path
        assert_hardened(headers)
        if headers.get("Content-Type", "").startswith("text/html"):
            assert_scripts_carry_nonce(headers, page)


def test_swagger_ui_alone_may_run_its_inline_start_up_script(office):
    _, base, _ = office
    status, headers, page = fetch(base + "/api/v1/docs")
    assert status == 200 and "swagger-ui-bundle.js" in page
    assert_hardened(headers)
    assert "'unsafe-inline'" in policy(headers)["script-src"]
    for src in re.findall(r'<script src="([^"]+)"', page):  # its assets are served by Mulu itself
        assert src.startswith("/api/v1/swagger-ui/")
        assert fetch(base + src)[0] == 200
    assert fetch(base + "/api/v1/openapi.json")[0] == 200
    _, headers, _ = fetch(base + "/api/v1/docs/other")
    assert "'unsafe-inline'" not in policy(headers)["script-src"]  # only that one page


def _session_cookie(headers: dict[str, str]) -> str:
    return next(v for k, v in headers.items() if k.lower() == "set-cookie" and v.startswith("session="))


def test_session_cookie_flags_in_development_and_production(office, tmp_path):
    _, base, _ = office
    browser = Browser(base)
    browser.login("bianmu", PASSWORD)
    cookie = _session_cookie(browser.headers).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie
    production = load_settings({"MULU_ENV": "production", "MULU_SECRET_KEY": "x" * 40}, instance_path=tmp_path,
                               database_url=f"sqlite:///{tmp_path / 'p.db'}")
    app = create_app(production)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login")
    assert_hardened(dict(response.headers), production=True)
    assert "; secure" in response.headers["Set-Cookie"].lower()


def test_a_session_idle_longer_than_the_setting_must_sign_in_again(office):
    runtime, base, _ = office
    browser = client.signed_in(base, "bianmu", PASSWORD)
    cookie = next(c.value for c in browser.jar if c.name == "session")
    app = create_app(runtime.settings)  # same secret: signs cookies the server accepts
    serializer = app.session_interface.get_signing_serializer(app)
    data = serializer.loads(cookie)

    def last_used(minutes_ago: float) -> str:
        class Then(serializer.signer):
            def get_timestamp(self):
                return int(time.time() - minutes_ago * 60)

        serializer.signer = Then
        return "session=" + serializer.dumps(data)

    status, _, _ = fetch(base + "/admin/items/", last_used(IDLE_MINUTES - 1))
    assert status == 200  # used recently enough: still signed in
    status, headers, _ = fetch(base + "/admin/items/", last_used(IDLE_MINUTES + 1))
    assert status == 302 and "/login" in headers["Location"]


def test_idle_minutes_setting_is_validated():
    from registry.core.errors import ConfigError

    assert load_settings({}).session_idle_minutes == 30
    with pytest.raises(ConfigError, match="MULU_SESSION_IDLE_MINUTES"):
        load_settings({"MULU_SESSION_IDLE_MINUTES": "zero"})
