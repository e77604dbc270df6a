"""``cchc evidence pack|verify`` and ``cchc db prune`` (issue 14: evidence that outlives the portal).

``pack`` writes a zip defending every figure of a unit's coverage and compliance rows with the raw
pages they were read from (`reports.evidence_pack`); ``verify`` recomputes its SHA-256 sums
(`reports.evidence_verify`); ``db prune`` drops old raw copies nothing cites (`storage.evidence.prune`).
Bad input is one ``error:`` line, exit 2; a pack that fails verification is one ``error:`` line per
file, exit 1.
"""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy.engine import make_url

from cli.db import db_group
from cli.params import NAME, lang_option
from cli.report import db_option, report_errors_exit_2
from reports.base import KINDS, ReportError, open_store
from storage.datadir import data_dir


@click.group("evidence")
def evidence_group() -> None:
    """Evidence packs: the raw pages behind a unit's figures, offline and checkable."""


def _en() -> bool:
    from reports.formatting import current_lang

    return current_lang() == "en"


def _human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024  # type: ignore[assignment]
    return str(n)


@evidence_group.command("pack")
@click.argument("unit", type=NAME)
@click.option("--year", type=int, required=True, help="Plan year of the coverage and compliance rows.")
@click.option("--kind", type=click.Choice(KINDS), default="propaganda_plan", show_default=True)
@click.option("--out", "out_path", required=True, metavar="FILE", help="The zip to write (appears only when complete).")
@lang_option
@db_option
@report_errors_exit_2
def pack_cmd(unit: str, year: int, kind: str, out_path: str, db_url: str | None) -> None:
    """Zip the raw pages, attachments, extraction records and fetch metadata behind UNIT's figures for YEAR.

    UNIT is a registry portal id or the unit's name as people type it ("dien bien", "Sở KH&CN Điện Biên").
    """
    from cli.output import replace_when_done
    from reports.evidence_pack import collect, write
    from storage.blobs import sha256_hex

    target = Path(out_path).expanduser()
    with open_store(db_url) as store:
        pack = collect(store.engine, data_dir(make_url(store.url)), unit, year, kind)
        with replace_when_done(target) as tmp:
            manifest = write(pack, tmp)
    manifest_sum = sha256_hex(_member(target, "manifest.json"))
    docs = len(pack.documents)
    files = len(manifest["files"])
    if _en():
        click.echo(f"{target}: {pack.unit.unit} ({pack.unit.portal_id}), {year}: {len(pack.figures)} figures, "
                   f"{docs} documents, {len(pack.widgets)} widget readings, {files} files with their SHA-256; "
                   f"SHA-256 of manifest.json: {manifest_sum}", err=True)
    else:
        click.echo(f"{target}: {pack.unit.unit} ({pack.unit.portal_id}), năm {year}: {len(pack.figures)} chỉ số, "
                   f"{docs} văn bản, {len(pack.widgets)} widget, {files} tệp có mã SHA-256; "
                   f"SHA-256 của manifest.json: {manifest_sum}", err=True)
    for problem in pack.problems:
        click.echo(f"warning: {problem}", err=True)


def _member(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


@evidence_group.command("verify")
@click.argument("pack", type=click.Path(dir_okay=False, path_type=Path))
@lang_option
@report_errors_exit_2
def verify_cmd(pack: Path) -> None:
    """Check every SHA-256 sum of an evidence pack: exit 0 when sound, 1 naming each file that is not."""
    from reports.evidence_verify import verify

    manifest, problems = verify(pack)
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1)
    if _en():
        click.echo(f"ok: {len(manifest['files'])} files match their SHA-256 ({manifest.get('unit')}, {manifest.get('year')})")
    else:
        click.echo(f"ok: {len(manifest['files'])} tệp khớp mã SHA-256 ({manifest.get('unit')}, năm {manifest.get('year')})")


@db_group.command("prune")
@click.option("--keep-days", type=click.IntRange(min=0), required=True,
              help="Keep every raw copy captured in the last N days; older ones go unless they are evidence.")
@click.option("--dry-run", is_flag=True, help="Only report what would be freed.")
@lang_option
@db_option
@report_errors_exit_2
def prune_cmd(keep_days: int, dry_run: bool, db_url: str | None) -> None:
    """Drop raw copies older than N days that no stored document version or widget reading cites."""
    from storage.evidence import REFERENCES, prune

    with open_store(db_url, read_only=dry_run) as store:
        if not dry_run:
            store.mark_stale_runs_incomplete()
            running = _running_runs(store)
            if running:
                raise ReportError(f"run {running[0]} is still running: prune when no crawl is writing "
                                  f"{store.display_url} (a crawl may be storing the very bytes prune would drop)")
        result = prune(store.engine, data_dir(make_url(store.url)), keep_days, dry_run=dry_run)
    tables = ", ".join(r.table for r in REFERENCES)
    if _en():
        click.echo(f"{'Would free' if dry_run else 'Freed'} {result.files} raw files ({result.bytes} bytes, "
                   f"{_human_size(result.bytes)}), {result.raw_fetches} fetch-metadata rows; kept "
                   f"{result.kept_referenced} raw copies older than {keep_days} days that are evidence ({tables}).")
    else:
        click.echo(f"{'Sẽ giải phóng' if dry_run else 'Đã giải phóng'} {result.files} tệp bản gốc ({result.bytes} byte, "
                   f"{_human_size(result.bytes)}), {result.raw_fetches} dòng thông tin tải; giữ {result.kept_referenced} "
                   f"bản gốc cũ hơn {keep_days} ngày vì còn là bằng chứng ({tables}).")
    if result.missing_files:
        click.echo(f"warning: {result.missing_files} raw files were already gone from the disk", err=True)


def _running_runs(store: object) -> list[int]:
    from sqlalchemy import select

    from storage.models import CrawlRun

    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        return list(conn.execute(select(CrawlRun.id).where(CrawlRun.status == "running")).scalars())


COMMANDS = [evidence_group]
