"""What an evidence pack holds before it is written (`reports.evidence_pack` builds it, and
`reports.evidence_index` renders its index page): apart, so the two import this module and not each
other.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from reports.base import Run, UnitInfo


@dataclass
class RawFile:
    """One raw copy in the pack: where it sits in the zip, its fetch metadata, and its bytes."""

    path: str
    meta: dict[str, Any]
    data: bytes | None
    problem: str | None = None


@dataclass
class DocEvidence:
    """A document version a figure rests on, with its raw page and attachments."""

    folder: str
    url: str
    portal: str
    version: int
    record: dict[str, Any]
    page: RawFile | None
    attachments: list[RawFile] = field(default_factory=list)
    note: str | None = None


@dataclass
class WidgetEvidenceFiles:
    """A widget reading a figure rests on, with the page it was read from."""

    folder: str
    reading: dict[str, Any]
    page: RawFile | None
    note: str | None = None


@dataclass
class Figure:
    """One figure of a report row and where its evidence is (a document folder, a widget folder)."""

    source: str      # coverage | compliance
    key: str
    value: Any
    evidence: str | None


@dataclass
class Pack:
    """Everything a pack holds before it is written."""

    unit: UnitInfo
    year: int
    kind: str
    run: Run
    coverage_row: dict[str, Any]
    compliance_row: dict[str, Any] | None
    figures: list[Figure]
    documents: list[DocEvidence]
    widgets: list[WidgetEvidenceFiles]
    created_at: dt.datetime
    problems: list[str] = field(default_factory=list)
