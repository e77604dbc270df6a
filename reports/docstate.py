"""A document as reports know it on some day (`DocState`): the one shape `reports.base.load_documents`
returns and `reports.corrections` amends. A module of its own so that both can import it without
importing each other.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DocState:
    """A document as known on some day (or run): its version then, and its lifetime."""

    document_id: int
    portal_id: str
    url: str
    version: int
    content_hash: str
    first_seen_run: int
    first_seen_on: dt.date
    removed_run: int | None
    removed_on: dt.date | None
    title: str | None
    published_at: str | None
    is_cchc: bool | None
    category: str | None
    doc_number: str | None
    doc_type: str | None
    doc_date: dt.date | None
    issuer: str | None
    organ: str | None
    plan_year: int | None
    version_id: int
    sections: Any = None
    deadlines: Any = None
    corrections: list[int] = field(default_factory=list)
    linked_portal: str | None = None
    plan_period: str | None = None   # "2021-2025" for a period plan (migration 0004; plan_year is then null)

    @property
    def published_on(self) -> dt.date | None:
        """The publication date part of the portal's timestamp (local date as the portal wrote it)."""
        if not self.published_at:
            return None
        try:
            return dt.date.fromisoformat(self.published_at[:10])
        except ValueError:
            return None
