"""An item's API links are what ``url_for`` builds, however odd its code, from one ``url_for`` per link and request."""
from __future__ import annotations

import pytest
from flask import url_for
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.app import create_app
from registry.catalog.api import item_links
from registry.core.config import load_settings

CODES = st.text(alphabet=st.sampled_from("0123456789/ABCxyz-_.~ %?#&+=:;@!$'()*,测试代码\u3000"), min_size=1, max_size=20)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("links")
    return create_app(load_settings({}, instance_path=instance, database_url=f"sqlite:///{instance / 'm.db'}"))


@settings(max_examples=300, deadline=None)
@given(codes=st.lists(CODES, min_size=1, max_size=4))
def test_links_equal_url_for(app, codes):
    with app.test_request_context("/api/v1/items"):
        for code in codes:  # several in one request: the templates are built once and reused
            assert item_links(code) == {
                "self": url_for("items_api.Item", code=code), "fields": url_for("items_api.item_fields", code=code),
                "history": url_for("items_api.item_history", code=code), "review": url_for("review_api.item_review", code=code),
            }
