"""Each kind of malformed registry gives an exact file:line: field message; nothing is half-loaded."""
from __future__ import annotations

import pytest

from crawler.registry import RegistryError, RegistryInvalid, load_registry, validate_file

OK_PROVINCE = "p-dienbien,UBND tỉnh Điện Biên,province,Điện Biên,,https://dienbien.gov.vn/,tandan_sp,,,,,,,,,"


def only_error(path) -> str:
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(path)
    assert len(exc.value.errors) == 1, str(exc.value)
    return str(exc.value.errors[0])


@pytest.mark.parametrize(("row", "expected"), [
    ("p-a,A,huyen,X,,https://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'level': unknown level 'huyen' (expected one of province, department, district, commune)"),
    ("p-a,A,province,X,,https://a.gov.vn/,wordpress,,,,,,,,,",
     "field 'cms': unknown cms family 'wordpress' (expected one of tandan_sp, sharepoint_vn, liferay62, vnportal, nukeviet, unknown)"),
    ("p-a,A,province,X,,ftp://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'base_url': bad URL 'ftp://a.gov.vn/' (scheme must be http or https)"),
    ("p-a,A,province,X,,https:///portal/,nukeviet,,,,,,,,,",
     "field 'base_url': bad URL 'https:///portal/' (no host)"),
    ("p-a,A,province,X,,https://a.gov.vn/tin tuc/,nukeviet,,,,,,,,,",
     "field 'base_url': bad URL 'https://a.gov.vn/tin tuc/' (contains whitespace)"),
    ("p-a,A,province,X,,a.gov.vn,nukeviet,,,,,,,,,",
     "field 'base_url': bad URL 'a.gov.vn' (scheme must be http or https)"),
    ("P_Hanoi,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'id': 'P_Hanoi' is not a slug (lower-case letters, digits, single hyphens)"),
    ("adhoc-a-gov-vn,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'id': 'adhoc-a-gov-vn': ids starting with 'adhoc-' are reserved for ad-hoc crawls"),
    ("p-a,,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'name': missing required field"),
    ("p-a,A,province,,,https://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'province': missing required field"),
    ("p-a,A,province,X,p-nowhere,https://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'parent': unknown parent id 'p-nowhere'"),
    ("p-a,A,province,X,p-a,https://a.gov.vn/,nukeviet,,,,,,,,,",
     "field 'parent': 'p-a' is the row's own id"),
    ("p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,a.gov.vn/files,,,,",
     "field 'hosts': bad host 'a.gov.vn/files' (expected a bare host name such as files.example.gov.vn)"),
    ("p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,HN01,,",
     "field 'unit_code': expected digits (a General Statistics Office code), got 'HN01'"),
    ("p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,https://dvc.a.gov.vn/api?nam={nam},,,",
     "field 'widget_url': unknown placeholder {nam} in 'https://dvc.a.gov.vn/api?nam={nam}' (allowed: {year}, {month}, {date})"),
    ("p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,https://dvc.a.gov.vn/api?nam={year,,,",
     "field 'widget_url': unknown placeholder or unbalanced brace in 'https://dvc.a.gov.vn/api?nam={year' (allowed: {year}, {month}, {date})"),
    ("p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,yes,",
     "field 'unverified': expected 1, 0 or empty, got 'yes'"),
    ("p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,,extra",
     "row has 17 cells, header has 16"),
    ("p-a,A,province,X,,https://a.gov.vn/,nukeviet",
     "row has 7 cells, header has 16"),
])
def test_each_error_kind_names_file_line_field(write_registry, row, expected):
    # Two comment lines, header on line 3, a good row on line 4, the bad row on line 5.
    path = write_registry(OK_PROVINCE, row, comments=2)
    assert only_error(path) == f"{path}:5: {expected}"


def test_relative_path_without_base_url(write_registry):
    path = write_registry("p-a,A,province,X,,,nukeviet,/rss,,,,,,,,")
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(path)
    assert [str(e) for e in exc.value.errors] == [
        f"{path}:3: field 'base_url': missing required field",
        f"{path}:3: field 'feeds': relative path '/rss' needs a valid base_url",
    ]


def test_duplicate_id_points_at_first_line(write_registry):
    path = write_registry(OK_PROVINCE, "# between", "", OK_PROVINCE.replace("UBND tỉnh", "Tỉnh"))
    assert only_error(path) == f"{path}:6: field 'id': duplicate id 'p-dienbien' (first on line 3)"


def test_unknown_and_missing_columns_in_header(write_registry):
    header = "id,name,level,province,base_url,website"
    path = write_registry("p-a,A,province,X,https://a.gov.vn/,x", header=header)
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(path)
    assert [str(e) for e in exc.value.errors] == [
        f"{path}:2: field 'cms': missing required column 'cms'",
        f"{path}:2: field 'website': unknown column 'website' (expected columns: id, name, level, province, "
        "parent, base_url, cms, feeds, sitemaps, listings, registers, hosts, widget_url, unit_code, unverified, notes, kind)",
    ]


def test_minimal_header_with_only_required_columns_loads(write_registry):
    path = write_registry("p-a,A,province,X,https://a.gov.vn/,unknown", header="id,name,level,province,base_url,cms")
    reg = load_registry(path)
    assert reg.get("p-a").feeds == () and reg.get("p-a").notes == ""


def test_parent_cycle(write_registry):
    path = write_registry(
        "d-a,A,department,X,d-b,https://a.gov.vn/,unknown,,,,,,,,,",
        "d-b,B,department,X,d-a,https://b.gov.vn/,unknown,,,,,,,,,",
    )
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(path)
    assert [str(e) for e in exc.value.errors] == [
        f"{path}:3: field 'parent': parent chain of 'd-a' loops back to 'd-a'",
        f"{path}:4: field 'parent': parent chain of 'd-b' loops back to 'd-b'",
    ]


def test_every_problem_reported_and_nothing_half_loaded(write_registry):
    path = write_registry(
        OK_PROVINCE,                                                                  # line 3
        "p-a,A,huyen,X,,https://a.gov.vn/,nukeviet,,,,,,,,,",                         # line 4
        "# a comment counts as a line",                                               # line 5
        "p-b,B,province,Y,,https://b.gov.vn/,nukeviet,,,,,,,,,",                      # line 6: fine
        "p-c,C,commune,Z,p-x,http://c gov.vn/,joomla,,,,,,,,,",                       # line 7: three problems
    )
    with pytest.raises(RegistryError) as exc:
        load_registry(path)
    assert isinstance(exc.value, RegistryInvalid)
    assert [(e.line, e.field) for e in exc.value.errors] == [
        (4, "level"), (7, "parent"), (7, "base_url"), (7, "cms")]
    assert (exc.value.line, exc.value.field) == (4, "level")
    assert exc.value.path == path
    assert str(exc.value).splitlines()[0] == (
        f"{path}:4: field 'level': unknown level 'huyen' (expected one of province, department, district, commune)")
    assert len(validate_file(path)) == 4


def test_quoted_multiline_notes_keep_line_numbers(write_registry):
    path = write_registry('p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,"two\nlines"',
                          "p-b,B,huyen,X,,https://b.gov.vn/,nukeviet,,,,,,,,,")
    assert only_error(path).startswith(f"{path}:5: field 'level'")


def test_bom_is_accepted(write_registry):
    path = write_registry(OK_PROVINCE)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_registry(path)) == 1


def test_missing_file_and_empty_file(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(RegistryError) as exc:
        load_registry(missing)
    assert str(exc.value) == f"{missing}: no such registry file"
    empty = tmp_path / "empty.csv"
    empty.write_text("# only a comment\n", encoding="utf-8")
    assert [str(e) for e in validate_file(empty)] == [f"{empty}:1: no header row"]


def test_path_shown_relative_to_working_directory(write_registry, tmp_path, monkeypatch):
    path = write_registry("p-a,A,huyen,X,,https://a.gov.vn/,nukeviet,,,,,,,,,")
    monkeypatch.chdir(tmp_path)
    assert only_error(path).startswith("portals.csv:3: field 'level'")


def test_unterminated_quote_reported_at_its_record(write_registry):
    path = write_registry("p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,",
                          'p-b,"B,province,X,,https://b.gov.vn/,nukeviet,,,,,,,,,',
                          "p-c,C,province,X,,https://c.gov.vn/,nukeviet,,,,,,,,,")
    errors = validate_file(path)
    assert [(e.line, e.field) for e in errors] == [(4, None)]
    assert str(errors[0]).startswith(f"{path}:4: malformed CSV: ")
