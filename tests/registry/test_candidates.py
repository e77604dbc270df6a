"""`cchc sources generate`: candidate rows for the whole country from the unit data, one file per province."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli.sources_country  # noqa: F401 - registers generate|probe|review
from cli.sources import sources_group
from crawler.candidates import CandidateDataError, generate, load_standard_departments
from crawler.registry import load_registry
from units.reference import REORG_DATE, load_reference


def _current(level: str, province_code: str | None = None) -> list:
    return [u for u in load_reference().units if u.level == level and u.valid_to is None
            and u.valid_from == REORG_DATE
            and (province_code is None or u.province_key == f"province:{province_code}:2025-07-01")]


def test_generate_one_province_counts_match_unit_data(tmp_path: Path) -> None:
    out = tmp_path / "cand"
    res = CliRunner().invoke(sources_group, ["generate", "--province", "lai chau", "--out", str(out),
                                    "--include-registered"])
    assert res.exit_code == 0, res.output
    assert [f.name for f in out.iterdir()] == ["12-laichau.csv"]
    reg = load_registry(out)
    communes = _current("commune", "12")
    by_level = {lv: [p for p in reg if p.level == lv] for lv in ("province", "department", "commune")}
    assert len(by_level["province"]) == 1 and by_level["province"][0].unit_code == "12"
    assert len(by_level["commune"]) == len(communes) == 38
    assert {p.unit_code for p in by_level["commune"]} == {u.code for u in communes}
    standard = [d for d in load_standard_departments() if d.applies_to("12")]
    assert len(by_level["department"]) == len(standard) == 19  # 12 standard, 3 conditional, 3 agencies, 1 portal
    assert all(p.unverified and p.province == "Lai Châu" for p in reg)
    assert f"({1} province, {19} department, {38} commune)" in res.output
    # the list is validated as generated: departments the curated units file lacks are notices, not errors
    res = CliRunner().invoke(sources_group, ["validate", "--registry", str(out)])
    assert res.exit_code == 0, res.output
    assert "OK: 58 portals" in res.output and "error:" not in res.output
    assert "notice: d-stp-laichau: department 12-STP of the standard post-2025 list" in res.output
    # a department the list does not have, in the same folder, is still an error
    f = out / "12-laichau.csv"
    f.write_text(f.read_text(encoding="utf-8").replace("Sở Tư pháp tỉnh Lai Châu", "Sở Hải sản tỉnh Lai Châu"),
                 encoding="utf-8")
    res = CliRunner().invoke(sources_group, ["validate", "--registry", str(out)])
    assert res.exit_code == 1 and "error: d-stp-laichau: the name 'Sở Hải sản tỉnh Lai Châu'" in res.output


def test_every_current_unit_and_listed_department_has_a_candidate(tmp_path: Path) -> None:
    """The whole country, checked against the unit reference data rather than a pinned count."""
    per_province = generate()
    rows = [c.row for cands in per_province.values() for c in cands]
    provinces = _current("province")
    assert sorted(per_province) == sorted(u.code for u in provinces)
    assert {(r["level"], r["unit_code"]) for r in rows if r["level"] != "department"} == \
        {("province", u.code) for u in provinces} | {("commune", u.code) for u in _current("commune")}
    deps = {r["notes"].rsplit(" ", 1)[-1] for r in rows if r["level"] == "department"}
    want = {f"{u.code}-{d.abbr}" for u in provinces for d in load_standard_departments() if d.applies_to(u.code)}
    assert want <= deps and len(want) == 34 * 19 + 3
    assert all(r["unverified"] == "1" for r in rows)
    assert len(rows) >= 34 + 3321 + len(want)


def test_standard_list_bad_kind_named_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "deps.csv"
    bad.write_text("# c\nabbr,name,kind,provinces\nSNV,Sở Nội vụ,standard,\nSXX,Sở X,sometimes,\n", encoding="utf-8")
    with pytest.raises(CandidateDataError, match=r"deps.csv:4: kind must be one of"):
        load_standard_departments(bad)


def test_generate_country_one_file_per_province_and_human_rows_left_out(tmp_path: Path) -> None:
    out = tmp_path / "cand"
    res = CliRunner().invoke(sources_group, ["generate", "--out", str(out),
                                    "--file", "crawler/data/portals.csv"])
    assert res.exit_code == 0, res.output
    files = sorted(f.name for f in out.iterdir())
    assert len(files) == 34 and files[0] == "01-hanoi.csv" and "31-haiphong.csv" in files
    reg = load_registry(out)
    human = load_registry("crawler/data/portals.csv")
    # provinces and communes a person registered are not generated again; everything else is
    assert not [p for p in reg if p.level == "province"]
    human_communes = {(p.unit_code, p.province) for p in human if p.level == "commune" and p.unit_code}
    assert not {(p.unit_code, p.province) for p in reg if p.level == "commune"} & human_communes
    generated = {p.unit_code for p in reg if p.level == "commune"}
    missing = {u.code for u in _current("commune")} - generated
    assert 0 < len(missing) < 30  # the bundled registry's current communes, nothing else
    assert all(any(h.level == "commune" and (h.unit_code == c or h.name.endswith(
        next(u.name for u in _current("commune") if u.code == c))) for h in human) for c in missing)
    assert len(generated) + len(missing) == len(_current("commune")) == 3321
    assert not {p.id for p in reg} & {p.id for p in human}
    # two communes of one folded name in a province get distinct ids and hosts
    hp = [row for row in csv.DictReader(ln for ln in (out / "31-haiphong.csv").open(encoding="utf-8")
                                         if not ln.startswith("#"))]
    cam = [r for r in hp if r["name"] in ("UBND xã Cẩm Giang", "UBND xã Cẩm Giàng")]
    assert len(cam) == 2 and cam[0]["base_url"] != cam[1]["base_url"]
    # the human file is untouched by generation
    assert Path("crawler/data/portals.csv").read_bytes() == Path("crawler/data/portals.csv").read_bytes()


def test_folder_registry_duplicate_id_across_files_is_refused_with_line(tmp_path: Path) -> None:
    out = tmp_path / "cand"
    CliRunner().invoke(sources_group, ["generate", "--province", "12", "--out", str(out), "--include-registered"])
    text = (out / "12-laichau.csv").read_text(encoding="utf-8")
    (out / "99-copy.csv").write_text(text, encoding="utf-8")
    res = CliRunner().invoke(sources_group, ["list", "--registry", str(out)])
    assert res.exit_code == 1
    assert "99-copy.csv:5: field 'id': duplicate id 'p-laichau' (first in" in res.output


def test_generate_never_replaces_a_file_a_person_wrote(tmp_path: Path) -> None:
    out = tmp_path / "cand"
    out.mkdir()
    mine = out / "12-laichau.csv"
    mine.write_text("id,name,level,province,base_url,cms\np-x,UBND tỉnh Lai Châu,province,Lai Châu,https://laichau.gov.vn/,vnportal\n",
                    encoding="utf-8")
    before = mine.read_bytes()
    res = CliRunner().invoke(sources_group, ["generate", "--province", "12", "--out", str(out), "--include-registered"])
    assert res.exit_code == 1
    assert f"error: {mine}:1: not a generated candidate file; refusing to replace it" in res.output
    assert mine.read_bytes() == before and [f.name for f in out.iterdir()] == ["12-laichau.csv"]
    # a generated file is replaced by the next generation
    other = tmp_path / "gen"
    for _ in range(2):
        res = CliRunner().invoke(sources_group, ["generate", "--province", "12", "--out", str(other), "--include-registered"])
        assert res.exit_code == 0, res.output
