"""Filling in the item form as a compiler would, for the browser tests."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def fill_item_form(browser, texts: dict[str, str], choices: dict[str, str], field_names: tuple[str, ...],
                   data_type: str = "字符型") -> None:
    """Type ``texts``, pick ``choices`` by their visible labels, and add one 信息项 row per name."""
    for name, text in texts.items():
        browser.find_element(By.NAME, name).send_keys(text)
    for name, label in choices.items():
        Select(browser.find_element(By.NAME, name)).select_by_visible_text(label)
    for _ in field_names:
        browser.find_element(By.ID, "add-field").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "#field-rows tr")
    assert len(rows) == len(field_names)
    for row, name in zip(rows, field_names):
        row.find_element(By.CSS_SELECTOR, "input[name$='-name']").send_keys(name)
        Select(row.find_element(By.CSS_SELECTOR, "select[name$='-data_type']")).select_by_visible_text(data_type)
