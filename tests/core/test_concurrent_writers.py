"""Two writers at once wait for each other instead of failing (SQLite's deferred-transaction trap)."""
from __future__ import annotations

import threading
import time

from sqlalchemy import func, select

from factories import uscc
from registry.core.context import Context
from registry.core.db import make_engine, make_session_factory, unit_of_work
from registry.core.migrate import upgrade
from registry.orgs.models import Organisation
from registry.orgs.operations import create_org
from registry.profiles import load_profile


def test_a_writer_that_read_first_waits_for_the_other_writer(fresh_database_url):
    engine = make_engine(fresh_database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    with unit_of_work(sessions) as session:
        create_org(Context(session, load_profile("national")), {"code": "411300", "name": "南阳市", "level": "city"})
    first_inside, errors = threading.Event(), []

    def writer(serial: int, hold: float, started: threading.Event | None) -> None:
        try:
            with unit_of_work(sessions) as session:
                ctx = Context(session, load_profile("national"))
                session.scalar(select(func.count()).select_from(Organisation))  # read first …
                if started:
                    started.set()
                time.sleep(hold)
                create_org(ctx, {"code": uscc(serial), "name": f"第{serial}局", "level": "department", "parent": "411300"})
        except Exception as exc:  # noqa: BLE001 — the test reports whatever a writer hit
            errors.append(exc)

    one = threading.Thread(target=writer, args=(1, 0.5, first_inside))
    one.start()
    first_inside.wait(5)
    two = threading.Thread(target=writer, args=(2, 0, None))  # … then writes after the other committed
    two.start()
    one.join()
    two.join()
    assert errors == []
    with unit_of_work(sessions, write=False) as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 3
    engine.dispose()
