"""The registry of rule kinds: one small evaluator per kind, each a SQL query over the runs.

A kind declares its parameters (checked when the rules file is read, with file and line), an
evaluator that turns (run, rule) into findings, and a sentence per finding for the message. Adding a
kind is one `@register` function and its `describe`; the drift canary's `layout_changed`
(`alerts/kinds/layout.py`) is added this way (see README "Alerts").

Evaluators never load every run's rows: they ask the database about run R, compared when they need to
with the newest complete run of an earlier day (``ctx.previous``), restricted to the rule's scope by
``ctx.in_scope(Portal)`` (a SQL clause).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from alerts.rules import Rule


@dataclass(frozen=True)
class Param:
    """A kind's parameter in the rules file: its type, default and bounds (None: required)."""

    type: type
    default: Any = None
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[Any, ...] = ()
    help: str = ""

    def read(self, value: Any) -> Any:
        """The checked value (ValueError says what is wrong; the loader adds file, line and field)."""
        if value is None:
            if self.required:
                raise ValueError(f"required ({self.help})" if self.help else "required")
            return self.default
        if self.type is bool:
            if not isinstance(value, bool):
                raise ValueError("write true or false")
            return value
        if self.type in (int, float):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or (self.type is int and not isinstance(value, int)):
                raise ValueError(f"must be a {'whole number' if self.type is int else 'number'}, not {value!r}")
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"must be at least {self.minimum:g}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"must be at most {self.maximum:g}")
            return self.type(value)
        if not isinstance(value, str) or not value.strip():
            raise ValueError("must be text")
        if self.choices and value not in self.choices:
            raise ValueError(f"unknown value {value!r} (use {', '.join(map(str, self.choices))})")
        return value.strip()


@dataclass(frozen=True)
class RunRef:
    id: int
    observed_on: dt.date


@dataclass
class Context:
    """What an evaluator may use: the session, the run, the earlier day's run, the rule's scope clause."""

    session: Session
    run: RunRef
    #: the newest complete run observed on an earlier day (None on the first day: nothing to compare)
    previous: RunRef | None
    rule: Rule
    scope_clause: Callable[[Any], ColumnElement[bool]]

    def in_scope(self, portal: Any) -> ColumnElement[bool]:
        """SQL: the portal (the `Portal` entity or an alias) is in the rule's scope."""
        return self.scope_clause(portal)


@dataclass(frozen=True)
class Finding:
    """One thing a rule found. `subject` makes it unique for ever (with the rule and kind): a document
    id, a portal and the run its down streak began, a widget reading's day…"""

    subject: str
    event: str
    portal_id: str | None
    details: dict[str, Any] = field(default_factory=dict)
    url: str | None = None
    document_id: int | None = None


Evaluator = Callable[[Context], Iterable[Finding]]
Describer = Callable[[Finding | Any, str], str]


@dataclass(frozen=True)
class Kind:
    name: str
    evaluate: Evaluator
    describe: Describer
    params: dict[str, Param]
    #: the message's heading (vi, en) for this kind
    title: tuple[str, str]


KINDS: dict[str, Kind] = {}


def register(name: str, *, params: dict[str, Param], title: tuple[str, str],
             describe: Describer) -> Callable[[Evaluator], Evaluator]:
    """Decorator: add an evaluator to the registry under `name`."""

    def deco(fn: Evaluator) -> Evaluator:
        if name in KINDS:
            raise ValueError(f"alert kind {name!r} registered twice")
        KINDS[name] = Kind(name, fn, describe, params, title)
        return fn

    return deco
