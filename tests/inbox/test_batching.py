"""A drop filed in groups: each folder made durable once per group before any claim goes; workers never waited for."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from toolkit.inbox import pipeline as pipeline_mod
from toolkit.inbox.pipeline import Pipeline
from toolkit.inbox.worker import CheckPool, CheckWorker
from toolkit.ledger.store import Ledger, ledger_path


def _copy(data: bytes, n: int) -> bytes:
    """Return the DOCX with another zip comment: the same document, another file."""
    buf = io.BytesIO(data)
    with zipfile.ZipFile(buf, "a") as z:
        z.comment = f"copy {n}".encode()
    return buf.getvalue()


def test_a_group_makes_each_folder_durable_once_before_its_claims_go(documents, inbox_env, monkeypatch):
    cfg, inbox, filed = inbox_env
    events: list[tuple[str, Path]] = []
    real_put, real_sync, real_release = pipeline_mod.put, pipeline_mod.fsync_dir, pipeline_mod.release_claim

    def put(claim, target, content, tag):
        events.append(("put", target))
        return real_put(claim, target, content, tag)

    def fsync_dir(folder):
        events.append(("sync", folder))
        return real_sync(folder)

    def release_claim(claim):
        events.append(("release", claim))
        return real_release(claim)

    monkeypatch.setattr(pipeline_mod, "put", put)
    monkeypatch.setattr(pipeline_mod, "fsync_dir", fsync_dir)
    monkeypatch.setattr(pipeline_mod, "release_claim", release_claim)
    sources = sorted(documents.glob("*.docx"))
    paths = []
    for i in range(16):
        path = inbox / f"drop-{i:02d}.docx"
        path.write_bytes(_copy(sources[i % len(sources)].read_bytes(), i))
        paths.append(path)
    db, worker = Ledger(ledger_path(cfg.project_dir)), CheckWorker(cfg.project_dir, None, 60)
    try:
        p = Pipeline(cfg, db, worker, lambda _: None)
        assert p.take_many(paths) == 16
        rows = db.all_files()
        assert len(rows) == 16 and {r.state for r in rows} == {"filed"}
    finally:
        worker.stop()
        db.close()
    assert not list(cfg.work.iterdir()), "every claim went"
    assert len(list(filed.rglob("*.report.json"))) == 16
    assert sum(kind == "put" for kind, _ in events) == 16
    syncs = [i for i, (kind, _) in enumerate(events) if kind == "sync"]
    folders = {t.parent for kind, t in events if kind == "put"}
    assert len(syncs) <= 2 * len(folders) < 16, "one flush per folder and group of 8, not one per file"
    releases = [i for i, (kind, _) in enumerate(events) if kind == "release"]
    for i, (kind, target) in enumerate(events):
        if kind == "put":  # the file's folder is flushed after it got its name and before its claim goes
            later = [j for j in syncs if j > i and events[j][1] == target.parent]
            claim_gone = min(j for j in releases if j > i)
            assert later and later[0] < claim_gone


class _Starting:
    """A check worker that tells whether it is ready (as a launched process does) and how busy it is."""

    def __init__(self, ready: bool, load: int):
        self.ready, self.queued, self.warmed = ready, load, 0

    def warm(self) -> bool:
        self.warmed += 1
        return self.ready

    def load(self) -> int:
        return self.queued


def test_a_check_worker_still_starting_gets_no_file_and_is_not_waited_for(tmp_path):
    pool = CheckPool(tmp_path, None, 60, size=2)
    first, second = _Starting(True, 5), _Starting(False, 0)
    pool.workers = [first, second]  # type: ignore[list-item]
    assert pool._least_busy() == 0, "a file now and then goes to the first worker"
    pool.wide = True
    assert pool._least_busy() == 0 and second.warmed == 1, "the second is started, not waited for"
    second.ready = True
    assert pool._least_busy() == 1, "once ready it takes its share"
    pool.warm()
    assert second.warmed == 3


def test_a_groups_reports_are_made_durable_together_with_its_files(documents, inbox_env, monkeypatch):
    """Per file two flushes (its content before it is linked, its JSON report's content); its name and its
    reports' names come with the group's."""
    cfg, inbox, filed = inbox_env
    synced: list[str] = []  # what each os.fsync made durable
    seen: dict[Path, set[str]] = {}  # a folder's names when it was flushed
    linked: list[tuple[str, bool]] = []  # each hard link made: its source, and whether it was flushed before
    real_fsync, real_link = os.fsync, os.link

    def fsync(fd: int) -> None:
        path = Path(os.readlink(f"/proc/self/fd/{fd}"))
        synced.append(str(path))
        if path.is_dir():
            seen.setdefault(path, set()).update(os.listdir(path))
        real_fsync(fd)

    def link(src, dst, **kw) -> None:
        linked.append((str(src), str(src) in synced))
        real_link(src, dst, **kw)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "link", link)
    sources = sorted(documents.glob("*.docx"))
    paths = []
    for i in range(16):
        path = inbox / f"drop-{i:02d}.docx"
        path.write_bytes(_copy(sources[i % len(sources)].read_bytes(), i))
        paths.append(path)
    db, worker = Ledger(ledger_path(cfg.project_dir)), CheckWorker(cfg.project_dir, None, 60)
    try:
        assert Pipeline(cfg, db, worker, lambda _: None).take_many(paths) == 16
        assert {r.state for r in db.all_files()} == {"filed"}
    finally:
        worker.stop()
        db.close()
    reports = sorted(filed.rglob("*.report.*"))
    folders = {p.parent for p in reports}
    files = [s for s in synced if not Path(s).is_dir()]
    json_reports = [s for s in files if ".report.json." in s]
    claims = [s for s in files if s not in json_reports]
    assert len(reports) == 32 and len(json_reports) == 16 and len(claims) == 16, "per file: its content, its JSON"
    assert all(Path(s).name.startswith(".") and s.endswith(".part") for s in json_reports), (
        "the JSON report is on disk before it is named; the HTML report needs no flush of its own"
    )
    claimed = [src for src, _ in linked if ".claimed" in src]
    assert sorted(claimed) == sorted(claims) and all(before for src, before in linked if src in claims), (
        "each dropped file's content is flushed before its filed name is made"
    )
    assert len(synced) - len(files) <= 2 * len(folders), "a folder flushed once per group of 8"
    assert len(synced) < 2.5 * 16
    for p in reports:  # every report's name was made durable by its folder's flush
        assert p.name in seen[p.parent]
