"""A rule as the engine and the kinds use it (`Scope`, `Rule`, `RulesFile`): apart from `alerts.config`,
which reads the rules file and checks each kind against the kinds' registry, so the registry and the
kinds import these types without importing the reader that imports them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Scope:
    """Which portals a rule watches: every condition given must hold (none given: all)."""

    province: str | None = None
    level: str | None = None
    units: tuple[str, ...] = ()

    @property
    def is_all(self) -> bool:
        return self.province is None and self.level is None and not self.units


@dataclass(frozen=True)
class Rule:
    """One rule: its id (unique in the file), kind, scope, recipients, delivery mode and kind parameters."""

    id: str
    kind: str
    scope: Scope
    recipients: tuple[str, ...]
    delivery: str = "each"
    params: dict[str, Any] = field(default_factory=dict)
    line: int = 0


@dataclass(frozen=True)
class RulesFile:
    path: Path
    rules: tuple[Rule, ...]
    lang: str = "vi"
