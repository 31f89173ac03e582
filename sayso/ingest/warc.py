"""WARC web archives: each archived HTML page becomes an Article through the HTML reader."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

from ..errors import InputRejected
from ..models import Article, InputError
from .html import parse_html

# Content types of the pages read; other responses (images, scripts, PDFs) are skipped.
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Records are drained in blocks of this size, to check that each one is complete.
_BLOCK = 64 * 1024


class _Damaged(Exception):
    """A record ends before its declared length, has no WARC header, or cannot be parsed."""


def _is_html(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in _HTML_TYPES


def _complete(record: Any) -> None:
    """Read the rest of a record; raise _Damaged when the file ends before its declared length."""
    while record.raw_stream.read(_BLOCK):
        pass
    if getattr(record.raw_stream, "limit", 0):
        raise _Damaged("the file ends inside a record")


def _records(iterator: ArchiveIterator) -> Iterator[Any]:
    """warcio's records, any failure inside warcio raised as _Damaged."""
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as e:  # warcio raises many kinds (even AttributeError) on cut headers
            # warcio quotes the bad line, line break and all: an error stays one line
            raise _Damaged(" ".join(f"{type(e).__name__}: {e}".split())[:300]) from e
        # warcio also reads the older ARC format, and takes any text line for an ARC header;
        # sayso reads WARC only.  Every WARC record declares its length.
        length = (record.rec_headers.get_header("Content-Length") or "").strip()
        if record.format != "warc" or record.rec_type is None or not length.isdigit():
            raise _Damaged("a record header is cut off or malformed")
        yield record


def read_warc(stream: BinaryIO, name: str) -> Iterator[Article | InputError]:
    """One Article per HTML page archived in a WARC (``response`` or ``resource`` records).

    The page URL is the record's WARC-Target-URI.  Redirects and error pages (non-2xx) are
    not articles and are skipped.  A page without an article yields an InputError named
    ``name::URL``.  A truncated or corrupt archive yields the articles read before the damage,
    then one InputError.
    """
    iterator = ArchiveIterator(stream)
    complete = pages = articles = 0
    last_start: int | None = None
    try:
        for record in _records(iterator):
            last_start = iterator.offset
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"record {complete + 1}"
            content_type = None
            if record.rec_type == "response":
                http = record.http_headers
                # Redirects and error pages are not articles.
                if http is not None and (http.get_statuscode() or "").startswith("2"):
                    content_type = http.get_header("Content-Type")
            elif record.rec_type == "resource":
                content_type = record.rec_headers.get_header("Content-Type")
            payload = record.content_stream().read() if _is_html(content_type) else None
            _complete(record)
            complete += 1
            if payload is None:
                continue
            pages += 1
            try:
                article = parse_html(payload, f"{name}::{uri}", url=uri, content_type=content_type)
            except InputRejected as e:
                yield InputError(e.input_name, e.message)
                continue
            articles += 1
            yield replace(article, input=f"{name}::{uri}")
        if last_start is None:
            raise _Damaged("no complete record in it")
        if not _ends_cleanly(stream, last_start, iterator.offset):
            raise _Damaged("the file ends inside the last record")
    except _Damaged as e:
        if complete == 0:
            yield InputError(
                name,
                f"not a readable WARC: damaged or not a WARC from the start ({e}); "
                "check the file with `warcio check`",
            )
        else:
            yield InputError(
                name,
                f"truncated or corrupt WARC: it breaks off after {complete} complete records "
                f"({articles} articles read; {e}); the rest of the file is skipped. "
                "Re-download or re-create the WARC",
            )
        return
    if pages == 0:
        yield InputError(
            name, f"no HTML pages in this WARC ({complete} records); nothing to read as articles"
        )


def _ends_cleanly(stream: BinaryIO, last_start: int, end: int) -> bool:
    """True when the archive's last record is whole and nothing but blank lines follows it.

    warcio ends quietly when a file breaks off inside a record's final bytes: the record
    separator of an uncompressed WARC, or the end of a gzip member.
    """
    try:
        if not stream.seekable():
            return True
        stream.seek(last_start)
        if stream.read(2) == b"\x1f\x8b":
            stream.seek(last_start)
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)
            while not member.eof and (block := stream.read(_BLOCK)):
                member.decompress(block)
            if not member.eof:
                return False
        else:
            # A WARC record ends with two CRLFs; a file cut short lacks them.
            stream.seek(max(end - 4, 0))
            if not stream.read(4).endswith((b"\r\n\r\n", b"\n\n")):
                return False
        stream.seek(end)
        # A few kilobytes are enough to tell blank padding from the start of a record.
        return not stream.read(4096).strip()
    except (OSError, zlib.error):
        return False
