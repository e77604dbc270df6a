"""The project deploys as a Scrapyd egg and a crawl is started over HTTP (issue 13): a real scrapyd (pinned as a test dependency) listens on a loopback port of this
branch's range, the egg is uploaded with addversion.json and a widget crawl of two simulated portals
is scheduled with schedule.json (the egg is the thin one of `crawler.scrapyd_egg`: the project is
installed on the Scrapyd host, as in this venv). The job's run is opened and closed from inside Scrapyd's own
`scrapy crawl` process (`crawler.lifecycle.RunLifecycle`) and holds what the crawl found.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from simcrawl import FAST

pytestmark = pytest.mark.slow

PORT = 18710
BASE = f"http://127.0.0.1:{PORT}"
#: loopback, without the simulator's proxy that the crawl itself uses
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(path: str) -> dict:
    with _OPENER.open(BASE + path, timeout=10) as resp:
        return json.load(resp)


def _post(path: str, fields: list[tuple[str, str]], files: dict[str, bytes] | None = None) -> dict:
    boundary = uuid.uuid4().hex
    body = b""
    for name, value in fields:
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    for name, data in (files or {}).items():
        body += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.egg\"\r\n"
                 f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    req = urllib.request.Request(BASE + path, data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with _OPENER.open(req, timeout=60) as resp:
        return json.load(resp)


def test_the_egg_names_the_installed_projects_settings(tmp_path: Path) -> None:
    import zipfile

    from crawler.scrapyd_egg import MODULE, build

    egg = build(tmp_path)
    with zipfile.ZipFile(egg) as z:
        assert z.read("EGG-INFO/entry_points.txt").decode() == f"[scrapy]\nsettings = {MODULE}\n"
    code = f"import sys; sys.path.insert(0, {str(egg)!r}); import {MODULE} as s; print(s.BOT_NAME, s.SPIDER_MODULES)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.split() == ["cchc-watch", "['crawler.spiders']"]


def test_scrapyd_runs_a_scheduled_crawl_into_its_own_run(crawl, tmp_path: Path) -> None:
    from crawler.scrapyd_egg import build

    egg = build(tmp_path / "egg")
    conf = tmp_path / "scrapyd.conf"
    conf.write_text(f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {PORT}\npoll_interval = 0.5\n"
                    f"eggs_dir = {tmp_path / 'eggs'}\nlogs_dir = {tmp_path / 'logs'}\ndbs_dir = {tmp_path / 'dbs'}\n"
                    "max_proc = 1\n", encoding="utf-8")
    db = tmp_path / "scrapyd.sqlite"
    env = {**os.environ, **crawl.net.env(), **FAST}
    env.pop("CCHC_DB", None)
    scrapyd = Path(sys.executable).with_name("scrapyd")
    server = subprocess.Popen([str(scrapyd), "-n", "-l", str(tmp_path / "scrapyd.log"), "--pidfile="],
                              cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert _get("/daemonstatus.json")["status"] == "ok"
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.3)
        added = _post("/addversion.json", [("project", "cchc"), ("version", "1")], {"egg": egg.read_bytes()})
        assert added["status"] == "ok" and added["spiders"] >= 7, added  # the installed project's spiders
        scheduled = _post("/schedule.json", [
            ("project", "cchc"), ("spider", "widget"), ("sources", "p-hanoi,p-tuyenquang"),
            ("setting", "CCHC_RUN_LIFECYCLE=1"), ("setting", f"CCHC_DB={db}"),
            ("setting", f"FILES_STORE={tmp_path / 'files'}"),
        ])
        assert scheduled["status"] == "ok", scheduled
        deadline = time.monotonic() + 300
        while True:
            jobs = _get("/listjobs.json?" + urllib.parse.urlencode({"project": "cchc"}))
            if [j for j in jobs["finished"] if j["id"] == scheduled["jobid"]]:
                break
            assert time.monotonic() < deadline, jobs
            time.sleep(1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    con = sqlite3.connect(db)
    try:
        runs = con.execute("SELECT id, trigger, status FROM crawl_runs").fetchall()
        widgets = con.execute("SELECT count(DISTINCT portal_id) FROM widget_readings").fetchone()[0]
    finally:
        con.close()
    assert runs == [(1, "manual", "complete")]
    assert widgets == 2
