#!/usr/bin/env python3
"""Print a PROPOSED expectation file for a new fixture page, for a person to check field by field.

    .venv/bin/python scripts/propose_expectations.py tests/fixtures/pages/new_page.html \\
        --url https://portal.gov.vn/path --captured 2026-11-22 [--family nukeviet] > /tmp/proposal.json

It never writes into tests/fixtures: the proposal is the extractor's opinion, not the truth. Open
the page, read each field off it, correct the proposal, then save it as <name>.json beside the page
(the seed fixtures' expectations were typed from the seed text, not proposed). Text is proposed as
its first words plus empty "contains"/"not_contains" lists for the person to fill: key sentences
that must be there and page furniture (related lists, counters, footers) that must not.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipelines.extract import extract  # noqa: E402
from pipelines.extract.dates import VN_OFFSET  # noqa: E402
from pipelines.extract.record import RECORD_KEYS  # noqa: E402


def propose(html: bytes, url: str, captured: dt.date, family: str | None) -> dict:
    """The fixture-format proposal for one page (see pipelines/extract/evaluate.py for the format)."""
    fetched = dt.datetime(captured.year, captured.month, captured.day, 12, 0, tzinfo=VN_OFFSET)
    rec = extract(html, url, fetched_at=fetched).to_dict()
    out: dict = {"url": url, "captured": captured.isoformat()}
    if family:
        out["family"] = family
    out["note"] = "PROPOSED by scripts/propose_expectations.py: check every field against the page before committing"
    try:
        html.decode("utf-8")
    except UnicodeDecodeError:
        out["bytes"] = True
    for k in RECORD_KEYS:
        if k == "url":
            continue
        v = rec[k]
        if k == "text":
            v = None if v is None else {"starts_with": v[:80], "contains": [], "not_contains": []}
        elif k == "sections":
            v = [s["name"] for s in v]
        elif k == "deadlines":
            v = [d["date"] for d in v]
        elif k == "warnings":
            v = [w[:60] for w in v]
        out[k] = v
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", type=Path)
    ap.add_argument("--url", required=True, help="the address the page was fetched from")
    ap.add_argument("--captured", default=dt.date.today().isoformat(), help="ISO date the page was captured")
    ap.add_argument("--family", help="CMS family of the page, if known")
    args = ap.parse_args(argv)
    if not args.page.is_file():
        print(f"error: {args.page}: no such file", file=sys.stderr)
        return 2
    try:
        captured = dt.date.fromisoformat(args.captured)
    except ValueError:
        print(f"error: --captured {args.captured!r} is not an ISO date", file=sys.stderr)
        return 2
    print("# PROPOSAL ONLY: a person checks each field against the page, then saves it beside the page.", file=sys.stderr)
    print(json.dumps(propose(args.page.read_bytes(), args.url, captured, args.family), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
