"""The ``index.html`` of an evidence pack: a Vietnamese page that shows each figure and the page it came from.

It must open offline, years later, and be safe to open: the saved pages are a portal's markup, with
whatever scripts, trackers and remote images it carried. So:

* every saved page is shown inside ``<iframe sandbox="" srcdoc="…">``: an empty ``sandbox`` runs no
  script, submits no form and cannot navigate the pack; ``srcdoc`` keeps the page inside this file
  (no file URL to open unsandboxed by accident);
* the page's own policy (a ``Content-Security-Policy`` meta, inherited by srcdoc frames) forbids every
  load (``default-src 'none'``), and each framed page starts with the same policy again; styles
  written inline and ``data:`` images are the only things allowed, so the page renders as text and
  layout without a single network request;
* every text that came from a portal (titles, URLs, headers, the page itself) is escaped; nothing
  scraped becomes a link target the page follows by itself.

No script of our own either: the page is static HTML and CSS.
"""
from __future__ import annotations

import html
import json
from typing import Any

from w3lib.encoding import html_to_unicode

from reports.evidence_model import DocEvidence, Pack, RawFile, WidgetEvidenceFiles
from reports.formatting import current_lang
from reports.labels import LANGS, header, label, sheet_title, value_label, vn_datetime

#: What the index and every framed page may load: nothing from anywhere, inline styles and data: images.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'"

CSS = """
body{font:15px/1.5 system-ui,'Segoe UI',Roboto,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#1b1b1b}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0;width:100%}td,th{border:1px solid #ddd;padding:3px 6px;
vertical-align:top;text-align:left}th{background:#f3f3f3}code{font-size:.85em;word-break:break-all}
iframe{width:100%;height:520px;border:2px solid #888;background:#fff}.note{color:#8a4b00}
.problem{color:#b00020;font-weight:bold}pre{white-space:pre-wrap;background:#f8f8f8;padding:.5em;max-height:420px;
overflow:auto}@media print{iframe{height:900px}}
"""


#: The page's own words (vi, en); figure names and values come from `reports.labels`.
WORDS: dict[str, tuple[str, str]] = {
    "title": ("Hồ sơ bằng chứng", "Evidence pack"), "year": ("năm", "for"), "portal": ("Cổng", "Portal"),
    "as_of_run": ("theo lần quét", "as of run"), "made_at": ("lập lúc", "made at"),
    "intro": ("Mỗi chỉ số dưới đây dẫn tới trang gốc mà nó được đọc ra, đúng như cổng đã đăng khi tải. Tệp "
              "<code>manifest.json</code> ghi mã SHA-256 của mọi tệp trong gói; kiểm tra bằng "
              "<code>cchc evidence verify gói.zip</code>.",
              "Each figure below leads to the page it was read from, exactly as the portal served it. "
              "<code>manifest.json</code> holds the SHA-256 of every file of the pack; check them with "
              "<code>cchc evidence verify pack.zip</code>."),
    "figures": ("Các chỉ số", "Figures"), "report": ("Báo cáo", "Report"), "figure": ("Chỉ số", "Figure"),
    "value": ("Giá trị", "Value"), "evidence": ("Bằng chứng", "Evidence"),
    "no_evidence": ("không có bằng chứng lưu", "no stored evidence"), "yes": ("Có", "Yes"), "no": ("Không", "No"),
    "document": ("Văn bản", "Document"), "address": ("Địa chỉ", "Address"),
    "record": ("Bản ghi trích xuất", "Extraction record"), "fetch": ("Thông tin tải", "Fetch metadata"),
    "before_blobs": ("Trang lấy từ bản lưu trong cơ sở dữ liệu (trước khi có kho bản gốc): nội dung đã giải mã, "
                     "không phải từng byte như khi tải.",
                     "Page taken from the copy kept in the database before the raw-copy store existed: decoded "
                     "text, not the bytes as fetched."),
    "raw_page": ("Trang gốc", "Raw page"), "attachment": ("Tệp đính kèm", "Attachment"),
    "widget": ("Widget kết quả giải quyết TTHC", "TTHC results widget"), "run": ("lần quét", "run"),
    "runs": ("lần quét", "runs"), "read_from": ("Đọc từ", "Read from"), "raw_widget": ("Trang widget gốc", "Raw widget page"),
    "requested_url": ("Địa chỉ yêu cầu", "Requested URL"), "final_url": ("Địa chỉ cuối cùng", "Final URL"),
    "fetched_at": ("Thời điểm tải", "Fetched at"), "status": ("Mã HTTP", "HTTP status"),
    "size": ("Kích thước (byte)", "Size (bytes)"), "no_raw": ("Không lưu bản gốc của trang này.", "No raw copy of this page is kept."),
    "raw_missing": ("Thiếu bản gốc", "Raw copy missing"), "raw_file": ("Tệp gốc trong gói", "Raw file in the pack"),
    "download_only": ("tải về, không mở trực tiếp: trang gốc có thể chứa mã lệnh",
                      "download it, do not open it directly: the saved page may contain scripts"),
    "as_fetched": ("Trang như khi tải (khung cách ly: không chạy mã lệnh, không tải gì từ mạng):",
                   "The page as fetched (isolated frame: no script runs, nothing is loaded from the network):"),
}


def word(key: str) -> str:
    return WORDS[key][LANGS.index(current_lang())]


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _shown(key: str, value: Any) -> str:
    """A figure's value as a person reads it (yes/no, labels, Vietnamese dates)."""
    if value is None or value == []:
        return "—"
    if isinstance(value, bool):
        return word("yes" if value else "no")
    labelled = value_label(key, value, current_lang())
    if isinstance(labelled, list):
        return ", ".join(str(v) for v in labelled)
    if hasattr(labelled, "strftime") and not hasattr(labelled, "hour"):
        return labelled.strftime("%d/%m/%Y")
    return str(labelled)


def decode_page(data: bytes, content_type: str | None) -> str:
    """The page's text as a browser would decode it (HTTP charset, then <meta charset>, then detection)."""
    _, text = html_to_unicode(content_type or "", data)
    return text


def framed(data: bytes, content_type: str | None) -> str:
    """The srcdoc of a saved page: our policy first, then the page as it was."""
    return f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' + decode_page(data, content_type)


def _fetch_table(raw: RawFile) -> str:
    meta = raw.meta
    rows = [
        (word("requested_url"), meta.get("requested_url")), (word("final_url"), meta.get("url")),
        (word("fetched_at"), vn_datetime(meta.get("fetched_at"), seconds=True) if meta.get("fetched_at") else None),
        (word("run"), meta.get("run")), (word("status"), meta.get("status")), ("Content-Type", meta.get("content_type")),
        ("Last-Modified", meta.get("last_modified")), ("ETag", meta.get("etag")),
        (word("size"), meta.get("size")), ("SHA-256", meta.get("sha256")),
    ]
    body = "".join(f"<tr><th>{esc(k)}</th><td><code>{esc(v) if v not in (None, '') else '—'}</code></td></tr>"
                   for k, v in rows)
    note = f'<p class="note">{esc(meta["note"])}</p>' if meta.get("note") else ""
    return f"<table>{body}</table>{note}"


def _raw_block(raw: RawFile | None, title: str) -> str:
    if raw is None:
        return f'<p class="problem">{esc(word("no_raw"))}</p>'
    out = [f"<h3>{esc(title)}</h3>", _fetch_table(raw)]
    if raw.data is None:
        out.append(f'<p class="problem">{esc(word("raw_missing"))}: {esc(raw.problem)}</p>')
        return "".join(out)
    ctype = (raw.meta.get("content_type") or "").lower()
    out.append(f'<p>{esc(word("raw_file"))}: <a href="{esc(raw.path)}" download><code>{esc(raw.path)}</code></a> '
               f"({esc(word('download_only'))})</p>")
    if raw.path.endswith(".json") or "json" in ctype:
        try:
            pretty = json.dumps(json.loads(raw.data), ensure_ascii=False, indent=2)
        except ValueError:
            pretty = raw.data.decode("utf-8", "replace")
        out.append(f"<pre>{esc(pretty)}</pre>")
    elif raw.path.endswith((".html", ".htm", ".xml", ".txt")) or "html" in ctype:
        out.append(f'<p>{esc(word("as_fetched"))}</p>'
                   f'<iframe sandbox="" referrerpolicy="no-referrer" loading="eager" title="{esc(raw.meta.get("url"))}" '
                   f'srcdoc="{esc(framed(raw.data, raw.meta.get("content_type")))}"></iframe>')
    return "".join(out)


def _document(doc: DocEvidence) -> str:
    rec = doc.record
    rows = [(header(k, current_lang()), _shown(k, rec.get(k))) for k in
            ("title", "doc_number", "doc_date", "published_at", "issuer", "organ", "category", "plan_year",
             "plan_period")]
    rows.append((header("version", current_lang()), f"{doc.version} ({word('runs')} "
                 f"{rec.get('first_seen_run_id')}–{rec.get('last_seen_run_id')})"))
    info = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    out = [f'<section id="{esc(doc.folder)}"><h2>{esc(word("document"))}: {esc(rec.get("title") or doc.url)}</h2>',
           f"<p>{esc(word('address'))}: <code>{esc(doc.url)}</code> · {esc(word('portal'))}: <code>{esc(doc.portal)}</code></p>",
           f"<table>{info}</table>",
           f'<p>{esc(word("record"))}: <a href="{esc(doc.folder)}/record.json"><code>{esc(doc.folder)}/record.json</code></a>'
           f' · {esc(word("fetch"))}: <a href="{esc(doc.folder)}/fetch.json"><code>{esc(doc.folder)}/fetch.json</code></a></p>']
    if doc.note == "stored_before_blobs":
        out.append(f'<p class="note">{esc(word("before_blobs"))}</p>')
    out.append(_raw_block(doc.page, word("raw_page")))
    for i, att in enumerate(doc.attachments, 1):
        out.append(_raw_block(att, f"{word('attachment')} {i}"))
    out.append("</section>")
    return "".join(out)


def _widget(w: WidgetEvidenceFiles) -> str:
    r = w.reading
    keys = ("period", "total", "on_time", "late", "on_time_rate", "late_rate", "processed_pct", "updated_at", "source")
    info = "".join(f"<tr><th>{esc(header(k, current_lang()))}</th><td>{esc(_shown(k, r.get(k)))}</td></tr>"
                   for k in keys)
    return (f'<section id="{esc(w.folder)}"><h2>{esc(word("widget"))} ({esc(word("run"))} {esc(r.get("run_id"))})</h2>'
            f"<p>{esc(word('read_from'))}: <code>{esc(r.get('url'))}</code> · "
            f"{esc(vn_datetime(r.get('fetched_at'), seconds=True))}</p>"
            f"<table>{info}</table>" + _raw_block(w.page, word("raw_widget")) + "</section>")


def render(pack: Pack) -> str:
    """The whole index page."""
    unit = pack.unit
    lang = current_lang()
    kind = label("category", pack.kind, lang)
    rows = []
    for f in pack.figures:
        where = (f'<a href="#{esc(f.evidence)}">{esc(f.evidence)}</a>' if f.evidence else esc(word("no_evidence")))
        part = sheet_title(f.source, lang)
        rows.append(f"<tr><td>{esc(part)}</td><td>{esc(header(f.key, lang))}</td><td>{esc(_shown(f.key, f.value))}</td>"
                    f"<td>{where}</td></tr>")
    problems = "".join(f'<li class="problem">{esc(p)}</li>' for p in pack.problems)
    body = [
        f"<h1>{esc(word('title'))}: {esc(unit.unit)} — {esc(kind)} {esc(word('year'))} {pack.year}</h1>",
        f"<p>{esc(word('portal'))} <code>{esc(unit.portal_id)}</code> · {esc(label('level', unit.level, lang))} · "
        f"{esc(unit.province)} · {esc(word('as_of_run'))} {pack.run.id} ({pack.run.observed_on:%d/%m/%Y}) · "
        f"{esc(word('made_at'))} {esc(vn_datetime(pack.created_at, seconds=True))}.</p>",
        f"<p>{word('intro')}</p>",
        f"<ul>{problems}</ul>" if problems else "",
        f"<h2>{esc(word('figures'))}</h2><table><tr><th>{esc(word('report'))}</th><th>{esc(word('figure'))}</th>"
        f"<th>{esc(word('value'))}</th><th>{esc(word('evidence'))}</th></tr>",
        "".join(rows), "</table>",
        *(_document(d) for d in pack.documents),
        *(_widget(w) for w in pack.widgets),
    ]
    return (f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{esc(word('title'))} — {esc(unit.unit)} — {pack.year}</title><style>{CSS}</style></head>"
            f"<body>{''.join(body)}</body></html>\n")
