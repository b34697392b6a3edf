"""A file's bytes are read once for the readers of one check, and again whenever the file on disk changes."""

from __future__ import annotations

import os
import time

from toolkit.read.filecache import file_bytes


def test_the_same_file_is_read_once(tmp_path, monkeypatch):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1 first")
    reads = []
    real = type(path).read_bytes
    monkeypatch.setattr(type(path), "read_bytes", lambda self: reads.append(self) or real(self))
    assert file_bytes(path) == file_bytes(path) == b"%PDF-1 first"
    assert len(reads) == 1


def test_a_file_rewritten_in_place_with_the_same_size_and_time_is_read_again(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(b"%PDF-1 first")
    st = os.stat(path)
    assert file_bytes(path) == b"%PDF-1 first"
    time.sleep(0.05)  # past the file system's clock tick: the change time moves
    path.write_bytes(b"%PDF-1 later")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # the modification time put back: the change time is not
    assert file_bytes(path) == b"%PDF-1 later"


def test_a_file_replaced_by_another_of_the_same_name_is_read_again(tmp_path):
    path, other = tmp_path / "a.pdf", tmp_path / "b.pdf"
    path.write_bytes(b"%PDF-1 first")
    assert file_bytes(path) == b"%PDF-1 first"
    other.write_bytes(b"%PDF-1 other")
    os.replace(other, path)
    assert file_bytes(path) == b"%PDF-1 other"
    assert file_bytes(tmp_path / "a.pdf") == b"%PDF-1 other"
