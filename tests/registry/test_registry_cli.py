"""`cchc sources list|validate|add` through click's CliRunner."""
from __future__ import annotations

import ast
import json
from pathlib import Path

from click.testing import CliRunner

from cli.sources import COMMANDS, sources_group
from crawler.registry import load_registry


def run(*args: str):
    return CliRunner().invoke(sources_group, list(args))


def test_sources_group_is_registered_on_the_cchc_command():
    # Read from the source, not imported: importing cli/__init__.py imports every other area's
    # commands too, and this test is about the registry's entry only.
    init = Path(__file__).resolve().parents[2] / "cli" / "__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    modules = next(ast.literal_eval(node.value) for node in ast.walk(tree)
                   if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "COMMAND_MODULES")
    assert "cli.sources" in modules
    assert sources_group.name == "sources"
    assert COMMANDS == [sources_group]
    assert {"add", "detect", "list", "validate"} <= set(sources_group.commands)  # + generate|probe|review


def test_list_json_with_province_filter():
    result = run("list", "--province", "tuyen quang", "--level", "province", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == [{
        "id": "p-tuyenquang", "name": "UBND tỉnh Tuyên Quang", "level": "province", "province": "Tuyên Quang",
        "parent": None, "base_url": "https://tuyenquang.gov.vn/", "host": "tuyenquang.gov.vn", "cms": "vnportal",
        "feeds": [], "sitemaps": [], "listings": [], "registers": [], "hosts": [], "widget_url": None,
        "unit_code": None, "unverified": False, "notes": "seed 001; absorbed Hà Giang on 2025-07-01",
        "allowed_hosts": ["tuyenquang.gov.vn"], "kind": "portal",
    }]


def test_list_json_all_and_by_level():
    everything = json.loads(run("list", "--format", "json").stdout)
    assert len(everything) == 73  # 72 portals, then the national source (issue 14)
    assert everything[0]["id"] == "p-hanoi"
    national = everything[-1]
    assert (national["id"], national["kind"], national["level"]) == ("vn-dvcqg-766", "national_index", None)
    assert national["allowed_hosts"] == ["dichvucong.gov.vn"]
    assert all(p["kind"] == "portal" for p in everything[:-1])
    communes = json.loads(run("list", "--level", "commune", "--format", "json").stdout)
    assert [c["id"] for c in communes] == [
        "x-ngoclien-camgiang-haiduong", "x-linhtruong-giolinh-quangtri", "x-sonlinh-hatinh",
        "x-hagiang1-tuyenquang", "x-haiduong-haiphong", "x-cathai-haiphong", "x-dienbienphu-dienbien",
        "x-vandon-quangninh",
        # layouts matching no family profile (cms=unknown, issue 11)
        "x-mucangchai-laocai", "x-hoaphu-daklak", "x-anhson-nghean", "x-viettri-phutho", "x-nhatrang-khanhhoa",
        "x-quynhon-gialai", "x-tinhkhe-quangngai", "x-phandinhphung-thainguyen", "x-ninhkieu-cantho",
        "x-bienhoa-dongnai", "x-kyanh-hatinh"]


def test_list_table_is_readable():
    result = run("list", "--province", "Hai Duong")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["id", "level", "province", "cms", "host", "unverified"]
    assert lines[2].split() == ["x-ngoclien-camgiang-haiduong", "commune", "Hải", "Dương", "sharepoint_vn",
                                "ngoclien.camgiang.haiduong.gov.vn", "yes"]
    assert lines[3].split()[0] == "h-camgiang-haiduong"
    assert lines[-1] == "2 portal(s)"


def test_list_csv_and_bad_level():
    result = run("list", "--province", "Hà Nội", "--format", "csv")
    assert result.stdout.splitlines()[0].startswith("id,name,level,province,parent,base_url,cms,")
    assert result.stdout.splitlines()[1] == "p-hanoi,UBND thành phố Hà Nội,province,Hà Nội,,https://hanoi.gov.vn/,liferay62,,,,,,,,,,"
    bad = run("list", "--level", "bogus")
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert bad.output.strip().splitlines() == [
        "error: unknown level 'bogus' for --level: choose one of province (tỉnh), department (sở), district (huyện), "
        "commune (xã/phường)"]


def test_levels_as_people_type_them():
    """`--level` takes what a person types (issue 15): xã, xa, phường; huyện, quận; tỉnh; sở."""
    as_stored = {lv: run("list", "--level", lv, "--format", "json").stdout
                 for lv in ("commune", "district", "province", "department")}
    assert all(json.loads(out) for out in as_stored.values())
    for typed, level in (("xã", "commune"), ("xa", "commune"), ("Phường", "commune"), ("huyen", "district"),
                         ("quận", "district"), ("tỉnh", "province"), ("so", "department")):
        result = run("list", "--level", typed, "--format", "json")
        assert result.exit_code == 0 and result.stdout == as_stored[level], typed


def test_validate_ok_and_errors(write_registry):
    ok = run("validate")
    assert ok.exit_code == 0
    lines = ok.stdout.splitlines()
    assert lines[-1] == "OK: 72 portals, 1 national source(s)"
    # portals whose unit no longer exists are reported with the proposed successor
    assert ("notice: x-ngoclien-camgiang-haiduong: unit Xã Ngọc Liên (10903; Huyện Cẩm Giàng, Tỉnh Hải Dương; "
            "until 2025-06-30) no longer exists; successor: Xã Cẩm Giàng (10903; Thành phố Hải Phòng; from 2025-07-01)") in lines
    path = write_registry("p-a,A,huyen,X,,https://a.gov.vn/,nukeviet,,,,,,,,,",
                          "p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,")
    bad = run("validate", "--file", str(path))
    assert bad.exit_code == 1
    assert bad.stdout.splitlines() == [
        f"{path}:3: field 'level': unknown level 'huyen' (expected one of province, department, district, commune)",
        f"{path}:4: field 'id': duplicate id 'p-a' (first on line 3)",
        "FAILED: 2 error(s)",
    ]


def test_list_on_malformed_file_exits_1_without_traceback(write_registry, tmp_path):
    path = write_registry("p-a,A,huyen,X,,https://a.gov.vn/,nukeviet,,,,,,,,,")
    result = run("list", "--file", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: field 'level'" in result.stderr and "Traceback" not in result.output
    missing = run("validate", "--file", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 1 and missing.stdout.startswith(f"{tmp_path / 'nope.csv'}: no such registry file")


ADD_OK = ["add", "--id", "d-snv-x", "--name", "Sở Nội vụ, tỉnh X", "--level", "department", "--province", "X",
          "--base-url", "https://snv.x.gov.vn/", "--cms", "vnportal", "--parent", "p-dienbien",
          "--feeds", "/rss", "--feeds", "https://feeds.x.gov.vn/a.xml", "--unverified"]


def test_add_refused_leaves_file_byte_identical(write_registry, good_rows):
    path = write_registry(*good_rows)
    before = path.read_bytes()
    args = [*ADD_OK, "--file", str(path)]
    args[args.index("department")] = "huyen"  # what a person types: the district level
    args[args.index("p-dienbien")] = "p-nowhere"
    result = run(*args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:5: field 'parent': unknown parent id 'p-nowhere'",
        f"refused: 1 error(s); {path} left unchanged",
    ]
    assert path.read_bytes() == before
    args[args.index("huyen")] = "hamlet"
    bad_level = run(*args)
    assert bad_level.exit_code == 2 and bad_level.output.strip().splitlines() == [
        "error: unknown level 'hamlet' for --level: choose one of province (tỉnh), department (sở), "
        "district (huyện), commune (xã/phường)"]
    assert path.read_bytes() == before
    dup = run("add", "--id", "p-dienbien", "--name", "A", "--level", "province", "--province", "X",
              "--base-url", "https://a.gov.vn/", "--cms", "nukeviet", "--file", str(path))
    assert dup.exit_code == 1
    assert f"{path}:5: field 'id': duplicate id 'p-dienbien' (first on line 3)" in dup.stderr
    assert path.read_bytes() == before
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_add_appends_a_valid_row(write_registry, good_rows):
    path = write_registry(*good_rows)
    before = path.read_bytes()
    result = run(*ADD_OK, "--file", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"added d-snv-x at {path}:5\n"
    after = path.read_bytes()
    assert after.startswith(before)
    assert after[len(before):].decode("utf-8") == (
        'd-snv-x,"Sở Nội vụ, tỉnh X",department,X,p-dienbien,https://snv.x.gov.vn/,vnportal,'
        "/rss|https://feeds.x.gov.vn/a.xml,,,,,,,1,\n")
    added = load_registry(path).get("d-snv-x")
    assert added.feeds == ("https://snv.x.gov.vn/rss", "https://feeds.x.gov.vn/a.xml")
    assert added.line == 5 and added.unverified is True
    assert list(path.parent.iterdir()) == [path]


def test_add_to_file_without_final_newline(write_registry, good_rows):
    path = write_registry(*good_rows)
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    result = run(*ADD_OK, "--file", str(path))
    assert result.exit_code == 0, result.output
    assert len(load_registry(path)) == 3


def test_add_missing_option_and_missing_file(tmp_path):
    result = run("add", "--id", "p-x")
    assert result.exit_code == 2 and "Missing option" in result.output
    nofile = run(*ADD_OK, "--file", str(tmp_path / "nope.csv"))
    assert nofile.exit_code == 2 and "no such registry file" in nofile.output
    assert not (tmp_path / "nope.csv").exists()


def test_add_without_file_goes_to_the_users_own_registry_never_the_bundled_one(tmp_path, monkeypatch):
    from crawler.registry import DEFAULT_REGISTRY_PATH

    monkeypatch.delenv("CCHC_REGISTRY", raising=False)
    monkeypatch.setenv("CCHC_DATA_DIR", str(tmp_path / "mine"))
    bundled = DEFAULT_REGISTRY_PATH.read_bytes()
    args = [a for a in ADD_OK if a != "--unverified"]
    result = run(*args)
    assert result.exit_code == 0, result.output
    own = tmp_path / "mine" / "portals.csv"
    lines = bundled.decode("utf-8").count("\n")
    assert result.stdout == f"added d-snv-x at {own}:{lines + 1}\n"
    assert "started your registry" in result.stderr
    assert DEFAULT_REGISTRY_PATH.read_bytes() == bundled
    assert own.read_bytes().startswith(bundled)
    assert load_registry(own).get("d-snv-x").parent == "p-dienbien"
    # reading commands now default to it
    listed = run("list", "--format", "json")
    assert "d-snv-x" in {p["id"] for p in json.loads(listed.stdout)}
    # the bundled file itself is refused, by --file as by $CCHC_REGISTRY, and stays byte-identical
    for how in (["--file", str(DEFAULT_REGISTRY_PATH)], []):
        if not how:
            monkeypatch.setenv("CCHC_REGISTRY", str(DEFAULT_REGISTRY_PATH))
        refused = run(*[a.replace("d-snv-x", "d-snv-y") for a in args], *how)
        assert refused.exit_code == 2
        (line,) = refused.stderr.splitlines()
        assert line.startswith(f"error: {DEFAULT_REGISTRY_PATH} is the registry bundled with the package and is read-only")
    assert DEFAULT_REGISTRY_PATH.read_bytes() == bundled
