"""`cchc serve`: Datasette with canned queries on SQLite; on PostgreSQL it refuses unless asked for a
SQLite copy, then serves the copy. The late-widgets query is compared with the simulator's figures."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path



from builddb import ROOT, cchc
from truth import subset


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, deadline: float) -> object:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - loopback only
                return json.loads(resp.read().decode("utf-8"))
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_serve_canned_queries(db, worlds, tmp_path):
    port = free_port()
    args = [sys.executable, "-m", "cli", "serve", "--db", db, "--port", str(port)]
    name = Path(db.split("///")[-1]).stem
    if not db.startswith("sqlite"):
        proc = cchc("serve", "--db", db, "--port", str(port))
        assert proc.returncode == 2 and "Datasette reads SQLite only" in proc.stderr and "--export-sqlite" in proc.stderr
        copy = tmp_path / "copy.sqlite"
        args += ["--export-sqlite", str(copy)]
        name = copy.stem
    env = {**os.environ, "no_proxy": "*"}
    env.pop("CCHC_DB", None)
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}/{name}"
        rows = get_json(f"{base}/late_widgets.json?_shape=array", time.monotonic() + 90)
        expected = {}
        for pid in subset():
            w = worlds[3].widget(pid)
            if w is not None and w.how != "iframe" and w.late > 0:
                expected[pid] = w.late
        assert {r["portal"]: r["late"] for r in rows} == expected
        assert [r["late"] for r in rows] == sorted(expected.values(), reverse=True)
        meta = get_json(f"http://127.0.0.1:{port}/-/metadata.json", time.monotonic() + 10)
        tables = meta["databases"][name]["tables"]
        assert "widget_readings" in tables and tables["documents"]["description"]
        assert set(meta["databases"][name]["queries"]) == {"coverage", "late_widgets", "recent_plans"}
        cov = get_json(f"{base}/coverage.json?year=2024&_shape=array", time.monotonic() + 10)
        assert {r["portal"] for r in cov} == set(subset())
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_serve_missing_database(tmp_path):
    proc = cchc("serve", "--db", str(tmp_path / "none.sqlite"))
    assert proc.returncode == 2 and "no database" in proc.stderr


