"""YAML as people write it here: `no:` is a key (许可证号), not the boolean false of YAML 1.1."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import InputFileError


class _Loader(yaml.SafeLoader):
    """A safe loader whose booleans are only true/false (YAML 1.2), so `no`, `yes`, `on`, `off` stay text."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    """Keep an impossible date (2026-13-45) as text, so the schema names the field instead of YAML failing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice: refused, never the last value silently."""

    def __init__(self, key: str, mark):
        super().__init__(None, None, f"duplicate key '{key}'", mark)
        self.key = key


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    """Build a mapping, refusing a key given twice (works for the pure-Python and the C loader)."""
    loader.flatten_mapping(node)
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)):
            continue  # an unhashable key: construct_mapping says so
        if key in seen:
            raise DuplicateKeyError(str(key), key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)

YAMLError = yaml.YAMLError


def load_yaml(text: str) -> Any:
    """Parse YAML text safely, with YAML 1.2 booleans."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader


def problem(exc: yaml.YAMLError) -> str:
    """Say where a YAML file is broken, in one line."""
    mark = getattr(exc, "problem_mark", None)
    text = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{text} at line {mark.line + 1}" if mark else str(text)


def read_file(path: Path, error: type[InputFileError]) -> Any:
    """Read a YAML file; raise `error` naming the file when it is missing, not UTF-8 or not YAML."""
    try:
        return load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(path=path, expected="an existing file") from None
    except UnicodeDecodeError:
        raise error(path=path, expected="UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise error(path=path, expected="valid YAML", found=problem(exc)) from None
    except RecursionError:
        raise error(path=path, expected="valid YAML", found="nested too deeply") from None
