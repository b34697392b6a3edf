"""The daily report (shown, and as XLSX or PDF) and the legal pages: packs, versions, clause diff, lint."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool as th
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from toolkit import api
from toolkit.api.sales import sales as open_sales
from toolkit.web import auth
from toolkit.web.auth import Caller, guarded, jsonify

KINDS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def _date(request: Request) -> str | None:
    text = request.query_params.get("date", "") or dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def daily_figures(ws, date: str):
    """Return the day's figures without writing files."""
    from toolkit.reports.daily import daily

    s = open_sales(ws)
    try:
        return daily(s, date, ws.policy)
    finally:
        s.close()


def _daily_json(d) -> dict[str, Any]:
    data = dataclasses.asdict(d)
    data["findings"] = [f.as_dict() for f in d.findings]
    return data


@guarded("daily")
async def daily_page(request: Request, who: Caller) -> Response:
    """The daily sales and cash report of a day (?date=YYYY-MM-DD, today by default)."""
    date = _date(request)
    if date is None:
        return auth.refuse(request, 400, "日期格式应为 2026-11-20")
    d = await th(daily_figures, request.app.state.ws, date)
    return request.app.state.render(request, "daily.html", {"d": d, "date": date})


@guarded("daily")
async def api_daily(request: Request, who: Caller) -> Response:
    """The daily report's figures.
    ---
    summary: 日报
    parameters: [{name: date, in: query, schema: {type: string, format: date}}]
    responses: {200: {description: "{date, sales, statuses, receipts, by_kind, by_channel, reconciliation, findings, cases, todo}"}}
    """
    date = _date(request)
    if date is None:
        return auth.refuse(request, 400, "日期格式应为 2026-11-20")
    return jsonify(_daily_json(await th(daily_figures, request.app.state.ws, date)))


@guarded("daily")
async def daily_file(request: Request, who: Caller) -> Response:
    """The daily report as XLSX or PDF."""
    kind, date = request.path_params["kind"], _date(request)
    if kind not in KINDS or date is None:
        return auth.refuse(request, 404, "没有此报表格式")
    ws = request.app.state.ws
    out = Path(request.app.state.work) / "reports" / date
    done = await th(lambda: api.report_daily(ws, date=date, out=out, pdf=kind == "pdf"))
    path = next((p for p in done.files if p.suffix == "." + kind), None)
    if path is None:
        return auth.refuse(request, 503, "PDF 需要 LibreOffice，本机未安装")
    return FileResponse(path, filename=path.name, media_type=KINDS[kind])


def packs() -> dict[str, dict[str, Any]]:
    """Return the packs by folder name: title, version, documents and released versions."""
    from toolkit.authoring.versions import released_versions
    from toolkit.pack.manifest import load_pack

    out = {}
    for folder in sorted(p for p in api.templates_dir().iterdir() if (p / "pack.yaml").is_file()):
        pack = load_pack(folder)
        out[folder.name] = {
            "name": pack.name, "title": pack.title, "version": pack.version, "documents": list(pack.documents),
            "releases": released_versions(folder), "folder": folder,
        }  # fmt: skip
    return out


def _pack(request: Request) -> tuple[str, dict[str, Any]] | None:
    name = request.path_params["pack"]
    found = packs().get(name)
    return (name, found) if found else None


def diff(folder: Path, old: str, new: str) -> list[dict[str, Any]]:
    """Compare two versions of a pack ('current' is the working copy)."""
    spec = lambda v: str(folder) if v == "current" else f"{folder}@{v}"  # noqa: E731
    result = api.pack_diff(spec(old), spec(new))
    return [{**dataclasses.asdict(c), "redline": c.redline} for c in result.changes]


@functools.lru_cache(maxsize=8)
def _lint(folder: str, stamp: float) -> list[dict[str, Any]]:
    return [f.as_dict() for f in api.pack_lint(Path(folder))]


def lint(folder: Path) -> list[dict[str, Any]]:
    """Lint a pack (kept until one of its files changes)."""
    stamp = max(p.stat().st_mtime for p in folder.rglob("*") if p.is_file())
    return _lint(str(folder), stamp)


def _versions(request: Request, info: dict[str, Any]) -> tuple[str, str] | None:
    choices = [*info["releases"], "current"]
    old = request.query_params.get("old") or (info["releases"][-1] if info["releases"] else "current")
    new = request.query_params.get("new", "current")
    return (old, new) if old in choices and new in choices else None


@guarded("legal")
async def legal_page(request: Request, who: Caller) -> Response:
    """The packs and their versions."""
    return request.app.state.render(request, "legal.html", {"packs": await th(packs)})


@guarded("legal")
async def api_packs(request: Request, who: Caller) -> Response:
    """The template packs with their versions.
    ---
    summary: 模板包
    responses: {200: {description: "{folder: {name, title, version, documents, releases}}"}}
    """
    found = await th(packs)
    return jsonify({k: {x: y for x, y in v.items() if x != "folder"} for k, v in found.items()})


async def _diff(request: Request):
    found = await th(_pack, request)
    versions = _versions(request, found[1]) if found else None
    if not found or not versions:
        return None
    return found, versions, await th(diff, found[1]["folder"], *versions)


@guarded("legal")
async def diff_page(request: Request, who: Caller) -> Response:
    """A clause diff between two versions of a pack (?old=1.0.0&new=current)."""
    done = await _diff(request)
    if done is None:
        return auth.refuse(request, 404, "没有此模板包或版本")
    (name, info), (old, new), changes = done
    context = {"name": name, "info": info, "old": old, "new": new, "changes": changes}
    return request.app.state.render(request, "diff.html", context)


@guarded("legal")
async def api_diff(request: Request, who: Caller) -> Response:
    """The clauses that differ between two versions of a pack.
    ---
    summary: 条款对比
    parameters: [{name: old, in: query, schema: {type: string}}, {name: new, in: query, schema: {type: string}}]
    responses: {200: {description: "[{document, clause, kind, old, new, redline}]"}}
    """
    done = await _diff(request)
    return jsonify(done[2]) if done else auth.refuse(request, 404, "没有此模板包或版本")


@guarded("legal")
async def lint_page(request: Request, who: Caller) -> Response:
    """The lint findings of a pack."""
    found = await th(_pack, request)
    if not found:
        return auth.refuse(request, 404, "没有此模板包")
    findings = await th(lint, found[1]["folder"])
    return request.app.state.render(request, "lint.html", {"name": found[0], "info": found[1], "findings": findings})


@guarded("legal")
async def api_lint(request: Request, who: Caller) -> Response:
    """The lint findings of a pack.
    ---
    summary: 模板检查
    responses: {200: {description: "[{rule, severity, message, location, ...}]"}}
    """
    found = await th(_pack, request)
    return jsonify(await th(lint, found[1]["folder"])) if found else auth.refuse(request, 404, "没有此模板包")
