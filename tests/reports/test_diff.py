"""Diff between crawled simulator days, against the simulator's ground truth (world.changes, widgets)."""
from __future__ import annotations

import json

import pytest
from builddb import cchc
from truth import plans, subset


def run_diff(db: str, a: str, b: str, *args: str) -> dict:
    proc = cchc("report", "diff", "--db", db, "--from", a, "--to", b, "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def changes(world, day: int, kind: str) -> set[str]:
    return {c.url if kind != "down" else c.portal_id for c in world.changes
            if c.day == day and c.kind == kind and c.portal_id in subset()}


def down_on(world, day: int) -> set[str]:
    return {c.portal_id for c in world.changes if c.kind == "down" and c.day == day}


@pytest.mark.parametrize("a, b", [(1, 2), (2, 3), (1, 3)])
def test_diff_documents(db, worlds, a, b):
    d = run_diff(db, str(a), str(b))
    for key in ("new", "changed", "removed", "portals_down", "portals_up"):
        assert isinstance(d[key], list)
    assert d["from"]["run"] == a and d["to"]["run"] == b
    added = set().union(*(changes(worlds[b], day, "added") for day in range(a + 1, b + 1)))
    edited = set().union(*(changes(worlds[b], day, "edited") for day in range(a + 1, b + 1)))
    removed = set().union(*(changes(worlds[b], day, "removed") for day in range(a + 1, b + 1)))
    assert {r["url"] for r in d["removed"]} == removed
    new_urls = {r["url"] for r in d["new"]}
    # the simulator's additions; on a complete crawl exactly those. "New" means new to the snapshots, so
    # a page an earlier crawl missed (a timeout under load) is new too: it must then be one the
    # simulator had already published on day `a`, never one it had not published by day `b`.
    assert added <= new_urls
    earlier = {art.url for pid in subset() for art in worlds[a].articles(pid)}
    assert new_urls - added <= earlier
    assert all(a < r["first_seen_run"] <= b for r in d["new"])
    changed = {r["url"]: r for r in d["changed"]}
    assert edited <= set(changed)
    assert all(r["version_to"] > r["version_from"] for r in d["changed"])


def test_portals_down_and_up(db, worlds):
    assert [r["portal"] for r in run_diff(db, "1", "2")["portals_down"]] == sorted(down_on(worlds[2], 2)) == ["p-lamdong"]
    assert run_diff(db, "1", "2")["portals_up"] == []
    d23 = run_diff(db, "2026-03-03", "2026-03-04")
    assert [r["portal"] for r in d23["portals_up"]] == ["p-lamdong"] and d23["portals_down"] == []
    d13 = run_diff(db, "1", "3")
    assert d13["portals_down"] == [] and d13["portals_up"] == []


@pytest.mark.parametrize("a, b", [(1, 2), (2, 3), (1, 3)])
def test_widgets_late_rose(db, worlds, a, b):
    down = down_on(worlds[b], 2) if a <= 2 <= b and (a == 2 or b == 2) else set()
    expected = {}
    for pid in subset():
        wa, wb = worlds[a].widget(pid), worlds[b].widget(pid)
        if wa is None or wb is None or pid in down or wa.how == "iframe":
            continue  # an iframe one-door widget shows an on-time rate only, no late count
        if wb.late > wa.late:
            expected[pid] = (wa.late, wb.late)
    got = {r["portal"]: (r["late_from"], r["late_to"]) for r in run_diff(db, str(a), str(b))["widgets_late_rose"]}
    assert got == expected
    assert "p-ninhbinh" not in got  # its widget is frozen


def test_coverage_gained(db, worlds):
    d = run_diff(db, "2", "3", "--year", "2026")
    expected = {p for p in subset() if plans(worlds[3], p, 2026, "propaganda_plan")
                and not plans(worlds[2], p, 2026, "propaganda_plan")}
    assert {r["portal"] for r in d["coverage_gained"]} == expected == {"p-hatinh", "h-giolinh-quangtri"}
    assert d["coverage_lost"] == []


@pytest.mark.parametrize("args, message", [
    (["--from", "99", "--to", "3"], "there is no run 99"),
    (["--from", "3", "--to", "1"], "is after --to"),
    (["--from", "1", "--to", "2999-01-01"], "in the future"),
    (["--from", "2001-01-01", "--to", "3"], "before the first run"),
])
def test_diff_bad_input(db, args, message):
    proc = cchc("report", "diff", "--db", db, *args)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_diff_table_is_vietnamese(db):
    proc = cchc("report", "diff", "--db", db, "--from", "1", "--to", "2")
    assert proc.returncode == 0
    assert "Cổng ngừng hoạt động (1)" in proc.stdout and "p-lamdong" in proc.stdout


@pytest.mark.parametrize("fmt", ["json", "table", "csv"])
def test_a_diff_spooled_to_disk_prints_what_one_held_in_memory_prints(db, fmt, monkeypatch):
    """The year's diff keeps its rows in a temporary file past `MEMORY_ROWS` (issue 12: 1.3 GB held):
    forcing that here, every format prints byte for byte what the rows held in memory print."""
    from click.testing import CliRunner

    from cli import main
    from reports import spool

    def printed() -> str:
        result = CliRunner().invoke(main, ["report", "diff", "--db", db, "--from", "1", "--to", "3", "--format", fmt])
        assert result.exit_code == 0, result.output
        return result.stdout

    in_memory = printed()
    monkeypatch.setattr(spool, "MEMORY_ROWS", 1)
    assert printed() == in_memory
    if fmt == "json":
        d = json.loads(in_memory)
        assert d["new"] and d["changed"]
        assert [(r["portal"], r["url"]) for r in d["new"]] == sorted((r["portal"], r["url"]) for r in d["new"])


def test_diff_as_xlsx_lists_every_document_with_its_change(db, tmp_path):
    """The spreadsheet's first sheet holds the JSON's new, changed and removed documents, in that order,
    each with its change named (read from the spools once, as the sheet is written)."""
    import openpyxl

    d = run_diff(db, "1", "3")
    out = tmp_path / "diff.xlsx"
    proc = cchc("report", "diff", "--db", db, "--from", "1", "--to", "3", "--format", "xlsx", "--out", str(out),
                "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    sheet = openpyxl.load_workbook(out, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Change", "Portal", "Unit", "Link")
    expected = [(label, r["portal"], r["url"], r["version_to"])
                for k, label in (("new", "New"), ("changed", "Changed"), ("removed", "Removed")) for r in d[k]]
    assert len(d["new"]) > 3 and d["changed"]
    assert [(r[0], r[1], r[3], r[9]) for r in body] == expected
