"""`loupan user ...` and `loupan serve` as a person runs them."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.web.conftest import EXAMPLE
from tests.web.server import free_port
from toolkit.cli import main


def _copy(tmp_path):
    import shutil

    project = tmp_path / "cuihu"
    shutil.copytree(EXAMPLE, project)
    return project


def test_user_add_token_and_revoke(tmp_path, monkeypatch, capsys, ledger_backend):
    project = _copy(tmp_path)
    where = ["--project", str(project), *(["--db", ledger_backend] if ledger_backend else [])]
    monkeypatch.delenv("LOUPAN_DB", raising=False)  # --db, as an office types it
    monkeypatch.setattr(sys, "stdin", io.StringIO("long-enough-1\n"))
    assert main(["user", "add", "周敏", "--role", "案场经理", "--password-stdin", *where]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("x\n"))
    assert main(["user", "add", "孙悦", "--role", "总经理", "--password-stdin", *where]) == 2
    assert "岗位是置业顾问" in capsys.readouterr().err
    assert main(["user", "token", "周敏", *where]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("lp_") and len(token) > 40
    assert main(["user", "list", *where]) == 0 and capsys.readouterr().out.startswith("周敏\t案场经理\t")
    assert main(["user", "revoke", "周敏", *where]) == 0
    assert capsys.readouterr().out.startswith("已吊销 周敏 的 1 个令牌")
    assert main(["user", "token", "没有的人", *where]) == 2
    assert (project / ".loupan" / "ledger.sqlite").exists() == (ledger_backend is None)


@pytest.mark.slow
def test_loupan_serve_answers_on_localhost(tmp_path):
    project = _copy(tmp_path)
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "toolkit.cli", "serve", "--project", str(project), "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline, answer = time.monotonic() + 90, None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/api/units", timeout=5)
            except httpx.TransportError:
                time.sleep(0.3)
        assert answer is not None and answer.status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/login").status_code == 200
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, -15)  # uvicorn shuts down, then lets SIGTERM end the process as usual
    assert f"http://127.0.0.1:{port}/" in err and "Traceback" not in err


@pytest.mark.slow
def test_an_upload_left_by_a_stopped_server_is_taken_at_the_next_start(tmp_path, documents):
    import shutil

    from tests.web.conftest import make_project
    from toolkit import api
    from toolkit.api.uploads import UploadInbox

    project = make_project(tmp_path)
    inbox, filed = tmp_path / "inbox", tmp_path / "filed"
    left = inbox / ".upload-0123456789ab"
    left.mkdir(parents=True)
    shutil.copy(documents / "CHY-2026-0002-subscription.docx", left / "CHY-2026-0002-subscription.docx")
    box = UploadInbox(project, inbox, filed)
    box.start()
    box.stop()
    assert not left.exists()
    assert api.inbox_status(project).counts == {"accepted": 1}
