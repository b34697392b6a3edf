"""A scripted month of the example project (November 2026): examples/cuihu/activity/2026-11.yaml played into a copy.

The script: three 认购 (李娜 1-1801 on 11-03, 赵磊 2-2302 on 11-05, 孙悦 3-1503 on 11-10), two 签约 (1-1801 on
11-08, CHY-2026-0002 on 11-20, after its deadline of 11-12), a 换房 (2-2302 to 2-2301 on 11-12), a 退房 (3-1503
on 11-15, 买受人原因) and four receipts; CHY-2026-0002's balance falls due on 11-25 and is not paid.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit import api
from toolkit.play_activity import play

ROOT = Path(__file__).resolve().parents[2]
ACTIVITY = ROOT / "examples" / "cuihu" / "activity" / "2026-11.yaml"


@pytest.fixture
def month(tmp_path):
    """Play November into a copy of the example project; return (workspace, folder)."""
    project = play(ROOT / "examples" / "cuihu", ACTIVITY, tmp_path / "cuihu")
    return api.open_project(project), project
