"""Deals (the entry form, a deal's page, its documents) and approvals (extra discounts and changes)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from starlette.concurrency import run_in_threadpool as th
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from toolkit.api import approvals
from toolkit.web import auth, dealform, deals
from toolkit.web.auth import Caller, guarded, jsonify

STAGES = {"rendered": "已生成", "awaiting approval": "待审批", "refused": "已驳回", "invalid": "有误"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


async def _form(request: Request) -> dict[str, Any]:
    """Read a form or a JSON body into one dict (discounts as a list)."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.form()
    return {**{k: v for k, v in form.items() if k != "discounts"}, "discounts": form.getlist("discounts")}


def _defaults(ws, who: Caller) -> dict[str, Any]:
    today = dt.date.today()
    consultant = who.user.name if who.user.role == "置业顾问" else ""
    return {"subscribe_date": today.isoformat(), "sign_deadline": (today + dt.timedelta(days=7)).isoformat(),
            "salesperson": consultant, "buyer_id_type": "居民身份证", "payment_method": "商业贷款",
            "down_payment_pct": "30", "deposit": "50000", "discounts": []}  # fmt: skip


def _form_context(ws, who: Caller, values: dict[str, Any], entered: deals.Entered | None = None) -> dict[str, Any]:
    consultants = [n for n, r in ws.project.staff.items() if r == "置业顾问"]
    return {
        "v": values, "fields": dealform.FIELDS, "errors": entered.errors if entered else {},
        "other": entered.other if entered else [], "units": sorted(ws.project.units),
        "consultants": consultants, "discounts": ws.project.discounts, "methods": dealform.PAYMENT_METHODS,
        "id_types": dealform.ID_TYPES, "ceiling": approvals.discount_ceiling(ws, who.user.role),
    }  # fmt: skip


@guarded("deal")
async def deal_form(request: Request, who: Caller) -> Response:
    """The deal entry form; on POST, the deal checked, rendered or sent for approval, or the form with its errors."""
    ws, render = request.app.state.ws, request.app.state.render
    if request.method == "GET":
        return render(request, "deal_form.html", _form_context(ws, who, _defaults(ws, who)))
    values = await _form(request)
    entered = await th(deals.enter, ws, request.app.state.work, values, who.user)
    if entered.stage == "invalid":
        return render(request, "deal_form.html", _form_context(ws, who, values, entered), status=422)
    return RedirectResponse(f"/deals/{entered.deal_no}", status_code=303)


@guarded("deal")
async def api_deal_new(request: Request, who: Caller) -> Response:
    """Enter a deal (the form's fields as JSON or form data).
    ---
    summary: 录入成交
    responses:
      200: {description: "{deal_no, stage: rendered|awaiting approval, documents, approval_id}"}
      422: {description: "{errors: {field: [messages]}, other: [messages]}"}
    """
    entered = await th(deals.enter, request.app.state.ws, request.app.state.work, await _form(request), who.user)
    return JSONResponse(dataclasses.asdict(entered), status_code=422 if entered.stage == "invalid" else 200)


@guarded("deal")
async def deals_page(request: Request, who: Caller) -> Response:
    """The deals entered on the web page."""
    rows = await th(deals.recent, request.app.state.ws, request.app.state.work)
    return request.app.state.render(request, "deals.html", {"rows": rows, "stages": STAGES})


async def _view(request: Request, who: Caller):
    ws, work = request.app.state.ws, request.app.state.work
    return await th(deals.view, ws, work, request.path_params["no"], who.user, who.may("personal"))


@guarded("deal")
async def deal_page(request: Request, who: Caller) -> Response:
    """A deal's page: its terms, stage and documents."""
    view = await _view(request, who)
    if view is None:
        return auth.refuse(request, 404, "没有此成交")
    context = {"d": view, "no": request.path_params["no"], "stages": STAGES, "doc_names": deals.DOC_NAMES}
    return request.app.state.render(request, "deal.html", context)


@guarded("deal")
async def api_deal(request: Request, who: Caller) -> Response:
    """A deal entered on the web page: its terms (personal numbers masked unless the role needs them), stage, documents.
    ---
    summary: 成交详情
    responses: {200: {description: "{deal, stage, ledger_status, documents, approval}"}, 404: {description: no such deal}}
    """
    view = await _view(request, who)
    return jsonify(view) if view else auth.refuse(request, 404, "没有此成交")


@guarded("deal")
async def deal_document(request: Request, who: Caller) -> Response:
    """A rendered 认购书 or contract (by deal number and document id, never a path)."""
    no, doc = request.path_params["no"], request.path_params["doc"]
    path = deals.document(request.app.state.work, no, doc)
    if path is None:
        return auth.refuse(request, 404, "没有此文件")
    return FileResponse(path, filename=path.name, media_type=DOCX)


@guarded("approve")
async def approvals_page(request: Request, who: Caller) -> Response:
    """What awaits approval, with what the user may decide, and the latest decisions."""
    ws = request.app.state.ws
    waiting = await th(approvals.pending, ws)
    done = await th(approvals.decided, ws)
    ceiling = approvals.discount_ceiling(ws, who.user.role)
    context = {"waiting": waiting, "done": done, "ceiling": ceiling, "may_change": _may_change(ws, who)}
    return request.app.state.render(request, "approvals.html", context)


def _may_change(ws, who: Caller) -> dict[str, bool]:
    from toolkit.control.changes import check_approver
    from toolkit.rules import Refusal

    out = {}
    for kind in ws.policy.data["changes"]["approvers"]:
        try:
            check_approver(ws.project, ws.policy, kind, who.user.name)
            out[kind] = True
        except Refusal:
            out[kind] = False
    return out


@guarded("approve")
async def api_approvals(request: Request, who: Caller) -> Response:
    """What awaits approval: extra discounts and requested changes.
    ---
    summary: 待审批
    responses: {200: {description: "{discounts: [...], changes: [...], decided: [...]}"}}
    """
    ws = request.app.state.ws
    data = await th(approvals.pending, ws)
    return jsonify({**data, "decided": await th(approvals.decided, ws)})


async def _decision(request: Request) -> tuple[bool, str]:
    body = await _form(request)
    return str(body.get("action", "")) == "approve", str(body.get("reason", ""))


async def _discount(request: Request, who: Caller) -> dict[str, Any]:
    approve, reason = await _decision(request)
    ws, work = request.app.state.ws, request.app.state.work
    return await th(
        deals.approve_discount, ws, work, request.path_params["id"], who.user, approve=approve, reason=reason
    )


@guarded("approve")
async def decide_discount(request: Request, who: Caller) -> Response:
    """Approve or refuse an extra discount (within the role's authority: 403 beyond it)."""
    done = await _discount(request, who)
    return RedirectResponse(f"/deals/{done['record']['ref']}", status_code=303)


@guarded("approve")
async def api_decide_discount(request: Request, who: Caller) -> Response:
    """Approve or refuse an extra discount: body {action: approve|refuse, reason}.
    ---
    summary: 审批额外优惠
    responses: {200: {description: "{record, entered}"}, 403: {description: beyond the role's authority}}
    """
    done = await _discount(request, who)
    return jsonify({k: dataclasses.asdict(v) if k == "entered" else v for k, v in done.items()})


async def _change(request: Request, who: Caller) -> dict[str, Any]:
    approve, reason = await _decision(request)
    no = request.path_params["no"]
    return await th(lambda: approvals.decide_change(request.app.state.ws, no, who.user, approve=approve, reason=reason))


@guarded("approve")
async def decide_change(request: Request, who: Caller) -> Response:
    """Approve (and carry out) or refuse a requested change."""
    await _change(request, who)
    return RedirectResponse("/approvals", status_code=303)


@guarded("approve")
async def api_decide_change(request: Request, who: Caller) -> Response:
    """Approve (and carry out) or refuse a requested 换房, 退房, 更名 or price change: body {action, reason}.
    ---
    summary: 审批变更
    responses: {200: {description: the decision as recorded}, 403: {description: beyond the role's authority}}
    """
    return jsonify(await _change(request, who))
