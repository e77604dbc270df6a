"""A page that did not change adds no fetch row (issue 12: store what changed, count the rest).

Why: every daily run fetches each portal's discovery pages again (its home page, robots.txt, feeds,
sitemaps, the first page of its listings and registers, the widget's source). One ``fetches`` row
each, every day, was most of what an unchanged day added to the database, for a fact that is almost
always "it answered, as yesterday".

The rule: a fetch item of a *discovery* page (its ``kind``, the spider callback, in `DISCOVERY`)
that answered 2xx without a problem is recorded in ``page_validators`` (one row per page, rewritten
in place: ``run_id`` = the last run that got a usable answer, ``body_sha256`` = that answer's hash).
The first usable answer of a URL is also a ``fetches`` row (a new page, so a change); a later one is
only counted, by the ``page_validators`` row now carrying this run's id. Everything else keeps its
row: a failure (it changed, or it is news), a document page with a new or changed content (a page
fetched in full whose extracted content is unchanged drops its row, `forget_unchanged_page`, as an
unchanged document confirmed by a 304 or its hash never had one), a fetch of unknown kind.

A discovery page that answered 404 (``HTTP 404``, `GONE`) is news the first time (a row, and its
``page_validators`` row remembers ``status`` 404) and counted, not stored, while it answers 404 again
(migration 0015): a portal without a sitemap answers its /sitemap.xml probe 404 every day, which was
most of an unchanged day's fetch rows. A 200 after the 404, or a 404 after a 200, is a row again.

The count is read back in SQL where a run's fetches are counted (`answered_unchanged`,
`unchanged_by_portal`): a run's usable answers (the repeated 404s among its fetches and its most
frequent error, not its usable answers), its summary's pages and the drift canary's "pages fetched"
include the unchanged discovery pages, so an unchanged day is not a "fall".
A run's count is exact until a later run answers the same page (the row is rewritten); the drift
canary's per-run figures (``portal_yields``) are taken when the run closes, so they keep it.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, func, select
from sqlalchemy.orm import Session

from storage.incr_models import PageValidator
from storage.models import CrawlRun, Fetch
from storage.values import canonical_url, number, parse_instant, text_or_none

if TYPE_CHECKING:
    from storage.statements import Statements

#: spider callbacks that fetch discovery pages (crawler/spiders): answers counted, not stored, once known
DISCOVERY = frozenset({"parse_home", "parse_feed", "parse_sitemap", "parse_robots", "parse_listing",
                       "parse_register", "parse_source"})

_V = PageValidator.__table__


#: the failure of a discovery page counted, not stored, when the page gave it last time too: "not there"
#: (a portal without a sitemap answers its /sitemap.xml probe so every day), as the spiders report it
GONE, GONE_ERROR = 404, "HTTP 404"


def counted_only(stmts: Statements, session: Session, run: CrawlRun, portal_id: str, item: Mapping[str, Any]) -> bool:
    """True when the fetch item is a discovery answer given as before (usable, or `GONE` again), now
    counted (no row to store); False when its ``fetches`` row must be stored (module doc)."""
    if item.get("kind") not in DISCOVERY:
        return False
    status = number(item.get("status"), integer=True)
    url = text_or_none(item.get("url"))
    error = text_or_none(item.get("error"))
    if status is None or not url:
        return False
    if 200 <= status < 300 and not error:
        failure = None
    elif status == GONE and error == GONE_ERROR:
        failure = GONE
    else:
        return False
    conn = session.connection()
    params = {"_portal": portal_id, "_url": canonical_url(url), "_run": run.id, "_status": failure,
              "_hash": None if failure else text_or_none(item.get("content_hash"), 64),
              "_at": parse_instant(item.get("fetched_at"))}
    known = conn.execute(stmts.cached("fetchlog.find", lambda: select(_V.c.id, _V.c.run_id, _V.c.status).where(
        _V.c.portal_id == bindparam("_portal"), _V.c.url == bindparam("_url"))), params).one_or_none()
    if known is None:
        conn.execute(stmts.cached("fetchlog.insert", lambda: _V.insert().values(
            portal_id=bindparam("_portal"), url=bindparam("_url"), body_sha256=bindparam("_hash"),
            run_id=bindparam("_run"), fetched_at=bindparam("_at"), status=bindparam("_status"))), params)
        return False
    if known.status != failure:
        # gone after a usable answer, or back after a 404: news, stored; the row holds the new answer
        # (no validators: a conditional request needs those of a usable answer)
        conn.execute(stmts.cached("fetchlog.change", lambda: _V.update().where(_V.c.id == bindparam("_id")).values(
            run_id=bindparam("_run"), body_sha256=bindparam("_hash"), fetched_at=bindparam("_at"),
            status=bindparam("_status"), etag=None, last_modified=None)), {**params, "_id": known.id})
        return False
    if known.run_id == run.id:
        # answered twice in this run (two spiders, a resumed run): stored once already if it was new
        return not _has_row(conn, stmts, run.id, canonical_url(url))
    conn.execute(stmts.cached("fetchlog.touch", lambda: _V.update().where(_V.c.id == bindparam("_id")).values(
        run_id=bindparam("_run"), body_sha256=bindparam("_hash"), fetched_at=bindparam("_at"))),
        {**params, "_id": known.id})
    return True


def forget_unchanged_page(stmts: Statements, conn: Connection, run_id: int, url: str, status: int | None) -> None:
    """A document page fetched in full whose extracted content did not change (its bytes did: a
    visitor counter, a sidebar) keeps no fetch row either: the document's sighting interval says the
    run saw it, and the run's figures count it among the seen documents (`storage.health`)."""
    if status is None or not 200 <= status < 300:
        return
    f = Fetch.__table__
    conn.execute(stmts.cached("fetchlog.forget", lambda: f.delete().where(
        f.c.run_id == bindparam("_run"), f.c.url == bindparam("_url"), f.c.error.is_(None))),
        {"_run": run_id, "_url": url})


def _has_row(conn: Connection, stmts: Statements, run_id: int, url: str) -> bool:
    f = Fetch.__table__
    return conn.execute(stmts.cached("fetchlog.row", lambda: select(f.c.id).where(
        f.c.run_id == bindparam("_run"), f.c.url == bindparam("_url"))), {"_run": run_id, "_url": url}).first() is not None


def unchanged_answers(run_id: int) -> Any:
    """SELECT (portal_id, url, status) of the discovery pages run `run_id` answered as before (no fetch
    row): usable ones (status NULL) and `GONE` ones again (status 404)."""
    f = Fetch.__table__
    return (select(_V.c.portal_id.label("portal_id"), _V.c.url.label("url"), _V.c.status.label("status"))
            .where(_V.c.run_id == run_id,
                   ~select(f.c.id).where(f.c.run_id == run_id, f.c.url == _V.c.url).exists(),
                   # a document's validators carry the run of its last full answer: not a discovery page
                   _V.c.etag.is_(None), _V.c.last_modified.is_(None), _discovery_only()))


def _discovery_only() -> Any:
    from storage.models import Document

    d = Document.__table__
    return ~select(d.c.id).where(d.c.portal_id == _V.c.portal_id, d.c.url == _V.c.url).exists()


def answered_unchanged(session: Session, run_id: int) -> tuple[int, int]:
    """How many discovery pages run `run_id` answered as before without a row: (usable answers, 404s)."""
    sub = unchanged_answers(run_id).subquery()
    usable, gone = session.execute(select(func.count(sub.c.url) - func.count(sub.c.status),
                                          func.count(sub.c.status))).one()
    return int(usable or 0), int(gone or 0)


def unchanged_by_portal(session: Session, run_id: int) -> dict[str, int]:
    """Pages run `run_id` accounted for without a fetch row, per portal: the discovery pages that
    answered as before and the documents it saw unchanged (a 304, the same hash, the same content, or
    still linked), as the drift canary counts them (`storage.health.record_yields`)."""
    from storage.models import Document
    from storage.sightings import SightingInterval, in_run

    f = Fetch.__table__
    answers = unchanged_answers(run_id).with_only_columns(_V.c.portal_id.label("portal_id"), _V.c.url.label("url"))
    seen = (select(Document.portal_id.label("portal_id"), Document.url.label("url"))
            .select_from(SightingInterval).join(Document, Document.id == SightingInterval.document_id)
            .where(in_run(run_id), ~select(f.c.id).where(f.c.run_id == run_id, f.c.url == Document.url).exists()))
    sub = answers.union_all(seen).subquery()
    return {pid: int(n) for pid, n in session.execute(
        select(sub.c.portal_id, func.count()).group_by(sub.c.portal_id)).all()}
