"""The content-boundary reranker of ``sayso.learned.v1`` (``sayso/extract/_rerank.py``)."""

from __future__ import annotations

import numpy as np

from sayso import nlp
from sayso.extract import _learned_core as core
from sayso.extract import _rerank as rerank
from sayso.extract import learned
from sayso.models import Article

TEXT = 'The senator said on Monday that the bill, which failed twice, would pass next week.'


def arrays(text: str = TEXT):  # type: ignore[no-untyped-def]
    doc = nlp.parse(text)
    model = learned.load_model()
    return doc, model, model.arrays(doc, text)


def tok(doc, word: str) -> int:  # type: ignore[no-untyped-def]
    return next(t.i for t in doc if t.text == word)


def test_constituent_edges() -> None:
    doc, _, d = arrays()
    tb = rerank.tables(d)
    for t in range(len(doc)):
        if tb.big_l[t] >= 0:  # a constituent of two or more tokens starts here
            h = doc[int(tb.big_l[t])]
            assert h.left_edge.i == t and h.right_edge.i > t
            # and it is the largest one: its head's head starts elsewhere (or is the root)
            assert h.head.i == h.i or h.head.left_edge.i != t
        if tb.big_r[t] >= 0:
            h = doc[int(tb.big_r[t])]
            assert h.right_edge.i == t and h.left_edge.i < t
    said = tok(doc, "said")
    assert tb.big_l[0] == said  # the whole sentence starts at "The"
    assert tb.cut_start[tok(doc, "that")]  # the complement clause starts a constituent


def _run_candidates(doc, d, run, blocked):  # type: ignore[no-untyped-def]
    n = len(doc)
    em = np.zeros((n, len(core.ROLE_TAGS)), np.float32)
    s, e = run
    em[s, 3] = 5.0
    em[s + 1 : e + 1, 4] = 5.0  # the role tagger likes exactly the run
    return rerank.candidates(rerank.tables(d), em, 0, n, run, (tok(doc, "said"),) * 2, blocked)


def test_candidates_hold_the_run_and_avoid_blocked_tokens() -> None:
    doc, _, d = arrays()
    n = len(doc)
    run = (tok(doc, "that"), n - 2)  # "that ... week"
    blocked = np.zeros(n, bool)
    blocked[: tok(doc, "said") + 1] = True  # source and cue
    blocked[tok(doc, "failed")] = True  # pretend another attribution holds this token
    c = _run_candidates(doc, d, run, blocked)
    i = int(np.flatnonzero(c.starts == run[0])[0])
    j = int(np.flatnonzero(c.ends == run[1])[0])
    assert not c.valid[i, j]  # the run crosses the blocked token, so it is not a candidate
    for a, b in zip(*np.nonzero(c.valid), strict=True):
        s, e = int(c.starts[a]), int(c.ends[b])
        assert s <= e and s <= run[1] and e >= run[0]
        assert not blocked[s : e + 1].any()
    # Losses are never positive and zero for the run itself.
    assert (c.loss <= 0).all()


def test_loss_alone_keeps_the_decoded_run() -> None:
    doc, _, d = arrays()
    n = len(doc)
    run = (tok(doc, "that"), n - 2)
    c = _run_candidates(doc, d, run, np.zeros(n, bool))
    w = np.zeros(1 << rerank.RERANK_BITS, np.float32)
    assert rerank.best(c, w, 1.0) == run


def test_weights_move_a_boundary() -> None:
    doc, _, d = arrays()
    n = len(doc)
    run = (tok(doc, "that"), n - 2)
    c = _run_candidates(doc, d, run, np.zeros(n, bool))
    # A weight on "the end is the full stop" features lifts the candidate ending on ".".
    w = np.zeros(1 << rerank.RERANK_BITS, np.float32)
    j = int(np.flatnonzero(c.ends == n - 1)[0])
    w[c.end_rows[j]] += 100.0
    assert rerank.best(c, w, 1.0) == (run[0], n - 1)


def test_shipped_model_reranks_and_stays_univocal() -> None:
    model = learned.load_model()
    assert model.rerank is not None, "the shipped model carries the reranker"
    text = ('"We will not back down," the mayor said on Tuesday, adding that the city '
            "would appeal. Critics said the ruling, issued late Monday, was final.")
    doc = nlp.parse(text)
    raws = model.extract(doc, text, learned.rule_spans(doc, Article(text=text)))
    assert raws
    seen = np.zeros(len(doc), int)
    for ra in raws:
        for s, e in ra.content:
            assert 0 <= s <= e < len(doc)
            seen[s : e + 1] += 1
            assert not set(range(s, e + 1)) & set(ra.cue)
    assert seen.max() <= 1
