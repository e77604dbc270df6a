"""Proof that a refactoring kept behaviour: three simulated days crawled, then the exports written.

Why a script and not a test: the proof compares two code trees (the branch and main), and the code
that crawls and exports must be the tree under test, not this file's. The script therefore imports
nothing of the product itself; it runs ``cchc demo --days N`` and ``cchc export`` as subprocesses of
the tree named by ``--code`` (its folder is put first on PYTHONPATH, so an editable install of another
worktree cannot stand in for it), and only normalises what is wall-clock dependent:

- runs: ``stats`` (counters of the crawl: durations, bytes, retries) and ``started_at``/``finished_at``;
- widgets: ``fetched_at`` (the wall-clock instant of the fetch).

Everything else (documents, widgets, portals, the rest of runs) is written byte for byte as exported.

Usage::

    python scripts/export_identity.py run --code /tmp/store-base --out /tmp/identity-main
    python scripts/export_identity.py run --code . --out /tmp/identity-branch
    python scripts/export_identity.py compare /tmp/identity-main /tmp/identity-branch

``compare`` prints one line per file and exits 1 with an ``error:`` line when any file differs. ``run``
also prints the fetches that timed out per run: on a loaded machine a timeout (the simulator's slow
portal is meant to time out; others should not) moves a document's first sighting to a later day, a
difference that is the machine's, not the code's.
"""
from __future__ import annotations

import argparse
import filecmp
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

KINDS = ("documents", "widgets", "portals", "runs")
#: Keys whose values are wall-clock dependent, per export kind (see module doc).
VOLATILE: dict[str, tuple[str, ...]] = {
    "runs": ("stats", "started_at", "finished_at"),
    "widgets": ("fetched_at",),
}


def _env(code: Path, work: Path) -> dict[str, str]:
    """The environment of the tree under test: its folder first on the path; logs, files and the
    simulator's slow-portal delay as the demo documents them; no inherited database or alerts."""
    env = {k: v for k, v in os.environ.items() if k not in ("CCHC_DB", "CCHC_ALERTS", "CCHC_REGISTRY")}
    env["PYTHONPATH"] = str(code) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["CCHC_FILES_STORE"] = str(work / "files")
    env["CCHC_LOG_DIR"] = str(work / "logs")
    return env


def _run(cmd: list[str], code: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(cmd, cwd=code, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        print(f"error: {' '.join(cmd[1:])} exited {proc.returncode} in {code}", file=sys.stderr)
        sys.exit(1)


def normalise(kind: str, line: str) -> str:
    """One exported JSON line with the volatile keys of `kind` removed (key order kept)."""
    row = json.loads(line)
    for key in VOLATILE.get(kind, ()):
        row.pop(key, None)
    return json.dumps(row, ensure_ascii=False)


def run(code: Path, out: Path, days: int, seed: int) -> None:
    """Crawl `days` simulated days with the code in `code` into a fresh SQLite file in `out`, then
    write one normalised JSONL file per export kind there."""
    out.mkdir(parents=True, exist_ok=True)
    db = out / "identity.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = _env(code, out)
    _run([sys.executable, "-m", "cli", "demo", "--days", str(days), "--seed", str(seed), "--db", str(db)], code, env)
    for kind in KINDS:
        raw = out / f"{kind}.raw.jsonl"
        _run([sys.executable, "-m", "cli", "export", kind, "--db", str(db), "--format", "jsonl", "--out", str(raw)],
             code, env)
        lines = [normalise(kind, line) for line in raw.read_text(encoding="utf-8").splitlines() if line.strip()]
        (out / f"{kind}.jsonl").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        raw.unlink()
        print(f"{kind}: {len(lines)} rows -> {out / f'{kind}.jsonl'}")
    # A fetch that timed out on a loaded machine changes what a day found (a document is first seen a
    # day later): print them, so a difference can be told from a change of behaviour.
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        timeouts = conn.execute("SELECT run_id, count(*) FROM fetches WHERE error LIKE '%Timeout%' "
                                "GROUP BY run_id ORDER BY run_id").fetchall()
    print("fetch timeouts per run: " + (", ".join(f"run {r}: {n}" for r, n in timeouts) or "none"))


def compare(left: Path, right: Path) -> int:
    """0 when every export file is byte-identical in both folders, else 1 (one line per file)."""
    differing = []
    for kind in KINDS:
        a, b = left / f"{kind}.jsonl", right / f"{kind}.jsonl"
        if not a.is_file() or not b.is_file():
            print(f"error: {kind}.jsonl missing in {left if not a.is_file() else right}", file=sys.stderr)
            return 1
        same = filecmp.cmp(a, b, shallow=False)
        rows = sum(1 for _ in a.open(encoding="utf-8"))
        print(f"{kind}: {'identical' if same else 'DIFFERENT'} ({rows} rows, {a.stat().st_size} bytes)")
        if not same:
            differing.append(kind)
    if differing:
        print(f"error: exports differ: {', '.join(differing)}", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="crawl N simulated days with a code tree and write its exports")
    r.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1],
                   help="root of the code tree under test (default: this script's tree)")
    r.add_argument("--out", type=Path, required=True, help="folder for the database and the exports")
    r.add_argument("--days", type=int, default=3)
    r.add_argument("--seed", type=int, default=0)
    c = sub.add_parser("compare", help="compare the exports of two runs byte for byte")
    c.add_argument("left", type=Path)
    c.add_argument("right", type=Path)
    args = parser.parse_args()
    if args.cmd == "run":
        code = args.code.resolve()
        if not (code / "cli" / "__main__.py").is_file():
            parser.exit(2, f"error: {code} is not a CCHC Watch code tree (no cli/__main__.py)\n")
        if args.days < 1:
            parser.exit(2, f"error: --days must be 1 or more, got {args.days}\n")
        run(code, args.out.resolve(), args.days, args.seed)
    else:
        sys.exit(compare(args.left, args.right))


if __name__ == "__main__":
    main()
