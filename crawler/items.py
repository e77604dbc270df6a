"""Items the spiders yield. Spiders know no database: these plain dataclasses are all they hand on.

Every item carries `portal_id` so a pipeline can attribute it, and is turned into the dict shape
`storage.Store.save_items` documents by `as_storage_dict`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any


def utcnow_iso() -> str:
    return dt.datetime.now(tz=dt.UTC).isoformat(timespec="seconds")


@dataclass
class FetchItem:
    """One fetched URL (any kind): the crawl's audit trail of what was asked and what answered."""

    portal_id: str
    url: str
    status: int | None
    discovered_by: str
    content_hash: str | None = None
    error: str | None = None
    fetched_at: str = field(default_factory=utcnow_iso)
    type: str = "fetch"
    #: what the page was fetched for (the spider callback: ``parse_home``, ``parse_feed``…; issue 12):
    #: storage keeps no row for a discovery page that answered as it did before (storage/fetchlog.py)
    kind: str | None = None


@dataclass
class PageItem:
    """An article (or a document-register row) to extract and store as a document."""

    portal_id: str
    url: str
    requested_url: str
    status: int
    html: str
    discovered_by: str
    hints: dict[str, Any] = field(default_factory=dict)
    file_urls: list[str] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)
    record: dict[str, Any] | None = None
    fetched_at: str = field(default_factory=utcnow_iso)
    type: str = "page"
    error: str | None = None   # why there is no record (extraction over its time budget); stored on the fetch row
    raw: dict[str, Any] | None = None   # the raw copy (crawler.capture.raw_of); pipelines.evidence stores its bytes
    #: the answer's validators (issue 12), stored only once the page has a record, so a page whose
    #: extraction failed is not taken as known-unchanged by the next run
    validator: ValidatorItem | None = None


@dataclass
class RemovedItem:
    """A known document whose re-fetch answered 404/410."""

    portal_id: str
    url: str
    status: int
    type: str = "removed"


@dataclass
class SeenItem:
    """A known document seen without a new fetch row: answered 304, answered 200 with the stored
    body hash, or still linked from a feed, sitemap, listing or register (issue 12)."""

    portal_id: str
    url: str
    how: str  # "not_modified" | "same_body" | "linked"
    discovered_by: str
    type: str = "seen"


@dataclass
class SeenBatchItem:
    """The sightings one callback produced for one portal, of one kind (`crawler.seenbatch`): stored
    as that many `SeenItem`s would be."""

    portal_id: str
    urls: list[str]
    how: str
    discovered_by: str
    type: str = "seen_batch"


@dataclass
class ValidatorItem:
    """A page's latest full answer: ETag, Last-Modified and body hash, for the next run's
    conditional request (issue 12)."""

    portal_id: str
    url: str
    etag: str | None
    last_modified: str | None
    body_sha256: str | None
    fetched_at: str = field(default_factory=utcnow_iso)
    type: str = "validator"


@dataclass
class CoverageItem:
    """A listing fetched in this run whose first page a feed of the portal covered (`feed_url` and the
    page's newest item `anchor_url`), or its home page did (`digest`), or nothing did (both None): the
    proof the next runs read (`crawler.incremental.Policy.listing_proof`, issue 12)."""

    portal_id: str
    url: str
    feed_url: str | None
    anchor_url: str | None
    #: the home page's link digest when the home page (`feed_url`) is what covered the listing
    digest: str | None = None
    type: str = "coverage"


@dataclass
class WidgetItem:
    """The portal's TTHC widget reading (one per portal per run) and its visitor counter."""

    portal_id: str
    url: str
    source: str
    widget: dict[str, Any] | None
    widget_issues: list[str] = field(default_factory=list)
    visitors: dict[str, Any] | None = None
    fetched_at: str = field(default_factory=utcnow_iso)
    type: str = "widget"
    raw: dict[str, Any] | None = None   # the page the reading was read from (crawler.capture.raw_of)


@dataclass
class HealthItem:
    """How the portal answered in this run; later items for the same portal fill in more fields."""

    portal_id: str
    url: str
    status: int | None = None
    latency_ms: float | None = None
    error: str | None = None
    waf_blocked: bool | None = None
    redirected_to: str | None = None
    has_feed: bool | None = None
    has_widget: bool | None = None
    type: str = "health"


def as_storage_dict(item: Any) -> dict[str, Any]:
    """The dict `Store.save_items` takes."""
    return dataclasses.asdict(item)


@dataclass
class NationalIndexItem:
    """What one run read from a national 766-index source for one year: the readings per province
    (`pipelines.extract.index766.IndexReading` as dicts) or the fault (`error`) when nothing was read.

    It carries `source_id`, not `portal_id`: a national source is no unit's portal (storage keeps it
    apart, `storage/index_store.py`)."""

    source_id: str
    url: str
    year: int
    status: int | None
    error: str | None = None
    readings: list[dict[str, Any]] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    fetched_at: str = field(default_factory=utcnow_iso)
    type: str = "index766"
