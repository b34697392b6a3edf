"""The web page of the sales office: one Starlette application over `toolkit.api`.

Pages are rendered on the server (Jinja2, autoescape on); each page's data is also JSON under /api/, described
by /api/openapi.json (written from the route table's docstrings). Work that reads files or the ledger runs in
the thread pool; uploads go through one inbox thread (`api.uploads.UploadInbox`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.schemas import SchemaGenerator
from starlette.staticfiles import StaticFiles

from toolkit.api.uploads import UploadInbox
from toolkit.errors import ToolkitError
from toolkit.rules import Refusal
from toolkit.web import auth, views_deals, views_files, views_office, views_sales
from toolkit.web.views_files import OUTCOME_NAMES
from toolkit.workspace import open_project

HERE = Path(__file__).resolve().parent
DOC_NAMES = {"subscription": "认购书", "contract": "买卖合同", "change_room": "换房确认书", "change_refund": "退房确认书",
             "change_rename": "更名确认书", "change_price": "价格变更确认书"}  # fmt: skip
STATUS_OF_RULE = {"authority.discount": 403, "authority.change": 403}

SCHEMAS = SchemaGenerator({"openapi": "3.0.3", "info": {"title": "loupan 销售案场 API", "version": "1.0"}})


def environment() -> Environment:
    """Return the template environment: every value escaped."""
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
    env.filters["yuan"] = _yuan
    env.filters["docname"] = lambda d: DOC_NAMES.get(d or "", d or "未识别")
    env.filters["outcome"] = lambda o: OUTCOME_NAMES.get(o or "", o or "")
    return env


def _yuan(value: Any) -> str:
    try:
        return f"{float(str(value).replace(',', '')):,.2f}"
    except ValueError:
        return str(value)


def routes() -> list[Any]:
    """Return the route table: pages, then JSON under /api/."""
    return [
        Route("/", views_sales.home),
        Route("/login", views_files.login, methods=["GET", "POST"]),
        Route("/logout", views_files.logout, methods=["POST"]),
        Route("/upload", views_files.upload_page),
        Route("/inbox", views_files.inbox_page),
        Route("/files/{id:int}", views_files.file_page),
        Route("/files/{id:int}/report", views_files.file_report),
        Route("/files/{id:int}/original", views_files.file_original),
        Route("/board", views_sales.board_page),
        Route("/units/{code}", views_sales.unit_page),
        Route("/deals", views_deals.deals_page),
        Route("/deals/new", views_deals.deal_form, methods=["GET", "POST"]),
        Route("/deals/{no}", views_deals.deal_page),
        Route("/deals/{no}/{doc}.docx", views_deals.deal_document),
        Route("/approvals", views_deals.approvals_page),
        Route("/approvals/discount/{id:int}", views_deals.decide_discount, methods=["POST"]),
        Route("/approvals/change/{no}", views_deals.decide_change, methods=["POST"]),
        Route("/reports/daily", views_office.daily_page),
        Route("/reports/daily.{kind}", views_office.daily_file),
        Route("/legal", views_office.legal_page),
        Route("/legal/{pack}/diff", views_office.diff_page),
        Route("/legal/{pack}/lint", views_office.lint_page),
        Route("/api/me", views_files.api_me),
        Route("/api/files", views_files.api_files, methods=["GET"]),
        Route("/api/files", views_files.api_upload, methods=["POST"]),
        Route("/api/files/{id:int}", views_files.api_file),
        Route("/api/units", views_sales.api_units),
        Route("/api/units/{code}", views_sales.api_unit),
        Route("/api/deals", views_deals.api_deal_new, methods=["POST"]),
        Route("/api/deals/{no}", views_deals.api_deal),
        Route("/api/approvals", views_deals.api_approvals),
        Route("/api/approvals/discount/{id:int}", views_deals.api_decide_discount, methods=["POST"]),
        Route("/api/approvals/change/{no}", views_deals.api_decide_change, methods=["POST"]),
        Route("/api/reports/daily", views_office.api_daily),
        Route("/api/packs", views_office.api_packs),
        Route("/api/packs/{pack}/diff", views_office.api_diff),
        Route("/api/packs/{pack}/lint", views_office.api_lint),
        Route("/api/openapi.json", openapi, include_in_schema=False),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


async def openapi(request: Request) -> Response:
    """Describe the API (every /api/ route, from its docstring)."""
    schema = SCHEMAS.get_schema(routes=[r for r in request.app.routes if getattr(r, "path", "").startswith("/api/")])
    schema["components"] = {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}
    schema["security"] = [{"bearer": []}]
    return JSONResponse(schema)


def create_app(
    project_dir: Path,
    *,
    filed: Path | None = None,
    inbox: Path | None = None,
    secure: bool = False,
    uploads: bool = True,
    log: Any = None,
    db: str | None = None,
) -> Starlette:
    """Build the application for a project on its ledger (db: a URL; None: LOUPAN_DB, else the project's file).

    The inbox thread starts with it unless uploads is False.
    """
    project_dir = Path(project_dir)
    ws = open_project(project_dir)
    ws.ledger_url = db  # users, sessions, approvals, the board and uploads: one ledger
    env = environment()
    box = UploadInbox(
        project_dir, inbox or project_dir / ".loupan" / "web-inbox", filed or project_dir / "filed", log=log, db=db
    ) if uploads else None  # fmt: skip

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        if box:
            box.start()
        try:
            yield
        finally:
            if box:
                box.stop()

    app = Starlette(routes=routes(), lifespan=lifespan, exception_handlers={ToolkitError: _toolkit_error})
    app.state.ws, app.state.uploads, app.state.secure = ws, box, secure
    app.state.filed = box.cfg.filed if box else (filed or project_dir / "filed")
    app.state.key = auth.secret_key(project_dir)
    app.state.login_limit = auth.LoginLimit()
    app.state.work = project_dir / ".loupan" / "web"
    app.state.render = lambda request, name, context, status=200: _page(env, request, name, context, status)
    return app


def _page(env: Environment, request: Request, name: str, context: dict[str, Any], status: int) -> HTMLResponse:
    who = getattr(request.state, "caller", None)
    ws = request.app.state.ws
    context = {"request": request, "who": who, "project": ws.project, "path": request.url.path, **context}
    html = env.get_template(name).render(context)
    return HTMLResponse(html, status_code=status, headers=_headers())


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; form-action 'self'",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


async def _toolkit_error(request: Request, exc: Exception) -> Response:
    """A refusal or bad input: 403 beyond authority, 400 otherwise, with the findings."""
    findings = [f.as_dict() for f in getattr(exc, "findings", [])]
    status = STATUS_OF_RULE.get(exc.rule, 400) if isinstance(exc, Refusal) else 400
    return auth.refuse_with(request, status, str(exc), findings)
