"""The review workflow, in a real browser, under the three-level nanyang profile.

A county department's compiler creates and submits an entry; the county
reviewer comments on the summary and returns it; the compiler fixes and
resubmits; the county (bulk) and the city approve and it is published. Then
the compiler edits the published entry, which becomes a pending change: the
county reviewer reads the side-by-side diff and approves, then the city, then
the data authority (nanyang §22), and the change is applied.
"""
from __future__ import annotations

from urllib.parse import quote

import pytest
from factories import make_org_tree
from forms import fill_item_form
from live import migrated_runtime, serving
from screens import screenshot
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select

from registry.accounts.operations import create_user
from registry.catalog.models import CatalogItem, ChangeState, ItemStatus
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.requests.models import Request

PASSWORD = "Shenhe#2026"
NAME, NEW_NAME = "行政处罚信息", "行政处罚决定信息"
SUMMARY = "处罚决定。"
FIXED_SUMMARY = "本局依法作出的行政处罚决定，包括文号、当事人、处罚种类和处罚依据。"


@pytest.fixture()
def nanyang_app(tmp_path, fresh_database_url):
    """Like ``live_app``, under the nanyang profile: department → county → city, changes also to the data authority."""
    settings = load_settings({"MULU_PROFILE": "nanyang"}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime, serving(settings) as base:
        with unit_of_work(runtime.sessions) as session:
            ctx = runtime.context(session)
            orgs = make_org_tree(ctx)
            for username, role, org, name in (("wangfang", "compiler", orgs.county_dept, "王芳"),
                                              ("lixian", "county_reviewer", orgs.county, "李县审"),
                                              ("zhaoshi", "city_reviewer", orgs.city, "赵市审"),
                                              ("sunzhuguan", "authority_admin", orgs.city, "孙主管")):
                create_user(ctx, username, role, org.code, PASSWORD, display_name=name)
        yield runtime, base


def wait_for(browser, element_id: str):
    return WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, element_id)))


def sign_in(browser, base: str, username: str, path: str, landmark: str) -> None:
    """Sign out whoever is signed in (with the 退出 button), then sign in and land on ``path``."""
    if "/admin/" in browser.current_url:
        browser.find_element(By.ID, "logout").click()
        wait_for(browser, "login")
    browser.get(f"{base}/login?next={quote(path)}")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "login").click()
    wait_for(browser, landmark)


def flash_text(browser) -> str:
    return " ".join(e.text for e in browser.find_elements(By.CSS_SELECTOR, ".flash"))


def status(browser) -> str:
    return browser.find_element(By.ID, "item-status").text


def show(browser, element_id: str) -> None:
    """Scroll an element to the top of the window, for the screenshot."""
    browser.execute_script("arguments[0].scrollIntoView()", browser.find_element(By.ID, element_id))


def queue_row(browser, title_part: str):
    """The queue row whose entry title contains ``title_part``."""
    rows = [r for r in browser.find_elements(By.CSS_SELECTOR, "#queue tbody tr[data-step]") if title_part in r.text]
    assert len(rows) == 1, [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#queue tbody tr")]
    return rows[0]


def open_step_from_queue(browser, title_part: str) -> None:
    queue_row(browser, title_part).find_element(By.CSS_SELECTOR, "a[href*='/admin/review/']").click()
    wait_for(browser, "step-title")


def approve_on_step_page(browser, comment: str = "") -> None:
    if comment:
        browser.find_element(By.ID, "approve-comment").send_keys(comment)
    browser.find_element(By.ID, "approve").click()
    wait_for(browser, "queue")


def test_county_item_is_returned_fixed_published_and_changed(nanyang_app, browser):
    runtime, base = nanyang_app

    # 1. The county compiler creates the entry with two 信息项 and submits it.
    sign_in(browser, base, "wangfang", "/admin/items/new", "item-form")
    assert Select(browser.find_element(By.NAME, "provider")).first_selected_option.text == "南召县市场监督管理局"
    fill_item_form(
        browser,
        {"class_code": "3", "item_code": "07", "category_code": "411", "name": NAME, "summary": SUMMARY,
         "format_type": "oracle", "open_basis": "涉及当事人权益"},
        {"format_class": "数据库", "share_type": "无条件共享", "share_method_class": "市共享平台",
         "share_method_type": "数据服务接口", "open_type": "不予开放", "update_cycle": "每月"},
        ("处罚决定书文号", "处罚种类"),
    )
    screenshot(browser, "21-review-item-form")
    browser.find_element(By.ID, "save").click()

    wait_for(browser, "item-fields")
    assert "已保存" in flash_text(browser), browser.find_element(By.TAG_NAME, "body").text[:2000]
    item_url = browser.current_url
    assert status(browser) == "草稿"
    browser.find_element(By.CSS_SELECTOR, "#submit-form input[name=note]").send_keys("首次编目，请审核")
    browser.find_element(By.ID, "submit-item").click()
    wait_for(browser, "review-panel")
    assert "已提交审核" in flash_text(browser)
    assert status(browser) == "已提交"
    assert "县级审核" in browser.find_element(By.ID, "review-step").text
    assert "首次编目，请审核" in browser.find_element(By.ID, "timeline").text
    show(browser, "review-panel")
    screenshot(browser, "22-review-item-submitted")

    # 2. The county reviewer finds it in the queue, comments on the summary and returns it.
    sign_in(browser, base, "lixian", "/admin/review/", "queue")
    assert browser.find_element(By.ID, "count-open").text == "1"
    row = queue_row(browser, NAME)
    assert "南召县市场监督管理局" in row.text and "县级审核" in row.text and "已提交" in row.text
    screenshot(browser, "23-review-queue")
    open_step_from_queue(browser, NAME)
    assert NAME in browser.find_element(By.ID, "step-title").text
    assert browser.find_element(By.ID, "step-state").text == "待审核"
    assert browser.find_element(By.ID, "item-status").text == "已提交"
    assert browser.find_element(By.ID, "checks").text  # the rule checks are listed
    assert "首次编目，请审核" in browser.find_element(By.ID, "comments").text  # the compiler's note
    screenshot(browser, "24-review-step")
    Select(browser.find_element(By.ID, "comment-target")).select_by_visible_text("信息资源摘要")
    browser.find_element(By.ID, "comment-text").send_keys("摘要过于简单，请写明包含哪些内容。")
    browser.find_element(By.ID, "add-comment").click()
    wait_for(browser, "comments")
    assert "意见已保存" in flash_text(browser)
    assert "摘要过于简单" in browser.find_element(By.CSS_SELECTOR, "#element-summary .comment").text
    browser.find_element(By.ID, "return-reason").send_keys("摘要不完整，请补充后重新提交")
    browser.find_element(By.ID, "return").click()
    wait_for(browser, "queue")
    assert "已退回" in flash_text(browser)
    assert browser.find_element(By.ID, "count-open").text == "0"

    # 3. The compiler reads why, fixes the summary and submits again.
    sign_in(browser, base, "wangfang", item_url.removeprefix(base), "review-panel")
    assert status(browser) == "草稿"
    returned = browser.find_element(By.ID, "returned").text
    assert "已被退回" in returned and "摘要不完整，请补充后重新提交" in returned
    assert "摘要过于简单，请写明包含哪些内容。" in returned and "李县审" in returned
    show(browser, "review-panel")
    screenshot(browser, "25-review-item-returned")
    browser.find_element(By.ID, "edit-item").click()
    summary = browser.find_element(By.NAME, "summary")
    summary.clear()
    summary.send_keys(FIXED_SUMMARY)
    browser.find_element(By.ID, "save").click()
    wait_for(browser, "item-fields")
    assert "已保存" in flash_text(browser)
    assert browser.find_element(By.CSS_SELECTOR, "#element-summary td").text == FIXED_SUMMARY
    browser.find_element(By.ID, "submit-item").click()
    wait_for(browser, "review-panel")
    assert "已提交审核" in flash_text(browser) and status(browser) == "已提交"

    # 4. County approves in bulk from the queue, the city on the step page: published.
    sign_in(browser, base, "lixian", "/admin/review/", "queue")
    row = queue_row(browser, NAME)
    assert "第 2 次提交" in row.text
    row.find_element(By.CSS_SELECTOR, "input[name=step]").click()
    browser.find_element(By.ID, "bulk-approve").click()
    wait_for(browser, "queue")
    assert "已处理 1 条" in flash_text(browser)
    assert browser.find_element(By.ID, "count-open").text == "0"

    sign_in(browser, base, "zhaoshi", "/admin/review/", "queue")
    row = queue_row(browser, NAME)
    assert "市级审核" in row.text and "审核中" in row.text
    open_step_from_queue(browser, NAME)
    assert browser.find_element(By.CSS_SELECTOR, "#element-summary td").text.startswith(FIXED_SUMMARY)
    approve_on_step_page(browser, "同意发布")
    assert "已通过，条目已发布" in flash_text(browser)

    sign_in(browser, base, "wangfang", item_url.removeprefix(base), "review-panel")
    assert status(browser) == "已发布"
    published_version = browser.find_element(By.XPATH, "//p[contains(., '版本')]").text

    # 5. The compiler changes the published entry: renamed, a third 信息项. It waits for three levels.
    browser.find_element(By.ID, "edit-item").click()
    wait_for(browser, "item-form")
    assert "此条目已发布" in browser.find_element(By.ID, "item-form").text
    name = browser.find_element(By.NAME, "name")
    name.clear()
    name.send_keys(NEW_NAME)
    browser.find_element(By.ID, "add-field").click()
    new_row = browser.find_elements(By.CSS_SELECTOR, "#field-rows tr")[-1]
    new_row.find_element(By.CSS_SELECTOR, "input[name$='-name']").send_keys("罚款金额")
    Select(new_row.find_element(By.CSS_SELECTOR, "select[name$='-data_type']")).select_by_visible_text("数值型")
    browser.find_element(By.ID, "reason").send_keys("名称更准确，补充罚款金额")
    browser.find_element(By.ID, "save").click()
    wait_for(browser, "review-panel")
    assert "已提交变更，待审核" in flash_text(browser)
    assert status(browser) == "变更待审"
    assert browser.find_element(By.ID, "item-name").text == NAME  # the published version stays until approved
    assert "县级审核" in browser.find_element(By.ID, "review-step").text

    sign_in(browser, base, "lixian", "/admin/review/", "queue")
    row = queue_row(browser, NAME)
    assert "变更" in row.text and "变更待审" in row.text
    open_step_from_queue(browser, NAME)
    diff = browser.find_element(By.ID, "diff")
    assert "名称更准确，补充罚款金额" in diff.text
    name_row = diff.find_element(By.XPATH, ".//tr[th[normalize-space()='信息资源名称']]")
    assert name_row.find_element(By.CSS_SELECTOR, ".diff-old").text == NAME
    assert name_row.find_element(By.CSS_SELECTOR, ".diff-new").text == NEW_NAME
    assert "罚款金额" in browser.find_element(By.ID, "diff-table").text
    show(browser, "diff")
    screenshot(browser, "26-review-change-diff")
    approve_on_step_page(browser)
    assert "已通过，转市级审核" in flash_text(browser)

    sign_in(browser, base, "zhaoshi", "/admin/review/", "queue")
    open_step_from_queue(browser, NAME)
    assert NEW_NAME in browser.find_element(By.ID, "diff-table").text
    approve_on_step_page(browser)
    assert "已通过，转主管部门审批" in flash_text(browser)

    sign_in(browser, base, "sunzhuguan", "/admin/review/", "queue")
    row = queue_row(browser, NAME)
    assert "主管部门审批" in row.text
    open_step_from_queue(browser, NAME)
    approve_on_step_page(browser, "同意更新")
    assert "已通过，变更已生效" in flash_text(browser)

    browser.get(item_url)
    wait_for(browser, "review-panel")
    assert status(browser) == "已发布"
    assert browser.find_element(By.ID, "item-name").text == NEW_NAME
    assert "罚款金额" in browser.find_element(By.ID, "item-fields").text
    timeline = browser.find_element(By.ID, "timeline").text
    for what in ("县级审核：退回", "县级审核：审核通过", "市级审核：审核通过", "主管部门审批：审核通过", "同意更新"):
        assert what in timeline, timeline
    show(browser, "review-panel")
    screenshot(browser, "27-review-item-changed")

    # 6. The dashboard, as the data authority sees it.
    browser.get(base + "/admin/")
    wait_for(browser, "logout")
    screenshot(browser, "28-review-dashboard-authority")

    # The database agrees with what the browser showed.
    with unit_of_work(runtime.sessions) as session:
        item = session.scalar(select(CatalogItem).where(CatalogItem.name == NEW_NAME))
        assert item.status is ItemStatus.PUBLISHED and item.summary == FIXED_SUMMARY
        assert [f.name for f in item.fields] == ["处罚决定书文号", "处罚种类", "罚款金额"]
        assert item.version == int(published_version.split("版本")[1].split()[0]) + 1
        assert [c.state for c in item.changes][-1] is ChangeState.APPLIED
        steps = session.scalars(select(Request).where(Request.item_id == item.id).order_by(Request.id)).all()
        assert [(s.round, s.level, s.state) for s in steps] == [
            (1, "county", "returned"), (2, "county", "approved"), (2, "city", "approved"),
            (3, "county", "approved"), (3, "city", "approved"), (3, "authority", "approved"),
        ]
