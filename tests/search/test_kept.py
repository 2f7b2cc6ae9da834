"""Kept public results: one token at a time, an hour at most, bounded memory, safe across threads."""
from __future__ import annotations

import sys
import threading
from datetime import timedelta

from registry.core.db import utcnow
from registry.search.kept import DOCUMENTS, LIFETIME, KeptResults
from registry.search.plan import RawResult


def result(tag: str, docs: int = 1) -> RawResult:
    return RawResult(docs, [{"code": f"{tag}-{n}"} for n in range(docs)], {}, False, [tag])


def test_a_result_is_kept_for_its_token_and_an_hour():
    kept, now = KeptResults(), utcnow()
    kept.put("t1", ("企业",), result("a"), now)
    assert kept.get("t1", ("企业",), now + LIFETIME).terms == ["a"]
    assert kept.get("t1", ("企业",), now + LIFETIME + timedelta(seconds=1)) is None
    assert kept.get("t2", ("企业",), now) is None  # a new token drops everything
    assert kept.get("t1", ("企业",), now) is None


def test_the_documents_kept_are_bounded_the_least_recently_used_going_first():
    kept, now = KeptResults(), utcnow()
    pages = DOCUMENTS // 100 + 5
    for n in range(pages):
        kept.put("t", (n,), result(str(n), 100), now)
        kept.get("t", (0,), now)  # the first page stays in use
    found = [n for n in range(pages) if kept.get("t", (n,), now) is not None]
    assert len(found) == DOCUMENTS // 100 and 0 in found and pages - 1 in found and 1 not in found


def test_threads_never_get_a_result_kept_under_another_token():
    """Threaded servers (``mulu serve``) share one PostgreSQL memory layer per process."""
    kept, now, wrong, errors = KeptResults(), utcnow(), [], []

    def work(mine: str, other: str) -> None:
        try:
            for _ in range(3000):
                kept.put(mine, ("q",), result(mine), now)
                found = kept.get(other, ("q",), now)
                if found is not None and found.terms != [other]:
                    wrong.append(found.terms)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=work, args=pair) for pair in [("t1", "t2"), ("t2", "t1")] * 2]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors and not wrong


def test_every_copy_handed_out_shares_the_kept_results_memo():
    """What the service derives from a kept result is kept with it: made once, for every later search."""
    kept, now = KeptResults(), utcnow()
    handed = kept.put("t", ("q",), result("a"), now)
    handed.memo["response"] = "made once"
    again = kept.get("t", ("q",), now)
    assert again is not handed and again.memo["response"] == "made once"
    again.docs = []  # a copy: the service replaces its documents with what its reader may see
    assert kept.get("t", ("q",), now).docs == [{"code": "a-0"}]
    assert kept.put("t", ("q",), result("b"), now).memo == {}  # a new result starts afresh
    assert result("c").memo is None  # one not kept has nowhere to keep anything
