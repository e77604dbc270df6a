"""`cchc sources generate|probe|review`: the registry of the whole country, from data, checked against the web.

`generate` writes candidate rows (one CSV per province, in a folder apart from the human-edited
registry); `probe` fetches each candidate's home page through the crawl's guarded downloads and
records what it found; `review` promotes confirmed candidates into the user's own registry, refusing
any change to a row a person entered. Module of its own so the registry commands stay small.
"""
from __future__ import annotations

from pathlib import Path

import click

from cli.sources import _atomic_write, _load_or_exit, _reading_path, sources_group
from core.paths import user_data_dir


def default_candidates_dir() -> Path:
    """Where generated candidates go by default: `candidates/` in the per-user data folder."""
    return user_data_dir() / "candidates"


@sources_group.command("generate")
@click.option("--province", default=None, help='Only this province (name, diacritics-insensitive, or code).')
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the candidate files (default: candidates/ in your data folder).")
@click.option("--file", "--registry", "file_", type=click.Path(path_type=Path), default=None,
              help="The human registry whose units are left out (default: the registry crawls read).")
@click.option("--include-registered", is_flag=True,
              help="Also write units the human registry already has (to measure the whole country).")
def generate_cmd(province: str | None, out_dir: Path | None, file_: Path | None, include_registered: bool) -> None:
    """Write candidate rows for every current unit and the departments of every province, one CSV per
    province (unverified=1, linked to the unit code); units a human row covers are left out."""
    from crawler.candidates import CandidateDataError, file_name, generate, to_csv

    human = _load_or_exit(_reading_path(file_))
    out = out_dir or default_candidates_dir()
    if out.exists() and not out.is_dir():
        click.echo(f"error: {out} is a file; --out names a folder", err=True)
        raise SystemExit(1)
    try:
        per_province = generate(province, None if include_registered else human)
    except CandidateDataError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    if human.path is not None and human.path.is_dir() and out.resolve() == human.path.resolve():
        click.echo(f"error: {out} is the human registry folder; candidates go to a folder of their own", err=True)
        raise SystemExit(1)
    counts = {"province": 0, "department": 0, "commune": 0}
    from units.reference import load_reference

    names = {u.code: u.name for u in load_reference().units if u.level == "province" and u.valid_to is None}
    for code, rows in per_province.items():
        name = names.get(code, code)
        path = out / file_name(code, name)
        _atomic_write(path, to_csv((c.row for c in rows), name).encode("utf-8"))
        for c in rows:
            counts[c.row["level"]] += 1
    total = sum(counts.values())
    click.echo(f"wrote {len(per_province)} file(s) in {out}: {total} candidate row(s) "
               f"({counts['province']} province, {counts['department']} department, {counts['commune']} commune)")


COMMANDS: list[click.Command] = []
