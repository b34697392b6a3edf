"""Reading a claimed file once and putting it in the filed tree whole: nothing truncated, nothing overwritten.

A claimed file is opened without following a symbolic link, so what is judged and filed is the content of a
regular file the inbox holds, never a link whose target could change after the verdict. A file reaches its
place by a hard link on the same file system (atomic, and it fails rather than overwrite); across file
systems it is copied to a temporary name, made durable, verified by its SHA-256, then linked into place.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import ToolkitError

CHUNK = 1 << 20


class FilingError(ToolkitError):
    """A file could not be put in the filed tree; it stays where it was."""


class ClaimGone(FilingError):
    """The claimed file is no longer there, and was never filed."""


@dataclass
class Content:
    """What was found at a claim: a regular file (its bytes when small enough), a link, or something else."""

    kind: str  # "file" | "symlink" | "other" | "gone"
    size: int = 0
    sha256: str = ""
    data: bytes | None = None
    inode: tuple[int, int] | None = None
    link: str = ""


def read_claim(path: Path, keep_up_to: int) -> Content:
    """Read a claimed file once, without following a link; keep its bytes when it is at most keep_up_to."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return Content("gone")
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Content("symlink", link=_readlink(path))
        raise
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Content("other", inode=(st.st_dev, st.st_ino))
        h, parts = hashlib.sha256(), []
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
            if st.st_size <= keep_up_to:
                parts.append(block)
        size = f.tell()
    data = b"".join(parts) if size <= keep_up_to else None
    return Content("file", size, h.hexdigest(), data, (st.st_dev, st.st_ino))


def _readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def sha256_of(path: Path) -> str:
    """Hash a regular file (a link is not followed)."""
    return read_claim(path, 0).sha256


def place(claim: Path, target: Path, content: Content, tag: str) -> None:
    """Put the claimed content at target, whole and verified; the claim goes only once target is durable."""
    put(claim, target, content, tag)
    fsync_dir(target.parent)
    release_claim(claim)


def put(claim: Path, target: Path, content: Content, tag: str) -> None:
    """Give the claimed content its name at target, whole and verified; not yet durable, the claim kept."""
    if os.path.lexists(target):
        if sha256_of(target) != content.sha256:
            raise FilingError(f"{target} 已存在且内容不同：收件箱从不覆盖已归档的文件")
    elif content.data is None and not os.path.lexists(claim):
        raise ClaimGone(f"已领取的文件 {claim} 不见了，未曾归档")
    elif not _link_same_file(claim, target, content):
        _copy(claim, target, content, tag)


def release_claim(claim: Path) -> None:
    """Remove a claim once its file is durable in place (a second name of that inode, or a verified copy)."""
    if os.path.lexists(claim):
        os.unlink(claim)


def _link_same_file(claim: Path, target: Path, content: Content) -> bool:
    """Link the claim into place when it is the very file that was read (same file system, same inode)."""
    if content.inode is None or _inode(claim) != content.inode:
        return False
    if content.kind == "file":
        _sync_data(claim)  # the dropper may not have flushed it: the filed name must not point at lost data
    try:
        os.link(claim, target, follow_symlinks=False)
        return True
    except OSError as exc:
        if exc.errno == errno.EEXIST:
            raise FilingError(f"{target} 已存在：收件箱从不覆盖已归档的文件") from None
        return False  # another file system, or one without hard links: copy


def _sync_data(claim: Path) -> None:
    """Flush a claimed file's content to disk (whoever wrote it into the inbox may not have): a power cut after
    the claim goes must not leave its only name pointing at data that was never written."""
    try:
        fd = os.open(claim, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise FilingError(f"无法打开已领取的文件 {claim}（{exc.strerror or exc}）；文件留在原处，未归档") from None
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EROFS):  # a file system that keeps nothing to flush
            raise FilingError(f"无法把 {claim} 写入磁盘（{exc.strerror or exc}）；文件留在原处，未归档") from None
    finally:
        os.close(fd)


def _copy(claim: Path, target: Path, content: Content, tag: str) -> None:
    tmp = target.with_name(f".{tag}__{os.urandom(4).hex()}.part")
    try:
        with open(tmp, "xb") as out:
            if content.data is not None:
                out.write(content.data)
            else:
                _stream(claim, out)
            out.flush()
            os.fsync(out.fileno())
        if sha256_of(tmp) != content.sha256:
            raise FilingError(f"{target.parent} 中 {claim.name} 的副本与领取的文件不一致")
        os.link(tmp, target)
    except OSError as exc:
        raise FilingError(
            f"无法写入 {target.parent}（{exc.strerror or exc}）；文件留在 {claim.parent}，未归档"
        ) from None
    finally:
        _unlink_quietly(tmp)


def _stream(claim: Path, out) -> None:
    fd = os.open(claim, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            out.write(block)


def write_file(path: Path, data: bytes, durable: bool = True) -> None:
    """Write a small file under its name (a report), whole or not at all; durable: on disk before it is named."""
    name_staged(stage(path, data, durable))


@dataclass
class Staged:
    """A small file written under a temporary name beside its own, not yet named (a report of a group)."""

    path: Path
    tmp: Path
    durable: bool


def stage(path: Path, data: bytes, durable: bool = True) -> Staged:
    """Write a small file under a temporary name; `name_staged` makes it durable (when asked) and names it."""
    tmp = path.with_name(f".{path.name[:80]}.{os.urandom(4).hex()}.part")
    try:
        with open(tmp, "xb") as f:
            f.write(data)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise FilingError(f"无法在 {path.parent} 中写入 {path.name}（{exc.strerror or exc}）") from None
    return Staged(path, tmp, durable)


def name_staged(staged: Staged) -> None:
    """Give a staged file its name, its content on disk first when it must be durable; whole or not at all."""
    try:
        if staged.durable:
            fd = os.open(staged.tmp, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        os.replace(staged.tmp, staged.path)
    except OSError as exc:
        raise FilingError(f"无法在 {staged.path.parent} 中写入 {staged.path.name}（{exc.strerror or exc}）") from None
    finally:
        _unlink_quietly(staged.tmp)


def discard(staged: Staged) -> None:
    """Remove a staged file that will not be named."""
    _unlink_quietly(staged.tmp)


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def fsync_dir(path: Path) -> None:
    """Make the names given in a folder durable (one call covers every file put there since the last)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
