"""`cchc report search QUERY`: full-text search over documents and attachment text, diacritics-insensitive.

Text is folded by `core.vntext.fold` (the one place text is normalised: lower case, no tone or vowel
marks, đ -> d) into ``search_entries`` (migration 0003), one entry per current document version and one
per attachment with text. SQLite's FTS5 indexes the folded copy (its own ``remove_diacritics`` misses
đ and some Vietnamese vowel/tone combinations, so it is switched off and never relied on); PostgreSQL
indexes ``to_tsvector('simple', cchc_unaccent(...))`` with GIN. Queries are folded the same way, so
"tuyen truyen" finds "tuyên truyền" and "dang uy" finds "Đảng ủy".

The index is refreshed incrementally before each search (only entries whose text hash changed are
written), so it never lags behind the crawls. Results are ranked (BM25 on SQLite, ts_rank_cd on
PostgreSQL), one per document (its best entry), with a snippet cut from the text as written.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Column, Engine, Integer, MetaData, String, Table, Text, bindparam, delete, inspect, insert, select, text, update,
)

from core.vntext import fold, fold_aligned, nfc
from reports.base import ReportError, load_runs, load_units
from reports.formatting import Column as OutColumn, Table as OutTable

metadata = MetaData()
entries = Table(
    "search_entries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(20), nullable=False),
    Column("source_id", Integer, nullable=False),
    Column("document_id", Integer, nullable=False),
    Column("version_id", Integer, nullable=False),
    Column("portal_id", String(120), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("title", Text),
    Column("body", Text),
)
PG_DOC = "to_tsvector('simple'::regconfig, cchc_unaccent(coalesce(e.title, '') || ' ' || coalesce(e.body, '')))"
ROW_KEYS = ("rank", "score", "portal", "unit", "title", "url", "matched_in", "attachment", "doc_number", "category",
            "plan_year", "snippet")
_TOKEN = re.compile(r"[0-9a-z]+")


def tokens(query: str) -> list[str]:
    """Folded word tokens of a query (what both indexes split text into)."""
    return _TOKEN.findall(fold(nfc(query)))


def _hash(*parts: str | None) -> str:
    digest = hashlib.sha256()
    for p in parts:
        digest.update((p or "").encode("utf-8") + b"\x00")
    return digest.hexdigest()


def refresh_index(engine: Engine) -> dict[str, int]:
    """Bring ``search_entries`` in line with the current versions and their attachments."""
    if not inspect(engine).has_table("search_entries"):
        raise ReportError("this database has no search index table: run `cchc db upgrade` first")
    from storage.models import Attachment, Document, DocumentVersion

    wanted: dict[tuple[str, int], dict[str, Any]] = {}
    with engine.connect() as conn:
        current = (select(DocumentVersion.id, DocumentVersion.document_id, Document.portal_id, DocumentVersion.title,
                          DocumentVersion.text)
                   .join(Document, (Document.id == DocumentVersion.document_id) & (Document.version == DocumentVersion.version)))
        for vid, did, pid, title, body in conn.execute(current):
            wanted[("version", vid)] = {"document_id": did, "version_id": vid, "portal_id": pid, "raw": (title, body)}
        atts = (select(Attachment.id, Attachment.version_id, Attachment.name, Attachment.text, DocumentVersion.document_id,
                       Document.portal_id)
                .join(DocumentVersion, DocumentVersion.id == Attachment.version_id)
                .join(Document, (Document.id == DocumentVersion.document_id) & (Document.version == DocumentVersion.version))
                .where(Attachment.text.is_not(None)))
        for aid, vid, name, body, did, pid in conn.execute(atts):
            wanted[("attachment", aid)] = {"document_id": did, "version_id": vid, "portal_id": pid, "raw": (name, body)}
        have = {(r.source, r.source_id): (r.id, r.text_hash) for r in conn.execute(
            select(entries.c.id, entries.c.source, entries.c.source_id, entries.c.text_hash))}
    added = updated = 0
    inserts, updates = [], []
    for key, w in wanted.items():
        title, body = w["raw"]
        h = _hash(title, body)
        if key in have and have[key][1] == h:
            continue
        values = {"source": key[0], "source_id": key[1], "document_id": w["document_id"], "version_id": w["version_id"],
                  "portal_id": w["portal_id"], "text_hash": h, "title": fold(nfc(title or "")),
                  "body": fold(nfc(body or ""))}
        if key in have:
            updates.append({"eid": have[key][0], **values})
        else:
            inserts.append(values)
    stale = [eid for key, (eid, _) in have.items() if key not in wanted]
    with engine.begin() as conn:
        if inserts:
            conn.execute(insert(entries), inserts)
            added = len(inserts)
        if updates:
            conn.execute(update(entries).where(entries.c.id == bindparam("eid")), updates)
            updated = len(updates)
        for i in range(0, len(stale), 500):
            conn.execute(delete(entries).where(entries.c.id.in_(stale[i:i + 500])))
    return {"added": added, "updated": updated, "removed": len(stale)}


def snippet(original: str | None, words: Sequence[str], width: int = 90) -> str:
    """A window of the text as written around the first match of the phrase, the match in [brackets].

    `fold_aligned` keeps character positions, so the match found in the folded text is cut out of the
    text as written (with its diacritics).
    """
    if not original:
        return ""
    textn = nfc(original)
    folded = fold_aligned(textn)
    phrase = r"\s+".join(re.escape(w) for w in words)
    spans = [(m.start(), m.end()) for m in re.finditer(rf"(?<![0-9a-z]){phrase}(?![0-9a-z])", folded)]
    if not spans:
        return re.sub(r"\s+", " ", textn[:width * 2]).strip()
    start = max(0, spans[0][0] - width)
    end = min(len(textn), spans[0][1] + width)
    out, pos = [], start
    for s, e in spans:
        if e > end:
            break
        out.append(textn[pos:s] + "[" + textn[s:e] + "]")
        pos = e
    out.append(textn[pos:end])
    joined = re.sub(r"\s+", " ", "".join(out)).strip()
    return ("…" if start > 0 else "") + joined + ("…" if end < len(textn) else "")


def search(engine: Engine, query: str, *, limit: int = 20, province: str | None = None,
           level: str | None = None) -> list[dict[str, Any]]:
    """Ranked documents holding the words of `query` as a phrase (diacritics-insensitive), with snippets."""
    words = tokens(query)
    if not words:
        raise ReportError(f"the query {query!r} has no words to search for")
    if limit < 1:
        raise ReportError("--limit must be 1 or more")
    load_runs(engine)  # an empty database is an error, not "no results"
    units = {u.portal_id: u for u in load_units(engine, province=province, level=level)}
    refresh_index(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            match = '"' + " ".join(words) + '"'  # the words as a phrase, in order
            rows = conn.execute(text(
                "SELECT e.id, e.source, e.source_id, e.document_id, e.version_id, e.portal_id, -bm25(search_fts, 5.0, 1.0) AS score "
                "FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid "
                "WHERE search_fts MATCH :q ORDER BY score DESC"), {"q": match}).all()
        else:
            rows = conn.execute(text(
                f"SELECT e.id, e.source, e.source_id, e.document_id, e.version_id, e.portal_id, "
                f"ts_rank_cd({PG_DOC}, q) AS score FROM search_entries e, "
                f"phraseto_tsquery('simple'::regconfig, cchc_unaccent(:q)) AS q "
                f"WHERE {PG_DOC} @@ q ORDER BY score DESC"), {"q": " ".join(words)}).all()
    best: dict[int, Any] = {}
    for r in rows:
        if r.portal_id not in units:
            continue
        if r.document_id not in best or r.score > best[r.document_id].score or (
                r.score == best[r.document_id].score and r.source == "version"):
            best[r.document_id] = r
    ranked = sorted(best.values(), key=lambda r: (-float(r.score), r.document_id))[:limit]
    from storage.models import Attachment, Document, DocumentVersion

    out = []
    with engine.connect() as conn:
        for i, r in enumerate(ranked, 1):
            doc = conn.execute(select(Document.url, DocumentVersion.title, DocumentVersion.text, DocumentVersion.doc_number,
                                      DocumentVersion.category, DocumentVersion.plan_year)
                               .join(DocumentVersion, DocumentVersion.document_id == Document.id)
                               .where(DocumentVersion.id == r.version_id)).one()
            att_name, source_text = None, doc.text
            if r.source == "attachment":
                att = conn.execute(select(Attachment.name, Attachment.text).where(Attachment.id == r.source_id)).one()
                att_name, source_text = att.name, att.text
            out.append({
                "rank": i, "score": round(float(r.score), 4), "portal": r.portal_id, "unit": units[r.portal_id].unit,
                "title": doc.title, "url": doc.url, "matched_in": "attachment" if r.source == "attachment" else "document",
                "attachment": att_name, "doc_number": doc.doc_number, "category": doc.category,
                "plan_year": doc.plan_year, "snippet": snippet(source_text if source_text else doc.title, words),
            })
    return out


def table(query: str, rows: list[dict[str, Any]]) -> OutTable:
    cols = [OutColumn("rank", "#", "int"), OutColumn("unit", "Đơn vị"), OutColumn("title", "Tiêu đề"),
            OutColumn("matched_in", "Khớp ở"), OutColumn("snippet", "Trích đoạn"), OutColumn("url", "URL")]
    return OutTable(f"Tìm \"{query}\": {len(rows)} văn bản", cols, rows)
