"""A crawl started anywhere: it finds its spiders without scrapy.cfg, keeps its files beside its
database, and always closes its run: "failed" with the reason when it could not crawl (a spider that
cannot be loaded, nothing answered), "incomplete" when a signal stopped it; never left "running", and
never exit 0 with one `error:` line missing."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from simcrawl import FAST, Crawl

HEADER = ("id,name,level,province,parent,base_url,cms,feeds,sitemaps,listings,registers,hosts,widget_url,unit_code,"
          "unverified,notes\n")


def _env(crawl: Crawl, tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, **crawl.net.env(), **FAST, "CCHC_DATA_DIR": str(tmp_path / "userdata")}
    for var in ("CCHC_DB", "CCHC_FILES_STORE", "CCHC_LOG_DIR", "CCHC_REGISTRY"):
        env.pop(var, None)
    return env


def _cchc(*args: str) -> list[str]:
    return [sys.executable, "-m", "cli", *args]


def _error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def _runs(db: Path) -> list[dict]:
    return Crawl.export(db, "runs")


@pytest.mark.slow
def test_crawl_from_another_directory_keeps_its_files_beside_the_database(crawl: Crawl, tmp_path: Path) -> None:
    cwd = tmp_path / "somewhere"  # no scrapy.cfg, no settings.py here
    cwd.mkdir()
    db = tmp_path / "dbs" / "tq.sqlite"
    proc = subprocess.run(_cchc("crawl", "--db", str(db), "--source", "p-tuyenquang", "--spider", "widget",
                                "--spider", "feeds"), cwd=cwd, env=_env(crawl, tmp_path),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Spider not found" not in proc.stderr and "Traceback" not in proc.stderr
    assert [(r["id"], r["status"]) for r in _runs(db)] == [(1, "complete")]
    folder = tmp_path / "dbs" / "tq.sqlite.d"
    log = folder / "logs" / "run-1.log"
    assert f"Nhật ký: {log}" in proc.stdout
    assert "Spider closed (finished)" in log.read_text(encoding="utf-8")
    assert list((folder / "runs").iterdir()) == []  # the known-documents file is removed after the run
    assert any((folder / "files" / "full").iterdir())  # attachments went to the database's folder too
    assert list(cwd.iterdir()) == []  # nothing written where the command was started


@pytest.mark.slow
def test_two_crawls_of_two_databases_from_one_folder_do_not_collide(crawl: Crawl, tmp_path: Path) -> None:
    env = _env(crawl, tmp_path)
    dbs = [tmp_path / "one.sqlite", tmp_path / "two.sqlite"]
    procs = [subprocess.Popen(_cchc("crawl", "--db", str(db), "--source", "p-tuyenquang", "--source", "p-haiphong"),
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for db in dbs]
    outs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err[-2000:] for _, err in outs]
    for db, (_, err) in zip(dbs, outs):
        assert "Crawler.stats is not set yet" not in err
        runs = _runs(db)
        assert [(r["id"], r["status"]) for r in runs] == [(1, "complete")]
        assert runs[0]["stats"]["recheck"]["finish_reason"] == "finished"
        assert (db.parent / f"{db.name}.d" / "logs" / "run-1.log").is_file()
    assert not (tmp_path / "data").exists()


@pytest.mark.slow
def test_a_crawl_in_which_nothing_answers_fails_and_says_why(crawl: Crawl, tmp_path: Path) -> None:
    registry = tmp_path / "dark.csv"  # a host the network does not serve: the proxy answers 502
    registry.write_text(HEADER + "p-khongco,UBND tỉnh Không Có,province,Tuyên Quang,,https://khongco.gov.vn/,"
                        "vnportal,,,,,,,,,\n", encoding="utf-8")
    db = tmp_path / "dark.sqlite"
    proc = subprocess.run(_cchc("crawl", "--db", str(db), "--registry", str(registry)), cwd=tmp_path,
                          env=_env(crawl, tmp_path), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = _error_lines(proc.stderr)
    assert len(errors) == 1 and errors[0].startswith("error: run 1 failed: no request got a usable answer"), proc.stderr
    assert "Traceback" not in proc.stderr
    run = _runs(db)[0]
    assert run["status"] == "failed" and run["stats"]["error"].startswith("no request got a usable answer: all ")
    assert "Lần quét 1 (Thủ công, ngày quét 02/03/2026): Thất bại" in proc.stdout
    # the portals export carries the fault the run named
    (portal,) = Crawl.export(db, "portals")
    assert list(portal)[-6:] == ["in_registry", "reachable", "http_status", "waf_blocked", "error", "health_run"]
    assert (portal["id"], portal["reachable"], portal["health_run"]) == ("p-khongco", False, 1)
    assert "502" in portal["error"]


@pytest.mark.slow
def test_schedule_once_from_another_directory_reports_a_failed_crawl(crawl: Crawl, tmp_path: Path) -> None:
    """The scheduler's crawl process is started from wherever the scheduler runs; its run is
    closed like any crawl's, and the scheduler passes the failure on."""
    registry = tmp_path / "dark.csv"
    registry.write_text(HEADER + "p-khongco,UBND tỉnh Không Có,province,Tuyên Quang,,https://khongco.gov.vn/,"
                        "vnportal,,,,,,,,,\n", encoding="utf-8")
    cwd = tmp_path / "cron"
    cwd.mkdir()
    db = tmp_path / "sched.sqlite"
    proc = subprocess.run(_cchc("schedule", "--once", "--db", str(db), "--registry", str(registry)), cwd=cwd,
                          env=_env(crawl, tmp_path), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "Spider not found" not in proc.stderr and "Traceback" not in proc.stderr
    assert len(_error_lines(proc.stderr)) == 1
    (run,) = _runs(db)
    assert (run["trigger"], run["status"]) == ("schedule", "failed")
    assert run["stats"]["error"].startswith("no request got a usable answer")
    assert list(cwd.iterdir()) == []


@pytest.mark.slow
def test_sigterm_stops_the_crawl_marks_its_run_and_exits_non_zero(crawl: Crawl, tmp_path: Path) -> None:
    db = tmp_path / "term.sqlite"
    proc = subprocess.Popen(_cchc("crawl", "--db", str(db)), cwd=tmp_path, env=_env(crawl, tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _fetches(db) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert proc.poll() is None, "the crawl ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 1, err[-3000:]
    assert _error_lines(err) == ["error: run 1 stopped by SIGTERM before it had finished; marked incomplete "
                                 "(the next identical crawl today resumes it)"]
    (run,) = _runs(db)
    assert (run["status"], run["stats"]["stopped"]) == ("incomplete", "SIGTERM")
    assert run["finished_at"] is not None


def test_a_spider_that_cannot_be_loaded_fails_the_run(tmp_path: Path) -> None:
    # The real loading path with a name no spider module defines (the CLI's own choice list refuses
    # unknown names before a run exists, so the name is added to the list the command checks).
    db = tmp_path / "noload.sqlite"
    code = ("import sys, cli.crawl as c; c.SPIDERS = (*c.SPIDERS, 'nosuch'); "
            "c.run_crawl(spiders=('nosuch',), sources=('p-tuyenquang',), province=None, level=None, url=None, "
            "db=sys.argv[1], registry=None, trigger='manual', max_pages=5)")
    env = {k: v for k, v in os.environ.items() if k not in ("CCHC_DB", "CCHC_REGISTRY")}
    env["CCHC_DATA_DIR"] = str(tmp_path / "userdata")
    proc = subprocess.run([sys.executable, "-c", code, str(db)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = _error_lines(proc.stderr)
    assert len(errors) == 1 and "a spider cannot be loaded (Spider not found: nosuch" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    (run,) = _runs(db)
    assert run["status"] == "failed"
    assert run["stats"]["error"].startswith("RuntimeError: a spider cannot be loaded (Spider not found: nosuch")
    assert "Traceback" in (tmp_path / "noload.sqlite.d" / "logs" / "run-1.log").read_text(encoding="utf-8")


def test_a_spider_that_fails_to_start_fails_the_run_without_hanging(tmp_path: Path) -> None:
    # the spider loader hands out a feeds spider whose constructor raises (no request is ever made)
    script = tmp_path / "broken.py"
    script.write_text(
        "import sys\n"
        "from scrapy.spiderloader import SpiderLoader\n"
        "import cli.crawl as c\n"
        "load = SpiderLoader.load\n"
        "def broken(self, name):\n"
        "    cls = load(self, name)\n"
        "    if name != 'feeds':\n"
        "        return cls\n"
        "    def refuse(*args, **kwargs):\n"
        "        raise ValueError('broken on purpose')\n"
        "    return type('Broken', (cls,), {'__init__': refuse})\n"
        "SpiderLoader.load = broken\n"
        "c.run_crawl(spiders=('feeds',), sources=('p-tuyenquang',), province=None, level=None, url=None,\n"
        "            db=sys.argv[1], registry=None, trigger='manual', max_pages=5)\n", encoding="utf-8")
    db = tmp_path / "broken.sqlite"
    env = {k: v for k, v in os.environ.items() if k not in ("CCHC_DB", "CCHC_REGISTRY")}
    env["CCHC_DATA_DIR"] = str(tmp_path / "userdata")
    proc = subprocess.run([sys.executable, str(script), str(db)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr[-3000:]
    errors = _error_lines(proc.stderr)
    assert len(errors) == 1 and "spider feeds failed: ValueError: broken on purpose" in errors[0], proc.stderr
    (run,) = _runs(db)
    assert run["status"] == "failed" and "spider feeds failed: ValueError: broken on purpose" in run["stats"]["error"]


@pytest.mark.parametrize("db", ["sqlite:///:memory:", "sqlite:///"])
def test_a_database_that_keeps_nothing_is_refused_before_any_run(tmp_path: Path, db: str) -> None:
    proc = subprocess.run(_cchc("crawl", "--db", db, "--source", "p-tuyenquang"), cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != "CCHC_DB"})
    assert proc.returncode == 2
    (line,) = proc.stderr.splitlines()  # one line; its wording may come from the database check on open
    assert line.startswith("error: ") and "database" in line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("value", ["-5", "0"])
def test_max_pages_below_one_is_refused_before_any_run(tmp_path: Path, value: str) -> None:
    db = tmp_path / "x.sqlite"
    proc = subprocess.run(_cchc("crawl", "--db", str(db), "--source", "p-tuyenquang", "--max-pages", value),
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env={k: v for k, v in os.environ.items() if k != "CCHC_DB"})
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"error: --max-pages must be a whole number of pages, 1 or more (got {value})"]
    assert not db.exists()  # nothing stored, nothing created


def _fetches(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM fetches").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0

