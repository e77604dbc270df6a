"""The rules file (`alerts.yaml`): read, validated, and refused whole with `FILE:LINE: field 'F': message`.

Where it is: `--config FILE`, else `$CCHC_ALERTS`. Why validated up front: a rule that is wrong
(an unknown kind, a threshold written as text, a recipient URL apprise cannot read) would otherwise
stay silent for ever, which looks exactly like "nothing happened". The format is documented in
README.md ("Alerts"); each kind's parameters are declared by the kind itself (`alerts.kinds`).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from alerts.rules import Rule, RulesFile, Scope

ENV = "CCHC_ALERTS"
DELIVERY_MODES = ("each", "digest")
SCOPE_KEYS = ("province", "level", "units")
RULE_KEYS = ("id", "kind", "scope", "recipients", "delivery")


class AlertsConfigError(Exception):
    """A rules file that cannot be used; the message is `FILE:LINE: field 'F': message`."""


class _Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings carry their line numbers (for `FILE:LINE` errors)."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    out = _Mapping()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = value_node.start_mark.line + 1
    return out


class _Sequence(list):
    """A YAML sequence that remembers the line of each item (1-based)."""

    item_lines: list[int]


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _Sequence:
    out = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class Problem(Exception):
    """Raised while reading one field: `config_error` adds the file."""

    def __init__(self, line: int, fieldname: str, message: str) -> None:
        super().__init__(message)
        self.line, self.field, self.message = line, fieldname, message


def line_of(mapping: Any, key: str) -> int:
    """The line of `key`'s value in `mapping` (the mapping's own line when the key is absent)."""
    if isinstance(mapping, _Mapping):
        return mapping.key_lines.get(key, mapping.line)
    return 0


def config_path(given: str | None) -> Path | None:
    """`--config`, else `$CCHC_ALERTS`, else None (no rules configured). An empty value is an error."""
    if given is not None:
        if not given.strip():
            raise AlertsConfigError("--config is empty: give the rules file (alerts.yaml)")
        return Path(given).expanduser()
    env = os.environ.get(ENV)
    if env is None:
        return None
    if not env.strip():
        raise AlertsConfigError(f"${ENV} is set but empty: give the rules file or unset it")
    return Path(env).expanduser()


def _scope(raw: Any, rule: Any) -> Scope:
    line = line_of(rule, "scope")
    if raw is None or raw == "all":
        return Scope()
    if not isinstance(raw, dict):
        raise Problem(line, "scope", "write `all` or a mapping of province, level and/or units")
    unknown = [k for k in raw if k not in SCOPE_KEYS]
    if unknown:
        raise Problem(line_of(raw, str(unknown[0])), f"scope.{unknown[0]}",
                      f"unknown scope key (use {', '.join(SCOPE_KEYS)})")
    from reports.base import LEVELS

    level = raw.get("level")
    if level is not None:
        level = _level(level, line_of(raw, "level"))
        if level not in LEVELS:
            raise Problem(line_of(raw, "level"), "scope.level", f"unknown level {raw.get('level')!r} "
                          f"(use {', '.join(LEVELS)})")
    province = raw.get("province")
    if province is not None and (not isinstance(province, str) or not province.strip()):
        raise Problem(line_of(raw, "province"), "scope.province", "give the province's name as text")
    units = raw.get("units") or []
    if isinstance(units, str):
        units = [units]
    if not isinstance(units, list) or not all(isinstance(u, str) and u.strip() for u in units):
        raise Problem(line_of(raw, "units"), "scope.units", "give a list of portal ids (as in the registry)")
    return Scope(province=province.strip() if province else None, level=level, units=tuple(u.strip() for u in units))


def _level(value: Any, line: int) -> str:
    """A level as people write it (`xã`, `tỉnh`…) or as stored (the CLI's own reading of levels)."""
    from cli.params import parse_level

    return parse_level(str(value)) or str(value)


def _recipients(raw: Any, rule: Any) -> tuple[str, ...]:
    import apprise

    line = line_of(rule, "recipients")
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise Problem(line, "recipients", "give at least one recipient URL (mailto://, tgram://, json://, …)")
    out = []
    for i, url in enumerate(raw):
        if not isinstance(url, str) or apprise.Apprise.instantiate(url.strip(), suppress_exceptions=True) is None:
            shown = url if not isinstance(url, str) else url.split("://")[0] + "://…"
            item_line = raw.item_lines[i] if isinstance(raw, _Sequence) else line
            raise Problem(item_line, f"recipients[{i}]", f"not a recipient URL apprise can deliver to ({shown})")
        out.append(url.strip())
    return tuple(out)


def parse_rule(raw: Any, position: int, seen: set[str], line: int = 0) -> Rule:
    """One rule mapping, checked: id, kind (from the registry), scope, recipients, delivery, parameters."""
    from alerts.kinds import KINDS

    if not isinstance(raw, dict):
        raise Problem(line, f"rules[{position}]", "each rule is a mapping (id, kind, scope, recipients…)")
    rid = raw.get("id")
    if not isinstance(rid, str) or not rid.strip() or "|" in rid:
        raise Problem(line_of(raw, "id"), "id", "each rule needs an id: a short name without '|'")
    rid = rid.strip()
    if rid in seen:
        raise Problem(line_of(raw, "id"), "id", f"rule id {rid!r} is used twice")
    kind_name = raw.get("kind")
    if kind_name not in KINDS:
        raise Problem(line_of(raw, "kind"), "kind", f"unknown kind {kind_name!r} (known: {', '.join(sorted(KINDS))})")
    kind = KINDS[kind_name]
    allowed = set(RULE_KEYS) | set(kind.params)
    for key in raw:
        if key not in allowed:
            raise Problem(line_of(raw, str(key)), str(key), f"not a field of a {kind_name} rule "
                          f"(fields: {', '.join(sorted(allowed))})")
    params: dict[str, Any] = {}
    for name, spec in kind.params.items():
        try:
            params[name] = spec.read(raw.get(name))
        except ValueError as exc:
            raise Problem(line_of(raw, name), name, str(exc)) from None
    delivery = raw.get("delivery", "each")
    if delivery not in DELIVERY_MODES:
        raise Problem(line_of(raw, "delivery"), "delivery", f"use {' or '.join(DELIVERY_MODES)}")
    return Rule(id=rid, kind=kind_name, scope=_scope(raw.get("scope"), raw),
                recipients=_recipients(raw.get("recipients"), raw), delivery=delivery, params=params,
                line=getattr(raw, "line", 0))


def load_rules(path: Path) -> RulesFile:
    """The rules file at `path`, every rule checked; the first problem is an `AlertsConfigError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise AlertsConfigError(f"{path}: cannot read the rules file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise AlertsConfigError(f"{path}:1: the rules file is not UTF-8 text") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise AlertsConfigError(f"{path}:{line}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    try:
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list) or not data["rules"]:
            raise Problem(line_of(data, "rules") or 1, "rules", "the file needs `rules:`, a list of at least one rule")
        for key in data:
            if key not in ("rules", "lang"):
                raise Problem(line_of(data, str(key)), str(key), "unknown top-level field (use rules, lang)")
        lang = data.get("lang", "vi")
        if lang not in ("vi", "en"):
            raise Problem(line_of(data, "lang"), "lang", "use vi or en")
        seen: set[str] = set()
        rules = []
        for i, raw in enumerate(data["rules"]):
            items = data["rules"]
            rule = parse_rule(raw, i, seen, items.item_lines[i] if isinstance(items, _Sequence) else 0)
            seen.add(rule.id)
            rules.append(rule)
    except Problem as p:
        raise AlertsConfigError(f"{path}:{p.line or 1}: field '{p.field}': {p.message}") from None
    return RulesFile(path=path, rules=tuple(rules), lang=lang)
