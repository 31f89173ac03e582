"""Read articles from files, directories, globs and stdin, in any supported format.

``read_inputs`` is the one entry point: it yields an :class:`~sayso.models.Article` for every
article it finds and an :class:`~sayso.models.InputError` for every input it cannot read,
and never raises for bad input, so a run goes on past a bad file.

Formats, told by the file ending and, for ``.txt``, unknown endings and stdin, by the
content: plain text (:mod:`.text`), HTML (:mod:`.html`), JSON Lines / JSON (:mod:`.jsonl`),
WARC (:mod:`.warc`).  Size limits and other tuning constants live in :mod:`.settings`.
"""

from __future__ import annotations

import glob
import io
import os
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import BinaryIO, TextIO

from ..errors import InputRejected
from ..models import Article, InputError
from .html import parse_html
from .jsonl import read_json, read_jsonl, record_to_article
from .settings import EXTENSIONS, MAX_HTML_BYTES, MAX_TEXT_BYTES, SNIFF_BYTES
from .sniff import decode_text, detect_format, format_for_name, too_large
from .text import parse_text
from .warc import read_warc

__all__ = [
    "parse_html",
    "parse_text",
    "read_file",
    "read_inputs",
    "read_json",
    "read_jsonl",
    "read_stream",
    "read_warc",
    "record_to_article",
    "sample_paths",
]

#: The name stdin goes by in errors.
STDIN_NAME = "<stdin>"
_GLOB_CHARS = frozenset("*?[")
#: The bundled sample files, news first (see sayso/data/samples/NOTICE for their licences).
SAMPLE_FILES = ("wikinews.jsonl", "gov-readouts.jsonl")


def read_inputs(
    inputs: list[str], stdin: TextIO | BinaryIO | None = None
) -> Iterator[Article | InputError]:
    """Every article in ``inputs``, in order, and an InputError for each bad input.

    Each input is a file, a directory (read recursively in sorted order, hidden entries and
    files with unknown endings skipped), a glob pattern (``data/*.html``, ``**`` recurses),
    or ``-`` for ``stdin`` (default ``sys.stdin``).
    """
    for spec in inputs:
        if spec == "-":
            yield from _guard(STDIN_NAME, _read_stdin(stdin if stdin is not None else sys.stdin))
        elif os.path.lexists(spec):
            yield from _read_path(Path(spec), spec)
        elif _GLOB_CHARS & set(spec):
            matches = sorted(glob.glob(spec, recursive=True))
            if not matches:
                yield InputError(
                    spec,
                    "the pattern matches no files; check it, and quote it so that the shell "
                    "passes it on unexpanded",
                )
            for match in matches:
                yield from _read_path(Path(match), match)
        else:
            yield InputError(spec, "no such file or directory; check the path")


def _read_path(path: Path, name: str) -> Iterator[Article | InputError]:
    if path.is_dir():
        yield from _read_directory(path, name)
    else:
        yield from _guard(name, read_file(path, name))


def _read_directory(root: Path, name: str) -> Iterator[Article | InputError]:
    files: list[Path] = []
    try:
        for dirpath, dirnames, filenames in os.walk(root, onerror=_raise):
            # Hidden files and folders (.git, .DS_Store) are never articles; pruning the
            # folders here keeps the walk out of them.
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            files.extend(
                Path(dirpath, f)
                for f in filenames
                if not f.startswith(".") and format_for_name(f) is not None
            )
    except OSError as e:
        yield InputError(name, f"cannot read the directory: {e.strerror}; check its permissions")
        return
    if not files:
        endings = ", ".join(EXTENSIONS)
        yield InputError(name, f"no readable files in this directory (looked for {endings})")
    for path in sorted(files):
        yield from _guard(str(path), read_file(path, str(path)))


def _raise(error: OSError) -> None:
    raise error


def read_file(path: Path, name: str | None = None) -> Iterator[Article | InputError]:
    """The articles in one file, of any supported format; errors name it ``name`` (or the path).

    Raises InputRejected when the whole file cannot be read (``read_inputs`` turns that into
    an InputError); a JSONL or WARC file yields an InputError per bad record instead.
    """
    name = name or str(path)
    try:
        with open(path, "rb") as fh:
            if fh.seekable():
                yield from read_stream(fh, name, os.fstat(fh.fileno()).st_size)
            else:  # a pipe or device (/dev/stdin): buffered, as the readers seek
                yield from read_stream(io.BytesIO(fh.read()), name, None)
    except IsADirectoryError:
        raise InputRejected(name, "is a directory") from None
    except PermissionError:
        raise InputRejected(name, "permission denied; check the file's permissions") from None
    except FileNotFoundError:
        raise InputRejected(name, "no such file (a broken link?); check the path") from None


def read_stream(fh: BinaryIO, name: str, size: int | None = None) -> Iterator[Article | InputError]:
    """The articles in an open binary stream; its format is told from ``name`` and its bytes.

    ``size`` (bytes) lets over-size inputs be rejected before they are read.
    """
    head = fh.read(SNIFF_BYTES)
    if not head:
        raise InputRejected(name, "empty: nothing to read (0 bytes)")
    fmt = detect_format(name, head)
    if fmt == "warc":
        fh.seek(0)
        yield from read_warc(fh, name)
        return
    if fmt == "jsonl":
        fh.seek(0)
        # A .json file or a JSON list is one document; anything else is streamed line by line.
        if name.lower().endswith(".json") or head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"[":
            yield from read_json(fh.read(), name)
        else:
            yield from read_jsonl(fh, name)
        return
    limit = MAX_HTML_BYTES if fmt == "html" else MAX_TEXT_BYTES
    what = "HTML page" if fmt == "html" else "text"
    if size is not None and size > limit:
        raise too_large(name, size, limit, what=what)
    data = head + fh.read(limit + 1 - len(head))
    if len(data) > limit:
        raise too_large(name, len(data) + len(fh.read()), limit, what=what)
    if fmt == "html":
        yield parse_html(data, name)
    else:
        yield parse_text(decode_text(data, name), name)


def _read_stdin(stream: TextIO | BinaryIO) -> Iterator[Article | InputError]:
    raw = getattr(stream, "buffer", stream)
    data = raw.read()
    if isinstance(data, str):  # a text stream without a byte buffer (io.StringIO)
        data = data.encode("utf-8")
    # Buffered so the readers can seek; a WARC or JSONL on stdin is read the same as a file.
    yield from read_stream(io.BytesIO(data), STDIN_NAME, None)


def _guard(name: str, items: Iterator[Article | InputError]) -> Iterator[Article | InputError]:
    """The items of one input's reader, its InputRejected (or any failure) as an InputError."""
    try:
        yield from items
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
