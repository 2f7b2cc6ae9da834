"""Helpers of the fault tests: an instance, ``mulu`` processes to kill at a chosen moment, and what to check after."""
from __future__ import annotations

import csv
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from click.testing import CliRunner
from databases import is_postgres
from factories import entry, make_org_tree, uscc
from live import serving
from sqlalchemy import text

from registry.accounts.operations import create_user
from registry.accounts.tokens import create_token
from registry.app import Runtime
from registry.cli import main as mulu_main
from registry.core.calendar import seed_calendar
from registry.core.config import load_settings
from registry.core.db import unit_of_work
from registry.core.migrate import upgrade
from registry.search import SearchRequest, search

#: The search backend each database is run with here: Whoosh on SQLite, PostgreSQL's own on PostgreSQL.
NATIVE_BACKEND = "postgres" if is_postgres() else "whoosh"

DEPT = "南阳市市场监督管理局"
DEPT_CODE = uscc(1)


@dataclass
class Instance:
    """A migrated instance (database, instance folder, search backend) and the environment ``mulu`` reads."""

    env: dict[str, str]
    runtime: Runtime

    @classmethod
    def create(cls, instance_path: Path, database_url: str, backend: str, monkeypatch) -> Instance:
        env = {"MULU_INSTANCE_PATH": str(instance_path), "MULU_DATABASE_URL": database_url,
               "MULU_SEARCH_BACKEND": backend, "MULU_PROFILE": "national"}
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        runtime = Runtime(load_settings())
        upgrade(runtime.engine)
        with unit_of_work(runtime.sessions) as session:
            seed_calendar(session)
        return cls(env, runtime)

    def close(self) -> None:
        self.runtime.engine.dispose()

    @property
    def backend(self) -> str:
        return self.env["MULU_SEARCH_BACKEND"]

    # -- commands ---------------------------------------------------------------------

    def mulu(self, *args: str) -> tuple[int, str]:
        """Run ``mulu`` in this process; exit code and everything it printed."""
        result = CliRunner().invoke(mulu_main, list(args), catch_exceptions=False)
        return result.exit_code, result.output

    def start(self, *args: str) -> Running:
        """Start ``mulu`` as a separate process, printing progress one line per step."""
        return Running([sys.executable, "-m", "registry", *args], {**os.environ, **self.env, "MULU_PROGRESS": "lines"})

    def check(self) -> tuple[int, dict]:
        code, output = self.mulu("search", "check", "--json")
        return code, json.loads(output)

    def reindex_until_clean(self) -> None:
        code, output = self.mulu("search", "reindex")
        assert code == 0, output
        code, report = self.check()
        assert code == 0 and report["clean"], report

    # -- the database and the index, read directly ----------------------------------

    def scalar(self, sql: str, **params):
        with self.runtime.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def execute(self, sql: str, **params) -> None:
        """A change made behind the application's back (no signals, no indexing), committed."""
        with self.runtime.engine.begin() as conn:
            conn.execute(text(sql), params)

    def rows(self, sql: str, **params) -> list[tuple]:
        with self.runtime.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]

    def names(self, words: str, per_page: int = 100) -> list[str]:
        with self.runtime.sessions() as session:
            return [h.name for h in search(self.runtime, session, SearchRequest(text=words, per_page=per_page)).results]

    def total(self, words: str) -> int:
        with self.runtime.sessions() as session:
            return search(self.runtime, session, SearchRequest(text=words, per_page=0)).total

    def add_department(self) -> None:
        for args in (("org", "create", "411300", "南阳市", "--level", "city"),
                     ("org", "create", DEPT_CODE, DEPT, "--level", "department", "--parent", "411300", "--catalog-code", "0101")):
            code, output = self.mulu(*args)
            assert code == 0, output


class Running:
    """A ``mulu`` process whose stderr lines are collected as they come, to be killed at a chosen moment."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def wait_for_line(self, accept: Callable[[str], bool], timeout: float = 60) -> str:
        """The first stderr line ``accept`` takes; fails if the process ends or the time runs out first."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"no such line within {timeout} s; seen: {self.seen[-5:]}") from None
            if line is None:
                raise AssertionError(f"the process ended ({self.proc.wait()}) first; it printed: {self.seen[-10:]}")
            self.seen.append(line)
            if accept(line):
                return line

    def wait_until(self, condition: Callable[[], bool], timeout: float = 60, every: float = 0.005) -> None:
        """Poll ``condition`` while the process runs; fails if it ends first."""
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.proc.poll() is None, f"the process ended ({self.proc.returncode}) first; it printed: {self.seen[-10:]}"
            assert time.monotonic() < deadline, f"not within {timeout} s"
            time.sleep(every)

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no rollback in the process — what the OOM killer or a power cut does."""
        assert self.proc.poll() is None, "the process had already ended: the fault came too late"
        self.proc.send_signal(signal.SIGKILL)
        assert self.proc.wait(timeout=30) == -signal.SIGKILL
        self.pump.join(timeout=10)
        self.proc.stderr.close()


def write_catalog_csv(path: Path, items: int, word: str = "企业登记信息") -> Path:
    """A national-layout CSV of ``items`` resources named ``{word}{n}``, two 信息项 each."""
    headers = ["序号", "*类", "*项", "目", "*信息资源名称", "信息资源提供方", "*信息资源摘要", "信息资源格式分类",
               "信息资源格式类型", "共享类型", "共享条件/不予共享依据", "共享方式分类", "共享方式类型", "是否向社会开放",
               "开放条件", "更新周期", "发布日期", "信息项名称", "数据类型", "数据长度"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(headers)
        for n in range(items):
            out.writerow([n + 1, 3, 7, 411, f"{word}{n}", DEPT, "本市企业的登记信息。", "数据库", "oracle", "普遍共享", None,
                          "共享平台方式", "接口", "是", None, "每天", "2024/1/2", "统一社会信用代码", "字符型C", 18])
            out.writerow([None] * 17 + ["企业名称", "字符型", 200])
    return path


@contextmanager
def served_api(inst: Instance) -> Iterator[tuple[requests.Session, str, str]]:
    """The instance served over HTTP, with a compiler of the 南阳市市场监督管理局 and their API token.

    Yields an HTTP session sending the token, the API's base URL and the department's code.
    """
    with unit_of_work(inst.runtime.sessions) as session:
        ctx = inst.runtime.context(session)
        orgs = make_org_tree(ctx)
        user = create_user(ctx, "fault_compiler", "compiler", orgs.dept.code, "Guzhang#2026x")
        token = create_token(ctx, user, "故障测试")[1]
        dept = orgs.dept.code
    with serving(inst.runtime.settings) as base:
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token}"
        yield http, base + "/api/v1", dept


def create_item(http: requests.Session, api: str, dept: str, name: str, timeout: float = 30) -> str:
    """POST a new item through the API, asserting it was created; returns its code."""
    response = http.post(api + "/items", json=entry(dept, name=name), timeout=timeout)
    assert response.status_code == 201, response.text
    return response.json()["item"]["code"]
