"""One process of a parallel reindex: ``python -m registry.search.reindex_worker`` with a JSON job on stdin.

Writes one segment of the index being built and reports on stdout, one line
each: ``done N`` (progress), then ``segment <hex of the pickled segment>``
or ``error <message>``. The parent adds the segments to the new index.
"""
from __future__ import annotations

import json
import pickle
import sys


def main() -> int:
    job = json.loads(sys.stdin.read())
    try:
        from registry.profiles import load_profile
        from registry.search.analysis import warm_up
        from registry.search.whoosh_reindex import _write_part

        warm_up()
        segment = _write_part(job["path"], job["url"], load_profile(job["profile"]), tuple(job["range"]),
                              lambda n: print(f"done {n}", flush=True))
        print(f"segment {pickle.dumps(segment).hex()}", flush=True)
        return 0
    except Exception as exc:  # reported to the parent, which stops the reindex
        print(f"error {type(exc).__name__}: {exc}".replace("\n", " "), flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
