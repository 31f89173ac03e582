"""Read articles from files, directories, globs and stdin, in any supported format.

``read_inputs`` is the one entry point: it yields an :class:`~sayso.models.Article` for every
article it finds and an :class:`~sayso.models.InputError` for every input it cannot read,
and never raises for bad input, so a run goes on past a bad file.

Formats, told by the file ending and, for ``.txt``, unknown endings and stdin, by the
content: plain text (:mod:`.text`), HTML (:mod:`.html`), JSON Lines / JSON (:mod:`.jsonl`),
WARC (:mod:`.warc`), RSS and Atom feeds (:mod:`.feed`).  Size limits and other tuning
constants live in :mod:`.settings`.

Everything is read lazily, in input order: a directory is walked as it is read, a JSONL file,
a WARC or stdin is streamed record by record, so memory does not grow with the number of
inputs.  A named pipe (FIFO) is opened only when its turn comes; opening it waits for a
writer, as any program reading a pipe does, but what came before it has been handed on.
"""

from __future__ import annotations

import glob
import io
import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import BinaryIO, TextIO, cast

from ..errors import InputRejected
from ..models import Article, InputError
from .feed import read_feed
from .html import parse_html
from .jsonl import read_json, read_jsonl, record_to_article
from .settings import EXTENSIONS, MAX_FEED_BYTES, MAX_HTML_BYTES, MAX_TEXT_BYTES, SNIFF_BYTES
from .sniff import decode_text, detect_format, format_for_name, too_large
from .text import TextMeta, parse_text
from .warc import read_warc

__all__ = [
    "TextMeta",
    "input_bytes",
    "parse_html",
    "parse_text",
    "read_feed",
    "read_file",
    "read_inputs",
    "read_json",
    "read_jsonl",
    "read_stream",
    "read_warc",
    "record_to_article",
    "sample_paths",
]

#: Called with the number of bytes of input files read since the last call (progress bars).
OnRead = Callable[[int], None]

#: The name stdin goes by in errors.
STDIN_NAME = "<stdin>"
_GLOB_CHARS = frozenset("*?[")
#: The bundled sample files, news first (see sayso/data/samples/NOTICE for their licences).
SAMPLE_FILES = ("wikinews.jsonl", "gov-readouts.jsonl")


def read_inputs(
    inputs: list[str],
    stdin: TextIO | BinaryIO | None = None,
    *,
    meta: TextMeta | None = None,
    on_read: OnRead | None = None,
) -> Iterator[Article | InputError]:
    """Every article in ``inputs``, in order, and an InputError for each bad input.

    Each input is a file, a directory (read recursively in sorted order, hidden entries and
    files with unknown endings skipped), a glob pattern (``data/*.html``, ``**`` recurses),
    or ``-`` for ``stdin`` (default ``sys.stdin``).  ``meta`` fills in the source, date and
    URL of plain-text articles; ``on_read`` is told how many bytes of files were read.
    """
    for name, path in _expand(inputs):
        if isinstance(path, InputError):
            yield path
        elif path is None:
            stream = stdin if stdin is not None else sys.stdin
            yield from _guard(STDIN_NAME, _read_stdin(stream, meta))
        else:
            yield from _guard(name, read_file(path, name, meta=meta, on_read=on_read))


def input_bytes(inputs: list[str]) -> int | None:
    """The total size of the files ``inputs`` name (for a progress bar), or None when one of
    them is stdin, a pipe or anything else whose size is not known in advance."""
    total = 0
    for _, path in _expand(inputs):
        if isinstance(path, InputError):
            continue
        if path is None:
            return None
        try:
            st = path.stat()
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode):
            return None
        total += st.st_size
    return total


def _expand(inputs: list[str]) -> Iterator[tuple[str, Path | InputError | None]]:
    """Each input file as ``(name, path)``; ``(name, None)`` for stdin; an InputError for a
    spec that names nothing.  Lazy: a directory is walked as its files are asked for."""
    for spec in inputs:
        if spec == "-":
            yield STDIN_NAME, None
        elif os.path.lexists(spec):
            yield from _expand_path(Path(spec), spec)
        elif _GLOB_CHARS & set(spec):
            matched = False
            for match in sorted(glob.iglob(spec, recursive=True)):
                matched = True
                yield from _expand_path(Path(match), match)
            if not matched:
                yield spec, InputError(
                    spec,
                    "the pattern matches no files; check it, and quote it so that the shell "
                    "passes it on unexpanded",
                )
        else:
            yield spec, InputError(spec, "no such file or directory; check the path")


def _expand_path(path: Path, name: str) -> Iterator[tuple[str, Path | InputError | None]]:
    if path.is_dir():
        found = failed = 0
        for file in _walk(path):
            if isinstance(file, InputError):
                failed += 1
                yield file.input, file
                continue
            found += 1
            yield str(file), file
        if not found and not failed:
            endings = ", ".join(EXTENSIONS)
            yield name, InputError(
                name, f"no readable files in this directory (looked for {endings})"
            )
    else:
        yield name, path


def _walk(folder: Path) -> Iterator[Path | InputError]:
    """The readable files under ``folder``, in the sorted order of their full paths, one
    folder listing in memory at a time; an InputError for a folder that cannot be listed (the
    walk goes on).  Hidden files and folders (.git, .DS_Store) are never articles and the walk
    stays out of them."""
    try:
        with os.scandir(folder) as listing:
            entries = [e for e in listing if not e.name.startswith(".")]
    except OSError as e:
        yield InputError(
            str(folder), f"cannot read the directory: {e.strerror}; check its permissions"
        )
        return
    # Sorting a folder's entries as "name/" (folders) and "name" (files) walks the tree in the
    # order of the sorted full paths ("a.txt" before "a/b.txt").
    entries.sort(key=lambda e: e.name + "/" if e.is_dir() else e.name)
    for entry in entries:
        if entry.is_dir():
            yield from _walk(Path(entry.path))
        elif format_for_name(entry.name) is not None:
            yield Path(entry.path)


def read_file(
    path: Path,
    name: str | None = None,
    *,
    meta: TextMeta | None = None,
    on_read: OnRead | None = None,
) -> Iterator[Article | InputError]:
    """The articles in one file, of any supported format; errors name it ``name`` (or the path).

    Raises InputRejected when the whole file cannot be read (``read_inputs`` turns that into
    an InputError); a JSONL, WARC or feed file yields an InputError per bad record instead.
    A pipe or device (a FIFO, /dev/stdin) is streamed like stdin.
    """
    name = name or str(path)
    try:
        with open(path, "rb") as fh:
            if not fh.seekable():
                yield from read_stream(fh, name, None, meta=meta)
                return
            size = os.fstat(fh.fileno()).st_size
            done = 0
            for item in read_stream(fh, name, size, meta=meta):
                if on_read is not None:
                    at = min(fh.tell(), size)
                    on_read(at - done)
                    done = at
                yield item
            if on_read is not None and size > done:
                on_read(size - done)
    except IsADirectoryError:
        raise InputRejected(name, "is a directory") from None
    except PermissionError:
        raise InputRejected(name, "permission denied; check the file's permissions") from None
    except FileNotFoundError:
        raise InputRejected(name, "no such file (a broken link?); check the path") from None


def read_stream(
    fh: BinaryIO, name: str, size: int | None = None, *, meta: TextMeta | None = None
) -> Iterator[Article | InputError]:
    """The articles in an open binary stream; its format is told from ``name`` and its bytes.

    ``size`` (bytes) lets over-size inputs be rejected before they are read.  The stream need
    not be seekable: JSONL and WARC are streamed record by record either way.
    """
    head = _read_up_to(fh, SNIFF_BYTES)
    if not head:
        raise InputRejected(name, "empty: nothing to read (0 bytes)")
    fmt = detect_format(name, head)
    if fmt == "warc":
        yield from read_warc(_rewound(fh, head), name)
        return
    if fmt == "jsonl":
        # A .json file or a JSON list is one document; anything else is streamed line by line.
        if name.lower().endswith(".json") or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[":
            yield from read_json(_rewound(fh, head).read(), name)
        else:
            yield from read_jsonl(_rewound(fh, head), name)
        return
    limits = {"html": MAX_HTML_BYTES, "feed": MAX_FEED_BYTES}
    what = {"html": "HTML page", "feed": "feed"}.get(fmt, "text")
    limit = limits.get(fmt, MAX_TEXT_BYTES)
    if size is not None and size > limit:
        raise too_large(name, size, limit, what=what)
    data = head + _read_up_to(fh, limit + 1 - len(head))
    if len(data) > limit:
        raise too_large(name, len(data) + len(fh.read()), limit, what=what)
    if fmt == "html":
        yield parse_html(data, name)
    elif fmt == "feed":
        yield from read_feed(data, name)
    else:
        article = parse_text(decode_text(data, name), name)
        yield meta.apply(article) if meta is not None else article


def _read_up_to(fh: BinaryIO, n: int) -> bytes:
    """Up to ``n`` bytes; on a pipe, a short read is not the end, so read until n or EOF."""
    parts: list[bytes] = []
    while n > 0:
        chunk = fh.read(n)
        if not chunk:
            break
        parts.append(chunk)
        n -= len(chunk)
    return b"".join(parts)


class _Prefixed(io.RawIOBase):
    """A stream that gives ``head`` again, then the rest of ``rest``: an unseekable input
    (stdin, a pipe) rewound after its format was sniffed, without reading it whole."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _rewound(fh: BinaryIO, head: bytes) -> BinaryIO:
    if fh.seekable():
        fh.seek(0)
        return fh
    return io.BufferedReader(_Prefixed(head, fh))


def _read_stdin(stream: TextIO | BinaryIO, meta: TextMeta | None) -> Iterator[Article | InputError]:
    raw = cast(BinaryIO, getattr(stream, "buffer", stream))
    if isinstance(raw, io.TextIOBase):  # a text stream without a byte buffer (io.StringIO)
        raw = io.BytesIO(raw.read().encode("utf-8"))
    # Streamed: a JSONL or WARC on stdin is read record by record, the same as a file.
    yield from read_stream(raw, STDIN_NAME, None, meta=meta)


def _guard(name: str, items: Iterator[Article | InputError]) -> Iterator[Article | InputError]:
    """The items of one input's reader, its InputRejected (or any failure) as an InputError."""
    try:
        for item in items:
            # every article says where it was read (readers of many records name each one)
            if isinstance(item, Article) and not item.input:
                item = replace(item, input=name)
            yield item
    except InputRejected as e:
        yield InputError(e.input_name, e.message)
    except OSError as e:
        yield InputError(name, f"cannot read: {e.strerror or e}; check the file")
    except Exception as e:  # noqa: BLE001 - one odd input must not stop the run
        yield InputError(
            name,
            f"unexpected failure while reading ({type(e).__name__}: {e}); the input is skipped. "
            "Please report this as a sayso bug, with the input if you can",
        )


def sample_paths() -> list[Path]:
    """The bundled sample inputs (Wikinews articles, government readouts), as JSONL files."""
    folder = resources.files("sayso") / "data" / "samples"
    return [Path(str(folder / name)) for name in SAMPLE_FILES]
