"""Building the parser (what `loupan --help` does) loads none of the library: handlers import it when they run."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("toolkit.api", "toolkit.checks", "toolkit.render", "docx", "docxtpl", "pypdf", "cerberus", "cn2an")


def test_the_parser_imports_nothing_heavy():
    code = "import sys; from toolkit.cli import _parser; _parser(); print(' '.join(sorted(sys.modules)))"
    loaded = set(
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    )
    assert "toolkit.cli.documents" in loaded and "toolkit.cli.money" in loaded
    assert sorted(m for m in loaded if m.startswith(HEAVY)) == []
