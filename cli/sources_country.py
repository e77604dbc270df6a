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
    from crawler.candidates import GENERATED_NOTE, CandidateDataError, file_name, generate, to_csv

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
    targets = {code: out / file_name(code, names.get(code, code)) for code in per_province}
    for path in targets.values():  # a file a person wrote is never replaced, even one named like ours
        if path.exists() and GENERATED_NOTE not in path.read_text(encoding="utf-8", errors="replace")[:300]:
            click.echo(f"error: {path}:1: not a generated candidate file; refusing to replace it", err=True)
            raise SystemExit(1)
    for code, rows in per_province.items():
        name = names.get(code, code)
        path = targets[code]
        _atomic_write(path, to_csv((c.row for c in rows), name).encode("utf-8"))
        for c in rows:
            counts[c.row["level"]] += 1
    total = sum(counts.values())
    click.echo(f"wrote {len(per_province)} file(s) in {out}: {total} candidate row(s) "
               f"({counts['province']} province, {counts['department']} department, {counts['commune']} commune)")


@sources_group.command("probe")
@click.option("--province", default=None, help="Only this province's candidates (diacritics-insensitive).")
@click.option("--level", default=None, type=click.Choice(("province", "department", "commune")),
              help="Only candidates of this level.")
@click.option("--registry", "--file", "file_", type=click.Path(path_type=Path), default=None,
              help="Candidate file or folder (default: candidates/ in your data folder).")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(1, 64),
              help="Requests in flight at most (one per host at a time).")
@click.option("--delay", default=1.0, show_default=True, type=click.FloatRange(0, 60),
              help="Seconds between two requests to one host.")
def probe_cmd(province: str | None, level: str | None, file_: Path | None, concurrency: int, delay: float) -> None:
    """Fetch each candidate's home page through the crawl's guarded downloads and record found / moved /
    not_found / not_portal / refused in probe/results.csv beside the candidates."""
    from crawler.probe import probe, read_results, results_csv, results_path

    path = file_ or default_candidates_dir()
    registry = _load_or_exit(path)
    try:
        portals = registry.select(province=province, level=level)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None
    if not portals:
        click.echo("error: no candidate matches the selection", err=True)
        raise SystemExit(1)
    out = results_path(path)
    merged = read_results(out)
    results = []
    for chunk in probe(portals, concurrency=concurrency, delay=delay):
        results.extend(chunk)
        for r in chunk:
            merged[r.id] = r
        _atomic_write(out, results_csv(merged).encode("utf-8"))  # saved after every batch
    counts = {o: sum(1 for r in results if r.outcome == o) for o in ("found", "moved", "not_found", "not_portal", "refused")}
    click.echo(f"probed {len(results)} candidate(s): " + ", ".join(f"{v} {k}" for k, v in counts.items())
               + f"; results in {out}")


@sources_group.command("review")
@click.option("--registry", "--file", "file_", type=click.Path(path_type=Path), default=None,
              help="Candidate file or folder that was probed (default: candidates/ in your data folder).")
@click.option("--into", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Your registry to promote into (default: $CCHC_REGISTRY, else your own portals.csv). Never the bundled file.")
@click.option("--accept-all-found", is_flag=True, help="Promote every candidate the probe found.")
@click.option("--id", "ids", multiple=True, help="Promote this found candidate (repeatable).")
def review_cmd(file_: Path | None, into: Path | None, accept_all_found: bool, ids: tuple[str, ...]) -> None:
    """List probed candidates; promote found ones (confirmed host, detected cms, unverified cleared) into
    your registry. Refused whole, file unchanged, if a promotion would change a row already there."""
    import csv
    import io

    from cli.sources import _header_of, _same_file
    from core.paths import user_registry_path
    from crawler.probe import read_results, results_path
    from crawler.registry import COLUMNS, DEFAULT_REGISTRY_PATH, load_registry, validate_text

    path = file_ or default_candidates_dir()
    candidates = _load_or_exit(path)
    results = read_results(results_path(path))
    if not results:
        click.echo(f"error: no probe results in {results_path(path)}; run `cchc sources probe` first", err=True)
        raise SystemExit(1)
    found = [r for r in results.values() if r.outcome == "found" and r.id in {p.id for p in candidates}]
    for o in ("found", "moved", "not_found", "not_portal", "refused"):
        click.echo(f"{o}: {sum(1 for r in results.values() if r.outcome == o)}")
    unknown = [i for i in ids if i not in {r.id for r in found}]
    if unknown:
        click.echo(f"error: not a found candidate: {', '.join(unknown)}", err=True)
        raise SystemExit(1)
    chosen = found if accept_all_found else [r for r in found if r.id in ids]
    if not chosen:
        for r in found:
            click.echo(f"  {r.id}  {r.base_url}  cms={r.cms}")
        click.echo("nothing promoted (use --accept-all-found or --id ID)")
        return
    target = into or user_registry_path()
    if _same_file(target, DEFAULT_REGISTRY_PATH):
        click.echo(f"error: {target} is the registry bundled with the package and is read-only", err=True)
        raise SystemExit(2)
    starting = not target.exists()
    text = (DEFAULT_REGISTRY_PATH if starting else target).read_text(encoding="utf-8-sig")
    errors = validate_text(text, target)
    if errors:
        click.echo(f"error: {errors[0]} (fix {target} first)", err=True)
        raise SystemExit(1)
    existing = {p.id: p for p in load_registry(DEFAULT_REGISTRY_PATH if starting else target)}
    header = _header_of(text) or list(COLUMNS)
    lines: list[str] = []
    today = dt_today()
    for r in chosen:
        row = candidates[r.id].to_row()  # `found` holds only ids of these candidates
        row.update(cms=r.cms or "unknown", unverified="",
                   notes=f"{row['notes']}; probe found {today}".strip("; "))
        have = existing.get(r.id)
        if have is not None:
            diff = [c for c in COLUMNS if have.to_row().get(c) != row.get(c) and c != "notes"]
            if diff:
                click.echo(f"error: {target}:{have.line}: '{r.id}' is a human-entered row; promoting the candidate "
                           f"would change {', '.join(diff)}; nothing written", err=True)
                raise SystemExit(1)
            continue  # already there, same cells
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow([row.get(c, "") for c in header])
        lines.append(out.getvalue())
    new_text = text + ("" if text.endswith("\n") else "\n") + "".join(lines)
    errors = validate_text(new_text, target)
    if errors:
        for e in errors:
            click.echo(str(e), err=True)
        click.echo(f"refused: {len(errors)} error(s); {target} left unchanged", err=True)
        raise SystemExit(1)
    _atomic_write(target, new_text.encode("utf-8"))
    click.echo(f"promoted {len(lines)} candidate(s) into {target}")


def dt_today() -> str:
    """Today's date (ISO) for the promoted row's note."""
    import datetime as dt

    return dt.date.today().isoformat()


COMMANDS: list[click.Command] = []
