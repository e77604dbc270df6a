"""`cchc units sync|show|resolve|check` through click's CliRunner: the machine-readable contract of issue 5."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.units import COMMANDS, units_group

CONTRACT = ("name", "code", "level", "type", "province", "valid_from", "valid_to", "predecessors", "successors")


def run(*args: str):
    return CliRunner().invoke(units_group, list(args))


def contract(obj: dict) -> dict:
    return {k: obj[k] for k in CONTRACT}


def test_units_group_is_registered() -> None:
    init = Path(__file__).resolve().parents[2] / "cli" / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    modules = next(ast.literal_eval(node.value) for node in ast.walk(tree)
                   if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "COMMAND_MODULES")
    assert "cli.units" in modules
    assert COMMANDS == [units_group]
    assert sorted(units_group.commands) == ["check", "resolve", "show", "sync"]


def test_sync_then_show_json_on_a_fresh_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/fresh.sqlite"
    first = run("sync", "--db", db)
    assert first.exit_code == 0, first.output
    assert "units:         14178 (14178 inserted, 0 updated, 0 deleted)" in first.output
    second = run("sync", "--db", db)
    assert second.exit_code == 0 and "nothing changed" in second.output

    result = run("show", "10903", "--db", db, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [contract(u) for u in data] == [
        {"name": "Ngọc Liên", "code": "10903", "level": "commune", "type": "xã", "province": "Hải Dương",
         "valid_from": None, "valid_to": "2025-06-30", "predecessors": [], "successors": ["Cẩm Giàng"]},
        {"name": "Cẩm Giàng", "code": "10903", "level": "commune", "type": "xã", "province": "Hải Phòng",
         "valid_from": "2025-07-01", "valid_to": None,
         "predecessors": ["Cẩm Hưng", "Ngọc Liên", "Lương Điền", "Phúc Điền"], "successors": []},
    ]
    assert data[0]["portals"] == ["x-ngoclien-camgiang-haiduong"]
    assert data[0]["documents"] == 0  # the documents table exists and nothing was crawled
    assert data[0]["parent"] == "Huyện Cẩm Giàng"
    assert data[0]["current_units"][0]["name"] == "Cẩm Giàng"
    # Phúc Điền was split: part of it went to Cẩm Giàng.
    phuc_dien = next(p for p in data[1]["predecessor_units"] if p["name"] == "Phúc Điền")
    assert (phuc_dien["whole"], phuc_dien["level"]) == (False, "commune")

    result = run("show", "tỉnh Tuyên Quang", "--db", db, "--format", "json")
    assert [contract(u) for u in json.loads(result.stdout)] == [
        {"name": "Tuyên Quang", "code": "08", "level": "province", "type": "tỉnh", "province": "Tuyên Quang",
         "valid_from": None, "valid_to": "2025-06-30", "predecessors": [], "successors": ["Tuyên Quang"]},
        {"name": "Tuyên Quang", "code": "08", "level": "province", "type": "tỉnh", "province": "Tuyên Quang",
         "valid_from": "2025-07-01", "valid_to": None, "predecessors": ["Hà Giang", "Tuyên Quang"], "successors": []},
    ]

    result = run("show", "Sở Lao động - Thương binh và Xã hội tỉnh Điện Biên", "--db", db, "--format", "json")
    [dept] = json.loads(result.stdout)
    assert contract(dept) == {
        "name": "Sở Lao động - Thương binh và Xã hội", "code": "11-SLDTBXH", "level": "department", "type": "sở",
        "province": "Điện Biên", "valid_from": None, "valid_to": "2025-02-28", "predecessors": [],
        "successors": ["Sở Giáo dục và Đào tạo", "Sở Nội vụ", "Sở Y tế"]}
    assert dept["portals"] == ["d-sldtbxh-dienbien"]


@pytest.fixture(scope="module")
def db(synced_sqlite: str) -> str:
    return synced_sqlite


def test_show_text_lists_every_match_with_province_and_validity(db: str) -> None:
    result = run("show", "Ngọc Liên", "--db", db)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("3 units match 'Ngọc Liên':")
    assert "Xã Ngọc Liên  [commune, xã, code 10903]\n  in:           Huyện Cẩm Giàng, Tỉnh Hải Dương\n" \
           "  valid:        start not recorded to 2025-06-30" in out
    assert "Xã Cẩm Giàng (10903; Thành phố Hải Phòng; from 2025-07-01) — became part of it 2025-07-01, whole" in out
    assert "portals:      x-ngoclien-camgiang-haiduong" in out
    assert out.count("Tỉnh Thanh Hóa") >= 2
    narrowed = run("show", "Ngọc Liên", "--province", "Hải Phòng", "--db", db, "--format", "json")
    assert [u["code"] for u in json.loads(narrowed.stdout)] == ["10903"]


def test_show_unknown_is_a_clear_error(db: str) -> None:
    for query in ("xã Không Có Thật", "99999"):
        result = run("show", query, "--db", db)
        assert result.exit_code == 1
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"error: no unit matches {query!r}" in result.output


def test_show_on_a_database_without_units(tmp_path: Path) -> None:
    from storage import Store

    url = f"sqlite:///{tmp_path}/empty.sqlite"
    Store.open(url).close()
    result = run("show", "Ngọc Liên", "--db", url)
    assert result.exit_code == 1
    assert "run `cchc units sync` first" in result.output


def test_resolve_command(db: str) -> None:
    result = run("resolve", "Đảng ủy xã Ngọc Liên", "--province", "Hải Dương", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["status"], data["organ"], data["units"][0]["code"]) == ("resolved", "party", "10903")
    assert data["current_units"][0]["name"] == "Cẩm Giàng"
    ambiguous = run("resolve", "UBND xã Ngọc Liên", "--db", db)
    assert ambiguous.exit_code == 1
    assert "ambiguous: 2 units fit 'UBND xã Ngọc Liên'" in ambiguous.output
    assert "candidate: Xã Ngọc Liên (10903; Huyện Cẩm Giàng, Tỉnh Hải Dương; until 2025-06-30)" in ambiguous.output


def test_check_command(db: str) -> None:
    result = run("check", "--db", db)
    assert result.exit_code == 0, result.output
    assert "notice: x-ngoclien-camgiang-haiduong: unit Xã Ngọc Liên" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("OK: ")
