"""The interface language: Chinese by default with no English left on the main screens, English on request.

Over real HTTP like a browser: ``?lang=en`` once sets a cookie that later pages
follow; the English catalogue is complete and up to date with the templates.
"""
from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po
from client import Browser
from databases import drop_postgres_database, new_postgres_database
from factories import entry, make_org_tree
from live import migrated_runtime, serving

from registry.accounts.operations import create_user
from registry.catalog.models import ItemStatus
from registry.catalog.operations import create_item, publish_item
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.core.i18n import translate
from registry.review.operations import submit_item

PASSWORD = "Yuyan#2026x"
ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "registry" / "translations" / "en" / "LC_MESSAGES" / "messages.po"

#: English words that may appear on a Chinese screen: the product's name, the language switch,
#: file types, and technical names/values of the seeded entry (data, not interface).
ALLOWED_ENGLISH = {
    "Mulu", "English",  # the product; the switch to English names its language in English
    "xlsx", "xls", "csv", "CSV", "Excel",  # file types the import accepts
    "TYSHXYDM", "QYMC", "CLRQ", "oracle",  # the seeded entry's field technical names and format type
    "bianmu", "zhuguan",  # the seeded users' login names (the audit trail names actors by them)
    "GB",  # national standards cited by the rule checks (GB 11643-1999)
    "API",  # the back office's “API 令牌” screen: the term is used as is in Chinese
}

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")


@pytest.fixture(scope="module")
def site(tmp_path_factory, fresh_database_url_for_module):
    settings = load_settings({}, instance_path=tmp_path_factory.mktemp("i18n") / "instance",
                             database_url=fresh_database_url_for_module)
    with migrated_runtime(settings) as runtime:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            orgs = make_org_tree(ctx)
            create_user(ctx, "bianmu", "compiler", orgs.dept.code, PASSWORD, display_name="王芳")
            create_user(ctx, "zhuguan", "authority_admin", orgs.city.code, PASSWORD, display_name="李主管")
            draft = create_item(ctx, entry(orgs.dept, name="企业登记信息")).item
            pending = create_item(ctx, entry(orgs.dept, name="行政许可信息")).item
            step = submit_item(ctx, pending, "首次报送")
            published = create_item(ctx, entry(orgs.dept, name="食品经营许可信息")).item
            publish_item(ctx, published)
            seeded = {
                "draft": draft.code, "pending": pending.code, "published": published.code, "step": step.id,
                "data": {draft.name, pending.name, published.name, "王芳", "李主管", runtime.profile.label,
                         *(o.name for o in (orgs.city, orgs.county, orgs.dept, orgs.other_dept, orgs.unit, orgs.county_dept))},
            }
        with serving(settings) as base:
            yield base, seeded


@pytest.fixture(scope="module")
def fresh_database_url_for_module(tmp_path_factory):
    """An empty database for this module's one site (``fresh_database_url``, at module scope)."""
    if not os.environ.get("MULU_TEST_DATABASE_URL", "").startswith("postgresql"):  # as conftest.is_postgres()
        yield f"sqlite:///{tmp_path_factory.mktemp('i18n-db') / 'fresh.db'}"
        return
    url = new_postgres_database()
    yield url
    drop_postgres_database(url)


def screens(seeded) -> list[tuple[str, str]]:
    """(who, path) of every main screen; None is an anonymous visitor."""
    return [
        (None, "/login"),
        (None, "/"),
        (None, f"/items/{seeded['published']}"),
        ("zhuguan", "/admin/"),
        ("bianmu", "/admin/"),
        ("bianmu", "/admin/items/"),
        ("bianmu", f"/admin/items/{seeded['pending']}"),
        ("bianmu", "/admin/items/new"),
        ("bianmu", f"/admin/items/{seeded['draft']}/edit"),
        ("zhuguan", "/admin/review/"),
        ("zhuguan", f"/admin/review/{seeded['step']}"),
        ("bianmu", "/imports/"),
    ]


def browse(base: str, who: str | None, lang: str | None = None) -> Browser:
    browser = Browser(base)
    if lang:
        status, _ = browser.request(f"/login?lang={lang}")
        assert status == 200
    if who:
        assert browser.login(who, PASSWORD)[0] == 302
    return browser


def visible_text(page: str) -> str:
    """What a reader sees: text outside scripts and styles, plus placeholders, titles, labels and button captions."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>|<!--.*?-->", " ", page)
    seen = re.findall(r'(?i)\s(?:placeholder|title|aria-label|alt)="([^"]*)"', page)
    seen += re.findall(r'(?i)<input[^>]*type="(?:submit|button|reset)"[^>]*value="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(" ".join([text, *seen]))


def parts(page: str, pattern: str) -> list[str]:
    return [html.unescape(re.sub(r"<[^>]+>", " ", m)) for m in re.findall(pattern, page, re.DOTALL | re.IGNORECASE)]


def chrome(page: str) -> str:
    """The interface's own words: navbar, page title, headings, table headings, labels and buttons."""
    found = parts(page, r"<nav\b.*?</nav>") + parts(page, r"<header\b.*?</header>") + parts(page, r"<title>(.*?)</title>")
    found += parts(page, r"<h[1-4]\b[^>]*>(.*?)</h[1-4]>") + parts(page, r"<th\b[^>]*>(.*?)</th>")
    found += parts(page, r"<button\b[^>]*>(.*?)</button>") + parts(page, r"<label\b[^>]*>(.*?)</label>")
    found += parts(page, r'<a\b[^>]*class="[^"]*\bbtn\b[^"]*"[^>]*>(.*?)</a>')
    found += re.findall(r'(?i)\s(?:placeholder|aria-label)="([^"]*)"', page)
    return " ".join(found)


def test_chinese_is_the_default_and_no_english_is_left_on_the_main_screens(site):
    base, seeded = site
    browsers: dict[str | None, Browser] = {}
    for who, path in screens(seeded):
        browser = browsers.setdefault(who, browse(base, who))
        status, page = browser.request(path)
        assert status == 200, path
        assert re.search(r'<html lang="zh-CN"', page), path
        assert 'id="lang-switch"' in page, path
        english = sorted(set(ENGLISH_WORD.findall(visible_text(page))) - ALLOWED_ENGLISH)
        assert not english, f"{path} shows English: {english}"


def test_english_is_chosen_once_and_remembered_by_a_cookie(site):
    base, _ = site
    browser = Browser(base)
    status, page = browser.request("/login?lang=en")
    assert status == 200 and '<html lang="en"' in page and "Sign in" in page
    cookie = browser.headers.get("Set-Cookie", "")
    assert cookie.startswith("mulu_lang=en") and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=" in cookie

    assert browser.login("bianmu", PASSWORD)[0] == 302
    status, page = browser.request("/admin/items/")
    assert status == 200 and '<html lang="en"' in page  # no ?lang= any more: the cookie decides
    assert "Catalog entries" in page and "New catalog entry" in page

    status, page = browser.request("/admin/items/?lang=zh")
    assert "目录条目" in page and '<html lang="zh-CN"' in page
    status, page = browser.request("/admin/items/")
    assert "新建目录条目" in page  # switching back is remembered too


EXPECTED_ENGLISH = {
    "/login": ["Sign in", "User name", "Password"],
    "/": ["Search", "Cataloguing and review (sign in)"],
    "/items/": ["Share type", "Update cycle", "Field name"],
    "/admin/": ["Home", "Catalog entries", "Import", "Sign out"],
    "/admin/items/": ["Catalog entries", "New catalog entry", "Filter", "Resource name", "Status"],
    "/admin/items/new": ["New catalog entry", "Resource name", "Add field", "Save", "Cancel"],
    "/edit": ["Edit:", "Reason for the change", "Save"],
    "/admin/review/": ["Review queue", "Approve selected", "Return selected", "Deadline"],
    "step": ["Decision", "Approve", "Return for rework", "Rule checks", "Metadata", "History", "City review"],
    "item": ["Fields", "Review", "History", "Submitted"],
    "/imports/": ["Import catalog", "Download the template", "Upload and check", "Recent imports"],
}


def expected_for(path: str) -> list[str]:
    if path.endswith("/edit"):
        return EXPECTED_ENGLISH["/edit"]
    if path.startswith("/items/"):
        return EXPECTED_ENGLISH["/items/"]
    if path.startswith("/admin/review/") and path != "/admin/review/":
        return EXPECTED_ENGLISH["step"]
    if path.startswith("/admin/items/") and path not in EXPECTED_ENGLISH:
        return EXPECTED_ENGLISH["item"]
    return EXPECTED_ENGLISH[path]


def test_the_main_screens_in_english_show_english_chrome(site):
    base, seeded = site
    browsers: dict[str | None, Browser] = {}
    data = sorted(seeded["data"], key=len, reverse=True)
    for who, path in screens(seeded):
        browser = browsers.setdefault(who, browse(base, who, lang="en"))
        status, page = browser.request(path)
        assert status == 200, path
        assert '<html lang="en"' in page, path
        shown = visible_text(page)
        for words in expected_for(path):
            assert words in shown, f"{path} lacks {words!r}"
        words = chrome(page)
        for value in data:  # item, organisation and user names are data, Chinese in either language
            words = words.replace(value, "")
        words = words.replace("中文", "")  # the switch back names its language in Chinese
        assert not CJK.search(words), f"{path} chrome has Chinese: {CJK.findall(words)[:20]} in {words[:400]!r}"


def test_the_english_catalogue_is_complete_and_up_to_date(tmp_path):
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    entries = [m for m in catalog if m.id]
    assert not [m.id for m in entries if not m.string], "untranslated messages"
    assert not [m.id for m in entries if m.fuzzy], "fuzzy messages"
    assert not [(m.id, errors) for m, errors in catalog.check()], "translations whose placeholders differ"

    pot = tmp_path / "messages.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_", "-k", "lazy_gettext",
                                "-k", "ngettext:1,2", "--no-location", "-o", str(pot), str(ROOT)])
    with pot.open("rb") as f:
        extracted = {m.id for m in read_po(f) if m.id}
    assert extracted, "nothing extracted"
    missing = extracted - {m.id for m in entries}
    assert not missing, f"run `make translations`: {sorted(missing)[:20]}"


def test_labels_in_python_data_stay_chinese_outside_a_request():
    """Importers, the CLI and validation match on the Chinese labels: they never change."""
    assert ItemStatus.DRAFT.label == "草稿"
    assert translate(ItemStatus.DRAFT.label) == "草稿"
    assert translate("") == "" and translate(None) is None
