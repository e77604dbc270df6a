"""Which runs saw which version of each document, stored as intervals (issue 12: a year of daily
snapshots stays cheap).

Why: the snapshot of run N is "the documents run N saw, each at the version it saw". One row per
document per run (the former ``document_sightings``) made every unchanged daily crawl add a row per
known document, the largest growth of an unchanged day, for a fact that is almost always "same as
yesterday". An interval row says it once: document D was seen at version V in every run from
``first_run_id`` to ``last_run_id``.

The rule that keeps an interval truthful: a sighting in run R *extends* the document's interval for
that version only when the interval ends at the run just before R (``previous_run``: the newest run
with a smaller id, whatever its scope or status). Otherwise (the document was not seen in some run
in between, or its version changed) a new interval starts at R. So "documents run N held" is exactly
``first_run_id <= N <= last_run_id``, a range lookup served by the ``(last_run_id, first_run_id)``
index; a document missed by one day's crawl (not linked, not due for its re-check) starts a new
interval when it is next seen, which is what "seen" means (README, incremental crawling).

A run that changes a document's version after having seen its old version (two discovery methods
reached it before and after an edit, or a resumed run) keeps one version per run: the older version's
interval is cut back to the previous run (or dropped when it began in this run).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    Connection,
    ForeignKey,
    Index,
    Integer,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, CrawlRun


class SightingInterval(Base):
    """Document `document_id` was seen at `version` by every run from `first_run_id` to `last_run_id`."""

    __tablename__ = "sighting_intervals"
    __table_args__ = (
        UniqueConstraint("document_id", "version", "first_run_id"),
        # "what did run N hold": last_run_id >= N AND first_run_id <= N
        Index("ix_sighting_intervals_last_run_id_first_run_id", "last_run_id", "first_run_id"),
        # extending: the document's interval ending at the previous run
        Index("ix_sighting_intervals_document_id_last_run_id", "document_id", "last_run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    first_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))


_T = SightingInterval.__table__


def previous_run(conn: Connection, run_id: int) -> int | None:
    """The newest run before `run_id` (the run an interval must end at to be extended by `run_id`)."""
    runs = CrawlRun.__table__
    return conn.execute(select(func.max(runs.c.id)).where(runs.c.id < run_id)).scalar()


def in_run(run_id: Any) -> Any:
    """The SQL condition "this interval covers run `run_id`" (a column or a value)."""
    return and_(_T.c.first_run_id <= run_id, _T.c.last_run_id >= run_id)


class Sightings:
    """Writes sightings for one store; caches each run's previous run (one query per run)."""

    def __init__(self) -> None:
        self._previous: dict[int, int] = {}

    def _previous_of(self, conn: Connection, run_id: int) -> int:
        if run_id not in self._previous:
            self._previous[run_id] = previous_run(conn, run_id) or 0
        return self._previous[run_id]

    def saw(self, conn: Connection, run_id: int, document_id: int, version: int, *, new_version: bool = False) -> None:
        """Record that run `run_id` saw `document_id` at `version` (module doc: extend or start).

        `new_version`: this sighting follows a change of the document in this run, so an older
        version the same run saw earlier is withdrawn from the run first."""
        prev = self._previous_of(conn, run_id)
        params = {"_doc": document_id, "_version": version, "_run": run_id, "_prev": prev}
        if new_version:
            conn.execute(_DROP_OTHER, params)
            conn.execute(_CUT_OTHER, params)
        if conn.execute(_EXTEND, params).rowcount:
            return
        if conn.execute(_HAS, params).first() is None:
            conn.execute(_INSERT, params)


_DOC: BindParameter[int] = bindparam("_doc")
_VER: BindParameter[int] = bindparam("_version")
_RUN: BindParameter[int] = bindparam("_run")
_PREV: BindParameter[int] = bindparam("_prev")
_EXTEND = (_T.update().where(_T.c.document_id == _DOC, _T.c.version == _VER, _T.c.last_run_id == _PREV,
                             _PREV > 0).values(last_run_id=_RUN))
_HAS = select(_T.c.id).where(_T.c.document_id == _DOC, _T.c.version == _VER, _T.c.last_run_id == _RUN)
_INSERT = _T.insert().values(document_id=_DOC, version=_VER, first_run_id=_RUN, last_run_id=_RUN)
_DROP_OTHER = _T.delete().where(_T.c.document_id == _DOC, _T.c.version != _VER, _T.c.first_run_id == _RUN,
                                _T.c.last_run_id == _RUN)
_CUT_OTHER = (_T.update().where(_T.c.document_id == _DOC, _T.c.version != _VER, _T.c.last_run_id == _RUN,
                                _T.c.first_run_id < _RUN).values(last_run_id=_PREV))
