"""Headline cues for every extractor: ``Kremlin Claims Minister Called First``.

Title-case headlines fool the tagger and the parser, and PolNeAR (the learned model's training
data) has no headlines, so cue words are matched as words here, once, for every extractor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lexicon import HEADLINE_CUES, MAX_HEADLINE_SOURCE_TOKENS
from ..models import Article, Found, Span
from ..nlp import char_range, token_pieces

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: Confidence of a headline attribution: the words fit, the parse is not trusted.
HEADLINE_CONFIDENCE = 0.7


def headline_statement(doc: Doc, article: Article) -> Found | None:
    """The attribution a headline makes with a cue word after a short source, if any."""
    end = article.headline_length
    if not end:
        return None
    text = article.text
    toks = [t for t in doc if t.idx < end and not t.is_space]
    for k, t in enumerate(toks):
        if t.lower_ not in HEADLINE_CUES or k == 0 or k > MAX_HEADLINE_SOURCE_TOKENS:
            continue
        before, after = toks[:k], toks[k + 1 :]
        if not after or not any(b.pos_ in {"PROPN", "NOUN", "PRON"} for b in before):
            continue
        if before[-1].is_punct:
            continue
        src = char_range(before)
        content = token_pieces(after, text)
        if not src or not content:
            continue
        return Found(
            cue=Span.of(text, t.idx, t.idx + len(t.text)),
            content=tuple(Span.of(text, s, e) for s, e in content),
            source=Span.of(text, *src),
            confidence=HEADLINE_CONFIDENCE,
        )
    return None
