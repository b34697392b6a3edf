"""The 销控表 (live: the page polls /api/units for a newer version) and a unit's page."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.concurrency import run_in_threadpool as th
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from toolkit import api
from toolkit.api.accounts import accounts
from toolkit.api.sales import sales as open_sales
from toolkit.errors import UsageError
from toolkit.reports.board import COLOURS, PENDING, REPRICE, grid
from toolkit.web.auth import Caller, guarded

POLL_MS = 3000


async def home(request: Request) -> Response:
    """Go to the board."""
    return RedirectResponse("/board", status_code=303)


def board_data(ws) -> dict[str, Any]:
    """Return the board's version and every unit's state."""
    with accounts(ws) as a:
        version = a.board_version()
    s = open_sales(ws)
    try:
        states = s.all_units()
    finally:
        s.close()
    units = {c: {"status": str(u.status), "deal_no": u.deal_no, "pending": u.pending,
                 "needs_pricing": u.needs_pricing} for c, u in states.items()}  # fmt: skip
    return {"version": version, "units": units}


def _version(ws) -> int:
    with accounts(ws) as a:
        return a.board_version()


@guarded("view")
async def api_units(request: Request, who: Caller) -> Response:
    """Every unit's status (the board); with `since`, only whether anything moved since that version.
    ---
    summary: 销控表
    parameters: [{name: since, in: query, schema: {type: integer}}]
    responses: {200: {description: "{version, units: {code: {status, deal_no, pending, needs_pricing}}}"}}
    """
    ws = request.app.state.ws
    since = request.query_params.get("since", "")
    if since.isdigit() and await th(_version, ws) == int(since):
        return JSONResponse({"version": int(since), "changed": False})
    return JSONResponse({**await th(board_data, ws), "changed": True})


@guarded("view")
async def board_page(request: Request, who: Caller) -> Response:
    """The board of all units, coloured by status."""
    ws = request.app.state.ws
    data = await th(board_data, ws)
    buildings = [
        {"name": b, "permitted": ws.project.any_permit_for(b) is not None, "floors": list(floors.items())}
        for b, floors in grid(ws.project).items()
    ]
    counts: dict[str, int] = {}
    for u in data["units"].values():
        counts[u["status"]] = counts.get(u["status"], 0) + 1
    context = {
        "buildings": buildings, "units": data["units"], "version": data["version"], "colours": COLOURS,
        "pending": PENDING, "reprice": REPRICE, "counts": counts, "poll_ms": POLL_MS,
    }  # fmt: skip
    return request.app.state.render(request, "board.html", context)


def _unit(ws, code: str):
    try:
        return api.unit_show(ws, code)
    except UsageError:
        return None


@guarded("view")
async def api_unit(request: Request, who: Caller) -> Response:
    """A unit's status, price, deal (ID numbers masked), documents, changes and history.
    ---
    summary: 房源详情
    responses: {200: {description: "{code, status, pending, price, deal, documents, changes, history}"}, 404: {description: no such unit}}
    """
    u = await th(_unit, request.app.state.ws, request.path_params["code"])
    if u is None:
        return JSONResponse({"error": "没有此房号", "status": 404}, status_code=404)
    return JSONResponse(dataclasses.asdict(u))


@guarded("view")
async def unit_page(request: Request, who: Caller) -> Response:
    """A unit's page."""
    ws = request.app.state.ws
    u = await th(_unit, ws, request.path_params["code"])
    if u is None:
        return request.app.state.render(request, "error.html", {"status": 404, "message": "没有此房号"}, status=404)
    unit = ws.project.units[u.code]
    context = {"u": u, "unit": unit, "colour": COLOURS.get(u.status, "#fff")}
    return request.app.state.render(request, "unit.html", context)
