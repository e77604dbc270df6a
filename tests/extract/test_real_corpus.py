"""The real-text corpus (issue 11): real government page texts in twelve CMS markups, scored field by field.

tests/fixtures/real/<slug>/ holds source.txt (the real text), meta.json (source URL, retrieval date,
portal, level, kind, markup, held-out flag, headline and posting-date line as the page shows them),
expected.json (written by a person reading the text) and page.html (made by scripts/real_corpus.py
from the other three; never edited by hand). Slugs `a-…` are the training part; `b-…`, `c-…` and `d-…`
the team's held-out part (portals used nowhere else; nobody tunes on them; `d-…` is the fresh part chosen
after `b-`/`c-` were scored at their round's end).

Floors live in tests/extract/baseline_real.json, apart from tests/extract/baseline.json: corpus counts
(raised as the corpus lands) and per-field accuracy floors pinned for the training part and for the
held-out part separately (so a held-out regression shows on its own). Floors only rise:

    .venv/bin/python bench/extract_bench.py --no-speed --write-baseline
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pipelines.extract.evaluate import FIELDS, REAL_FILES, accuracy, load_real_corpus

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REAL = HERE.parent / "fixtures" / "real"
BASELINE = json.loads((HERE / "baseline_real.json").read_text(encoding="utf-8"))


def _builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("real_corpus", ROOT / "scripts" / "real_corpus.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["real_corpus"] = mod   # dataclasses look their module up while the class is made
    spec.loader.exec_module(mod)
    return mod


RC = _builder()
FOLDERS = sorted(p for p in REAL.iterdir() if p.is_dir()) if REAL.is_dir() else []


def test_every_folder_has_the_four_files() -> None:
    incomplete = {p.name: [f for f in REAL_FILES if not (p / f).exists()] for p in FOLDERS}
    incomplete = {k: v for k, v in incomplete.items() if v}
    assert not incomplete, f"corpus folders missing files (run scripts/real_corpus.py build): {incomplete}"


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_page_is_what_the_builder_makes(folder: Path) -> None:
    """page.html is generated, never hand-edited: rebuilding it in memory gives the same bytes."""
    assert (folder / "page.html").read_text(encoding="utf-8") == RC.build(folder), \
        f"{folder.name}/page.html is stale or edited: run scripts/real_corpus.py build {folder.name}"


@pytest.mark.parametrize("folder", FOLDERS, ids=[p.name for p in FOLDERS])
def test_meta_is_well_formed(folder: Path) -> None:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["markup"] in RC.MARKUPS
    assert meta["portal_kind"] in ("government", "party", "mirror", "press")
    assert meta["level"] in ("ministry", "province", "department", "district", "commune", "mirror")
    assert meta["kind"] in ("cchc_plan", "propaganda_plan", "report", "letter", "decision", "sipas", "news", "other")
    assert folder.name.startswith(("a-", "a2-", "a3-", "b-", "c-", "d-")), f"{folder.name}: unknown corpus part"
    # training: a-*, a2-*, a3-*, and b-*/c-* (held out in rounds 1–2, studied after their end score); held out: d-*
    assert isinstance(meta["heldout"], bool) and meta["heldout"] == folder.name.startswith("d-")
    assert meta["url"].startswith(("http://", "https://")) and len(str(meta["retrieved"])) >= 10
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    unknown = set(expected) - set(FIELDS)
    assert not unknown, f"{folder.name}: expected.json has keys that are not record fields: {unknown}"


def test_corpus_floors() -> None:
    """The corpus never shrinks below what has landed (floors in baseline_real.json, raised as it grows)."""
    s = RC.stats(REAL)
    floors = BASELINE["corpus"]
    assert s["pages"] >= floors["pages"]
    assert s["portals"] >= floors["portals"]
    assert len(s["markups"]) >= floors["markups"]
    assert len(s["markups_not_simulated"]) >= floors["markups_not_simulated"]
    assert s["heldout_pages_from_unique_portals"] >= floors["heldout_from_unique_portals"]


def test_heldout_portals_are_used_nowhere_else() -> None:
    metas = [json.loads((p / "meta.json").read_text(encoding="utf-8")) for p in FOLDERS]
    train = {m["portal"] for m in metas if not m["heldout"]}
    shared = sorted({m["portal"] for m in metas if m["heldout"] and m["portal_kind"] in ("government", "party")} & train)
    assert not shared, f"held-out pages from portals also in the training part: {shared}"


def test_builder_covers_every_markup_and_never_invents_a_date() -> None:
    """Each of the twelve markups renders a page; with no headline or date in meta, the page shows the
    site's name as <title> and no posting-date line (the only dates are the distractor lists')."""
    source = ("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH BÌNH ĐỊNH | Độc lập - Tự do - Hạnh phúc\n"
              "Số: 1520/QĐ-UBND | Bình Định, ngày 05 tháng 5 năm 2023\nQUYẾT ĐỊNH\nVề việc ban hành Kế hoạch cải cách hành chính năm 2023\n"
              "Căn cứ Luật Tổ chức chính quyền địa phương;\n")
    for markup in RC.MARKUPS:
        meta = {"url": "https://binhdinh.gov.vn/a", "retrieved": "2026-11-29", "portal": "binhdinh.gov.vn",
                "portal_kind": "government", "level": "province", "kind": "decision", "markup": markup,
                "heldout": False, "headline": None, "published": None, "site_name": "Cổng TTĐT tỉnh Bình Định"}
        page = RC.render("a-test", meta, source)
        assert "Căn cứ Luật Tổ chức chính quyền địa phương;" in page, markup
        low = page.lower()
        assert "chịu trách nhiệm chính" in low and "in bài viết" in low, markup
        if markup != "print_view":   # a print view is the article, a header and a footer: no side lists
            assert "tin mới nhất" in low and "văn bản liên quan" in low and "tin khác" in low, markup
            assert "đang truy cập" in low, markup
        assert "05/05/2023" not in page, markup
        assert RC.render("a-test", meta, source) == page, f"{markup}: not deterministic"
        meta["headline"] = "Ban hành Kế hoạch CCHC tỉnh Bà Rịa - Vũng Tàu"
        meta["published"] = "Ngày đăng: 14/03/2024 09:12"
        page = RC.render("a-test", meta, source)
        assert "Ngày đăng: 14/03/2024 09:12" in page and "Bà Rịa - Vũng Tàu" in page.split("</title>")[0], markup


def test_header_layouts() -> None:
    """The formal header: cells from '|' rows, from '|'-closed cell lines, or from plain lines."""
    rows = RC.find_header(["ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH BÌNH ĐỊNH | Độc lập - Tự do - Hạnh phúc",
                           "Số: 1520/QĐ-UBND | Bình Định, ngày 05 tháng 5 năm 2023", "QUYẾT ĐỊNH"])
    assert rows is not None and rows.end == 3 and ["Số: 1520/QĐ-UBND"] in rows.cells
    cells = RC.find_header(["ỦY BAN NHÂN DÂN |", "CỘNG HÒA XÃ HỘI", "CHỦ NGHĨA VIỆT NAM |", "|", "Số: 3369/QĐ-UBND |",
                            "Hà Tĩnh, ngày 31 tháng 12 năm 2025 |", "QUYẾT ĐỊNH"])
    assert cells is not None and cells.cells == [["ỦY BAN NHÂN DÂN"], ["CỘNG HÒA XÃ HỘI", "CHỦ NGHĨA VIỆT NAM"],
                                                 ["Số: 3369/QĐ-UBND"], ["Hà Tĩnh, ngày 31 tháng 12 năm 2025"]]
    lines = RC.find_header(["Hệ thống pháp luật", "ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "-------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                            "Độc lập - Tự do - Hạnh phúc", "Số: 32/KH-UBND", "", "Lào Cai, ngày 03 tháng 02 năm 2016", "", "KẾ HOẠCH"])
    assert lines is not None and lines.start == 1 and lines.cells[0] == ["ỦY BAN NHÂN DÂN", "TỈNH LÀO CAI", "-------"]
    assert lines.cells[-1] == ["Lào Cai, ngày 03 tháng 02 năm 2016"]
    assert RC.find_header(["Sáng 12/3, UBND tỉnh tổ chức hội nghị", "Số: 5 người"]) is None


def test_training_part_holds_in_every_markup() -> None:
    """Generalisation across layouts: each training page, wrapped in EACH of the twelve markups, still
    meets its expectations (a rule that only works in the page's own markup would fail here). Below
    100 % only by what a markup cannot show as the text has it (a '|' the table layout removes)."""
    from pipelines.extract.evaluate import compare

    corpus = load_real_corpus(REAL, RC.boilerplate_markers, heldout=False)
    if not corpus:
        pytest.skip("no training pages yet")
    worst = {}
    for markup in RC.MARKUPS:
        hits = total = 0
        for fx in corpus:
            source = (REAL / fx.name / "source.txt").read_text(encoding="utf-8")
            html = RC.render(fx.name, {**(fx.meta or {}), "markup": markup}, source)
            from pipelines.extract import extract

            for ok, _, _ in compare(extract(html, fx.url, fetched_at=fx.fetched_at), fx.expected).values():
                hits += ok
                total += 1
        worst[markup] = hits / total
    below = {m: round(a, 4) for m, a in worst.items() if a < BASELINE["every_markup_floor"]}
    assert not below, f"markups where the training part scores below {BASELINE['every_markup_floor']}: {below}"


def _gate(part: str, heldout: bool) -> None:
    corpus = load_real_corpus(REAL, RC.boilerplate_markers, heldout=heldout)
    floors = BASELINE["floors"][part]
    if not corpus:
        pytest.skip(f"no {part} pages yet")
    assert len(corpus) >= BASELINE["min_pages"][part], f"the {part} part shrank: floors would no longer mean anything"
    acc, fails = accuracy(corpus)
    # the held-out part names no failing page: nobody tunes on it
    below = {k: (round(acc.get(k, 0.0), 4), floor) + ((fails.get(k),) if not heldout else ())
             for k, floor in floors.items() if acc.get(k, 0.0) + 1e-9 < floor}
    assert not below, f"{part}: fields below their floor (accuracy, floor, failing pages): {below}"


def test_training_part_no_field_below_its_floor() -> None:
    _gate("train", heldout=False)


def test_heldout_part_no_field_below_its_floor() -> None:
    _gate("heldout", heldout=True)
