"""The compiled kernels of ``sayso.learned.v1`` (``sayso/extract/_kernels.py``) give exactly
what their numpy formulas give."""

from __future__ import annotations

import numpy as np
import pytest

from sayso.extract import _kernels
from sayso.extract import _learned_core as core


def numpy_viterbi(em: np.ndarray, trans: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The numpy formula the kernel follows (one position at a time, the whole batch)."""
    B, n, T = em.shape
    score = em[:, 0] + start[None]
    back = np.empty((n, B, T), np.intp)
    for i in range(1, n):
        cand = score[:, :, None] + trans[None]
        back[i] = cand.argmax(axis=1)
        score = cand.max(axis=1) + em[:, i]
    out = np.empty((B, n), np.intp)
    out[:, -1] = score.argmax(axis=1)
    rows = np.arange(B)
    for i in range(n - 1, 0, -1):
        out[:, i - 1] = back[i][rows, out[:, i]]
    return out


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_viterbi_equals_the_numpy_formula(seed: int, dtype: type) -> None:
    rng = np.random.default_rng(seed)
    B, n, T = int(rng.integers(1, 9)), int(rng.integers(1, 60)), int(rng.choice([3, 5]))
    # Integer-valued scores make ties common: the first best must win, as in numpy.
    em = rng.integers(-3, 4, (B, n, T)).astype(dtype)
    trans = rng.integers(-2, 3, (T, T)).astype(dtype)
    trans[rng.random((T, T)) < 0.3] = -1e6
    start = rng.integers(-2, 3, T).astype(dtype)
    assert np.array_equal(_kernels.viterbi(em, trans, start), numpy_viterbi(em, trans, start))
    em = rng.normal(0, 50, (B, n, T)).astype(dtype)
    assert np.array_equal(core.viterbi(em, trans, start), numpy_viterbi(em, trans, start))


def test_viterbi_of_no_positions_is_empty() -> None:
    em = np.zeros((2, 0, 3), np.float32)
    assert _kernels.viterbi(em, np.zeros((3, 3), np.float32), np.zeros(3, np.float32)).shape == (
        2,
        0,
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_weight_sum_equals_the_numpy_formula(dtype: type) -> None:
    rng = np.random.default_rng(7)
    bits, T = 12, 5
    w = rng.normal(0, 3, (1 << bits, T)).astype(dtype)
    w[:3] = np.array([np.inf, -np.inf, -0.0])[:, None]  # odd values too
    keys = rng.integers(0, 2**63, (40, 17), dtype=np.uint64) * np.uint64(2)
    keys[0, :2] = np.array([0, 2], np.uint64) << np.uint64(64 - bits)  # inf, -0.0
    keys[1, 0] = np.uint64(1) << np.uint64(64 - bits)  # -inf
    expected = np.take(w, core.keys_to_rows(keys, bits).T, axis=0).sum(axis=0, dtype=np.float32)
    got = core.weight_sum(w, keys, bits)
    assert got.dtype == np.float32
    assert np.array_equal(got, expected, equal_nan=True)
    # A non-contiguous key array (a column slice) reads the same keys.
    assert np.array_equal(core.weight_sum(w, keys[:, ::2], bits),
                          np.take(w, core.keys_to_rows(keys[:, ::2], bits).T, axis=0).sum(
                              axis=0, dtype=np.float32), equal_nan=True)


def test_half_table_reads_every_float16_exactly() -> None:
    patterns = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    assert np.array_equal(_kernels.HALF, patterns.view(np.float16).astype(np.float32),
                          equal_nan=True)


@pytest.mark.parametrize("seed", range(8))
def test_true_runs_are_the_runs_of_the_mask(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mask = rng.random(int(rng.integers(0, 40))) < rng.random()
    m = np.concatenate([[0], mask.astype(np.int8), [0]])
    dif = np.diff(m)
    expected = list(zip(np.flatnonzero(dif == 1).tolist(),
                        (np.flatnonzero(dif == -1) - 1).tolist(), strict=True))
    assert core.true_runs(mask) == expected
    assert core.true_runs(mask.astype(np.int64)) == expected  # any truthy values


def test_hash_templates_equal_the_numpy_rounds() -> None:
    rng = np.random.default_rng(3)
    n = 37
    cols = [rng.integers(0, 2**63, n, dtype=np.uint64) for _ in range(6)]
    templates = [(cols[0],), (cols[1], cols[2]), (cols[3], cols[4], cols[5]), (cols[0], cols[5])]
    # The numpy formula: every template goes through as many rounds as the longest.
    k, depth = len(templates), 3
    h = np.repeat(core._SEEDS[9 : 9 + k, None], n, axis=1)
    zero = np.zeros(n, np.uint64)
    for s in range(depth):
        h ^= np.stack([t[s] if len(t) > s else zero for t in templates])
        h *= core._M2
        h ^= h >> core._S29
    assert np.array_equal(core.hash_templates(9, templates), h.T)


def numpy_common_ancestors(
    anc: np.ndarray, depth: np.ndarray, idx: np.ndarray, cid: np.ndarray, heads: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The numpy formula: every (cue, head-chain token) pair as one sorted key, looked up for
    each (row, ancestor); the first ancestor found."""
    n = len(anc)
    chain_len = depth[heads] + 1
    ckeys = (np.repeat(np.arange(len(heads)), chain_len) * n).astype(np.int64)
    cpos = np.arange(int(chain_len.sum())) - np.repeat(np.cumsum(chain_len) - chain_len, chain_len)
    ckeys += anc[np.repeat(heads, chain_len), cpos]
    order = np.argsort(ckeys, kind="stable")
    ckeys, cpos = ckeys[order], cpos[order]
    q_keys = cid[:, None] * n + anc[idx]
    at = np.minimum(np.searchsorted(ckeys, q_keys), len(ckeys) - 1)
    P = np.where(ckeys[at] == q_keys, cpos[at], -1)
    found = P >= 0
    k = found.argmax(axis=1)
    return k, np.where(found.any(axis=1), P[np.arange(len(idx)), k], -1)


@pytest.mark.parametrize("seed", range(6))
def test_common_ancestors_equal_the_numpy_lookup(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 80))
    # A forest: each token's head is an earlier token or itself (a root), as in sentences.
    head = np.array([i if i == 0 or rng.random() < 0.15 else int(rng.integers(0, i))
                     for i in range(n)])
    cols, cur = [np.arange(n)], np.arange(n)
    while not np.array_equal(head[cur], cur):
        cur = head[cur]
        cols.append(cur)
    anc = np.stack(cols, axis=1)
    depth = (anc[:, 1:] != anc[:, :-1]).sum(axis=1)
    heads = rng.integers(0, n, int(rng.integers(1, 6)))
    sizes = rng.integers(0, n + 1, len(heads))
    off = np.concatenate([[0], np.cumsum(sizes)])
    idx = np.concatenate([rng.integers(0, n, s) for s in sizes]).astype(np.int64)
    cid = np.repeat(np.arange(len(heads)), sizes)
    got = _kernels.common_ancestors(anc, depth, idx, off, heads)
    want = numpy_common_ancestors(anc, depth, idx, cid, heads)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])
