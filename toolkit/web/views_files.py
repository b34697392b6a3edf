"""Log in and out; upload files into the inbox; the inbox list, a file's report and its original."""

from __future__ import annotations

import asyncio
import dataclasses
import secrets
from pathlib import Path

from starlette.concurrency import run_in_threadpool as th
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from toolkit.api import FILE_OUTCOMES, uploads
from toolkit.api import accounts as acc
from toolkit.domain.ids import mask_text
from toolkit.errors import UsageError
from toolkit.web import auth
from toolkit.web.auth import Caller, guarded

LOGIN_COOKIE = "loupan_login"
MAX_FILES = 20
OUTCOME_NAMES = FILE_OUTCOMES


def _next(target: str) -> str:
    """Return a local path to go to after logging in (never another site)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/board"


async def login(request: Request) -> Response:
    """Show the login form, or log in (rate-limited per address and name)."""
    render, state = request.app.state.render, request.app.state
    if request.method == "GET":
        token = secrets.token_urlsafe(24)
        page = render(request, "login.html", {"login_csrf": token, "next": _next(request.query_params.get("next", ""))})
        page.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=state.secure, max_age=3600)
        return page
    form = await request.form()
    name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
    sent, kept = str(form.get("csrf", "")), request.cookies.get(LOGIN_COOKIE, "")
    context = {"login_csrf": kept, "next": _next(str(form.get("next", ""))), "name": name}
    if not sent or not secrets.compare_digest(sent, kept):
        return render(request, "login.html", {**context, "error": "登录页面已过期，请刷新后重试"}, status=403)
    key = (request.client.host if request.client else "", name)
    if state.login_limit.blocked(key):
        return render(request, "login.html", {**context, "error": "登录失败次数过多，请5分钟后再试"}, status=429)
    user = await th(acc.authenticate, state.ws, name, password)
    if user is None:
        state.login_limit.fail(key)
        return render(request, "login.html", {**context, "error": "用户名或密码错误"}, status=401)
    sid, _ = await th(acc.session_start, state.ws, user)
    response = RedirectResponse(context["next"], status_code=303)
    response.set_cookie(
        auth.COOKIE, auth.sign(state.key, sid), httponly=True, samesite="strict", secure=state.secure,
        max_age=acc.SESSION_HOURS * 3600, path="/",
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE)
    return response


@guarded("view")
async def logout(request: Request, who: Caller) -> Response:
    """End the session."""
    sid = auth.unsign(request.app.state.key, request.cookies.get(auth.COOKIE, ""))
    if sid:
        await th(acc.session_end, request.app.state.ws, sid)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(auth.COOKIE, path="/")
    return response


@guarded("view")
async def api_me(request: Request, who: Caller) -> Response:
    """The user calling.
    ---
    summary: 当前用户
    responses: {200: {description: name, role, permissions}}
    """
    perms = [p for p in auth.PERMISSIONS if who.may(p)]
    return JSONResponse({"name": who.user.name, "role": who.user.role, "via": who.via, "permissions": perms})


@guarded("upload")
async def upload_page(request: Request, who: Caller) -> Response:
    """The drag-and-drop upload page."""
    return request.app.state.render(request, "upload.html", {"max_mb": uploads.MAX_UPLOAD // 2**20})


async def _take(request: Request, name: str, data: bytes) -> dict:
    box = request.app.state.uploads
    if box is None:
        raise UsageError("此服务未开启收件 / uploads are off on this server")
    verdict = await asyncio.wrap_future(box.submit(name, data))
    return dataclasses.asdict(verdict) | {"outcome_name": OUTCOME_NAMES.get(verdict.outcome, verdict.outcome)}


@guarded("upload")
async def api_upload(request: Request, who: Caller) -> Response:
    """Upload signed documents (multipart field `file`, one or several) into the inbox.
    ---
    summary: 上传文件（与收件箱同一流程）
    requestBody: {content: {multipart/form-data: {schema: {type: object, properties: {file: {type: string, format: binary}}}}}}
    responses:
      200: {description: "one file: {id, file, outcome (accepted|rejected|quarantine|duplicates), findings}; several: {files: [...]}"}
      413: {description: file too large}
      415: {description: not a document the inbox takes}
    """
    if int(request.headers.get("content-length") or 0) > MAX_FILES * uploads.MAX_UPLOAD:
        return auth.refuse(request, 413, "上传内容过大")
    form = await request.form(max_files=MAX_FILES, max_part_size=1024 * 1024)
    files = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
    if not files:
        return auth.refuse(request, 400, "没有文件：multipart 字段 file")
    answers = []
    for f in files:
        data = await f.read(uploads.MAX_UPLOAD + 1)
        if len(data) > uploads.MAX_UPLOAD:
            return auth.refuse(request, 413, f"{mask_text(f.filename or '')}：超过{uploads.MAX_UPLOAD // 2**20} MB")
        try:
            uploads.upload_name(f.filename or "")
        except UsageError as exc:
            return auth.refuse(request, 415, str(exc))
        answers.append(await _take(request, f.filename or "", data))
    return JSONResponse(answers[0] if len(answers) == 1 else {"files": answers})


@guarded("view")
async def inbox_page(request: Request, who: Caller) -> Response:
    """The latest files with their outcomes."""
    rows = await th(uploads.recent_files, request.app.state.ws, 200)
    return request.app.state.render(request, "inbox.html", {"rows": rows, "names": OUTCOME_NAMES})


@guarded("view")
async def api_files(request: Request, who: Caller) -> Response:
    """The latest files the inbox decided on.
    ---
    summary: 收件列表
    parameters: [{name: limit, in: query, schema: {type: integer, default: 100}}]
    responses: {200: {description: "[{id, name, outcome, document, deal_no, unit, reasons, decided_at}]"}}
    """
    limit = min(max(int(request.query_params.get("limit", "100") or 100), 1), 1000)
    return JSONResponse(await th(uploads.recent_files, request.app.state.ws, limit))


async def _row(request: Request):
    row = await th(uploads.file_row, request.app.state.ws, request.path_params["id"])
    if row is None or row.outcome is None:
        return None
    return row


def _file_json(row) -> dict:
    return {
        "id": row.id, "file": mask_text(row.name), "outcome": row.outcome, "document": row.document,
        "deal_no": row.deal_no, "unit": row.unit, "findings": row.reasons, "decided_at": row.decided_at,
        "state": row.state,
    }  # fmt: skip


@guarded("view")
async def api_file(request: Request, who: Caller) -> Response:
    """One file: its outcome and findings.
    ---
    summary: 文件详情
    responses: {200: {description: "{id, file, outcome, findings}"}, 404: {description: no such file}}
    """
    row = await _row(request)
    return JSONResponse(_file_json(row)) if row else auth.refuse(request, 404, "没有此文件")


@guarded("view")
async def file_page(request: Request, who: Caller) -> Response:
    """A file's verdict, its findings and redlines, and links to its report and original."""
    row = await _row(request)
    if row is None:
        return auth.refuse(request, 404, "没有此文件")
    context = {"f": _file_json(row), "names": OUTCOME_NAMES}
    return request.app.state.render(request, "file.html", context)


def _inside(request: Request, path: str | None) -> Path | None:
    """Return a path of the filed tree (resolved; None for anything outside it or missing)."""
    if not path:
        return None
    root = Path(request.app.state.filed).resolve()
    target = Path(path).resolve()
    return target if root in target.parents and target.is_file() else None


@guarded("view")
async def file_report(request: Request, who: Caller) -> Response:
    """The HTML report the inbox wrote beside the filed file."""
    row = await _row(request)
    target = _inside(request, row.filed_path + ".report.html") if row and row.filed_path else None
    if target is None:
        return auth.refuse(request, 404, "没有此报告")
    headers = {"Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'"}
    return FileResponse(target, media_type="text/html; charset=utf-8", headers=headers)


@guarded("view")
async def file_original(request: Request, who: Caller) -> Response:
    """The original file as filed (found by its ledger id, never by a name; only inside the filed tree)."""
    row = await _row(request)
    target = _inside(request, row.filed_path) if row else None
    if target is None:
        return auth.refuse(request, 404, "没有此文件")
    name = mask_text(Path(row.name).name) or f"file-{row.id}"
    return FileResponse(target, filename=name, media_type="application/octet-stream")
