"""Diff between two snapshots: documents new, changed and removed; units that gained or lost coverage;
portals that went down or came back; widgets whose late count rose.

A snapshot is everything known up to a run (by run id, so two runs on one day are ordered too). A
portal that a run did not crawl is not "down": only portals with a health row in both runs are compared.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from sqlalchemy import Engine, and_, func, or_, select, union

from reports.base import (
    NO_REGISTRY,
    DocState,
    ReportError,
    Run,
    UnitInfo,
    load_runs,
    load_units,
    resolve_run,
    stream_documents,
)
from reports.coverage import coverage
from reports.formatting import Column, Table
from reports.rows import KeyedRow
from reports.spool import RowSpool
from storage.models import Document, DocumentVersion, Portal, PortalHealth, WidgetReading

#: Contract (issue 6): the object has at least these lists.
LIST_KEYS = ("new", "changed", "removed", "coverage_gained", "coverage_lost", "portals_down", "portals_up",
             "widgets_late_rose")
DOC_KEYS = ("portal", "unit", "url", "title", "category", "doc_number", "plan_year", "version_from", "version_to",
            "content_hash", "first_seen_run", "removed_run", "text_diff")

#: A changed document's `text_diff` is bounded whatever the pages hold: at most MAX_TEXT_LINES lines of
#: each version's main text are compared, at most MAX_DIFF_LINES lines of the unified diff are kept (a
#: last line says how many more there were), each cut at MAX_LINE_CHARS characters.
MAX_TEXT_LINES = 2000
MAX_DIFF_LINES = 80
MAX_LINE_CHARS = 300
#: how many documents' versions are read per query
_CHUNK = 500
#: the order of a diff's document rows
_ORDER = ("portal", "url")


def text_diff(old: str | None, new: str | None, version_from: int, version_to: int) -> str:
    """The unified diff (one line of context) of two versions' main text, line by line, bounded.

    "" when the texts are equal (the version changed through its attachments). Plain text: whoever
    shows it escapes it (the HTML report does).
    """
    a = (old or "").splitlines()[:MAX_TEXT_LINES]
    b = (new or "").splitlines()[:MAX_TEXT_LINES]
    if a == b:  # what unified_diff says of equal lines, without matching them first
        return ""
    lines = list(difflib.unified_diff(a, b, fromfile=f"phiên bản {version_from}", tofile=f"phiên bản {version_to}",
                                      n=1, lineterm=""))
    kept = [line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "…" for line in lines[:MAX_DIFF_LINES]]
    if len(lines) > MAX_DIFF_LINES:
        kept.append(f"… (+{len(lines) - MAX_DIFF_LINES} dòng / lines)")
    return "\n".join(kept)


def _version_texts(engine: Engine, version_ids: Iterable[int]) -> dict[int, str | None]:
    """Main text of the versions asked for (changed documents only), by primary key, read in chunks."""
    wanted = sorted(set(version_ids))
    out: dict[int, str | None] = {}
    v = DocumentVersion
    with engine.connect() as conn:
        for i in range(0, len(wanted), _CHUNK):
            for version_id, text in conn.execute(select(v.id, v.text).where(v.id.in_(wanted[i:i + _CHUNK]))):
                out[version_id] = text
    return out


def _fill_text_diffs(engine: Engine, changed: Sequence[tuple[DocRow, int, int, int, int]]) -> None:
    """Set each changed row's `text_diff` (versions from and to, and their row ids, beside it), reading
    the two versions' texts in one query: `diff` calls it for `_CHUNK` documents at a time, since a
    month's diff changes tens of thousands of documents whose texts (kilobytes each) were all held at
    once, where only the bounded diffs are kept."""
    texts = _version_texts(engine, [vid for _, _, _, id0, id1 in changed for vid in (id0, id1)])
    for row, v0, v1, id0, id1 in changed:
        row.set_text_diff(text_diff(texts.get(id0), texts.get(id1), v0, v1))


@dataclass
class DiffResult:
    run_from: Run
    run_to: Run
    data: dict[str, Any]

    def tables(self) -> list[Table]:
        doc_cols = [Column("portal", "Cổng"), Column("category", "Loại"), Column("doc_number", "Số/Ký hiệu"),
                    Column("title", "Tiêu đề"), Column("url", "URL")]
        names = {"new": "Văn bản mới", "changed": "Văn bản thay đổi", "removed": "Văn bản bị gỡ"}
        out = [Table(f"{names[k]} ({len(self.data[k])})", doc_cols, self.data[k]) for k in ("new", "changed", "removed")]
        unit_cols = [Column("portal", "Cổng"), Column("unit", "Đơn vị"), Column("doc_number", "Số/Ký hiệu")]
        out.append(Table(f"Đơn vị có thêm kế hoạch năm {self.data['year']} ({len(self.data['coverage_gained'])})",
                         unit_cols, self.data["coverage_gained"]))
        out.append(Table(f"Đơn vị mất kế hoạch năm {self.data['year']} ({len(self.data['coverage_lost'])})",
                         unit_cols, self.data["coverage_lost"]))
        health_cols = [Column("portal", "Cổng"), Column("unit", "Đơn vị"), Column("status_from", "Trước", "int"),
                       Column("status_to", "Sau", "int"), Column("error", "Lỗi")]
        out.append(Table(f"Cổng ngừng hoạt động ({len(self.data['portals_down'])})", health_cols, self.data["portals_down"]))
        out.append(Table(f"Cổng hoạt động trở lại ({len(self.data['portals_up'])})", health_cols, self.data["portals_up"]))
        w_cols = [Column("portal", "Cổng"), Column("late_from", "Trễ hạn trước", "int"),
                  Column("late_to", "Trễ hạn sau", "int"), Column("increase", "Tăng", "int")]
        out.append(Table(f"Widget có số hồ sơ trễ hạn tăng ({len(self.data['widgets_late_rose'])})", w_cols,
                         self.data["widgets_late_rose"]))
        return out

    def write_text(self, out: IO[str]) -> None:
        """The diff for people, written to `out` as it is made (`write_text_table`: a diff over the year
        prints ~475,000 rows and ~300,000 text diffs, read back from the spools, never one string)."""
        from reports.formatting import write_text_table

        out.write(f"Thay đổi từ lần quét {self.run_from.id} ({self.run_from.observed_on:%d/%m/%Y}) "
                  f"đến lần quét {self.run_to.id} ({self.run_to.observed_on:%d/%m/%Y})\n\n")
        for n, t in enumerate(self.tables()):
            if n:
                out.write("\n")
            write_text_table(t, out)
        count = sum(1 for r in self.data["changed"] if r.get("text_diff"))
        if count:
            from reports.formatting import current_lang
            from reports.labels import header

            out.write(f"\n{header('text_diff', current_lang())} ({count})\n")
            for r in self.data["changed"]:
                if r.get("text_diff"):
                    out.write(f"\n{r['title'] or r['url']}\n{r['url']}\n{r['text_diff']}\n")

    def text(self) -> str:
        """`write_text` as one string (a short diff's, for callers that want it whole)."""
        import io

        buf = io.StringIO()
        self.write_text(buf)
        return buf.getvalue()


def snapshot_documents(engine: Engine, runs: Sequence[Run], upto_run: Run, candidates: Any) -> Iterator[DocState]:
    """`load_documents(engine, runs, upto_run=..., candidates=...)`, the same documents in the same order,
    streamed (`reports.base.stream_documents`): a diff over the year reads every document at each run,
    and 475,000 DocStates held at once were most of its memory."""
    return stream_documents(engine, runs, upto_run=upto_run, candidates=candidates)


def changed_between(a: Run, b: Run) -> Any:
    """Ids of the documents that can be new, changed or removed between runs `a` and `b`: first seen
    after `a`, removed after `a`, or with a version first seen in (a, b]. Every other document has the
    same version and state in both snapshots, so the database leaves it out of the diff's reading."""
    v = DocumentVersion
    return union(
        select(Document.id).where(or_(Document.first_seen_run_id > a.id, Document.removed_run_id > a.id)),
        select(v.document_id).where(v.first_seen_run_id > a.id, v.first_seen_run_id <= b.id))


#: below this many moved documents their ids are read first and passed as values (`among_ids`)
FEW_IDS = 20_000


def _few_ids(engine: Engine, ids: Any) -> Any:
    """The ids a SELECT gives, as a list, when there are at most `FEW_IDS` (a day's diff: a few
    thousand); else the SELECT itself (a month or a year: up to every document)."""
    with engine.connect() as conn:
        got = [i for (i,) in conn.execute(select(ids.subquery()).limit(FEW_IDS + 1))]
    return sorted(got) if len(got) <= FEW_IDS else ids


class DocRow(KeyedRow):
    """A new, changed or removed document's row: a read-only mapping of `DOC_KEYS` over one list of
    values (only `text_diff` is set afterwards, by `set_text_diff`).

    Why not a dict: a diff over the year lists ~475,000 documents, and a 13-key dict costs three times
    this. Callers read it as a dict (``row[k]``, ``row.get(k)``, ``{**row}``, JSON through
    `reports.cells.plain`), and it equals the dict of its items."""

    KEYS = DOC_KEYS
    __slots__ = ()

    def set_text_diff(self, value: str) -> None:
        self._values[self.INDEX["text_diff"]] = value  # type: ignore[index]


def _doc_row(d: Any, names: dict[str, str], version_from: int | None) -> DocRow:
    return DocRow([d.portal_id, names.get(d.portal_id, d.portal_id), d.url, d.title, d.category, d.doc_number,
                   d.plan_year, version_from, d.version, d.content_hash, d.first_seen_run, d.removed_run, None])


def diff(engine: Engine, run_from: str, run_to: str, *, year: int | None = None, kind: str = "propaganda_plan",
         runs: Sequence[Run] | None = None) -> DiffResult:
    """What changed between the snapshot at `run_from` and the one at `run_to` (RUN id or DATE each)."""
    runs = list(runs) if runs is not None else load_runs(engine)
    a = resolve_run(runs, run_from, "--from")
    b = resolve_run(runs, run_to, "--to")
    if a.id > b.id:
        raise ReportError(f"--from (run {a.id}) is after --to (run {b.id}): give the older snapshot first")
    year = year if year is not None else b.observed_on.year
    names = registry_names(engine)
    moved = _few_ids(engine, changed_between(a, b))
    # of the older snapshot only what the rows need (version, live or not, version row id) is kept, and
    # the units whose plans moved: a month's diff reads tens of thousands of documents at each run
    before: dict[int, tuple[int, bool, int]] = {}
    touched: set[str] = set()
    for d in snapshot_documents(engine, runs, a, moved):
        before[d.document_id] = (d.version, d.removed_run is None, d.version_id)
        if _is_plan(d, year, kind):
            touched.add(d.linked_portal or d.portal_id)
    # rows are spooled in (portal, url) order (`RowSpool`: on disk past 20,000 rows; a diff over the year
    # lists ~475,000 new documents and ~300,000 changed ones with their text diffs, 1.3 GB as rows)
    new: RowSpool[DocRow] = RowSpool(DocRow, _ORDER)
    changed: RowSpool[DocRow] = RowSpool(DocRow, _ORDER)
    removed: RowSpool[DocRow] = RowSpool(DocRow, _ORDER)
    pending: list[tuple[DocRow, int, int, int, int]] = []  # changed rows awaiting their text diff

    def flush() -> None:
        _fill_text_diffs(engine, pending)
        for item in pending:
            changed.append(item[0])
        pending.clear()

    for d in snapshot_documents(engine, runs, b, moved):  # each document once (ids are unique)
        if _is_plan(d, year, kind):
            touched.add(d.linked_portal or d.portal_id)
        old = before.get(d.document_id)
        live = old is not None and old[1]
        if d.removed_run is None and old is None:
            new.append(_doc_row(d, names, None))
        elif d.removed_run is None and old is not None and live and old[0] != d.version:
            pending.append((_doc_row(d, names, old[0]), old[0], d.version, old[2], d.version_id))
            if len(pending) >= _CHUNK:
                flush()
        elif d.removed_run is not None and old is not None and live:
            removed.append(_doc_row(d, names, old[0]))
    flush()
    del before
    gained, lost = plan_moves(engine, runs, a, b, year, kind, None, touched)
    down, up, rose = health_moves(engine, a, b, names)
    data: dict[str, Any] = {
        "from": {"run": a.id, "observed_on": a.observed_on}, "to": {"run": b.id, "observed_on": b.observed_on},
        "year": year, "kind": kind,
        "new": new, "changed": changed, "removed": removed,
        "coverage_gained": gained, "coverage_lost": lost, "portals_down": down, "portals_up": up,
        "widgets_late_rose": rose,
    }
    return DiffResult(a, b, data)



def registry_names(engine: Engine) -> dict[str, str]:
    """Registry portal id -> the unit name a row shows (the name the portal gives itself, as
    `load_units` names a unit by default). Two columns of the portals table: the diff needs no
    `UnitInfo` (nor their Vietnamese sort) for the rows it names. An empty registry is an error, as in
    every report."""
    with engine.connect() as conn:
        names = {pid: name for pid, name in conn.execute(select(Portal.id, Portal.name).where(Portal.in_registry.is_(True)))}
    if not names:
        raise ReportError(NO_REGISTRY)
    return names


def coverage_moves(engine: Engine, runs: Sequence[Run], a: Run, b: Run, year: int, kind: str,
                   units: Sequence[UnitInfo] | None, moved: Sequence[DocState]
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Units that gained or lost the year's plan between runs `a` and `b`.

    Only a unit one of whose plans of `kind` (for `year` or for a period) moved can change: `moved`
    holds the documents new, changed or removed between the runs, as read at either run, corrections
    applied; every other document holds the same version and state in both snapshots, corrections do
    not depend on the run, and a document that is no such plan in either snapshot (most of what moves
    in a day: news, other documents) is never counted by coverage. So both coverages are computed for
    those units alone (all units when most moved, e.g. a diff over the year). `units` is every
    registry unit (`load_units`), or None to read only the ones needed (`load_units(portals=…)`)."""
    return plan_moves(engine, runs, a, b, year, kind, units, plan_portals(moved, year, kind))


def plan_portals(docs: Iterable[DocState], year: int, kind: str) -> set[str]:
    """The units (portal ids) that `docs` can count for in coverage: those of the plans of `kind` for
    `year` or for a period (the rule of `coverage_moves`)."""
    return {d.linked_portal or d.portal_id for d in docs if _is_plan(d, year, kind)}


def _is_plan(d: DocState, year: int, kind: str) -> bool:
    return d.category == kind and (d.plan_year is None or d.plan_year == year)


def plan_moves(engine: Engine, runs: Sequence[Run], a: Run, b: Run, year: int, kind: str,
               units: Sequence[UnitInfo] | None, touched: set[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`coverage_moves` given the units whose plans moved (`plan_portals` of the moved documents)."""
    if not touched:
        return [], []
    if units is None:
        with engine.connect() as conn:
            registry = conn.execute(select(func.count()).select_from(Portal).where(Portal.in_registry.is_(True))).scalar_one()
        narrow = len(touched) * 2 < registry
        scope = load_units(engine, portals=touched) if narrow else load_units(engine)
    else:
        narrow = len(touched) * 2 < len(units)
        scope = [u for u in units if u.portal_id in touched] if narrow else list(units)
    if not scope:
        return [], []
    portals = touched if narrow else None
    cov_a = {r["portal"]: r for r in coverage(engine, year, kind=kind, as_of=None, runs=[r for r in runs if r.id <= a.id],
                                              units=scope, portals=portals).rows}
    cov_b = {r["portal"]: r for r in coverage(engine, year, kind=kind, as_of=None, runs=[r for r in runs if r.id <= b.id],
                                              units=scope, portals=portals).rows}
    gained = [{"portal": p, "unit": r["unit"], "doc_number": r["doc_number"], "url": r["url"]}
              for p, r in cov_b.items() if r["found"] and not cov_a[p]["found"]]
    lost = [{"portal": p, "unit": r["unit"], "doc_number": cov_a[p]["doc_number"], "url": cov_a[p]["url"]}
            for p, r in cov_b.items() if not r["found"] and cov_a[p]["found"]]
    return gained, lost


def health_moves(engine: Engine, a: Run, b: Run, names: dict[str, str]
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Portals that went down or came back, and widgets whose late count rose, between runs `a` and
    `b`: the database pairs the two runs' rows by portal and returns only the portals that moved."""
    if a.id == b.id:
        return [], [], []
    h0, h1 = PortalHealth.__table__.alias("h0"), PortalHealth.__table__.alias("h1")
    w0, w1 = WidgetReading.__table__.alias("w0"), WidgetReading.__table__.alias("w1")
    down: list[dict[str, Any]] = []
    up: list[dict[str, Any]] = []
    rose: list[dict[str, Any]] = []
    with engine.connect() as conn:
        for pid, r0, r1, s0, s1, e0, e1 in conn.execute(
                select(h1.c.portal_id, h0.c.reachable, h1.c.reachable, h0.c.status, h1.c.status, h0.c.error, h1.c.error)
                .join(h0, and_(h0.c.portal_id == h1.c.portal_id, h0.c.run_id == a.id))
                .where(h1.c.run_id == b.id, or_(and_(h0.c.reachable.is_(True), h1.c.reachable.is_(False)),
                                                and_(h0.c.reachable.is_(False), h1.c.reachable.is_(True))))
                .order_by(h1.c.portal_id)):
            row = {"portal": pid, "unit": names.get(pid, pid), "status_from": s0, "status_to": s1, "error": e1 or e0}
            (down if r0 else up).append(row)
        for pid, late0, late1 in conn.execute(
                select(w1.c.portal_id, w0.c.late, w1.c.late)
                .join(w0, and_(w0.c.portal_id == w1.c.portal_id, w0.c.run_id == a.id))
                .where(w1.c.run_id == b.id, w0.c.late.is_not(None), w1.c.late.is_not(None), w1.c.late > w0.c.late)
                .order_by(w1.c.portal_id)):
            rose.append({"portal": pid, "unit": names.get(pid, pid), "late_from": late0, "late_to": late1,
                         "increase": late1 - late0})
    return down, up, rose
