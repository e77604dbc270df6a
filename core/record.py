"""The extraction record: the stable JSON contract of `cchc extract` (issue 3), defined once.

Why in `core`: the record is a vocabulary several rooms share. Extraction fills it, storage keeps it
(`storage.documents` stores it typed: each field marked as a column becomes the ``document_versions``
column of the same name, derived in `storage.models`), and exports list the keys they publish
explicitly, checked against it by one test (tests/storage/test_vocabulary.py). `core` imports nothing
of the product, so every room may import it.

Adding a field: append it to `Record` (appending keeps every earlier key's place in the contract) and
write the migration that adds its column (``cchc db revision``); nothing else changes. A field that is
not a ``document_versions`` column says where it is kept with ``metadata={"stored": ...}``.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from core.vntext import nfc

#: Where a record field is stored (the ``stored`` metadata of its dataclass field; "column" by default).
STORED_AS = ("column", "key", "citations", "attachments", "reading")


def _kept(stored: str) -> dict[str, str]:
    return {"stored": stored}


@dataclass
class Record:
    """One page (or document-register row) as an auditor reads it; the keys of `to_dict` are the contract.

    Text values are NFC (canonically the same characters as published, composed so that search
    and comparison work); nothing else is rewritten: misspellings and abbreviations stay as written.
    """

    url: str = field(metadata=_kept("key"))
    title: str | None = None
    published_at: str | None = field(default=None, metadata={"max_length": 40})
    text: str | None = None
    is_cchc: bool = False
    category: str | None = field(default=None, metadata={"max_length": 120})
    doc_number: str | None = field(default=None, metadata={"max_length": 120})
    doc_type: str | None = field(default=None, metadata={"max_length": 40})
    #: ISO date text; stored in a DATE column
    doc_date: str | None = field(default=None, metadata={"date": True})
    issuer: str | None = field(default=None, metadata={"max_length": 300})
    issuer_as_written: str | None = None
    organ: str | None = field(default=None, metadata={"max_length": 120})
    plan_year: int | None = None
    citations: list[dict[str, Any]] = field(default_factory=list, metadata=_kept("citations"))
    deadlines: list[dict[str, str]] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    sections: list[dict[str, str]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list, metadata=_kept("attachments"))
    widget: dict[str, Any] | None = field(default=None, metadata=_kept("reading"))
    widget_issues: list[str] = field(default_factory=list, metadata=_kept("reading"))
    visitors: dict[str, Any] | None = field(default=None, metadata=_kept("reading"))
    warnings: list[str] = field(default_factory=list)
    #: "2022-2025" for a plan for a period ("giai đoạn 2022–2025"); then plan_year is None. Appended
    #: last (issue 11) so every earlier key keeps its place in the contract.
    plan_period: str | None = field(default=None, metadata={"max_length": 9})

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the contract, keys in contract order."""
        return {k: getattr(self, k) for k in RECORD_KEYS}

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Record:
        """The typed record of a JSON object of the contract (what crossed a process boundary as a dict).

        The one place a loosely typed record becomes typed, driven by the fields' annotations: text
        is str()-ed and NFC-ed ("" is None where None is allowed), counts are ints, flags bools; lists
        and objects are JSON kept as given. Keys outside the contract are ignored; a count that is
        not a number is a ValueError.
        """
        hints = _HINTS or _hints()
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name in data:
                values[f.name] = _typed(f.name, hints[f.name], data[f.name])
        if "url" not in values or values["url"] is None:
            raise ValueError("record without url")
        return cls(**values)


#: The contract's keys, in contract order (the order of `Record`'s fields).
RECORD_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Record))


def stored_as(f: dataclasses.Field[Any]) -> str:
    """Where a record field is stored (see `STORED_AS`)."""
    return str(f.metadata.get("stored", "column"))


#: The record fields that are ``document_versions`` columns of the same name.
COLUMN_FIELDS: tuple[dataclasses.Field[Any], ...] = tuple(f for f in fields(Record) if stored_as(f) == "column")

_HINTS: dict[str, Any] = {}


def _hints() -> dict[str, Any]:
    _HINTS.update(typing.get_type_hints(Record))
    return _HINTS


def field_kind(hint: Any) -> tuple[str, bool]:
    """(base kind, whether None is allowed) of a field annotation: "str", "int", "bool", "list" or "dict"."""
    optional = False
    args: tuple[Any, ...] = (hint,)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = tuple(a for a in typing.get_args(hint) if a is not type(None))
        optional = len(args) < len(typing.get_args(hint))
    base = typing.get_origin(args[0]) or args[0]
    names = {str: "str", int: "int", bool: "bool", float: "float", list: "list", dict: "dict"}
    if len(args) != 1 or base not in names:
        raise TypeError(f"record field type {hint!r} is not one of str, int, bool, float, list, dict (or None)")
    return names[base], optional


def _typed(name: str, hint: Any, value: Any) -> Any:
    kind, optional = field_kind(hint)
    if value is None or (value == "" and kind != "str"):
        if optional:
            return None
        if kind in ("list", "dict"):
            return [] if kind == "list" else {}
        if kind == "bool":
            return False
        raise ValueError(f"record field {name} may not be empty")
    if kind == "str":
        text = nfc("|".join(str(v) for v in value) if isinstance(value, (list, tuple)) else str(value))
        return None if text == "" and optional else text
    if kind == "bool":
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "y", "on"}
        return bool(value)
    if kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError(f"record field {name}: not a number: {value!r}")
        return int(value) if kind == "int" else float(value)
    # lists and objects are JSON kept as the producer shaped them (older records, hand-made items)
    return list(value) if isinstance(value, tuple) else value
