#!/usr/bin/env python3
"""Is extraction linear in the page, and does every pathological page cost bounded time? (issue 9)

    .venv/bin/python bench/linearity.py                  # scaled shapes (uncapped and capped) + pathological pages
    .venv/bin/python bench/linearity.py --sizes 2500 20000 --rounds 3
    .venv/bin/python bench/linearity.py --only scaled    # or: --only pathological

Scaled shapes (register tables, link lists, label rows; generators in bench/pagegen.py) are timed
at two sizes, first with the caps of pipelines/extract/page.py raised out of the way (that shows
the algorithm itself is linear: per-row time at the large size within ~1.5× of the small one),
then as shipped (the caps cut the large page, so its per-row time drops). Pathological pages are
timed as shipped; target: each within a few seconds. Times are CPU seconds of this process
(`time.process_time`, best of N rounds), so other load on a shared machine adds little.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pagegen  # noqa: E402

from pipelines.extract import extract  # noqa: E402
from pipelines.extract import page as page_mod  # noqa: E402

URL = "https://sonoivu.example.gov.vn/tin-tuc/ke-hoach-cchc-2024.html"
_CAPS = ("MAX_MARKUP_CHARS", "MAX_ATTRIBUTES", "MAX_ELEMENTS", "MAX_CHILDREN", "MAX_LINKS", "MAX_DEPTH")


@contextlib.contextmanager
def caps_lifted() -> Iterator[None]:
    """Raise every cap far above the pages measured (and the C-level pre-test with them)."""
    # (getattr: the script also measures a checkout from before the caps existed)
    saved = {name: getattr(page_mod, name, None) for name in (*_CAPS, "_OVER_CAPS")}
    for name in _CAPS:
        setattr(page_mod, name, 10**9)
    page_mod._OVER_CAPS = lambda root: False
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(page_mod, name, value)


def cpu_time(html: str, rounds: int) -> tuple[float, list[str]]:
    """Best CPU time of `rounds` extractions of one page, and the record's cap warnings."""
    best = float("inf")
    caps: list[str] = []
    for _ in range(rounds):
        t0 = time.process_time()
        rec = extract(html, URL)
        best = min(best, time.process_time() - t0)
        caps = [w for w in rec.warnings if w.startswith("cap:")]
    return best, caps


def scaled(sizes: list[int], rounds: int, gens: dict[str, Callable[[int], str]]) -> list[str]:
    failures: list[str] = []
    small, large = sizes
    for mode in ("uncapped", "capped"):
        print(f"\n== scaled shapes, caps {'lifted' if mode == 'uncapped' else 'as shipped'} ==")
        print(f"{'shape':16} {'rows':>7} {'cpu s':>8} {'µs/row':>8}   cut by caps")
        for name, gen in gens.items():
            per_row: list[float] = []
            for n in (small, large):
                html = gen(n)
                ctx = caps_lifted() if mode == "uncapped" else contextlib.nullcontext()
                with ctx:
                    secs, caps = cpu_time(html, rounds)
                per_row.append(secs / n)
                print(f"{name:16} {n:>7} {secs:8.2f} {secs / n * 1e6:8.1f}   {'; '.join(caps) or '-'}", flush=True)
            ratio = per_row[1] / per_row[0]
            verdict = "ok" if ratio <= 1.5 else "SUPERLINEAR"
            print(f"{'':16} ratio per-row {large}/{small}: {ratio:.2f}  {verdict}")
            if mode == "uncapped" and ratio > 1.5:
                failures.append(f"{name}: per-row ratio {ratio:.2f} > 1.5")
    return failures


def pathological(rounds: int, limit: float) -> list[str]:
    failures: list[str] = []
    print(f"\n== pathological pages (caps as shipped; target ≤ {limit:.0f} s each) ==")
    print(f"{'page':24} {'MB':>6} {'cpu s':>8}   cut by caps")
    for name, gen in pagegen.PATHOLOGICAL.items():
        html = gen()
        secs, caps = cpu_time(html, rounds)
        print(f"{name:24} {len(html.encode()) / 1e6:6.2f} {secs:8.2f}   {'; '.join(caps) or '-'}", flush=True)
        if secs > limit:
            failures.append(f"{name}: {secs:.2f} s > {limit:.0f} s")
    return failures


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs=2, default=[2500, 20000], metavar=("SMALL", "LARGE"))
    ap.add_argument("--rounds", type=int, default=2, help="best of N per page")
    ap.add_argument("--limit", type=float, default=5.0, help="seconds allowed per pathological page")
    ap.add_argument("--only", choices=("scaled", "pathological"))
    args = ap.parse_args(argv)
    failures: list[str] = []
    if args.only != "pathological":
        failures += scaled(args.sizes, args.rounds, pagegen.SCALED)
    if args.only != "scaled":
        failures += pathological(args.rounds, args.limit)
    print("\nfailures:", "; ".join(failures) if failures else "none")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
