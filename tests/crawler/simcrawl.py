"""Helpers of the end-to-end crawl tests (a module with a unique name: `conftest` names collide
across test folders)."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from sim.network import SimNetwork
from storage import Store

ROOT = Path(__file__).resolve().parents[2]

FAST = {
    # politeness off and short timeouts, through the same settings users have
    "CCHC_DOWNLOAD_DELAY": "0",
    "CCHC_AUTOTHROTTLE": "0",
    "CCHC_PER_HOST": "4",
    "CCHC_DOWNLOAD_TIMEOUT": "10",
    "CCHC_SIM_SLOW_SECONDS": "14",
    "CCHC_EXTRACT_WORKERS": "1",
}


def summary_parts(out: str, lang: str = "vi") -> dict:
    """The end-of-crawl summary as a user reads it: per-portal rows (pages, documents, CCHC documents,
    widget, state), the problems (portal -> what), the noted lines and the totals line. Headings are
    the literal words a person sees in `lang`."""
    headings = {"vi": ("Cổng có vấn đề:", "Ghi nhận thêm (việc quét vẫn tiếp tục):", "Tổng cộng:"),
                "en": ("Portals with problems:", "Also noted (the crawl went on):", "Totals:")}[lang]
    lines = out.splitlines()
    head = {"vi": "Cổng", "en": "Portal"}[lang]
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [head])
    rows = {}
    for line in lines[start + 1:]:
        if not line.strip():
            break
        pid, pages, docs, cchc, widget, state = line.split(None, 5)
        rows[pid] = {"pages": int(pages.replace(".", "")), "documents": int(docs.replace(".", "")),
                     "cchc_documents": int(cchc.replace(".", "")), "widget": widget, "state": state}

    def section(heading: str) -> list[str]:
        if heading not in lines:
            return []
        rest = lines[lines.index(heading) + 1:]
        return [line[4:] for line in rest[:rest.index("") if "" in rest else len(rest)]]

    problems = dict(line.split(": ", 1) for line in section(headings[0]))
    totals = next((line for line in lines if line.startswith(headings[2] + " ")), None)
    return {"rows": rows, "problems": {k.split(" (")[0]: v for k, v in problems.items()},
            "problem_lines": section(headings[0]), "noted": section(headings[1]), "totals": totals}


class Crawl:
    """Runs `cchc crawl` against a network and reads back what it stored."""

    def __init__(self, net: SimNetwork, tmp: Path) -> None:
        self.net = net
        self.tmp = tmp

    def run(self, db: Path, *args: str, check: bool = True,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, **self.net.env(), **FAST, "CCHC_FILES_STORE": str(self.tmp / "files"),
               "CCHC_LOG_DIR": str(self.tmp / "logs"), **(env or {})}
        env.pop("CCHC_DB", None)
        proc = subprocess.run([sys.executable, "-m", "cli", "crawl", "--db", str(db), *args],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        if check and proc.returncode != 0:
            raise AssertionError(f"crawl failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
        return proc

    @staticmethod
    def export(db: Path, kind: str) -> list[dict]:
        store = Store.open(str(db))
        try:
            buf = io.StringIO()
            store.export(kind, "jsonl", buf)
        finally:
            store.close()
        return [json.loads(line) for line in buf.getvalue().splitlines() if line.strip()]
