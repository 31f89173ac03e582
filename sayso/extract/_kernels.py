"""Compiled inner loops of ``sayso.learned.v1`` (private): the ones numpy can only run as many
small calls per token or per position.

Each kernel computes exactly what its numpy formula in the docstring computes, in the same
order of float32 additions, so that outputs are bit for bit the same (``tests/test_kernels.py``
checks each against its formula).  They are compiled by numba on first use and cached next to
this file (``__pycache__``), or in numba's per-user cache where that folder is read-only.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def viterbi(em: np.ndarray, trans: np.ndarray, start: np.ndarray) -> np.ndarray:  # pragma: no cover
    """Best tag sequences [B, n] for emissions ``em`` [B, n, T] under transition scores
    ``trans`` [T, T] and start scores [T].

    The numpy formula, per position i > 0: ``cand = score[:, :, None] + trans[None]``; the
    back-pointer is ``cand.argmax(axis=1)`` (the first best on ties) and the new score
    ``cand.max(axis=1) + em[:, i]``; from ``em[:, 0] + start``.
    """
    B, n, T = em.shape
    out = np.empty((B, n), np.intp)
    if n == 0:
        return out
    back = np.empty((n, T), np.intp)
    score = np.empty(T, em.dtype)
    new = np.empty(T, em.dtype)
    for b in range(B):
        for j in range(T):
            score[j] = em[b, 0, j] + start[j]
        for i in range(1, n):
            for j in range(T):
                best = score[0] + trans[0, j]
                arg = 0
                for t in range(1, T):
                    c = score[t] + trans[t, j]
                    if c > best:
                        best = c
                        arg = t
                back[i, j] = arg
                new[j] = best + em[b, i, j]
            for j in range(T):
                score[j] = new[j]
        arg = 0
        for j in range(1, T):
            if score[j] > score[arg]:
                arg = j
        out[b, n - 1] = arg
        for i in range(n - 1, 0, -1):
            out[b, i - 1] = back[i, out[b, i]]
    return out


@njit(cache=True, nogil=True)
def weight_sum(w: np.ndarray, keys: np.ndarray, shift: np.uint64) -> np.ndarray:  # pragma: no cover
    """[n, T] float32 scores: per token, the sum of the weight rows ``w[key >> shift]`` of its
    feature keys ([n, k] uint64), each cast to float32 and added in key order.

    The numpy formula: ``np.take(w, (keys.T >> shift).astype(np.intp), axis=0).sum(axis=0,
    dtype=np.float32)`` (a sum over the first axis adds one whole [n, T] block after another).
    """
    n, k = keys.shape
    T = w.shape[1]
    out = np.zeros((n, T), np.float32)
    for i in range(n):
        for f in range(k):
            r = keys[i, f] >> shift
            for t in range(T):
                out[i, t] += np.float32(w[r, t])
    return out


#: float32 value of every float16 bit pattern (numba has no float16): exact, 256 KB.
HALF = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16).view(np.float16).astype(np.float32)


@njit(cache=True, nogil=True)
def weight_sum_half(
    bits: np.ndarray, half: np.ndarray, keys: np.ndarray, shift: np.uint64
) -> np.ndarray:  # pragma: no cover
    """:func:`weight_sum` of float16 weights given as their bit patterns ``bits`` (uint16,
    ``w.view(np.uint16)``), each read through ``half`` (:data:`HALF`)."""
    n, k = keys.shape
    T = bits.shape[1]
    out = np.zeros((n, T), np.float32)
    rows = np.empty(k, np.int64)
    for i in range(n):
        for f in range(k):  # the token's rows first: their loads can overlap
            rows[f] = keys[i, f] >> shift
        for f in range(k):
            r = rows[f]
            for t in range(T):
                out[i, t] += half[bits[r, t]]
    return out


#: The hashing round's multiplier and shift (``_learned_core``'s feature keys).
M2 = np.uint64(0xBF58476D1CE4E5B9)
S29 = np.uint64(29)


@njit(cache=True, nogil=True)
def hash_columns(
    cols: np.ndarray, starts: np.ndarray, seeds: np.ndarray, depth: int
) -> np.ndarray:  # pragma: no cover
    """[n, k] uint64 keys of k feature templates over n tokens: template ``j`` reads the value
    columns ``cols[starts[j]:starts[j + 1]]`` ([C, n] uint64) and starts from ``seeds[j]``.

    The numpy formula, ``depth`` rounds (``s`` = 0, 1, …) over every template, a template with
    fewer columns reading zeros: ``h ^= column s``; ``h *= M2``; ``h ^= h >> S29``.
    """
    k = len(seeds)
    n = cols.shape[1]
    out = np.empty((n, k), np.uint64)
    h = np.empty(n, np.uint64)
    # One template at a time, one round at a time over all tokens: loops the compiler
    # vectorizes (about 2.5 times faster than a token at a time).
    for j in range(k):
        a = starts[j]
        b = starts[j + 1]
        for i in range(n):
            h[i] = seeds[j]
        for s in range(depth):
            if a + s < b:
                c = cols[a + s]
                for i in range(n):
                    x = (h[i] ^ c[i]) * M2
                    h[i] = x ^ (x >> S29)
            else:
                for i in range(n):
                    x = h[i] * M2
                    h[i] = x ^ (x >> S29)
        for i in range(n):
            out[i, j] = h[i]
    return out


@njit(cache=True, nogil=True)
def true_runs(mask: np.ndarray) -> np.ndarray:  # pragma: no cover
    """[r, 2] (first, last) of each run of true values in a boolean mask, in order."""
    n = len(mask)
    out = np.empty((n // 2 + 1, 2), np.int64)
    r = 0
    i = 0
    while i < n:
        if mask[i]:
            j = i
            while j + 1 < n and mask[j + 1]:
                j += 1
            out[r, 0] = i
            out[r, 1] = j
            r += 1
            i = j + 1
        else:
            i += 1
    return out[:r]


@njit(cache=True, nogil=True)
def common_ancestors(
    anc: np.ndarray, depth: np.ndarray, idx: np.ndarray, off: np.ndarray, heads: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Where each row's token meets its cue head in the tree: [R] steps ``k`` from the token up
    to their lowest common ancestor (0 where they share no tree) and [R] steps ``up`` from the
    cue head up to it (-1 where they share no tree).

    ``anc`` [n, L]: each token's ancestors (itself first; the root repeats to the end);
    ``depth`` [n]: steps to the root; rows ``off[c]..off[c + 1]`` (tokens ``idx``) belong to the
    cue with head ``heads[c]``.  The numpy formula looks each (row, ancestor) pair up among
    the (cue, head-chain token) pairs and takes the first ancestor found.
    """
    n = anc.shape[0]
    L = anc.shape[1]
    R = len(idx)
    k_out = np.zeros(R, np.int64)
    up_out = np.full(R, -1, np.int64)
    pos = np.full(n, -1, np.int64)  # a chain token's steps from the cue head
    for c in range(len(heads)):
        h = heads[c]
        for j in range(depth[h] + 1):
            if pos[anc[h, j]] < 0:
                pos[anc[h, j]] = j
        for r in range(off[c], off[c + 1]):
            t = idx[r]
            for k in range(L):
                p = pos[anc[t, k]]
                if p >= 0:
                    k_out[r] = k
                    up_out[r] = p
                    break
        for j in range(depth[h] + 1):
            pos[anc[h, j]] = -1
    return k_out, up_out


@njit(cache=True, nogil=True)
def _count_below(edges: np.ndarray, x: float) -> int:  # pragma: no cover
    """``np.searchsorted(edges, x)``: how many of the ascending ``edges`` are below ``x``."""
    k = 0
    while k < len(edges) and edges[k] < x:
        k += 1
    return k


@njit(cache=True, nogil=True)
def _boundary(
    t: int,
    r: int,
    lo: np.ndarray,
    hi: np.ndarray,
    near: bool,
    home: bool,
    cut: np.ndarray,
    blocked: np.ndarray,
    doc_col: np.ndarray,
    win_col: np.ndarray,
    c: int,
) -> bool:  # pragma: no cover
    """May a start (or end) of run ``r`` sit at token ``t``: inside the run's window, near the
    decoded boundary or at a cut point, and not blocked, or the decoded boundary itself?  Also
    writes ``t`` clipped into the document and into the window at column ``c``."""
    n = len(cut)
    width = blocked.shape[1]
    doc_col[c] = min(max(t, 0), n - 1)
    win_col[c] = min(max(t - lo[r], 0), width - 1)
    inside = t >= lo[r] and t < hi[r]
    return (inside and (near or cut[doc_col[c]]) and not blocked[r, win_col[c]]) or home


@njit(cache=True, nogil=True)
def rerank_cells(
    s: np.ndarray,
    e: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    blocked: np.ndarray,
    P: np.ndarray,
    first: np.ndarray,
    phi0: np.ndarray,
    cut_start: np.ndarray,
    cut_end: np.ndarray,
    big_l: np.ndarray,
    right: np.ndarray,
    sent: np.ndarray,
    qmark: np.ndarray,
    quote: np.ndarray,
    qcum: np.ndarray,
    offsets: np.ndarray,
    reach: int,
    length_edges: np.ndarray,
    loss_edges: np.ndarray,
    pair_offsets: np.ndarray,
    moves: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """The valid candidates of the content-boundary reranker (``_rerank``) and their pair
    features, in grid order: run ``r``, start column ``i``, end column ``j``, the role
    tagger's score loss and the 8 pair weight rows of each.

    The numpy formulas are ``_rerank._valid`` and ``_rerank._pairs``: a start is valid inside
    the run's window, near the decoded start or at a cut point, and not blocked (likewise the
    end); a pair is valid when it holds the decoded run's overlap, in order, with no blocked
    token between.
    """
    m = len(s)
    W = len(offsets)
    n = len(cut_start)
    width = blocked.shape[1]
    # Blocked tokens before each column of each run (prefix counts).
    bc = np.zeros((m, width + 1), np.int64)
    for r in range(m):
        for x in range(width):
            bc[r, x + 1] = bc[r, x] + (1 if blocked[r, x] else 0)
    cap = m * W * W
    rr = np.empty(cap, np.int64)
    ii = np.empty(cap, np.int64)
    jj = np.empty(cap, np.int64)
    loss = np.empty(cap, np.float64)
    pairs = np.empty((cap, 8), np.int64)
    # Per run, each grid column as a start and as an end: clipped into the document (sc, ec)
    # and into the run's window (sl, el), and whether the boundary may sit there.
    sc = np.empty(W, np.int64)
    sl = np.empty(W, np.int64)
    ec = np.empty(W, np.int64)
    el = np.empty(W, np.int64)
    okS = np.empty(W, np.bool_)
    okE = np.empty(W, np.bool_)
    v = 0
    for r in range(m):
        for c in range(W):
            near, home = abs(offsets[c]) <= reach, offsets[c] == 0
            st, et = s[r] + offsets[c], e[r] + offsets[c]
            okS[c] = _boundary(st, r, lo, hi, near, home, cut_start, blocked, sc, sl, c)
            okE[c] = _boundary(et, r, lo, hi, near, home, cut_end, blocked, ec, el, c)
        for i in range(W):
            st = s[r] + offsets[i]
            if not okS[i] or st > e[r]:
                continue
            for j in range(W):
                et = e[r] + offsets[j]
                if not okE[j] or st > et or et < s[r] or bc[r, el[j] + 1] != bc[r, sl[i]]:
                    continue
                phi = P[r, el[j] + 1] - (P[r, sl[i]] - first[r, sl[i]])
                lv = min(phi - phi0[r], 0.0)
                len_b = _count_below(length_edges, max(ec[j] - sc[i] + 1, 0))
                nq = min(qcum[min(ec[j] + 1, n)] - qcum[sc[i]], 4)
                bl = big_l[sc[i]]
                if bl < 0:
                    constit = 3
                else:
                    rs = right[bl]
                    constit = 1 if rs == ec[j] else (0 if ec[j] < rs else 2)
                nsent = min(max(sent[ec[j]] - sent[sc[i]], 0), 3)
                loss_b = _count_below(loss_edges, lv)
                unmoved = (2 if offsets[i] == 0 else 0) + (1 if offsets[j] == 0 else 0)
                qs = qmark[sc[i]]
                qe = qmark[ec[j]]
                rr[v] = r
                ii[v] = i
                jj[v] = j
                loss[v] = lv
                pairs[v, 0] = loss_b + pair_offsets[0]
                pairs[v, 1] = len_b + pair_offsets[1]
                pairs[v, 2] = qs * 3 + qe + pair_offsets[2]
                pairs[v, 3] = constit * 4 + unmoved + pair_offsets[3]
                pairs[v, 4] = nq * 6 + quote[sc[i]] * 3 + qs + pair_offsets[4]
                pairs[v, 5] = nsent * 8 + len_b + pair_offsets[5]
                pairs[v, 6] = (moves[i] - 1) * 15 + (moves[j] - 1) + pair_offsets[6]
                pairs[v, 7] = loss_b * 4 + constit + pair_offsets[7]
                v += 1
    return rr[:v], ii[:v], jj[:v], loss[:v], pairs[:v]
