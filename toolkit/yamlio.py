"""YAML as people write it here: `no:` is a key (许可证号), not the boolean false of YAML 1.1.

Files are parsed by libyaml (PyYAML's C loader, 8x faster on a batch of deal files) when PyYAML was built with
it, and by the pure-Python loader otherwise; both resolve the same way (the resolvers and constructors are
Python in either case). A text the C parser refuses is parsed again by the pure one, so a broken file gets
the same message whichever is installed; a text with a tab (which libyaml accepts after `key:` and PyYAML
does not) goes to the pure one directly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from toolkit.errors import InputFileError

_BOOL = "tag:yaml.org,2002:bool"


class PureLoader(yaml.SafeLoader):
    """A safe loader whose booleans are only true/false (YAML 1.2), so `no`, `yes`, `on`, `off` stay text."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """Keep an impossible date (2026-13-45) as text, so the schema names the field instead of YAML failing."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping names the same key twice: refused, never the last value silently."""

    def __init__(self, key: str, mark):
        super().__init__(None, None, f"键“{key}”重复", mark)
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


def _yaml12(loader: Any) -> Any:
    """Give a safe loader class YAML 1.2 booleans, lenient timestamps and no duplicate keys."""
    loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
    }
    loader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
    loader.add_constructor("tag:yaml.org,2002:map", _mapping)
    return loader


_yaml12(PureLoader)
CLoader: Any = (
    _yaml12(type("CLoader", (yaml.CSafeLoader,), {"__doc__": "PureLoader's rules on libyaml's parser."}))
    if getattr(yaml, "__with_libyaml__", False)
    else None
)


YAMLError = yaml.YAMLError


def load_yaml(text: str) -> Any:
    """Parse YAML text safely, with YAML 1.2 booleans (libyaml when installed)."""
    if CLoader is None or "\t" in text:  # libyaml accepts a tab where PyYAML refuses one: keep one answer
        return load_pure(text)
    try:
        return yaml.load(text, Loader=CLoader)  # noqa: S506 - CLoader is a CSafeLoader
    except yaml.YAMLError:
        return load_pure(text)  # raises with the pure parser's own words and line, or parses what libyaml refused


def load_pure(text: str) -> Any:
    """Parse YAML text with the pure-Python loader only (the reference the C loader is held to)."""
    return yaml.load(text, Loader=PureLoader)  # noqa: S506 - PureLoader is a SafeLoader


def problem(exc: yaml.YAMLError) -> str:
    """Say where a YAML file is broken, in one line, in Chinese where the parser's words are known."""
    mark = getattr(exc, "problem_mark", None)
    text = in_chinese(str(getattr(exc, "problem", None) or str(exc).splitlines()[0]))
    return f"第{mark.line + 1}行：{text}" if mark else text


_PROBLEMS = (  # what PyYAML says of a file a person broke, and how the office reads it
    (r"mapping values are not allowed here", "此处不能有“键: 值”（值中有冒号须加引号，或缩进不对）"),
    (r"found unexpected end of stream", "文件意外结束（引号或括号没有闭合）"),
    (r"found character '\\t' that cannot start any token", "有制表符（Tab）：请改用空格"),
    (r"found character (.+) that cannot start any token", r"字符 \1 不能出现在值的开头（请给值加引号）"),
    (r"found undefined alias (.+)", r"引用了未定义的锚点 \1"),
    (r"found unknown escape character (.+)", r"双引号中有未知的转义 \1（反斜杠请写两个，或改用单引号）"),
    (r"found unhashable key", "键不能是列表或映射"),
    (r"could not find expected ':'", "缺少冒号“:”"),
    (r"could not determine a constructor for the tag (.+)", r"不认识的标签 \1"),
    (r"second occurrence", "锚点重复定义"),
    (r"but found another document", "文件中有多个文档（---）"),
    (r"expected (.+), but (?:found|got) (.+)", r"应为\1，实际为\2"),
)
_TOKENS = {
    "'<stream end>'": "文件末尾",
    "<block end>": "缩进层次的结束",
    "'<block mapping start>'": "新的一组“键: 值”（缩进不对）",
    "'?'": "一个键（缩进不对）",
    "'-'": "列表项“-”（缩进不对）",
    "',' or ']'": "“,”或“]”",
    "',' or '}'": "“,”或“}”",
}


def in_chinese(text: str) -> str:
    """Say a PyYAML problem in Chinese; one it does not know stays in the parser's words."""
    for pattern, words in _PROBLEMS:
        m = re.fullmatch(pattern, text)
        if m:
            return _tokens(m.expand(words))
    return text


def _tokens(text: str) -> str:
    for token, words in _TOKENS.items():
        text = text.replace(token, words)
    return text


def read_file(path: Path, error: type[InputFileError]) -> Any:
    """Read a YAML file; raise `error` naming the file when it is missing, not UTF-8 or not YAML."""
    try:
        return load_yaml(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(path=path, expected="已存在的文件") from None
    except UnicodeDecodeError:
        raise error(path=path, expected="UTF-8 编码的文字") from None
    except yaml.YAMLError as exc:
        raise error(path=path, expected="有效的YAML", found=problem(exc)) from None
    except RecursionError:
        raise error(path=path, expected="有效的YAML", found="嵌套层数过多") from None
