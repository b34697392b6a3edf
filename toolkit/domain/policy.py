"""Policies: the office's rules as data, shared by the checks and the procedure document."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from toolkit import yamlio
from toolkit.errors import PolicyError

DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "policies" / "default.yaml"
SEVERITIES = ("error", "warning")


REQUIRED = ("id", "severity", "title", "text", "source")


@dataclass(frozen=True)
class RuleSpec:
    """A rule's entry in the policy: severity, what staff are told, where it rests and what it reads."""

    id: str
    severity: str
    title: str
    text: str
    source: str
    applies_to: tuple[str, ...] = ()  # the inputs it reads: deal, subscription, contract, receipt, pack, ...
    summary: str = ""  # what it finds, for the documentation's rule table
    enabled: bool = True  # its switch: a project may turn a rule off in policies.yaml
    params: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Policy:
    """The merged policy of a project."""

    data: dict[str, Any]
    rules: dict[str, RuleSpec]
    authority: dict[str, Decimal]

    @property
    def deposit_limit_pct(self) -> Decimal:
        """Return the largest deposit as a percentage of the deal total."""
        return Decimal(str(self.data["deposit"]["limit_pct"]))

    @property
    def area_tolerance_pct(self) -> Decimal:
        """Return the area difference settled at the actual area."""
        return Decimal(str(self.data["area"]["tolerance_pct"]))

    def severity(self, rule_id: str) -> str:
        """Return a rule's severity; an unknown rule id is an error in the toolkit."""
        return self.rules[rule_id].severity


def load_policy(
    project_dir: Path | None, authority: dict[str, Decimal] | None = None, default: Path = DEFAULT_POLICY
) -> Policy:
    """Merge the default policy, the project's policies.yaml and its authority table."""
    data = _read(default)
    override = Path(project_dir) / "policies.yaml" if project_dir else None
    if override and override.is_file():
        data = _merge(data, _read(override))
    rules = _rules(default if not override or not override.is_file() else override, data.get("rules", []))
    table = authority if authority else {k: Decimal(str(v)) for k, v in (data.get("authority") or {}).items()}
    return Policy(data=data, rules=rules, authority=dict(table))


_READ: dict[tuple, dict[str, Any]] = {}  # policy files read in this process, by path, size and modification time


def _read(path: Path) -> dict[str, Any]:
    """Read a policy file; the default one is read once a process (the project and the rule registry both ask),
    each caller getting its own copy."""
    try:
        st = Path(path).stat()
        key: tuple | None = (str(path), st.st_size, st.st_mtime_ns)
    except OSError:
        key = None  # the reader names the missing file
    if key in _READ:
        return copy.deepcopy(_READ[key])
    data = yamlio.read_file(path, PolicyError)
    if not isinstance(data, dict):
        raise PolicyError(path=path, expected="映射（键: 值）")
    if key is not None:
        if len(_READ) >= 8:  # a long-running server reading many projects' files keeps only the latest few
            _READ.clear()
        _READ[key] = copy.deepcopy(data)
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge mappings key by key; lists (the rules) merge by rule id."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        elif key == "rules" and isinstance(value, list):
            by_id = {r["id"]: r for r in out.get("rules", [])}
            by_id.update({r["id"]: {**by_id.get(r["id"], {}), **r} for r in value if isinstance(r, dict)})
            out[key] = list(by_id.values())
        else:
            out[key] = value
    return out


def _rules(path: Path, items: list[dict[str, Any]]) -> dict[str, RuleSpec]:
    return {str(item.get("id")): _rule(path, i, item) for i, item in enumerate(items)}


def _rule(path: Path, i: int, item: Any) -> RuleSpec:
    """Read one entry of `rules:`, naming the file and field of what is wrong."""
    if not isinstance(item, dict):
        raise PolicyError(path=path, field=f"rules[{i}]", expected="含 id、severity、title、text、source 的映射")
    missing = [k for k in REQUIRED if k not in item]
    if missing:
        raise PolicyError(path=path, field=f"rules[{i}].{missing[0]}", expected="填写一个值")
    if item["severity"] not in SEVERITIES:
        raise PolicyError(
            path=path, field=f"rules[{i}].severity", expected="error 或 warning", found=str(item["severity"])
        )
    applies = item.get("applies_to") or ()
    if isinstance(applies, str) or not all(isinstance(a, str) for a in applies):
        raise PolicyError(path=path, field=f"rules[{i}].applies_to", expected="文件种类的列表")
    item = {"enabled": True, **item}
    if not isinstance(item["enabled"], bool):
        raise PolicyError(path=path, field=f"rules[{i}].enabled", expected="true 或 false")
    params = item.get("params") or {}
    if not isinstance(params, dict):
        raise PolicyError(path=path, field=f"rules[{i}].params", expected="映射（键: 值）")
    id_, severity, title, text, source = (str(item[k]) for k in REQUIRED)
    return RuleSpec(
        id_, severity, title, text, source, tuple(applies), str(item.get("summary", "")), item["enabled"], params
    )
