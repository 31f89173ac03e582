"""Tell an input's format, and turn its bytes into text without guessing silently."""

from __future__ import annotations

import codecs
import json
import re
import zlib

from ..errors import InputRejected
from .settings import BINARY_CONTROL_SHARE, EXTENSIONS, MAX_TEXT_BYTES, SNIFF_BYTES

#: Formats a reader exists for.
FORMATS = ("text", "html", "jsonl", "warc", "feed")

_GZIP_MAGIC = b"\x1f\x8b"
_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title)\b",
    re.IGNORECASE | re.DOTALL,
)
# An RSS 2.0, RSS 1.0 (RDF) or Atom document, behind an XML declaration, stylesheet
# instructions or comments.
_FEED_START = re.compile(
    rb"^\s*(?:<\?[^>]*\?>\s*|<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.IGNORECASE | re.DOTALL
)
# Bytes that never occur in text: C0 controls other than tab, newline, form feed, return
# and escape (ANSI colours), plus DEL.
_CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13, 27}) + b"\x7f"


def format_for_name(name: str) -> str | None:
    """The format a file name's ending stands for, or None when the ending is not known."""
    lower = name.lower()
    # Longest endings first, so ".warc.gz" wins over a hypothetical ".gz".
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if lower.endswith(ext):
            return EXTENSIONS[ext]
    return None


def detect_format(name: str, head: bytes) -> str:
    """The format of an input from its name and its first bytes.

    A known ending decides, except that a ``.txt`` (or unknown) file whose content is plainly
    HTML, a WARC or JSON is read as that.  Raises InputRejected for binary data and for
    gzip files that hold no WARC.
    """
    by_name = format_for_name(name)
    if by_name is not None and by_name != "text":
        return by_name
    if head.startswith(_GZIP_MAGIC):
        try:
            inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            inner = b""
        if inner.startswith(b"WARC/"):
            return "warc"
        raise InputRejected(
            name, "gzip-compressed data that is not a WARC; decompress it first (gunzip)"
        )
    if head.startswith(b"WARC/"):
        return "warc"
    if is_binary(head):
        raise binary_error(name)
    body = _strip_bom(head)
    if _FEED_START.match(body):
        return "feed"
    if _HTML_START.match(body):
        return "html"
    if by_name is None:
        stripped = body.lstrip()
        if re.match(rb"\[\s*\{", stripped) or _is_json_object(stripped.split(b"\n", 1)[0]):
            return "jsonl"
    return "text"


def _is_json_object(line: bytes) -> bool:
    # Only whether the line opens an object matters here: "[" * 5000 must not recurse.
    if not line.startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _strip_bom(data: bytes) -> bytes:
    return data[3:] if data.startswith(codecs.BOM_UTF8) else data


def is_binary(data: bytes) -> bool:
    """True when ``data`` (the head of an input) is binary rather than text of any encoding."""
    sample = data[:SNIFF_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False  # UTF-16 text is full of NUL bytes, and decode_text reads it
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _CONTROL_BYTES)
    return bool(sample) and controls / len(sample) > BINARY_CONTROL_SHARE


def binary_error(name: str) -> InputRejected:
    """The error for binary data where text was expected."""
    return InputRejected(
        name,
        "binary data (NUL or control bytes), not text; sayso reads plain text (.txt), "
        "HTML (.html), JSON Lines (.jsonl), WARC (.warc, .warc.gz) and RSS/Atom feed "
        "(.rss, .atom, .xml) files",
    )


def decode_text(data: bytes, name: str, encoding: str = "utf-8") -> str:
    """Decode an input's bytes strictly: invalid bytes are an error, never replaced.

    A UTF-8 or UTF-16 byte-order mark is honoured.  ``encoding`` is the declared encoding
    (an HTML ``<meta charset>`` or an HTTP header), UTF-8 when nothing was declared.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif is_binary(data):
        raise binary_error(name)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        label = "UTF-8" if codecs.lookup(encoding).name.startswith("utf-8") else encoding
        # One-line inputs (a JSON line) are already named "path:LINE".
        place = f"line {line}, column {column}" if b"\n" in data.rstrip() else f"column {column}"
        raise InputRejected(
            name,
            f"not valid {label} (byte 0x{data[e.start]:02X} at {place}); "
            f"re-encode the file as UTF-8, e.g. `iconv -f WINDOWS-1252 -t UTF-8 IN > OUT`",
        ) from None


def human_size(n: int, exact: bool = True) -> str:
    """A byte count for people: '5.0 MiB (5,242,880 bytes)', or just '5.0 MiB'."""
    if n >= 1024 * 1024:
        short = f"{n / (1024 * 1024):.1f} MiB"
    elif n >= 1024:
        short = f"{n / 1024:.1f} KiB"
    else:
        return f"{n:,} bytes"
    return f"{short} ({n:,} bytes)" if exact else short


def too_large(name: str, size: int, limit: int, what: str = "article text") -> InputRejected:
    """The error for an input over a size limit."""
    setting = "MAX_TEXT_BYTES" if limit == MAX_TEXT_BYTES else "MAX_HTML_BYTES"
    return InputRejected(
        name,
        f"{what} is {human_size(size)}, over the {human_size(limit, exact=False)} limit "
        f"({setting} in sayso/ingest/settings.py); split it into separate articles",
    )


def check_text_size(text: str, name: str) -> None:
    """Raise InputRejected when an article text is over MAX_TEXT_BYTES."""
    # Counting characters first skips encoding texts that cannot be over the limit.
    if len(text) * 4 > MAX_TEXT_BYTES:
        size = len(text.encode("utf-8"))
        if size > MAX_TEXT_BYTES:
            raise too_large(name, size, MAX_TEXT_BYTES)
