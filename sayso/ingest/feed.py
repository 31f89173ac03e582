"""RSS and Atom feeds saved to a file: one Article per item, read with feedparser.

Each item gives its title (the headline), link (``url``), published date (else its updated
date), and its full content when the feed carries it (``content:encoded``, Atom ``content``),
else its summary (``description``, Atom ``summary``).  The feed's own title is the ``source``;
the item's categories are its topics and its guid its ``external_id``.  HTML in the content is
turned into text paragraphs.  An item without any text is one InputError naming
``FILE[INDEX]``; the other items are still read.  feedparser never fetches anything here: it
is handed the file's bytes.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import feedparser  # type: ignore[import-untyped]

from ..errors import InputRejected
from ..models import Article, InputError
from .jsonl import record_to_article

#: HTML elements that end a paragraph of the item's text.
_BLOCKS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr section article figure hr"
    .split()
)  # fmt: skip
#: Elements whose text is never article text.
_SKIPPED = frozenset({"script", "style", "figcaption", "noscript"})


class _Text(HTMLParser):
    """The text of an HTML fragment, one paragraph per block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def _break(self) -> None:
        line = " ".join("".join(self._current).split())
        if line:
            self.paragraphs.append(line)
        self._current = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag in _BLOCKS:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCKS:
            self._break()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)


def html_to_text(fragment: str) -> str:
    """The paragraphs of an HTML fragment (or plain text), separated by blank lines."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    parser._break()
    return "\n\n".join(parser.paragraphs)


def _published(entry: Any) -> str | None:
    for key in ("published", "updated"):
        parsed = entry.get(f"{key}_parsed")
        if parsed:  # a UTC struct_time, whatever zone the feed wrote
            seconds = calendar.timegm(parsed)
            return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()
        if entry.get(key):
            return str(entry.get(key))  # kept as written; normalised by record_to_article
    return None


def _body(entry: Any) -> str:
    # content:encoded / Atom <content> is the full article; <description> often a teaser.
    for part in entry.get("content") or ():
        text = html_to_text(part.get("value") or "")
        if text:
            return text
    return html_to_text(entry.get("summary") or "")


def is_feed(parsed: Any) -> bool:
    """Whether feedparser recognised an RSS or Atom document."""
    return bool(parsed.get("version")) or bool(parsed.entries)


def read_feed(data: bytes, name: str) -> Iterator[Article | InputError]:
    """One Article per item of an RSS or Atom document; an InputError per item without text.

    Raises InputRejected when ``data`` is not a feed at all, or a feed without items.
    """
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if not is_feed(parsed):
        problem = parsed.get("bozo_exception")
        detail = f" ({' '.join(str(problem).split())})" if problem else ""
        raise InputRejected(
            name,
            f"not a readable RSS or Atom feed{detail}; save the feed itself (the XML the feed "
            "URL returns), or pass the articles' pages as HTML",
        )
    if not parsed.entries:
        raise InputRejected(name, "the feed has no items; nothing to read")
    source = " ".join((parsed.feed.get("title") or "").split()) or None
    for k, entry in enumerate(parsed.entries):
        where = f"{name}[{k}]"
        body = _body(entry)
        if not body:
            yield InputError(
                where,
                "the feed item has no content or summary text; save the article's page (HTML) "
                "to read it",
            )
            continue
        record = {
            "title": html_to_text(entry.get("title") or "") or None,
            "text": body,
            "url": entry.get("link"),
            "published": _published(entry),
            "source": source,
            "topics": [t.get("term") for t in entry.get("tags") or () if t.get("term")],
            "id": entry.get("id"),
        }
        try:
            yield record_to_article(record, where)
        except InputRejected as e:
            yield InputError(e.input_name, e.message)
