"""`cchc report search QUERY`: full-text search over documents and attachment text.

What a person types is what they get: every word must occur (AND, any order), diacritics and case do
not matter ("tuyen truyen 2026" finds "Kế hoạch tuyên truyền … năm 2026", "dang uy" finds "Đảng ủy"),
numbers and document symbols are words ("25/KH-UBND" and "25 kh ubnd" both find 25/KH-UBND; a word
holding punctuation is matched as the phrase of its parts), and "double quotes" (or “curly” ones) ask
for a phrase. Filters by province, level, plan year and category narrow the documents.

The index (`storage.search_index`: the folded words of each current version and attachment, SQLite
FTS5 / PostgreSQL GIN over ``to_tsvector('simple', cchc_unaccent(…))``) is kept up to date by the
writers (each crawl run, ``cchc db upgrade``), so searching never writes and works on a read-only
database; `index_notes` says when the index lags the crawled data.

Matching, ranking, one result per document and LIMIT all happen in SQL: a document whose TITLE holds
every word ranks above one where they occur only in its body or an attachment; then a text holding all
the words as one phrase, in the order typed, above one where they are scattered; then BM25 (SQLite,
title weighted 5:1) or ts_rank_cd (PostgreSQL). Only the returned rows are read into Python, to cut
their snippets from the text as written (``fold_aligned`` keeps character positions).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Engine, bindparam, select, text

from core.vntext import fold_aligned, nfc
from reports.base import ReportError, UnitInfo, load_runs, load_units, require_registry
from reports.formatting import Column as OutColumn
from reports.formatting import Table as OutTable
from storage import search_index
from storage.search_index import IndexState, has_index, words

#: Indexed document of an entry on PostgreSQL: its stored tsvector (migration 0014: the generated column
#: ``fts`` of to_tsvector('simple', cchc_unaccent(title || ' ' || body)), GIN index ix_search_entries_fts),
#: read, not recomputed, when every match is ranked and tested as a phrase.
PG_DOC = "e.fts"
#: the planner's prices of starting parallel workers, set to nothing for the title pass on PostgreSQL
PARALLEL_COSTS = ("parallel_setup_cost", "parallel_tuple_cost", "min_parallel_table_scan_size")
ROW_KEYS = ("rank", "score", "portal", "unit", "title", "url", "matched_in", "attachment", "doc_number", "category",
            "plan_year", "snippet", "province", "level", "organ", "in_title", "snippet_text", "highlights")
#: What --kind accepts: the stored categories (`cchc extract` contract).
CATEGORIES = ("propaganda_plan", "plan", "report", "other")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "＂": '"'})


def refresh_index(engine: Engine) -> dict[str, int]:
    """Bring the index up to date (a WRITE: for writers and tests; searching never calls it)."""
    return search_index.refresh(engine)


def tokens(query: str) -> list[str]:
    """Folded word tokens of a text (what both indexes split text into)."""
    return words(query)


@dataclass(frozen=True)
class Query:
    """A parsed query: every term must match; a term is one word or a phrase (words in order, adjacent)."""

    raw: str
    terms: tuple[tuple[str, ...], ...]

    @property
    def phrase(self) -> tuple[str, ...]:
        """All the words in the order typed: an entry holding them as one phrase ranks higher
        ("dang uy" finds every text with both words, "Đảng ủy" itself first)."""
        return tuple(w for term in self.terms for w in term)

    def fts5(self, column: str | None = None) -> str:
        """The FTS5 MATCH expression: each term a quoted phrase, juxtaposed (implicit AND)."""
        prefix = f"{column} : " if column else ""
        return " ".join(f'{prefix}"{" ".join(term)}"' for term in self.terms)


def parse_query(raw: str) -> Query:
    """Split a query into terms: quoted text is one phrase; every other whitespace-separated word is a
    term, and a word that folds into several tokens ("25/KH-UBND", "Đảng-ủy") is the phrase of them."""
    textq = nfc(raw).translate(_QUOTES)
    if textq.count('"') % 2:
        raise ReportError(f"the query {raw!r} has an unbalanced double quote: close the phrase with \"")
    terms: list[tuple[str, ...]] = []
    for i, part in enumerate(textq.split('"')):
        pieces = [part] if i % 2 else part.split()
        for piece in pieces:
            toks = tuple(words(piece))
            if toks and toks not in terms:
                terms.append(toks)
    if not terms:
        raise ReportError(f"the query {raw!r} has no words to search for")
    return Query(raw, tuple(terms))


# ------------------------------------------------------------------ snippets
def _term_pattern(term: Sequence[str]) -> re.Pattern[str]:
    """A term in folded-aligned text: its words separated by anything that is not a letter or digit
    (as the index sees "25/KH-UBND" as 25 kh ubnd), not inside a longer word."""
    return re.compile(r"(?<![0-9a-z])" + r"[^0-9a-z]+".join(re.escape(w) for w in term) + r"(?![0-9a-z])")


def match_spans(original: str, terms: Sequence[Sequence[str]]) -> list[tuple[int, int, int]]:
    """(start, end, term index) of every occurrence of each term in the NFC text, sorted."""
    folded = fold_aligned(original)
    spans = [(m.start(), m.end(), i) for i, term in enumerate(terms) for m in _term_pattern(term).finditer(folded)]
    spans.sort()
    out: list[tuple[int, int, int]] = []
    for s in spans:  # overlapping occurrences (a phrase and one of its words): keep the first, longest
        if out and s[0] < out[-1][1]:
            continue
        out.append(s)
    return out


def _visible_char(ch: str) -> str:
    if unicodedata.category(ch) not in ("Cc", "Cf"):
        return ch
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture": ESC shows as ␛
    return "\u2421" if code == 0x7F else "\ufffd"


def _visible(chunk: str) -> str:
    """Whitespace runs as one space, control and format characters (ESC, bidi overrides…) as visible
    stand-ins: scraped text must not drive a terminal or reorder what is shown."""
    return "".join(_visible_char(ch) for ch in re.sub(r"\s+", " ", chunk))


def _bracketed(chunk: str) -> str:
    """Text inside the bracket-marked snippet: its own backslashes and brackets escaped, so every
    unescaped [ … ] is a mark added by the search."""
    return chunk.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


@dataclass(frozen=True)
class Snippet:
    """A window of the text as written: `text` plain, `highlights` as [start, end) offsets into it
    (Unicode code points), `marked` with each match in [brackets] (text's own brackets escaped)."""

    text: str
    highlights: list[list[int]]
    marked: str


def make_snippet(original: str | None, terms: Sequence[Sequence[str]], width: int = 200) -> Snippet:
    """The window of about `width` characters holding the most different terms (the earliest such), cut
    at word boundaries, every occurrence inside it highlighted."""
    if not original:
        return Snippet("", [], "")
    textn = nfc(original)
    spans = match_spans(textn, terms)
    if spans:
        best, best_count = spans[0], 0
        for s in spans[:500]:
            seen = {t for a, b, t in spans if s[0] <= a and b <= s[0] + width}
            if len(seen) > best_count:
                best, best_count = s, len(seen)
        start = max(0, best[0] - width // 4)
        end = min(len(textn), max(start + width, best[1]))
    else:
        start, end = 0, min(len(textn), width)
    if start > 0:  # do not begin or end inside a word
        gap = re.search(r"\s", textn[start:best[0]] if spans else textn[start:])
        start = start + gap.end() if gap else start
    if end < len(textn):
        last = max((b for a, b, _ in spans if start <= a and b <= end), default=start)
        cut = textn[last:end].rfind(" ")
        end = last + cut if cut >= 0 else end
    inside = [(a, b) for a, b, _ in spans if start <= a and b <= end]
    plain, marked, highlights, pos = [], [], [], start
    length = 0
    if start > 0:
        plain.append("…")
        marked.append("…")
        length = 1
    for a, b in inside:
        before, hit = _visible(textn[pos:a]), _visible(textn[a:b])
        if length == 0:
            before = before.lstrip()
        plain.append(before + hit)
        marked.append(_bracketed(before) + "[" + _bracketed(hit) + "]")
        highlights.append([length + len(before), length + len(before) + len(hit)])
        length += len(before) + len(hit)
        pos = b
    rest = _visible(textn[pos:end])
    if length == 0:
        rest = rest.lstrip()
    rest = rest.rstrip()
    plain.append(rest)
    marked.append(_bracketed(rest))
    if end < len(textn):
        plain.append("…")
        marked.append("…")
    return Snippet("".join(plain), highlights, "".join(marked))


# ------------------------------------------------------------------ the search
def index_notes(engine: Engine) -> list[str]:
    """What a reader should know about the index: nothing when complete, else how far it lags.

    The watermark the last refresh left (`search_index.lag`: a few keyed lookups) answers it; only a
    database no refresh has marked yet is counted exactly (`search_index.state`, anti-joins)."""
    if not has_index(engine):
        raise ReportError("this database has no search index: run `cchc db upgrade` first")
    advice = "results may be incomplete: run `cchc db upgrade` (or the next crawl) to refresh it"
    lag = search_index.lag(engine)
    if lag is not None:
        if lag.current:
            return []
        parts = [f"{n} {what}" for n, what in ((lag.runs, "runs not indexed yet"),
                                                (lag.versions, "versions stored since its last refresh"),
                                                (lag.attachments, "attachments stored since its last refresh")) if n]
        return [f"the search index lags the crawled data ({', '.join(parts)}); {advice}"]
    state: IndexState = search_index.state(engine)
    if state.complete:
        return []
    return [(f"the search index lags the crawled data ({state.missing} texts not indexed, {state.outdated} "
             f"entries outdated); {advice}")]


def _versions_join(alias: str, needed: bool) -> str:
    """The join to `document_versions`, only when a filter reads it (``--year``, ``--kind``).

    Why not always: nothing deletes a version (entries are built from versions and their attachments,
    whose `version_id` is a version's), so without those filters the join removes no row, and on a
    year of 15,000 portals it cost a random read in the largest table for each of ~400,000 matches of a
    common word (0.9 of 2.5 s)."""
    return f" JOIN document_versions v ON v.id = {alias}.version_id" if needed else ""


def _sqlite_ctes(only: str = "") -> str:
    """The CTEs both SQLite queries share: the entries whose title holds every term (`titled`), the
    matches of every term with their BM25 score (`hits`, narrowed by `only`), the phrase's (`phrased`)."""
    return f"""
WITH titled AS (
  SELECT rowid AS entry_id FROM search_fts WHERE search_fts MATCH :qt
), hits AS (
  SELECT e.id AS entry_id, e.source, e.source_id, e.document_id, e.version_id, e.portal_id,
         -bm25(search_fts, 5.0, 1.0) AS score
  FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid
  WHERE search_fts MATCH :q{only}
), phrased AS (
  SELECT rowid AS entry_id FROM search_fts WHERE search_fts MATCH :qp
)"""


def _sqlite_sql(query: Query, where: str, versions: bool = True, titled_only: bool = False) -> tuple[str, dict[str, Any]]:
    """The ranking query on SQLite's FTS5 index; with `titled_only`, over the entries whose title holds
    every term (`search`'s first pass, `_sqlite_titled_sql`)."""
    params = {"q": query.fts5(), "qt": query.fts5("title"), "qp": f'"{" ".join(query.phrase)}"'}
    if titled_only:
        return _sqlite_titled_sql(where, versions), params
    sql = _sqlite_ctes() + f""", scored AS (
  SELECT h.*, CASE WHEN h.source = 'version' AND h.entry_id IN (SELECT entry_id FROM titled) THEN 1 ELSE 0 END AS in_title,
         CASE WHEN h.entry_id IN (SELECT entry_id FROM phrased) THEN 1 ELSE 0 END AS as_phrase
  FROM hits h JOIN portals p ON p.id = h.portal_id{_versions_join("h", versions)}
  WHERE p.in_registry {where}
), best AS (
  SELECT s.*, row_number() OVER (PARTITION BY s.document_id
                                 ORDER BY s.in_title DESC, s.as_phrase DESC, s.score DESC, s.source DESC, s.entry_id) AS rn
  FROM scored s
)
SELECT entry_id, source, source_id, document_id, version_id, portal_id, score, in_title, as_phrase FROM best
WHERE rn = 1 ORDER BY in_title DESC, as_phrase DESC, score DESC, document_id LIMIT :limit"""
    return sql, params


def _sqlite_titled_sql(where: str, versions: bool) -> str:
    """The full query's answer when the documents whose title holds every term fill the limit.

    Each such entry is a document's version entry, and a document has one (the index holds its current
    version only), so it is that document's best entry (a title hit ranks first) and the full query's
    window per document and its `in_title` test are constants here: the rows are ordered by phrase,
    score and document alone (0.60 -> 0.39 s of SQL for a title that 66,585 entries share, a year of
    15,000 portals). `search` checks that no document came twice, and else asks the full query. The
    unary ``+`` keeps FTS5 from taking ``rowid IN (…)`` as a lookup (one full-text query per title
    hit, seconds); as a filter, BM25 is computed only for the rows it lets through."""
    return _sqlite_ctes(" AND e.source = 'version' AND +search_fts.rowid IN (SELECT entry_id FROM titled)") + f"""
SELECT h.entry_id, h.source, h.source_id, h.document_id, h.version_id, h.portal_id, h.score, 1 AS in_title,
       CASE WHEN h.entry_id IN (SELECT entry_id FROM phrased) THEN 1 ELSE 0 END AS as_phrase
FROM hits h JOIN portals p ON p.id = h.portal_id{_versions_join("h", versions)}
WHERE p.in_registry {where}
ORDER BY as_phrase DESC, score DESC, h.document_id LIMIT :limit"""


def _pg_params(query: Query) -> dict[str, Any]:
    return {"phrase": " ".join(query.phrase), **{f"t{i}": " ".join(term) for i, term in enumerate(query.terms)}}


def _pg_from(query: Query, versions: bool) -> str:
    """The matching entries' FROM clause on PostgreSQL: the entry, the query (``q.q`` every term,
    ``q.p`` the phrase), its portal, and the version when a filter reads it."""
    tsq = " && ".join(f"phraseto_tsquery('simple'::regconfig, :t{i})" for i in range(len(query.terms)))
    return f"""search_entries e CROSS JOIN (SELECT {tsq} AS q, phraseto_tsquery('simple'::regconfig, :phrase) AS p) q
  JOIN portals p ON p.id = e.portal_id{_versions_join("e", versions)}"""


def _pg_sql(query: Query, where: str, versions: bool = True, titled_only: bool = False) -> tuple[str, dict[str, Any]]:
    """The ranking query on PostgreSQL; with `titled_only`, over the entries whose title holds every term
    (`search`'s first pass, as `_sqlite_titled_sql` on SQLite: each such entry is its document's one
    version entry and ranks first, so the rows are ordered by phrase, score and document alone).
    ``e.title_fts`` is the title's stored tsvector (migration 0021), with its own GIN index."""
    if titled_only:
        # The entry's text is its title, a space, then its body, so a title holding every term (or the
        # phrase) means the whole text does: `e.title_fts @@ q.q` alone selects the rows, and a title
        # holding the phrase answers the phrase test before the whole text is searched for it (OR
        # stops at its first true). Each test of the whole tsvector costs about as much as ranking it
        # (0.4-0.5 s over the 66,585 titles of "kế hoạch tuyên truyền", a year of 15,000 portals).
        #
        # The subquery is a fence (OFFSET 0): the planner cannot estimate how many titles hold every
        # term (it planned 864 rows for the 66,585 above), so it sorted the matches before joining
        # `portals`, which left each row's tsvectors in the sort (about 2 KB a row: an unbounded sort
        # spilling 6 MB per worker to disk) and ranked the 20 rows kept a second time. Fenced, the
        # rank and the phrase test are computed once per match below it and only narrow rows are
        # sorted, by a top-N heapsort of `limit` rows.
        sql = f"""
SELECT * FROM (
  SELECT e.id AS entry_id, e.source, e.source_id, e.document_id, e.version_id, e.portal_id,
         ts_rank_cd({PG_DOC}, q.q, 1) AS score, 1 AS in_title,
         CASE WHEN e.title_fts @@ q.p OR {PG_DOC} @@ q.p THEN 1 ELSE 0 END AS as_phrase
    FROM {_pg_from(query, versions)}
    WHERE e.title_fts @@ q.q AND e.source = 'version' AND p.in_registry {where}
  OFFSET 0) titled
ORDER BY as_phrase DESC, score DESC, document_id LIMIT :limit"""
        return sql, _pg_params(query)
    sql = f"""
WITH scored AS (
  SELECT e.id AS entry_id, e.source, e.source_id, e.document_id, e.version_id, e.portal_id,
         ts_rank_cd({PG_DOC}, q.q, 1) AS score,
         CASE WHEN e.source = 'version' AND e.title_fts @@ q.q THEN 1 ELSE 0 END AS in_title,
         CASE WHEN {PG_DOC} @@ q.p THEN 1 ELSE 0 END AS as_phrase
  FROM {_pg_from(query, versions)}
  WHERE {PG_DOC} @@ q.q AND p.in_registry {where}
), best AS (
  SELECT s.*, row_number() OVER (PARTITION BY s.document_id
                                 ORDER BY s.in_title DESC, s.as_phrase DESC, s.score DESC, s.source DESC, s.entry_id) AS rn
  FROM scored s
)
SELECT entry_id, source, source_id, document_id, version_id, portal_id, score, in_title, as_phrase FROM best
WHERE rn = 1 ORDER BY in_title DESC, as_phrase DESC, score DESC, document_id LIMIT :limit"""
    return sql, _pg_params(query)


@contextmanager
def _parallel_workers_free(conn: Any, on: bool) -> Iterator[None]:
    """Within the block, PostgreSQL's planner prices starting parallel workers at nothing (`PARALLEL_COSTS`,
    ``SET LOCAL``, then ``RESET`` for the rest of the transaction).

    Why: for the title pass the planner cannot estimate how many titles hold every term (it multiplies
    each word's frequency as if they were unrelated: 991 rows planned, 66,585 found for "kế hoạch tuyên
    truyền"), so it ranked every title hit in one process. Ranking is CPU work that workers share
    (`max_parallel_workers_per_gather` still bounds them): SQL 1.4-1.6 -> 1.0-1.2 s there."""
    if on:
        for name in PARALLEL_COSTS:
            conn.exec_driver_sql(f"SET LOCAL {name} = 0")
    try:
        yield
    finally:
        if on:
            for name in PARALLEL_COSTS:
                conn.exec_driver_sql(f"RESET {name}")


def search(engine: Engine, query: str, *, limit: int = 20, province: str | None = None, level: str | None = None,
           year: int | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Ranked documents holding every term of `query` (diacritics-insensitive), one row per document
    (its best entry: the version, or the attachment that matched), with snippets."""
    parsed = parse_query(query)
    if limit < 1:
        raise ReportError("--limit must be 1 or more")
    if kind is not None and kind not in CATEGORIES:
        raise ReportError(f"unknown kind {kind!r}: choose one of {', '.join(CATEGORIES)}")
    if year is not None and not 1945 <= year <= 2200:
        raise ReportError(f"--year {year} is not a plan year")
    load_runs(engine)  # an empty database is an error, not "no results"
    units: dict[str, UnitInfo] | None = None
    if province is not None or level is not None:  # validated, and their portals filter the search
        units = {u.portal_id: u for u in load_units(engine, province=province, level=level)}
    else:  # only the units of the rows found are named (below)
        require_registry(engine)
    if not has_index(engine):
        raise ReportError("this database has no search index: run `cchc db upgrade` first")
    where = ""
    params: dict[str, Any] = {"limit": limit}
    expanding: list[BindParameter[Any]] = []
    if province is not None or level is not None:
        where += " AND h_portal IN :portals"
        params["portals"] = sorted(units or ())
        expanding.append(bindparam("portals", expanding=True))
    if year is not None:
        where += " AND v.plan_year = :year"
        params["year"] = year
    if kind is not None:
        where += " AND v.category = :kind"
        params["kind"] = kind
    filters_read_versions = year is not None or kind is not None
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        sql, qparams = _sqlite_sql(parsed, where.replace("h_portal", "h.portal_id"), filters_read_versions)
    else:
        sql, qparams = _pg_sql(parsed, where.replace("h_portal", "e.portal_id"), filters_read_versions)
    with engine.connect() as conn:
        # First the documents whose title holds every term: they rank above every other (a document's
        # best entry is then its title hit), so when there are `limit` of them they are the answer,
        # found without scoring every body that holds a common word (issue 12); else the full query.
        if sqlite:
            first, _ = _sqlite_sql(parsed, where.replace("h_portal", "h.portal_id"), filters_read_versions,
                                   titled_only=True)
        else:
            first, _ = _pg_sql(parsed, where.replace("h_portal", "e.portal_id"), filters_read_versions, titled_only=True)
        with _parallel_workers_free(conn, not sqlite):
            ranked: Sequence[Any] = conn.execute(text(first).bindparams(*expanding), {**params, **qparams}).all()
        if len({r.document_id for r in ranked}) < len(ranked):  # an index holding two entries of a version
            ranked = []
        if len(ranked) < limit:
            ranked = conn.execute(text(sql).bindparams(*expanding), {**params, **qparams}).all()
        versions, attachments = _details(conn, ranked)
    if units is None:
        units = {u.portal_id: u for u in load_units(engine, portals={r.portal_id for r in ranked})}
    out = []
    for i, r in enumerate(ranked, 1):
        doc = versions[r.version_id]
        att = attachments.get(r.source_id) if r.source == "attachment" else None
        body = att.text if att is not None else doc.text
        snip = make_snippet(body, parsed.terms)
        if not snip.highlights and r.source == "version":
            in_title = make_snippet(doc.title, parsed.terms)
            snip = in_title if in_title.highlights else snip
        unit = units.get(r.portal_id)
        out.append({
            "rank": i, "score": round(float(r.score), 4), "portal": r.portal_id, "unit": unit.unit if unit else r.portal_id,
            "title": doc.title, "url": doc.url, "matched_in": "attachment" if r.source == "attachment" else "document",
            "attachment": att.name if att is not None else None, "doc_number": doc.doc_number, "category": doc.category,
            "plan_year": doc.plan_year, "snippet": snip.marked, "province": unit.province if unit else None,
            "level": unit.level if unit else None, "organ": doc.organ, "in_title": bool(r.in_title),
            "snippet_text": snip.text, "highlights": snip.highlights,
        })
    return out


def _details(conn: Any, ranked: Sequence[Any]) -> tuple[dict[int, Any], dict[int, Any]]:
    """The returned rows' documents and attachments, read in two queries (only LIMIT rows)."""
    from storage.models import Attachment, Document, DocumentVersion

    version_ids = sorted({r.version_id for r in ranked})
    att_ids = sorted({r.source_id for r in ranked if r.source == "attachment"})
    versions = {row.id: row for row in conn.execute(
        select(DocumentVersion.id, Document.url, DocumentVersion.title, DocumentVersion.text, DocumentVersion.doc_number,
               DocumentVersion.category, DocumentVersion.plan_year, DocumentVersion.organ)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(DocumentVersion.id.in_(version_ids)))} if version_ids else {}
    attachments = {row.id: row for row in conn.execute(
        select(Attachment.id, Attachment.name, Attachment.text).where(Attachment.id.in_(att_ids)))} if att_ids else {}
    return versions, attachments


def table(query: str, rows: list[dict[str, Any]]) -> OutTable:
    """The table people read, in the command's --lang: the matches marked in [brackets], coded values
    (matched in) by their labels, scraped text with control characters made visible."""
    from reports.formatting import current_lang
    from reports.labels import header

    lang = current_lang()
    shown = [{**r, "title": _visible(r["title"] or ""), "unit": _visible(r["unit"] or "")} for r in rows]
    cols = [OutColumn("rank", "#", "int")] + [OutColumn(key, header(key, lang)) for key in
                                               ("unit", "title", "doc_number", "matched_in", "snippet", "url")]
    title = (f"Tìm \"{_visible(query)}\": {len(rows)} văn bản" if lang == "vi"
             else f"Search \"{_visible(query)}\": {len(rows)} documents")
    return OutTable(title, cols, shown)
