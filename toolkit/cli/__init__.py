"""The `loupan` command: one parser built from the command-group modules, one error boundary, exit codes.

Each group module (`toolkit/cli/<group>.py`) exposes `add_commands(sub)` and imports the toolkit only inside
its handlers, so `loupan --help` starts without loading the library. A new group is one module name in GROUPS.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys

from toolkit.cli.options import USAGE, Parser, print_error

GROUPS = (
    "toolkit.cli.documents",
    "toolkit.cli.inbox",
    "toolkit.cli.units",
    "toolkit.cli.changes",
    "toolkit.cli.money",
    "toolkit.cli.reports",
    "toolkit.cli.pack",
    "toolkit.cli.web",
    "toolkit.cli.pricing",
    "toolkit.cli.notices",
    "toolkit.cli.cases",
    "toolkit.cli.review",
    "toolkit.cli.db",
    "toolkit.cli_rules",
)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 findings or refused, 2 usage, 130 interrupted)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return USAGE
    return run(args.func, args)


def run(func, args: argparse.Namespace) -> int:
    """The one error boundary: a toolkit error or refusal is printed, never a traceback."""
    from toolkit.errors import ToolkitError

    try:
        with _ledger_url(getattr(args, "ledger_url", None)):
            return int(func(args))
    except ToolkitError as exc:
        print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


@contextlib.contextmanager
def _ledger_url(url: str | None):
    """Let --db choose the ledger for the whole command, as LOUPAN_DB would (the one place it is read)."""
    if not url:
        yield
        return
    before = os.environ.get("LOUPAN_DB")
    os.environ["LOUPAN_DB"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("LOUPAN_DB", None)
        else:
            os.environ["LOUPAN_DB"] = before


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="loupan", description="楼盘销售管理工具：模板包、核对、收件夹。")
    sub = parser.add_subparsers(metavar="COMMAND")
    for name in GROUPS:
        importlib.import_module(name).add_commands(sub)
    return parser
