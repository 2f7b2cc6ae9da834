"""A bug is a 500, not a 503: only a database that cannot be reached asks the user to retry."""
from __future__ import annotations

import requests
from fault_kit import served_api
from sqlalchemy import text


def test_a_broken_schema_is_a_server_error_not_an_outage(instance):
    with served_api(instance) as (http, api, _):
        with instance.runtime.engine.begin() as connection:  # a migration gone wrong: a table the app needs is gone
            connection.execute(text("ALTER TABLE catalog_item RENAME TO catalog_item_gone"))
        page = requests.get(api.removesuffix("/api/v1") + "/items/101001/000001", timeout=30)
        listed = http.get(api + "/items?per_page=5", timeout=30)
    assert page.status_code == 500 and "服务器内部错误" in page.text and "Retry-After" not in page.headers
    assert listed.status_code == 500 and listed.json()["code"] == "server_error"
