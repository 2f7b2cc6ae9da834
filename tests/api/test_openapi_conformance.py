"""The OpenAPI document tells the truth: schemathesis calls every operation on a live server, as the data
authority, and checks that nothing is a server error and that every response matches the document."""
from __future__ import annotations

import re

import pytest
import requests
import schemathesis
from api_client import api_entry
from api_office import api_office, as_, seed_people
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES_PER_OPERATION = 12

HUGE_ID = 36123510427029171747280803583754240  # what schemathesis sends for an unbounded integer path parameter

@pytest.fixture(scope="module")
def fuzzed_office(tmp_path_factory, module_database_url):
    seed = lambda ctx: seed_people(ctx, ("compiler", "authority"))
    # A generous limit: this is a conformance run, not a test of the rate limit.
    with api_office(tmp_path_factory.mktemp("instance"), module_database_url, seed,
                    env={"MULU_API_RATE_LIMIT": "100000 per minute"}) as office:
        yield office


def _conformance_failures(office, mode: GenerationMode, checks: list) -> dict[str, str]:
    """Run each operation's generated cases through ``checks``; operation → its first failure."""
    schema = schemathesis.openapi.from_url(f"{office.base}/api/v1/openapi.json")
    token = office.seeded["tokens"]["authority"]
    headers = {"Authorization": f"Bearer {token}"}
    own_token_ids = {t["id"] for t in requests.get(f"{office.base}/api/v1/tokens", headers=headers, timeout=10).json()}
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15, [op.label for op in operations]
    for operation in operations:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            if case.method == "DELETE" and (case.path_parameters or {}).get("token_id") in own_token_ids:
                return  # revoking the run's own token would turn the rest of it into 401s
            case.call_and_validate(base_url=office.base, headers=headers, checks=checks)

        try:
            run()
        except Unsatisfiable:
            pass  # nothing invalid to send: a path of free-form strings, or no parameters at all
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected: one run reports every operation
            failures[operation.label] = f"{type(exc).__name__}: {str(exc)[:1500]}"
    return failures


def test_every_operation_answers_valid_requests_as_documented(fuzzed_office):
    failures = _conformance_failures(fuzzed_office, GenerationMode.POSITIVE,
                                     [not_a_server_error, response_schema_conformance, status_code_conformance])
    assert not failures, "\n\n".join(f"{op}\n{text}" for op, text in failures.items())


def test_no_invalid_request_is_a_server_error(fuzzed_office):
    failures = _conformance_failures(fuzzed_office, GenerationMode.NEGATIVE, [not_a_server_error, response_schema_conformance])
    assert not failures, "\n\n".join(f"{op}\n{text}" for op, text in failures.items())


@pytest.mark.parametrize("number", [
    pytest.param(HUGE_ID, id="beyond-64-bits"),
    pytest.param(2**40, id="beyond-32-bits"),
])
@pytest.mark.parametrize("method,path", [("GET", "/reviews/{id}"), ("POST", "/reviews/{id}/approve"),
                                         ("DELETE", "/tokens/{id}"), ("GET", "/imports/{id}")])
def test_an_id_too_large_for_the_database_is_not_found(fuzzed_office, method, path, number):
    response = as_(fuzzed_office, "authority").call(method, path.format(id=number), json={} if method == "POST" else None)
    assert response.status_code == 404, response.text


@pytest.mark.parametrize("name", ["q", "provider"])
def test_a_nul_character_in_a_list_filter_is_not_a_server_error(fuzzed_office, name):
    response = as_(fuzzed_office, "compiler").get("/items", params={name: "企业\x00信息"})
    assert response.status_code in (200, 422), response.text


def test_every_timestamp_carries_its_offset(fuzzed_office):
    client = as_(fuzzed_office, "compiler")
    created = client.post("/items", api_entry(fuzzed_office.seeded["orgs"]["dept"], name="时间戳测试"))
    assert created.status_code == 201, created.text
    code = created.json()["item"]["code"]
    stamps = [client.get("/tokens").json()[0]["created_at"], client.get(f"/items/{code}").json()["created_at"],
              client.get("/items", params={"q": "时间戳测试"}).json()["items"][0]["updated_at"],
              client.get(f"/items/{code}/history").json()[0]["created_at"]]
    assert all(re.search(r"(Z|[+-]\d\d:\d\d)$", stamp) for stamp in stamps), stamps


def test_the_document_is_valid_openapi(fuzzed_office):
    office = fuzzed_office
    document = requests.get(f"{office.base}/api/v1/openapi.json", timeout=10).json()
    assert document["openapi"].startswith("3.0")
    loaded = schemathesis.openapi.from_dict(document)
    loaded.validate()
    paths = set(document["paths"])
    assert {"/api/v1/items", "/api/v1/items/{code}", "/api/v1/reviews", "/api/v1/me", "/api/v1/tokens"} <= paths
    assert "bearerAuth" in document["components"]["securitySchemes"]


def test_swagger_ui_is_served_without_a_cdn(fuzzed_office):
    office = fuzzed_office
    page = requests.get(f"{office.base}/api/v1/docs", timeout=10)
    assert page.status_code == 200 and "swagger-ui" in page.text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/api/v1/swagger-ui/") for a in assets if a.endswith((".js", ".css"))), assets
    assert not re.search(r"https?://(?!127\.0\.0\.1)", " ".join(assets))
    assert "/api/v1/openapi.json" in page.text
    for asset in assets:
        if asset.endswith((".js", ".css")):
            response = requests.get(office.base + asset, timeout=10)
            assert response.status_code == 200 and len(response.content) > 1000, asset
