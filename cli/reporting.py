"""What every report command shares: the error handling (one ``error:`` line, exit status 2, the
destination checked before anything is computed), the ``--db``, ``--format``/``--out``/``--lang`` and
``--as-units`` options, and `emit`, which writes one report in the chosen format.
"""
from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from cli.dbopt import DB_OPTION_HELP
from cli.params import BOM, excel_option, excel_requested, lang_option
from reports.formatting import (
    FORMATS,
    Table,
    dumps_json,
    render_text,
    write_csv,
    write_json,
    write_xlsx,
)
from reports.vocab import AS_UNITS, ReportError

# The storage layer (SQLAlchemy, Alembic) and the output checks are imported when a command RUNS,
# never when the module is imported: `cchc report coverage --help` must answer in < 0.3 s (issue 12).

F = TypeVar("F", bound=Callable[..., Any])

#: Container allocations between two young-generation collections while a report command runs
#: (Python's default is 700). Why: a report builds its rows, most of them kept to the end, so the
#: collector ran ~400 times in `report coverage` at 15,000 units and each older-generation pass walked
#: every object kept so far (SQLAlchemy's and the rows): ~0.3 s of a 2 s command, reclaiming nothing.
#: Cycles are still collected, 140 times less often (README, the report_bench entry).
GC_YOUNG_THRESHOLD = 100_000


@contextlib.contextmanager
def few_collections() -> Iterator[None]:
    """While the block runs, collect garbage cycles rarely (`GC_YOUNG_THRESHOLD`) and never look again
    at the objects that exist when it starts (modules, click's commands: `gc.freeze`); both undone
    after, so a process running many commands (the tests) keeps Python's defaults between them.
    Not for ``cchc serve`` (`long_running_errors_exit_2`)."""
    import gc

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def report_errors_exit_2(func: F) -> F:
    """ReportError/StorageError -> one ``error:`` line on stderr and exit status 2 (never a traceback).

    The destination is checked here, before the body opens the database or computes anything: a
    ``--out`` FILE (keyword ``out_path``), ``report html``'s ``--out`` FOLDER (``out_dir``) and
    ``serve --export-sqlite`` (``export_path``), see `cli.output`. The command runs with
    few garbage collections (`few_collections`): it answers and ends.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with few_collections():
            return _checked(func, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def long_running_errors_exit_2(func: F) -> F:
    """`report_errors_exit_2` for a command that keeps running (``cchc serve``): the same checks and
    error lines, with Python's own collector settings, since its objects come and go for as long as it
    serves and rare collections would let their cycles pile up."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return _checked(func, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _checked(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """`report_errors_exit_2`'s body: the destination checked, then the command, its errors as one line."""
    from cli.output import OutputError, check_out_file, check_out_folder
    from storage.errors import StorageError

    try:
        if kwargs.get("out_path") is not None:
            check_out_file(kwargs["out_path"], db_url=kwargs.get("db_url"))
        if kwargs.get("out_dir") is not None:
            check_out_folder(kwargs["out_dir"])
        if kwargs.get("export_path") is not None:
            check_out_file(kwargs["export_path"], db_url=kwargs.get("db_url"), option="--export-sqlite")
        return func(*args, **kwargs)
    except (ReportError, StorageError, OutputError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None


def db_option(func: F) -> F:
    return click.option("--db", "db_url", default=None, metavar="URL", help=DB_OPTION_HELP)(func)


def output_options(func: F) -> F:
    func = click.option("--out", "out_path", default=None, metavar="FILE",
                        help="Write to FILE instead of standard output (required for xlsx; its folder must "
                             "exist and be writable).")(func)
    func = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="table for people; csv/json for machines; xlsx for spreadsheets.")(func)
    func = excel_option(func)
    func = lang_option(func)
    return func


def units_option(func: F) -> F:
    return click.option("--as-units", "as_units", type=click.Choice(AS_UNITS), default="historical", show_default=True,
                        help="historical: units as registered; current: by the unit each became after the "
                             "2025 reorganisation, former names kept.")(func)


# One worksheet: (part, keys, rows) or (part, keys, rows, totals row), as reports.xlsx.Sheet takes it.
SheetSpec = (tuple[str, Sequence[str], Iterable[Mapping[str, Any]]]
             | tuple[str, Sequence[str], Iterable[Mapping[str, Any]], dict[str, Any] | None])


def emit(fmt: str, out_path: str | None, *, json_value: Any, sheets: Sequence[SheetSpec],
         table: Table | None = None, text: str | Callable[[IO[str]], None] | None = None) -> None:
    """Write one report in the chosen format; the first sheet is also what CSV holds.

    Written as it is made, to the terminal or to `--out` (whose file appears only when complete): a
    JSON object's row lists that are spools (`reports.spool.RowSpool`) are streamed row by row, CSV
    rows as they come, and `text` may be a function writing the table itself, so a report of
    hundreds of thousands of rows (a diff over the year) is never one string in memory."""
    if excel_requested() and fmt != "csv":
        raise ReportError(f"--excel applies to --format csv (CSV for Excel), not to --format {fmt}")
    if fmt == "xlsx":
        if not out_path:
            raise ReportError("--format xlsx needs --out FILE.xlsx (a spreadsheet is not written to a terminal)")
        from cli.output import replace_when_done

        with replace_when_done(Path(out_path)) as tmp:
            write_xlsx(sheets, str(tmp))  # in the command's --lang
        click.echo(f"written to {out_path}", err=True)
        return

    def write(fh: IO[str]) -> None:
        if fmt == "json":
            if isinstance(json_value, Mapping):
                write_json(json_value, fh)
            else:
                fh.write(dumps_json(json_value))
        elif fmt == "csv":
            if excel_requested():
                fh.write(BOM)
            name, keys, rows = sheets[0][:3]
            write_csv(rows, keys, fh, excel=excel_requested())
        elif callable(text):
            text(fh)
        elif text is not None:
            fh.write(text)
        elif table is not None:
            fh.write(render_text(table))  # held whole: its column texts are formatted in C, faster

    if out_path:
        from cli.output import open_out

        with open_out(Path(out_path)) as fh:
            write(fh)
        click.echo(f"written to {out_path}", err=True)
    else:
        write(sys.stdout)
