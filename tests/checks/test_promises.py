"""promise.unbacked (R-CT-14): a concrete promise of the scripts must be in the contract's annexes or sent to them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from toolkit.authoring.wording import lint_wording
from toolkit.checks.content import Wording
from toolkit.checks.promises import unbacked_promises

ROOT = Path(__file__).resolve().parents[2]
ANNEX06 = Wording("contract", "contract.docx", "附件六", "annex06_1", "交付标准：客厅及卧室铺设地暖，品牌为某某。")


def _rules(text: str, *backing: Wording) -> list[str]:
    return [f.rule for f in unbacked_promises([*backing, Wording("qa", "qa.yaml", "答客问 第1问", "", text)])]


@pytest.mark.parametrize(
    "text",
    [
        "本项目交付时赠送全屋智能家居。",
        "小区内配建幼儿园和恒温泳池。",
        "购房即送车位。",
        "每户均配中央空调和新风系统。",
    ],
)
def test_a_concrete_promise_the_annexes_do_not_state_fires(text):
    assert _rules(text, ANNEX06) == ["promise.unbacked"]


@pytest.mark.parametrize(
    "text",
    [
        "卧室铺设地暖。",  # 附件六 states it
        "小区内规划中的幼儿园以政府主管部门批准的规划为准。",
        "交付标准以商品房买卖合同附件约定为准，样板房中赠送的物品不属于交付标准。",
        "我们不承诺赠送任何物品。",
        "请您在销售现场查看价目表。",
    ],
)
def test_a_backed_sent_or_harmless_sentence_is_silent(text):
    assert _rules(text, ANNEX06) == []


def test_pack_lint_finds_an_unbacked_promise_in_a_packs_qa_and_the_shipped_packs_are_clean(tmp_path):
    for name in ("prc-presale", "prc-completed"):
        assert [f for f in lint_wording(ROOT / "templates" / name) if f.rule == "promise.unbacked"] == []
    pack = tmp_path / "prc-presale"
    shutil.copytree(ROOT / "templates" / "prc-presale", pack)
    qa = pack / "qa.yaml"
    qa.write_text(qa.read_text(encoding="utf-8") + '- topic: 交付\n  q: "送什么？"\n  a: "交房时赠送全套家电。"\n')
    found = [f for f in lint_wording(pack) if f.rule == "promise.unbacked"]
    assert len(found) == 1 and "赠送全套家电" in found[0].message and found[0].document == "qa.yaml"
