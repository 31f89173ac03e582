"""Drop what is not a statement: no content, a cue that is not speech or thought, duplicates."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..lexicon import (
    HEDGE_CUE_ADVERBS,
    NEEDS_PREPOSITION,
    NOT_CUES,
    SPEECH_VERBS,
    THOUGHT_LEMMAS,
)
from ..models import Found
from .context import cue_tokens

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

#: Lemmas that make a cue a cue whatever else is in it.
_CUE_LEMMAS = SPEECH_VERBS | THOUGHT_LEMMAS
#: Cue lemmas PolNeAR counts at the top of a sentence ("Trump attacked Clinton", "the poll
#: shows") that inside reported words are nearly always plain verbs ("said a man attacked a
#: group", "claimed the pandemic shows"): on the chain gold's dev split none of these nested
#: cues is a gold cue.
NOT_NESTED_CUES = frozenset(
    {"show", "find", "know", "attack", "refuse", "threaten", "want", "maintain", "answer"}
)
#: Lemmas that make a cue inside another statement's content ("called for" too).
NESTED_CUE_LEMMAS = (_CUE_LEMMAS | NEEDS_PREPOSITION) - NOT_NESTED_CUES
#: Cue lemmas that inside reported words report only with a clause ("she added that …"); with
#: an object they are plain verbs ("we should add those planets").
CLAUSE_ONLY_INSIDE = frozenset({"add"})
#: Sources that name nobody ("It appears that …", "There seems to be …").
EMPTY_SOURCES = frozenset({"it", "there", "this", "that"})


def _made_clear(words: list[Token]) -> bool:
    """A phrase cue "made (it) clear", "been (very) clear": "clear" after a form of make or be."""
    for k, t in enumerate(words):
        if t.lower_ == "clear" and any(w.lemma_.lower() in {"make", "be"} for w in words[:k]):
            return True
    return False


#: What "according to" can follow that says how, not who: "act according to some generally
#: accepted canons", "went according to plan".
_MANNER_NOUNS = frozenset(
    """plan plans schedule rule rules law laws canon canons principle principles procedure
    procedures protocol protocols tradition traditions script instructions regulation
    regulations standard standards guideline guidelines custom customs norm norms""".split()
)


def _by_the_rule(words: list[Token]) -> bool:
    """An "according to" of manner: its object is a plan or a rule, not a source."""
    for t in words:
        if t.lower_ != "according" or t.i + 1 >= len(t.doc) or t.nbor(1).lower_ != "to":
            continue
        # The noun that ends the phrase after "to" (the parse of "according to some generally
        # accepted canons" is often wrong: read the words, not the arcs).
        last = None
        for w in t.doc[t.i + 2 : t.i + 8]:
            if w.pos_ not in {"DET", "ADJ", "ADV", "NOUN", "NUM"} and w.tag_ not in {"VBN", "DT"}:
                break
            if w.pos_ == "NOUN":
                last = w
        if last is not None and last.lower_ in _MANNER_NOUNS:
            return True
    return False


def is_speech_or_thought(tokens: list[Token], source: str | None) -> bool:
    """False for a cue that reports nobody saying or believing anything: a non-speech head
    ("appears", "unveiled") with no source or an empty one ("It appears that …"), and a thought
    verb hanging as a participle off a clause ("…, preferring to wait").

    With a real source PolNeAR counts such cues ("Trump continued to call for", "Ryan seemed
    confident"), so they stay.
    """
    words = [t for t in tokens if t.is_alpha]
    if not words:
        return True  # a colon or a dash: the extractor's construction decides
    if _by_the_rule(words):
        return False
    if _made_clear(words):
        return True
    if any(t.lemma_.lower() in _CUE_LEMMAS or t.lower_ == "according" for t in words):
        verbs = [t for t in words if t.pos_ == "VERB"]
        head = verbs[-1] if verbs else None
        return not (
            head is not None
            and head.tag_ == "VBG"
            and head.dep_ in {"advcl", "acl", "xcomp"}
            and head.lemma_.lower() in THOUGHT_LEMMAS
            and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in head.children)
        )
    if source is not None and source.strip().lower() not in EMPTY_SOURCES:
        return True
    return not any(t.lemma_.lower() in NOT_CUES for t in words)


def reports_inside(tokens: list[Token]) -> bool:
    """Whether a cue lying inside another statement's content reports anything itself.

    Inside reported words a token tagger trained on PolNeAR (one role per token) and loose
    rules both fire on plain verbs: "… said a man approached and attacked a group", "urged
    the crowd to consider …".  There only a speech or thought word makes a cue, and not as a
    bare infinitive with no subject of its own ("to maintain the supply").
    """
    words = [t for t in tokens if t.is_alpha]
    if not words:
        return True
    if any(t.lower_ in HEDGE_CUE_ADVERBS for t in words):
        return True  # "Officials said a constable, reportedly one V., saw …"
    if _made_clear(words):
        return True  # "noting that the President has made clear that …"
    if not any(t.lemma_.lower() in NESTED_CUE_LEMMAS or t.lower_ == "according" for t in words):
        return False
    verbs = [t for t in words if t.pos_ in {"VERB", "AUX"}]
    head = verbs[-1] if verbs else None
    if (
        head is not None
        and head.lemma_.lower() in CLAUSE_ONLY_INSIDE
        and not any(c.dep_ in {"ccomp", "parataxis"} for c in head.children)
    ):
        return False  # "we should add those planets to the menu", "is being added"
    return not (
        head is not None
        and head.tag_ == "VB"
        and any(t.tag_ == "TO" for t in words)
        and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in head.children)
    )


def _inside_some_content(found: list[Found]) -> list[bool]:
    """For each statement, whether its cue lies inside another statement's content piece
    (sorted pieces and a running maximum of their ends: O(n log n))."""
    import bisect

    # A floating quote's continuation holds nothing (as in chains.parents).
    pieces = sorted(
        (c.start, c.end, k) for k, f in enumerate(found) if not f.continues for c in f.content
    )
    starts = [p[0] for p in pieces]
    # best[i]: the two pieces reaching furthest among pieces[: i + 1], with their owners, so
    # that a statement's own content never counts as another's.
    best: list[tuple[tuple[int, int], tuple[int, int]]] = []
    top: tuple[int, int] = (-1, -1)
    second: tuple[int, int] = (-1, -1)
    for _, end, k in pieces:
        if end > top[0]:
            if top[1] != k:
                second = top
            top = (end, k)
        elif end > second[0] and k != top[1]:
            second = (end, k)
        best.append((top, second))
    out = []
    for k, f in enumerate(found):
        i = bisect.bisect_right(starts, f.cue.start) - 1
        if i < 0:
            out.append(False)
            continue
        top, second = best[i]
        reach = top[0] if top[1] != k else second[0]
        out.append(reach >= f.cue.end)
    return out


def select(doc: Doc, found: list[Found]) -> list[Found]:
    """The statements worth keeping: a speech or thought cue, some content, each once."""
    out: list[Found] = []
    seen: set[tuple[int, int, int]] = set()
    nested = _inside_some_content(found)
    for k, f in enumerate(found):
        content = tuple(c for c in f.content if c.end > c.start)
        if not content:
            continue  # an extractor recovers what it can (learned: the rules' reading)
        tokens = cue_tokens(doc, f.cue)
        if not is_speech_or_thought(tokens, f.source.text if f.source else None):
            continue
        if nested[k] and not reports_inside(tokens):
            continue
        key = (f.cue.start, f.cue.end, content[0].start)
        if key in seen:
            continue
        seen.add(key)
        out.append(f if content == f.content else replace(f, content=content))
    return out
