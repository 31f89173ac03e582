"""Drop what is not a statement: no content, a cue that is not speech or thought, duplicates."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..lexicon import NOT_CUES, SPEECH_VERBS, THOUGHT_LEMMAS
from ..models import Found
from .context import cue_tokens

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

#: Lemmas that make a cue a cue whatever else is in it.
_CUE_LEMMAS = SPEECH_VERBS | THOUGHT_LEMMAS
#: Sources that name nobody ("It appears that …", "There seems to be …").
EMPTY_SOURCES = frozenset({"it", "there", "this", "that"})


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


def select(doc: Doc, found: list[Found]) -> list[Found]:
    """The statements worth keeping: a speech or thought cue, some content, each once."""
    out: list[Found] = []
    seen: set[tuple[int, int, int]] = set()
    for f in found:
        content = tuple(c for c in f.content if c.end > c.start)
        if not content:
            continue  # an extractor recovers what it can (learned: the rules' reading)
        if not is_speech_or_thought(cue_tokens(doc, f.cue), f.source.text if f.source else None):
            continue
        key = (f.cue.start, f.cue.end, content[0].start)
        if key in seen:
            continue
        seen.add(key)
        out.append(f if content == f.content else replace(f, content=content))
    return out
