"""A real browser (Debian's chromium, driven by Selenium through Debian's chromedriver) against a live server."""
from __future__ import annotations

import os
import shutil

import pytest
from live import migrated_runtime, serving

from registry.core.config import load_settings

CHROMIUM = os.environ.get("MULU_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("MULU_CHROMEDRIVER", "/usr/bin/chromedriver")


@pytest.fixture()
def live_app(tmp_path, fresh_database_url):
    """A migrated instance and a threaded WSGI server on a free loopback port."""
    settings = load_settings({}, instance_path=tmp_path / "instance", database_url=fresh_database_url)
    with migrated_runtime(settings) as runtime, serving(settings) as base:
        yield runtime, base


@pytest.fixture()
def browser(tmp_path):
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        if os.environ.get("CI"):
            pytest.fail("chromium and chromium-driver must be installed for the browser tests (.ci/run installs them)")
        pytest.skip("Debian's chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1000", "--lang=zh-CN"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.downloads = downloads
    driver.implicitly_wait(5)
    yield driver
    driver.quit()
