"""Statements whose content came first: "… at large. This was stated by President X during …".

Government readouts and wire copy open with the claim and name its speaker in the next
sentence: "Ukraine will fight against aggression. This was stated by President Volodymyr
Zelenskyy, answering questions from the media."  The cue is the passive speech verb whose
subject is "this" / "that" and whose agent is the speaker; what was said is the sentence or
sentences before it, back to the start of the paragraph or the nearest earlier statement, at
most ``MAX_SENTENCES`` of them.  Extractors trained on PolNeAR do not read the pronoun's
antecedent (one role per token: the content is "This" at best), and the rules have no
construction for it, so it is found here, once, for every extractor.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from ..lexicon import SPEECH_VERBS, THOUGHT_VERBS
from ..models import Found, Span
from ..nlp import token_pieces
from .context import cue_tokens, cue_verb

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

#: How many sentences before the cue's sentence the content may take.
MAX_SENTENCES = 3
#: Confidence of such a statement: the construction is unambiguous, the extent is a guess.
BACKWARD_CONFIDENCE = 0.7
#: Subjects that point back at what came before.
_POINTERS = frozenset({"this", "that", "these", "such", "it"})


def _agent(verb: Token) -> Token | None:
    """The head word of the "by" phrase of a passive verb."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((g for g in child.children if g.dep_ == "pobj"), None)
    return None


def _pointer_subject(verb: Token) -> Token | None:
    subj = [c for c in verb.children if c.dep_ in {"nsubjpass", "nsubj"}]
    if len(subj) == 1 and subj[0].lower_ in _POINTERS and not list(subj[0].children):
        return subj[0]
    return None


def _own_content(f: Found, pointer: Token) -> bool:
    """Did the extractor read a content of its own for this cue: not the pointer ("This"),
    nor a content that starts with it ("This / a press conference in Kyiv": the subject read
    as what was said)?"""
    return not any(c.start == pointer.idx for c in f.content) and any(
        c.end - c.start > len(pointer.text) for c in f.content
    )


def backward_statements(doc: Doc, text: str, found: list[Found]) -> list[Found]:
    """``found`` with a statement for every "This was stated by X" whose content is the
    sentences before it.  A statement the extractor found on the same cue whose content is
    empty, the pointer ("This") or starts with it is replaced; one with a content of its own
    is kept."""
    import numpy as np

    if not len(doc):
        return found
    strings = doc.vocab.strings
    marks = np.array([strings.add(w) for w in sorted(_POINTERS)], np.uint64)
    hits = np.flatnonzero(np.isin(doc.to_array("LOWER"), marks)).tolist()
    if not hits:
        return found
    # Ends of what the extractor found, sorted: the content stops after the nearest one that
    # reports speech or thought ("Kyiv and Paris share a view. …" is no floor).
    ends = sorted((max([f.cue.end, *(c.end for c in f.content)]), k) for k, f in enumerate(found))
    end_at = [e for e, _ in ends]
    speech: dict[int, bool] = {}

    def reports(k: int) -> bool:
        if k not in speech:
            verb = cue_verb(cue_tokens(doc, found[k].cue))
            speech[k] = verb is None or verb.lemma_.lower() in SPEECH_VERBS | THOUGHT_VERBS
        return speech[k]
    # The extractor's cues by start, searched by bisection (a scan per hit is quadratic).
    cues = sorted((f.cue.start, f.cue.end, k) for k, f in enumerate(found))
    starts = [c[0] for c in cues]
    longest = max((e - s for s, e, _ in cues), default=0)
    removed: set[int] = set()
    added: list[Found] = []
    for i in hits:
        pointer = doc[i]
        verb = pointer.head
        if verb.pos_ not in {"VERB", "AUX"} or verb.lemma_.lower() not in SPEECH_VERBS:
            continue
        subj = _pointer_subject(verb)
        if subj is None or subj.i != pointer.i or not pointer.is_sent_start:
            continue  # "… and this was said by …": not a sentence of its own
        agent = _agent(verb)
        if agent is None:
            continue
        sent = verb.sent
        # The sentences before, in the same paragraph, after the nearest earlier statement.
        floor = text.rfind("\n", 0, sent.start_char) + 1
        reach = sent.start
        for _ in range(MAX_SENTENCES):  # no statement further back than the content may go
            reach = doc[reach - 1].sent.start if reach > 0 else reach
        k = bisect.bisect_right(end_at, sent.start_char)
        floor = max(floor, doc[reach].idx)
        while k and ends[k - 1][0] > floor:
            if reports(ends[k - 1][1]):
                floor = ends[k - 1][0]
                break
            k -= 1
        words: list[Token] = []
        taken = 0
        at = sent.start
        while taken < MAX_SENTENCES and at > 0:
            prev = doc[at - 1].sent
            if prev.start_char < floor:
                break
            words = [t for t in prev if not t.is_space] + words
            taken += 1
            at = prev.start
        pieces = token_pieces(words, text)
        if not pieces:
            continue
        aux = [c for c in verb.children if c.dep_ in {"auxpass", "aux"} and c.i < verb.i]
        first = aux[0] if aux else verb
        cue = Span.of(text, first.idx, verb.idx + len(verb.text))
        lo = bisect.bisect_left(starts, cue.start - longest)
        hi = bisect.bisect_left(starts, cue.end)
        same = [j for s_, e_, j in cues[lo:hi] if cue.start < e_ and j not in removed]
        if any(_own_content(found[j], pointer) for j in same):
            continue  # the extractor read a content of its own for this cue
        removed.update(same)
        toks = [t for t in agent.subtree if not t.is_space]
        source = Span.of(text, toks[0].idx, toks[-1].idx + len(toks[-1].text))
        added.append(
            Found(
                cue=cue,
                content=tuple(Span.of(text, s, e) for s, e in pieces),
                source=source,
                confidence=BACKWARD_CONFIDENCE,
            )
        )
    if not added:
        return found
    return [f for k, f in enumerate(found) if k not in removed] + added
