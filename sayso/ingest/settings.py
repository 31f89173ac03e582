"""Every constant that tunes how sayso reads its inputs, with the reason for its value."""

from __future__ import annotations

# --- sizes -----------------------------------------------------------------------------------

#: Largest article text accepted, in UTF-8 bytes.  The longest article in the project's data
#: is 142 kB (a Wikinews interview; PolNeAR's longest is 34 kB); 2 MiB leaves room for long
#: transcripts while stopping a log file or a book from tying up the parser for minutes.
MAX_TEXT_BYTES = 2 * 1024 * 1024

#: Largest raw HTML page accepted, in bytes.  Pages carry scripts, styles and inline images,
#: so the page may be several times larger than its article.
MAX_HTML_BYTES = 16 * 1024 * 1024

#: Largest saved RSS or Atom feed accepted, in bytes.  A feed is parsed whole; outlets' feeds
#: run from 20 kB to about 2 MB with full content, so 64 MiB only stops a mislabelled dump.
MAX_FEED_BYTES = 64 * 1024 * 1024

#: How many leading bytes of an input are inspected to tell its format and spot binary data.
SNIFF_BYTES = 8192

#: More than this share of control bytes (other than tab, newline, form feed, carriage return
#: and escape) in those leading bytes means binary data.  Text in any encoding has next to
#: none; images and archives have NUL bytes anyway, this catches the rest.
BINARY_CONTROL_SHARE = 0.1

# --- plain text -------------------------------------------------------------------------------

#: A headline is at most this many characters; a longer first line is body text.  The
#: longest of 1,393 White House readout titles is 262 characters.
HEADLINE_MAX_CHARS = 300

#: A rubric (topic line above the headline, "world") has at most this many words...
RUBRIC_MAX_WORDS = 3

#: ... and at most this many characters.
RUBRIC_MAX_CHARS = 40

#: A credit line ("Photo: J. Doe/Reuters") is at most this long; longer lines are prose
#: that merely mentions an agency.
CREDIT_MAX_CHARS = 160

#: A file whose lines are all at most this long, and whose paragraphs span several lines
#: that stop mid-sentence, is hard-wrapped: its single newlines are spaces, not paragraph
#: breaks.  80 columns is the usual wrap width of e-mail and terminal text, plus slack.
WRAP_MAX_LINE_CHARS = 100

# --- HTML -------------------------------------------------------------------------------------

#: The main text trafilatura finds must hold at least this many characters beyond the
#: headline to count as an article.  On pages without an article trafilatura falls back to
#: whatever text it finds: menu entries ("World\nSport") or a copyright footer (~60 chars).
MIN_HTML_BODY_CHARS = 120

#: How far into a page to look for a <meta charset>.  HTML5 wants it in the first 1024 bytes;
#: real pages put it later, behind comments and scripts.
CHARSET_SCAN_BYTES = 4096

# --- JSONL ------------------------------------------------------------------------------------

#: Field names accepted for each Article field, first match wins.  Beyond sayso's own names
#: these cover common news-scraper outputs (news-please: maintext, date_publish).
JSONL_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "maintext"),
    "title": ("title", "headline"),
    "source": ("source", "sitename", "source_domain"),
    "published": ("published", "date", "date_publish", "datePublished", "published_at"),
    "url": ("url", "link"),
    "topics": ("topics", "categories", "tags"),
    "external_id": ("id",),
}

# --- dates ------------------------------------------------------------------------------------

#: Languages dateparser tries on a date that is not ISO 8601 ("Tuesday, June 4, 2019").  Trying
#: all of its ~200 languages takes seconds per unreadable date; HTML dates arrive already in ISO
#: form from trafilatura, so only hand-made JSONL needs this.
DATE_LANGUAGES: tuple[str, ...] = ("en",)

# --- files and directories -------------------------------------------------------------------

#: File name endings read when walking a directory, and the format each means (``.xml``: a
#: saved RSS or Atom feed, the usual ending of feed URLs).  Other files
#: in a directory (images, spreadsheets) are skipped; a file named explicitly is always read,
#: its format sniffed from its content when the ending is unknown.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".warc": "warc",
    ".warc.gz": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",
}
