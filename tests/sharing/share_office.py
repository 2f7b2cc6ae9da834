"""A served office for the share tests over HTTP: the share world, a token per user, one server per test module."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from databases import drop_postgres_database, is_postgres, new_postgres_database
from live import seeded_office
from share_world import make_world

from registry.accounts.tokens import create_token


@dataclass
class Office:
    runtime: Any
    base: str
    tokens: dict[str, str]
    codes: dict[str, str]  # conditional / unconditional / not_shared → item code; and org keys → org code


def _seed(ctx) -> dict[str, Any]:
    world = make_world(ctx)
    tokens = {name: create_token(ctx, user, "共享测试")[1] for name, user in world.users.items()}
    codes = {"conditional": world.conditional.code, "unconditional": world.unconditional.code,
             "not_shared": world.not_shared.code, **{key: org.code for key, org in world.orgs.items()}}
    return {"tokens": tokens, "codes": codes}


@contextmanager
def share_office(instance: Path, profile: str = "binzhou") -> Iterator[Office]:
    """A fresh database (SQLite, or a throwaway PostgreSQL one when the suite runs there), seeded and served."""
    url = new_postgres_database("mulu_share") if is_postgres() else f"sqlite:///{instance.parent / 'share.db'}"
    try:
        with seeded_office(instance, url, _seed, profile) as (runtime, base, seeded):
            yield Office(runtime, base, seeded["tokens"], seeded["codes"])
    finally:
        if is_postgres():
            drop_postgres_database(url)


class Api:
    """``/api/v1`` as one user (by token)."""

    def __init__(self, office: Office, who: str):
        self.base = office.base + "/api/v1"
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {office.tokens[who]}"

    def get(self, path: str, **params) -> requests.Response:
        return self.http.get(self.base + path, params=params, timeout=30)

    def post(self, path: str, body: dict) -> requests.Response:
        return self.http.post(self.base + path, json=body, timeout=30)


def error_of(response: requests.Response, status: int) -> dict:
    """The API's one error shape, with ``status``."""
    assert response.status_code == status, f"{response.status_code} {response.text}"
    body = response.json()
    assert set(body) == {"code", "status", "message", "message_en", "errors"} and body["message"], body
    return body
