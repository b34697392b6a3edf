"""`loupan pack lint`: clean on the shipped packs, and each fault planted in a copy is found and located."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.authoring.conftest import ROOT, edit_source
from toolkit import api, yamlio
from toolkit.cli import main
from toolkit.render.context import deal_context, project_context


@pytest.mark.parametrize("pack", ["prc-presale", "prc-completed"])
def test_the_shipped_packs_lint_clean(pack):
    assert api.pack_lint(ROOT / "templates" / pack) == []


def _rewrite(docx: Path, change) -> None:
    with zipfile.ZipFile(docx) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = change(parts["word/document.xml"].decode("utf-8")).encode("utf-8")
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _rules(pack: Path) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in api.pack_lint(pack):
        out.setdefault(f.rule, []).append(f)
    return out


def test_a_tag_split_across_runs_is_found_with_its_paragraph(packs):
    pack = packs / "prc-presale"
    _rewrite(
        pack / "subscription.docx",
        lambda xml: xml.replace(
            "{{ doc.number | text }}", "{{ doc.num</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>ber | text }}", 1
        ),
    )
    (f,) = _rules(pack)["lint.split_tag"]
    assert f.document == "subscription.docx" and "段" in f.location and "认购书编号" in f.found


def test_an_undeclared_variable_is_an_error(packs):
    pack = packs / "prc-presale"
    edit_source(
        pack,
        "subscription",
        "认购书编号：{{ doc.number | text }}",
        "认购书编号：{{ doc.number | text }}（{{ deal.secret_code | text }}）",
    )
    (f,) = _rules(pack)["lint.undeclared"]
    assert f.location == "deal.secret_code" and f.severity == "error"


def test_an_unused_field_is_a_warning(packs):
    pack = packs / "prc-presale"
    ctx = pack / "context.yaml"
    ctx.write_text(ctx.read_text(encoding="utf-8").replace("deal:\n", "deal:\n  - unit.status\n"), encoding="utf-8")
    (f,) = _rules(pack)["lint.unused"]
    assert f.location == "unit.status" and f.severity == "warning"


def test_a_tracked_change_left_in_a_template_is_an_error(packs):
    pack = packs / "prc-presale"
    ins = '<w:ins w:id="77" w:author="法务" w:date="2026-11-01T00:00:00Z"><w:r><w:t>新增</w:t></w:r></w:ins></w:p>'
    _rewrite(pack / "contract.docx", lambda xml: xml.replace("</w:p>", ins, 1))
    (f,) = _rules(pack)["lint.markup"]
    assert "修订（插入）" in f.message and f.document == "contract.docx"


def test_a_duplicate_clause_id_is_an_error(packs):
    pack = packs / "prc-presale"
    _rewrite(pack / "contract.docx", lambda xml: xml.replace('w:name="art01_2"', 'w:name="art01_1"', 1))
    found = _rules(pack)
    assert [f.location for f in found["lint.clause_duplicate"]] == ["art01_1"]
    assert [f.location for f in found["lint.clause_missing"]] == ["art01_2"]


def test_a_clause_id_unknown_to_the_manifest_is_an_error(packs):
    pack = packs / "prc-presale"
    _rewrite(pack / "contract.docx", lambda xml: xml.replace('w:name="art01_2"', 'w:name="art01_9"', 1))
    assert [f.location for f in _rules(pack)["lint.clause_unknown"]] == ["art01_9"]


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("{{ doc.number | text }}", "{{ doc.number | text }", "lint.syntax"),
        ("{{ doc.number | text }}", "{{ doc.number | text(“x”) }}", "lint.curly_quote"),
        ("{{ doc.number | text }}", "{{ doc.number | upper }}", "lint.irreversible"),
    ],
)
def test_word_and_jinja_faults(packs, old, new, rule):
    pack = packs / "prc-presale"
    _rewrite(pack / "subscription.docx", lambda xml: xml.replace(old, new, 1))
    assert rule in _rules(pack)


def test_a_structural_tag_needs_its_space_and_its_own_paragraph(packs):
    pack = packs / "prc-presale"
    _rewrite(pack / "subscription.docx", lambda xml: xml.replace("{%p for b in buyers %}", "{%pfor b in buyers %}", 1))
    assert "lint.tag" in _rules(pack)


def test_the_command_exits_1_on_errors_and_prints_json(packs, capsys):
    pack = packs / "prc-presale"
    assert main(["pack", "lint", str(pack)]) == 0
    assert "检查通过，未发现问题" in capsys.readouterr().out
    _rewrite(pack / "contract.docx", lambda xml: xml.replace('w:name="art01_2"', 'w:name="art01_1"', 1))
    assert main(["pack", "lint", str(pack), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert not data["ok"] and {"rule", "severity", "message", "document", "location"} <= set(data["findings"][0])


@pytest.mark.parametrize(("pack", "project"), [("prc-presale", "cuihu"), ("prc-completed", "cuihu-completed")])
def test_every_declared_context_path_is_one_the_toolkit_builds(pack, project, packs):
    ws = api.open_project(packs.parent / "examples" / project, pack_dir=ROOT / "templates" / pack)
    built: dict[str, set[str]] = {"deal": set(), "project": set(), "change": _change_paths(ws)}
    doc = {"title": "", "number": "", "pack": "", "version": ""}
    for c in api.check_deals(ws, api.deal_files(ws)):
        _flat(deal_context(ws.project, ws.policy, doc, c.case.deal, c.case.unit, c.case.pricing), "", built["deal"])
    _flat(project_context(ws.project, ws.policy, doc, ({"topic": "", "q": "", "a": ""},)), "", built["project"])
    declared = yamlio.load_yaml((ROOT / "templates" / pack / "context.yaml").read_text(encoding="utf-8"))
    for kind, paths in declared.items():
        assert set(paths or []) <= built[kind]


def _flat(value, prefix: str, out: set[str]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flat(v, f"{prefix}.{k}" if prefix else k, out)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        for item in value:
            _flat(item, prefix + "[]", out)
    else:
        out.add(prefix)


def _change_paths(ws) -> set[str]:
    """Carry out one change of each kind on the example ledger and collect the paths of their forms' context."""
    import datetime as dt

    from toolkit.render.context import change_context

    deals = api.deal_files(ws)
    day = dt.date(2026, 11, 20)
    for path in deals:
        api.deal_subscribe(ws, path)
    tmp = ws.project_dir / "amended"
    tmp.mkdir()
    data = yamlio.load_yaml(deals[1].read_text(encoding="utf-8"))
    moved = tmp / "moved.yaml"
    moved.write_text(yaml.safe_dump({**data, "unit": "2-2301"}, allow_unicode=True), encoding="utf-8")
    refunded = yamlio.load_yaml(deals[2].read_text(encoding="utf-8"))
    escrow = (ws.project.data.get("escrow_account") or ws.project.data["seller_account"])["number"]
    api.money_receipt(ws, no="SJ9001", date=day.isoformat(), payer=refunded["buyers"][0]["name"],
                      unit=refunded["unit"], kind="定金", amount=50000, channel="转账", account=escrow,
                      cashier="钱晓")  # fmt: skip
    results = [
        api.change(ws, "room", deal_file=moved, approved_by="吴芳", date=day)[0],
        api.change(
            ws,
            "refund",
            deal_no=refunded["deal_no"],
            reason_code="出卖人原因",  # a refund with interest: its form's interest lines are built too
            approved_by="吴芳",
            date=day,
            payee=refunded["buyers"][0]["name"],
            account="y",
        )[0],
        api.change(ws, "rename", deal_file=deals[0], relationship="配偶", approved_by="吴芳", date=day)[0],
        api.change(ws, "price", deal_file=deals[0], approved_by="吴芳", date=day)[0],
    ]
    paths: set[str] = set()
    s = api.sales(ws)
    try:
        for r in results:
            change = s.change(r.no)
            ctx = change_context(ws.project, ws.policy, change, s.deal(change["deal_no"]), s.paid(change["deal_no"]))
            _flat({**ctx, "doc": {"number": ""}}, "", paths)
    finally:
        s.ledger.close()
    return paths
