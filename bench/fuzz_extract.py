#!/usr/bin/env python3
"""A longer fuzz of the extractor than CI's property test (issue 9): the same page strategies
(tests/extract/page_strategies.py) with deeper nesting and pieces repeated up to hundreds of
times, mixed with the scaled shapes of bench/pagegen.py at random sizes up to 50k rows.

    .venv/bin/python bench/fuzz_extract.py                       # 2000 cases or 15 minutes
    .venv/bin/python bench/fuzz_extract.py --cases 500 --seconds 300 --seed 1

Prints the cases tried, the slowest case (CPU seconds, size, shape) and every failure: an
exception, or a record that breaks the contract (tests/extract/test_property_extract.py's
check_record). Failing and slowest pages are written to --keep (default /tmp/cchc-fuzz) to replay
with `cchc extract FILE`. Exits 1 when a case failed. Cases are not shrunk: this is a search.
"""
from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests" / "extract"))

import pagegen  # noqa: E402
from hypothesis import HealthCheck, Phase, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from page_strategies import page_input  # noqa: E402
from test_property_extract import NOW, URL, check_record  # noqa: E402

from pipelines.extract import extract  # noqa: E402


@st.composite
def fuzz_case(draw: st.DrawFn) -> tuple[str, str | bytes]:
    """(shape, page): mostly random pages, sometimes a big scaled shape."""
    if draw(st.integers(0, 9)) == 0:
        name = draw(st.sampled_from(sorted(pagegen.SCALED)))
        rows = draw(st.integers(1, 50_000))
        return f"{name} ×{rows}", pagegen.SCALED[name](rows)
    return "random", draw(page_input(depth=6, max_repeat=400))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cases", type=int, default=2000)
    ap.add_argument("--seconds", type=float, default=900.0, help="stop generating after this long")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed (random when omitted)")
    ap.add_argument("--keep", type=Path, default=Path("/tmp/cchc-fuzz"), help="where failing/slowest pages go")
    args = ap.parse_args(argv)
    args.keep.mkdir(parents=True, exist_ok=True)

    state: dict[str, Any] = {"tried": 0, "slowest": (0.0, "", 0, b""), "failures": [], "total": 0.0}
    stop_at = time.monotonic() + args.seconds

    @settings(max_examples=args.cases, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=fuzz_case())
    def one(case: tuple[str, str | bytes]) -> None:
        if time.monotonic() > stop_at:
            return
        shape, page = case
        state["tried"] += 1
        t0 = time.process_time()
        problem = None
        try:
            problems = check_record(extract(page, URL, fetched_at=NOW).to_dict())
            if problems:
                problem = "; ".join(problems[:5])
        except Exception:   # noqa: BLE001 - a fuzz reports every exception
            problem = traceback.format_exc(limit=6)
        spent = time.process_time() - t0
        state["total"] += spent
        raw = page.encode("utf-8", "surrogatepass") if isinstance(page, str) else page
        if spent > state["slowest"][0]:
            state["slowest"] = (spent, shape, len(raw), raw)
        if problem:
            n = len(state["failures"])
            path = args.keep / f"failure-{n}.html"
            path.write_bytes(raw)
            state["failures"].append((shape, len(raw), problem, path))
        if state["tried"] % 100 == 0:
            print(f"  {state['tried']} cases, slowest {state['slowest'][0]:.2f} s, "
                  f"{len(state['failures'])} failures", flush=True)

    run = one if args.seed is None else seed(args.seed)(one)
    started = time.monotonic()
    run()
    wall = time.monotonic() - started
    secs, shape, size, raw = state["slowest"]
    slow_path = args.keep / "slowest.html"
    slow_path.write_bytes(raw)
    print(f"\ncases tried: {state['tried']} in {wall:.0f} s wall, {state['total']:.0f} s CPU "
          f"(mean {state['total'] / max(1, state['tried']) * 1000:.1f} ms)")
    print(f"slowest case: {secs:.2f} s CPU, {size / 1e6:.2f} MB, {shape} -> {slow_path}")
    print(f"failures: {len(state['failures'])}")
    for shape, size, problem, path in state["failures"][:20]:
        print(f"- {shape}, {size} bytes, {path}:\n    {problem.strip()[:800]}")
    return 1 if state["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
