"""`cchc serve`: the database in Datasette, in Vietnamese, with facets, full-text search, canned queries.

Who uses it: Home Affairs staff and journalists browsing, and people scripting against the JSON API
(every page has a ``.json`` twin: reports/README.md lists the URLs). So the machine names stay what
they are (tables, columns and values in English, as the JSON contracts are) and people read
Vietnamese: table and column titles and descriptions come from the metadata and `reports.labels`, and
two templates (``serve_templates/``) show a column's Vietnamese label above its name and coded facet
values ("commune") by their labels ("xã/phường").

Browsing documents is done on the views ``browse_documents`` and ``browse_attachments`` (migration
0005): one row per current document or attachment with province, level, category, plan year and
organ beside it, faceted on those five, and searchable through the folded FTS5 index (``search_fts``
over ``search_entries``; ``search_entry_id`` is the row's key into it). The plugin
(`reports.serve_plugin`) replaces Datasette's ``escape_fts`` so that what is typed in the search box
is folded and parsed the way ``cchc report search`` does: "dang uy" and "Đảng ủy" find the same rows.

Datasette reads SQLite only. On PostgreSQL the command says so and offers ``--export-sqlite FILE``:
a copy of every CCHC Watch table into a new SQLite file (its search index rebuilt), which is served.
The served file is opened read-only by `cchc serve` and never written by Datasette.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, inspect, select

from reports.base import ReportError
from reports.labels import HEADERS, VALUES

DB_NAME = "cchc"
TEMPLATES = Path(__file__).resolve().parent / "serve_templates"

#: table -> (Vietnamese title, description). Tables not listed keep their name and have no description.
TABLES: dict[str, tuple[str, str]] = {
    "browse_documents": ("Văn bản (tra cứu)",
                         ("Mỗi văn bản một dòng, ở phiên bản hiện tại, kèm tỉnh, cấp, loại, năm kế hoạch và cơ quan ban "
                         "hành: lọc theo các mục ở trên, tìm toàn văn không cần dấu (\"tuyen truyen 2026\").")),
    "browse_attachments": ("Tệp đính kèm (tra cứu)",
                           ("Mỗi tệp đính kèm (PDF, DOC, DOCX) của văn bản hiện tại một dòng; tìm toàn văn trong nội "
                           "dung tệp, không cần dấu.")),
    "crawl_runs": ("Lần quét", "Mỗi lần quét là một ảnh chụp; observed_on là ngày lần quét quan sát."),
    "portals": ("Cổng thông tin", "Danh mục cổng như đã lưu (mỗi cổng một dòng; unit_id trỏ tới đơn vị hành chính)."),
    "portal_health": ("Tình trạng cổng", ("Mỗi cổng trả lời thế nào ở mỗi lần quét: mã HTTP, thời gian, tường lửa, "
                                         "RSS và widget.")),
    "fetches": ("Lượt tải", "Mọi địa chỉ đã tải trong một lần quét, với mã HTTP và mã băm nội dung."),
    "documents": ("Văn bản", "Một văn bản (cổng + địa chỉ): phiên bản hiện tại, lần quét đầu/cuối thấy, ngày gỡ."),
    "document_versions": ("Phiên bản văn bản", ("Mỗi trạng thái nội dung của văn bản với các trường trích xuất (loại, số "
                                                "ký hiệu, ngày, cơ quan ban hành, năm kế hoạch).")),
    "sighting_intervals": ("Lần thấy văn bản", ("Văn bản nào được thấy ở phiên bản nào, từ lần quét first_run_id đến "
                                               "last_run_id liên tiếp (một dòng cho cả khoảng).")),
    "citations": ("Văn bản được dẫn", "Văn bản mà một phiên bản dẫn chiếu (số, ngày, cơ quan ban hành)."),
    "attachments": ("Tệp đính kèm", "Tệp gắn với một phiên bản, với nội dung chữ đã trích."),
    "widget_readings": ("Widget kết quả giải quyết TTHC",
                        ("Widget \"Kết quả giải quyết TTHC\" như mỗi lần quét đọc được: đã xử lý, đúng hạn, trễ hạn, tỷ lệ, "
                        "giờ cập nhật của chính cổng.")),
    "visitor_readings": ("Bộ đếm truy cập", "Bộ đếm lượt truy cập như mỗi lần quét đọc được."),
    "admin_units": ("Đơn vị hành chính", "Đơn vị hành chính trước và sau sắp xếp năm 2025 (`cchc units sync`)."),
    "admin_unit_successions": ("Sắp xếp đơn vị", "Đơn vị nào trở thành (một phần của) đơn vị nào."),
    "portal_units": ("Đơn vị của cổng", "Đơn vị hành chính của mỗi cổng trong danh mục."),
    "review_corrections": ("Hiệu chỉnh", ("Hiệu chỉnh của người duyệt (không phải CCHC, đổi loại, gán đơn vị, kế hoạch "
                                         "ngoài mạng); các báo cáo áp dụng chúng.")),
    "search_entries": ("Chỉ mục tìm kiếm", ("Bản chữ đã bỏ dấu của văn bản và tệp đính kèm cho tìm kiếm toàn văn "
                                           "(do lần quét và `cchc db upgrade` cập nhật).")),
    # the watching half (issue 14): alerts, the drift canary, raw copies, the national 766 index
    "alerts": ("Cảnh báo", ("Mỗi điều một quy tắc cảnh báo phát hiện (quy tắc, loại, cổng, lần quét) một dòng, với tình "
                            "trạng gửi và kết quả gửi tới từng người nhận; mỗi điều chỉ gửi một lần (`cchc alerts list`).")),
    "portal_yields": ("Kết quả trích xuất theo cổng", ("Mỗi cổng, mỗi lần quét: số trang tải, trang trích xuất và trong đó "
                                                      "số trang có tiêu đề, ngày đăng, nội dung, số ký hiệu, widget; so với "
                                                      "trung vị của chính cổng để báo \"giao diện đã thay đổi?\" "
                                                      "(`cchc report health`).")),
    "raw_fetches": ("Thông tin tải bản gốc", ("Mỗi lần tải một trang, tệp đính kèm hay widget được giữ bản gốc: địa chỉ "
                                              "yêu cầu và địa chỉ cuối, thời điểm, mã HTTP, các tiêu đề HTTP cần thiết, "
                                              "mã SHA-256 (`cchc evidence pack`).")),
    "blobs": ("Bản gốc", ("Mỗi nội dung gốc một dòng, theo mã SHA-256 (nén gzip trong thư mục dữ liệu của cơ sở dữ "
                          "liệu, nội dung giống nhau chỉ lưu một lần): kích thước, lần lưu đầu, lần thấy cuối.")),
    "version_evidence": ("Bằng chứng của phiên bản", ("Bản gốc (trang và tệp đính kèm) của lần tải đầu tiên cho ra mỗi "
                                                      "phiên bản văn bản.")),
    "widget_evidence": ("Bằng chứng của widget", "Trang mà mỗi lần đọc widget đã đọc số liệu từ đó."),
    "index766_fetches": ("Lần đọc chỉ số 766", ("Mỗi lần quét đọc Bộ chỉ số 766 trên Cổng Dịch vụ công quốc gia một "
                                                "dòng: địa chỉ, mã HTTP, lỗi, số tỉnh đọc được.")),
    "index766_readings": ("Chỉ số 766 theo tỉnh", ("Điểm của mỗi tỉnh như Cổng Dịch vụ công quốc gia công bố ở mỗi lần "
                                                   "quét (CKMB, TDGQ, TTTT, CLGQ, MDHL, MDSH, tổng điểm); ô trống là "
                                                   "nguồn không công bố, không phải 0 (`cchc report reconcile`).")),
}
#: Tables people do not browse (the FTS5 index itself and its copy of the text).
HIDDEN = ("search_fts", "search_entries")
#: Column labels beyond the shared vocabulary (reports.labels.HEADERS).
COLUMN_LABELS: dict[str, str] = {
    "portal_id": "Cổng", "document_id": "Mã văn bản", "version_id": "Mã phiên bản", "run_id": "Lần quét",
    "attachment_id": "Mã tệp", "search_entry_id": "Mã mục tìm kiếm", "document_title": "Tiêu đề văn bản",
    "document_url": "Liên kết văn bản", "removed_run": "Gỡ ở lần quét", "first_seen_run_id": "Lần quét đầu",
    "last_seen_run_id": "Lần quét cuối", "removed_run_id": "Gỡ ở lần quét", "removed_status": "Mã HTTP khi gỡ",
    "text": "Nội dung", "text_chars": "Số ký tự nội dung", "kind": "Loại tệp", "checksum": "Mã băm tệp", "text_hash": "Mã băm nội dung",
    "latency_ms": "Thời gian trả lời (ms)", "reachable": "Truy cập được", "waf_blocked": "Bị tường lửa chặn",
    "redirected_to": "Chuyển hướng tới", "has_feed": "Có RSS", "has_widget": "Có widget",
    "requested_url": "Địa chỉ yêu cầu", "discovered_by": "Tìm thấy qua", "fetched_url": "Địa chỉ tải",
    "unit_id": "Mã đơn vị hành chính", "position": "Thứ tự", "number": "Số/Ký hiệu", "date": "Ngày",
    "type": "Loại", "online": "Đang truy cập", "today": "Hôm nay", "week": "Tuần", "month": "Tháng",
    "channels": "Kênh tuyên truyền", "sections": "Các mục", "deadlines": "Thời hạn", "warnings": "Cảnh báo",
    # alerts, the canary's yields, raw copies and their fetch metadata, the national index
    "dedupe_key": "Khóa chống gửi trùng", "details": "Chi tiết", "delivery": "Kết quả gửi theo người nhận",
    "with_title": "Trang có tiêu đề", "with_date": "Trang có ngày đăng", "with_text": "Trang có nội dung",
    "cchc_pages": "Trang CCHC", "cchc_with_number": "Trang CCHC có số ký hiệu", "widget_readings": "Có đọc được widget",
    "content_type": "Kiểu nội dung (Content-Type)", "last_modified": "Sửa lần cuối (Last-Modified)", "etag": "ETag",
    "headers": "Tiêu đề HTTP", "sha256": "Mã SHA-256", "size": "Kích thước (byte)",
    "stored_size": "Kích thước đã nén (byte)", "first_stored_at": "Lưu lần đầu", "last_seen_at": "Thấy lần cuối",
    "raw_fetch_id": "Mã lần tải bản gốc", "role": "Vai trò", "widget_reading_id": "Mã lần đọc widget",
    "source_id": "Nguồn", "provinces": "Số tỉnh đọc được", "province_key": "Khóa tên tỉnh",
    "api_id": "Mã tỉnh trên cổng quốc gia", "raw": "Bản gốc (JSON)",
}
#: Column labels that differ by table (a column name that means another thing there), before COLUMN_LABELS.
TABLE_COLUMN_LABELS: dict[str, dict[str, str]] = {
    "alerts": {"kind": "Loại cảnh báo"},
    "raw_fetches": {"kind": "Loại bản gốc"},
    "index766_readings": {"total": HEADERS["index_total"][0], "rank": HEADERS["index_rank"][0]},
}
#: Columns whose stored values have a vocabulary in reports.labels (shown by label in facets).
VALUE_KINDS: dict[str, str] = {"level": "level", "organ": "organ", "category": "category", "matched_in": "matched_in",
                               "status": "run_status", "trigger": "trigger", "action": "review_action"}
#: Value vocabularies that hold for one table only (before VALUE_KINDS).
TABLE_VALUE_KINDS: dict[str, dict[str, str]] = {"alerts": {"kind": "alert_kind", "state": "alert_state"}}
FACETS = ["province", "level", "category", "plan_year", "organ"]


def column_label(name: str, table: str | None = None) -> str:
    """The Vietnamese title of a column of `table` (its machine name when no vocabulary has it)."""
    if table is not None and name in TABLE_COLUMN_LABELS.get(table, {}):
        return TABLE_COLUMN_LABELS[table][name]
    if name in COLUMN_LABELS:
        return COLUMN_LABELS[name]
    pair = HEADERS.get(name)
    return pair[0] if pair else name


def value_labels(table: str | None = None) -> dict[str, dict[str, str]]:
    """column -> stored value -> Vietnamese label, for the facet template of `table`."""
    kinds = {**VALUE_KINDS, **TABLE_VALUE_KINDS.get(table or "", {})}
    return {col: {str(k): v[0] for k, v in VALUES[kind].items() if not isinstance(k, bool)}
            for col, kind in kinds.items()}


QUERIES: dict[str, dict[str, Any]] = {
    "coverage": {
        "title": "Độ phủ: đơn vị có kế hoạch tuyên truyền CCHC (chính quyền) của một năm",
        "description": "Mỗi cổng trong danh mục một dòng; kế hoạch ban hành sớm nhất tìm thấy cho năm :year (hiệu chỉnh "
                       "của người duyệt do `cchc report coverage` áp dụng, không áp dụng ở đây).",
        "sql": """
select p.id as portal, p.name as unit, p.level, p.province,
  (select v.doc_number from documents d join document_versions v on v.document_id = d.id and v.version = d.version
   where d.portal_id = p.id and d.removed_run_id is null and v.category = 'propaganda_plan'
     and v.plan_year = cast(:year as integer) and coalesce(v.organ, 'government') = 'government'
   order by coalesce(v.doc_date, substr(v.published_at, 1, 10)) limit 1) as doc_number,
  (select d.url from documents d join document_versions v on v.document_id = d.id and v.version = d.version
   where d.portal_id = p.id and d.removed_run_id is null and v.category = 'propaganda_plan'
     and v.plan_year = cast(:year as integer) and coalesce(v.organ, 'government') = 'government'
   order by coalesce(v.doc_date, substr(v.published_at, 1, 10)) limit 1) as url
from portals p where p.in_registry order by p.province, p.level, p.name""",
    },
    "late_widgets": {
        "title": "Widget có hồ sơ trễ hạn: lần đọc mới nhất của mỗi cổng",
        # Most widgets show counts and a LATE rate only ("Trễ hạn", "Tỉ lệ trễ hạn"), so the stored
        # on_time_rate is null for them: the rate is computed from the counts, as `cchc report trend` does.
        "description": "Tỷ lệ đúng hạn là tỷ lệ widget ghi, hoặc (khi widget chỉ ghi số hồ sơ) đúng hạn / đã xử lý.",
        "sql": """
select w.portal_id as portal, p.name as unit, p.province, p.level, r.id as run, r.observed_on, w.period, w.total,
  w.on_time, w.late,
  coalesce(round(w.on_time_rate, 2),
           case when w.total > 0 and w.on_time is not null then round(100.0 * w.on_time / w.total, 2) end) as on_time_rate,
  coalesce(round(w.late_rate, 2),
           case when w.total > 0 and w.late is not null then round(100.0 * w.late / w.total, 2) end) as late_rate,
  w.updated_at
from widget_readings w join crawl_runs r on r.id = w.run_id join portals p on p.id = w.portal_id
where w.run_id = (select max(w2.run_id) from widget_readings w2 where w2.portal_id = w.portal_id)
  and w.late > 0
order by w.late desc, w.portal_id""",
    },
    "recent_plans": {
        "title": "Kế hoạch mới: kế hoạch CCHC thấy lần đầu trong :days ngày quét gần nhất",
        "sql": """
select d.portal_id as portal, p.province, p.level, v.category, v.doc_number, v.doc_date, v.published_at, v.title, d.url,
  r.observed_on as first_seen_on
from documents d join document_versions v on v.document_id = d.id and v.version = d.version
join crawl_runs r on r.id = d.first_seen_run_id join portals p on p.id = d.portal_id
where v.category in ('propaganda_plan', 'plan') and d.removed_run_id is null
  and r.observed_on >= date((select max(observed_on) from crawl_runs), '-' || cast(:days as integer) || ' days')
order by r.observed_on desc, d.portal_id""",
    },
}


def table_columns(engine: Engine) -> dict[str, list[str]]:
    """Every table's and view's columns, read through `engine` (the command's own read-only open, so
    nothing is created beside the file)."""
    insp = inspect(engine)
    names = [n for n in [*insp.get_table_names(), *insp.get_view_names()] if not n.startswith("sqlite_")]
    return {n: [c["name"] for c in insp.get_columns(n)] for n in sorted(names)}


def metadata(db_name: str = DB_NAME, columns: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Datasette metadata: Vietnamese titles and column descriptions, facets and full-text search on the
    browse views, canned queries. Datasette names a database by its file's stem, so that is the key.

    `columns` (table -> column names, from `table_columns`) limits column descriptions to what exists.
    """
    tables: dict[str, Any] = {}
    for name in sorted(set(TABLES) | set(columns or {}) | set(HIDDEN)):
        if columns is not None and name not in columns and name not in TABLES:
            continue
        entry: dict[str, Any] = {}
        if name in TABLES:
            entry["title"], entry["description"] = TABLES[name]
        cols = (columns or {}).get(name, [])
        if cols:
            entry["columns"] = {c: column_label(c, name) for c in cols}
        if name in HIDDEN or name.startswith("search_fts_"):
            entry["hidden"] = True
        tables[name] = entry
    for view in ("browse_documents", "browse_attachments"):
        tables.setdefault(view, {}).update({
            "fts_table": "search_fts", "fts_pk": "search_entry_id", "facets": list(FACETS), "size": 50,
        })
    tables["browse_documents"]["sort_desc"] = "published_at"
    tables["portals"] = {**tables.get("portals", {}), "label_column": "name"}
    return {
        "title": "CCHC Watch — theo dõi cải cách hành chính",
        "description": "Kế hoạch cải cách hành chính, kế hoạch tuyên truyền CCHC và widget kết quả giải quyết TTHC trên "
                       "cổng thông tin của các cơ quan nhà nước; mỗi lần quét là một ảnh chụp. Dữ liệu máy đọc: thêm "
                       ".json vào mọi địa chỉ (xem reports/README.md).",
        "databases": {db_name: {"tables": tables, "queries": QUERIES}},
    }


def export_sqlite(engine: Engine, path: str | Path) -> Path:
    """Copy every CCHC Watch table (models, corrections) into a new SQLite file at head revision, then
    build its search index (the index is derived, so it is rebuilt rather than copied). Rows are
    streamed in batches, never all held in memory."""
    from storage import search_index, upgrade_database
    from storage.migrate import load_models

    target = Path(path)
    if target.exists():
        raise ReportError(f"{target} exists: give a new file for the SQLite copy")
    url = f"sqlite:///{target}"
    upgrade_database(url)
    from reports.review import corrections

    tables = list(load_models().sorted_tables) + [corrections]
    dst = create_engine(url)
    try:
        with engine.connect() as src, dst.begin() as out:
            for table in tables:
                result = src.execution_options(yield_per=1000).execute(select(table))
                for part in result.partitions():
                    out.execute(insert(table), [dict(r._mapping) for r in part])
            search_index.refresh(out)
    finally:
        dst.dispose()
    return target


def write_metadata(folder: Path, db_name: str, columns: dict[str, list[str]] | None = None) -> Path:
    """metadata.json for `datasette serve --metadata` (written to a temporary folder, never the database)."""
    path = folder / "metadata.json"
    path.write_text(json.dumps(metadata(db_name, columns), ensure_ascii=False, indent=2), encoding="utf-8")
    return path
