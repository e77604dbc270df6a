"""From (world, scheme, host, request-target) to a response: routing, widgets and the fault pages.

Pure with respect to the network: the server adds the stateful parts (delays, 503-then-200 counts,
caching). Every response here depends only on (seed, day, scheme, host, target).
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sim.attachments import file_bytes, file_headers
from sim.conditional import discovery_validators, policy_of, validator_headers
from sim.families import Family, calendar_path, parse_target, widget_block
from sim.layouts import family
from sim.model import SimPortal, WidgetFigures
from sim.textfmt import attr, dmy, esc, fmt_pct
from sim.view import PortalView
from sim.world import OLD_DOMAINS, World

HTML = "text/html; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[str, str]] = field(default_factory=list)
    cacheable: bool = True
    #: the portal's conditional-request policy when the page carries validators (sim/conditional.py)
    validators: str = ""


def html(body: str, status: int = 200) -> Response:
    return Response(status, body.encode("utf-8"), [("Content-Type", HTML)])


def not_found() -> Response:
    return html("<!DOCTYPE html><html><head><meta charset=\"utf-8\" /><title>404 - Không tìm thấy trang</title></head>"
                "<body><h1>Không tìm thấy trang yêu cầu</h1><p>Trang bạn truy cập không tồn tại hoặc đã bị gỡ bỏ.</p>"
                "<a href=\"/\">Về trang chủ</a></body></html>", 404)


def redirect(location: str, status: int = 301) -> Response:
    return Response(status, b"", [("Location", location), ("Content-Type", HTML)])


def waf_page(host: str, target: str) -> Response:
    """An F5 ASM block page served with status 200, as real portals do."""
    support_id = str(abs(hash_stable(host + target)) % 10**19).rjust(19, "1")
    body = ("<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
            f"Please consult with your administrator.<br><br>Your support ID is: {support_id}<br><br>"
            '<a href=\'javascript:history.back();\'>[Go Back]</a></body></html>')
    return Response(200, body.encode("ascii"), [("Content-Type", "text/html")])


def hash_stable(text: str) -> int:
    """A hash that does not change between processes (Python's str hash is salted)."""
    import hashlib

    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese in windows-1258, which stores the five tone marks as combining characters
    after a precomposed base letter (â, ê, ô, ă, ơ, ư keep their own code points)."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        tones = "".join(c for c in parts if c in TONE_MARKS)
        try:
            out += (base + tones).encode("cp1258")
        except UnicodeEncodeError:
            out += f"&#{ord(ch)};".encode("ascii")
    return bytes(out)


def apply_text_faults(resp: Response, faults: list[str]) -> Response:
    """Re-encode an HTML response for the charset and NFD faults."""
    ctype = dict(resp.headers).get("Content-Type", "")
    if not ctype.startswith("text/html") or not resp.body:
        return resp
    text = resp.body.decode("utf-8")
    others = [(k, v) for k, v in resp.headers if k != "Content-Type"]
    if "unicode_nfd" in faults:
        return Response(resp.status, unicodedata.normalize("NFD", text).encode("utf-8"), resp.headers, resp.cacheable,
                        resp.validators)
    if "charset_windows1258" in faults:
        text = text.replace('<meta charset="utf-8" />', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1258" />')
        return Response(resp.status, encode_cp1258(text), [("Content-Type", "text/html")] + others, resp.cacheable,
                        resp.validators)
    if "charset_misdeclared" in faults:
        return Response(resp.status, resp.body, [("Content-Type", "text/html; charset=iso-8859-1")] + others,
                        resp.cacheable, resp.validators)
    return resp


# ----------------------------------------------------------------------------- widgets


def igate_rate(w: WidgetFigures, type_: str) -> str:
    """The one-door figure: with type 0 it never shows less than 99,5 (the real handler's clamp)."""
    rate = w.rate_on_time
    if type_ == "0" and rate < 99.5:
        rate = 99.5
    return fmt_pct(rate, 1)


def widget_host_response(world: World, host: str, target: str) -> Response:
    portal = world.widget_hosts[host]
    w = world.widget(portal.id)
    path, qs = parse_target(target)
    low = path.lower()
    if low == "/robots.txt":
        return Response(200, b"User-agent: *\nDisallow: /quantri/\n", [("Content-Type", "text/plain")])
    if w is None:
        return not_found()
    if w.how == "iframe" and low == "/portaldvc/chi-so-tien-do-giai-quyet":
        rate = igate_rate(w, "0")
        page = (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8" /><title>Chỉ số tiến độ giải quyết</title></head>'
            f'<body><div id="root" data-api="{attr(w.api_url or "")}"><div class="containerChiSoTienDoGiaiQuyet " style="text-align:center;overflow:hidden">'
            f'<p style="color:black;font-weight:bold">Đến tháng {w.month} {esc(portal.short_name)} đã giải quyết</p>'
            f'<a href="https://{host}/portaldvc/thong-ke" target="_blank"><p style="color:#C00000;font-weight:bold;font-size:40px;cursor:pointer">{rate}%</p></a>'
            '<p style="color:#1F497D;font-weight:bold;font-size:14px">hồ sơ đúng hạn</p>'
            f'<p><i style="color:#1F497D;font-weight:bold;font-size:11px">(Tự động cập nhật vào lúc 00:00 ngày {dmy(w.updated_at)})</i></p>'
            "</div></div></body></html>"
        )
        return html(page)
    if w.how == "iframe" and low == "/api/v1/thongkehosotructuyens/thongketylexulydunghan":
        type_ = (qs.get("type") or qs.get("Type") or ["0"])[0]
        payload: dict[str, Any] = {"data": {"tyLeXuLyDungHan": igate_rate(w, type_), "tenDonVi": portal.name},
                   "message": None, "succeeded": True, "failed": False}
        return json_response(payload)
    if w.how == "iframe" and low == "/api/v1/thongkehosotructuyens/hoso":
        payload = {"data": {"daHoanThanhDungHan": w.on_time, "daHoanThanhQuaHan": w.late, "daTiepNhan": w.received,
                            "daGiaiQuyet": w.processed, "dangXuLy": w.pending, "tiepNhanTrucTiep": w.received // 3,
                            "tiepNhanQuaBCCI": w.received // 20, "tiepNhanQuaMang": w.received - w.received // 3 - w.received // 20},
                   "message": None, "succeeded": True, "failed": False}
        return json_response(payload)
    if w.how == "json" and low == "/api/thongke/getthongketoantinh":
        year = (qs.get("nam") or [str(w.year)])[0]
        if year != str(w.year):
            return json_response({"nam_sltiepnhanmoi": 0, "nam_xltruochan": 0, "nam_xldunghan": 0, "nam_xltrehan": 0,
                                  "nam_dangxlconhan": 0, "nam_dangxltrehan": 0})
        before = w.on_time * 3 // 5
        return json_response({
            "nam_sltiepnhanmoi": w.received, "nam_xltruochan": before, "nam_xldunghan": w.on_time - before,
            "nam_xltrehan": w.late, "nam_dangxlconhan": w.pending, "nam_dangxltrehan": w.pending // 25,
        })
    return not_found()


def json_response(payload: object) -> Response:
    return Response(200, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                    [("Content-Type", "application/json; charset=utf-8")])


# ----------------------------------------------------------------------------- portal pages


def robots_txt(world: World, portal_id: str, origin: str) -> str:
    p = world.portals[portal_id]
    fam = family(p.family)
    view = world.view(portal_id)
    lines = ["User-agent: *"]
    if p.family == "tandan_sp":
        lines.append("Disallow: /_layouts/")
    if p.family == "liferay62":
        lines += ["Disallow: /c/portal/login", "Disallow: /web/guest/dang-nhap"]
    for prefix in view.robots_disallow:
        lines.append(f"Disallow: {prefix}")
    if view.endless_calendar:
        pass  # real portals forget to fence their calendars: nothing here
    for sm in fam.sitemap_paths()[:1]:
        lines.append(f"Sitemap: {origin}{sm}")
    return "\n".join(lines) + "\n"


def calendar_page(world: World, portal_id: str, day: dt.date) -> Response:
    """One day of the endless work calendar: links to the previous and next day, forever."""
    p = world.portals[portal_id]
    fam = family(p.family)
    view = world.view(portal_id)
    prev_d, next_d = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    main = (
        f'<h2>Lịch công tác ngày {dmy(day)}</h2><table class="lich-cong-tac"><tr><th>Thời gian</th><th>Nội dung</th></tr>'
        f"<tr><td>08:00</td><td>Giao ban lãnh đạo {esc(p.name)}</td></tr></table>"
        f'<div class="nav-lich"><a href="{calendar_path(prev_d)}">« Ngày trước</a> | '
        f'<a href="{calendar_path(next_d)}">Ngày sau »</a> | '
        f'<a href="/lich-cong-tac?thang={(day.replace(day=1) + dt.timedelta(days=32)).strftime("%Y-%m")}">Tháng sau</a></div>'
    )
    return html(fam.page(view, f"Lịch công tác - {p.name}", main))


def portal_response(world: World, portal_id: str, scheme: str, host: str, target: str) -> Response:
    """The page a portal serves at `target` today (faults that rewrite bytes are applied by the caller)."""
    p = world.portals[portal_id]
    fam = family(p.family)
    origin = world.canonical_origin(p)
    if scheme + "://" + host != origin[: len(origin) - len(p.base_path)]:
        return redirect(origin[: len(origin) - len(p.base_path)] + target)
    view = world.view(portal_id)
    path, qs = parse_target(target[len(p.base_path):] if p.base_path else target)
    resp = _portal_page(world, portal_id, view, fam, target, path, qs, origin)
    if p.base_path and dict(resp.headers).get("Content-Type", "").startswith("text/html"):
        # templates link root-relative; a sub-site's links live under its base path
        text = resp.body.decode("utf-8").replace('href="/', f'href="{p.base_path}/').replace("href='/", f"href='{p.base_path}/")
        resp = Response(resp.status, text.encode("utf-8"), resp.headers, resp.cacheable, resp.validators)
    return resp


def generated(portal: SimPortal, resp: Response) -> Response:
    """A feed, sitemap, listing or register page with the validators its server sends for what it
    generates (`sim.conditional.discovery_validators`: an ETag of the bytes on some families)."""
    headers, policy = discovery_validators(portal, resp.body)
    resp.headers += headers
    resp.validators = policy
    return resp


def _portal_page(world: World, portal_id: str, view: PortalView, fam: Family, target: str, path: str,
                 qs: dict[str, list[str]], origin: str) -> Response:
    """Route one request of a portal: `target` is the full path?query, `path` is relative to its base."""
    p = world.portals[portal_id]
    if path == "/robots.txt":
        return Response(200, robots_txt(world, portal_id, origin).encode("utf-8"), [("Content-Type", "text/plain; charset=utf-8")])
    if path in fam.home_paths() and (path != "/" or not qs):
        return html(fam.render_home(view))
    feed = fam.render_feed(view, path)
    if feed is not None:
        return generated(p, Response(200, feed, [("Content-Type", "application/rss+xml; charset=utf-8")]))
    sm = fam.render_sitemap(view, path)
    if sm is not None:
        return generated(p, Response(200, sm, [("Content-Type", "application/xml; charset=utf-8")]))
    art = view.article_at(target)
    if art is not None:
        page = fam.render_register_detail(view, art) if art.section == "register" else fam.render_article(view, art)
        resp = html(page)
        resp.headers += validator_headers(p, art)
        resp.validators = policy_of(p)
        return resp
    found = view.file_at(target)
    if found is not None:
        f, _ = found
        return Response(200, file_bytes(f), file_headers(f))
    listing = fam.parse_listing(path, qs)
    if listing is not None:
        listed = fam.render_listing(view, *listing)
        return generated(p, html(listed)) if listed is not None else not_found()
    if p.has_register:
        reg_page = fam.parse_register(path, qs)
        if reg_page is not None:
            listed = fam.render_register(view, reg_page)
            return generated(p, html(listed)) if listed is not None else not_found()
    if view.endless_calendar and path == "/lich-cong-tac":
        raw = (qs.get("ngay") or [""])[0]
        month = (qs.get("thang") or [""])[0]
        try:
            day = dt.date.fromisoformat(raw) if raw else dt.date.fromisoformat(month + "-01")
        except ValueError:
            return not_found()
        return calendar_page(world, portal_id, day)
    if path == "/thong-ke-tthc" and view.widget is not None and view.widget.how == "inline":
        return html(fam.page(view, f"Kết quả giải quyết TTHC - {p.name}", widget_block(view.widget)))
    if path == "/js/thongke-hoso.js" and view.widget is not None and view.widget.how == "json":
        js = ("(function(){var el=document.getElementById('thongke-hoso-toantinh');"
              "fetch(el.getAttribute('data-api')).then(function(r){return r.json()}).then(function(d){"
              "el.querySelector('.tk-body').textContent='Trễ hạn: '+d.nam_xltrehan;});})();\n")
        # the script carries Vietnamese text ("Trễ hạn"): UTF-8, and said so, as the portals' own scripts do
        return Response(200, js.encode("utf-8"), [("Content-Type", "application/javascript; charset=utf-8")])
    return not_found()


def respond(world: World, scheme: str, host: str, target: str) -> Response | None:
    """A response for a request to `host`, or None when the network does not serve that host."""
    host = host.lower()
    if host in OLD_DOMAINS:
        new = world.portals.get(OLD_DOMAINS[host])
        if new is None:
            return None
        keep_path = family(new.family).home_paths()[0] if host == "haiduong.gov.vn" else target
        return redirect(world.canonical_origin(new) + keep_path)
    if host in world.widget_hosts:
        return widget_host_response(world, host, target)
    portal = world.portal_for_host(host, urlsplit(target).path)
    if portal is None:
        return None
    fault = world.fault(portal.id)
    if fault == "error_500":
        return html("<html><head><title>Runtime Error</title></head><body><h1>Server Error in '/' Application.</h1>"
                    "<h2><i>Runtime Error</i></h2></body></html>", 500)
    if fault == "waf_block":
        return waf_page(host, target)
    resp = portal_response(world, portal.id, scheme, host, target)
    return apply_text_faults(resp, portal.faults)


def split_absolute(url: str) -> tuple[str, str, str]:
    """(scheme, host, target) of an absolute URL."""
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.path + (f"?{parts.query}" if parts.query else "")


__all__ = ["Response", "respond", "split_absolute"]
