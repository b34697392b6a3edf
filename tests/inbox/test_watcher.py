"""The watch loop's logic with an injected clock and event source: no sleeps, no real waiting."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from toolkit.errors import UsageError
from toolkit.inbox.names import filed_name, ignored, mask
from toolkit.inbox.pipeline import InboxConfig
from toolkit.inbox.stability import StabilityTracker, looks_complete
from toolkit.inbox.watcher import QueueSource, Watcher, check_folders


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


class FakePipeline:
    def __init__(self, fail: set[str] = frozenset()):
        self.taken: list[str] = []
        self.fail = fail

    def take(self, path: Path):
        if path.name in self.fail:
            raise RuntimeError("boom")
        self.taken.append(path.name)
        path.unlink()
        return path

    def recover(self) -> int:
        return 0


@pytest.fixture
def setup(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cfg = InboxConfig(
        tmp_path / "p", inbox, tmp_path / "filed", stability=2.0, incomplete_grace=10.0, rescan=60.0, tick=0.5
    )
    clock, source, pipeline, lines = Clock(), QueueSource(), FakePipeline(), []
    watcher = Watcher(cfg, pipeline, source, lines.append, clock=clock, sleep=clock.sleep)
    return inbox, watcher, clock, source, pipeline


def docx_bytes() -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_a_file_is_taken_only_after_the_stability_delay(setup):
    inbox, watcher, clock, source, pipeline = setup
    (inbox / "a.docx").write_bytes(docx_bytes())
    watcher.rescan()
    clock.t += 1.9
    assert watcher.step() == 0
    clock.t += 0.2
    assert watcher.step() == 1 and pipeline.taken == ["a.docx"]


def test_a_file_still_growing_restarts_its_delay(setup):
    inbox, watcher, clock, source, pipeline = setup
    path = inbox / "a.docx"
    path.write_bytes(b"PK")
    watcher.rescan()
    clock.t += 1.5
    path.write_bytes(docx_bytes())
    source.put(path)
    for p in source.drain():
        watcher.see(p)
    clock.t += 1.5
    assert watcher.step() == 0
    clock.t += 0.6
    assert watcher.step() == 1


def test_temp_hidden_and_lock_files_are_left_alone(setup):
    inbox, watcher, clock, source, pipeline = setup
    for name in ("~$contract.docx", ".~lock.contract.docx#", "scan.part", "x.tmp", ".hidden.pdf"):
        (inbox / name).write_bytes(b"data")
    watcher.rescan()
    clock.t += 100
    assert watcher.step() == 0
    assert all(ignored(n) for n in ("~$a.docx", ".~lock.a.docx#", "a.part", "a.tmp", ".a"))
    assert not ignored("认购书.docx")


def test_a_stable_but_incomplete_file_waits_for_the_grace_then_is_taken(setup):
    inbox, watcher, clock, source, pipeline = setup
    (inbox / "half.docx").write_bytes(docx_bytes()[:40])
    watcher.rescan()
    clock.t += 5
    assert watcher.step() == 0
    clock.t += 8
    assert watcher.step() == 1


def test_events_are_seen_and_a_rescan_finds_what_events_missed(setup):
    inbox, watcher, clock, source, pipeline = setup
    watcher.cfg.rescan = 10
    (inbox / "evented.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    source.put(inbox / "evented.pdf")
    (inbox / "silent.pdf").write_bytes(b"%PDF-1.4\n%%EOF")  # no event for this one
    watcher.stopping = False
    taken = []

    def stop_after(seconds):
        clock.sleep(seconds)
        if clock.t > 1015:
            watcher.stopping = True

    watcher.sleep = stop_after
    watcher.rescan = lambda original=watcher.rescan: (taken.append(clock.t), original())[1]
    watcher.run()
    assert sorted(pipeline.taken) == ["evented.pdf", "silent.pdf"]


def test_one_failing_file_does_not_stop_the_others(setup):
    inbox, watcher, clock, source, pipeline = setup
    pipeline.fail = {"bad.pdf"}
    for name in ("bad.pdf", "good.pdf"):
        (inbox / name).write_bytes(b"%PDF-1.4\n%%EOF")
    watcher.rescan()
    clock.t += 3
    assert watcher.step() == 1 and pipeline.taken == ["good.pdf"]


def test_run_once_stops_when_the_inbox_is_done(setup):
    inbox, watcher, clock, source, pipeline = setup
    (inbox / "a.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    assert watcher.run(once=True) == 1
    assert clock.t - 1000 < 5


def test_completeness_of_documents(tmp_path):
    whole, cut = tmp_path / "a.docx", tmp_path / "b.docx"
    whole.write_bytes(docx_bytes())
    cut.write_bytes(docx_bytes()[:50])
    pdf, pdf_cut = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF-1.4\n...\n%%EOF\n")
    pdf_cut.write_bytes(b"%PDF-1.4\n...")
    assert looks_complete(whole) and looks_complete(pdf)
    assert not looks_complete(cut) and not looks_complete(pdf_cut)


def test_the_tracker_orders_by_arrival():
    t = StabilityTracker(1.0, 5.0)
    t.observe(Path("b"), 1, 1.0, now=0.0)
    t.observe(Path("a"), 1, 1.0, now=0.5)
    assert t.due(2.0) == [Path("b"), Path("a")]


def test_folders_are_checked_at_start(tmp_path):
    inbox = tmp_path / "inbox"
    with pytest.raises(UsageError, match="不是文件夹"):
        check_folders(InboxConfig(tmp_path, inbox, tmp_path / "filed"))
    inbox.mkdir()
    with pytest.raises(UsageError, match="必须在收件箱 .* 之外"):
        check_folders(InboxConfig(tmp_path, inbox, inbox / "filed"))
    inbox.chmod(0o500)
    try:
        import os

        if os.geteuid() != 0:  # root can write anywhere: the permission check only means something for others
            with pytest.raises(UsageError, match="可读可写"):
                check_folders(InboxConfig(tmp_path, inbox, tmp_path / "filed"))
    finally:
        inbox.chmod(0o700)


def test_names_in_the_filed_tree_are_unique_and_bounded():
    assert filed_name(7, "认购书.docx") == "000007__认购书.docx"
    long = "长" * 200 + ".docx"
    assert len(filed_name(8, long).encode()) <= 220 and filed_name(8, long).endswith(".docx")


def test_personal_data_is_masked():
    assert mask("张伟 440305198806124536 13800138000") == "张伟 440305********4536 138****8000"


def test_a_process_is_watching_once_it_handles_sigterm():
    import subprocess
    import sys
    import time

    from toolkit.inbox.watcher import is_watching

    code = "import signal, time; time.sleep(0.5); signal.signal(signal.SIGTERM, lambda *a: None); time.sleep(30)"
    proc = subprocess.Popen([sys.executable, "-c", code])
    try:
        assert not is_watching(proc.pid)  # still starting: a stop now would kill it
        end = time.monotonic() + 20
        while not is_watching(proc.pid) and time.monotonic() < end:
            time.sleep(0.05)
        assert is_watching(proc.pid)
    finally:
        proc.kill()
        proc.wait()
