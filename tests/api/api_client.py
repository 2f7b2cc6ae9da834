"""A small JSON client for the REST API, as an integrator would write one."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

PREFIX = "/api/v1"


@dataclass
class Office:
    runtime: Any
    base: str
    seeded: Any


class ApiClient:
    """Calls ``/api/v1`` with a Bearer token (or anonymously); every call returns the ``requests`` response."""

    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, json: Any = None, headers: dict | None = None, **kwargs) -> requests.Response:
        url = path if path.startswith("http") else self.base + PREFIX + path
        return self.http.request(method, url, json=json, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs) -> requests.Response:
        return self.call("POST", path, json=json if json is not None else {}, **kwargs)

    def put(self, path: str, json: Any, etag: str | None = None, headers: dict | None = None, **kwargs) -> requests.Response:
        return self.call("PUT", path, json=json, headers={**({"If-Match": etag} if etag else {}), **(headers or {})}, **kwargs)

    def patch(self, path: str, json: Any, etag: str | None = None, headers: dict | None = None, **kwargs) -> requests.Response:
        return self.call("PATCH", path, json=json, headers={**({"If-Match": etag} if etag else {}), **(headers or {})}, **kwargs)

    def delete(self, path: str, **kwargs) -> requests.Response:
        return self.call("DELETE", path, **kwargs)

    def create(self, body: dict) -> dict:
        """Create an item, asserting success; returns the created item's body with its ETag."""
        response = self.post("/items", body)
        assert response.status_code == 201, response.text
        return {**response.json()["item"], "etag": response.headers["ETag"]}


def is_error(response: requests.Response, status: int) -> dict:
    """Assert the API's error shape and status; returns the body."""
    assert response.status_code == status, f"{response.status_code} {response.text}"
    body = response.json()
    assert set(body) == {"code", "status", "message", "message_en", "errors"}, body
    assert body["status"] == status and body["message"] and body["message_en"]
    return body


def api_entry(provider: str, **overrides: Any) -> dict[str, Any]:
    """A valid entry as JSON (the provider by its code)."""
    from factories import entry

    return entry(provider, **overrides)
