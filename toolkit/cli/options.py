"""What every command group shares: the common options, declared once, and the one way errors are printed."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

USAGE = 2


def project(
    p: argparse.ArgumentParser,
    helptext: str = "project folder (project.yaml, units.csv, its ledger)",
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
        or "ledger database: postgresql://… shared by projects and workers, or a SQLite file "
        "(default: LOUPAN_DB, else the project's own .loupan/ledger.sqlite)",
    )


def pack(p: argparse.ArgumentParser) -> None:
    """Add --pack."""
    p.add_argument("--pack", type=Path, help="pack folder (default: by the project's sale type)")


def as_json(p: argparse.ArgumentParser) -> None:
    """Add --json."""
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def out(p: argparse.ArgumentParser, helptext: str = "output folder (default: output/)") -> None:
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


def print_findings(findings: list[Any]) -> None:
    """Print findings one a line, indented."""
    for f in findings:
        print("  " + f.line())
