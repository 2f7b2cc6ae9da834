"""PostgreSQL restarting under a served Mulu: a request in flight gets a clear error at once, the next one works.

The restarts happen on a private cluster started by this module (as ``.ci/with-postgres``
starts the suite's), never on the suite's server, which other workers are using.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from databases import is_postgres
from fault_kit import Instance, create_item, served_api
from sqlalchemy import create_engine, text

pytestmark = pytest.mark.skipif(not is_postgres(), reason="restarts a PostgreSQL server: runs when the suite runs on PostgreSQL")


@dataclass
class Cluster:
    """A PostgreSQL cluster of our own, which the tests may restart."""

    bin: Path
    data: Path
    port: int
    run_as: list[str]

    def ctl(self, *args: str) -> None:
        subprocess.run([*self.run_as, str(self.bin / "pg_ctl"), "-D", str(self.data / "cluster"), *args],
                       check=True, capture_output=True, timeout=60)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def restart(self, mode: str = "fast") -> None:
        """``pg_ctl restart -m fast``: every session is terminated, open transactions roll back; back when it returns.

        ``immediate``: every server process quits at once, as in a crash (the server recovers as it starts).
        """
        self.ctl("-l", str(self.data / "server.log"), "-w", "-m", mode, "restart")  # -l: or it would log to our pipe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()])
    if not found:
        pytest.skip("no PostgreSQL server binaries under /usr/lib/postgresql")
    root = os.geteuid() == 0  # initdb refuses root: the cluster belongs to the postgres user, as in .ci/with-postgres
    if root and subprocess.run(["id", "postgres"], capture_output=True, check=False).returncode != 0:
        pytest.skip("running as root without a postgres user to own a private cluster")
    run_as = ["runuser", "-u", "postgres", "--"] if root else []
    data = Path(tempfile.mkdtemp(prefix="mulu-pg-restart."))  # not under pytest's root-only tmp: postgres must reach it
    if root:
        shutil.chown(data, "postgres")
    server = Cluster(found[-1], data, _free_port(), run_as)
    try:
        subprocess.run([*run_as, str(server.bin / "initdb"), "-D", str(data / "cluster"), "-U", "postgres", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], check=True, capture_output=True, timeout=120)
        server.ctl("-l", str(data / "server.log"), "-w", "start", "-o", f"-p {server.port} -k {data} "
                   "-c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c autovacuum=off")
        admin = create_engine(server.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE mulu_restart"))
        admin.dispose()
        yield server
    finally:
        subprocess.run([*run_as, str(server.bin / "pg_ctl"), "-D", str(data / "cluster"), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture()
def office(cluster, tmp_path, monkeypatch):
    """Mulu on the private cluster, served, with one (draft) item to read and change."""
    inst = Instance.create(tmp_path / "instance", cluster.url("mulu_restart"), "postgres", monkeypatch)
    try:
        with served_api(inst) as (http, api, dept):
            code = create_item(http, api, dept, "重启测试条目")
            yield inst, http, api, code, dept
    finally:
        inst.close()
        with create_engine(cluster.url("mulu_restart")).begin() as conn:  # the next test starts empty
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


def _requests_work(http: requests.Session, api: str, code: str, dept: str) -> None:
    """A read through the API, a public page and a write all succeed."""
    item = http.get(f"{api}/items/{code}", timeout=10)
    assert item.status_code == 200 and item.json()["code"] == code, item.text
    home = http.get(api.removesuffix("/api/v1") + "/", timeout=10)
    assert home.status_code == 200 and "<html" in home.text, home.text[:300]
    assert create_item(http, api, dept, f"写入测试{time.monotonic_ns()}")


def test_a_restart_during_a_request_answers_it_with_a_clear_error_and_the_next_request_works(office, cluster):
    inst, http, api, code, dept = office
    _requests_work(http, api, code, dept)
    answers: dict[str, requests.Response | BaseException] = {}
    calls = {"api": f"{api}/items/{code}", "page": api.removesuffix("/api/v1") + f"/items/{code}?lang=zh",
             "write": None}

    def call(name: str) -> None:
        try:
            if name == "write":
                answers[name] = http.patch(f"{api}/items/{code}", json={"summary": "重启时写入的摘要"},
                                           headers={"If-Match": etag}, timeout=30)
            else:
                answers[name] = requests.get(calls[name], timeout=30)
        except BaseException as exc:  # noqa: BLE001 - asserted below
            answers[name] = exc

    etag = http.get(f"{api}/items/{code}", timeout=10).headers["ETag"]
    locker = create_engine(inst.env["MULU_DATABASE_URL"])
    conn = locker.connect()
    conn.execute(text("LOCK TABLE catalog_item IN ACCESS EXCLUSIVE MODE"))  # every request now waits for it
    threads = [threading.Thread(target=call, args=(name,)) for name in calls]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    # One waiting backend per request (a request may wait on more than one lock, so count backends). Only the
    # modes requests ask for: an autovacuum or analyze (ShareUpdateExclusiveLock) queued on the table under a
    # loaded suite let the restart come before the last request waited. (Not pg_stat_activity: its rows are
    # read once per transaction, and this one stays open holding the lock.)
    waiting = text("SELECT count(DISTINCT pid) FROM pg_locks WHERE NOT granted"
                   " AND mode IN ('AccessShareLock', 'RowShareLock', 'RowExclusiveLock')")
    while conn.execute(waiting).scalar() < len(calls):
        assert time.monotonic() < deadline, "the requests never came to wait on the lock"
        time.sleep(0.02)
    started = time.monotonic()
    # Immediate: under a fast shutdown the locker may end first, and a waiting request then gets the lock and
    # finishes before its own termination (seen as a 404 for the anonymous page of the draft, now and then).
    cluster.restart("immediate")  # ends the locker and the waiting requests alike
    conn.invalidate()  # the locker's session died with the rest
    locker.dispose()
    for thread in threads:
        thread.join(timeout=30)
    assert time.monotonic() - started < 30  # answered, not hung
    for name in calls:
        answer = answers[name]
        assert isinstance(answer, requests.Response), (name, answer)
        assert answer.status_code == 503 and answer.headers.get("Retry-After"), (name, answer.status_code, answer.text[:500])
        if name == "page":
            assert answer.headers["Content-Type"].startswith("text/html") and 'lang="zh' in answer.text
            assert "数据库暂时不可用" in answer.text and "Traceback" not in answer.text, answer.text
        else:
            body = answer.json()
            assert (body["code"], body["status"], body["errors"]) == ("service_unavailable", 503, []), body
            assert body["message"].startswith("数据库暂时不可用") and body["message_en"], body
    assert inst.scalar("SELECT summary FROM catalog_item WHERE code = :code", code=code) != "重启时写入的摘要"
    _requests_work(http, api, code, dept)  # the pool hands out no dead connection


def test_a_restart_between_requests_goes_unnoticed(office, cluster):
    inst, http, api, code, dept = office
    _requests_work(http, api, code, dept)
    cluster.restart()  # every pooled connection of the server is now dead
    _requests_work(http, api, code, dept)
    assert inst.check()[0] == 0
