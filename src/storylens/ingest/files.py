"""Files and folders to Articles or Rejections, never blocking and never following a loop.

A folder is walked in sorted order, hidden names skipped, symbolic links to folders
followed once (a link back into a folder already read is reported, not followed again).
Anything that is not a regular file is reported with its reason and never opened:
a dangling link (``missing``), a named pipe, socket or device (``not_a_file``; opening a
pipe with no writer would wait forever), a folder that cannot be listed
(``unreadable``). A file is opened without blocking and checked to be regular on the
open handle, so a file swapped for a pipe between the look and the open is caught too.
JSONL files are streamed line by line, and a line over the size limit is skipped in
chunks, never held whole.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import RejectedInput
from ..model import Article, Rejection
from .clean import printable
from .readers import (
    _JSONL_EXT,
    _TEXT_EXT,
    MAX_BYTES,
    MAX_CORPUS_BYTES,
    iter_bytes,
    iter_jsonl_lines,
)

log = logging.getLogger(__name__)

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def _problem(path: str) -> tuple[os.stat_result | None, Rejection | None]:
    """``path``'s status (links followed), or the Rejection that says why it cannot be read."""
    origin = printable(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            target = printable(os.readlink(path))
            return None, Rejection(
                origin,
                "missing",
                f"a symbolic link to {target!r}, which does not exist; fix or remove the link",
            )
        return None, Rejection(origin, "missing", "no such file or folder; check the path")
    except OSError as exc:
        why = "a loop of symbolic links" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        return None, Rejection(origin, "unreadable", f"{why}; check the path")
    if stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode):
        return st, None
    what = next((name for test, name in _SPECIAL if test(st.st_mode)), "not a regular file")
    return None, Rejection(
        origin, "not_a_file", f"{what} is not a file storylens can read; give regular files only"
    )


def _walk(root: str, root_stat: os.stat_result) -> list[tuple[str, Rejection | None]]:
    """Every regular file under ``root`` (or why an entry cannot be read), in sorted order."""
    found: list[tuple[str, Rejection | None]] = []
    seen = {(root_stat.st_dev, root_stat.st_ino)}
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                names = [entry.name for entry in entries]
        except OSError as exc:
            found.append(
                (
                    folder,
                    Rejection(
                        printable(folder), "unreadable", f"{exc.strerror}; check permissions"
                    ),
                )
            )
            continue
        for name in names:
            if name.startswith("."):
                continue
            child = os.path.join(folder, name)
            st, problem = _problem(child)
            if st is not None and stat.S_ISDIR(st.st_mode):
                if (st.st_dev, st.st_ino) in seen:
                    problem = Rejection(
                        printable(child),
                        "unreadable",
                        "a link back into a folder already read; it is not read twice",
                    )
                else:
                    seen.add((st.st_dev, st.st_ino))
                    folders.append(child)
                    continue
            found.append((child, problem))
    found.sort(key=lambda pair: Path(pair[0]).parts)
    return found


def iter_path(path: str, max_bytes: int = MAX_BYTES) -> Iterator[Article | Rejection]:
    """Articles from a file or, recursively and in sorted order, a folder."""
    st, problem = _problem(path)
    if problem is not None:
        yield problem
        return
    assert st is not None
    if not stat.S_ISDIR(st.st_mode):
        yield from _iter_file(path, max_bytes)
        return
    for child, problem in _walk(path, st):
        if problem is not None:
            yield problem
        else:
            yield from _iter_file(child, max_bytes)


def _open_regular(path: str) -> BinaryIO:
    """Open ``path`` for reading without ever blocking; RejectedInput unless it is a file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RejectedInput("not_a_file", "not a regular file; give regular files only")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _iter_file(path: str, max_bytes: int) -> Iterator[Article | Rejection]:
    origin = printable(path)
    ext = os.path.splitext(path)[1].lower()
    try:
        handle = _open_regular(path)
    except RejectedInput as exc:
        yield Rejection(origin, exc.reason, exc.detail)
        return
    except OSError as exc:
        yield Rejection(origin, "unreadable", f"{exc.strerror or exc}; check permissions")
        return
    with handle:
        try:
            size = os.fstat(handle.fileno()).st_size
            limit = MAX_CORPUS_BYTES if ext in _JSONL_EXT else max_bytes
            if size > limit:
                yield Rejection(
                    origin,
                    "too_large",
                    f"{size} bytes is over the {limit}-byte limit; split the input",
                )
                return
            if ext in _JSONL_EXT:
                yield from iter_jsonl_lines(_lines(handle, max_bytes), origin, max_bytes)
                return
            data = handle.read(limit + 1)
        except OSError as exc:
            yield Rejection(origin, "unreadable", f"{exc.strerror or exc}; check permissions")
            return
    yield from iter_bytes(
        data, origin, hint=None if ext not in _TEXT_EXT else ".txt", max_bytes=max_bytes
    )


def _lines(handle: BinaryIO, limit: int) -> Iterator[bytes]:
    """The file's lines; a line over ``limit`` bytes comes as its first ``limit + 1`` bytes
    (the rest is read past in 1 MiB chunks, never held)."""
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        if len(raw) > limit and not raw.endswith(b"\n"):
            while True:
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
        yield raw


__all__ = ["iter_path"]
