"""Content rules (issue 10): each fires on the wording it forbids and stays silent on the shipped packs and deals."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import docx
import pytest

from toolkit import api
from toolkit.authoring.wording import lint_wording
from toolkit.checks.content import Wording, missing_statements, scan

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"
PACKS = [ROOT / "templates" / "prc-presale", ROOT / "templates" / "prc-completed"]


def rules_in(document: str, text: str) -> list[str]:
    return [f.rule for f in scan([Wording(document, f"{document}.docx", "第一条", "art01_1", text)])]


@pytest.mark.parametrize(
    "document, text, rule",
    [
        ("contract", "因任何原因导致交付延期的，出卖人不承担任何责任。", "clause.unfair"),
        ("contract", "买受人自愿放弃要求出卖人支付违约金的权利。", "clause.unfair"),
        ("subscription", "本活动的最终解释权归出卖人所有。", "clause.unfair"),
        ("contract", "面积以出卖人的测量为准。", "clause.unfair"),
        ("contract", "买受人逾期未提出书面异议的，视为买受人同意。", "clause.unfair"),
        ("qa", "本项目可由开发商代为包租，年租金回报8%。", "sale.prohibited"),
        ("contract", "五年期满后出卖人全额返还房款。", "sale.prohibited"),
        ("handbook", "出卖人承诺三年后按原价回购。", "sale.prohibited"),
        ("subscription", "认购人已支付订金人民币贰万元，不签约的不予退还。", "deposit.wording"),
        ("contract", "买受人交纳的意向金抵作房价款。", "deposit.wording"),
        ("handbook", "本项目未来三年升值空间巨大。", "claim.prohibited"),
        ("qa", "驾车到市中心仅需15分钟。", "claim.prohibited"),
        ("qa", "购房即送名校学位。", "claim.prohibited"),
        ("handbook", "买房即可落户本市。", "claim.prohibited"),
        ("qa", "本户型坐北朝南，风水极佳。", "claim.prohibited"),
        ("qa", "可以办理首付分期，首付压力小。", "claim.prohibited"),
    ],
)
def test_a_forbidden_wording_fires(document, text, rule):
    assert rules_in(document, text) == [rule]


@pytest.mark.parametrize(
    "document, text",
    [
        ("contract", "因不可归责于双方当事人的原因未能订立贷款合同的，双方互不承担违约责任。"),
        ("subscription", "本条所称定金适用定金罚则，并非订金、诚意金、意向金或预付款。"),
        ("handbook", "不得以任何名义收取订金、诚意金。"),
        ("handbook", "销售人员不得承诺在一定期限后退还房价款、由出卖人收购房屋或者保证租金收益。"),
        ("qa", "落户由公安机关等主管部门依据当地政策办理，我们不作任何承诺。"),
        ("contract", "本项目包租十年。"),  # claim wording in a contract is not a claim rule's business...
    ],
)
def test_a_sentence_that_forbids_or_denies_is_silent(document, text):
    found = rules_in(document, text)
    assert "claim.prohibited" not in found and "deposit.wording" not in found and "clause.unfair" not in found


def test_a_contract_still_cannot_promise_package_rent():
    assert rules_in("contract", "本项目包租十年。") == ["sale.prohibited"]


def test_claim_rules_do_not_read_contracts():
    assert rules_in("contract", "本项目升值空间巨大。") == []


def test_the_handbook_and_qa_must_state_the_required_facts():
    text = "面积为建筑面积。开发企业为某公司，预售许可证号见公示。价格以价目表为准，有效期见公示。"
    items = [Wording("handbook", "handbook.docx", "一、", "", text)]
    found = missing_statements(items, "handbook + qa")
    assert [(f.rule, f.location) for f in found] == [("claim.missing", "效果图说明"), ("claim.missing", "样板房说明")]
    items.append(Wording("qa", "qa.yaml", "答客问 第1问", "", "效果图为艺术表现，样板房不代表交付标准。"))
    assert missing_statements(items, "handbook + qa") == []


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_the_shipped_packs_wording_is_clean(pack):
    assert lint_wording(pack) == []


def test_pack_lint_reads_the_qa_answers(tmp_path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates", ignore=shutil.ignore_patterns("releases"))
    shutil.copytree(ROOT / "examples", tmp_path / "examples", ignore=shutil.ignore_patterns(".loupan"))
    qa = tmp_path / "templates" / "prc-presale" / "qa.yaml"
    qa.write_text(qa.read_text("utf-8") + '- topic: 投资\n  q: "会升值吗？"\n  a: "本项目升值潜力巨大。"\n', "utf-8")
    found = [(f.rule, f.document) for f in api.pack_lint(tmp_path / "templates" / "prc-presale")]
    assert ("claim.prohibited", "qa.yaml") in found


@pytest.fixture(scope="module")
def contract(tmp_path_factory, ws) -> Path:
    out = tmp_path_factory.mktemp("clean")
    api.render(ws, deals=[DEAL], docs=["contract"], out=out)
    return out / "CHY-2026-0001-contract.docx"


def _add(contract: Path, tmp_path: Path, sentence: str) -> Path:
    path = Path(shutil.copy(contract, tmp_path))
    d = docx.Document(str(path))
    run = next(r for p in d.paragraphs for r in p.runs if "视为接受变更。" in r.text)
    run.text = run.text.replace("视为接受变更。", "视为接受变更。" + sentence)
    d.save(str(path))
    return path


@pytest.mark.parametrize(
    "sentence, rule",
    [("买受人已付订金不予退还。", "deposit.wording"), ("出卖人承诺交付后包租五年。", "sale.prohibited")],
)
def test_check_reads_the_text_added_to_a_signed_contract(ws, contract, tmp_path, sentence, rule):
    found = {(f.rule, f.clause) for f in api.check(ws, [_add(contract, tmp_path, sentence)]).findings}
    assert found == {("clause.altered", "art14_3"), (rule, "art14_3")}


def test_the_example_deals_check_clean(ws, tmp_path):
    api.render(ws, deals=api.deal_files(ws), docs=["subscription", "contract"], out=tmp_path)
    files = sorted(tmp_path.glob("*.docx"))
    assert files and [f for f in api.check(ws, files).findings if f.severity == "error"] == []


def _ticks(contract: Path, tmp_path: Path, old: str, new: str) -> Path:
    path = Path(shutil.copy(contract, tmp_path))
    d = docx.Document(str(path))
    cells = [p for t in d.tables for r in t.rows for c in r.cells for p in c.paragraphs]
    run = next(r for p in d.paragraphs + cells for r in p.runs if old in r.text)
    run.text = run.text.replace(old, new, 1)
    d.save(str(path))
    return path


def test_a_second_tick_in_a_choice_group_is_option_ticks(ws, contract, tmp_path):
    found = {f.rule for f in api.check(ws, [_ticks(contract, tmp_path, "　□按照套内", "　■按照套内")]).findings}
    assert "option.ticks" in found


def test_a_choice_group_left_empty_is_option_ticks(ws, contract, tmp_path):
    found = {f.rule for f in api.check(ws, [_ticks(contract, tmp_path, "■按照建筑面积", "□按照建筑面积")]).findings}
    assert "option.ticks" in found


def test_a_clean_contract_has_one_tick_per_group(ws, contract):
    assert "option.ticks" not in {f.rule for f in api.check(ws, [contract]).findings}


def _contract_of(project: Path, tmp_path: Path, **terms) -> Path:
    text = (project / "project.yaml").read_text("utf-8")
    for key, value in terms.items():
        text = re.sub(rf"(\n  {key}: )\S+", rf"\g<1>{value}", text, count=1)
    (project / "project.yaml").write_text(text, "utf-8")
    ws = api.open_project(project)
    api.render(ws, deals=[project / "deals" / "CHY-2026-0001.yaml"], docs=["contract"], out=tmp_path / "out")
    return ws, tmp_path / "out" / "CHY-2026-0001-contract.docx"


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(ROOT / "examples" / "cuihu", tmp_path / "cuihu", ignore=shutil.ignore_patterns(".loupan"))
    return tmp_path / "cuihu"


@pytest.mark.parametrize(
    "terms, rule",
    [
        ({"late_delivery_daily_rate_bp": 3}, "penalty.reciprocity"),
        ({"late_delivery_grace_days": 60}, "penalty.reciprocity"),
        ({"title_registration_days": 120}, "term.bounds"),
    ],
)
def test_contract_terms_that_favour_the_seller_or_break_a_period_fire(project, tmp_path, terms, rule):
    ws, contract = _contract_of(project, tmp_path, **terms)
    found = [f for f in api.check(ws, [contract]).findings if f.rule == rule]
    assert found and all(f.clause.startswith("art") for f in found)


def test_the_example_terms_are_reciprocal_and_in_bounds(ws, contract):
    rules = {f.rule for f in api.check(ws, [contract]).findings}
    assert not rules & {"penalty.reciprocity", "term.bounds"}


@pytest.mark.parametrize(
    "old, new", [("至少提前10日", "至少提前5日"), ("签订之日起30日内", "签订之日起45日内")], ids=["notice", "filing"]
)
def test_a_period_edited_in_the_signed_contract_is_term_bounds(ws, contract, tmp_path, old, new):
    found = {(f.rule, f.clause) for f in api.check(ws, [_ticks(contract, tmp_path, old, new)]).findings}
    assert {r for r, _ in found} >= {"term.bounds", "terms.mismatch"}


def _drop(contract: Path, tmp_path: Path, clauses: tuple[str, ...]) -> Path:
    path = Path(shutil.copy(contract, tmp_path))
    d = docx.Document(str(path))
    for p in list(d.paragraphs):
        names = {b.get(docx.oxml.ns.qn("w:name")) for b in p._p.iter(docx.oxml.ns.qn("w:bookmarkStart"))}
        if names & set(clauses):
            p._p.getparent().remove(p._p)
    d.save(str(path))
    return path


def test_a_run_of_missing_clauses_is_one_finding_with_the_range(ws, contract, tmp_path):
    run = ("art16_1", "art16_2", "art16_3", "art16_4", "art16_5")
    altered = [f for f in api.check(ws, [_drop(contract, tmp_path, run)]).findings if f.rule == "clause.altered"]
    assert [(f.message, f.clause) for f in altered] == [("第十六条共5段条款缺失（可能缺页）", "art16_1")]


def test_a_run_across_articles_is_named_by_their_headings_not_by_clause_ids(ws, contract, tmp_path):
    run = ("art15_2", "art15_3", "art16_1", "art16_2")
    altered = [f for f in api.check(ws, [_drop(contract, tmp_path, run)]).findings if f.rule == "clause.altered"]
    assert [(f.message, f.clause) for f in altered] == [("自第十五条至第十六条共4段条款缺失（可能缺页）", "art15_2")]


def test_one_missing_clause_is_still_named_alone(ws, contract, tmp_path):
    altered = [f for f in api.check(ws, [_drop(contract, tmp_path, ("art16_2",))]).findings]
    assert [(f.rule, f.clause) for f in altered] == [("clause.altered", "art16_2")]


def _unbold(contract: Path, tmp_path: Path, clause: str) -> Path:
    path = Path(shutil.copy(contract, tmp_path))
    d = docx.Document(str(path))
    for p in d.paragraphs:
        names = {b.get(docx.oxml.ns.qn("w:name")) for b in p._p.iter(docx.oxml.ns.qn("w:bookmarkStart"))}
        if clause in names:
            for r in p.runs:
                r.bold = False
    d.save(str(path))
    return path


def test_a_supplement_clause_that_lost_its_bold_is_clause_prominence(ws, contract, tmp_path):
    found = {(f.rule, f.clause) for f in api.check(ws, [_unbold(contract, tmp_path, "sup_2")]).findings}
    assert found == {("clause.prominence", "sup_2")}


def test_a_plain_clause_made_plain_again_is_silent(ws, contract, tmp_path):
    assert api.check(ws, [_unbold(contract, tmp_path, "sup_1")]).findings == []
