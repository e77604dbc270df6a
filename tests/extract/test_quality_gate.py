"""Quality gate (like trafilatura's): per-field accuracy over the fixture corpus never drops.

tests/extract/baseline.json pins a floor per field. A change that lowers any field's accuracy
below its floor fails here. Floors only ever RISE: after an improvement, run

    .venv/bin/python bench/extract_bench.py --no-speed --write-baseline

which writes the new accuracies as floors only where they are higher than the pinned ones
(it never lowers a floor); review and commit the file with the change that earned it.
"""
from __future__ import annotations

import json
from pathlib import Path

from pipelines.extract.evaluate import FIELDS, accuracy, load_corpus

HERE = Path(__file__).resolve().parent
BASELINE = json.loads((HERE / "baseline.json").read_text(encoding="utf-8"))


def test_baseline_covers_every_field() -> None:
    assert set(BASELINE["floors"]) == set(FIELDS)
    assert all(0.0 <= v <= 1.0 for v in BASELINE["floors"].values())


def test_no_field_below_its_floor() -> None:
    corpus = load_corpus(HERE.parent / "fixtures" / "pages")
    assert len(corpus) >= BASELINE["min_fixtures"], "the corpus shrank: floors would no longer mean anything"
    acc, fails = accuracy(corpus)
    below = {k: (round(acc.get(k, 0.0), 4), floor, fails.get(k)) for k, floor in BASELINE["floors"].items()
             if acc.get(k, 0.0) + 1e-9 < floor}
    assert not below, f"fields below their floor (accuracy, floor, failing fixtures): {below}"


def test_overall_accuracy_target() -> None:
    corpus = load_corpus(HERE.parent / "fixtures" / "pages")
    acc, _ = accuracy(corpus)
    assert sum(acc.values()) / len(acc) >= 0.95
