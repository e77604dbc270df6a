"""Document kinds: a plan of a kind for a year found, a stored document changed (new version) or removed.

All three compare run R with the newest complete run of an earlier day (P): what first appeared in
(P, R]. On the first day there is no P, so nothing is "new" (the first crawl is the baseline, not
hundreds of alerts); a second crawl of the same day looks at the same window and finds the same
subjects, which the dedupe key has already stored.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from alerts.kinds.common import day, iso, labels, say
from alerts.registry import Context, Finding, Param, register
from reports.base import KINDS as PLAN_KINDS
from storage.models import Document, DocumentVersion, Portal

YEAR = Param(int, required=True, minimum=2000, maximum=2100, help="the plan year, e.g. 2026")
PLAN_KIND = Param(str, default="propaganda_plan", choices=PLAN_KINDS)
ONLY_CCHC = Param(bool, default=True)


def _plan_line(item: Any, lang: str) -> str:
    d = item.details
    return say("alert_plan_found", lang, unit=d.get("unit"), kind=labels.label("category", d.get("plan_kind"), lang),
               year=d.get("year"), number=d.get("doc_number") or "–", issued=day(d.get("doc_date")),
               published=day(d.get("published_at")), title=d.get("title") or "")


@register("plan_found", params={"year": YEAR, "plan_kind": PLAN_KIND},
          title=("Kế hoạch mới được công bố", "New plan published"), describe=_plan_line)
def plan_found(ctx: Context) -> Iterator[Finding]:
    """Documents whose version first seen in (P, R] is a plan of the kind and year, and which no version
    seen by P already was (a plan re-extracted is not found again)."""
    if ctx.previous is None:
        return
    kind, year = ctx.rule.params["plan_kind"], ctx.rule.params["year"]
    lo, run = ctx.previous.id, ctx.run.id
    v, d, p, earlier = DocumentVersion, Document, Portal, aliased(DocumentVersion)
    matches = and_(v.category == kind, v.plan_year == year, v.is_cchc.is_(True))
    q = (select(d.id, d.portal_id, d.url, p.name, v.doc_number, v.doc_date, v.published_at, v.title, v.version)
         .join(v, v.document_id == d.id).join(p, p.id == d.portal_id)
         .where(matches, v.first_seen_run_id > lo, v.first_seen_run_id <= run,
                or_(d.removed_run_id.is_(None), d.removed_run_id > run), ctx.in_scope(p),
                ~exists().where(earlier.document_id == d.id, earlier.category == kind, earlier.plan_year == year,
                                earlier.first_seen_run_id <= lo))
         .order_by(d.portal_id, d.id, v.version))
    seen: set[int] = set()
    for doc_id, portal, url, unit, number, doc_date, published, title, _version in ctx.session.execute(q):
        if doc_id in seen:
            continue
        seen.add(doc_id)
        yield Finding(subject=f"doc:{doc_id}", event="found", portal_id=portal, document_id=doc_id, url=url,
                      details={"unit": unit, "plan_kind": kind, "year": year, "doc_number": number,
                               "doc_date": iso(doc_date), "published_at": published, "title": title})


def _changed_line(item: Any, lang: str) -> str:
    d = item.details
    return say("alert_document_changed", lang, unit=d.get("unit"), title=d.get("title") or "",
               number=d.get("doc_number") or "–", version=d.get("version"), previous=d.get("previous_version"))


@register("document_changed", params={"only_cchc": ONLY_CCHC},
          title=("Văn bản đã thay đổi (phiên bản mới)", "Document changed (new version)"), describe=_changed_line)
def document_changed(ctx: Context) -> Iterator[Finding]:
    """New versions (version > 1) first seen in (P, R]."""
    if ctx.previous is None:
        return
    v, d, p = DocumentVersion, Document, Portal
    q = (select(d.id, d.portal_id, d.url, p.name, v.version, v.title, v.doc_number)
         .join(v, v.document_id == d.id).join(p, p.id == d.portal_id)
         .where(v.version > 1, v.first_seen_run_id > ctx.previous.id, v.first_seen_run_id <= ctx.run.id,
                ctx.in_scope(p)).order_by(d.portal_id, d.id, v.version))
    if ctx.rule.params["only_cchc"]:
        q = q.where(v.is_cchc.is_(True))
    for doc_id, portal, url, unit, version, title, number in ctx.session.execute(q):
        yield Finding(subject=f"doc:{doc_id}:v{version}", event="changed", portal_id=portal, document_id=doc_id,
                      url=url, details={"unit": unit, "title": title, "doc_number": number, "version": version,
                                        "previous_version": version - 1})


def _removed_line(item: Any, lang: str) -> str:
    d = item.details
    return say("alert_document_removed", lang, unit=d.get("unit"), title=d.get("title") or "",
               number=d.get("doc_number") or "–", status=d.get("status") or "–")


@register("document_removed", params={"only_cchc": ONLY_CCHC},
          title=("Văn bản đã bị gỡ", "Document removed"), describe=_removed_line)
def document_removed(ctx: Context) -> Iterator[Finding]:
    """Documents whose removal was first observed in (P, R] (the current version's title and number)."""
    if ctx.previous is None:
        return
    v, d, p = DocumentVersion, Document, Portal
    q = (select(d.id, d.portal_id, d.url, p.name, v.title, v.doc_number, d.removed_run_id, d.removed_status)
         .join(v, and_(v.document_id == d.id, v.version == d.version)).join(p, p.id == d.portal_id)
         .where(d.removed_run_id > ctx.previous.id, d.removed_run_id <= ctx.run.id, ctx.in_scope(p))
         .order_by(d.portal_id, d.id))
    if ctx.rule.params["only_cchc"]:
        q = q.where(v.is_cchc.is_(True))
    for doc_id, portal, url, unit, title, number, removed_run, status in ctx.session.execute(q):
        yield Finding(subject=f"doc:{doc_id}:removed:{removed_run}", event="removed", portal_id=portal,
                      document_id=doc_id, url=url,
                      details={"unit": unit, "title": title, "doc_number": number, "status": status})
