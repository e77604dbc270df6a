#!/usr/bin/env python3
"""Render seed pages through the simulator's own templates into tests/fixtures/pages/ (HTML only).

    .venv/bin/python scripts/make_fixtures.py            # the fixture set the golden test expects
    .venv/bin/python scripts/make_fixtures.py --all      # every seed in every family (for exploring)

Only the HTML is written. The expected record beside each page (<name>.json) is written BY HAND
from the seed text in ../shared/seeds/ (and, for what the simulator adds, such as the visitor
counter of seeds 002-004 or the family's date format, from the rendered page as a person reads it);
never from the extractor's output. `scripts/propose_expectations.py` prints a proposal for a NEW
fixture that a person then checks field by field.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.families import KNOWN_FAMILIES  # noqa: E402

OUT = ROOT / "tests" / "fixtures" / "pages"
FAMILIES = KNOWN_FAMILIES
# Every seed in every family (the registry's cms is each seed's native family).
FIXTURE_SET: dict[int, tuple[str, ...]] = {s: FAMILIES for s in range(5)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all", action="store_true", help="render every seed in every family")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    from sim.render import render_seed_page  # the simulator is test support: imported only here

    args.out.mkdir(parents=True, exist_ok=True)
    plan = {s: FAMILIES for s in range(5)} if args.all else FIXTURE_SET
    for seed_no, families in plan.items():
        for fam in families:
            html, url = render_seed_page(seed_no, fam)
            name = f"seed{seed_no:03d}_{fam}"
            (args.out / f"{name}.html").write_text(html, encoding="utf-8")
            print(f"{name}.html  {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
