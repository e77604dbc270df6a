"""What people type: levels in Vietnamese with or without marks, dd/mm/yyyy dates, names without diacritics."""
from __future__ import annotations

import datetime as dt
import json

import click
import pytest
from builddb import cchc
from click.testing import CliRunner

from cli.params import DATE, LEVEL, LEVEL_OR_ALL, NAME, RUN_OR_DATE, parse_date, parse_level


@pytest.mark.parametrize("typed, stored", [
    ("xa", "commune"), ("xã", "commune"), ("Xã", "commune"), ("phuong", "commune"), ("phường", "commune"),
    ("PHƯỜNG", "commune"), ("thi tran", "commune"), ("đặc khu", "commune"), ("xã/phường", "commune"),
    ("tinh", "province"), ("tỉnh", "province"), ("huyen", "district"), ("quận", "district"), ("so", "department"),
    ("sở", "department"), ("commune", "commune"), ("province", "province"),
])
def test_levels_as_people_type_them(typed: str, stored: str) -> None:
    assert parse_level(typed) == stored


def test_unknown_level_and_all() -> None:
    assert parse_level("village") is None
    assert parse_level("*") is None and parse_level("tất cả", allow_all=True) == "*"


@pytest.mark.parametrize("typed, day", [
    ("04/03/2026", dt.date(2026, 3, 4)), ("4/3/2026", dt.date(2026, 3, 4)), ("2026-03-04", dt.date(2026, 3, 4)),
    ("04.03.2026", dt.date(2026, 3, 4)), (" 04-03-2026 ", dt.date(2026, 3, 4)),
])
def test_dates_day_first_or_iso(typed: str, day: dt.date) -> None:
    assert parse_date(typed) == day


@pytest.mark.parametrize("typed", ["31/13/2026", "30/02/2026", "2026/03/04", "yesterday", "04/03/26", ""])
def test_not_dates(typed: str) -> None:
    assert parse_date(typed) is None


def _probe() -> click.Command:
    @click.command()
    @click.option("--level", type=LEVEL)
    @click.option("--any-level", type=LEVEL_OR_ALL)
    @click.option("--as-of", type=DATE)
    @click.option("--run", type=RUN_OR_DATE)
    @click.option("--province", type=NAME)
    def probe(**kw: str) -> None:
        click.echo(json.dumps(kw, ensure_ascii=False))

    return probe


def test_types_convert_to_the_stored_forms() -> None:
    res = CliRunner().invoke(_probe(), ["--level", "xa", "--any-level", "*", "--as-of", "04/03/2026", "--run", "3",
                                        "--province", "  ĐIỆN   BIÊN "])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"level": "commune", "any_level": "*", "as_of": "2026-03-04", "run": "3",
                                      "province": "ĐIỆN BIÊN"}
    res = CliRunner().invoke(_probe(), ["--run", "01/03/2026"])
    assert json.loads(res.output)["run"] == "2026-03-01"


@pytest.mark.parametrize("args, message", [
    (["--level", "village"], "error: unknown level 'village' for --level: choose one of province (tỉnh)"),
    (["--as-of", "31/13/2026"], "error: --as-of '31/13/2026' is not a date: write it as dd/mm/yyyy"),
    (["--run", "soon"], "error: --run 'soon' is not a date"),
])
def test_bad_values_give_one_error_line_exit_2(args: list[str], message: str) -> None:
    res = CliRunner().invoke(_probe(), args)
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), res.output


def test_report_accepts_what_people_type(db) -> None:
    """Vietnamese level, unaccented upper-case province and a day-first date give the same answer as
    the stored forms."""
    typed = cchc("report", "coverage", "--db", db, "--year", "2026", "--level", "xã", "--province", "DIEN BIEN",
                 "--as-of", "04/03/2026", "--format", "json")
    stored = cchc("report", "coverage", "--db", db, "--year", "2026", "--level", "commune", "--province", "Điện Biên",
                  "--as-of", "2026-03-04", "--format", "json")
    assert typed.returncode == 0 and stored.returncode == 0, typed.stderr + stored.stderr
    rows = json.loads(typed.stdout)
    assert rows and rows == json.loads(stored.stdout)
    assert {r["level"] for r in rows} == {"commune"} and {r["province"] for r in rows} == {"Điện Biên"}
    diff = cchc("report", "diff", "--db", db, "--from", "02/03/2026", "--to", "3", "--format", "json")
    assert diff.returncode == 0, diff.stderr
    assert json.loads(diff.stdout)["from"]["observed_on"] <= "2026-03-02"
    bad = cchc("report", "trend", "--db", db, "--level", "lang")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip().splitlines() == [
        "error: unknown level 'lang' for --level: choose one of province (tỉnh), department (sở), district (huyện), "
        "commune (xã/phường)"]


def test_report_commands_collect_rarely_and_restore_the_collector_after() -> None:
    """While a report command runs the collector's young threshold is `GC_YOUNG_THRESHOLD` and what
    existed before is frozen; after it (an answer or an ``error:`` line) Python's settings are back, so
    a process running many commands (the tests) is not left with them."""
    import gc

    from cli.reporting import GC_YOUNG_THRESHOLD, report_errors_exit_2
    from reports.vocab import ReportError

    seen: list[tuple[int, bool]] = []

    @click.command()
    @click.option("--fail", is_flag=True)
    @report_errors_exit_2
    def probe(fail: bool) -> None:
        seen.append((gc.get_threshold()[0], gc.get_freeze_count() > 0))
        if fail:
            raise ReportError("nothing to report")
        click.echo("ok")

    before = gc.get_threshold()
    ok = CliRunner().invoke(probe, [])
    failed = CliRunner().invoke(probe, ["--fail"])
    assert (ok.exit_code, ok.output) == (0, "ok\n")
    assert (failed.exit_code, failed.output) == (2, "error: nothing to report\n")
    assert seen == [(GC_YOUNG_THRESHOLD, True), (GC_YOUNG_THRESHOLD, True)]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_serve_keeps_pythons_collector_settings_and_its_error_lines(tmp_path, monkeypatch) -> None:
    """`cchc serve` runs for as long as it serves: it keeps Python's collector settings (nothing
    frozen, the default young threshold), with the same ``error:`` line and exit status 2; a report
    command answers and ends, under `few_collections`."""
    import contextlib
    import gc

    import cli.reporting
    from cli import main
    from cli.reporting import long_running_errors_exit_2
    from reports.vocab import ReportError

    seen: list[tuple[tuple[int, int, int], int]] = []

    @click.command()
    @long_running_errors_exit_2
    def probe() -> None:
        seen.append((gc.get_threshold(), gc.get_freeze_count()))
        raise ReportError("nothing to serve")

    before = gc.get_threshold()
    failed = CliRunner().invoke(probe, [])
    assert (failed.exit_code, failed.output) == (2, "error: nothing to serve\n")
    assert seen == [(before, 0)]

    entered: list[str] = []

    @contextlib.contextmanager
    def recording():  # type: ignore[no-untyped-def]
        entered.append("few_collections")
        yield

    monkeypatch.setattr(cli.reporting, "few_collections", recording)
    missing = f"sqlite:///{tmp_path / 'none' / 'x.sqlite'}"
    served = CliRunner().invoke(main, ["serve", "--db", missing])
    assert served.exit_code == 2 and served.output.startswith("error: ") and entered == []
    report = CliRunner().invoke(main, ["report", "coverage", "--year", "2026", "--db", missing])
    assert report.exit_code == 2 and report.output.startswith("error: ") and entered == ["few_collections"]
