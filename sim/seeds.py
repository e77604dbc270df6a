"""The five seed pages: real text of real portal pages, served unchanged by the simulator.

The text ships with the package (``sim/data/seeds/*.txt``, byte-for-byte copies of the five pages in
the project's shared material) so an installed simulator works from any directory; ``$CCHC_SEEDS_DIR``
points at another folder of the same files (the originals, or edited ones) and wins when set. A small
hand-made structure file (``sim/data/seeds.yaml``) says which lines are the title, the date line, the
body, the sidebar widget and so on. Keeping the text out of the code means a test can compare what a
spider extracted with the very text a real portal showed.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sim.calendar import VN_TZ

DATA_DIR = Path(__file__).resolve().parent / "data"
STRUCTURE_FILE = DATA_DIR / "seeds.yaml"
#: The seed texts as package data (found wherever the package is installed, whatever the cwd).
PACKAGED_SEEDS = DATA_DIR / "seeds"
SEEDS_ENV = "CCHC_SEEDS_DIR"


class SeedsMissing(RuntimeError):
    """The seed texts are not where the simulator expects them."""


def seeds_dir() -> Path:
    """Where the seed texts are: $CCHC_SEEDS_DIR when set, else the package's own copy."""
    raw = os.environ.get(SEEDS_ENV)
    return Path(raw).expanduser() if raw else PACKAGED_SEEDS


@dataclass(frozen=True)
class SeedDoc:
    """One seed page cut into the parts a portal template places separately."""

    number: int
    portal_id: str
    native_family: str
    title: str
    published: dt.datetime
    published_assumed: bool
    body: list[str]
    date_line: str | None = None
    header: str | None = None
    category_header: str | None = None
    page_title: str | None = None
    font_control: str | None = None
    widget: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    counter: list[str] = field(default_factory=list)
    attachment_line: str | None = None
    attachment_file: str | None = None
    utility_box: list[str] = field(default_factory=list)
    related_heading: str | None = None
    related: list[str] = field(default_factory=list)
    category: str = "propaganda_plan"
    doc_number: str | None = None
    issuer: str | None = None
    plan_year: int | None = None
    raw_text: str = ""


def _lines(all_lines: list[str], span: list[int] | None) -> list[str]:
    if not span:
        return []
    start, end = span
    return all_lines[start - 1 : end]


def _paragraphs(lines: list[str]) -> list[str]:
    """Non-blank lines; a blank line in a seed separates paragraphs, it is not content."""
    return [ln for ln in lines if ln.strip()]


def _one(all_lines: list[str], span: list[int] | None) -> str | None:
    got = _lines(all_lines, span)
    return got[0] if got else None


def load_seeds() -> dict[int, SeedDoc]:
    """All seeds, keyed by seed number. Fails with a clear message when the texts are missing."""
    return _load_seeds_from(seeds_dir())


@functools.cache
def _load_seeds_from(folder: Path) -> dict[int, SeedDoc]:
    """Parsed once per folder (keyed by it, so changing $CCHC_SEEDS_DIR is seen at once)."""
    if not folder.is_dir():
        raise SeedsMissing(
            f"seed texts not found: {folder} does not exist (set {SEEDS_ENV} to a folder of the five "
            f"seed pages, or unset it to use the copy installed with the package)"
        )
    structure = yaml.safe_load(STRUCTURE_FILE.read_text(encoding="utf-8"))["seeds"]
    out: dict[int, SeedDoc] = {}
    for number, spec in structure.items():
        matches = sorted(folder.glob(f"{spec['file_prefix']}*.txt"))
        if not matches:
            raise SeedsMissing(f"seed {number:03d} not found in {folder} (pattern {spec['file_prefix']}*.txt)")
        raw = matches[0].read_text(encoding="utf-8")
        lines = raw.split("\n")
        title = spec.get("title_text") or _one(lines, spec.get("title"))
        if title is None:
            raise SeedsMissing(f"seeds.yaml gives no title for seed {number}")
        published = dt.datetime.fromisoformat(spec["published"]).replace(tzinfo=VN_TZ)
        out[int(number)] = SeedDoc(
            number=int(number),
            portal_id=spec["portal"],
            native_family=spec["native_family"],
            title=title,
            published=published,
            published_assumed=bool(spec.get("published_assumed", False)),
            body=_paragraphs(_lines(lines, spec.get("body"))),
            date_line=_one(lines, spec.get("date_line")),
            header=_one(lines, spec.get("header")),
            category_header=_one(lines, spec.get("category_header")),
            page_title=_one(lines, spec.get("page_title")),
            font_control=_one(lines, spec.get("font_control")),
            widget=_paragraphs(_lines(lines, spec.get("widget"))),
            footer=_paragraphs(_lines(lines, spec.get("footer"))),
            counter=_paragraphs(_lines(lines, spec.get("counter"))),
            attachment_line=_one(lines, spec.get("attachment")),
            attachment_file=spec.get("attachment_file"),
            utility_box=_paragraphs(_lines(lines, spec.get("utility_box"))),
            related_heading=_one(lines, spec.get("related_heading")),
            related=_paragraphs(_lines(lines, spec.get("related"))),
            category=spec.get("category", "propaganda_plan"),
            doc_number=spec.get("doc_number"),
            issuer=spec.get("issuer"),
            plan_year=spec.get("plan_year"),
            raw_text=raw,
        )
    return out


def seed_for_portal(portal_id: str) -> SeedDoc | None:
    """The seed whose article lives on `portal_id`, if any."""
    for doc in load_seeds().values():
        if doc.portal_id == portal_id:
            return doc
    return None
