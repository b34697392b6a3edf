"""What the inbox guarantees, tried as classes: full disks, foreign names, links, long names, two watchers,
files that vanish, a damaged ledger, names that try to forge log lines, personal numbers in names."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from toolkit import api, cli
from toolkit.errors import ToolkitError, UsageError
from toolkit.inbox.lock import InboxLock
from toolkit.inbox.pipeline import InboxConfig, Pipeline
from toolkit.inbox.worker import CheckWorker
from toolkit.ledger.store import Ledger, ledger_path

SUB = "CHY-2026-0001-subscription.docx"
ID18, ID15, PHONE = "440305198806124536", "440305880612453", "13800138000"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def everything_filed(filed: Path) -> list[Path]:
    return [p for o in ("accepted", "rejected", "quarantine", "duplicates") for p in sorted((filed / o).iterdir())]


def rows(cfg: InboxConfig) -> list:
    db = Ledger(ledger_path(cfg.project_dir))
    try:
        return db.all_files()
    finally:
        db.close()


# -- a full file system for the filed tree ---------------------------------------------------------------
def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def full_filed(tmp_path, monkeypatch):
    """A filed tree with almost no room left: a small tmpfs when we may mount one, else a writer that fails."""
    filed = Path(tempfile.mkdtemp(prefix="loupan-full-")) / "filed"
    mounted = _mount_tmpfs(filed, "2m")
    for outcome in ("accepted", "rejected", "quarantine", "duplicates"):
        (filed / outcome).mkdir(parents=True)
    if mounted:
        filler = filed / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
        with contextlib.suppress(OSError):  # fill it up (ENOSPC ends it), then leave 8 kB: less than one document
            while os.write(fd, b"\0" * 4096):
                continue
        os.close(fd)
        os.truncate(filler, filler.stat().st_size - 8192)

        def free() -> None:
            filler.unlink()
    else:
        import toolkit.inbox.filing as filing

        real_open, state = open, {"full": True}

        class Full:
            def __init__(self, f):
                self.f = f

            def write(self, data):
                raise OSError(28, "No space left on device")

            def __getattr__(self, name):
                return getattr(self.f, name)

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

        def faulty(path, mode="r", *a, **k):
            f = real_open(path, mode, *a, **k)
            return Full(f) if state["full"] and "x" in mode else f

        monkeypatch.setattr(filing, "open", faulty, raising=False)

        def free() -> None:
            state["full"] = False

    yield filed, free, mounted
    if mounted:
        subprocess.run(["umount", str(filed)], check=False, capture_output=True)
    shutil.rmtree(filed.parent, ignore_errors=True)


def test_a_full_filed_tree_accepts_nothing_truncated_and_the_next_start_works(documents, tmp_path, full_filed):
    filed, free, _ = full_filed
    project, inbox = tmp_path / "project", tmp_path / "inbox"
    shutil.copytree(Path(__file__).resolve().parents[2] / "examples" / "cuihu", project)
    inbox.mkdir()
    cfg = api.inbox_config(project, inbox, filed, stability=0.05, incomplete_grace=0.3, tick=0.02)
    data = (documents / SUB).read_bytes()
    (inbox / SUB).write_bytes(data)
    with pytest.raises(ToolkitError, match="未能归档") as err:
        api.ingest(cfg, log=lambda _: None)
    assert SUB in str(err.value)
    assert not any(p.name.endswith(SUB) for p in everything_filed(filed)), "nothing truncated beside a report"
    assert not any(p.name.endswith(".report.json") for p in everything_filed(filed)), "no report says accepted"
    (claimed,) = [p for p in cfg.work.iterdir() if p.name.endswith(SUB)]
    assert claimed.read_bytes() == data, "the original stays whole where it was"
    assert api.inbox_status(project).counts == {"in flight": 1}
    with pytest.raises(ToolkitError, match="未能归档"):  # still full: the start works, says so again
        api.ingest(cfg, log=lambda _: None)
    free()
    api.ingest(cfg, log=lambda _: None)
    (placed,) = [p for p in (filed / "accepted").iterdir() if p.name.endswith(SUB)]
    assert placed.read_bytes() == data and not list(cfg.work.iterdir())
    report = json.loads(placed.with_name(placed.name + ".report.json").read_text(encoding="utf-8"))
    assert report["outcome"] == "accepted" and report["sha256"] == sha(data)
    assert api.inbox_status(project).counts == {"accepted": 1}


# -- names ------------------------------------------------------------------------------------------------
NAMES = [
    "认购书-张三".encode("gbk") + b".docx",  # GBK from a Windows share
    "合同（副本）".encode("big5", "ignore") + b".docx",  # Big5
    b"\xff\xfe\xfd-broken.docx",  # no encoding at all
    "a" * 230 + ".docx",  # 235 bytes
    "认" * 78 + ".docx",  # 239 bytes
    "认" * 80 + ".docx",  # 245 bytes
    "x" * 250 + ".docx",  # 255 bytes, the limit of the file system
    "line\nfake: accepted: forged.docx",
    "bidi\u202egpj.docx",
    "tab\tand\x1bescape.docx",
]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_every_name_is_recorded_and_filed_under_a_safe_name(documents, inbox_env, name):
    cfg, inbox, filed = inbox_env
    raw = name if isinstance(name, bytes) else name.encode("utf-8")
    with open(os.path.join(os.fsencode(inbox), raw), "wb") as f:
        f.write((documents / SUB).read_bytes())
    lines: list[str] = []
    assert api.ingest(cfg, log=lines.append) == 1
    assert os.listdir(os.fsencode(inbox)) == [], "nothing left in the inbox"
    (row,) = rows(cfg)
    assert row.state == "filed" and row.name.encode("utf-8")  # valid text in the ledger
    placed = [p for p in everything_filed(filed) if not p.name.endswith((".json", ".html"))]
    assert len(placed) == 1
    fname = os.fsencode(placed[0].name)
    assert len(fname) + len(b".report.html") <= 255 and fname.endswith(b".docx")
    assert fname.decode("utf-8").isprintable()
    assert all(line.isprintable() for line in lines), "a name cannot forge or reorder a log line"
    assert api.ingest(cfg, log=lambda _: None) == 0, "the next start works"


def test_long_names_keep_apart_when_shortened(documents, inbox_env):
    cfg, inbox, filed = inbox_env
    for tail in ("一", "二"):
        (inbox / ("认" * 80 + tail + ".docx")).write_bytes(documents.joinpath(SUB).read_bytes() + tail.encode())
    assert api.ingest(cfg, log=lambda _: None) == 2
    names = {p.name for p in everything_filed(filed) if p.name.endswith(".docx")}
    assert len(names) == 2


# -- links and things that are not files --------------------------------------------------------------------
@pytest.fixture
def pipeline(inbox_env):
    cfg, _, _ = inbox_env
    db = Ledger(ledger_path(cfg.project_dir))
    worker = CheckWorker(cfg.project_dir, None, 60)
    lines: list[str] = []
    yield Pipeline(cfg, db, worker, lines.append), lines
    worker.stop()
    db.close()


def no_links(filed: Path) -> bool:
    return not any(p.is_symlink() for p in filed.rglob("*"))


@pytest.mark.parametrize("target_kind", ["document", "folder", "missing", "device"])
def test_a_file_swapped_for_a_link_before_the_claim_is_refused_never_filed_as_a_link(
    documents, inbox_env, pipeline, tmp_path, target_kind
):
    cfg, inbox, filed = inbox_env
    p, _ = pipeline
    target = {
        "document": documents / SUB,
        "folder": documents,
        "missing": tmp_path / "nothing-here.docx",
        "device": Path("/dev/zero"),
    }[target_kind]
    before = target.read_bytes() if target.is_file() else None
    (inbox / "swapped.docx").symlink_to(target)
    p.take(inbox / "swapped.docx")  # the watcher saw a regular file; the link came in before the rename
    assert not list((filed / "accepted").iterdir())
    (kept,) = [x for x in (filed / "quarantine").iterdir() if not x.name.endswith((".json", ".html"))]
    assert kept.name.endswith(".symlink.txt") and kept.is_file() and not kept.is_symlink()
    assert no_links(filed) and not list(cfg.work.iterdir())
    if before is not None:
        assert target.read_bytes() == before, "the link's target is left alone"


def test_a_link_to_a_folder_in_the_claim_area_does_not_stop_recovery(documents, inbox_env, pipeline):
    cfg, _, filed = inbox_env
    p, _ = pipeline
    (cfg.work / "1-aa__folder.docx").symlink_to(documents)
    (cfg.work / "1-ab__loop.docx").symlink_to(cfg.work / "1-ab__loop.docx")
    (cfg.work / "1-ac__real.docx").mkdir()
    shutil.copy(documents / SUB, cfg.work / f"1-ad__{SUB}")
    p.recover()
    assert [x.name.split("__", 1)[1] for x in (filed / "accepted").iterdir() if x.suffix == ".docx"] == [SUB]
    assert no_links(filed)


# -- two watchers -----------------------------------------------------------------------------------------
def test_a_second_watcher_on_one_inbox_or_ledger_is_told_clearly(inbox_env, tmp_path):
    cfg, inbox, _ = inbox_env
    held = InboxLock(inbox, ledger_path(cfg.project_dir))
    try:
        with pytest.raises(UsageError, match="另一个 loupan watch/ingest") as err:
            api.ingest(cfg, log=lambda _: None)
        assert "another loupan watch or ingest" in str(err.value) and str(os.getpid()) in str(err.value)
        other_inbox = tmp_path / "inbox2"
        other_inbox.mkdir()
        with pytest.raises(UsageError, match="台账"):  # another inbox, the same ledger
            api.ingest(api.inbox_config(cfg.project_dir, other_inbox, tmp_path / "filed2"), log=lambda _: None)
        other = tmp_path / "project2"
        shutil.copytree(cfg.project_dir, other)
        with pytest.raises(UsageError, match="收件箱"):  # the same inbox, another ledger
            api.ingest(api.inbox_config(other, inbox, tmp_path / "filed3"), log=lambda _: None)
    finally:
        held.release()
    assert api.ingest(cfg, log=lambda _: None) == 0, "the lock goes with its holder"


def test_copies_in_flight_are_duplicates_of_each_other(documents, inbox_env):
    cfg, inbox, filed = inbox_env
    for n in range(3):
        shutil.copy(documents / SUB, inbox / f"copy-{n}.docx")
    assert api.ingest(cfg, log=lambda _: None) == 3
    outcomes = sorted(r.outcome for r in rows(cfg))
    assert outcomes == ["accepted", "duplicates", "duplicates"]


# -- files that vanish, a damaged ledger ---------------------------------------------------------------------
def test_a_claim_deleted_during_its_check_is_still_filed_from_what_was_read(documents, inbox_env, pipeline):
    cfg, inbox, filed = inbox_env
    p, _ = pipeline
    data = (documents / SUB).read_bytes()
    (inbox / SUB).write_bytes(data)
    real = p.worker.check

    def check_and_delete(path, sha256="", limit=None):
        verdict = real(path, sha256, limit)
        Path(path).unlink()
        return verdict

    p.worker.check = check_and_delete
    p.take(inbox / SUB)
    (row,) = rows(cfg)
    assert row.state == "filed" and Path(row.filed_path).read_bytes() == data


def test_a_claimed_row_whose_file_is_gone_is_not_in_flight_forever(inbox_env, pipeline):
    cfg, _, _ = inbox_env
    p, lines = pipeline
    p.ledger.claim("vanished.docx", cfg.work / "9-zz__vanished.docx", 100)
    p.recover()
    assert p.ledger.unfinished() == [] and p.ledger.counts() == {"gone": 1}
    assert any("已移走：vanished.docx" in line for line in lines)


@pytest.mark.parametrize("damage", [b"not a database at all" * 100, b"SQLite format 3\0" + b"\xff" * 4000])
def test_a_damaged_ledger_gives_a_clear_error_not_a_traceback(inbox_env, capsys, damage):
    cfg, inbox, filed = inbox_env
    path = ledger_path(cfg.project_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(damage)
    with pytest.raises(UsageError, match="已损坏"):
        api.ingest(cfg, log=lambda _: None)
    code = cli.main(["ingest", "--project", str(cfg.project_dir), "--inbox", str(inbox), "--filed", str(filed)])
    err = capsys.readouterr().err
    assert code != 0 and "已损坏" in err and "Traceback" not in err
    assert cli.main(["status", "--project", str(cfg.project_dir)]) != 0


# -- personal numbers ---------------------------------------------------------------------------------------
PERSONAL = [f"张三{ID18}", f"ID{ID18}", f"x{ID15}y", "电话+86 138-0013-8000", "tel 138 0013 8000", f"86{PHONE}"]


def test_personal_numbers_in_names_are_masked_in_every_output(documents, inbox_env, capsys):
    cfg, inbox, filed = inbox_env
    name = "-".join(PERSONAL) + "-" + SUB
    shutil.copy(documents / SUB, inbox / name)
    lines: list[str] = []
    api.ingest(cfg, log=lines.append)
    cli.main(["status", "--project", str(cfg.project_dir)])
    cli.main(["status", "--project", str(cfg.project_dir), "--json"])
    shown = json.dumps(
        dataclasses.asdict(api.unit_show(api.open_project(cfg.project_dir), "1-1801")), ensure_ascii=False, default=str
    )
    outputs = {
        "log": "\n".join(lines),
        "status": capsys.readouterr().out
        + json.dumps(dataclasses.asdict(api.inbox_status(cfg.project_dir)), ensure_ascii=False),
        "reports": "".join(p.read_text(encoding="utf-8") for p in filed.rglob("*.report.*")),
        "filed names": " ".join(p.name for p in filed.rglob("*")),
        "unit show": shown,
    }
    assert shown.count("documents") and SUB in shown
    for where, text in outputs.items():
        for number in (ID18, ID15, PHONE, "0013"):
            assert number not in text, f"{number} shown in the {where}"


def test_the_daily_report_writes_a_formula_looking_name_as_text(tmp_path):
    from openpyxl import Workbook, load_workbook

    from toolkit.reports.daily import _rows

    wb = Workbook()
    _rows(wb.active, [['=HYPERLINK("http://example.invalid","点击")', "+1+1", "@SUM(A1)", 5]])
    wb.save(tmp_path / "d.xlsx")
    cells = list(load_workbook(tmp_path / "d.xlsx").active.iter_rows(values_only=False))[0]
    assert [c.data_type for c in cells] == ["s", "s", "s", "n"]
    assert cells[0].value.startswith("=HYPERLINK")
