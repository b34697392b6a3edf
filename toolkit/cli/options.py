"""What every command group shares: the common options, declared once, and the one way errors are printed."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

USAGE = 2
# argparse's usage errors (Python 3.11's wording), as a sales admin reads them; one not listed stays as it is.
ARGPARSE_WORDS = (
    (r"the following arguments are required: (.+)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.+)", r"无法识别的参数：\1"),
    (r"one of the arguments (.+) is required", r"参数 \1 须给出其中一个"),
    (r"argument (\S+): expected one argument", r"参数 \1 后须给出一个值"),
    (r"argument (\S+): expected at least one argument", r"参数 \1 后须给出至少一个值"),
    (r"argument (\S+): invalid choice: (.+) \(choose from (.+)\)", r"参数 \1 的值 \2 无效，可选：\3"),
    (r"argument (\S+): invalid (\S+) value: (.+)", r"参数 \1 的值 \3 无效"),
    (r"argument (\S+): not allowed with argument (\S+)", r"参数 \1 不能与 \2 同时使用"),
    (r"argument (\S+): ignored explicit argument (.+)", r"参数 \1 不接受值 \2"),
    (r"ambiguous option: (\S+) could match (.+)", r"选项 \1 不明确，可能是：\2"),
)


class Parser(argparse.ArgumentParser):
    """argparse with its usage errors said in Chinese, after the usage line (exit 2, as argparse does)."""

    def __init__(self, prog: str | None = None, *, add_help: bool = True, **kwargs: Any):
        super().__init__(prog, add_help=False, **kwargs)
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{self.prog}：{argparse_words(message)}（{self.prog} --help 查看用法）\n")


def argparse_words(message: str) -> str:
    """Say one of argparse's usage errors in Chinese."""
    for pattern, words in ARGPARSE_WORDS:
        if (m := re.fullmatch(pattern, message)) is not None:
            return m.expand(words)
    return message


def project(
    p: argparse.ArgumentParser,
    helptext: str = "项目文件夹（project.yaml、units.csv 及其台账）",
    ledger: bool = True,
) -> None:
    """Add --project (and --db, for a command that touches the ledger)."""
    p.add_argument("--project", type=Path, required=True, help=helptext)
    if ledger:
        ledger_db(p)


def ledger_db(p: argparse.ArgumentParser, helptext: str = "") -> None:
    """Add --db: the ledger database's URL."""
    p.add_argument(
        "--db",
        dest="ledger_url",
        metavar="URL",
        help=helptext
        or "台账数据库：各项目与处理进程共用的 postgresql://…，或一个 SQLite 文件"
        "（默认：LOUPAN_DB，否则用项目自己的 .loupan/ledger.sqlite）",
    )


def pack(p: argparse.ArgumentParser) -> None:
    """Add --pack."""
    p.add_argument("--pack", type=Path, help="模板包文件夹（默认：按项目的销售类型选择）")


def as_json(p: argparse.ArgumentParser) -> None:
    """Add --json."""
    p.add_argument("--json", action="store_true", help="输出一个 JSON 对象，而非文本")


def out(p: argparse.ArgumentParser, helptext: str = "输出文件夹（默认：output/）") -> None:
    """Add --out."""
    p.add_argument("--out", type=Path, default=Path("output"), help=helptext)


def command(sub: Any, name: str, helptext: str, func: Any, **defaults: Any) -> argparse.ArgumentParser:
    """Add a command with its help and handler."""
    p = sub.add_parser(name, help=helptext, description=helptext)
    p.set_defaults(func=func, **defaults)
    return p


def group(sub: Any, name: str, helptext: str, metavar: str = "ACTION") -> Any:
    """Add a command with sub-commands."""
    return sub.add_parser(name, help=helptext, description=helptext).add_subparsers(metavar=metavar)


def date(text: str, option: str = "--date") -> dt.date:
    """Read a date given on the command line."""
    from toolkit.errors import UsageError

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}：应为日期，如 2026-11-20，实际为 {text!r}") from None


def print_json(data: Any) -> None:
    """Print data as indented JSON (dataclasses as dicts)."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=_plain))


def _plain(value: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def print_error(exc: Exception) -> None:
    """Print an error on stderr: a refusal as its findings (severity: rule: message), anything else as one line."""
    findings = getattr(exc, "findings", None)
    if findings:
        for f in findings:
            print(f"{f.severity}: {f.rule}: {f.message}", file=sys.stderr)
    else:
        print(f"loupan: {exc}", file=sys.stderr)


def wrote(path: Any) -> None:
    """Say that a file was written (the sales admin opens it next)."""
    print(f"已写出 {path}")


def print_findings(findings: list[Any]) -> None:
    """Print findings one a line, indented."""
    for f in findings:
        print("  " + f.line())
