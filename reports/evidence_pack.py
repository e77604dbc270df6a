"""`cchc evidence pack UNIT --year Y`: a zip that defends every figure of a unit's report rows offline.

For each figure of the unit's coverage and compliance rows (`reports.coverage`, `reports.compliance`)
the pack holds what it was read from: the raw page exactly as the portal served it, its attachments,
the extraction record (the stored document version as JSON), the fetch metadata (URL asked, final URL,
time, status, Content-Type, Last-Modified, ETag, SHA-256), and for the widget figures the page the
reading came from. ``manifest.json`` lists the SHA-256 of every other file (`reports.evidence_verify`
checks them); ``index.html`` (`reports.evidence_index`) is the Vietnamese page a person opens.

Layout of the zip::

    index.html  manifest.json  figures.json
    documents/01/page.html  record.json  fetch.json  attachments/1-ke-hoach.pdf
    widgets/run-3/page.html  reading.json  fetch.json

Raw bytes come from the content-addressed store (`storage.blobs`), each checked against its SHA-256
as it is read; a version stored before the store existed (migration 0008) falls back to the page kept
in ``document_versions.html_z``, and says so. Nothing is invented: a figure without evidence says
that it has none.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from core.vntext import fold
from reports.base import ReportError, Run, UnitInfo, load_runs, load_units
from reports.evidence_model import DocEvidence, Figure, Pack, RawFile, WidgetEvidenceFiles
from reports.trend import find_unit
from storage.blobs import BlobStore, blob_key, sha256_hex
from storage.evidence_models import RawFetch, VersionEvidence, WidgetEvidence
from storage.exports import json_safe
from storage.models import Attachment, Citation, Document, DocumentVersion, Fetch, WidgetReading

FORMAT = "cchc-evidence-pack/1"
MANIFEST = "manifest.json"


#: Figures of a coverage row and of a compliance row that rest on the unit's plan (the chosen document).
COVERAGE_DOC_KEYS = ("found", "organ", "doc_number", "doc_date", "published_at", "url", "first_seen_run",
                     "first_seen_on", "content_hash", "title", "documents")
COMPLIANCE_DOC_KEYS = ("found", "doc_number", "doc_date", "published_at", "judged_on", "judged_by", "status",
                       "days_late", "sections_present", "sections_missing", "cites_superior")
COMPLIANCE_SUPERIOR_KEYS = ("superior_portal", "superior_doc_number", "superior_date", "days_since_superior_plan",
                            "deadline", "deadline_source")
COMPLIANCE_WIDGET_KEYS = ("widget_present", "widget_period", "widget_updated_at", "widget_age_days", "widget_frozen",
                          "widget_fresh", "widget_total", "widget_late", "widget_on_time_rate", "widget_problems")


def collect(engine: Engine, data_dir: Path, unit_query: str, year: int, kind: str) -> Pack:
    """The unit's rows, their figures and the evidence of each (see module docstring)."""
    from reports.compliance import compliance
    from reports.coverage import coverage

    runs = load_runs(engine)
    units = load_units(engine)
    unit = resolve_unit(engine, units, unit_query)
    cov = coverage(engine, year, kind=kind, runs=runs, units=[unit])
    cov_row = cov.rows[0]
    comp = compliance(engine, year, kind=kind, province=unit.province or None, level=unit.level, runs=runs)
    comp_row = next((r for r in comp["rows"] if r["portal"] == unit.portal_id), None)
    blobs = BlobStore(data_dir)
    pack = Pack(unit, year, kind, cov.run, cov_row, comp_row, [], [], [], dt.datetime.now(dt.UTC))
    by_url: dict[str, str] = {}

    def document(url: str | None) -> str | None:
        if not url:
            return None
        if url not in by_url:
            doc = _document(engine, blobs, url, cov.run, f"documents/{len(pack.documents) + 1:02d}", pack.problems)
            if doc is None:
                return None
            pack.documents.append(doc)
            by_url[url] = doc.folder
        return by_url[url]

    plan = document(cov_row["url"])
    for key in COVERAGE_DOC_KEYS:
        pack.figures.append(Figure("coverage", key, cov_row.get(key), plan))
    period = document(cov_row.get("period_plan_url"))
    for key in ("period_plan", "period_plan_number", "period_plan_url"):
        pack.figures.append(Figure("coverage", key, cov_row.get(key), period))
    if comp_row is not None:
        for key in COMPLIANCE_DOC_KEYS:
            pack.figures.append(Figure("compliance", key, comp_row.get(key), plan))
        superior = None
        if comp_row.get("superior_portal") and comp_row.get("superior_doc_number"):
            sup_unit = next((u for u in units if u.portal_id == comp_row["superior_portal"]), None)
            if sup_unit is not None:
                sup_row = coverage(engine, year, kind=kind, runs=runs, units=[sup_unit]).rows[0]
                superior = document(sup_row["url"])
        from_superior = str(comp_row.get("deadline_source") or "").startswith("superior")
        for key in COMPLIANCE_SUPERIOR_KEYS:
            # a deadline read from the configuration file rests on that file, not on a page
            evidence = superior if not key.startswith("deadline") or from_superior else None
            pack.figures.append(Figure("compliance", key, comp_row.get(key), evidence))
        widget = _widget(engine, blobs, unit.portal_id, cov.run, pack.problems) if comp_row.get("widget_present") else None
        if widget is not None:
            pack.widgets.append(widget)
        for key in COMPLIANCE_WIDGET_KEYS:
            pack.figures.append(Figure("compliance", key, comp_row.get(key), widget.folder if widget else None))
    return pack


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold(text)))


def resolve_unit(engine: Engine, units: list[UnitInfo], query: str) -> UnitInfo:
    """A registry unit as people type it: its portal id, its name without diacritics or in part
    ("dien bien"), every word of it in any order ("so khoa hoc dien bien"), or an official name with
    the usual abbreviations ("Sở KH&CN tỉnh Điện Biên", through `units.resolve` once `cchc units sync`
    ran). Unknown or ambiguous is an error naming the candidates."""
    try:
        return find_unit(units, query)
    except ReportError as first:
        if "ambiguous" in str(first):
            raise
        error = first
    wanted = _words(query)
    fits = [u for u in units if wanted and (wanted <= _words(u.unit) or wanted <= _words(u.name))]
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        raise ReportError(f"unit {query!r} is ambiguous: " + ", ".join(f"{u.portal_id} ({u.unit})" for u in fits[:8]))
    try:
        from units.db import load_catalog, tables_exist
        from units.resolve import resolve_issuer

        if tables_exist(engine):
            found = resolve_issuer(query, catalog=load_catalog(engine))
            if found.ok:
                match = [u for u in units if u.unit_id is not None and u.unit_id == found.unit.id]  # type: ignore[union-attr]
                if len(match) == 1:
                    return match[0]
    except Exception:  # noqa: BLE001 - the units tables are an optional help here; the first error stands
        pass
    raise error


def _raw_file(blobs: BlobStore, fetch: Any, path: str, problems: list[str]) -> RawFile:
    """A raw copy read from the blob store (its bytes checked against the recorded SHA-256)."""
    meta = {
        "kind": fetch.kind, "url": fetch.url, "requested_url": fetch.requested_url, "status": fetch.status,
        "fetched_at": fetch.fetched_at, "run": fetch.run_id, "content_type": fetch.content_type,
        "last_modified": fetch.last_modified, "etag": fetch.etag, "headers": fetch.headers,
        "sha256": fetch.sha256, "size": fetch.size, "blob": blob_key(fetch.sha256),
    }
    try:
        return RawFile(path + _extension(fetch.content_type, fetch.url), json_safe(meta), blobs.read(fetch.sha256))
    except FileNotFoundError:
        problem = f"the raw copy of {fetch.url} ({blob_key(fetch.sha256)}) is missing from the blob store"
    except (OSError, ValueError, EOFError) as exc:
        problem = f"the raw copy of {fetch.url} ({blob_key(fetch.sha256)}) cannot be read: {exc}"
    problems.append(problem)
    return RawFile(path + _extension(fetch.content_type, fetch.url), json_safe(meta), None, problem)


def _document(engine: Engine, blobs: BlobStore, url: str, run: Run, folder: str,
              problems: list[str]) -> DocEvidence | None:
    """The document at `url` in the version the report's run knew, with its raw copies."""
    with engine.connect() as conn:
        doc = conn.execute(select(Document).where(Document.url == url).order_by(Document.id).limit(1)).first()
        if doc is None:
            problems.append(f"the document {url} named by the report is not in the database")
            return None
        version = conn.execute(select(DocumentVersion).where(
            DocumentVersion.document_id == doc.id, DocumentVersion.first_seen_run_id <= run.id)
            .order_by(DocumentVersion.version.desc()).limit(1)).first()
        if version is None:
            version = conn.execute(select(DocumentVersion).where(DocumentVersion.document_id == doc.id)
                                   .order_by(DocumentVersion.version).limit(1)).first()
        if version is None:
            problems.append(f"the document {url} named by the report has no stored version")
            return None
        record = {k: v for k, v in version._mapping.items() if k != "html_z"}
        record["document"] = {k: v for k, v in doc._mapping.items()}
        record["citations"] = [dict(r._mapping) for r in conn.execute(
            select(Citation).where(Citation.version_id == version.id).order_by(Citation.position))]
        record["attachments"] = [dict(r._mapping) for r in conn.execute(
            select(Attachment).where(Attachment.version_id == version.id).order_by(Attachment.position))]
        links = conn.execute(select(VersionEvidence.role, VersionEvidence.position, RawFetch)
                             .join(RawFetch, RawFetch.id == VersionEvidence.raw_fetch_id)
                             .where(VersionEvidence.version_id == version.id)
                             .order_by(VersionEvidence.position)).all()
        fallback = None
        if not links:
            fallback = conn.execute(select(Fetch).where(
                Fetch.url == version.fetched_url, Fetch.run_id == version.first_seen_run_id)).first()
    evidence = DocEvidence(folder, url, doc.portal_id, version.version, json_safe(record), None)
    for link in links:
        if link.role == "page":
            evidence.page = _raw_file(blobs, link, f"{folder}/page", problems)
        else:
            name = _safe_name(link.url.rsplit("/", 1)[-1].split("?", 1)[0]) or "tep"
            evidence.attachments.append(_raw_file(blobs, link, f"{folder}/attachments/{link.position}-{_stem(name)}",
                                                  problems))
    if not links and version.html_z is not None:
        data = zlib.decompress(version.html_z)
        evidence.note = "stored_before_blobs"
        evidence.page = RawFile(f"{folder}/page.html", json_safe({
            "kind": "page", "url": version.fetched_url, "requested_url": fallback.requested_url if fallback else None,
            "status": version.status, "fetched_at": version.fetched_at, "run": version.first_seen_run_id,
            "content_type": "text/html; charset=utf-8", "sha256": sha256_hex(data), "size": len(data),
            "blob": None, "note": "page kept in document_versions.html_z (decoded text as UTF-8), stored before "
                                  "the raw-copy store (migration 0008)"}), data)
    elif not links:
        evidence.note = "no_raw_copy"
        problems.append(f"no raw copy of {url} (version {version.version}) is kept")
    return evidence


def _widget(engine: Engine, blobs: BlobStore, portal_id: str, run: Run,
            problems: list[str]) -> WidgetEvidenceFiles | None:
    """The portal's last widget reading up to the report's run, with the page it was read from."""
    with engine.connect() as conn:
        reading = conn.execute(select(WidgetReading).where(
            WidgetReading.portal_id == portal_id, WidgetReading.run_id <= run.id)
            .order_by(WidgetReading.run_id.desc()).limit(1)).first()
        if reading is None:
            return None
        link = conn.execute(select(RawFetch).join(WidgetEvidence, WidgetEvidence.raw_fetch_id == RawFetch.id)
                            .where(WidgetEvidence.widget_reading_id == reading.id).limit(1)).first()
    folder = f"widgets/run-{reading.run_id}"
    out = WidgetEvidenceFiles(folder, json_safe(dict(reading._mapping)), None)
    if link is not None:
        out.page = _raw_file(blobs, link, f"{folder}/page", problems)
    else:
        out.note = "no_raw_copy"
        problems.append(f"no raw copy of the widget page of {portal_id} (run {reading.run_id}) is kept")
    return out


_EXTENSIONS = (("html", ".html"), ("json", ".json"), ("pdf", ".pdf"), ("msword", ".doc"),
               ("wordprocessingml", ".docx"), ("xml", ".xml"), ("text/plain", ".txt"))


def _extension(content_type: str | None, url: str) -> str:
    ctype = (content_type or "").lower()
    for needle, ext in _EXTENSIONS:
        if needle in ctype:
            return ext
    tail = url.split("?", 1)[0].rsplit("/", 1)[-1].lower()
    for ext in (".pdf", ".docx", ".doc", ".html", ".htm", ".json"):
        if tail.endswith(ext):
            return ext
    return ".bin"


def _safe_name(name: str) -> str:
    """A file name for inside the zip: folded to ASCII, no separators."""
    return re.sub(r"[^a-z0-9._-]+", "-", fold(name)).strip("-.")[:60]


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


def write(pack: Pack, out: Path) -> dict[str, Any]:
    """Write the pack as a zip at `out` (a path the caller makes appear only when complete); the manifest."""
    from reports.evidence_index import render

    files: dict[str, bytes] = {}

    def add_json(path: str, value: Any) -> None:
        files[path] = (json.dumps(json_safe(value), ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()

    for doc in pack.documents:
        add_json(f"{doc.folder}/record.json", doc.record)
        fetches = []
        for raw in [doc.page, *doc.attachments]:
            if raw is None:
                continue
            fetches.append({**raw.meta, "file": raw.path if raw.data is not None else None, "problem": raw.problem})
            if raw.data is not None:
                files[raw.path] = raw.data
        add_json(f"{doc.folder}/fetch.json", fetches)
    for w in pack.widgets:
        add_json(f"{w.folder}/reading.json", w.reading)
        if w.page is not None:
            add_json(f"{w.folder}/fetch.json", [{**w.page.meta, "file": w.page.path if w.page.data is not None else None,
                                                 "problem": w.page.problem}])
            if w.page.data is not None:
                files[w.page.path] = w.page.data
    add_json("figures.json", {
        "unit": pack.unit.unit, "portal": pack.unit.portal_id, "year": pack.year, "kind": pack.kind,
        "run": pack.run.id, "observed_on": pack.run.observed_on, "coverage": pack.coverage_row,
        "compliance": pack.compliance_row,
        "figures": [{"source": f.source, "key": f.key, "value": f.value, "evidence": f.evidence} for f in pack.figures],
        "problems": pack.problems,
    })
    files["index.html"] = render(pack).encode("utf-8")
    manifest = {
        "format": FORMAT, "unit": pack.unit.unit, "portal": pack.unit.portal_id, "year": pack.year, "kind": pack.kind,
        "run": pack.run.id, "observed_on": pack.run.observed_on.isoformat(), "created_at": pack.created_at.isoformat(),
        "algorithm": "sha256",
        "files": {path: {"sha256": sha256_hex(data), "size": len(data)} for path, data in sorted(files.items())},
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path, data in sorted(files.items()):
            zf.writestr(path, data)
        zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


