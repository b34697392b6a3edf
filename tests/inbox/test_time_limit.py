"""The worker's time limit grows with the pages a check judges: a group of photos or a long scan is not cut off."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfWriter

from toolkit.inbox.worker import MAX_PAGES, CheckWorker, Verdict, pages_in, time_limit


def test_the_limit_is_the_base_for_one_page_and_grows_per_further_page():
    assert time_limit(60, 1, 15) == 60 and time_limit(60, 0, 15) == 60
    assert time_limit(60, 6, 15) == 135  # six photos of one 认购书 judged together
    assert time_limit(60, 10_000, 15) == 60 + 15 * (MAX_PAGES - 1)  # a file claiming endless pages gets no more


def test_a_pdfs_pages_are_counted_from_its_bytes():
    w = PdfWriter()
    for _ in range(3):
        w.add_blank_page(595, 842)
    buf = io.BytesIO()
    w.write(buf)
    assert pages_in(buf.getvalue(), "scan.PDF") == 3
    assert pages_in(buf.getvalue(), "scan.jpg") == 1 and pages_in(b"%PDF-1.7 nothing", "x.pdf") == 1
    assert pages_in(None, "big.pdf") == 1  # too large to have been read: the base limit


class _Conn:
    """A pipe to a worker that answers at once, remembering how long it was waited for."""

    def __init__(self):
        self.waited: list[float] = []

    def send(self, request):
        pass

    def poll(self, seconds):
        self.waited.append(seconds)
        return True

    def recv(self):
        return Verdict()


class _Alive:
    def is_alive(self):
        return True


def test_a_request_is_waited_for_as_long_as_its_own_limit():
    w = CheckWorker(Path("."), None, 60)
    w.conn, w.proc = _Conn(), _Alive()
    w.check(Path("photos.tiff"), "", time_limit(60, 6, 15))
    w.check(Path("one.pdf"))
    assert w.conn.waited == [135, 60] and w.limits == {}
