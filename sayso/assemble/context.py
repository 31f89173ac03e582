"""The circumstances and labels of a statement, read off the parse around its cue.

Every extractor's statements get them here, the same way: the addressee (``told reporters``),
the channel (``in a statement on Telegram``), the time (``on Friday``, resolved against the
publication date), the hedge (``claims``, ``reportedly``), the cue class (speech or thought)
and the kind (direct, indirect, mixed, according to).
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from ..lexicon import (
    ADDRESSEE_OBJECT_VERBS,
    ADDRESSEE_TO_VERBS,
    CHANNEL_NOUNS,
    HEDGE_ADVERBS,
    HEDGE_VERBS,
    PLATFORMS,
    SPEECH_VERBS,
    THOUGHT_LEMMAS,
)
from ..models import AttributionKind, CueClass, Span
from ..quotes import Quote, quoted

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

#: Prepositions that open a channel phrase ("in a statement", "on Telegram").
CHANNEL_PREPOSITIONS = frozenset({"in", "on", "at", "via", "during", "through", "over"})


def cue_tokens(doc: Doc, cue: Span) -> list[Token]:
    """The tokens of a cue span (empty when it aligns with none)."""
    span = doc.char_span(cue.start, cue.end, alignment_mode="expand")
    return [t for t in span if not t.is_space] if span is not None else []


def cue_verb(tokens: list[Token]) -> Token | None:
    """The verb of a cue (the lexical one when there are several: "has also said" -> said)."""
    verbs = [t for t in tokens if t.pos_ in {"VERB", "AUX"}]
    if not verbs:
        return None
    lexical = [t for t in verbs if t.lemma_.lower() in SPEECH_VERBS | THOUGHT_LEMMAS]
    return (lexical or verbs)[-1]


def phrase(tok: Token) -> str:
    """The text of a token's subtree, without edge commas and spaces."""
    toks = list(tok.subtree)
    return tok.doc[toks[0].i : toks[-1].i + 1].text.strip(" ,")


def hedged(tokens: list[Token], verb: Token | None) -> bool:
    """Does the reporter distance itself: a hedging cue verb or adverb ("claims", "reportedly")."""
    if any(t.lemma_.lower() in HEDGE_VERBS or t.lower_ in HEDGE_ADVERBS for t in tokens):
        return True
    if any(t.lower_.rstrip("s") in HEDGE_VERBS for t in tokens):  # title-case "Claims"
        return True
    if verb is None:
        return False
    if any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS for c in verb.children):
        return True
    if verb.dep_ == "xcomp":  # "is reportedly said to have ..."
        return any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS for c in verb.head.children)
    return False


def cue_class(tokens: list[Token]) -> CueClass:
    """``thought`` when the cue reports an internal state (believe, hope, fear), else speech."""
    if any(t.lemma_.lower() in THOUGHT_LEMMAS and t.pos_ in {"VERB", "AUX"} for t in tokens):
        return "thought"
    return "speech"


def channel(verb: Token) -> str | None:
    """The medium: ``in a statement on Telegram`` -> "Telegram", ``at a news conference``."""
    best: str | None = None
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in CHANNEL_PREPOSITIONS:
            continue
        for t in prep.subtree:
            if t.lower_ in PLATFORMS and t.pos_ in {"PROPN", "NOUN"}:
                return t.text
        pobj = [g for g in prep.children if g.dep_ == "pobj"]
        if pobj and pobj[0].lemma_.lower() in CHANNEL_NOUNS:
            best = phrase(pobj[0])
    return best


def addressee(verb: Token) -> str | None:
    """Who the cue verb addresses: ``told reporters``, ``said to Congress``."""
    lemma = verb.lemma_.lower()
    found: Token | None = None
    for child in verb.children:
        if child.dep_ in {"dobj", "dative"} and lemma in ADDRESSEE_OBJECT_VERBS:
            if child.dep_ == "dative" or found is None:
                found = child
        elif child.dep_ == "prep" and child.lower_ == "to" and lemma in ADDRESSEE_TO_VERBS:
            pobj = [g for g in child.children if g.dep_ == "pobj"]
            if pobj:
                found = pobj[0]
    return phrase(found) if found is not None else None


class SentenceDates:
    """The first DATE entity that starts in each sentence of a document (with the entity's I
    tokens after it), read once from the token columns: the labelling pass asks for it once
    per statement (``doc.ents`` would build every entity span of the document on each call)."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self._sent: list[int] | None = None  # each token's sentence
        self._first: dict[int, str] = {}  # sentence -> text of its first DATE entity

    def of(self, tok: Token) -> str | None:
        """The text of the first DATE entity that starts in ``tok``'s sentence, if any."""
        if self._sent is None:
            self._read()
        assert self._sent is not None
        return self._first.get(self._sent[tok.i])

    def _read(self) -> None:
        import numpy as np
        from spacy.attrs import ENT_IOB, ENT_TYPE, SENT_START  # type: ignore[import-not-found]

        doc = self.doc
        n = len(doc)
        cols = doc.to_array([SENT_START, ENT_IOB, ENT_TYPE]).reshape(n, 3)
        starts = cols[:, 0] == 1
        if n:
            starts[0] = True  # as ``Token.sent``: the first token always starts one
        sent = np.cumsum(starts) - 1
        self._sent = sent.tolist()
        iob = cols[:, 1]
        begins = np.flatnonzero((iob == 3) & (cols[:, 2] == doc.vocab.strings["DATE"]))
        for b in begins.tolist():  # in order: the first of each sentence wins
            s = int(sent[b])
            if s not in self._first:
                end = b + 1
                while end < n and iob[end] == 1:  # the entity's I tokens
                    end += 1
                self._first[s] = doc[b:end].text


def time_expression(tokens: list[Token], verb: Token | None, dates: SentenceDates) -> str | None:
    """The time the cue's clause gives: a DATE on the cue verb, else the first in its sentence
    (``dates``: the document's)."""
    if verb is not None:
        for child in verb.children:
            if child.ent_type_ == "DATE":
                return phrase(child)
            if child.dep_ == "prep":
                for g in child.children:
                    if g.ent_type_ == "DATE":
                        return phrase(g)
    anchor = verb if verb is not None else (tokens[0] if tokens else None)
    return dates.of(anchor) if anchor is not None else None


def quote_pieces(quotes: list[Quote]) -> list[tuple[int, int]]:
    """Every quoted piece of the article as (start, end), sorted: the index :func:`kind`
    bisects, built once per article."""
    return sorted((qs, qe) for q in quotes for qs, qe in q.pieces)


def kind(
    cue_text: str,
    content: tuple[Span, ...],
    quotes: list[Quote],
    text: str,
    pieces_index: list[tuple[int, int]] | None = None,
) -> AttributionKind:
    """Direct (all quoted), mixed (a quoted bit inside), indirect, or according to.
    ``pieces_index``: :func:`quote_pieces` of ``quotes``, when the caller has it (each call then
    looks only at the quotes that start inside the content: linear over an article)."""
    if cue_text.lower().startswith("according"):
        return "according_to"
    pieces = [(s.start, s.end) for s in content]
    if pieces and _all_quoted(pieces, text):
        return "direct"
    index = pieces_index if pieces_index is not None else quote_pieces(quotes)
    for s, e in pieces:
        k = bisect.bisect_left(index, (s, -1))
        while k < len(index) and index[k][0] <= e + 1:
            if index[k][1] <= e + 1:
                return "mixed"
            k += 1
    return "indirect"


def _all_quoted(content: list[tuple[int, int]], text: str) -> bool:
    # A period or comma after the closing mark ('"We will win".') leaves the piece quoted.
    return all(quoted(text[s:e].rstrip(" .,;:")) for s, e in content if e - s >= 2)
