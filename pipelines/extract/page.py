"""One parse per page: bytes -> text (charset decided here) -> lxml tree -> visible lines.

Every other module reads the tree or the lines made here, so a page is parsed once and
trafilatura receives the same tree (it copies it before cleaning).

The caps on what a page may cost (markup, elements, attributes, links, depth) are ``budget``.
"""
from __future__ import annotations

import codecs
import html as html_lib
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from core.vntext import fold_aligned, nfc

from .budget import MAX_MARKUP_CHARS, cap_attributes, cap_tree

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")

BLOCK_TAGS = frozenset(
    "address article aside blockquote body br center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main menu nav ol p pre section summary table "
    "tbody thead tfoot tr ul caption option select textarea iframe".split()
)
INLINE_GLUE = frozenset("a b strong i em u font sup sub small big abbr s strike q mark".split())
SKIP_TAGS = frozenset("script style noscript template head svg object".split())


# Byte-order marks, longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_html(data: bytes) -> tuple[str, list[str]]:
    """Decode page bytes. A byte-order mark decides first (HTML's own rule: it outranks any
    declaration; a UTF-16 page read as windows-1258 loses every title). Then strict UTF-8 wins
    (portals mis-declare it); else the declared charset; else windows-1258, the legacy Vietnamese
    Windows code page. Returns (text, warnings)."""
    warnings: list[str] = []
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(enc), warnings
            except UnicodeDecodeError:
                warnings.append(f"charset: byte-order mark says {enc} but the bytes do not decode; undecodable bytes replaced")
                return body.decode(enc, "replace"), warnings
    m = _META_CHARSET_RE.search(data[:4096])
    declared = m.group(1).decode("ascii", "ignore").lower() if m else None
    try:
        text = data.decode("utf-8")
        if declared and declared.replace("-", "").replace("_", "") not in ("utf8",):
            warnings.append(f"charset: page declares {declared} but its bytes are UTF-8; read as UTF-8")
        return text, warnings
    except UnicodeDecodeError:
        pass
    for enc in ([declared] if declared else []) + ["windows-1258"]:
        try:
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
        if declared and enc != declared:
            warnings.append(f"charset: declared {declared} does not decode; read as {enc}")
        elif not declared:
            warnings.append(f"charset: none declared and not UTF-8; read as {enc}")
        return text, warnings
    warnings.append("charset: undecodable bytes replaced")
    return data.decode("utf-8", "replace"), warnings


# Same settings as trafilatura's own parser: comments and processing instructions never reach the
# tree, so trafilatura's copy of it is as small as the tree it would have parsed itself.
_PARSER = lxml.html.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)


def parse_html(html: str) -> lxml.html.HtmlElement | None:
    """lxml tree of the page (XML declarations stripped: lxml refuses them on str input)."""
    html = _XML_DECL_RE.sub("", html, count=1)
    if not html.strip():
        return None
    try:
        return lxml.html.document_fromstring(html, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


_ATTRS = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_BLOCK_TAG_RE = re.compile(r"</?(?:{})\b{}>".format("|".join(sorted(BLOCK_TAGS, key=len, reverse=True)), _ATTRS), re.I)
_GLUE_TAG_RE = re.compile(r"</?(?:{})\b{}>".format("|".join(sorted(INLINE_GLUE, key=len, reverse=True)), _ATTRS), re.I)
_ANY_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*" + _ATTRS + ">")
_SKIP_BLOCK_RE = re.compile(
    r"<(script|style|noscript|template|svg|object)\b" + _ATTRS + r">.*?</\1\s*>", re.S | re.I)


def element_lines(root: etree._Element) -> list[str]:
    """Visible text of an element as lines: one per block, cells and spans separated by spaces.

    Works on lxml's own serialisation (well-formed, attributes quoted; comments were dropped at
    parse time) with C-level regex substitutions, which measured faster than walking the tree in
    Python; the result is the same.
    """
    if root.tag == "html":
        body = root.find("body")
        root = body if body is not None else root
    markup = etree.tostring(root, encoding=str, method="html", with_tail=False)
    if "<s" in markup or "<t" in markup or "<n" in markup or "<o" in markup:
        markup = _SKIP_BLOCK_RE.sub("", markup)
    markup = _BLOCK_TAG_RE.sub("\n", markup)
    markup = _GLUE_TAG_RE.sub("", markup)
    flat = html_lib.unescape(_ANY_TAG_RE.sub(" ", markup))
    flat = collapse_hspace(flat)
    flat = _NL_RUN_RE.sub("\n", flat).strip()
    return flat.split("\n") if flat else []


_HSPACE_RE = re.compile(r"[^\S\n]+")
# every whitespace character but the newline and the space itself (what `[^\S\n]` matches besides " ")
_OTHER_SPACES = "".join(c for c in map(chr, range(0x110000)) if c.isspace() and c not in "\n ")
_SPACE_RUN_RE = re.compile(" {2,}")


def collapse_hspace(flat: str) -> str:
    """`_HSPACE_RE.sub(" ", flat)`, 3× faster on page-sized text: the few other whitespace characters a
    page holds become spaces (a C-speed `in` test and `replace` each), then space runs are collapsed
    by a literal-prefix regex. The per-character negated class was half of `element_lines`' time."""
    for c in _OTHER_SPACES:
        if c in flat:
            flat = flat.replace(c, " ")
    return _SPACE_RUN_RE.sub(" ", flat)
_NL_RUN_RE = re.compile(r" ?\n[\s]*")


@dataclass
class Page:
    """A parsed page: tree plus its visible lines and their aligned folds (for label matching)."""

    html: str
    url: str
    tree: lxml.html.HtmlElement | None
    warnings: list[str] = field(default_factory=list)
    _lines: list[str] | None = None
    _flat: str | None = None
    _flat_key: str | None = None
    _flat_low: str | None = None
    title_el: lxml.html.HtmlElement | None = None   # the headline element find_title chose (pruning keeps its ancestors)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = element_lines(self.tree) if self.tree is not None else []
        return self._lines

    @property
    def flat(self) -> str:
        """All visible lines joined with "\\n" (NFC)."""
        if self._flat is None:
            self._flat = "\n".join(self.lines)
        return self._flat

    @property
    def flat_key(self) -> str:
        """Aligned fold of `flat`: same length, same offsets."""
        if self._flat_key is None:
            self._flat_key = fold_aligned(self.flat)
        return self._flat_key

    def cue_key(self, cues: tuple[str, ...], before: int, after: int, max_line: int = 300) -> str:
        """Like `flat_key`, but folded only in windows around lowercase cue words (blank elsewhere).

        Folding a whole page costs more than everything else the widget and counter readers do;
        their labels always sit near "giải quyết"/"truy cập", so only those windows are folded.
        Offsets stay those of `flat`.
        """
        flat = self.flat
        if self._flat_low is None:
            self._flat_low = flat.lower()
        low = self._flat_low
        spans: list[list[int]] = []
        for cue in cues:
            i = low.find(cue)
            while i >= 0:
                ls = low.rfind("\n", 0, i) + 1
                le = low.find("\n", i)
                # labels and titles are short lines; a cue inside a paragraph of the article is skipped
                if (le if le >= 0 else len(low)) - ls <= max_line:
                    spans.append([max(0, i - before), min(len(flat), i + len(cue) + after)])
                i = low.find(cue, i + len(cue))
        if not spans:
            return " " * len(flat)
        spans.sort()
        merged = [spans[0]]
        for a, b in spans[1:]:
            if a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        parts: list[str] = []
        pos = 0
        for a, b in merged:
            parts.append(" " * (a - pos))
            parts.append(fold_aligned(flat[a:b]))
            pos = b
        parts.append(" " * (len(flat) - pos))
        return "".join(parts)


_WS_RE = re.compile(r"\s+")


def key_of(text: str) -> str:
    """Matching key of a short NFC string: `core.vntext.fold` semantics (diacritics, case and
    whitespace runs ignored) computed through the precomputed aligned-fold table, ~20× faster."""
    return _WS_RE.sub(" ", fold_aligned(text)).strip()


# Characters XML cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF). libxml2's
# HTML parser lets some into the tree, and then lxml refuses to write any text next to them (a
# ValueError out of drop_tree or a tail join), so they go before the parse: a form feed is
# whitespace in HTML and becomes a space, NUL and the rest become U+FFFD as HTML parsers read them.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without characters an XML tree cannot hold (see _NOT_XML_RE); unchanged, at the cost
    of one C-level search, when it has none."""
    if _NOT_XML_RE.search(text) is None:
        return text
    return _NOT_XML_RE.sub(lambda m: " " if m.group() == "\x0c" else "\ufffd", text)


def load_page(html: str | bytes, url: str) -> Page:
    """Decode (if bytes), cap, NFC-normalise and parse a page once (caps noted in its warnings)."""
    warnings: list[str] = []
    if isinstance(html, bytes):
        if len(html) > 4 * MAX_MARKUP_CHARS:
            html = html[:4 * MAX_MARKUP_CHARS]   # a UTF-32 page holds MAX_MARKUP_CHARS in 4× the bytes
        html, warnings = decode_html(html)
    if len(html) > MAX_MARKUP_CHARS:
        warnings.append(f"cap: page has {len(html):,} characters of markup; read the first {MAX_MARKUP_CHARS:,}")
        html = html[:MAX_MARKUP_CHARS]
    html, attr_warnings = cap_attributes(html)
    warnings.extend(attr_warnings)
    text = xml_safe(nfc(html))
    tree = parse_html(text)
    if tree is not None:
        warnings.extend(cap_tree(tree))
    return Page(text, url, tree, warnings)
