"""Stored alerts as rows for `cchc alerts list` (newest first, filtered in SQL, bounded by --limit)."""
from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from alerts.kinds import KINDS
from alerts.message import escaped
from storage.alerts_models import Alert

#: `cchc alerts list --format json` keys (a contract: only append)
KEYS = ("id", "rule", "kind", "event", "portal", "run", "observed_on", "state", "created_at", "sent_at", "attempts",
        "url", "summary", "details", "delivery", "last_error")


def list_alerts(engine: Engine, *, rule: str | None = None, state: str | None = None, run: int | None = None,
                limit: int = 200, lang: str = "vi") -> list[dict[str, Any]]:
    """The stored alerts matching the filters, newest first, with the sentence the message said."""
    q = select(Alert).order_by(Alert.id.desc()).limit(limit)
    if rule is not None:
        q = q.where(Alert.rule == rule)
    if state is not None:
        q = q.where(Alert.state == state)
    if run is not None:
        q = q.where(Alert.run_id == run)
    rows = []
    with Session(engine) as session:
        for a in session.scalars(q):
            kind = KINDS.get(a.kind)
            summary = kind.describe(escaped(a, "text"), lang) if kind is not None else None
            rows.append({"id": a.id, "rule": a.rule, "kind": a.kind, "event": a.event, "portal": a.portal_id,
                         "run": a.run_id, "observed_on": a.observed_on, "state": a.state, "created_at": a.created_at,
                         "sent_at": a.sent_at, "attempts": a.attempts, "url": a.url, "summary": summary,
                         "details": a.details, "delivery": list((a.delivery or {}).values()), "last_error": a.last_error})
    return rows
