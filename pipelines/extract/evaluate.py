"""Field-by-field comparison of a record with a fixture's hand-written expectations.

Shared by the golden test, the quality gate (tests/extract/baseline.json) and bench/extract_bench.py
so all three count accuracy the same way. Exact equality, except where the expectation file says
what a person checks:
- `text`: {"starts_with": str, "contains": [str], "not_contains": [str]} (the whole body is not
  retyped by hand; its first words, key sentences and what must NOT leak in are); a page with no
  text passes only an expectation that requires nothing (a stored copy that is only a headline);
- `sections`: the list of section names in order; `deadlines`: the list of dates in order;
- `warnings`: each expected string occurs in one warning, and there are as many warnings as expected.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .dates import VN_OFFSET
from .extractor import extract
from .record import RECORD_KEYS, Record

META_KEYS = frozenset({"url", "captured", "family", "source", "note", "context", "bytes", "markup", "heldout"})
FIELDS = tuple(k for k in RECORD_KEYS if k != "url")


@dataclass
class Fixture:
    name: str
    html_path: Path
    expected: dict[str, Any]
    meta: dict[str, Any] | None = None   # a real-corpus page's meta.json (None for tests/fixtures/pages)

    @property
    def url(self) -> str:
        return self.expected["url"]

    @property
    def fetched_at(self) -> dt.datetime:
        d = dt.date.fromisoformat(self.expected["captured"])
        return dt.datetime(d.year, d.month, d.day, 12, 0, tzinfo=VN_OFFSET)

    def html(self) -> str | bytes:
        data = self.html_path.read_bytes()
        return data if self.expected.get("bytes") else data.decode("utf-8")

    def context(self) -> Any:
        from .issuer import PortalContext

        ctx = self.expected.get("context")
        return PortalContext(**ctx) if ctx else None

    def extract(self) -> Record:
        return extract(self.html(), self.url, self.context(), fetched_at=self.fetched_at)


def load_corpus(directory: Path) -> list[Fixture]:
    """Every <name>.html with a <name>.json beside it, sorted by name."""
    out = []
    for html in sorted(directory.glob("*.html")):
        js = html.with_suffix(".json")
        if js.exists():
            out.append(Fixture(html.stem, html, json.loads(js.read_text(encoding="utf-8"))))
    return out


REAL_FILES = ("source.txt", "meta.json", "expected.json", "page.html")

#: (slug, meta, source) -> chrome strings the built page carries and the text does not (scripts/real_corpus.py)
Markers = Callable[[str, dict[str, Any], str], list[str]]


def load_real_corpus(directory: Path, markers: Markers | None = None, *, heldout: bool | None = None) -> list[Fixture]:
    """The real-text corpus (tests/fixtures/real/<slug>/): one Fixture per folder that has all four files.

    The expectation is expected.json as a person wrote it, plus `url` (meta's url) and `captured`
    (meta's retrieved date, the crawl day the page is read as of). With `markers`, the boilerplate
    strings the builder put around the text are added to the text check's `not_contains` (a field
    counted like any other: chrome never reaches `text`). `heldout` keeps only the held-out (True) or
    the training (False) part.
    """
    out: list[Fixture] = []
    if not directory.is_dir():
        return out
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        if not all((folder / f).exists() for f in REAL_FILES):
            continue
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if heldout is not None and bool(meta.get("heldout")) != heldout:
            continue
        expected = dict(json.loads((folder / "expected.json").read_text(encoding="utf-8")))
        expected["url"] = meta["url"]
        expected["captured"] = str(meta["retrieved"])[:10]
        if markers is not None:
            source = (folder / "source.txt").read_text(encoding="utf-8")
            leak = markers(folder.name, meta, source)
            if leak:
                text = dict(expected.get("text") or {})
                text["not_contains"] = list(text.get("not_contains", [])) + leak
                expected["text"] = text
        out.append(Fixture(folder.name, folder / "page.html", expected, meta))
    return out


def field_ok(name: str, actual: Any, expected: Any) -> bool:
    """Does `actual` (from the record) satisfy the expectation for field `name`?"""
    if name == "text" and isinstance(expected, dict):
        if not isinstance(actual, str):
            # no text at all satisfies an expectation that requires nothing (a stored copy that is
            # only a headline): it leaks nothing; any required start or phrase makes it a miss
            return not expected.get("contains") and "starts_with" not in expected
        if "starts_with" in expected and not actual.startswith(expected["starts_with"]):
            return False
        if any(s not in actual for s in expected.get("contains", [])):
            return False
        return not any(s in actual for s in expected.get("not_contains", []))
    if name == "sections":
        return [s["name"] for s in actual] == expected
    if name == "deadlines":
        return [d["date"] for d in actual] == expected
    if name == "warnings":
        return len(actual) == len(expected) and all(any(e in w for w in actual) for e in expected)
    return actual == expected


def compare(record: Record, expected: dict[str, Any]) -> dict[str, tuple[bool, Any, Any]]:
    """{field: (ok, actual, expected)} for each field the expectation file names."""
    got = record.to_dict()
    out = {}
    for k, v in expected.items():
        if k in META_KEYS:
            continue
        out[k] = (field_ok(k, got[k], v), got[k], v)
    return out


def accuracy(corpus: list[Fixture]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Per-field accuracy over a corpus, and the fixtures each field failed on."""
    hits: dict[str, int] = {}
    totals: dict[str, int] = {}
    fails: dict[str, list[str]] = {}
    for fx in corpus:
        for k, (ok, _, _) in compare(fx.extract(), fx.expected).items():
            totals[k] = totals.get(k, 0) + 1
            hits[k] = hits.get(k, 0) + int(ok)
            if not ok:
                fails.setdefault(k, []).append(fx.name)
    return {k: hits[k] / totals[k] for k in sorted(totals, key=FIELDS.index)}, fails
