"""The registry refuses internal addresses in any form the C resolver reads, and cells with NUL,
line breaks or other control characters: from a file, from `cchc sources add`, from `crawl --url`."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.sources import sources_group
from crawler.registry import RegistryError, RegistryInvalid, for_url, load_registry, validate_file

OK_PROVINCE = "p-dienbien,UBND tỉnh Điện Biên,province,Điện Biên,,https://dienbien.gov.vn/,tandan_sp,,,,,,,,,"


def errors_of(path) -> list[str]:
    with pytest.raises(RegistryInvalid) as exc:
        load_registry(path)
    return [str(e) for e in exc.value.errors]


@pytest.mark.parametrize(("base_url", "says"), [
    ("http://127.0.0.1/", "loopback address 127.0.0.1"),
    ("http://2130706433/", "loopback address 127.0.0.1, written '2130706433'"),
    ("http://0x7f000001:8080/", "loopback address 127.0.0.1, written '0x7f000001'"),
    ("http://0177.0.0.1/", "loopback address 127.0.0.1, written '0177.0.0.1'"),
    ("http://127.1/", "loopback address 127.0.0.1, written '127.1'"),
    ("http://0/", "unspecified address (connects to this machine) 0.0.0.0, written '0'"),
    ("http://10.1.1/", "private address 10.1.0.1, written '10.1.1'"),
    ("http://192.168.1.1./", "private address 192.168.1.1, written '192.168.1.1.'"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata address 169.254.169.254"),
    ("http://[fd00:ec2::254]/", "cloud metadata address fd00:ec2::254"),
    ("http://[::ffff:127.0.0.1]/", "loopback address 127.0.0.1 (inside IPv6 ::ffff:7f00:1), written '::ffff:127.0.0.1'"),
    ("http://localhost:8000/", "localhost is this machine (loopback)"),
    ("http://portal.localhost/", "portal.localhost is this machine (loopback)"),
])
def test_base_url_at_an_internal_address_is_refused(write_registry, base_url: str, says: str) -> None:
    path = write_registry(OK_PROVINCE, f"p-a,A,province,X,,{base_url},nukeviet,,,,,,,,,", comments=2)
    assert errors_of(path) == [f"{path}:5: field 'base_url': bad URL '{base_url}' (internal address, never crawled: {says})"]


def test_hosts_and_widget_url_and_url_lists_are_guarded(write_registry) -> None:
    row = ("p-a,A,province,X,,https://a.gov.vn/,nukeviet,http://0x7f000001/rss,,,,files.a.gov.vn|169.254.169.254|10.1.1,"
           "http://100.64.0.1/api?nam={year},,,")
    path = write_registry(OK_PROVINCE, row, comments=2)
    assert errors_of(path) == [
        f"{path}:5: field 'feeds': bad URL 'http://0x7f000001/rss' (internal address, never crawled: "
        "loopback address 127.0.0.1, written '0x7f000001')",
        f"{path}:5: field 'hosts': '169.254.169.254' is an internal address, never crawled: cloud metadata address 169.254.169.254",
        f"{path}:5: field 'hosts': '10.1.1' is an internal address, never crawled: private address 10.1.0.1, written '10.1.1'",
        f"{path}:5: field 'widget_url': bad URL 'http://100.64.0.1/api?nam={{year}}' (internal address, never crawled: "
        "shared address space (100.64.0.0/10) 100.64.0.1)",
    ]


@pytest.mark.parametrize(("cell", "says"), [
    ('"UBND tỉnh\nĐiện Biên"', "contains a line break"),
    ('"UBND tỉnh\rĐiện Biên"', "contains a line break"),
    ("UBND\x00tỉnh", "contains a NUL character"),
    ("UBND\x1btỉnh", "contains the control character U+001B"),
    ('"UBND\u2028tỉnh"', "contains a line break"),
])
def test_names_with_nul_or_line_breaks_are_refused(write_registry, cell: str, says: str) -> None:
    path = write_registry(OK_PROVINCE, f"p-a,{cell},province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,", comments=2)
    assert errors_of(path) == [f"{path}:5: field 'name': {says}"]


def test_a_control_character_in_a_url_is_reported_once(write_registry) -> None:
    path = write_registry(OK_PROVINCE, "p-a,A,province,X,,https://a.gov.vn/\x00x,nukeviet,,,,,,,,,", comments=2)
    assert errors_of(path) == [f"{path}:5: field 'base_url': contains a NUL character"]


def test_notes_may_span_lines_but_not_hold_a_nul(write_registry) -> None:
    """Free-text notes are the one field where a line break is content (a quoted cell)."""
    ok = write_registry(OK_PROVINCE, 'p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,"two\nlines\tand a tab"')
    assert load_registry(ok).get("p-a").notes == "two\nlines\tand a tab"
    bad = write_registry(OK_PROVINCE, 'p-a,A,province,X,,https://a.gov.vn/,nukeviet,,,,,,,,,"two\x00lines"', comments=2)
    assert errors_of(bad) == [f"{bad}:5: field 'notes': contains a NUL character"]


def test_the_bundled_registry_still_validates() -> None:
    assert validate_file() == []


def test_sources_add_refuses_internal_addresses_and_control_characters(write_registry) -> None:
    path = write_registry(OK_PROVINCE)
    before = path.read_bytes()
    base = ["add", "--id", "p-x", "--level", "province", "--province", "X", "--cms", "nukeviet", "--file", str(path)]
    cases = [
        (["--name", "X", "--base-url", "http://0x7f000001/"],
         f"{path}:4: field 'base_url': bad URL 'http://0x7f000001/' (internal address, never crawled: "
         "loopback address 127.0.0.1, written '0x7f000001')"),
        (["--name", "X", "--base-url", "https://x.gov.vn/", "--hosts", "2852039166"],
         f"{path}:4: field 'hosts': '2852039166' is an internal address, never crawled: "
         "cloud metadata address 169.254.169.254, written '2852039166'"),
        (["--name", "X", "--base-url", "https://x.gov.vn/", "--widget-url", "http://[::ffff:192.168.0.1]/w"],
         f"{path}:4: field 'widget_url': bad URL 'http://[::ffff:192.168.0.1]/w' (internal address, never crawled: "
         "private address 192.168.0.1 (inside IPv6 ::ffff:c0a8:1), written '::ffff:192.168.0.1')"),
        (["--name", "UBND\nX", "--base-url", "https://x.gov.vn/"], f"{path}:4: field 'name': contains a line break"),
        (["--name", "UBND\x00X", "--base-url", "https://x.gov.vn/"], f"{path}:4: field 'name': contains a NUL character"),
    ]
    for extra, line in cases:
        result = CliRunner().invoke(sources_group, [*base, *extra])
        assert result.exit_code == 1, result.output
        assert result.stderr.splitlines() == [line, f"refused: 1 error(s); {path} left unchanged"]
        assert path.read_bytes() == before


@pytest.mark.parametrize("url", ["http://2130706433/", "http://127.1:8080/", "http://0/", "http://[::1]/", "http://10.1.1/"])
def test_adhoc_url_at_an_internal_address_is_refused(url: str) -> None:
    with pytest.raises(RegistryError, match=r"internal address, never crawled"):
        for_url(url)
