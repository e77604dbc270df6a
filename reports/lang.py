"""The languages of human outputs (Vietnamese by default, English on request) and the one check of a
`--lang` value; every module of words (`reports.labels`, `reports.headers`, `reports.texts`) asks it.
"""
from __future__ import annotations

LANGS = ("vi", "en")
DEFAULT_LANG = "vi"


class UnknownLanguage(ValueError):
    """A language other than vi/en was asked for (the CLI restricts the choice; library callers may not)."""


def check_lang(lang: str | None) -> str:
    """`lang`, or the default when None; an unknown language is an error rather than a silent fallback."""
    if lang is None:
        return DEFAULT_LANG
    if lang not in LANGS:
        raise UnknownLanguage(f"unknown language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang
