"""Golden test: every fixture page gives, field by field, the values a person reads off it.

Expected values live beside each page (tests/fixtures/pages/<name>.json), typed by hand; see
pipelines/extract/evaluate.py for how text, sections, deadlines and warnings are compared.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.extract.evaluate import FIELDS, compare, load_corpus

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
CORPUS = load_corpus(PAGES)
FAMILIES = ("tandan_sp", "sharepoint_vn", "liferay62", "vnportal", "nukeviet")


def test_corpus_is_there() -> None:
    assert len(CORPUS) >= 18, "fixture corpus went missing"
    html_without_json = [p.name for p in PAGES.glob("*.html") if not p.with_suffix(".json").exists()]
    assert not html_without_json, f"pages without expectations: {html_without_json}"


def test_every_family_has_a_seed_fixture() -> None:
    seen = {fx.expected.get("family") for fx in CORPUS if fx.name.startswith("seed")}
    missing = [f for f in FAMILIES if f not in seen]
    assert not missing, f"no seed fixture rendered in families {missing} (run scripts/make_fixtures.py)"


def test_every_seed_in_two_families() -> None:
    for seed in range(5):
        fams = {fx.expected.get("family") for fx in CORPUS if fx.name.startswith(f"seed{seed:03d}_")}
        assert len(fams) >= 2, f"seed {seed:03d} has fixtures in {sorted(fams)}; need at least two families"


@pytest.mark.parametrize("fx", CORPUS, ids=[fx.name for fx in CORPUS])
def test_fixture_fields(fx) -> None:  # type: ignore[no-untyped-def]
    names = [k for k in fx.expected if k in FIELDS]
    assert set(FIELDS) <= set(names), f"{fx.name}.json lacks fields {sorted(set(FIELDS) - set(names))}"
    result = compare(fx.extract(), fx.expected)
    wrong = {k: {"got": got, "expected": exp} for k, (ok, got, exp) in result.items() if not ok}
    assert not wrong, f"{fx.name}: {wrong}"
