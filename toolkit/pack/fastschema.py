"""A compiled fast path for the schemas of a pack: it passes documents that are plainly valid, nothing else.

A cerberus validator costs ~2 ms to build (most of it checking the schema itself) and its import 0.1 s; a price
list has hundreds of rows and every command opens a project. This path applies the same coercions and the same
rules, in cerberus's order (defaults, coercion, then the rules), for the rules our schemas use. Whenever it is in
any doubt (a rule it does not know, an empty or missing value, a value that fails) it gives up, and cerberus
decides and names the problem: the result is always the one cerberus would give.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from toolkit.pack.coerce import COERCERS

RULES = {"type", "required", "coerce", "regex", "empty", "min", "max", "allowed", "minlength", "maxlength"}
RULES |= {"schema", "keysrules", "valuesrules", "default", "nullable"}
TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "decimal": (Decimal,),
    "date": (dt.date,),
    "dict": (dict,),
    "list": (list,),
}

Check = Callable[[Any], Any]


class NotPlain(Exception):
    """A value the fast path leaves to cerberus."""


def compile_mapping(schema: Any, allow_unknown: bool) -> Check | None:
    """Return a check of a whole mapping, or None when the schema uses what the fast path does not know."""
    if not isinstance(schema, dict):
        return None
    fields = {}
    for name, rules in schema.items():
        check = compile_field(rules, allow_unknown)
        if check is None:
            return None
        fields[name] = (rules, check)
    return lambda doc: _mapping(doc, fields, allow_unknown)


def _mapping(doc: Any, fields: dict[str, tuple[dict, Check]], allow_unknown: bool) -> dict:
    if not isinstance(doc, dict) or (not allow_unknown and any(k not in fields for k in doc)):
        raise NotPlain
    out = {k: (fields[k][1](v) if k in fields else v) for k, v in doc.items()}
    for name, (rules, check) in fields.items():
        if name in doc:
            continue
        if "default" in rules:
            out[name] = check(rules["default"])
        elif rules.get("required"):
            raise NotPlain
    return out


def compile_field(rules: Any, allow_unknown: bool) -> Check | None:
    """Return a check of one value against its rules, or None when a rule is not known here."""
    if not isinstance(rules, dict) or set(rules) - RULES:
        return None
    names: list[Any] = rules["type"] if isinstance(rules.get("type"), list) else [rules.get("type")]
    if not names or any(n not in TYPES for n in names) or ("coerce" in rules and rules["coerce"] not in COERCERS):
        return None
    inner = _inner(rules, names, allow_unknown)
    if inner is False:
        return None
    return _field_check(rules, tuple(t for n in names for t in TYPES[n]), inner)


def _inner(rules: dict, names: list[Any], allow_unknown: bool) -> Any:
    """Compile what a container holds: a mapping schema, an item's rules, or keys and values; False if unknown."""
    parts = {}
    if "schema" in rules:
        if names == ["dict"]:
            parts["schema"] = compile_mapping(rules["schema"], allow_unknown)
        elif names == ["list"]:
            parts["schema"] = compile_field(rules["schema"], allow_unknown)
        else:
            return False
    for key in ("keysrules", "valuesrules"):
        if key in rules:
            parts[key] = compile_field(rules[key], allow_unknown) if names == ["dict"] else None
    return False if any(p is None for p in parts.values()) else parts


def _field_check(rules: dict, types: tuple[type, ...], inner: dict[str, Check]) -> Check:
    coerce = COERCERS.get(rules.get("coerce", ""))
    pattern = rules.get("regex")
    regex = re.compile(pattern if pattern.endswith("$") else pattern + "$") if pattern else None

    def check(value: Any) -> Any:
        if value is None:
            raise NotPlain
        value = coerce(value) if coerce else value
        if isinstance(value, bool) or not isinstance(value, types):
            raise NotPlain
        if hasattr(value, "__len__") and len(value) == 0 and "empty" in rules:
            raise NotPlain  # cerberus drops some rules for empty values: let it decide
        _rules(rules, value, regex)
        return _contents(value, inner)

    return check


def _rules(rules: dict, value: Any, regex: re.Pattern[str] | None) -> None:
    if regex is not None and (not isinstance(value, str) or not regex.match(value)):
        raise NotPlain
    allowed = rules.get("allowed")
    if allowed is not None and not (set(value) <= set(allowed) if isinstance(value, list) else value in allowed):
        raise NotPlain
    if "minlength" in rules and len(value) < rules["minlength"]:
        raise NotPlain
    if "maxlength" in rules and len(value) > rules["maxlength"]:
        raise NotPlain
    if ("min" in rules and value < rules["min"]) or ("max" in rules and value > rules["max"]):
        raise NotPlain


def _contents(value: Any, inner: dict[str, Check]) -> Any:
    if "schema" in inner:
        value = inner["schema"](value) if isinstance(value, dict) else [inner["schema"](v) for v in value]
    if "keysrules" in inner and any(inner["keysrules"](k) != k for k in value):
        raise NotPlain
    if "valuesrules" in inner:
        value = {k: inner["valuesrules"](v) for k, v in value.items()}
    return value
