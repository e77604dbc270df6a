"""Synthesise a year (or any number of days) of daily crawl runs for N portals, through the project's schema.

Why: the reports must stay fast on a year of daily snapshots of the whole country (issue 12: ~15,000
portals x 365 days), and nobody can crawl that in a test session. This script writes what a year of
daily crawls would have written (registry portal rows, one complete run a day, documents with their
versions and citations, document sightings, fetch rows, health rows, widget and visitor readings, the
drift canary's portal_yields and the search index) so `bench/report_bench.py` can time every report
on it, on SQLite and PostgreSQL.

How it stays fast: the database is migrated with the project's own Alembic migrations; documents,
versions and citations (which need text) are generated in Python and written with ``executemany`` in
large transactions; everything that is "one row per portal per run" (health, widget, visitor, fetch
rows, sightings) is written by one ``INSERT ... SELECT`` per run computed by the database from a
temporary per-portal parameter table, so Python never iterates over run x portal rows; portal_yields
are written by the project's own ``storage.health.record_yields`` (what ``Store.finish_run`` calls),
and the search index by ``storage.search_index.refresh`` (what every crawl calls). The load itself runs
without durability (`bench_engine`: SQLite ``journal_mode=OFF``/``synchronous=OFF``, PostgreSQL
``synchronous_commit=off``; fine for a bench database, which is deleted if the load fails) and the
run-row tables' non-unique indexes are built after the last run (`drop_secondary_indexes`).

Measured 29/11/2026 on the shared 2-CPU machine, niced, load average 8-14 (the process got ~30 % of a
CPU): 15,000 portals x 365 days with ``--yields-days 60`` on SQLite in 1,859 s wall: documents
(475,312 documents, 963,331 versions, 247,577 citations) 426 s, run rows (24.9 M) 63 s, sightings 20 s,
portal_yields (60 runs x 15,000) 1,040 s, deferred indexes 51 s, search index 203 s, ANALYZE 5 s; 12.5 GB
(2,287 bytes per portal-day). portal_yields was most of it: `storage.health.record_yields` read every
live version's text (``length(text)``) each run, ~17 s a run at this size. 2,000 x 90: SQLite 160 s
(593 MB), PostgreSQL 153 s (602 MB). Since migration 0016 record_yields reads the length stored with
each version (``document_versions.text_chars``, which `write_documents` fills as the crawler does):
2,000 x 90 with ``--yields-days 30`` on SQLite (29/11/2026, load 5.7-6.6) portal_yields 11.4 s before,
5.5 s after (0.38 -> 0.18 s a run, the same 60,000 rows); PostgreSQL, same size: 11.9 s before (load
1.6-2.4), 5.0 s after (load 5.2-6.7); 15,000 x 60 with ``--yields-days 5`` on SQLite (load 1.2-1.3)
16.0 s before, 10.2 s after (3.2 -> 2.0 s a run; what is left reads the live versions' rows). Where 1,000 x 60 spent its time before the bulk-load settings and
the faster `core.vntext.fold` (cProfile, load 13, 92 s wall): SQLite statements 34 s (portal_yields 32 s),
folding for the search index 17 s, 65 commits 7 s, document inserts 5.5 s; after, unprofiled at load 9:
31 s wall, 17.8 s CPU.

The volumes follow the users' country: 34 provinces, departments and communes/wards in the proportion
34 / ~700 / ~3,300 (more portals than that repeat the commune names with a suffix); tens of documents
per portal per year (some there from the start, most published over the year), a fraction of a per
cent of live documents changing each day, about 3 % removed in a year, widget figures moving daily and
resetting each January, a portal down now and then.

Guards: a disk-space check before anything is written (an estimate from the size per portal-day),
a refusal to write into a database that already holds runs, and a time cap (checked between
statements) whose breach exits non-zero saying what was and was not written.

Usage::

    python bench/synth_year.py --db sqlite:///bench-data/year.sqlite --portals 15000 --days 365 --yields-days 60
    python bench/synth_year.py --db postgresql+psycopg://root@127.0.0.1/cchc_x --portals 200 --days 30

It prints what it wrote, the time each phase took and the database's size per portal-day.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import shutil
import sys
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import (  # noqa: E402
    Connection,
    Engine,
    create_engine,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.engine import make_url  # noqa: E402

#: Bytes the database grows per portal-day (all tables and indexes): 4,427 measured on SQLite at 4,000
#: portals x 90 days, 7,196 on PostgreSQL at 1,000 x 30, 2,287 on SQLite at 15,000 x 365 and 3,344 on
#: PostgreSQL at 2,000 x 90 (29/11/2026); the disk check asks for twice the estimate.
EST_BYTES_PER_PORTAL_DAY = 4500
#: Proportions of the country's portals (34 provinces, ~700 departments, ~3,300 communes and wards).
DEPARTMENT_SHARE = 700 / 4034
#: Per live document per day: the chance that it changes (a new version) and that it is removed.
CHANGE_RATE = 0.004
REMOVED_PER_YEAR = 0.03
#: Documents a portal publishes in a year, by level (plus those already there on day 1).
DOCS_PER_YEAR = {"province": 60, "department": 30, "commune": 14}
DOCS_AT_START = {"province": 40, "department": 20, "commune": 10}
#: Share of portals with the TTHC widget, by level.
WIDGET_SHARE = {"province": 1.0, "department": 0.4, "commune": 0.6}
#: Share of portals that publish their propaganda plan of the year.
PLAN_SHARE = 0.7
BATCH = 5000

DEPARTMENTS = (
    ("snv", "Sở Nội vụ"), ("stc", "Sở Tài chính"), ("sxd", "Sở Xây dựng"), ("sct", "Sở Công Thương"),
    ("snnmt", "Sở Nông nghiệp và Môi trường"), ("skhcn", "Sở Khoa học và Công nghệ"),
    ("sgddt", "Sở Giáo dục và Đào tạo"), ("syt", "Sở Y tế"), ("svhttdl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("stp", "Sở Tư pháp"), ("sdtdt", "Sở Dân tộc và Tôn giáo"), ("sngv", "Sở Ngoại vụ"),
    ("ttra", "Thanh tra tỉnh"), ("vpubnd", "Văn phòng UBND tỉnh"), ("bqlkkt", "Ban Quản lý các khu kinh tế"),
    ("sdl", "Sở Du lịch"), ("stnmt", "Sở Tài nguyên"), ("sgtvt", "Sở Giao thông"), ("sldtbxh", "Sở Lao động"),
    ("sttt", "Sở Thông tin"), ("skhdt", "Sở Kế hoạch"),
)
WORDS = (
    "cải cách hành chính", "thủ tục hành chính", "dịch vụ công trực tuyến", "một cửa liên thông", "tuyên truyền",
    "chuyển đổi số", "chính quyền điện tử", "người dân", "doanh nghiệp", "cán bộ công chức", "kỷ luật kỷ cương",
    "giải quyết hồ sơ", "đúng hạn", "trễ hạn", "khảo sát sự hài lòng", "chỉ số PAR INDEX", "SIPAS",
    "ứng dụng công nghệ thông tin", "hiện đại hóa nền hành chính", "tinh gọn bộ máy", "kiểm soát thủ tục",
    "cơ sở dữ liệu", "định danh điện tử", "thanh toán trực tuyến", "bưu chính công ích", "hội nghị", "tập huấn",
    "phong trào thi đua", "an ninh trật tự", "nông thôn mới", "y tế cơ sở", "giáo dục", "môi trường", "lễ hội",
    "phòng chống thiên tai", "bảo hiểm xã hội", "đất đai", "xây dựng", "giao thông", "du lịch", "khởi nghiệp",
)


def slug(name: str) -> str:
    """ASCII id part of a Vietnamese name ("Thành phố Hà Nội" -> "thanhphohanoi")."""
    folded = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in folded.lower() if c.isascii() and c.isalnum())


# ----------------------------------------------------------------------------------- the portals
@dataclass
class SynthPortal:
    """A registry row (the shape of crawler/data/portals.csv) and the generator's numbers for it."""

    id: str
    name: str
    level: str
    province: str
    parent: str | None
    base_url: str
    k: int  # a small integer key the SQL generators hash with
    widget: bool
    scale: int  # widget dossiers per day

    def row(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "level": self.level, "province": self.province,
                "parent": self.parent or "", "base_url": self.base_url, "cms": "portal",
                "widget_url": self.base_url if self.widget else "", "feeds": self.base_url + "rss",
                "sitemaps": "", "listings": self.base_url + "tin-tuc", "registers": "", "hosts": "",
                "unit_code": "", "unverified": "", "notes": "synthesised (bench/synth_year.py)"}


def _country() -> list[tuple[str, list[str]]]:
    """The 34 current provinces and their communes/wards, from the pinned `vietnam-provinces` data."""
    import importlib.util

    spec = importlib.util.find_spec("vietnam_provinces")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("error: the pinned package vietnam-provinces is not installed (make install)")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "nested-divisions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(p["name"], [w["name"] for w in p["wards"]]) for p in data]


def make_portals(n: int, rng: random.Random) -> list[SynthPortal]:
    """N portals in the country's proportions: provinces first, then departments and communes."""
    country = _country()
    out: list[SynthPortal] = []
    provinces = country[:min(34, n)]
    pids: list[tuple[str, str]] = []
    for name, _wards in provinces:
        s = slug(name.replace("Thành phố ", "").replace("Tỉnh ", ""))
        pid = f"p-{s}"
        pids.append((pid, name))
        out.append(SynthPortal(pid, f"UBND {name}", "province", name, None, f"https://{s}.gov.vn/", 0, True, 0))
    rest = n - len(out)
    n_dep = round(rest * DEPARTMENT_SHARE)
    for i in range(n_dep):
        pid, pname = pids[i % len(pids)]
        code, dname = DEPARTMENTS[(i // len(pids)) % len(DEPARTMENTS)]
        rnd = i // (len(pids) * len(DEPARTMENTS))
        suffix = f"{rnd + 1}" if rnd else ""
        out.append(SynthPortal(f"d-{code}{suffix}-{pid[2:]}", f"{dname}{' ' + suffix if suffix else ''} {pname}",
                               "department", pname, pid, f"https://{code}{suffix}.{pid[2:]}.gov.vn/", 0, False, 0))
    wards = [(pids[i][0], pname, w) for i, (pname, ws) in enumerate(provinces) for w in ws]
    for i in range(n - len(out)):
        pid, pname, wname = wards[i % len(wards)]
        rnd = i // len(wards)
        suffix = f"{rnd + 1}" if rnd else ""
        s = slug(wname) + suffix
        out.append(SynthPortal(f"x-{s}-{pid[2:]}", f"UBND {wname}{' ' + suffix if suffix else ''}", "commune", pname, pid,
                               f"https://{s}.{pid[2:]}.gov.vn/", 0, False, 0))
    seen: set[str] = set()
    for k, p in enumerate(out, start=1):
        if p.id in seen:  # two wards of one province with the same name: the registry keeps ids unique
            p.id = f"{p.id}-{k}"
            p.base_url = p.base_url.replace("https://", f"https://{k}-", 1)
        seen.add(p.id)
        p.k = k
        p.widget = rng.random() < WIDGET_SHARE[p.level]
        p.scale = {"province": 300, "department": 40, "commune": 8}[p.level] + rng.randrange(20)
    return out


# --------------------------------------------------------------------------------- the documents
@dataclass
class Version:
    number: int
    first_day: int
    last_day: int
    fields: dict[str, Any]
    citations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Doc:
    id: int
    portal: SynthPortal
    url: str
    first_day: int
    removed_day: int | None
    versions: list[Version]


def _text(rng: random.Random, portal: SynthPortal, title: str, n_words: int) -> str:
    body = " ".join(rng.choices(WORDS, k=n_words))
    return f"{title}\n{portal.name} thông báo về {body}.\nNơi nhận: như trên."


def _doc_fields(rng: random.Random, portal: SynthPortal, pub: dt.date, serial: int, superior: str | None,
                forced: str | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """What the extractor records for one page: title, dates, category, number, sections, text."""
    roll = 0.0 if forced == "propaganda_plan" else rng.random()
    year: int | None = pub.year + (1 if pub.month == 12 else 0)
    citations: list[dict[str, Any]] = []
    sections = deadlines = None
    number = None
    organ = "government"
    if roll < 0.12:
        category, title = "propaganda_plan", f"Kế hoạch tuyên truyền cải cách hành chính năm {year}"
    elif roll < 0.24:
        category, title = "plan", f"Kế hoạch cải cách hành chính năm {year}"
    elif roll < 0.34:
        category, title, year = "report", f"Báo cáo kết quả cải cách hành chính quý {(pub.month - 1) // 3 + 1}", None
    else:
        category, title, year = "other", f"Tin {rng.choice(WORDS)} {serial}", None
    is_cchc = category != "other"
    if category in ("propaganda_plan", "plan"):
        number = f"{rng.randrange(1, 400)}/KH-UBND"
        sections = [{"name": "purpose", "heading": "I. MỤC ĐÍCH, YÊU CẦU", "text": "Nâng cao nhận thức."},
                    {"name": "content", "heading": "II. NỘI DUNG", "text": rng.choice(WORDS)}]
        deadlines = [{"date": f"{year}-11-15", "text": "Báo cáo kết quả thực hiện."}]
        if superior:
            citations.append({"position": 0, "type": "Kế hoạch", "number": f"{rng.randrange(1, 400)}/KH-UBND",
                              "date": dt.date(year - 1, 12, 1) if year else None, "issuer": superior})
        if rng.random() < 0.03:
            organ = "party"
    elif category == "report":
        number = f"{rng.randrange(1, 900)}/BC-UBND"
    title_full = f"{portal.name} ban hành {title}" if category != "other" else title
    doc_date = pub - dt.timedelta(days=rng.randrange(0, 10)) if number else None
    fields = {
        "title": title_full, "published_at": pub.isoformat(), "is_cchc": is_cchc, "category": category,
        "doc_number": number, "doc_type": "Kế hoạch" if category in ("propaganda_plan", "plan") else None,
        "doc_date": doc_date, "issuer": portal.name if number else None,
        "issuer_as_written": portal.name if number else None, "organ": organ if number else None,
        "plan_year": year if category in ("propaganda_plan", "plan") else None, "plan_period": None,
        "channels": ["portal", "social_media"] if category == "propaganda_plan" else None,
        "sections": sections, "deadlines": deadlines, "warnings": [],
        "text": _text(rng, portal, title_full, rng.randrange(40, 160)) + (f"\nSố: {number}" if number else ""),
    }
    return fields, citations


def make_documents(portals: Sequence[SynthPortal], days: int, day0: dt.date, rng: random.Random
                   ) -> Iterator[list[Doc]]:
    """Each portal's documents over the days, in batches of portals (never all in memory)."""
    next_id = 1
    superiors = {p.id: p.name for p in portals if p.level == "province"}
    batch: list[Doc] = []
    for p in portals:
        n_start = DOCS_AT_START[p.level] + rng.randrange(5)
        n_new = round(DOCS_PER_YEAR[p.level] * days / 365) + rng.randrange(3)
        starts = [0] * n_start + sorted(rng.randrange(days) for _ in range(n_new))
        plan_day = rng.randrange(min(days, 90)) if rng.random() < PLAN_SHARE else None
        for serial, first in enumerate(starts):
            forced = None
            if plan_day is not None and serial == n_start:  # the year's propaganda plan, early in the window
                first, forced = plan_day, "propaganda_plan"
            pub = day0 + dt.timedelta(days=first)
            if first == 0:
                pub -= dt.timedelta(days=rng.randrange(30, 700))
            fields, cites = _doc_fields(rng, p, pub, serial, superiors.get(p.parent or ""), forced)
            removed: int | None = None
            if rng.random() < REMOVED_PER_YEAR * (days - first) / 365:
                removed = first + 1 + rng.randrange(max(1, days - first - 1))
                removed = removed if removed < days else None
            end = (removed - 1) if removed is not None else days - 1
            versions: list[Version] = []
            start = first
            day = first + 1 + int(rng.expovariate(CHANGE_RATE))
            while day <= end:  # the days its content changed: a new version each
                versions.append(Version(len(versions) + 1, start, day - 1, fields, cites))
                fields = dict(fields, text=fields["text"] + f"\nĐính chính ngày {(day0 + dt.timedelta(days=day)):%d/%m/%Y}.")
                start = day
                day += 1 + int(rng.expovariate(CHANGE_RATE))
            versions.append(Version(len(versions) + 1, start, max(start, end), fields, cites))
            url = f"{p.base_url}tin-tuc/{serial}-{slug(fields['title'])[:40]}.html"
            batch.append(Doc(next_id, p, url, first, removed, versions))
            next_id += 1
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# --------------------------------------------------------------------------------------- writing
class TimeCap(Exception):
    """The run went over --time-cap: the caller says what was written and exits non-zero."""


@dataclass
class Clock:
    cap_s: float
    start: float = field(default_factory=time.monotonic)
    phases: list[tuple[str, float, int]] = field(default_factory=list)

    def check(self, what: str) -> None:
        if time.monotonic() - self.start > self.cap_s:
            raise TimeCap(f"time cap of {self.cap_s:.0f} s reached while writing {what}")

    def phase(self, name: str, t0: float, rows: int) -> None:
        self.phases.append((name, time.monotonic() - t0, rows))
        print(f"  {name:<18} {rows:>12,} rows  {time.monotonic() - t0:8.1f} s", flush=True)


def _hex(dialect: str) -> str:
    """A random 64-hex content hash computed by the database."""
    return "lower(hex(randomblob(32)))" if dialect == "sqlite" else "md5(random()::text) || md5(random()::text)"


def _hash(expr: str, mod: int) -> str:
    """A deterministic pseudo-random integer 0..mod-1 from integer columns, portable SQL."""
    return f"((({expr}) * 7919 + 104729) % {mod})"


def write_portals(conn: Connection, portals: Sequence[SynthPortal]) -> None:
    """Registry rows through the Store's own normalisation (`storage.portal_sync.portal_values`), then one executemany."""
    from storage.models import Portal
    from storage.portal_sync import portal_values

    now = dt.datetime.now(dt.UTC)
    rows = [{**portal_values(p.row()), "in_registry": True, "created_at": now, "updated_at": now} for p in portals]
    for i in range(0, len(rows), BATCH):
        conn.execute(insert(Portal), rows[i:i + BATCH])
    conn.execute(text("CREATE TEMPORARY TABLE synth_p (portal_id VARCHAR(120) PRIMARY KEY, k INTEGER, "
                      "url TEXT, widget INTEGER, scale INTEGER)"))
    conn.execute(text("INSERT INTO synth_p VALUES (:id, :k, :url, :widget, :scale)"),
                 [{"id": p.id, "k": p.k, "url": p.base_url, "widget": int(p.widget), "scale": p.scale} for p in portals])


def write_runs(conn: Connection, days: int, day0: dt.date) -> list[tuple[int, dt.date, dt.datetime]]:
    """One complete scheduled run a day (the crawl's own columns), ids 1..days."""
    from storage.models import CrawlRun

    rows: list[dict[str, Any]] = []
    for d in range(days):
        day = day0 + dt.timedelta(days=d)
        start = dt.datetime.combine(day, dt.time(1, 0), dt.UTC)
        rows.append({"id": d + 1, "trigger": "schedule", "status": "complete", "started_at": start,
                     "finished_at": start + dt.timedelta(minutes=50), "observed_on": day,
                     "args": {"spiders": ["widget", "feeds", "sitemaps", "listings", "registers"], "synthesised": True},
                     "stats": {"synthesised": True}, "host": "synth", "pid": os.getpid(), "process_start": None})
    conn.execute(insert(CrawlRun), rows)
    return [(r["id"], r["observed_on"], r["started_at"]) for r in rows]


def write_documents(conn: Connection, batch: Sequence[Doc], day0: dt.date) -> tuple[int, int, int]:
    """Documents, versions (with the raw page compressed as the crawler keeps it) and citations."""
    from storage.models import Citation, Document, DocumentVersion

    docs: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    cites: list[dict[str, Any]] = []
    vid = conn.execute(select(func.coalesce(func.max(DocumentVersion.id), 0))).scalar_one()
    for d in batch:
        last = d.versions[-1]
        for v in d.versions:
            vid += 1
            body = v.fields["text"]
            html = f"<html><head><title>{v.fields['title']}</title></head><body><article>{body}</article></body></html>".encode()
            content_hash = hashlib.sha256(body.encode()).hexdigest()
            if v is last:
                last_hash = content_hash
            fetched = dt.datetime.combine(day0 + dt.timedelta(days=v.first_day), dt.time(1, 30), dt.UTC)
            record = {k: (x.isoformat() if isinstance(x, dt.date) else x) for k, x in v.fields.items() if k != "text"}
            record["url"] = d.url
            versions.append({
                "id": vid, "document_id": d.id, "version": v.number, "content_hash": content_hash,
                "first_seen_run_id": v.first_day + 1, "last_seen_run_id": v.last_day + 1, "fetched_url": d.url,
                "fetched_at": fetched, "status": 200, "discovered_by": "listings", **v.fields, "text_chars": len(body),
                "record": record, "record_hash": hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest(),
                "html_z": zlib.compress(html, 6), "html_sha256": hashlib.sha256(html).hexdigest(), "html_size": len(html),
                "html_path": None,
            })
            cites.extend({**c, "version_id": vid} for c in v.citations)
        docs.append({"id": d.id, "portal_id": d.portal.id, "url": d.url, "first_seen_run_id": d.first_day + 1,
                     "last_seen_run_id": last.last_day + 1, "removed_run_id": d.removed_day + 1 if d.removed_day is not None else None,
                     "removed_status": 404 if d.removed_day is not None else None, "version": last.number,
                     "content_hash": last_hash})
    conn.execute(insert(Document), docs)
    conn.execute(insert(DocumentVersion), versions)
    if cites:
        conn.execute(insert(Citation), cites)
    return len(docs), len(versions), len(cites)


def write_sightings(conn: Connection, run_id: int) -> int:
    """The run's document sightings, as intervals (`storage.sightings`): each version that becomes
    live in this run is seen by every run from its first to its last, so it is one interval row,
    written when the version appears (what the crawler writes for a version seen every day).
    """
    return conn.execute(text(
        "INSERT INTO sighting_intervals (document_id, version, first_run_id, last_run_id) "
        "SELECT v.document_id, v.version, v.first_seen_run_id, v.last_seen_run_id FROM document_versions v "
        "WHERE v.first_seen_run_id = :run"), {"run": run_id}).rowcount or 0


def write_run_rows(conn: Connection, dialect: str, run_id: int, day: dt.date, started: dt.datetime) -> int:
    """Health, widget, visitor and fetch rows of one run for every portal: INSERT ... SELECT each."""
    jsonb = "CAST({} AS JSONB)" if dialect == "postgresql" else "{}"
    down = f"{_hash('p.k + r.id * 131', 1000)} < 12"  # ~1.2 % of portals down on a day
    at = started + dt.timedelta(minutes=5)
    params: dict[str, Any] = {"run": run_id, "doy": day.timetuple().tm_yday, "period": f"{day:%Y-%m}",
              "updated": f"{day:%Y-%m-%d}T0{run_id % 10}:15:00+07:00", "at": at}
    if dialect == "sqlite":
        params["at"] = at.replace(tzinfo=None)
    n = 0
    n += conn.execute(text(
        "INSERT INTO portal_health (run_id, portal_id, url, status, reachable, latency_ms, error, waf_blocked, "
        "redirected_to, has_feed, has_widget) "
        f"SELECT r.id, p.portal_id, p.url, CASE WHEN {down} THEN 503 ELSE 200 END, NOT ({down}), "
        f"100 + {_hash('p.k * 3 + r.id', 900)}, CASE WHEN {down} THEN 'HTTP 503' END, false, NULL, true, p.widget = 1 "
        "FROM synth_p p JOIN crawl_runs r ON r.id = :run"), params).rowcount or 0
    # widget figures: cumulative for the year to date (they reset in January), late share per portal
    n += conn.execute(text(
        "INSERT INTO widget_readings (run_id, portal_id, url, source, fetched_at, period, processed_pct, total, "
        "on_time, late, late_rate, on_time_rate, updated_at, issues) "
        "SELECT q.run, q.portal_id, q.url, 'inline', :at, :period, 95.0 + (q.k % 50) / 10.0, q.total, "
        "q.total - q.late, q.late, ROUND(100.0 * q.late / q.total, 1), "
        "CASE WHEN q.k % 3 = 0 THEN ROUND(100.0 - 100.0 * q.late / q.total, 1) END, :updated, " + jsonb.format("'[]'") +
        " FROM (SELECT :run AS run, p.portal_id, p.url, p.k, p.scale * :doy + " + _hash("p.k + :run", 97) + " AS total, "
        "(p.scale * :doy) * (5 + p.k % 40 + " + _hash("p.k * 7 + :run", 5) + ") / 1000 AS late "
        f"FROM synth_p p JOIN crawl_runs r ON r.id = :run WHERE p.widget = 1 AND NOT ({down})) q"), params).rowcount or 0
    values = ("'{\"online\": ' || v.online || ', \"today\": ' || v.today || ', \"total\": ' || v.total || '}'")
    n += conn.execute(text(
        "INSERT INTO visitor_readings (run_id, portal_id, url, fetched_at, online, today, yesterday, week, month, "
        "total, \"values\") "
        "SELECT v.run, v.portal_id, v.url, :at, v.online, v.today, NULL, NULL, NULL, v.total, " + jsonb.format(values) +
        " FROM (SELECT r.id AS run, p.portal_id, p.url, " + _hash("p.k + r.id", 300) + " AS online, "
        "p.scale * 3 + " + _hash("p.k * 5 + r.id", 200) + " AS today, p.k * 1000 + r.id * p.scale * 3 AS total "
        f"FROM synth_p p JOIN crawl_runs r ON r.id = :run WHERE NOT ({down})) v"), params).rowcount or 0
    # the pages every run fetches (home page with the widget, a listing); new versions' pages are added apart
    for page, by in (("", "widget"), ("tin-tuc", "listings")):
        n += conn.execute(text(
            "INSERT INTO fetches (run_id, portal_id, url, requested_url, status, fetched_at, content_hash, "
            f"discovered_by, error) SELECT r.id, p.portal_id, p.url || '{page}', NULL, "
            f"CASE WHEN {down} THEN 503 ELSE 200 END, :at, {_hex(dialect)}, '{by}', "
            f"CASE WHEN {down} THEN 'HTTP 503' END FROM synth_p p JOIN crawl_runs r ON r.id = :run"),
            params).rowcount or 0
    return n


def write_version_fetches(conn: Connection, dialect: str) -> int:
    """A fetch row for each version's page in the run that first saw it (unchanged pages add none)."""
    return conn.execute(text(
        "INSERT INTO fetches (run_id, portal_id, url, requested_url, status, fetched_at, content_hash, discovered_by, "
        "error) SELECT v.first_seen_run_id, d.portal_id, v.fetched_url, NULL, 200, v.fetched_at, v.html_sha256, "
        "v.discovered_by, NULL FROM document_versions v JOIN documents d ON d.id = v.document_id")).rowcount or 0


#: The tables written once per portal per run: their non-unique indexes are built after the last run.
RUN_ROW_TABLES = ("fetches", "portal_health", "widget_readings", "visitor_readings")


def bench_engine(url: str) -> tuple[Engine, Callable[[], None]]:
    """An engine for the bulk load, and what puts the database back as the crawler keeps it afterwards.

    A bench database is written once by this script and thrown away on failure (the script refuses to
    write into a database that holds runs), so durability during the load buys nothing: SQLite runs it
    with ``journal_mode=OFF`` and ``synchronous=OFF`` (a crash mid-load leaves a database to delete), a
    1 GB page cache and temporary tables in memory; PostgreSQL with ``synchronous_commit=off``. The
    returned function sets SQLite's journal back to what the migrations left (WAL, as the crawler's
    engine keeps it), so reports open it exactly as they open a crawled database.
    """
    from sqlalchemy import event

    if make_url(url).get_backend_name() == "sqlite":
        probe = create_engine(url)
        with probe.connect() as conn:
            journal = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())
        probe.dispose()
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _bulk(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1000000", "temp_store = MEMORY"):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        def restore() -> None:
            again = create_engine(url)
            with again.connect() as conn:
                conn.exec_driver_sql(f"PRAGMA journal_mode = {journal}")
            again.dispose()

        return engine, restore
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _async_commit(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("SET synchronous_commit = off")
        cur.close()
        dbapi_conn.commit()

    return engine, lambda: None


def drop_secondary_indexes(conn: Connection, tables: Sequence[str]) -> list[str]:
    """Drop the non-unique indexes of `tables` and return the DDL that recreates them, exactly as the
    migrations made them (read from the database's catalog).

    Why: each run adds one row per portal to these tables, in portal order, so an index led by
    ``portal_id`` takes one insert on every leaf page of an ever larger index per run; building it once
    after the last run is one sort. Unique constraints stay (they are led by ``run_id``: appended at
    the end, and `storage.health.record_yields` reads the run's rows through them).
    """
    names = ", ".join(f"'{t}'" for t in tables)
    if conn.dialect.name == "sqlite":
        rows = conn.execute(text(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({names}) "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'")).all()
    else:
        rows = conn.execute(text(
            f"SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            f"AND i.tablename IN ({names}) AND i.indexdef NOT LIKE 'CREATE UNIQUE%' "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")).all()
    for name, _ddl in rows:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [str(ddl) for _name, ddl in rows]


def disk_check(url: str, engine: Engine, portals: int, days: int) -> None:
    """Refuse to start when the database's disk cannot hold twice the estimated size."""
    need = 2 * EST_BYTES_PER_PORTAL_DAY * portals * days
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        where = Path(parsed.database or ".").resolve().parent
    else:
        try:
            with engine.connect() as conn:
                where = Path(conn.execute(text("SHOW data_directory")).scalar_one())
        except Exception:  # not allowed to see it: check the volume we run on, and say so
            where = Path.cwd()
            print(f"note: cannot see the PostgreSQL data directory; checking {where}'s disk instead", file=sys.stderr)
    free = shutil.disk_usage(where).free
    if free < need:
        raise SystemExit(f"error: {where} has {free / 1e9:.1f} GB free; {portals} portals x {days} days need about "
                         f"{need / 1e9:.1f} GB (twice the estimate): free space or choose fewer portals/days")
    print(f"disk: {free / 1e9:.1f} GB free at {where}, estimate {need / 2e9:.2f} GB", flush=True)


def db_size(engine: Engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return int(conn.execute(text("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")).scalar_one())
        return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--db", required=True, metavar="URL", help="sqlite:///path or postgresql+psycopg://… (new or empty)")
    ap.add_argument("--portals", type=int, default=200)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--end", type=dt.date.fromisoformat, default=None,
                    help="observed date of the last run (default: yesterday, so no run is in the future)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--yields-days", type=int, default=None, metavar="N",
                    help="write the drift canary's portal_yields for the last N days only (the canary reads at most "
                         "the report's --days plus 35; default: every day)")
    ap.add_argument("--time-cap", type=float, default=3 * 3600, metavar="SECONDS")
    args = ap.parse_args(argv)
    if args.portals < 1 or args.days < 1:
        print("error: --portals and --days must be at least 1", file=sys.stderr)
        return 2
    from storage import upgrade_database
    url = args.db
    engine = create_engine(url)
    try:
        disk_check(url, engine, args.portals, args.days)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    upgrade_database(url)
    engine.dispose()
    engine, restore = bench_engine(url)
    dialect = engine.dialect.name
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM crawl_runs")).scalar_one():
            print(f"error: {make_url(url).render_as_string(hide_password=True)} already holds runs: "
                  "synthesise into a new or empty database", file=sys.stderr)
            return 2
    end = args.end or (dt.date.today() - dt.timedelta(days=1))
    day0 = end - dt.timedelta(days=args.days - 1)
    rng = random.Random(args.seed)
    clock = Clock(args.time_cap)
    print(f"synthesising {args.portals} portals x {args.days} days ({day0} .. {end}) into {dialect}", flush=True)
    written: list[str] = []
    try:
        with engine.begin() as conn:
            t0 = time.monotonic()
            portals = make_portals(args.portals, rng)
            write_portals(conn, portals)
            runs = write_runs(conn, args.days, day0)
            clock.phase("portals+runs", t0, len(portals) + len(runs))
            t0 = time.monotonic()
            totals = [0, 0, 0]
            for batch in make_documents(portals, args.days, day0, rng):
                for i, n in enumerate(write_documents(conn, batch, day0)):
                    totals[i] += n
                clock.check("documents")
            clock.phase("documents", t0, totals[0])
            clock.phase("versions", t0, totals[1])
            clock.phase("citations", t0, totals[2])
            t0 = time.monotonic()
            clock.phase("version fetches", t0, write_version_fetches(conn, dialect))
        written.append("portals, runs, documents, versions, citations")
        with engine.begin() as conn:
            deferred = drop_secondary_indexes(conn, RUN_ROW_TABLES)
        t_rows = t_sight = t_yield = 0.0
        n_rows = n_sight = n_yield = 0
        from storage.health import record_yields

        for run_id, day, started in runs:
            with engine.begin() as conn:  # one transaction per day, like a crawl closing its run
                t0 = time.monotonic()
                n_rows += write_run_rows(conn, dialect, run_id, day, started)
                t1 = time.monotonic()
                n_sight += write_sightings(conn, run_id)
                t2 = time.monotonic()
                if args.yields_days is None or run_id > len(runs) - args.yields_days:
                    n_yield += record_yields(conn, run_id)
                t3 = time.monotonic()
            t_rows, t_sight, t_yield = t_rows + t1 - t0, t_sight + t2 - t1, t_yield + t3 - t2
            if run_id % 30 == 0 or run_id == len(runs):
                print(f"  day {run_id}/{len(runs)}  {time.monotonic() - clock.start:7.0f} s", flush=True)
            clock.check(f"run {run_id + 1}'s rows (runs 1..{run_id} are complete)")
        with engine.connect() as conn:  # record_yields' rowcount is -1 on some drivers: count the rows
            n_yield = conn.execute(text("SELECT count(*) FROM portal_yields")).scalar_one()
        clock.phases += [("run rows", t_rows, n_rows), ("sightings", t_sight, n_sight), ("portal_yields", t_yield, n_yield)]
        print(f"  {'run rows':<18} {n_rows:>12,} rows  {t_rows:8.1f} s\n  {'sightings':<18} {n_sight:>12,} rows  "
              f"{t_sight:8.1f} s\n  {'portal_yields':<18} {n_yield:>12,} rows  {t_yield:8.1f} s", flush=True)
        written.append("every run's rows")
        t0 = time.monotonic()
        with engine.begin() as conn:
            for ddl in deferred:
                conn.exec_driver_sql(ddl)
        clock.phase("deferred indexes", t0, len(deferred))
        t0 = time.monotonic()
        from storage import plan_choices, search_index

        with engine.begin() as conn:
            if dialect == "postgresql":
                for table in ("documents", "document_versions", "crawl_runs"):
                    conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                      f"(SELECT MAX(id) FROM {table}))"))
            added = search_index.refresh(conn).get("added", 0)
        clock.phase("search index", t0, added)
        t0 = time.monotonic()
        with engine.begin() as conn:
            chosen = plan_choices.refresh(conn)  # what the end of each run rebuilds (storage/plan_choices.py)
        clock.phase("plan choices", t0, chosen)
        t0 = time.monotonic()
        if dialect == "postgresql":
            # VACUUM as autovacuum would have done over a year of daily runs: it sets the visibility map,
            # without which PostgreSQL reads the heap for every index entry (coverage's covering index was
            # a bitmap heap scan of 45,000 pages on a freshly loaded year); outside a transaction
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")
            clock.phase("vacuum analyze", t0, 0)
        else:
            with engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
            clock.phase("analyze", t0, 0)
    except TimeCap as exc:
        print(f"error: {exc}; written: {', '.join(written) or 'nothing committed'}. The database is incomplete: "
              "delete it before the next try", file=sys.stderr)
        return 3
    engine.dispose()
    restore()
    engine = create_engine(url)
    size = db_size(engine)
    total = time.monotonic() - clock.start
    print(f"done in {total:.0f} s; database {size / 1e6:.1f} MB = {size / (args.portals * args.days):.0f} bytes per "
          f"portal-day (estimate {EST_BYTES_PER_PORTAL_DAY})")
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
