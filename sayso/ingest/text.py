"""Plain-text articles: rubric, headline, body; photo credits and repeated headlines dropped.

The layout read (every part but the body optional)::

    world                                    <- rubric: a short topic line, then a blank line

    Kremlin Says Brandt Asked for Call       <- headline: the first line of what follows

    Photo: J. Doe/Reuters                    <- credit lines are dropped wherever they stand

    President Tomas Brandt called ...        <- body: one paragraph per line, or paragraphs
    According to government ...                 separated by blank lines (hard-wrapped text
                                                 is rejoined)
    Kremlin Says Brandt Asked for Call       <- the headline repeated at the end is dropped

``Article.text`` is the headline, a blank line, and the body paragraphs separated by blank
lines; whitespace inside a paragraph is collapsed to single spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..errors import InputRejected
from ..models import Article
from .dates import normalise_published
from .origin import origin
from .settings import (
    CREDIT_MAX_CHARS,
    HEADLINE_MAX_CHARS,
    RUBRIC_MAX_CHARS,
    RUBRIC_MAX_WORDS,
    WRAP_MAX_LINE_CHARS,
)
from .sniff import check_text_size

# News agencies and picture desks that appear at the end of photo credits ("J. Doe/Reuters").
_AGENCIES = (
    r"Reuters|AFP|AP|EPA(?:-EFE)?|EFE|Getty\s+Images|Bloomberg|Shutterstock|Alamy|Sputnik|"
    r"TASS|Xinhua|ANP|dpa|PA(?:\s+(?:Images|Wire))?|Anadolu(?:\s+Agency)?|Keystone|"
    r"SIPA|Imago|NurPhoto|ZUMA(?:\s+Press)?|Pool|Handout|Wikimedia\s+Commons"
)
_CREDIT_PATTERNS = (
    # "Photo: J. Doe/Reuters", "(Image: Getty)", "Photo credit: ...", "Pictures | AFP"
    re.compile(
        r"^[(\[]?\s*(?:photo(?:graph)?s?|images?|pictures?|pics?|illustrations?|graphics?|"
        r"videos?|footage|caption|credits?)(?:\s+(?:credits?|courtesy))?\s*[:|]",
        re.IGNORECASE,
    ),
    # "Photo by J. Doe", "Image courtesy of the Kremlin"
    re.compile(
        r"^[(\[]?\s*(?:photo(?:graph)?|image|picture)\s+(?:by|courtesy\s+of|via|from)\s",
        re.IGNORECASE,
    ),
    # "AP Photo/Evan Vucci", "(Reuters Photo)"
    re.compile(r"^[(\[]?\s*(?:AP|AFP|Reuters|EPA|PA)\s+Photo\b"),
    # "J. Doe/Reuters", "Jane Doe/AFP/Getty Images", "Jane Doe for The Daily via Getty Images"
    re.compile(rf"(?:/|\bvia\s)\s*(?:{_AGENCIES})\s*[)\]]?$"),
    # "Getty Images", "A protester in Kyiv. Getty Images" (a credit, not a sentence: no period)
    re.compile(r"\bGetty\s+Images\s*[)\]]?$"),
)
# Separators between several labels on one rubric line ("world / europe").
_RUBRIC_SPLIT = re.compile(r"\s*(?:/|\||›|»|>|·|•|,)\s*")
# Abbreviations that end a headline without ending a sentence ("Marcos Jr.", "the U.S.").
_ABBREVIATION_END = re.compile(r"(?:\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St|Dr|No)|\b[A-Z](?:\.[A-Z])+)\.$")
# A line that ends mid-sentence: a wrapped line of a paragraph.
_SENTENCE_END = re.compile(r"""[.!?:;"'”’)\]…]$""")


def is_credit_line(line: str) -> bool:
    """True for a photo or image credit line ("Photo: J. Doe/Reuters"): not article text."""
    line = line.strip()
    return len(line) <= CREDIT_MAX_CHARS and any(p.search(line) for p in _CREDIT_PATTERNS)


def _norm(line: str) -> str:
    return " ".join(line.split()).casefold()


def _is_rubric(line: str) -> bool:
    words = line.split()
    if not words or len(words) > RUBRIC_MAX_WORDS or len(line) > RUBRIC_MAX_CHARS:
        return False
    if line.rstrip()[-1] in '.!?:;,"”' or is_credit_line(line):
        return False
    # Capitalised three-word lines are more likely a terse headline than a rubric.
    return line == line.lower() or line == line.upper() or len(words) <= 2


def _is_headline(line: str) -> bool:
    # Headlines do not end with a period or a clause mark, prose sentences do, also inside
    # closing quotes ('He said it was "useful."'); an abbreviation ("Marcos Jr.") is no end.
    if len(line) > HEADLINE_MAX_CHARS:
        return False
    end = line.rstrip().rstrip("\"'”’)]")
    return bool(end) and (end[-1] not in ".,;:" or bool(_ABBREVIATION_END.search(end)))


def _blocks(text: str) -> list[list[str]]:
    """Runs of non-blank lines, split at blank lines, each line stripped."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.split("\n"):
        line = raw.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _hard_wrapped(blocks: list[list[str]]) -> bool:
    """True when the text is wrapped at a fixed width, so single newlines are spaces."""
    lines = [line for block in blocks for line in block]
    if any(len(line) > WRAP_MAX_LINE_CHARS for line in lines):
        return False
    # Wrapped paragraphs have lines that stop mid-sentence and go on on the next line.
    return any(
        not _SENTENCE_END.search(line) for block in blocks if len(block) > 1 for line in block[:-1]
    )


# A line that is one web address and nothing else.
_URL_LINE = re.compile(r"(?:https?|ftp)://\S+|www\.\S+\.\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class TextMeta:
    """What a plain-text file cannot say about itself, given on the command line."""

    source: str | None = None  #: the outlet (``--source``)
    published: str | None = None  #: publication date, ISO 8601 (``--published``); relative
    #: dates in the text ("on Monday") resolve against it
    url: str | None = None  #: where it was published (``--url``)

    def apply(self, article: Article) -> Article:
        """``article`` with these fields filled in (a field the article has is kept)."""
        return replace(
            article,
            source=article.source or self.source,
            published=article.published or normalise_published(self.published),
            url=article.url or self.url,
        )


def _url_list(blocks: list[list[str]], name: str) -> InputRejected | None:
    lines = [line for block in blocks for line in block]
    if not all(_URL_LINE.fullmatch(line) for line in lines):
        return None
    what = "a web address" if len(lines) == 1 else f"a list of {len(lines)} web addresses"
    return InputRejected(
        name,
        f"{what}, not an article: sayso reads saved files and never fetches pages. Save the "
        "pages first, e.g. as one WARC archive with `wget --input-file=URLS --warc-file=news "
        "--wait=1` (then ingest news.warc.gz), or as HTML files, and ingest those",
    )


def parse_text(text: str, name: str = "<text>") -> Article:
    """The Article in a plain-text document; ``name`` is used in error messages.

    Raises InputRejected when the document holds no text or is over the size limit.
    """
    original = text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for sep in ("\f", "\v", "\u2028", "\u2029", "\x85"):
        text = text.replace(sep, "\n")
    blocks = _blocks(text)
    if not blocks:
        raise InputRejected(name, "empty: the input holds no text (only whitespace)")
    if (urls := _url_list(blocks, name)) is not None:
        raise urls
    wrapped = _hard_wrapped(blocks)
    # Credits go first, wherever they stand: above the headline, they would hide it.
    blocks = [kept for block in blocks if (kept := [x for x in block if not is_credit_line(x)])]
    if not blocks:
        raise InputRejected(name, "no article text: only photo credits or captions were found")

    topics: tuple[str, ...] = ()
    # A rubric only counts when a headline with a body follows it; otherwise a terse
    # two-word headline ("Brexit Chaos") would be taken for a topic.
    if (
        len(blocks) >= 2
        and len(blocks[0]) == 1
        and _is_rubric(blocks[0][0])
        and _is_headline(blocks[1][0])
        and (len(blocks) > 2 or len(blocks[1]) > 1)
    ):
        topics = tuple(t for t in _RUBRIC_SPLIT.split(blocks[0][0].strip()) if t)
        blocks = blocks[1:]

    title: str | None = None
    first = blocks[0]
    # In hard-wrapped text a headline stands alone; otherwise it may lead its block.
    if _is_headline(first[0]) and (len(first) == 1 or not wrapped):
        title = " ".join(first[0].split())
        blocks = ([first[1:]] if len(first) > 1 else []) + blocks[1:]

    paragraphs: list[str] = []
    for lines in blocks:
        if wrapped:
            paragraphs.append(" ".join(" ".join(lines).split()))
        else:
            paragraphs.extend(" ".join(line.split()) for line in lines)
    if title is not None and paragraphs and _norm(paragraphs[-1]) == _norm(title):
        paragraphs.pop()

    if title is not None and not paragraphs:
        # A lone short line is a one-sentence text, not a headline without an article.
        paragraphs, title = [title], None
    body = "\n\n".join(paragraphs)
    article_text = f"{title}\n\n{body}" if title else body
    check_text_size(article_text, name)
    return Article(
        text=article_text, title=title, topics=topics, origin=origin(original, article_text)
    )
