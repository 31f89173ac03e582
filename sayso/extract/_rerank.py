"""Content-boundary reranking for ``sayso.learned.v1`` (private; shared by training).

The role tagger decides token by token; the boundaries of a content run are where it errs
most (a trailing adjunct kept or dropped, a quote mark, a dash parenthetical).  After
decoding, each content run is re-decided among alternative (start, end) pairs near it: the
decoded boundaries moved by up to ``REACH`` tokens, and syntactic cut points (the first or
last token of a constituent, a punctuation mark or quote) up to ``CUT_REACH`` tokens away.
A linear model scores each candidate from features of its start, its end and the pair
(length, quote balance, whether it is exactly one constituent, and how much worse the role
tagger finds it than its own choice); the best candidate replaces the run.  The weights are
trained on PolNeAR train with the role tagger's decodings of articles it was not trained on
(``scripts/train_polnear.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ._learned_core import (
    C_DEP,
    C_LOWER,
    C_POS,
    C_PUNCT,
    DocArrays,
    RawAttribution,
    U,
    hash_templates,
    keys_to_rows,
)

#: Bits of the hashed weight table.
RERANK_BITS = 20
#: Candidate boundaries within this many tokens of the decoded ones ...
REACH = 6
#: ... and cut points (constituent edges, punctuation, quote marks) within this many.
CUT_REACH = 20
#: Edges of the buckets of the role tagger's score loss of a candidate.
LOSS_EDGES = np.array([-3000.0, -1500.0, -800.0, -400.0, -200.0, -100.0, -40.0, -1e-3, 1e-3])
#: Edges of the buckets of a candidate's length in tokens.
LENGTH_EDGES = np.array([2, 4, 8, 15, 25, 40, 70])
#: The score loss also enters as a real value divided by this.
LOSS_SCALE = 1000.0

#: Role tag ids of the role tagger (see ``_learned_core.ROLE_TAGS``).
_O, _BC, _IC = 0, 3, 4


@dataclass
class Tables:
    """Per-document token columns and feature keys the candidates read."""

    qmark: np.ndarray
    quote: np.ndarray
    sent: np.ndarray
    big_l: np.ndarray  #: head of the largest constituent that starts at the token (-1: none)
    big_r: np.ndarray  #: head of the largest constituent that ends at the token (-1: none)
    right: np.ndarray
    cut_start: np.ndarray  #: bool, a plausible first token of a span
    cut_end: np.ndarray  #: bool, a plausible last token of a span
    qcum: np.ndarray  #: prefix counts of quote marks (qcum[t] = marks before t)
    start_rows: np.ndarray  #: [n, k] rows of the token features of a span starting here
    end_rows: np.ndarray  #: [n, k] rows of the token features of a span ending here
    start_part: np.ndarray  #: [n, k] keys completed with the start's move (``_mix``)
    end_part: np.ndarray  #: [n, k] keys completed with the end's move


_SEED_MOVE = np.uint64(0x632BE59BD9B4E019)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_S29 = np.uint64(29)


def _mix(keys: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Feature keys [m, k] combined with a per-row value v [m] (one more hashing round)."""
    h = keys ^ (U(v)[:, None] * _SEED_MOVE)
    h *= _M2
    h ^= h >> _S29
    return h


def tables(d: DocArrays) -> Tables:
    """The candidate-feature columns of one document."""
    a = d.a
    n = len(a)
    # The largest (shallowest) constituent of two or more tokens starting / ending at a token.
    big_l = np.full(n, -1, np.int64)
    big_r = np.full(n, -1, np.int64)
    if n:
        order = np.argsort(d.depth, kind="stable")  # shallow first: first occurrence wins
        for edge, out in ((d.left, big_l), (d.right, big_r)):
            e = edge[order]
            keep = (d.right[order] - d.left[order]) > 0
            firsts, pos = np.unique(e[keep], return_index=True)
            out[firsts] = order[keep][pos]
    punct = (a[:, C_PUNCT] == 1).astype(np.int64)
    sent = d.sent
    sent_start = np.ones(n, np.int64)
    sent_end = np.ones(n, np.int64)
    if n > 1:
        sent_start[1:] = (sent[1:] != sent[:-1]).astype(np.int64)
        sent_end[:-1] = sent_start[1:]
    prev_p = np.concatenate([[1], punct[:-1]]) if n else punct
    next_p = np.concatenate([punct[1:], [1]]) if n else punct
    qm = d.qmark.astype(np.int64)
    cut_start = (big_l >= 0) | (prev_p == 1) | (qm == 1) | (sent_start == 1) | (punct == 1)
    cut_end = (big_r >= 0) | (next_p == 1) | (qm == 2) | (sent_end == 1) | (punct == 1)
    lower, pos, dep = a[:, C_LOWER], a[:, C_POS], a[:, C_DEP]
    idx = np.arange(n)
    sp = np.maximum(idx - 1, 0)
    en = np.minimum(idx + 1, max(n - 1, 0))
    bl_dep = np.where(big_l >= 0, dep[np.maximum(big_l, 0)], np.uint64(0))
    br_dep = np.where(big_r >= 0, dep[np.maximum(big_r, 0)], np.uint64(0))
    quote = d.quote.astype(np.int64)
    start_keys = hash_templates(
        0,
        [
            (lower,),
            (pos, dep),
            (lower[sp],),
            (pos[sp], pos),
            (U(qm[sp]), U(qm), U(quote)),
            (U(punct[sp]), lower[sp], pos),
        ],
    )
    end_keys = hash_templates(
        20,
        [
            (lower,),
            (pos, dep),
            (lower[en],),
            (pos, pos[en]),
            (U(qm), U(qm[en]), U(quote)),
            (U(punct[en]), lower[en], pos),
        ],
    )
    start_part = hash_templates(
        10, [(np.zeros(n, np.uint64),), (bl_dep,), (pos,), (U(sent_start),), (lower[sp],)]
    )
    end_part = hash_templates(
        30, [(np.zeros(n, np.uint64),), (br_dep,), (pos,), (U(sent_end),), (lower[en],)]
    )
    return Tables(
        qm,
        quote,
        sent,
        big_l,
        big_r,
        d.right,
        cut_start,
        cut_end,
        np.concatenate([[0], np.cumsum(qm > 0)]),
        keys_to_rows(start_keys, RERANK_BITS),
        keys_to_rows(end_keys, RERANK_BITS),
        start_part,
        end_part,
    )


@dataclass
class Candidates:
    """Alternative boundaries of one content run and their feature rows."""

    starts: np.ndarray  #: [S] candidate first tokens
    ends: np.ndarray  #: [E] candidate last tokens
    start_rows: np.ndarray  #: [S, ks] weight rows
    end_rows: np.ndarray  #: [E, ke]
    pair_rows: np.ndarray  #: [S, E, kp]
    loss: np.ndarray  #: [S, E] role-tagger score loss (0 for the decoded run), scaled
    valid: np.ndarray  #: [S, E] bool


def _near(center: int, lo: int, hi: int, cut: np.ndarray, blocked: np.ndarray) -> np.ndarray:
    """Unblocked tokens of [lo, hi) within REACH of ``center`` or cut points within CUT_REACH
    (``center`` itself always)."""
    a = max(lo, center - CUT_REACH)
    b = min(hi, center + CUT_REACH + 1)
    t = np.arange(a, b)
    return t[(((t >= center - REACH) & (t <= center + REACH)) | cut[a:b]) & ~blocked[a:b]
             | (t == center)]


def _side(t: np.ndarray, c0: int, c1: int) -> np.ndarray:
    """Side of the cue (0 before, 8 after) plus the distance to it, capped at 7."""
    after = t > c1
    return U(after * 8 + np.minimum(np.abs(t - np.where(after, c1, c0)), 7))


def candidates(
    tb: Tables,
    em: np.ndarray,
    lo: int,
    hi: int,
    run: tuple[int, int],
    cue: tuple[int, int],
    blocked: np.ndarray,
) -> Candidates:
    """Candidate boundaries of content ``run`` (first, last; doc indices) of the cue at
    ``cue`` (first, last), decoded in window [lo, hi) with role emissions ``em`` [hi-lo, 5];
    ``blocked`` marks the doc tokens the run may not take (cues, sources, other runs)."""
    s, e = run
    c0, c1 = cue
    S = _near(s, lo, hi, tb.cut_start, blocked)
    E = _near(e, lo, hi, tb.cut_end, blocked)
    nS, nE = len(S), len(E)
    # Valid pairs: start <= end, overlapping the run, no blocked token inside.
    bc = np.concatenate([[0], np.cumsum(blocked[lo:hi])])
    Sl, El = S - lo, E - lo
    valid = (S[:, None] <= E[None, :]) & (S[:, None] <= e) & (E[None, :] >= s)
    valid &= bc[El[None, :] + 1] == bc[Sl[:, None]]
    # The role tagger's score of content over [start, end] against all-O, minus the run's.
    P = np.concatenate([[0.0], np.cumsum(em[:, _IC] - em[:, _O], dtype=np.float64)])
    first = em[:, _BC] - em[:, _IC]
    phi = P[El[None, :] + 1] - P[Sl[:, None]] + first[Sl][:, None]
    loss = np.minimum(phi - (P[e - lo + 1] - P[s - lo] + first[s - lo]), 0.0)

    ms = np.clip(S - s, -7, 7) + 8
    me = np.clip(E - e, -7, 7) + 8
    start_rows = np.concatenate(
        [
            tb.start_rows[S],
            keys_to_rows(_mix(tb.start_part[S], ms), RERANK_BITS),
            keys_to_rows(_mix(tb.start_part[S, :1], _side(S, c0, c1) * 2 + (ms == 8)),
                         RERANK_BITS),
        ],
        axis=1,
    )
    end_rows = np.concatenate(
        [
            tb.end_rows[E],
            keys_to_rows(_mix(tb.end_part[E], me), RERANK_BITS),
            keys_to_rows(_mix(tb.end_part[E, :1], _side(E, c0, c1) * 2 + (me == 8)),
                         RERANK_BITS),
        ],
        axis=1,
    )
    SS = np.repeat(S, nE)
    EE = np.tile(E, nS)
    n = len(tb.qmark)
    length = np.maximum(EE - SS + 1, 0)
    len_b = np.searchsorted(LENGTH_EDGES, length)
    nq = np.minimum(tb.qcum[np.minimum(EE + 1, n)] - tb.qcum[SS], 4)
    # Is [start, end] exactly the largest constituent starting at start?  1 yes, 0 shorter,
    # 2 longer than it, 3 no constituent starts there.
    blS = tb.big_l[SS]
    rS = np.where(blS >= 0, tb.right[np.maximum(blS, 0)], -1)
    constit = np.where(blS < 0, 3, np.where(rS == EE, 1, np.where(EE < rS, 0, 2)))
    nsent = np.minimum(tb.sent[np.minimum(EE, n - 1)] - tb.sent[SS], 3)
    loss_b = np.searchsorted(LOSS_EDGES, loss.ravel())
    msp, mep = np.repeat(ms, nE), np.tile(me, nS)
    home = np.repeat(ms == 8, nE) * 2 + np.tile(me == 8, nS)
    pair_keys = hash_templates(
        40,
        [
            (U(loss_b),),
            (U(len_b),),
            (U(tb.qmark[SS]), U(tb.qmark[EE])),
            (U(constit), U(home)),
            (U(nq), U(tb.quote[SS]), U(tb.qmark[SS])),
            (U(nsent), U(len_b)),
            (U(msp), U(mep)),
            (U(loss_b), U(constit)),
        ],
    )
    return Candidates(
        S,
        E,
        start_rows,
        end_rows,
        keys_to_rows(pair_keys, RERANK_BITS).reshape(nS, nE, -1),
        (loss / LOSS_SCALE).astype(np.float32),
        valid,
    )


def scores(c: Candidates, w: np.ndarray, w_loss: float) -> np.ndarray:
    """[S, E] candidate scores (-inf where invalid)."""
    sc = (
        w[c.start_rows].sum(axis=1)[:, None]
        + w[c.end_rows].sum(axis=1)[None, :]
        + w[c.pair_rows].sum(axis=2)
        + w_loss * c.loss
    )
    return np.where(c.valid, sc, -np.inf)


def best(c: Candidates, w: np.ndarray, w_loss: float) -> tuple[int, int]:
    """The best-scoring candidate (first, last)."""
    sc = scores(c, w, w_loss)
    i, j = np.unravel_index(int(np.argmax(sc)), sc.shape)
    return int(c.starts[i]), int(c.ends[j])


def walk(
    d: DocArrays,
    cues: list[tuple[np.ndarray, float]],
    spans: list[tuple[int, int]],
    ems: list[np.ndarray],
    raws: list[RawAttribution],
    choose: Callable[[int, int, Candidates], tuple[int, int]],
) -> list[list[tuple[int, int]]]:
    """Every attribution's content runs after ``choose(attribution, run, candidates)`` has
    picked each run's boundaries, one run after the other.

    A run may not take a cue token, its attribution's source, another attribution's tokens
    (as chosen so far) or the tokens next to its attribution's other runs (runs never merge).
    """
    n = len(d.head)
    tb = tables(d)
    cue_all = np.zeros(n, bool)
    for toks, _ in cues:
        cue_all[toks] = True
    runs = [list(ra.content) for ra in raws]

    def mask(k: int) -> np.ndarray:
        m = np.zeros(n, bool)
        m[list(raws[k].source)] = True
        for s, e in runs[k]:
            m[s : e + 1] = True
        return m

    masks = [mask(k) for k in range(len(raws))]
    claim = np.sum(masks, axis=0) if masks else np.zeros(n, np.int64)
    for k, ra in enumerate(raws):
        lo, hi = spans[k]
        cue = (min(ra.cue), max(ra.cue))
        for i in range(len(runs[k])):
            s, e = runs[k][i]
            blocked = cue_all | ((claim - masks[k]) > 0)
            blocked[list(ra.source)] = True
            for j, (s2, e2) in enumerate(runs[k]):
                if j != i:
                    blocked[max(s2 - 1, 0) : e2 + 2] = True
            if blocked[s : e + 1].any() or not lo <= s <= e < hi:
                continue
            new = choose(k, i, candidates(tb, ems[k], lo, hi, (s, e), cue, blocked))
            if new != (s, e):
                runs[k][i] = new
                claim = claim - masks[k]
                masks[k] = mask(k)
                claim = claim + masks[k]
    return runs


def apply(
    d: DocArrays,
    cues: list[tuple[np.ndarray, float]],
    spans: list[tuple[int, int]],
    ems: list[np.ndarray],
    raws: list[RawAttribution],
    w: np.ndarray,
    w_loss: float,
) -> list[RawAttribution]:
    """The attributions with each content run replaced by its best-scoring candidate."""
    runs = walk(d, cues, spans, ems, raws, lambda k, i, c: best(c, w, w_loss))
    return [
        replace(ra, content=tuple(sorted(r))) if r != list(ra.content) else ra
        for ra, r in zip(raws, runs, strict=True)
    ]
