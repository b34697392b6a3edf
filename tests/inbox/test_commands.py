"""`loupan watch`, `ingest` and `status` from the command line and through the library."""

from __future__ import annotations

import json
import shutil
import threading
import time

from toolkit import api
from toolkit.cli import main


def test_ingest_and_status_commands(capsys, documents, inbox_env):
    cfg, inbox, filed = inbox_env
    shutil.copy(documents / "CHY-2026-0002-subscription.docx", inbox / "sub.docx")
    (inbox / "bad.pdf").write_bytes(b"%PDF-1.4 not really")
    code = main(
        [
            "ingest",
            "--project",
            str(cfg.project_dir),
            "--inbox",
            str(inbox),
            "--filed",
            str(filed),
            "--stability",
            "0.05",
            "--incomplete-grace",
            "0.2",
        ]
    )
    assert code == 0
    assert "共收取 2 个文件" in capsys.readouterr().err
    assert main(["status", "--project", str(cfg.project_dir), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["counts"] == {"accepted": 1, "quarantine": 1}
    assert status["recent_quarantine"][0]["file"] == "bad.pdf"
    assert main(["status", "--project", str(cfg.project_dir)]) == 0
    assert "隔离（quarantine）：1" in capsys.readouterr().out


def test_a_filed_tree_inside_the_inbox_is_refused_with_a_clear_message(capsys, inbox_env):
    cfg, inbox, _ = inbox_env
    code = main(["ingest", "--project", str(cfg.project_dir), "--inbox", str(inbox), "--filed", str(inbox / "filed")])
    assert code == 2 and "必须在收件箱" in capsys.readouterr().err


def test_watch_with_polling_takes_a_file_dropped_while_it_runs(documents, inbox_env):
    cfg, inbox, filed = inbox_env
    cfg.polling = True
    cfg.rescan = 3600  # only the polling observer can see the file

    def drop_then_stop(watcher):
        def work():
            time.sleep(0.5)
            shutil.copy(documents / "CHY-2026-0003-subscription.docx", inbox / "late.docx")
            end = time.monotonic() + 30
            while time.monotonic() < end and not list((filed / "accepted").glob("*__late.docx")):
                time.sleep(0.1)
            watcher.stopping = True

        threading.Thread(target=work, daemon=True).start()

    taken = api.watch(cfg, log=lambda _: None, ready=drop_then_stop)
    assert taken == 1
    assert list((filed / "accepted").glob("*__late.docx"))
