"""A compiler, in a real browser: the generated item form, adding 信息项 rows, saving, the item's page."""
from __future__ import annotations

from factories import make_org_tree
from forms import fill_item_form
from screens import screenshot
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from registry.accounts.operations import create_user
from registry.core.db import unit_of_work


def test_compiler_fills_in_the_item_form(live_app, browser):
    runtime, base = live_app
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        orgs = make_org_tree(ctx)
        create_user(ctx, "wangfang", "compiler", orgs.dept.code, "Bianmu#2026", display_name="王芳")

    browser.get(base + "/admin/")
    browser.find_element(By.ID, "username").send_keys("wangfang")
    browser.find_element(By.ID, "password").send_keys("Bianmu#2026")
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "dashboard")))
    browser.find_element(By.LINK_TEXT, "目录条目").click()
    browser.find_element(By.ID, "new-item").click()

    fill_item_form(
        browser,
        {"class_code": "3", "item_code": "07", "category_code": "411", "name": "行政处罚信息",
         "summary": "本局作出的行政处罚决定。", "format_type": "oracle", "open_basis": "涉及当事人权益"},
        {"format_class": "数据库", "share_type": "有条件共享", "open_type": "不予开放", "update_cycle": "每月"},
        ("处罚决定书文号", "处罚种类"),
    )
    browser.find_element(By.ID, "save").click()  # forgot the 共享条件

    error = browser.find_element(By.CSS_SELECTOR, "[data-for='share_condition']")
    assert "有条件共享须写明共享条件" in error.text
    screenshot(browser, "11-item-form-with-errors")
    browser.find_element(By.NAME, "share_condition").send_keys("仅限执法监管部门使用")
    Select(browser.find_element(By.NAME, "share_method_class")).select_by_visible_text("共享平台方式")
    Select(browser.find_element(By.NAME, "share_method_type")).select_by_visible_text("接口")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#field-rows tr")) == 2  # the rows came back with the errors
    browser.find_element(By.ID, "save").click()

    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "item-fields")))
    assert "已保存" in browser.find_element(By.CSS_SELECTOR, ".flash").text
    assert "处罚种类" in browser.find_element(By.ID, "item-fields").text
    screenshot(browser, "12-item-page")
