"""Optimistic concurrency: two clients that read the same ETag; the first write wins, the second gets 412."""
from __future__ import annotations

import threading

import pytest
from api_client import api_entry, is_error
from api_office import as_, item_row

WRITERS = 8


@pytest.mark.parametrize("method", ["patch", "put"])
def test_the_first_write_wins_and_the_second_gets_412(office, method):
    first, second = as_(office, "compiler"), as_(office, "authority")
    item = first.create(api_entry(office.seeded["orgs"]["dept"], name=f"并发{method}测试"))
    path = f"/items/{item['code']}"
    etag_a, etag_b = first.get(path).headers["ETag"], second.get(path).headers["ETag"]
    assert etag_a == etag_b == item["etag"]

    def body(summary):
        if method == "patch":
            return {"summary": summary}
        return api_entry(office.seeded["orgs"]["dept"], name=f"并发{method}测试", summary=summary,
                         subcategory_code=item["subcategory_code"])

    won = getattr(first, method)(path, body("第一位编目员的修改，先到先得，应当保留下来。"), etag=etag_a)
    assert won.status_code == 200, won.text
    lost = is_error(getattr(second, method)(path, body("第二位的修改基于旧版本，应被拒绝，不得覆盖。"), etag=etag_b), 412)
    assert lost["code"] == "precondition_failed"
    current = first.get(path)
    assert current.json()["summary"].startswith("第一位编目员") and current.json()["version"] == 2
    assert current.headers["ETag"] == won.headers["ETag"]


def test_simultaneous_patches_with_the_same_etag_let_exactly_one_through(office):
    client = as_(office, "compiler")
    item = client.create(api_entry(office.seeded["orgs"]["dept"], name="同时修改测试"))
    path = f"/items/{item['code']}"
    clients = [as_(office, "compiler") for _ in range(WRITERS)]
    for c in clients:  # connections open before the start, so the requests really overlap
        assert c.get(path).status_code == 200
    barrier = threading.Barrier(WRITERS)
    results: dict[int, object] = {}

    def write(n: int) -> None:
        barrier.wait()
        try:
            results[n] = clients[n].patch(path, {"summary": f"第{n}号写入者的摘要，只有一位能成功写入此条目。"}, etag=item["etag"])
        except Exception as exc:  # noqa: BLE001 - reported below
            results[n] = exc

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(getattr(r, "status_code", repr(r)) for r in results.values())
    assert statuses == [200] + [412] * (WRITERS - 1), [getattr(r, "text", r) for r in results.values()]
    winner = next(n for n, r in results.items() if r.status_code == 200)
    status, version, _, summary = item_row(office, item["code"])
    assert status == "draft"
    assert version == 2 and summary.startswith(f"第{winner}号写入者")
    history = client.get(f"{path}/history").json()
    assert [c["kind"] for c in history] == ["create", "update"]
