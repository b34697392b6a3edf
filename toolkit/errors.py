"""Every exception the toolkit raises, under one base class.

A broken pack, policy or project file is an error raised when it loads, naming the file and the key.
A deal or document that breaks a rule is not an exception: it is a finding (`toolkit.checks.findings`).
"""

from __future__ import annotations

from pathlib import Path


class ToolkitError(Exception):
    """Base class of every error the toolkit raises on purpose."""

    exit_code = 1


class UsageError(ToolkitError):
    """The command was called wrongly: a missing path, an unknown document."""

    exit_code = 2


class InputFileError(ToolkitError):
    """An input file cannot be read or does not have the expected shape."""

    def __init__(self, *, path: Path | str, field: str | None = None, expected: str = "", found: str = ""):
        self.path, self.field, self.expected, self.found = Path(path), field, expected, found
        where = f"{path}" + (f"：字段“{field}”" if field else "")
        detail = f"应为{expected}" if expected else ""
        if found:
            detail += ("，" if detail else "") + f"实际为{found}"
        super().__init__(f"{where}：{detail}" if detail else where)


class ProjectError(InputFileError):
    """The project folder (project.yaml, units.csv) is missing or malformed."""


class PackError(InputFileError):
    """A template pack (manifest, schema, templates) is missing or malformed."""


class PolicyError(InputFileError):
    """A policy file is missing or malformed."""


class RenderError(ToolkitError):
    """A template failed while rendering: a pack bug, reported with the document and the place."""


class PdfUnavailableError(ToolkitError):
    """LibreOffice is not installed, so no PDF can be made."""

    def __init__(self) -> None:
        super().__init__(
            "生成PDF需要LibreOffice（soffice 命令）和中文字体；"
            "Debian/Ubuntu 上请安装：apt-get install libreoffice-writer-nogui fonts-noto-cjk。"
            "DOCX文件已经写出。"
        )


class PdfConversionError(ToolkitError):
    """LibreOffice ran but did not produce the expected PDF."""
