"""Chains: which statement is reported inside which, for every extractor.

A statement whose cue (and source, when it has one) lies inside another statement's content is
its child: "CNN reports that [the Kremlin said [Putin called for …]]".  The innermost such
statement is the parent.  Coordinated cues are siblings, not parent and child ("Trump said X but
denied Y": both are Trump's).  No cycles, ever: when two statements contain each other's cue
("X told reporters that, according to Y, …"), the one whose cue comes first is the parent, and a
final walk cuts any loop that is left.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..lexicon import QUOTE_CHARS, SPEAKER_NOUNS
from ..models import Found, Span
from ..quotes import Quote, Quotes

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Token

#: Entity types whose subject can be a speaker ("the wall" cannot deny; "Mexico" can).
SPEAKER_ENTITIES = frozenset({"PERSON", "ORG", "NORP", "GPE"})
#: Pronouns that can be a speaker.
SPEAKER_PRONOUNS = frozenset({"he", "she", "they", "we", "i", "you", "it", "who"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
#: Whether a subjectless coordinated cue joins the outer speaker only when the verb it is
#: coordinated with has a subject that cannot speak ("the wall would be built but denied").
#: Off: on the chain gold's dev split every such cue after a speaking subject ("said they
#: planned a funeral and asked for donations") is the outer speaker's too.
SIBLINGS_NEED_A_MUTE_SUBJECT = False


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _rng(s: Span) -> tuple[int, int]:
    return s.start, s.end


def could_speak(tok: Token) -> bool:
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
        if v is None or _has_subject(v) or out[k].continues:
            continue
        # "Pierce said he would not take a vaccine, claiming …": a participle after a comma
        # is the speaker's too, wherever the parser hangs it.
        participle = (
            v.dep_ == "advcl" and v.tag_ == "VBG" and v.i > 0 and v.doc[v.i - 1].text == ","
        )
        if v.dep_ != "conj" and not participle:
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
        if not subj:
            continue
        at = (top.idx, top.idx + len(top.text))
        # The innermost statement whose content holds the verb the cue is coordinated with.
        holders = [
            (c.end - c.start, j, c.text[:1] in QUOTE_CHARS)
            for j, f in enumerate(out)
            if j != k and not f.continues
            for c in f.content
            if _inside(at, _rng(c))
        ]
        if not holders:
            continue
        _, holder, in_quote = min(holders)
        # Inside quoted words "I can see them, hug them and tell them" stays the quoted
        # speaker's own, and so inside a speaker's turn ("Yury Ushakov: … We have made our
        # thoughts known and have said …"); outside, a speaking subject does not stop the
        # outer speaker's claim.
        in_quote = in_quote or out[holder].cue.text == ":"
        if (SIBLINGS_NEED_A_MUTE_SUBJECT or in_quote) and could_speak(subj[0]):
            continue
        f = out[holder]
        ccs = [c for c in top.children if c.dep_ == "cc" and top.i < c.i < v.i]
        out[holder] = replace(f, content=_cut_out(f, out[k], ccs[-1].idx if ccs else v.idx))
        out[k] = replace(out[k], source=f.source)
    return out


def _cut_out(outer: Found, inner: Found, cut: int) -> tuple[Span, ...]:
    """``outer``'s content without ``inner`` (its cue and content) and what lies between
    ``cut`` (the conjunction before it) and it: the piece holding ``cut`` ends there."""
    end = max([inner.cue.end] + [c.end for c in inner.content])
    pieces = []
    for c in outer.content:
        if c.end <= cut or c.start >= end:
            pieces.append(c)
        elif c.start < cut:
            piece = c.text[: cut - c.start].rstrip(" ,;")
            if piece:
                pieces.append(Span(c.start, c.start + len(piece), piece))
    return tuple(pieces)


#: Cue marks of a speaker turn ("NG: …", "MODERATOR — …").
TURN_MARKS = frozenset({":", "\u2014", "\u2013", "--"})
#: How many open content stretches, innermost first, are tried as a statement's parent before
#: giving up: the first that holds it is nearly always the right one; the cap keeps a text of
#: endless nesting ("He said " * N) linear.
MAX_PARENT_CANDIDATES = 32


def _stretches(outer: Found) -> list[tuple[int, int]]:
    """The stretches of ``outer``'s content that can hold another statement's cue: each piece,
    and each gap between two pieces that is not ``outer``'s own cue or source (a nested cue and
    source split the outer content in two)."""
    if outer.continues or not outer.content:
        return []
    own = [_rng(outer.cue)] + ([_rng(outer.source)] if outer.source else [])
    out = [_rng(c) for c in outer.content]
    for a, b in zip(outer.content, outer.content[1:], strict=False):
        gap = (a.end, b.start)
        if not any(_overlaps(o, gap) for o in own):
            out.append((a.start, b.end))
    return out


def all_stretches(
    found: list[Found], quotes: Sequence[Quote] = (), text: str = ""
) -> list[list[tuple[int, int]]]:
    """Each statement's content stretches (:func:`_stretches`), and the whole of every quotation
    its content starts in, its continuations' quotations included.

    An extractor often takes a quotation's first sentence as the content ('Warholm said, "This
    was a very tough race. I actually felt …"'); the rest of the quotation is the same speaker's
    words all the same, so a cue in it ("felt") is reported inside that statement.  Only the
    parent search reads these stretches: contents stay as the extractor found them.
    """
    out = [_stretches(f) for f in found]
    if text:
        # A transcript's speaker turn ("NG: We are not certain … but we think …") holds its
        # whole paragraph, whatever the extractor took as the content.
        for j, f in enumerate(found):
            if f.cue.text in TURN_MARKS and f.source is not None and f.content:
                line = f.source.start  # back over spaces only: never a scan of the paragraph
                while line > 0 and text[line - 1] in " \t":
                    line -= 1
                if line == 0 or text[line - 1] == "\n":
                    end = text.find("\n", f.cue.end)
                    out[j].append((f.cue.end, len(text) if end < 0 else end))
    if not quotes:
        return out
    qs = quotes if isinstance(quotes, Quotes) else Quotes(quotes)
    owner: dict[tuple[int, int], int] = {}
    for j, f in enumerate(found):
        if not f.continues and f.content:
            owner.setdefault(_rng(f.cue), j)
    for j, f in enumerate(found):
        k = owner.get(_rng(f.cue)) if f.continues else j
        if k is None or not f.content:
            continue
        seen: set[int] = set()
        for c in f.content:
            # The quotation the piece starts in, and one that opens inside it and runs on past
            # its end ('noted that they had switched, "which was … Hasbro announced …"').
            first = qs.at(c.start)
            later = qs.starting_from(c.start + 1)
            runs_on = later is not None and later.start < c.end < later.end
            for q in (first, later if runs_on else None):
                if q is None or q.start in seen or q.start <= f.cue.start < q.end:
                    continue  # a cue inside the quotation: the quoted speaker's, not the quote's
                seen.add(q.start)
                out[k].extend(p for p in q.pieces if p not in out[k])
    return out


def _holds(outer: Found, inner: Found, stretches: Sequence[tuple[int, int]]) -> int | None:
    """The size of ``outer``'s content stretch (of ``stretches``, its own) holding ``inner``'s
    cue and source, or None."""
    if outer.continues or inner.continues or not stretches:
        return None
    cue = _rng(inner.cue)
    own = [_rng(outer.cue)] + ([_rng(outer.source)] if outer.source else [])
    if cue == own[0] or any(_overlaps(cue, o) for o in own):
        return None
    if inner.source is not None and any(_overlaps(_rng(inner.source), o) for o in own):
        return None
    held = [s for s in stretches if _inside(cue, s)]
    if not held:
        return None
    if inner.source is not None:
        lo, hi = min(s for s, _ in stretches), max(e for _, e in stretches)
        if not _inside(_rng(inner.source), (lo, hi)):
            return None
    return min(e - s for s, e in held)


#: Cue words that report what comes before them in the text ("X said …, according to Y",
#: "Erdogan said — as reported by Hurriyet — …").
CUES_HOLDING_EARLIER = ("according", "per", "report")
#: Sources that, after a statement of their own, are its speaker again ("He said A; however,
#: "B", he added"): a later cue with one of them does not report the earlier statement.
ANAPHORIC_SOURCES = frozenset({"he", "she", "they", "i", "we"})


def _holds_earlier_cues(f: Found) -> bool:
    words = f.cue.text.lower().split()
    return bool(words) and (
        words[0] in CUES_HOLDING_EARLIER or any(w.startswith("report") for w in words)
    )


def _beside(later: Found, earlier: Found) -> bool:
    """Whether a later statement leaves an earlier one (whose cue is not quoted) beside it
    rather than reporting it: the same speaker goes on ("He said A; …, he added"), unless the
    later cue reports what came before ("…, according to Y").  A postposed cue with another
    speaker ("Clinton had told police …, the source added") reports all that precedes it."""
    if later.source is None or earlier.source is None or _holds_earlier_cues(later):
        return False
    src = later.source.text.strip().lower()
    return src in ANAPHORIC_SOURCES or src == earlier.source.text.strip().lower()


def beside_earlier(found: list[Found], quotes: Sequence[Quote] = ()) -> list[Found]:
    """Cut out of a statement's content the earlier statements it does not report ("He said
    A; however, "B", he added": "added" reports B, and "He said A" is beside it, not in it).

    Which earlier statements a later one leaves beside it: :func:`_beside` (quoted cues are
    always the quoted speaker's words).  The content is cut to what follows the last such
    statement's words.
    """
    qs = quotes if isinstance(quotes, Quotes) else Quotes(quotes)
    order = sorted(range(len(found)), key=lambda k: found[k].cue.start)
    starts = [found[k].cue.start for k in order]
    out = list(found)
    for j, f in enumerate(found):
        if f.continues or not f.content or f.source is None or _holds_earlier_cues(f):
            continue
        cut = -1
        for c in f.content:
            if c.start >= f.cue.start:
                continue
            lo = bisect.bisect_left(starts, c.start)
            hi = bisect.bisect_left(starts, min(c.end, f.cue.start))
            # The nearest ones decide the cut; a cap keeps endless postposed cues linear.
            for k in order[max(lo, hi - MAX_PARENT_CANDIDATES) : hi]:
                g = found[k]
                if k == j or g.continues or qs.at(g.cue.start) is not None:
                    continue
                if not _beside(f, g):
                    continue
                if g.cue.end > c.end:
                    continue
                cut = max([cut, g.cue.end] + [p.end for p in g.content])
        if cut < 0:
            continue
        pieces = []
        for c in f.content:
            if c.end <= cut:
                continue
            if c.start < cut:
                piece = c.text[cut - c.start :]
                lead = len(piece) - len(piece.lstrip(" ,;:.\u2014\u2013-"))
                piece = piece[lead:].rstrip()
                if piece:
                    pieces.append(Span(cut + lead, cut + lead + len(piece), piece))
                continue
            pieces.append(c)
        out[j] = replace(f, content=tuple(pieces))
    return out


def _outer_of(found: list[Found], stretches: list[list[tuple[int, int]]], j: int, k: int) -> bool:
    """Whether ``j`` may be ``k``'s parent: it holds ``k``, and when each holds the other
    ("X told reporters that, according to Y, …") only the one whose cue comes first is outer."""
    if _holds(found[j], found[k], stretches[j]) is None:
        return False
    if (
        found[j].cue.start > found[k].cue.start
        and _holds(found[k], found[j], stretches[k]) is not None
    ):
        return False
    return True


def parents(found: list[Found], quotes: Sequence[Quote] = (), text: str = "") -> list[int | None]:
    """For each statement, the index of the statement it is reported inside, or None.

    The innermost content stretch (:func:`all_stretches`, quotations included) holding a
    statement's cue (and source) wins.  One sweep over the stretches and the cues in text order
    with a stack of open stretches: each cue tries the open stretches from the innermost out, at
    most ``MAX_PARENT_CANDIDATES`` of them, so the time is O(n log n) in the statements, never
    all pairs.
    """
    n = len(found)
    stretches = all_stretches(found, quotes, text)
    qs = quotes if isinstance(quotes, Quotes) else Quotes(quotes)
    quoted = quoted_cues(found, qs)
    # Events in text order: a stretch opens at its start, a cue is placed at its start; at the
    # same offset the stretch first (a content starting with a cue holds it) and the longer
    # stretch first (so the inner one sits above it on the stack).
    events: list[tuple[int, int, int, int, int]] = []
    for j, spans in enumerate(stretches):
        for s, e in spans:
            events.append((s, 0, -e, j, e))
    for k, f in enumerate(found):
        if not f.continues:
            events.append((f.cue.start, 1, 0, k, f.cue.end))
    events.sort()
    stack: list[tuple[int, int, int]] = []  # (start, end, owner) of open stretches
    out: list[int | None] = [None] * n
    for pos, what, _, idx, end in events:
        while stack and stack[-1][1] <= pos:
            stack.pop()  # closed before this point: holds nothing later either
        if what == 0:
            stack.append((pos, end, idx))
            continue
        best: tuple[int, int, int] | None = None  # (size, -cue start, owner)
        best_at = (0, 0)
        tried = 0
        for s, e, j in reversed(stack):
            if tried >= MAX_PARENT_CANDIDATES:
                break
            if best is not None and s <= best_at[0] and best_at[1] <= e and (s, e) != best_at:
                break  # encloses the best: every stretch further out is larger still
            tried += 1
            if j == idx or end > e:
                continue
            if found[j].cue.start > pos and not quoted[idx] and _beside(found[j], found[idx]):
                continue  # "He said A; B, he added": the later cue does not report the earlier
            if not _outer_of(found, stretches, j, idx):
                continue
            cand = (e - s, -found[j].cue.start, j)
            if best is None or cand < best:
                best, best_at = cand, (s, e)
        if best is not None:
            out[idx] = best[2]
    return break_cycles(out)


#: Subordinators of a clause set beside the main one ("…, while some say …", "While all
#: agreed …"): a cue in such a clause is the narrator's, not part of what the main cue reports.
BESIDE_MARKS = frozenset({"while", "whereas", "although", "though"})
#: Prepositions of an absolute clause with its own subject ("…, with some local press
#: claiming …", "despite Znak.com claiming …").
BESIDE_PREPOSITIONS = frozenset({"with", "despite"})


def _beside_clause(verb: Token) -> bool:
    """Is ``verb`` the head of a contrasting or absolute clause beside the sentence's main one?"""
    if any(c.dep_ == "mark" and c.lower_ in BESIDE_MARKS for c in verb.children):
        return True
    return (
        verb.dep_ == "pcomp"
        and verb.head.lower_ in BESIDE_PREPOSITIONS
        and any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)
    )


def quoted_cues(found: list[Found], quotes: Sequence[Quote]) -> list[bool]:
    """Whether each statement's cue lies inside a quotation."""
    qs = quotes if isinstance(quotes, Quotes) else Quotes(quotes)
    return [qs.at(f.cue.start) is not None for f in found]


def _coordinated_report(verb: Token, parent_verb: Token) -> bool:
    """Is ``verb`` a report with its own subject coordinated with a clause of its parent's
    content ("One interviewee said people changed their minds and several said …")?  The
    parser hangs it on that clause; it is the narrator's, beside the parent."""
    head = verb.head
    return (
        verb.dep_ == "conj"
        and verb.tag_ in {"VBD", "VBZ"}  # a narrated report, not "… and I'll report it"
        and head.i != verb.i
        and head.pos_ in {"VERB", "AUX"}
        and head.i != parent_verb.i
        and any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)
        and any(c.dep_ == "cc" and head.i < c.i < verb.i for c in head.children)
        # "… and that the American people expect …": one more clause of the parent's.
        and not any(c.dep_ == "mark" for c in verb.children)
    )


def beside_clauses(parent: list[int | None], verbs: Sequence[Token | None]) -> list[int | None]:
    """The links with every statement whose cue heads a clause beside its parent's
    (:func:`_beside_clause`) moved up to its parent's parent: siblings, not parent and child.
    Moving a statement up to an ancestor never makes a cycle."""
    out = list(parent)
    for k, p in enumerate(out):
        verb = verbs[k]
        if p is not None and verb is not None and _beside_clause(verb):
            out[k] = out[p]
    return out


def coordinated_reports(
    found: list[Found],
    parent: list[int | None],
    verbs: Sequence[Token | None],
    quotes: Sequence[Quote],
) -> tuple[list[Found], list[int | None]]:
    """Outside quotations and speaker turns, a report coordinated with a clause of its
    parent's content (:func:`_coordinated_report`) moves up to its parent's parent, and the
    parent's content ends before the conjunction ("One interviewee said [people changed their
    minds] and several said …").  Moving up never makes a cycle."""
    quoted = quoted_cues(found, quotes)
    out, links = list(found), list(parent)
    for k, p in enumerate(links):
        verb = verbs[k]
        if p is None or verb is None or quoted[k]:
            continue
        pv = verbs[p]
        if pv is None or not _coordinated_report(verb, pv):  # none inside a turn ("NG: …")
            continue
        links[k] = links[p]
        ccs = [c for c in verb.head.children if c.dep_ == "cc" and verb.head.i < c.i < verb.i]
        pieces = _cut_out(out[p], out[k], ccs[-1].idx)
        if pieces:
            out[p] = replace(out[p], content=pieces)
    return out, links


def unplaced(found: list[Found], parent: list[int | None], quotes: Sequence[Quote]) -> set[int]:
    """The statements whose cue lies inside a quotation but that no statement reports: someone's
    quoted words ("… I think it's a hoax …") that cannot be placed in a chain."""
    starts = [q.start for q in quotes]
    out = set()
    for k, f in enumerate(found):
        if parent[k] is not None:
            continue
        i = bisect.bisect_right(starts, f.cue.start) - 1
        if i < 0:
            continue
        piece = next(((s, e) for s, e in quotes[i].pieces if s <= f.cue.start < e), None)
        if piece is not None and not _quoted_turn(f, piece):
            out.add(k)
    return out


def _quoted_turn(f: Found, piece: tuple[int, int]) -> bool:
    """A transcript turn quoted whole ('“PENCE: Well, …'): its label opens the quotation."""
    return f.source is not None and f.cue.text == ":" and f.source.start - piece[0] <= 2


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
