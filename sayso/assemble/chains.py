"""Chains: which statement is reported inside which, for every extractor.

A statement whose cue (and source, when it has one) lies inside another statement's content is
its child: "CNN reports that [the Kremlin said [Putin called for …]]".  The innermost such
statement is the parent.  Coordinated cues are siblings, not parent and child ("Trump said X but
denied Y": both are Trump's).  No cycles, ever: when two statements contain each other's cue
("X told reporters that, according to Y, …"), the one whose cue comes first is the parent, and a
final walk cuts any loop that is left.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..lexicon import SPEAKER_NOUNS
from ..models import Found, Span

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

#: Entity types whose subject can be a speaker ("the wall" cannot deny; "Mexico" can).
SPEAKER_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Pronouns that can be a speaker.
SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "you", "it", "who"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _rng(s: Span) -> tuple[int, int]:
    return s.start, s.end


def _could_speak(tok: Token) -> bool:
    """Can this subject be the source of a statement (a person, a body, a speaking noun)?"""
    if tok.pos_ == "PRON":
        return tok.lower_ in SPEAKER_PRONOUNS
    if tok.ent_type_ in SPEAKER_ENTITIES:
        return True
    return tok.lemma_.lower() in SPEAKER_NOUNS


def _has_subject(tok: Token) -> bool:
    return any(c.dep_ in _SUBJECTS for c in tok.children)


def siblings(found: list[Found], verbs: list[Token | None]) -> list[Found]:
    """Give coordinated cues with no subject of their own the source of the cue they join.

    "Trump said the wall would be built but denied that Mexico would pay": the parser often
    hangs "denied" on "built"; "the wall" cannot deny, so "denied" is Trump's, a sibling of
    "said", and it leaves "said"'s content.
    """
    out = list(found)
    owner = {v.i: k for k, v in enumerate(verbs) if v is not None}
    for k, v in enumerate(verbs):
        if v is None or v.dep_ != "conj" or _has_subject(v) or out[k].continues:
            continue
        top = v.head
        while top.dep_ == "conj" and top.head.i != top.i and top.i not in owner:
            top = top.head
        if top.i in owner and owner[top.i] != k:
            j = owner[top.i]
            if out[j].source is not None:
                out[k] = replace(out[k], source=out[j].source)
            continue
        # The conjunct's head is a verb inside another statement's content.
        subj = [c for c in top.children if c.dep_ in _SUBJECTS]
        if not subj or _could_speak(subj[0]):
            continue
        at = (top.idx, top.idx + len(top.text))
        for j, f in enumerate(out):
            if j == k or f.continues or not any(_inside(at, _rng(c)) for c in f.content):
                continue
            ccs = [c for c in top.children if c.dep_ == "cc" and top.i < c.i < v.i]
            cut = ccs[-1].idx if ccs else v.idx
            end = max([out[k].cue.end] + [c.end for c in out[k].content])
            pieces = []
            for c in f.content:
                if c.end <= cut or c.start >= end:
                    pieces.append(c)
                elif c.start < cut:
                    piece = c.text[: cut - c.start].rstrip(" ,;")
                    if piece:
                        pieces.append(Span(c.start, c.start + len(piece), piece))
            out[j] = replace(f, content=tuple(pieces))
            out[k] = replace(out[k], source=f.source)
            break
    return out


def _holds(outer: Found, inner: Found) -> int | None:
    """The size of ``outer``'s content stretch holding ``inner``'s cue and source, or None."""
    if outer.continues or inner.continues or not outer.content:
        return None
    cue = _rng(inner.cue)
    own = [_rng(outer.cue)] + ([_rng(outer.source)] if outer.source else [])
    if cue == own[0] or any(_overlaps(cue, o) for o in own):
        return None
    if inner.source is not None and any(_overlaps(_rng(inner.source), o) for o in own):
        return None
    stretches = [_rng(c) for c in outer.content]
    # The gaps between pieces too: a nested cue and source split the outer content in two.
    for a, b in zip(outer.content, outer.content[1:], strict=False):
        gap = (a.end, b.start)
        if not any(_overlaps(o, gap) for o in own):
            stretches.append((a.start, b.end))
    held = [s for s in stretches if _inside(cue, s)]
    if not held:
        return None
    if inner.source is not None:
        lo, hi = outer.content[0].start, outer.content[-1].end
        if not _inside(_rng(inner.source), (lo, hi)):
            return None
    return min(e - s for s, e in held)


def parents(found: list[Found]) -> list[int | None]:
    """For each statement, the index of the statement it is reported inside, or None."""
    n = len(found)
    holds: dict[tuple[int, int], int] = {}
    for j in range(n):
        for k in range(n):
            if j != k:
                size = _holds(found[j], found[k])
                if size is not None:
                    holds[(j, k)] = size
    # Mutual containment: the statement whose cue comes first is the outer one.
    for j, k in list(holds):
        if (k, j) in holds and (j, k) in holds:
            later = j if found[j].cue.start > found[k].cue.start else k
            earlier = k if later == j else j
            del holds[(later, earlier)]
    out: list[int | None] = [None] * n
    for k in range(n):
        cands = [(size, -found[j].cue.start, j) for (j, kk), size in holds.items() if kk == k]
        if cands:
            out[k] = min(cands)[2]
    return break_cycles(out)


def break_cycles(parent: list[int | None]) -> list[int | None]:
    """The same links with every loop cut (at the link that closes it); never a cycle."""
    out = list(parent)
    state = [0] * len(out)  # 0 unseen, 1 on the current walk, 2 done
    for k in range(len(out)):
        path = []
        node: int | None = k
        while node is not None and state[node] == 0:
            state[node] = 1
            path.append(node)
            nxt = out[node]
            if nxt is not None and state[nxt] == 1:
                out[node] = None  # this link closes a loop
                nxt = None
            node = nxt
        for p in path:
            state[p] = 2
    return out
