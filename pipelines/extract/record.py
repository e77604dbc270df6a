"""The extraction record: the stable JSON contract of `cchc extract` (issue 3)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RECORD_KEYS = (
    "url", "title", "published_at", "text", "is_cchc", "category", "doc_number", "doc_type", "doc_date",
    "issuer", "issuer_as_written", "organ", "plan_year", "citations", "deadlines", "channels", "sections",
    "attachments", "widget", "widget_issues", "visitors", "warnings", "plan_period",
)


@dataclass
class Record:
    """One page (or document-register row) as an auditor reads it. See RECORD_KEYS for the contract.

    Text values are NFC (canonically the same characters as published, composed so that search
    and comparison work); nothing else is rewritten: misspellings and abbreviations stay as written.
    """

    url: str
    title: str | None = None
    published_at: str | None = None
    text: str | None = None
    is_cchc: bool = False
    category: str | None = None
    doc_number: str | None = None
    doc_type: str | None = None
    doc_date: str | None = None
    issuer: str | None = None
    issuer_as_written: str | None = None
    organ: str | None = None
    plan_year: int | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    deadlines: list[dict[str, str]] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    sections: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    widget: dict[str, Any] | None = None
    widget_issues: list[str] = field(default_factory=list)
    visitors: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)
    #: "2022-2025" for a plan for a period ("giai đoạn 2022–2025"); then plan_year is None. Appended
    #: last (issue 11) so every earlier key keeps its place in the contract.
    plan_period: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the contract, keys in contract order."""
        return {k: getattr(self, k) for k in RECORD_KEYS}
