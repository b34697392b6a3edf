"""The `loupan` command: parse arguments, call the library, print, map errors to exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from toolkit import api
from toolkit.errors import ToolkitError, UsageError
from toolkit.findings import Finding, has_errors

USAGE = 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return USAGE
    try:
        return int(args.func(args))
    except ToolkitError as exc:
        print(f"loupan: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loupan", description="楼盘销售管理工具: template packs, checks, inbox.")
    sub = parser.add_subparsers(metavar="COMMAND")
    r = sub.add_parser("render", help="check deals and render their documents (DOCX, PDF)",
                       description="Check each deal, then render the documents of the clean ones.")
    r.add_argument("--project", type=Path, required=True, help="project folder (project.yaml, units.csv)")
    which = r.add_mutually_exclusive_group()
    which.add_argument("--deal", type=Path, action="append", default=[], help="a deal file (repeatable)")
    which.add_argument("--all-deals", action="store_true", help="every deal in PROJECT/deals/")
    r.add_argument("--docs", help="documents to render, comma-separated (default: subscription,contract for "
                                  "deals, procedure,handbook otherwise)")
    r.add_argument("--out", type=Path, default=Path("output"), help="output folder (default: output/)")
    r.add_argument("--pdf", action="store_true", help="also write PDFs (needs LibreOffice)")
    r.add_argument("--json", action="store_true", help="print one JSON object with the findings")
    r.add_argument("--pack", type=Path, help="pack folder (default: by the project's sale type)")
    r.add_argument("--quiet", action="store_true", help="no progress lines")
    r.add_argument("--script", choices=("hans", "hant"), default="hans",
                   help="simplified (default) or traditional characters (files named ...-hant.docx)")
    r.set_defaults(func=_render)
    c = sub.add_parser("check", help="check filled or signed documents (DOCX, text PDF)",
                       description="Read documents back and check them; files given together are cross-checked.")
    c.add_argument("files", type=Path, nargs="+", metavar="FILE", help="a 认购书 and/or contract, DOCX or PDF")
    c.add_argument("--project", type=Path, required=True, help="project folder (project.yaml, units.csv)")
    c.add_argument("--json", action="store_true", help="print one JSON object with the findings")
    c.add_argument("--html", type=Path, metavar="REPORT", help="also write a report a person reads")
    c.add_argument("--pack", type=Path, help="pack folder (default: by the project's sale type)")
    c.add_argument("--script", choices=("hans", "hant"), help="the documents' script, when their provenance "
                                                              "is lost (default: from the provenance, or tried)")
    c.set_defaults(func=_check)
    for name, helptext in (("watch", "watch an inbox folder until stopped (SIGINT/SIGTERM)"),
                           ("ingest", "process what is in an inbox folder now, then exit")):
        w = sub.add_parser(name, help=helptext, description=helptext)
        w.add_argument("--project", type=Path, required=True, help="project folder (its ledger lives there)")
        w.add_argument("--inbox", type=Path, required=True, help="the folder signed forms are dropped into")
        w.add_argument("--filed", type=Path, required=True, help="the filed tree (outside the inbox)")
        w.add_argument("--stability", type=float, default=2.0, metavar="SECONDS",
                       help="how long a file must stay unchanged before it is taken (default 2)")
        w.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                       help="longest check of one file before it is quarantined (default 60)")
        w.add_argument("--incomplete-grace", type=float, default=30.0 if name == "watch" else 5.0,
                       metavar="SECONDS", help="how long a stable file that does not open as a whole document "
                                               "is waited for before it is quarantined")
        w.add_argument("--pack", type=Path, help="pack folder (default: by the project's sale type)")
        if name == "watch":
            w.add_argument("--polling", action="store_true", help="poll instead of file-system events "
                                                                  "(network shares)")
            w.add_argument("--rescan", type=float, default=60.0, metavar="SECONDS",
                           help="rescan the whole inbox this often (default 60)")
        w.set_defaults(func=_inbox_command, command=name)
    st = sub.add_parser("status", help="files per outcome and the latest rejections")
    st.add_argument("--project", type=Path, required=True, help="project folder")
    st.add_argument("--json", action="store_true", help="print JSON")
    st.set_defaults(func=_status)
    _sales_commands(sub)
    p = sub.add_parser("pack", help="pack authoring tools").add_subparsers(metavar="ACTION")
    b = p.add_parser("build", help="build a pack's DOCX templates from their sources")
    b.add_argument("pack", type=Path, help="pack folder")
    b.set_defaults(func=_pack_build)
    lint = p.add_parser("lint", help="lint a pack's templates (tags, variables, clause ids, tracked changes)")
    lint.add_argument("pack", type=Path, help="pack folder")
    lint.add_argument("--json", action="store_true", help="print JSON")
    lint.set_defaults(func=_pack_lint)
    test = p.add_parser("test", help="render the pack's samples and compare each clause with its baseline")
    test.add_argument("pack", type=Path, help="pack folder")
    test.add_argument("--update", action="store_true", help="accept the rendered text as the new baselines")
    test.set_defaults(func=_pack_test)
    diff = p.add_parser("diff", help="clauses changed, added or removed between two packs or versions")
    diff.add_argument("old", help="pack folder, or PACK@VERSION for a released version")
    diff.add_argument("new", help="pack folder, or PACK@VERSION")
    diff.add_argument("--out", type=Path, help="write the report: .html or .docx")
    diff.set_defaults(func=_pack_diff)
    rel = p.add_parser("release", help="keep the current version under PACK/releases/VERSION/")
    rel.add_argument("pack", type=Path, help="pack folder")
    rel.set_defaults(func=_pack_release)
    return parser


def _render(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project, pack_dir=args.pack)
    deals = api.deal_files(ws) if args.all_deals else args.deal
    for d in deals:
        if not Path(d).is_file():
            raise UsageError(f"{d}: no such deal file")
    docs = _docs(args.docs, bool(deals))
    result = api.render(ws, deals=deals, docs=docs, out=args.out, pdf=args.pdf, script=args.script,
                        progress=None if args.quiet or len(deals) < 10 else _progress)
    for note in result.notes:
        print(f"loupan: {note}", file=sys.stderr)
    if args.json:
        print(json.dumps(_json(result), ensure_ascii=False, indent=2))
    else:
        _print_text(result)
    return 1 if has_errors(result.findings) else 0


def _docs(value: str | None, with_deals: bool) -> list[str]:
    if value:
        return [d.strip() for d in value.split(",") if d.strip()]
    return ["subscription", "contract"] if with_deals else ["procedure", "handbook"]


def _progress(i: int, n: int, deal_no: str) -> None:
    print(f"[{i}/{n}] {deal_no}", file=sys.stderr, flush=True)


def _json(result: api.RenderResult) -> dict[str, Any]:
    return {
        "ok": not has_errors(result.findings),
        "findings": [f.as_dict() for f in result.findings],
        "deals": [{"deal_no": d.check.deal_no, "file": str(d.check.path), "rendered": bool(d.documents),
                   "findings": [f.as_dict() for f in d.findings],
                   "outputs": _outputs(d.documents)} for d in result.deals],
        "outputs": _outputs(result.documents),
        "notes": result.notes,
    }


def _outputs(docs: list) -> list[str]:
    return [str(p) for d in docs for p in (d.docx, d.pdf) if p]


def _print_text(result: api.RenderResult) -> None:
    for d in result.deals:
        status = "rendered" if d.documents else ("skipped" if has_errors(d.findings) else "checked")
        print(f"{d.check.deal_no}: {status}")
        for f in d.findings:
            print("  " + _line(f))
    for path in _outputs(result.documents):
        print(f"wrote {path}")


def _line(f: Finding) -> str:
    where = f" [{f.location}]" if f.location else ""
    return f"{f.severity}: {f.rule}{where}: {f.message}"


def _check(args: argparse.Namespace) -> int:
    from toolkit.reports.check_html import render_html

    ws = api.open_project(args.project, pack_dir=args.pack)
    result = api.check(ws, args.files, script=args.script)
    if args.html:
        report = [(d.path.name, d.doc_id, d.findings) for d in result.documents]
        args.html.write_text(render_html(report), encoding="utf-8")
    if args.json:
        docs = [{"file": str(d.path), "document": d.doc_id, "pack": d.pack, "pack_version": d.version,
                 "findings": [f.as_dict() for f in d.findings]} for d in result.documents]
        print(json.dumps({"ok": not has_errors(result.findings), "findings": [f.as_dict() for f in result.findings],
                          "documents": docs}, ensure_ascii=False, indent=2))
    else:
        for d in result.documents:
            print(f"{d.path.name}: {d.doc_id or 'unknown'}: {'ok' if not d.findings else f'{len(d.findings)} finding(s)'}")
            for f in d.findings:
                print("  " + _line(f))
    return 1 if has_errors(result.findings) else 0


def _inbox_command(args: argparse.Namespace) -> int:
    options = {"stability": args.stability, "time_limit": args.time_limit, "pack_dir": args.pack,
               "incomplete_grace": args.incomplete_grace}
    if args.command == "watch":
        options.update(polling=args.polling, rescan=args.rescan)
    cfg = api.inbox_config(args.project, args.inbox, args.filed, **options)
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    if args.command == "ingest":
        taken = api.ingest(cfg, log=log)
    else:
        taken = api.watch(cfg, log=log, ready=lambda _: log(f"watching {args.inbox} (stop with Ctrl-C)"))
    log(f"{taken} file(s) taken")
    return 0


def _status(args: argparse.Namespace) -> int:
    data = api.inbox_status(args.project)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    print(f"ledger: {data['ledger']}")
    for outcome, count in sorted(data["counts"].items()):
        print(f"  {outcome}: {count}")
    for title, key in (("recent rejections", "recent_rejections"), ("recent quarantine", "recent_quarantine")):
        if data[key]:
            print(title + ":")
        for row in data[key]:
            rules = ", ".join(sorted({r["rule"] for r in row["reasons"]}))
            print(f"  #{row['id']} {row['file']} ({row['deal_no'] or '-'}): {rules}")
            for r in row["reasons"][:3]:
                print(f"      {r['message'][:120]}")
    return 0


def _sales_commands(sub) -> None:
    unit = sub.add_parser("unit", help="a unit: show it, hold or release it (销控), approve its new price")
    actions = unit.add_subparsers(metavar="ACTION")
    show = actions.add_parser("show", help="status, price, deal, documents and history of a unit")
    show.add_argument("code")
    show.add_argument("--project", type=Path, required=True)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=_unit_show)
    for name, helptext in (("hold", "hold a free unit back from sale (销控)"), ("release", "release a held unit"),
                           ("reprice", "价格审核: a unit back from a refund or room change may be sold again")):
        a = actions.add_parser(name, help=helptext)
        a.add_argument("code")
        a.add_argument("--project", type=Path, required=True)
        a.add_argument("--by", required=True, help="the approver (on the staff roster)")
        a.set_defaults(func=_unit_action, action=name)
    deal = sub.add_parser("deal", help="record a signed 认购 or contract in the ledger")
    deals = deal.add_subparsers(metavar="ACTION")
    sb = deals.add_parser("subscribe", help="record a signed 认购 (the deal file)")
    sb.add_argument("--deal", type=Path, required=True)
    sb.add_argument("--project", type=Path, required=True)
    sb.set_defaults(func=_deal_subscribe)
    sg = deals.add_parser("sign", help="record the contract of a subscribed deal")
    sg.add_argument("deal_no")
    sg.add_argument("--project", type=Path, required=True)
    sg.set_defaults(func=_deal_sign)
    _change_commands(sub)
    _money_commands(sub)
    rep = sub.add_parser("report", help="reports").add_subparsers(metavar="REPORT")
    daily = rep.add_parser("daily", help="the daily sales and cash report (XLSX and PDF)")
    daily.add_argument("--project", type=Path, required=True)
    daily.add_argument("--date", required=True, help="YYYY-MM-DD")
    daily.add_argument("--out", type=Path, default=Path("output"))
    daily.set_defaults(func=_report_daily)
    brd = sub.add_parser("board", help="the 销控表: every unit by building and floor (HTML and PNG)")
    brd.add_argument("--project", type=Path, required=True)
    brd.add_argument("--out", type=Path, default=Path("output"))
    brd.set_defaults(func=_board)


def _change_commands(sub) -> None:
    ch = sub.add_parser("change", help="换房 (room), 退房 (refund), 更名 (rename), 价格变更 (price), approve")
    kinds = ch.add_subparsers(metavar="KIND")
    for kind, helptext in (("room", "换房: --deal is the deal file with the new unit"),
                           ("refund", "退房: --deal-no and --reason-code"),
                           ("rename", "更名: --deal is the deal file with the new buyers, --relationship"),
                           ("price", "价格/付款方式变更: --deal is the deal file with the new terms")):
        c = kinds.add_parser(kind, help=helptext)
        c.add_argument("--project", type=Path, required=True)
        if kind == "refund":
            c.add_argument("--deal-no", required=True)
            c.add_argument("--reason-code", required=True, help="买受人原因 | 出卖人原因 | 双方均无过错 | "
                                                                "贷款未获批准（非双方原因）")
            c.add_argument("--payee", default="", help="the original payer who gets the money back")
            c.add_argument("--account", default="", help="the payee's bank account")
        else:
            c.add_argument("--deal", type=Path, required=True)
        if kind == "rename":
            c.add_argument("--relationship", default="", help="配偶 | 父母 | 子女 …")
        c.add_argument("--reason", default="")
        c.add_argument("--requested-by", default="")
        c.add_argument("--approved-by", help="approve at once (else the change waits, and its unit is locked)")
        c.add_argument("--approval-no", default="")
        c.add_argument("--date", help="YYYY-MM-DD (default today)")
        c.add_argument("--out", type=Path, default=Path("output"), help="where the change form is written")
        c.set_defaults(func=_change, kind=kind)
    ap = kinds.add_parser("approve", help="approve a requested change")
    ap.add_argument("no")
    ap.add_argument("--project", type=Path, required=True)
    ap.add_argument("--by", required=True)
    ap.add_argument("--approval-no", default="")
    ap.add_argument("--out", type=Path, default=Path("output"))
    ap.set_defaults(func=_change_approve)


def _money_commands(sub) -> None:
    money = sub.add_parser("money", help="receipts, imports and bank deposits").add_subparsers(metavar="ACTION")
    r = money.add_parser("receipt", help="record a receipt")
    for name in ("no", "date", "payer", "unit", "kind", "amount", "channel", "account"):
        r.add_argument(f"--{name}", required=True)
    r.add_argument("--cashier", default="")
    r.add_argument("--project", type=Path, required=True)
    r.set_defaults(func=_money_receipt)
    imp = money.add_parser("import", help="import receipts from an XLSX sheet")
    imp.add_argument("file", type=Path)
    imp.add_argument("--project", type=Path, required=True)
    imp.set_defaults(func=_money_import)
    dep = money.add_parser("deposit", help="record a cash deposit (现金存款) or a bank credit (银行入账)")
    for name in ("date", "kind", "amount", "account"):
        dep.add_argument(f"--{name}", required=True)
    dep.add_argument("--reference", default="")
    dep.add_argument("--project", type=Path, required=True)
    dep.set_defaults(func=_money_deposit)


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--date: expected a date such as 2026-11-20, found {text!r}") from None


def _refused(call) -> int:
    from toolkit.ledger.sales import Refused

    try:
        call()
    except Refused as exc:
        print(f"refused: {exc.rule}: {exc.message}", file=sys.stderr)
        return 1
    return 0


def _unit_show(args: argparse.Namespace) -> int:
    data = api.unit_show(api.open_project(args.project), args.code)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    flags = (f"（{data['pending']}审批中）" if data["pending"] else "") + ("（待价格审核）" if data["needs_pricing"] else "")
    print(f"{data['code']}: {data['status']}{flags}; 标价总价 {data['price']['list_total']}")
    if data["deal"]:
        d = data["deal"]
        print(f"  deal {d['deal_no']} ({d['status']}): {', '.join(b['name'] for b in d['buyers'])}; total {d['total']}")
    for doc in data["documents"]:
        print(f"  document #{doc['id']} {doc['document']} {doc['outcome']}: {doc['filed_as']}")
    for e in data["history"]:
        print(f"  {e['at']} {e['status']} {e['deal_no'] or ''}")
    return 0


def _unit_action(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    return _refused(lambda: api.unit_action(ws, args.action, args.code, approved_by=args.by))


def _deal_subscribe(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    return _refused(lambda: api.deal_subscribe(ws, args.deal))


def _deal_sign(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    return _refused(lambda: api.deal_sign(ws, args.deal_no))


def _change(args: argparse.Namespace) -> int:
    import datetime as dt

    ws = api.open_project(args.project)
    options = {"reason": args.reason, "requested_by": args.requested_by, "approved_by": args.approved_by,
               "approval_no": args.approval_no, "date": _date(args.date) if args.date else dt.date.today()}
    if args.kind == "refund":
        options.update(deal_no=args.deal_no, reason_code=args.reason_code, payee=args.payee, account=args.account)
    else:
        options["deal_file"] = args.deal
    if args.kind == "rename":
        options["relationship"] = args.relationship

    def run() -> None:
        result, form = api.change(ws, args.kind, out=args.out, **options)
        print(f"{result.no}: {result.kind} {result.status}")
        for key in ("refund", "forfeited", "deposit_outcome", "carried_over", "new_total", "difference"):
            if key in result.figures:
                print(f"  {key}: {result.figures[key]}")
        if form:
            print(f"wrote {form.docx}")
    return _refused(run)


def _change_approve(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)

    def run() -> None:
        result, form = api.change_approve(ws, args.no, approved_by=args.by, approval_no=args.approval_no, out=args.out)
        print(f"{result.no}: {result.kind} executed")
        if form:
            print(f"wrote {form.docx}")
    return _refused(run)


def _money_receipt(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    fields = {k: getattr(args, k) for k in ("no", "date", "payer", "unit", "kind", "amount", "channel", "account",
                                            "cashier")}
    return _refused(lambda: print(f"recorded {api.money_receipt(ws, **fields)['no']}"))


def _money_import(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    done, findings = api.money_import(ws, args.file)
    for f in findings:
        print("  " + _line(f))
    print(f"imported {done} receipt(s), refused {len(findings)}")
    return 1 if findings else 0


def _money_deposit(args: argparse.Namespace) -> int:
    ws = api.open_project(args.project)
    api.money_deposit(ws, date=_date(args.date).isoformat(), kind=args.kind, amount=args.amount,
                      account=args.account, reference=args.reference)
    return 0


def _report_daily(args: argparse.Namespace) -> int:
    d, files = api.report_daily(api.open_project(args.project), date=_date(args.date).isoformat(), out=args.out)
    for name, v in d.sales.items():
        print(f"{name}: {v['count']} 笔 {v['amount']}")
    for f in d.findings:
        print("  " + _line(f))
    for path in files:
        print(f"wrote {path}")
    return 1 if d.findings else 0


def _board(args: argparse.Namespace) -> int:
    for path in api.board(api.open_project(args.project), out=args.out):
        print(f"wrote {path}")
    return 0


def _pack_lint(args: argparse.Namespace) -> int:
    findings = api.pack_lint(args.pack)
    if args.json:
        print(json.dumps({"ok": not has_errors(findings), "findings": [f.as_dict() for f in findings]},
                         ensure_ascii=False, indent=2))
    else:
        for f in findings:
            shown = f" | {f.found}" if f.found else ""
            print(f"{f.document}: {f.location}: {f.severity}: {f.rule}: {f.message}{shown}")
        print(f"{len(findings)} finding(s)" if findings else "lint clean")
    return 1 if has_errors(findings) else 0


def _pack_test(args: argparse.Namespace) -> int:
    result = api.pack_test(args.pack, update=args.update)
    for path in result.written:
        print(f"wrote {path}")
    for f in result.findings:
        print(f"{f.severity}: {f.message}")
    if not args.update:
        print(f"{result.compared} clause(s) compared, {len(result.findings)} difference(s)")
    return 1 if result.findings else 0


def _pack_diff(args: argparse.Namespace) -> int:
    from toolkit.authoring.diff import docx_report, html_report

    old, new, changes = api.pack_diff(args.old, args.new)
    for c in changes:
        print(f"{c.kind}: {c.document} {c.clause}")
    if args.out:
        if args.out.suffix.lower() == ".docx":
            docx_report(old, new, changes, args.out)
        else:
            args.out.write_text(html_report(old, new, changes), encoding="utf-8")
        print(f"wrote {args.out}")
    print(f"{len(changes)} clause(s) differ between {old.name} {old.version} and {new.name} {new.version}")
    return 0


def _pack_release(args: argparse.Namespace) -> int:
    print(f"released to {api.pack_release(args.pack)}")
    return 0


def _pack_build(args: argparse.Namespace) -> int:
    from toolkit.authoring.pack_build import build_pack

    for doc_id, count in build_pack(args.pack).items():
        print(f"built {doc_id}: {count} clauses")
    return 0


if __name__ == "__main__":
    sys.exit(main())
