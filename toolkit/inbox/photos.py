"""Phone photos of one document: one JPG or PNG per page, dropped together, judged once as one document.

A photo whose QR code names a document of several pages is held (it stays in the claim area, like any file
in flight) until every page of that document has arrived, or until the grace delay since its first page
ran out; then the photos are judged together, as one multi-page image in the worker, and each photo file
gets its own ledger row, filed copy and report, all with the document's one verdict. A page still missing
at the end of the delay is `scan.pages`. Nothing is held that is not ours to group: a photo without a
readable code, a one-page document, a copy of a file already taken, or anything that is not a photo goes
on alone. A photo held when the inbox stops is still in the claim area, and is held again at the next start.
"""

from __future__ import annotations

import dataclasses
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_PIXELS = 60_000_000  # more than any phone camera takes (48 MP)
CODE_WIDTH = 2600  # px: photos are read for their code at most this wide


def is_photo(name: str) -> bool:
    """Tell whether a file name is one of a photo (one page each), which may be grouped."""
    return Path(name).suffix.lower() in PHOTO_SUFFIXES


@dataclass
class Held:
    """A photo waiting for the other pages of its document."""

    item: Any  # pipeline.Claimed
    page: int
    pages: int
    since: float


@dataclass
class Given:
    """A verdict reached for a group of photos, handed to the pipeline in place of a worker's ticket."""

    verdict: Any


@dataclass
class Photos:
    """The photos held, by the document their QR code names."""

    window: float
    clock: Callable[[], float] = time.monotonic
    groups: dict[str, list[Held]] = field(default_factory=dict)

    def holds(self, claim: Path) -> bool:
        """Tell whether a claimed file is held here."""
        return any(h.item.claim == claim for group in self.groups.values() for h in group)

    def hold(self, item: Any, seen_before: Callable[[str], bool]) -> bool:
        """Hold a claimed photo of a document of several pages; False when it is to be judged alone."""
        if not is_photo(item.name) or item.content.kind != "file":
            return False
        if not item.content.data or seen_before(item.content.sha256):
            return False
        mark = _mark(item.content.data)
        if mark is None or mark.pages < 2:
            return False
        self.groups.setdefault(mark.document_id, []).append(Held(item, mark.page, mark.pages, self.clock()))
        return True

    def due(self, force: bool = False) -> list[list[Held]]:
        """Take out the groups to judge now: complete, or waited for long enough (or all, with force)."""
        now = self.clock()
        ready = [
            key
            for key, group in self.groups.items()
            if force or _complete(group) or now - min(h.since for h in group) >= self.window
        ]
        return [self.groups.pop(key) for key in ready]


def _complete(group: list[Held]) -> bool:
    return {h.page for h in group} >= set(range(1, group[0].pages + 1))


def _mark(data: bytes):
    """Read a photo's QR code from its bytes (None: no code of ours, not an image, or too large to open here).

    This runs in the inbox process, so the image's size is read from its header first: a file claiming more
    pixels than a phone takes is left to the worker, where a decompression bomb costs a worker, not the inbox.
    """
    try:
        import cv2
        import numpy as np
        from PIL import Image

        from toolkit.scan.pages import identify

        with Image.open(io.BytesIO(data)) as im:  # the header only
            if im.size[0] * im.size[1] > MAX_PIXELS:
                return None
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
        if image is None:
            return None
        if image.shape[1] > CODE_WIDTH:  # a 48 MP photo: the code is still 150 px wide at this width
            image = cv2.resize(image, None, fx=CODE_WIDTH / image.shape[1], fy=CODE_WIDTH / image.shape[1])
        return identify("", image).mark
    except Exception:  # noqa: BLE001 - a photo that cannot be decoded here is judged alone by the worker
        return None


def bundle(group: list[Held], folder: Path) -> Path:
    """Write the group's photos in page order as one multi-page image the worker judges as one document."""
    import cv2
    import numpy as np
    from PIL import Image

    frames = [
        Image.fromarray(np.asarray(cv2.imdecode(np.frombuffer(h.item.content.data, np.uint8), cv2.IMREAD_GRAYSCALE)))
        for h in ordered(group)
    ]
    path = folder / f".photos-{os.getpid()}-{os.urandom(4).hex()}.tiff"  # hidden: recovery leaves it alone
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    return path


def ordered(group: list[Held]) -> list[Held]:
    """Return the photos in page order (then in the order they came)."""
    return sorted(group, key=lambda h: h.page)


def named(verdict: Any, bundle_name: str, group: list[Held]) -> Any:
    """Put the photo files' names where the worker's verdict names the bundle and its pages."""
    files = ordered(group)
    names = {f"{bundle_name}#{i + 1}": h.item.name for i, h in enumerate(files)}
    together = "、".join(h.item.name for h in files)

    def rename(text: str) -> str:
        for old, new in sorted(names.items(), key=lambda kv: -len(kv[0])):  # "#12" before "#1"
            text = text.replace(old, new)
        return text.replace(bundle_name, together)

    findings = [{k: rename(v) if isinstance(v, str) else v for k, v in f.items()} for f in verdict.findings]
    doc = verdict.doc
    if doc is not None:  # kept for the counterpart's cross-check, which reports the document's own findings too
        own = [dataclasses.replace(f, message=rename(f.message), document=rename(f.document)) for f in doc.findings]
        doc = dataclasses.replace(doc, path=files[0].item.claim, signed_copy=None, findings=own)
    return dataclasses.replace(verdict, findings=findings, doc=doc, error=rename(verdict.error))


def release(pipeline: Any, force: bool = False) -> int:
    """Judge the groups that are due and file each of their photos; return how many photos were taken."""
    taken = 0
    for group in pipeline.photos.due(force):
        first = ordered(group)[0].item
        if pipeline._attempt(first.name, judge_group, pipeline, group):
            taken += len(group)
    return taken


def judge_group(pipeline: Any, group: list[Held]) -> None:
    """Judge held photos as one document (one worker request), then record and file every photo."""
    from toolkit.scan.approval import approval_findings

    path = bundle(group, pipeline.cfg.work)
    try:
        verdict = pipeline.worker.check(path, "", pipeline.limit_for(len(group)))  # more pages, more time
    finally:
        path.unlink(missing_ok=True)  # made here from the photos: the photos themselves are filed below
    signed = approval_findings(pipeline.cfg.project_dir, verdict.doc, pipeline.cfg.ledger_url)  # 签约审定
    if verdict.doc is not None:
        verdict.doc.findings += signed
    verdict = dataclasses.replace(verdict, findings=verdict.findings + [f.as_dict() for f in signed])
    verdict = named(verdict, path.name, group)
    files = [h.item for h in ordered(group)]
    with pipeline.ledger.batch():  # every photo's verdict in one commit
        pipeline._flush_filed()
        decided = [
            pipeline._record(files[0].claim, files[0].name, dataclasses.replace(files[0], ticket=Given(verdict)))
        ]
        j = decided[0][5]
        j.photos = [f.name for f in files]
        rest = dataclasses.replace(j, unit="", terms=None)  # the unit moves once, with the first photo
        decided += [pipeline._record(f.claim, f.name, f, judgement=rest) for f in files[1:]]
    for d in decided:
        pipeline._attempt(d[1], pipeline._complete, *d)
    pipeline._flush_filed()
