"""A new compiler, in a real browser: template, fill in, upload, see the errors, fix them, import."""
from __future__ import annotations

import time
import zipfile

from factories import make_org_tree
from openpyxl import load_workbook
from screens import screenshot
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from registry.accounts.operations import create_user
from registry.catalog.models import CatalogItem
from registry.core.db import unit_of_work


def wait_for_download(folder, before: set, timeout: float = 20):
    """The .xlsx file that appeared in the download folder since ``before`` was taken."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        # Chromium may show the final name before the last bytes land (seen under load): wait for a whole zip.
        done = [p for p in folder.iterdir() if p.suffix == ".xlsx" and p not in before and zipfile.is_zipfile(p)]
        if done and not any(p.suffix == ".crdownload" for p in folder.iterdir()):
            return done[0]
        time.sleep(0.1)
    raise AssertionError("nothing was downloaded")


def fill(template, share_condition: str | None):
    """What the compiler types into the downloaded template."""
    book = load_workbook(template)
    sheet = book["目录"]
    headers = [c.value for c in sheet[1]]
    first = {"*类": "3", "*项": "07", "目": "411", "*信息资源名称": "行政处罚信息", "*信息资源摘要": "本局作出的行政处罚决定。",
             "*信息资源格式分类": "数据库", "信息资源格式类型": "oracle", "*共享类型": "有条件共享", "共享条件": share_condition,
             "共享方式分类": "共享平台方式", "共享方式类型": "接口", "*开放类型": "不予开放", "*更新周期": "每月",
             "信息项名称": "处罚决定书文号", "数据类型": "字符型（C）", "数据长度": 50}
    second = {"信息项名称": "处罚种类", "数据类型": "字符型（C）", "数据长度": 20}
    for row, values in ((2, first), (3, second)):
        for column, header in enumerate(headers, start=1):
            if values.get(header) is not None:
                sheet.cell(row=row, column=column, value=values[header])
    path = template.with_name("填好的目录.xlsx")
    book.save(path)
    return path


def upload(browser, path):
    browser.find_element(By.ID, "file").send_keys(str(path))
    browser.find_element(By.ID, "check").click()
    WebDriverWait(browser, 30).until(EC.presence_of_element_located((By.ID, "counts")))


def test_compiler_imports_a_catalog_in_the_browser(live_app, browser, tmp_path):
    runtime, base = live_app
    with unit_of_work(runtime.sessions) as session:
        ctx = runtime.context(session)
        orgs = make_org_tree(ctx)
        create_user(ctx, "wangfang", "compiler", orgs.dept.code, "Bianmu#2026", display_name="王芳")

    browser.get(base + "/imports/")
    assert "登录" in browser.title
    browser.find_element(By.ID, "username").send_keys("wangfang")
    browser.find_element(By.ID, "password").send_keys("Bianmu#2026")
    screenshot(browser, "01-login")
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "download-template")))
    assert "王芳" in browser.page_source
    screenshot(browser, "02-import-page")

    browser.find_element(By.ID, "download-template").click()
    template = wait_for_download(browser.downloads, set())

    upload(browser, fill(template, share_condition=None))  # forgot the 共享条件
    assert browser.find_element(By.ID, "count-rejected").text == "1"
    problems = browser.find_element(By.ID, "problems").text
    assert "有条件共享须写明共享条件" in problems and "目录" in problems
    assert not browser.find_elements(By.ID, "confirm")
    screenshot(browser, "03-preview-with-errors")
    before = set(browser.downloads.iterdir())
    browser.find_element(By.ID, "download-report").click()
    report = load_workbook(wait_for_download(browser.downloads, before))
    assert report.sheetnames[0] == "导入结果"
    commented = [c for row in report["目录"].iter_rows(min_row=2, max_row=2) for c in row if c.comment]
    assert [c.coordinate for c in commented] == ["O2"] and "共享条件" in commented[0].comment.text

    browser.find_element(By.LINK_TEXT, "返回").click()
    upload(browser, fill(template, share_condition="仅限执法监管部门使用，须经本局审批"))
    assert browser.find_element(By.ID, "count-create").text == "1"
    assert browser.find_element(By.ID, "count-rejected").text == "0"
    screenshot(browser, "04-preview-clean")
    browser.find_element(By.ID, "confirm").click()
    WebDriverWait(browser, 30).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".flash"), "已导入"))
    screenshot(browser, "05-imported")

    with unit_of_work(runtime.sessions) as session:
        item = session.scalar(select(CatalogItem).where(CatalogItem.name == "行政处罚信息"))
        assert item is not None and item.provider.code == orgs.dept.code
        assert [f.name for f in item.fields] == ["处罚决定书文号", "处罚种类"]
        assert item.share_condition.startswith("仅限执法")
