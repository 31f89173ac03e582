"""HTML pages: the article's main text and metadata, boilerplate removed by trafilatura."""

from __future__ import annotations

import codecs
import re

import trafilatura
from trafilatura.settings import Document

from ..errors import InputRejected
from ..models import Article
from .dates import normalise_published
from .origin import origin
from .settings import CHARSET_SCAN_BYTES, MAX_HTML_BYTES, MIN_HTML_BODY_CHARS
from .sniff import check_text_size, decode_text, too_large
from .text import is_credit_line

# A declared encoding in the first kilobytes of a page: <meta charset="..."> or the
# http-equiv form <meta content="text/html; charset=...">.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def declared_charset(data: bytes, http_content_type: str | None = None) -> str:
    """The page's declared encoding (HTTP header first, then <meta>), UTF-8 when none or unknown."""
    candidates = []
    if http_content_type:
        m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", http_content_type, re.I)
        if m:
            candidates.append(m.group(1))
    m2 = _META_CHARSET.search(data[:CHARSET_SCAN_BYTES])
    if m2:
        candidates.append(m2.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        # Browsers read pages labelled latin-1/ascii as windows-1252 (WHATWG encoding spec).
        return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec
    return "utf-8"


def _split_labels(values: list[str] | None) -> list[str]:
    labels: list[str] = []
    for value in values or []:
        labels.extend(part.strip() for part in value.split(","))
    return [label for label in labels if label]


def _no_article(name: str, chars: int) -> InputRejected:
    return InputRejected(
        name,
        f"no article text found (only {chars} characters of text outside menus and "
        "boilerplate); is this a section, index or error page? Pass article pages only",
    )


def parse_html(
    page: bytes | str,
    name: str = "<html>",
    url: str | None = None,
    content_type: str | None = None,
) -> Article:
    """The Article on one HTML page.

    ``url`` is where the page came from (it wins over the page's own canonical URL);
    ``content_type`` is the HTTP Content-Type header, whose charset is honoured.  Raises
    InputRejected when the page is too large, not decodable, or has no article on it.
    """
    if isinstance(page, bytes):
        if len(page) > MAX_HTML_BYTES:
            raise too_large(name, len(page), MAX_HTML_BYTES, what="HTML page")
        page = decode_text(page, name, declared_charset(page, content_type))
    elif len(page) > MAX_HTML_BYTES:
        raise too_large(name, len(page), MAX_HTML_BYTES, what="HTML page")
    if not page.strip():
        raise InputRejected(name, "empty: the page holds no HTML")
    try:
        doc = trafilatura.bare_extraction(
            page,
            url=url,
            with_metadata=True,
            include_comments=False,  # reader comments are not the article
            include_tables=False,  # tables are data, rarely attributed speech
        )
    except Exception as e:  # lxml and trafilatura raise many kinds on broken markup
        raise InputRejected(name, f"could not parse the HTML ({type(e).__name__}: {e})") from e
    if not isinstance(doc, Document):  # None when trafilatura finds no text at all
        raise _no_article(name, 0)
    title = " ".join((doc.title or "").split()) or None
    lines = [" ".join(line.split()) for line in (doc.text or "").split("\n")]
    lines = [line for line in lines if line and not is_credit_line(line)]
    title_in_text = bool(title and lines and lines[0].casefold() == title.casefold())
    # the page's own first line is the stored headline only when it is the title word for word
    # (else its words, in another case, must not be paired with the title's)
    own_title = title_in_text and lines[0] == title
    if title_in_text:
        lines = lines[1:]  # trafilatura keeps the <h1>, which repeats the title
    body_chars = sum(len(line) for line in lines)
    if body_chars < MIN_HTML_BODY_CHARS:
        raise _no_article(name, body_chars)
    body = "\n\n".join(lines)
    text = f"{title}\n\n{body}" if title else body
    check_text_size(text, name)
    topics = tuple(dict.fromkeys(_split_labels(doc.categories) + _split_labels(doc.tags)))
    return Article(
        text=text,
        title=title,
        source=doc.sitename or doc.hostname or None,
        published=normalise_published(doc.date),
        url=url or doc.url or None,
        topics=topics,
        # the input's text is the page's extracted text; a title from the page's metadata
        # only is put in front of it
        origin=origin(doc.text or "", text, 0 if own_title or not title else len(title) + 2),
    )
