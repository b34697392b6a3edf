"""Rules whose id no other test named: each fires on the input it guards, and stays silent on a clean one."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest

from toolkit import api
from toolkit.authoring.baseline import test_pack as run_pack_test
from toolkit.findings import Finding

ROOT = Path(__file__).resolve().parents[2]
DEAL = ROOT / "examples" / "cuihu" / "deals" / "CHY-2026-0001.yaml"
CAPS = "人民币柒佰壹拾伍万肆仟肆佰贰拾肆元整"


@pytest.fixture(scope="module")
def contract(tmp_path_factory, ws) -> Path:
    out = tmp_path_factory.mktemp("clean")
    api.render(ws, deals=[DEAL], docs=["contract"], out=out)
    return out / "CHY-2026-0001-contract.docx"


def test_capitals_without_zheng_warn_as_a_style_problem(ws, contract, tmp_path):
    path = Path(shutil.copy(contract, tmp_path))
    d = docx.Document(str(path))
    run = next(r for p in d.paragraphs for r in p.runs if CAPS in r.text)
    run.text = run.text.replace(CAPS, CAPS.removesuffix("整"))
    d.save(str(path))
    style = [f for f in api.check(ws, [path]).findings if f.rule == "amount.words_style"]
    assert style and all(f.severity == "warning" and f.clause for f in style)


def test_a_clean_contract_has_no_style_warning(ws, contract):
    assert [f.rule for f in api.check(ws, [contract]).findings] == []


def test_a_folder_without_pack_yaml_is_lint_pack(tmp_path):
    (f,) = api.pack_lint(tmp_path)
    assert f.rule == "lint.pack" and f.severity == "error"


def test_a_shipped_pack_has_no_lint_pack_finding():
    assert not [f for f in api.pack_lint(ROOT / "templates" / "prc-completed") if f.rule == "lint.pack"]


def _fake_render(findings):
    def render(pack_dir, samples, out):
        return {"_findings": {"S1": findings}}

    return render


def test_a_sample_that_does_not_read_back_is_pack_roundtrip():
    bad = Finding("clause.altered", "error", "条款文字与模板不一致", document="S1-contract.docx", location="第七条")
    result = run_pack_test(ROOT / "templates" / "prc-completed", render=_fake_render([bad]))
    assert [(f.rule, f.severity) for f in result.findings] == [("pack.roundtrip", "error")]
    assert run_pack_test(ROOT / "templates" / "prc-completed", render=_fake_render([])).findings == []


def test_a_sample_without_its_baseline_is_pack_baseline(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "templates" / "prc-completed", pack)
    shutil.rmtree(pack / "baselines")
    docs = {"S1": {"contract": ROOT / "templates" / "prc-completed" / "contract.docx"}}
    result = run_pack_test(pack, render=lambda *_: dict(docs))
    assert [f.rule for f in result.findings] == ["pack.baseline"]


@pytest.fixture
def office(tmp_path):
    project = tmp_path / "cuihu"
    shutil.copytree(ROOT / "examples" / "cuihu", project, ignore=shutil.ignore_patterns(".loupan"))
    return api.open_project(project), project


def test_a_receipt_number_recorded_twice_is_receipt_duplicate(office):
    ws, project = office
    api.deal_subscribe(ws, project / "deals" / "CHY-2026-0001.yaml")
    fields = dict(no="SJ0100", payer="张伟", unit="1-1801", kind="定金", amount=50000, channel="转账")
    escrow = ws.project.data["escrow_account"]["number"]
    api.money_receipt(ws, date="2026-11-20", account=escrow, **fields)
    with pytest.raises(Exception) as exc:
        api.money_receipt(ws, date="2026-11-20", account=escrow, **fields)
    assert exc.value.rule == "receipt.duplicate"
