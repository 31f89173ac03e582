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

from dataclasses import dataclass, replace

import numpy as np

from . import _kernels
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
REACH = 4
#: ... and cut points (constituent edges, punctuation, quote marks) within this many.
CUT_REACH = 12
#: Edges of the buckets of the role tagger's score loss of a candidate.
LOSS_EDGES = np.array([-3000.0, -1500.0, -800.0, -400.0, -200.0, -100.0, -40.0, -1e-3, 1e-3])
#: Edges of the buckets of a candidate's length in tokens.
LENGTH_EDGES = np.array([2, 4, 8, 15, 25, 40, 70])
#: The score loss also enters as a real value divided by this.
LOSS_SCALE = 1000.0

#: Sizes of the pair-feature categories (see ``candidates``): score-loss bucket, length
#: bucket, quote marks at the two ends, constituent x unmoved ends, quote marks inside x
#: start in a quote x mark at the start, sentences spanned x length, start move x end move,
#: score-loss bucket x constituent.
PAIR_SIZES = (10, 8, 9, 16, 30, 32, 225, 40)
PAIR_OFFSETS = (1 << RERANK_BITS) + np.concatenate([[0], np.cumsum(PAIR_SIZES)[:-1]])
#: Length of the weight vector: the hashed table, then the pair features.
WEIGHTS = (1 << RERANK_BITS) + sum(PAIR_SIZES)

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


#: Edges of the probability buckets of the encoder's role scores (``enc_features``).
ENC_EDGES = np.array([0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98])


def _enc_keys(d: DocArrays) -> tuple[np.ndarray, np.ndarray]:
    """[n, 3] start and [n, 3] end keys from the fine-tuned encoder's role scores
    (``DocArrays.enc``): how sure it is that content starts at, runs through or stops after a
    token, bucketed, for a candidate's first token with the token before it and its last
    token with the token after it."""
    n = len(d.head)
    p = np.exp(d.enc.astype(np.float64))
    con = p[:, 5] + p[:, 6]  # content, B or I
    beg = p[:, 5]  # content starts here
    other = p[:, 1] + p[:, 2] + p[:, 3] + p[:, 4]  # a source or a cue

    def b(x: np.ndarray) -> np.ndarray:
        return U(np.searchsorted(ENC_EDGES, x))

    idx = np.arange(n)
    sp = np.maximum(idx - 1, 0)
    en = np.minimum(idx + 1, max(n - 1, 0))
    at_start = U((idx == 0).astype(np.int64))
    at_end = U((idx == n - 1).astype(np.int64))
    start = hash_templates(50, [
        (b(beg), b(con[sp]), at_start), (b(con), b(con[sp]), at_start), (b(other[sp]), b(beg)),
    ])  # fmt: skip
    end = hash_templates(60, [
        (b(con), b(con[en]), at_end), (b(beg[en]), b(con[en]), at_end), (b(other[en]), b(con)),
    ])  # fmt: skip
    return start, end


def tables(d: DocArrays, enc_features: bool = False) -> Tables:
    """The candidate-feature columns of one document (``enc_features``: also from the
    fine-tuned encoder's role scores, when the document has them)."""
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
    if enc_features and n and d.enc.shape == (n, 7):
        es, ee = _enc_keys(d)
        start_keys = np.concatenate([start_keys, es], axis=1)
        end_keys = np.concatenate([end_keys, ee], axis=1)
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


#: Offsets of the candidate boundaries from the decoded ones (a grid, masked per run).
OFFSETS = np.arange(-CUT_REACH, CUT_REACH + 1)


def _side(t: np.ndarray, c0: np.ndarray, c1: np.ndarray) -> np.ndarray:
    """Side of the cue (0 before, 8 after) plus the distance to it, capped at 7."""
    after = t > c1
    return U(after * 8 + np.minimum(np.abs(t - np.where(after, c1, c0)), 7))


@dataclass
class Batch:
    """Candidate boundaries of the m content runs of one document, on the OFFSETS grid."""

    runs: list[tuple[int, int]]  #: (attribution, run) of each row
    starts: np.ndarray  #: [m, W] candidate first tokens (clipped into the document)
    ends: np.ndarray  #: [m, W] candidate last tokens
    start_rows: np.ndarray  #: [m, W, ks] weight rows
    end_rows: np.ndarray  #: [m, W, ke]
    pair_rows: np.ndarray  #: [m, W, W, kp]
    loss: np.ndarray  #: [m, W, W] role-tagger score loss (0 for the decoded run), scaled
    valid: np.ndarray  #: [m, W, W] bool

    def row(self, r: int) -> Candidates:
        """The candidates of one run."""
        return Candidates(self.starts[r], self.ends[r], self.start_rows[r], self.end_rows[r],
                          self.pair_rows[r], self.loss[r], self.valid[r])


def _boundary_rows(
    rows: np.ndarray, part: np.ndarray, T: np.ndarray, mv: np.ndarray, side: np.ndarray
) -> np.ndarray:
    """[m, W, k] weight rows of candidate boundaries T [m, W]: the token's own features, the
    partial keys completed with the move, and the first of them with the side of the cue."""
    m, W = T.shape
    flat = T.ravel()
    return np.concatenate(
        [
            rows[T],
            keys_to_rows(_mix(part[flat], np.tile(mv, m)), RERANK_BITS).reshape(m, W, -1),
            keys_to_rows(_mix(part[flat, :1], side.ravel()), RERANK_BITS).reshape(m, W, -1),
        ],
        axis=2,
    )


#: The move of a boundary on the OFFSETS grid, 1..15.
_MOVES = np.minimum(np.maximum(OFFSETS, -7), 7) + 8
#: Whether a grid column is the decoded boundary itself.
_HOME = (OFFSETS == 0).astype(np.int64)


@dataclass
class _Grid:
    """The candidate grid of the m content runs of one document, before the pair features:
    what :func:`batch` (every cell, for training) and :func:`apply` (the valid cells only)
    both read."""

    runs: list[tuple[int, int]]  #: (attribution, run) of each row
    tb: Tables  #: the document's candidate-feature columns
    St: np.ndarray  #: [m, W] candidate first tokens (may fall outside the document)
    Et: np.ndarray  #: [m, W] candidate last tokens
    Sc: np.ndarray  #: [m, W] St clipped into the document
    Ec: np.ndarray  #: [m, W] Et clipped into the document
    Sl: np.ndarray  #: [m, W] St as a column of the run's window (clipped)
    El: np.ndarray  #: [m, W] Et likewise
    P: np.ndarray  #: [m, width + 1] prefix sums of the content-over-O score in the window
    first: np.ndarray  #: [m, width] the B-over-I score of content starting at a column
    phi0: np.ndarray  #: [m] the content score of the decoded run
    start_rows: np.ndarray  #: [m, W, ks] weight rows
    end_rows: np.ndarray  #: [m, W, ke]
    s: np.ndarray  #: [m] decoded first token of each run
    e: np.ndarray  #: [m] decoded last token
    lo: np.ndarray  #: [m] first token of the run's window
    hi: np.ndarray  #: [m] end of the window
    blocked: np.ndarray  #: [m, width] window tokens no candidate may take


def _grid(
    d: DocArrays,
    cues: list[tuple[np.ndarray, float]],
    spans: list[tuple[int, int]],
    ems: list[np.ndarray],
    raws: list[RawAttribution],
    enc_features: bool = False,
) -> _Grid | None:
    """The candidate grid of every content run of the decoded attributions (None: no run).

    A candidate may not take a cue token, its attribution's source, another attribution's
    tokens or the tokens next to its attribution's other runs (runs never merge).  Within
    [lo, hi) of its cue's window it starts within REACH tokens of the decoded start or at a
    cut point within CUT_REACH (likewise the end), overlaps the decoded run and ends after it
    starts.
    """
    n = len(d.head)
    cue_all = np.zeros(n, bool)
    for toks, _ in cues:
        cue_all[toks] = True
    owner = np.full(n, -1, np.int64)
    for k, ra in enumerate(raws):
        owner[list(ra.source)] = k
        for a0, a1 in ra.content:
            owner[a0 : a1 + 1] = k
    rows: list[tuple[int, int]] = []
    info: list[tuple[int, int, int, int, int, int]] = []
    blocks = []
    # Per run, arrays over its cue's window only ("local" columns, from the window's start):
    # a candidate outside the window is never valid, and [m, n] arrays grew with the square of
    # the text.
    width = 1
    for k, ra in enumerate(raws):
        if not ra.content:
            continue
        wlo, whi = spans[k]
        base = cue_all[wlo:whi] | ((owner[wlo:whi] >= 0) & (owner[wlo:whi] != k))
        base[[t - wlo for t in ra.source if wlo <= t < whi]] = True
        for i, (r0, r1) in enumerate(ra.content):
            if not wlo <= r0 <= r1 < whi:
                continue
            blocked = base.copy()
            for j, (s2, e2) in enumerate(ra.content):
                a, b = max(s2 - 1, wlo), min(e2 + 2, whi)
                if j != i and b > a:
                    blocked[a - wlo : b - wlo] = True
            if blocked[r0 - wlo : r1 - wlo + 1].any():
                continue
            rows.append((k, i))
            info.append((r0, r1, wlo, whi, min(ra.cue), max(ra.cue)))
            blocks.append(blocked)
            width = max(width, whi - wlo)
    if not rows:
        return None
    tb = tables(d, enc_features)
    m = len(rows)
    s, e, lo, hi, c0, c1 = (np.array(col)[:, None] for col in zip(*info, strict=True))
    B = np.ones((m, width), bool)
    for r, blocked in enumerate(blocks):
        B[r, : len(blocked)] = blocked
    r_ = np.arange(m)[:, None]
    home = (OFFSETS == 0)[None, :]
    St, Et = s + OFFSETS, e + OFFSETS
    Sc, Ec = np.clip(St, 0, n - 1), np.clip(Et, 0, n - 1)
    Sl, El = np.clip(St - lo, 0, width - 1), np.clip(Et - lo, 0, width - 1)  # local columns
    # Per column of each run's window: the role tagger's score of content (I) over O, and of
    # starting content (B) over continuing it, for the candidates' score loss (``_pairs``).
    g = np.zeros((m, width))
    first = np.zeros((m, width))
    for r, (k, _) in enumerate(rows):
        a, b = spans[k]
        g[r, : b - a] = ems[k][:, _IC] - ems[k][:, _O]
        first[r, : b - a] = ems[k][:, _BC] - ems[k][:, _IC]
    P = np.concatenate([np.zeros((m, 1)), np.cumsum(g, axis=1)], axis=1)
    sl, el = s - lo, e - lo
    phi0 = (P[r_, el + 1] - P[r_, sl] + first[r_, sl])[:, 0]
    side = (
        _side(Sc, c0, c1) * np.uint64(2) + U(home),
        _side(Ec, c0, c1) * np.uint64(2) + U(home),
    )
    start_rows = _boundary_rows(tb.start_rows, tb.start_part, Sc, _MOVES, side[0])
    end_rows = _boundary_rows(tb.end_rows, tb.end_part, Ec, _MOVES, side[1])
    return _Grid(rows, tb, St, Et, Sc, Ec, Sl, El, P, first, phi0, start_rows, end_rows,
                 s[:, 0], e[:, 0], lo[:, 0], hi[:, 0], B)


def _valid(g: _Grid) -> np.ndarray:
    """[m, W, W] which candidates are valid (see :func:`_grid`), over the whole grid."""
    m = len(g.runs)
    r_ = np.arange(m)[:, None]
    s, e, lo, hi = (x[:, None] for x in (g.s, g.e, g.lo, g.hi))
    B = g.blocked
    near = (np.abs(OFFSETS) <= REACH)[None, :]
    home = (OFFSETS == 0)[None, :]
    St, Et, Sl, El = g.St, g.Et, g.Sl, g.El
    okS = (St >= lo) & (St < hi) & (near | g.tb.cut_start[g.Sc]) & ~B[r_, Sl] | home
    okE = (Et >= lo) & (Et < hi) & (near | g.tb.cut_end[g.Ec]) & ~B[r_, El] | home
    Bc = np.concatenate([np.zeros((m, 1), np.int64), np.cumsum(B, axis=1)], axis=1)
    S3, E3 = St[:, :, None], Et[:, None, :]
    valid = okS[:, :, None] & okE[:, None, :] & (S3 <= E3) & (S3 <= e[:, :, None])
    valid &= (E3 >= s[:, :, None]) & (Bc[r_, El + 1][:, None, :] == Bc[r_, Sl][:, :, None])
    return valid


def _valid_cells(g: _Grid) -> tuple[np.ndarray, ...]:
    """The valid candidates in grid order, by the compiled loop: (run, start column, end
    column, score loss, pair weight rows), what ``np.nonzero(_valid(g))`` and :func:`_pairs`
    give."""
    tb = g.tb
    return _kernels.rerank_cells(  # type: ignore[no-any-return]
        g.s, g.e, g.lo, g.hi, g.blocked, g.P, g.first, g.phi0,
        tb.cut_start, tb.cut_end, tb.big_l, tb.right, tb.sent, tb.qmark, tb.quote, tb.qcum,
        OFFSETS, REACH, LENGTH_EDGES, LOSS_EDGES, PAIR_OFFSETS, _MOVES,
    )  # fmt: skip


def _pairs(g: _Grid, r: np.ndarray, i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair weight rows [..., kp] and the role tagger's score loss [...] (0 for the decoded
    run; unscaled) of the candidates starting at grid column ``i`` and ending at ``j`` of run
    ``r`` (index arrays that broadcast: the whole grid, or only its valid cells)."""
    tb, n = g.tb, len(g.tb.sent)
    # The role tagger's score of content over [start, end] against all-O, minus the run's.
    Sl = g.Sl[r, i]
    phi = g.P[r, g.El[r, j] + 1] - (g.P[r, Sl] - g.first[r, Sl])
    loss = np.minimum(phi - g.phi0[r], 0.0)
    SS, EE = g.Sc[r, i], g.Ec[r, j]
    len_b = np.searchsorted(LENGTH_EDGES, np.maximum(EE - SS + 1, 0))
    nq = np.minimum(tb.qcum[np.minimum(EE + 1, n)] - tb.qcum[SS], 4)
    # Is [start, end] exactly the largest constituent starting at start?  1 yes, 0 shorter,
    # 2 longer than it, 3 no constituent starts there.
    blS = tb.big_l[SS]
    rS = np.where(blS >= 0, tb.right[np.maximum(blS, 0)], -1)
    constit = np.where(blS < 0, 3, np.where(rS == EE, 1, np.where(EE < rS, 0, 2)))
    nsent = np.clip(tb.sent[EE] - tb.sent[SS], 0, 3)
    loss_b = np.searchsorted(LOSS_EDGES, loss)
    # Pair features are small categories: dense weights after the hashed table (PAIR_OFFSETS).
    unmoved = _HOME[i] * 2 + _HOME[j]
    qS, qE = tb.qmark[SS], tb.qmark[EE]
    values = np.broadcast_arrays(
        loss_b,
        len_b,
        qS * 3 + qE,
        constit * 4 + unmoved,
        nq * 6 + tb.quote[SS] * 3 + qS,
        nsent * 8 + len_b,
        (_MOVES[i] - 1) * 15 + (_MOVES[j] - 1),
        loss_b * 4 + constit,
    )
    return np.stack(values, axis=-1) + PAIR_OFFSETS, loss


def batch(
    d: DocArrays,
    cues: list[tuple[np.ndarray, float]],
    spans: list[tuple[int, int]],
    ems: list[np.ndarray],
    raws: list[RawAttribution],
    enc_features: bool = False,
) -> Batch | None:
    """Every candidate of every content run of the decoded attributions, valid or not, with
    its features (None: no run); see :func:`_grid` for which are valid."""
    g = _grid(d, cues, spans, ems, raws, enc_features)
    if g is None:
        return None
    W = len(OFFSETS)
    col = np.arange(W)
    pair_rows, loss = _pairs(
        g, np.arange(len(g.runs))[:, None, None], col[None, :, None], col[None, None, :]
    )
    return Batch(g.runs, g.St, g.Et, g.start_rows, g.end_rows, pair_rows,
                 (loss / LOSS_SCALE).astype(np.float32), _valid(g))


def scores(c: Candidates | Batch, w: np.ndarray, w_loss: float) -> np.ndarray:
    """[..., S, E] candidate scores (-inf where invalid), for one run or a batch."""
    sc = (
        w[c.start_rows].sum(axis=-1)[..., :, None]
        + w[c.end_rows].sum(axis=-1)[..., None, :]
        + w[c.pair_rows].sum(axis=-1)
        + w_loss * c.loss
    )
    return np.where(c.valid, sc, -np.inf)


def _best(g: _Grid, w: np.ndarray, w_loss: float) -> np.ndarray:
    """[m] the best candidate of each run, as a flat index into its [W, W] grid: the same as
    ``scores(batch(…), w, w_loss)``'s argmax, with the pair features and scores of the valid
    candidates only (about a tenth of the grid)."""
    r, i, j, loss, pair_rows = _valid_cells(g)
    s_start = w[g.start_rows].sum(axis=-1)
    s_end = w[g.end_rows].sum(axis=-1)
    sc = (
        s_start[r, i]
        + s_end[r, j]
        + w[pair_rows].sum(axis=-1)
        + w_loss * (loss / LOSS_SCALE).astype(np.float32)
    )
    W = len(OFFSETS)
    full = np.full((len(g.runs), W * W), -np.inf, sc.dtype)
    full[r, i * W + j] = sc
    return full.argmax(axis=1)


def apply(
    d: DocArrays,
    cues: list[tuple[np.ndarray, float]],
    spans: list[tuple[int, int]],
    ems: list[np.ndarray],
    raws: list[RawAttribution],
    w: np.ndarray,
    w_loss: float,
    enc_features: bool = False,
) -> list[RawAttribution]:
    """The attributions with each content run replaced by its best-scoring candidate
    (``enc_features``: weights trained with the encoder-score features of :func:`tables`).

    A new run that would take a token another attribution took first keeps its old bounds.
    """
    g = _grid(d, cues, spans, ems, raws, enc_features)
    if g is None:
        return raws
    flat = _best(g, w, w_loss)
    W = len(OFFSETS)
    owner = np.full(len(d.head), -1, np.int64)
    for k, ra in enumerate(raws):
        owner[list(ra.source)] = k
        owner[list(ra.cue)] = k
        for s, e in ra.content:
            owner[s : e + 1] = k
    runs = [list(ra.content) for ra in raws]
    for r, (k, i) in enumerate(g.runs):
        new = (int(g.St[r, flat[r] // W]), int(g.Et[r, flat[r] % W]))
        old = runs[k][i]
        if new == old:
            continue
        if ((owner[new[0] : new[1] + 1] != k) & (owner[new[0] : new[1] + 1] != -1)).any():
            continue
        owner[old[0] : old[1] + 1] = -1
        owner[new[0] : new[1] + 1] = k
        runs[k][i] = new
    return [
        replace(ra, content=tuple(sorted(r))) if r != list(ra.content) else ra
        for ra, r in zip(raws, runs, strict=True)
    ]
