"""Hedge cues for every extractor: ``UNESCO reportedly said …``, ``… allegedly obtained …``.

"Reportedly" and "allegedly" attribute a clause to unnamed others: each is a statement with no
source whose content is the clause it modifies, so a statement reported in that clause ("said")
is its child.  Extractors trained on PolNeAR rarely tag them (one role per token: the verb is
the cue), and the rules have no construction for them, so they are found here, once.

"As I said, X", "Like I said, X", "as the report noted, X": a speech verb in an "as"/"like"
clause that reports no clause of its own comments on its sentence, so it is a statement whose
content is the rest of the sentence (``as_clause_statements``).
"""

from __future__ import annotations

import bisect
from dataclasses import replace
from typing import TYPE_CHECKING

from ..lexicon import HEDGE_CUE_ADVERBS, SPEECH_VERBS
from ..models import Found, Span
from ..nlp import token_pieces

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

#: Confidence of a hedge statement: the word is unambiguous, its clause is the parse's.
HEDGE_CONFIDENCE = 0.7


def _clause(adverb: Token) -> list[Token]:
    """The words the adverb modifies: its head's subtree within the sentence, without the
    adverb and without clauses coordinated with the head ("a case was reportedly filed, and
    the police said …": the police's statement is not hearsay)."""
    head = adverb.head
    if head.i == adverb.i:
        return []
    sent = adverb.sent
    skip = {adverb.i}
    for c in head.children:
        if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"} and c.i > adverb.i:
            skip.update(t.i for t in c.subtree)
            skip.update(d.i for d in head.children if d.dep_ == "cc" and head.i < d.i < c.i)
    return [
        t
        for t in head.subtree
        if t.i not in skip and sent.start <= t.i < sent.end and not t.is_space
    ]


def hedge_statements(doc: Doc, text: str, found: list[Found]) -> list[Found]:
    """``found`` with a statement for every hedge adverb, and the adverb cut out of any cue
    that holds it ("reportedly said" -> "said", a child of "reportedly").  A cue that is the
    adverb alone is the extractor's hedge statement already."""
    import numpy as np

    strings = doc.vocab.strings
    words = np.array([strings.add(w) for w in sorted(HEDGE_CUE_ADVERBS)], np.uint64)
    hits = np.flatnonzero(np.isin(doc.to_array("LOWER"), words)).tolist() if len(doc) else []
    if not hits:
        return found
    out = list(found)
    holding: dict[int, list[int]] = {}  # a hedge or its head -> the statements whose cue holds it
    wanted = set(hits) | {doc[i].head.i for i in hits}
    for k, f in enumerate(out):
        span = doc.char_span(f.cue.start, f.cue.end, alignment_mode="expand")
        for t in span if span is not None else ():
            if t.i in wanted:
                holding.setdefault(t.i, []).append(k)
    for i in hits:
        tok = doc[i]
        at = (tok.idx, tok.idx + len(tok.text))
        if any(_rng(out[k].cue) == at for k in holding.get(i, ())):
            continue
        clause = _clause(tok)
        # "A source reportedly said "I have been told …"": what the source said is its own
        # statement's content; the hedge holds the source and the cue.
        held = [c for k in holding.get(tok.head.i, ()) for c in out[k].content]
        clause = [t for t in clause if not any(c.start <= t.idx < c.end for c in held)]
        content = token_pieces(clause, text)
        if not content:
            continue
        for k in holding.get(i, ()):
            out[k] = replace(out[k], cue=_without(out[k].cue, at, text))
        out.append(
            Found(
                cue=Span.of(text, *at),
                content=tuple(Span.of(text, s, e) for s, e in content),
                confidence=HEDGE_CONFIDENCE,
            )
        )
    return out


#: Subordinators that make a speech verb's clause a comment on the whole sentence: "As I said,
#: we thought …", "Like I said, the presidents agreed …", "… — as reported by Hurriyet — …".
AS_MARKS = frozenset({"as", "like"})


def as_clause_statements(doc: Doc, text: str, found: list[Found]) -> list[Found]:
    """``found`` with a statement for every "as"/"like" clause of a speech verb that reports
    nothing itself ("As I said, X", "as reported by Y"): its content is the rest of the
    sentence (after a transcript label's colon), so the statements there are its children."""
    import numpy as np

    strings = doc.vocab.strings
    marks = np.array([strings.add(w) for w in sorted(AS_MARKS)], np.uint64)
    hits = np.flatnonzero(np.isin(doc.to_array("LOWER"), marks)).tolist() if len(doc) else []
    if not hits:
        return found
    # The extractor's cues by start, searched by bisection (a scan per "as" is quadratic).
    cues = sorted((f.cue.start, f.cue.end, k) for k, f in enumerate(found))
    starts = [c[0] for c in cues]
    longest = max((e - s for s, e, _ in cues), default=0)
    removed: set[int] = set()
    added: list[Found] = []
    added_cues: set[tuple[int, int]] = set()
    for i in hits:
        mark = doc[i]
        verb = mark.head
        if mark.dep_ != "mark" or verb.dep_ != "advcl" or verb.pos_ != "VERB":
            continue
        if verb.lemma_.lower() not in SPEECH_VERBS:
            continue
        if any(c.dep_ in {"ccomp", "dobj", "xcomp", "parataxis"} for c in verb.children):
            continue  # "as he said he would": it reports its own clause
        cue = (verb.idx, verb.idx + len(verb.text))
        if cue in added_cues:
            continue  # read here already ("as" and "like" on one verb)
        lo = bisect.bisect_left(starts, cue[0] - longest)
        hi = bisect.bisect_left(starts, cue[1])
        same = [k for s_, e_, k in cues[lo:hi] if cue[0] < e_ and k not in removed]
        if any(any(c.end > c.start for c in found[k].content) for k in same):
            continue  # the extractor read this cue already
        removed.update(same)  # a bare cue: read here
        own = {t.i for t in verb.subtree}
        sent = verb.sent
        first = min(own)
        start = sent.start
        for t in doc[sent.start : first]:
            if t.text == ":":
                start = t.i + 1  # "Yury Ushakov: Like I said, …": the label is not said
        words = [
            t for t in doc[start : sent.end] if t.i not in own and not t.is_space and not t.is_punct
        ]
        content = token_pieces(words, text)
        if not content:
            continue
        subj = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        if subj is None or subj.dep_ == "nsubjpass":
            agent = next((c for c in verb.children if c.dep_ == "agent"), None)
            subj = next((g for g in agent.children if g.dep_ == "pobj"), None) if agent else None
        source = None
        if subj is not None:
            toks = [t for t in subj.subtree if not t.is_space]
            source = Span.of(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))
        added_cues.add(cue)
        added.append(
            Found(
                cue=Span.of(text, *cue),
                content=tuple(Span.of(text, s, e) for s, e in content),
                source=source,
                confidence=HEDGE_CONFIDENCE,
            )
        )
    return [f for k, f in enumerate(found) if k not in removed] + added


def _rng(s: Span) -> tuple[int, int]:
    return s.start, s.end


def _without(cue: Span, cut: tuple[int, int], text: str) -> Span:
    """The cue's words after the adverb ("reportedly said" -> "said"), else those before it."""
    after = (cut[1], cue.end)
    before = (cue.start, cut[0])
    for s, e in (after, before):
        piece = text[s:e]
        if piece.strip():
            s += len(piece) - len(piece.lstrip())
            e -= len(piece) - len(piece.rstrip())
            return Span.of(text, s, e)
    return cue
