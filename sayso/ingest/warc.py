"""WARC web archives: each archived HTML page becomes an Article through the HTML reader."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from ..errors import InputRejected
from ..models import Article, InputError
from .html import parse_html

# Content types of the pages read; other responses (images, scripts, PDFs) are skipped.
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# What warcio and the decompressor raise on damaged archives.
_DAMAGE = (
    ArchiveLoadFailed,
    StatusAndHeadersParserException,
    EOFError,
    OSError,
    ValueError,
    zlib.error,
)


class _Damaged(Exception):
    """A record ends before its declared length, or has no WARC header."""


def _is_html(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() in _HTML_TYPES


def _unread(record: Any) -> int:
    """Bytes of the record's declared length that were never there (truncation)."""
    return int(getattr(record.raw_stream, "limit", 0) or 0)


def read_warc(stream: BinaryIO, name: str) -> Iterator[Article | InputError]:
    """One Article per HTML page archived in a WARC (``response`` or ``resource`` records).

    The page URL is the record's WARC-Target-URI.  Redirects and error pages (non-2xx) are
    not articles and are skipped.  A page without an article yields an InputError named
    ``name::URL``.  A truncated or corrupt archive yields the articles read before the damage,
    then one InputError.
    """
    iterator = ArchiveIterator(stream)
    records = complete = pages = articles = 0
    previous = None
    try:
        for record in iterator:
            # warcio reads a record's rest when it moves on; a short read there is truncation.
            if previous is not None:
                if _unread(previous):
                    raise _Damaged
                complete += 1
            previous = record
            if record.rec_type is None or record.rec_headers is None:
                raise _Damaged
            records += 1
            uri = record.rec_headers.get_header("WARC-Target-URI") or f"record {records}"
            if record.rec_type == "response":
                http = record.http_headers
                if http is None or not _is_html(http.get_header("Content-Type")):
                    continue
                if not (http.get_statuscode() or "").startswith("2"):
                    continue
                content_type = http.get_header("Content-Type")
            elif record.rec_type == "resource":
                content_type = record.rec_headers.get_header("Content-Type")
                if not _is_html(content_type):
                    continue
            else:
                continue
            payload = record.content_stream().read()
            if _unread(record):
                raise _Damaged
            pages += 1
            try:
                article = parse_html(payload, f"{name}::{uri}", url=uri, content_type=content_type)
            except InputRejected as e:
                yield InputError(e.input_name, e.message)
                continue
            articles += 1
            yield article
        if previous is not None:
            if _unread(previous):
                raise _Damaged
            complete += 1
        if _trailing_bytes(stream, iterator.offset):
            raise _Damaged
    except (_Damaged, *_DAMAGE) as e:
        detail = f" ({type(e).__name__}: {e})" if str(e) else ""
        if complete == 0:
            yield InputError(
                name,
                f"not a readable WARC: damaged or not a WARC from the start{detail}; "
                "check the file with `warcio check`",
            )
        else:
            yield InputError(
                name,
                f"truncated or corrupt WARC: it breaks off after {complete} complete records "
                f"({articles} articles read){detail}; the rest of the file is skipped. "
                "Re-download or re-create the WARC",
            )
        return
    if pages == 0:
        yield InputError(
            name, f"no HTML pages in this WARC ({records} records); nothing to read as articles"
        )


def _trailing_bytes(stream: BinaryIO, end: int) -> bool:
    """True when something other than blank lines follows the last complete record.

    A gzipped WARC cut inside a record ends the iteration quietly, one record early.
    """
    try:
        if not stream.seekable():
            return False
        stream.seek(end)
        # A few kilobytes are enough to tell blank padding from the start of a record.
        return bool(stream.read(4096).strip())
    except OSError:
        return False
