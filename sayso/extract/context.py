"""The circumstances of a statement, read off the parse around its cue.

Any extractor decides *what* the source, cue and content are; this module adds *how*: the
addressee (``told reporters``), the channel (``in a statement on Telegram``), the time
(``on Friday``, resolved against the publication date) and the hedge (``claims``,
``reportedly``).  Extractors that find spans only (the learned one) get the same circumstances
as the rule extractor, which computes them with the same helpers.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..models import Article, Attribution
from ..resolve.time import resolve_time
from .lexicon import HEDGE_VERBS, SPEECH_VERBS, THOUGHT_VERBS
from .rules import _channel, _hedge_adverb, _time_of, addressee_of

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token


def _cue_verb(doc: Doc, att: Attribution) -> Token | None:
    """The verb of the cue span (the one the others in the span hang from), if any."""
    span = doc.char_span(att.cue.start, att.cue.end, alignment_mode="expand")
    if span is None:
        return None
    verbs = [t for t in span if t.pos_ in {"VERB", "AUX"}]
    if not verbs:
        return None
    lexical = [t for t in verbs if t.lemma_.lower() in SPEECH_VERBS | THOUGHT_VERBS]
    return (lexical or verbs)[-1]


def add_context(doc: Doc, article: Article, attributions: list[Attribution]) -> list[Attribution]:
    """Fill addressee, channel, time and hedge where the extractor left them empty."""
    published = article.published_date
    out = []
    for att in attributions:
        verb = _cue_verb(doc, att)
        if verb is None:
            out.append(att)
            continue
        when = att.time
        if when is None:
            expr = _time_of(verb, [(c.start, c.end) for c in att.content])
            when = resolve_time(expr, published) if expr else None
        hedged = att.hedged or verb.lemma_.lower() in HEDGE_VERBS or _hedge_adverb(verb)
        out.append(
            replace(
                att,
                addressee=att.addressee or addressee_of(verb),
                channel=att.channel or _channel(verb),
                time=when,
                hedged=hedged,
            )
        )
    return out
