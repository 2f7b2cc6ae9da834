"""A served office for the lists' UI and API tests: the lists' world, committed and indexed, with a token per user."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from lists_world import make_world
from live import seeded_office

from registry.accounts.tokens import create_token


@dataclass
class Office:
    runtime: Any
    base: str
    orgs: dict[str, str]  # key → organisation code
    items: dict[str, str]  # licences / residents / draft → item code
    tokens: dict[str, str]

    def api(self, who: str | None) -> requests.Session:
        """A client of ``/api/v1`` as ``who`` (anonymous for ``None``)."""
        http = requests.Session()
        if who:
            http.headers["Authorization"] = f"Bearer {self.tokens[who]}"
        return http

    def url(self, path: str) -> str:
        return f"{self.base}/api/v1{path}"


def _seed(ctx) -> dict[str, Any]:
    world = make_world(ctx, real_users=True)  # committed through the runtime: the search index holds the items
    people = world.people
    keys = ("city", "county", "dept", "other_dept", "unit", "county_dept", "other_county", "other_county_dept")
    return {
        "orgs": {key: people.org(key).code for key in keys},
        "items": {"licences": world.licences.code, "residents": world.residents.code, "draft": world.draft.code},
        "tokens": {name: create_token(ctx, user, "测试")[1] for name, user in people.users.items()},
    }


@contextmanager
def lists_office(instance: Path, database_url: str, profile: str = "binzhou") -> Iterator[Office]:
    with seeded_office(instance, database_url, _seed, profile) as (runtime, base, seeded):
        yield Office(runtime, base, seeded["orgs"], seeded["items"], seeded["tokens"])
