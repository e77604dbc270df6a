"""Several workers crawling one run through scrapy-redis, on the real Redis and PostgreSQL servers
(issue 13): one, two and three workers store the same snapshot of a simulated day; a worker SIGKILLed
mid-run and restarted changes nothing in it; bad input (SQLite, an unreachable Redis, a Redis holding
another run's queue) is refused with one `error:` line and leaves the database as it was.

Redis: database 1 of the server on loopback (``CCHC_TEST_REDIS_URL`` overrides), each test under a key
prefix of its own, deleted afterwards.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgtest import create_database, drop_database
from simcrawl import FAST, ROOT, Crawl
from sqlalchemy import create_engine, text

REDIS = os.environ.get("CCHC_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
#: p-langson answers each URL 503 twice a day before 200 (the simulator's flaky_503): every spider's
#: home page is retried there, and a retry must not be taken for another worker's start request
PORTALS = ["p-tuyenquang", "d-sldtbxh-dienbien", "p-hanoi", "p-haiphong", "x-ngoclien-camgiang-haiduong", "p-cantho",
           "p-langson"]
ARGS = [a for pid in PORTALS for a in ("--source", pid)]
#: what differs between two crawls of the same day whatever crawls them: when, and which run/worker
VOLATILE = {"fetched_at", "first_seen_at", "last_seen_at", "started_at", "finished_at"}
UNREACHABLE = "redis://127.0.0.1:18799/1"  # a port of this branch's range where nothing listens


def _stable(rows: list[dict]) -> list[dict]:
    return sorted(({k: v for k, v in r.items() if k not in VOLATILE} for r in rows), key=repr)


@pytest.fixture()
def prefix() -> Iterator[str]:
    import redis

    name = f"workers:test-{uuid.uuid4().hex[:8]}:"
    yield name
    server = redis.Redis.from_url(REDIS)
    keys = list(server.scan_iter(match=name + "*"))
    if keys:
        server.delete(*keys)


@pytest.fixture()
def pg(pg_admin) -> Iterator:
    made: list[str] = []

    def new() -> str:
        name, url = create_database(pg_admin, "cchc_workers")
        made.append(name)
        return url

    yield new
    for name in made:
        drop_database(pg_admin, name)


def _env(crawl: Crawl, prefix: str, tmp: Path) -> dict[str, str]:
    env = {**os.environ, **crawl.net.env(), **FAST, "CCHC_REDIS_PREFIX": prefix,
           "CCHC_DATA_DIR": str(tmp / "data"), "CCHC_FILES_STORE": str(tmp / "files")}
    env.pop("CCHC_DB", None)
    env.pop("CCHC_REDIS_URL", None)
    return env


def _cchc(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def _rows(db: str, table: str) -> int:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def _snapshot(db: str) -> dict[str, list[dict]]:
    return {kind: _stable(Crawl.export(db, kind)) for kind in ("documents", "widgets", "portals")}


def _differences(got: dict[str, list[dict]], want: dict[str, list[dict]]) -> list[str]:
    """What one snapshot holds that the other does not, row by row (at most 5 a side and kind): a
    failure under load must say which portal and which fields, not only that the lists differ."""
    lines = []
    for kind in want:
        only_got = [r for r in got[kind] if r not in want[kind]]
        only_want = [r for r in want[kind] if r not in got[kind]]
        lines += [f"{kind} only in the killed run: {r}" for r in only_got[:5]]
        lines += [f"{kind} only in the reference: {r}" for r in only_want[:5]]
        if len(got[kind]) != len(want[kind]):
            lines.append(f"{kind}: {len(got[kind])} rows against {len(want[kind])} in the reference")
    return lines


def _runs(db: str) -> list[tuple]:
    return [(r["id"], r["status"]) for r in Crawl.export(db, "runs")]


@pytest.mark.slow
def test_one_two_and_three_workers_store_the_same_snapshot(crawl, tmp_path, prefix, pg) -> None:
    snapshots = []
    for n in (1, 2, 3):
        db = pg()
        proc = _cchc(_env(crawl, f"{prefix}{n}:", tmp_path), "crawl", "--db", db, "--workers", str(n),
                     "--redis", REDIS, *ARGS)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert _runs(db) == [(1, "complete")]
        run = Crawl.export(db, "runs")[0]
        assert len(run["stats"]["workers"]) == n, run["stats"]["workers"]
        snapshots.append(_snapshot(db))
    assert snapshots[0]["documents"], "the crawl stored no document: nothing was compared"
    assert not _differences(snapshots[1], snapshots[0]), "\n".join(_differences(snapshots[1], snapshots[0]))
    assert not _differences(snapshots[2], snapshots[0]), "\n".join(_differences(snapshots[2], snapshots[0]))


@pytest.mark.slow
def test_a_sigkilled_worker_restarted_changes_nothing(crawl, tmp_path, prefix, pg) -> None:
    reference = pg()
    env = _env(crawl, prefix + "ref:", tmp_path)
    assert _cchc(env, "crawl", "--db", reference, "--workers", "1", "--redis", REDIS, *ARGS).returncode == 0

    db = pg()
    env = _env(crawl, prefix, tmp_path)
    coordinator = subprocess.Popen([sys.executable, "-m", "cli", "crawl", "--db", db, "--workers", "2",
                                    "--redis", REDIS, *ARGS], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and coordinator.poll() is None:
            if _rows(db, "fetches") >= 20 if _has_table(db) else False:
                break
            time.sleep(0.1)
        assert coordinator.poll() is None, "the run ended before a worker could be killed"
        workers = _children(coordinator.pid)
        assert len(workers) == 2, workers
        # kill a worker while it holds leased requests (under load a worker may be between requests
        # at any given instant, and killing an idle one would prove nothing about requeueing)
        victim = _holding_leases(prefix, workers, until=time.monotonic() + 120, alive=coordinator)
        assert victim is not None, "no worker ever held a leased request"
        os.kill(victim, signal.SIGKILL)
        # the same worker started again, by hand, as on another machine
        again = _cchc(env, "worker", "--redis", REDIS, "--run", "1", timeout=600)
        out, err = coordinator.communicate(timeout=600)
    finally:
        if coordinator.poll() is None:
            coordinator.kill()
    assert coordinator.returncode == 0, err[-3000:]
    assert again.returncode == 0, again.stderr[-3000:]
    assert _runs(db) == [(1, "complete")]
    run = Crawl.export(db, "runs")[0]
    assert run["stats"]["workers"] and len(run["stats"]["workers"]) == 2  # the survivor and the restart
    # the killed worker held requests: they went back to the queue and were crawled by the others
    assert sum(stats.get("cchc/workers/requeued", 0) for name, stats in run["stats"].items() if name != "workers") > 0
    differences = _differences(_snapshot(db), _snapshot(reference))
    assert not differences, "\n".join([*differences, f"restarted worker's log: {again.stderr[-4000:]}"])


def _holding_leases(prefix: str, workers: list[int], *, until: float, alive: subprocess.Popen) -> int | None:
    """The first of `workers` seen holding a leased request in Redis (its leases hash is not empty)."""
    import redis

    server = redis.Redis.from_url(REDIS)
    while time.monotonic() < until and alive.poll() is None:
        for key in server.scan_iter(match=prefix + "*:leases:*", count=500):
            worker = key.decode().rsplit(":leases:", 1)[1]
            for pid in workers:
                if f"-{pid}-" in worker and server.hlen(key) > 0:
                    return pid
        time.sleep(0.02)
    return None


def _has_table(db: str) -> bool:
    engine = create_engine(db)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(text("SELECT to_regclass('public.fetches') IS NOT NULL")).scalar_one())
    finally:
        engine.dispose()


def _children(pid: int) -> list[int]:
    """The `cchc worker` processes a coordinator started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid and b"worker" in cmdline:
            found.append(int(entry.name))
    return sorted(found)


# ---- bad input ---------------------------------------------------------------------------------


def _one_error(proc: subprocess.CompletedProcess) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr[-3000:]
    return lines[0]


def test_workers_on_sqlite_are_refused(crawl, tmp_path, prefix) -> None:
    db = tmp_path / "one.sqlite"
    proc = _cchc(_env(crawl, prefix, tmp_path), "crawl", "--db", str(db), "--workers", "2", "--redis", REDIS,
                 "--source", "p-hanoi", timeout=120)
    assert proc.returncode == 2
    assert "PostgreSQL" in _one_error(proc)
    assert not db.exists()


def test_a_worker_pointed_at_an_unreachable_redis_says_so(crawl, tmp_path, prefix, pg) -> None:
    db = pg()
    proc = _cchc(_env(crawl, prefix, tmp_path), "worker", "--redis", UNREACHABLE, "--db", db, timeout=120)
    assert proc.returncode == 2
    assert f"Redis at {UNREACHABLE} cannot be reached" in _one_error(proc)
    assert not _has_table(db)  # the database was not even opened (no schema created)
    proc = _cchc(_env(crawl, prefix, tmp_path), "crawl", "--db", db, "--workers", "2", "--redis", UNREACHABLE,
                 "--source", "p-hanoi", timeout=120)
    assert proc.returncode == 2
    assert "cannot be reached" in _one_error(proc)


def test_a_worker_pointed_at_another_runs_queue_says_so(crawl, tmp_path, prefix, pg) -> None:
    import redis

    from crawler.workers import Board

    db, other = pg(), pg()
    server = redis.Redis.from_url(REDIS)
    Board(run_id=7, db=other, spiders=["widget"], kwargs={"sources": "p-hanoi"}, files_store=str(tmp_path)).save(
        server, prefix)
    env = _env(crawl, prefix, tmp_path)
    proc = _cchc(env, "worker", "--redis", REDIS, "--db", db, timeout=120)
    assert proc.returncode == 2
    assert "holds the queue of run 7 of another database" in _one_error(proc)
    proc = _cchc(env, "worker", "--redis", REDIS, "--run", "3", timeout=120)
    assert proc.returncode == 2
    assert "holds the queue of run 7, not of run 3" in _one_error(proc)
    assert not _has_table(db) and not _has_table(other)
    # a coordinator refuses it too, before it records a run
    proc = _cchc(env, "crawl", "--db", db, "--workers", "2", "--redis", REDIS, "--source", "p-hanoi", timeout=120)
    assert proc.returncode == 2
    assert "holds the queue of another run (run 7)" in _one_error(proc)
    assert _runs(db) == []


def test_a_worker_with_no_run_in_redis_says_so(crawl, tmp_path, prefix) -> None:
    proc = _cchc(_env(crawl, prefix, tmp_path), "worker", "--redis", REDIS, timeout=120)
    assert proc.returncode == 2
    assert "holds no run's queue" in _one_error(proc)
