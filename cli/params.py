"""Click parameter types for what people type: levels, dates, unit and province names, the language.

Why: the users are Home Affairs staff, not developers. They write "xã" or "xa" or "phường" rather than
``commune``, "04/03/2026" (day first, as every Vietnamese document does) rather than ISO, and unit names
without diacritics. Every option that takes a level, a date or a unit uses these types, so each command
accepts the same spellings and refuses the same way: one ``error: …`` line on stderr naming the value
and what is accepted, exit status 2 (the reports' code), never Click's multi-line usage block.

Types convert to the stored vocabulary (``commune``…) and to ISO dates (``2026-03-04``), so the code
behind the options keeps its single, machine form; names are only normalised here (NFC, spaces) and
resolved where the data is (``reports.base.load_units`` and ``trend.find_unit`` match them folded,
through the registry and the units tables).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

import click

from core.vntext import clean_space, fold
from reports import labels

F = TypeVar("F", bound=Callable[..., Any])
EXIT_BAD_INPUT = 2

#: folded spelling -> stored level. Wards, townships and special zones are communes since 2025;
#: urban districts, towns and provincial cities were the district level.
LEVEL_WORDS: dict[str, str] = {
    "province": "province", "tinh": "province", "thanh pho truc thuoc trung uong": "province",
    "department": "department", "so": "department", "so nganh": "department", "ban nganh": "department",
    "district": "district", "huyen": "district", "quan": "district", "thi xa": "district",
    "commune": "commune", "xa": "commune", "phuong": "commune", "thi tran": "commune", "dac khu": "commune",
    "xa/phuong": "commune", "xa phuong": "commune", "ward": "commune",
}
ALL_WORDS = {"*", "all", "tat ca"}
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def refuse(message: str) -> NoReturn:
    """One ``error:`` line and exit 2: the project's rule for bad input, applied at parse time."""
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(EXIT_BAD_INPUT)


def _opt(param: click.Parameter | None) -> str:
    if param is None:
        return "value"
    opts = getattr(param, "opts", None) or [param.name or "value"]
    return max(opts, key=len)


def parse_level(value: str, allow_all: bool = False) -> str | None:
    """The stored level for what a person typed ("xã", "Phuong", "tinh"…); None when it is unknown.
    With `allow_all`, "*", "all" and "tất cả" give "*"."""
    key = fold(value).strip()
    if allow_all and key in ALL_WORDS:
        return "*"
    return LEVEL_WORDS.get(key)


def level_choices() -> str:
    """The accepted levels as people read them: "province (tỉnh), department (sở), …"."""
    return ", ".join(f"{lv} ({labels.label('level', lv)})" for lv in ("province", "department", "district", "commune"))


def parse_date(value: str | dt.date) -> dt.date | None:
    """A date written dd/mm/yyyy (also with . or -), d/m/yyyy, or YYYY-MM-DD; None when it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = value.strip()
    m = _DMY.match(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _ISO.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return None


class LevelType(click.ParamType):
    """A level as stored (province|department|district|commune), typed in English or Vietnamese."""

    name = "level"

    def __init__(self, allow_all: bool = False) -> None:
        self.allow_all = allow_all

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        level = parse_level(str(value), self.allow_all)
        if level is None:
            refuse(f"unknown level {value!r} for {_opt(param)}: choose one of {level_choices()}")
        return level


class DateType(click.ParamType):
    """A day: 04/03/2026 (day first, the Vietnamese order) or 2026-03-04; converted to ISO text so the
    commands keep one form (their own checks, such as "not in the future", still apply)."""

    name = "date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        day = parse_date(value)
        if day is None:
            refuse(f"{_opt(param)} {value!r} is not a date: write it as dd/mm/yyyy (04/03/2026) or YYYY-MM-DD")
        return day.isoformat()


class RunOrDateType(DateType):
    """A run id (digits) or a date as `DateType` reads it."""

    name = "run|date"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip()
        if text.isdigit():
            return text
        return super().convert(text, param, ctx)


class NameType(click.ParamType):
    """A province or unit name as typed: NFC, spaces collapsed. Matching (diacritics- and case-
    insensitive) happens against the registry and units tables where the name is resolved, so
    "dien bien", "ĐIỆN BIÊN" and "Điện Biên" name the same province."""

    name = "name"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = clean_space(str(value))
        if not text:
            refuse(f"{_opt(param)} is empty: give a name")
        return text


LEVEL = LevelType()
LEVEL_OR_ALL = LevelType(allow_all=True)
DATE = DateType()
RUN_OR_DATE = RunOrDateType()
NAME = NameType()


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    from reports.formatting import use_lang

    return use_lang(value)


def lang_option(func: F) -> F:
    """``--lang vi|en``: the language of human outputs (tables, xlsx, summaries); machine outputs
    (JSON, JSONL, ``--format csv``) are the same in every language."""
    return click.option("--lang", type=click.Choice(labels.LANGS), default=labels.DEFAULT_LANG, show_default=True,
                        is_eager=True, expose_value=False, callback=_set_lang,
                        help="Language of human outputs (tables, xlsx): vi or en.")(func)


def _set_excel(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta["cchc_excel"] = bool(value)
    return bool(value)


def excel_option(func: F) -> F:
    """``--excel``: CSV for people: UTF-8 with a byte-order mark and CRLF, so Excel opens it cleanly."""
    return click.option("--excel", is_flag=True, expose_value=False, callback=_set_excel,
                        help="CSV for Excel: UTF-8 with a byte-order mark, CRLF line ends.")(func)


def excel_requested() -> bool:
    """Whether the running command was given ``--excel``."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get("cchc_excel"))


BOM = "\ufeff"
