"""Stored alerts (issue 14): what a rule found, in which run, and what became of its delivery.

Why a table: an alert must reach people exactly once. Each finding has a ``dedupe_key`` (rule + kind +
the thing it is about: a document, a portal's down streak, a widget reading's day…), unique in the
table, so evaluating a run again, or a second crawl of the same day, finds the row already there and
sends nothing; a delivery that failed leaves the row ``failed`` and the next evaluation sends it again
to the recipients that did not get it (``delivery`` holds one result per recipient).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, utcnow

#: queued: a digest alert waiting for its day's digest · pending: not tried yet · sent: every
#: recipient got it · failed: at least one recipient did not (retried by the next evaluation)
STATES = ("queued", "pending", "sent", "failed")


class Alert(Base):
    """One finding of one rule about one unit (or document), and its delivery."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_state_rule", "state", "rule"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: "rule|kind|subject…": one alert per thing a rule is about, whatever the number of evaluations
    dedupe_key: Mapped[str] = mapped_column(String(400), unique=True)
    rule: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    #: down | up for portal_down; the kind's own event otherwise
    event: Mapped[str] = mapped_column(String(40))
    portal_id: Mapped[str | None] = mapped_column(String(120), index=True)
    document_id: Mapped[int | None] = mapped_column(Integer)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"), index=True)
    observed_on: Mapped[dt.date] = mapped_column(Date)
    #: what the message says about it (kind-specific fields: number, dates, URL, figures…)
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    url: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: recipient id -> {"target": URL without secrets, "ok": bool, "error": str|None, "at": ISO time}
    delivery: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_error: Mapped[str | None] = mapped_column(Text)
