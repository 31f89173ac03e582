"""The content-boundary reranker of ``sayso.learned.v1`` (``sayso/extract/_rerank.py``)."""

from __future__ import annotations

import numpy as np

from sayso import extract, nlp
from sayso.extract import _learned_core as core
from sayso.extract import _rerank as rerank
from sayso.extract import learned
from sayso.models import Article

TEXT = "The senator said on Monday that the bill, which failed twice, would pass next week."


def arrays(text: str = TEXT):  # type: ignore[no-untyped-def]
    doc = nlp.parse(text)
    model = learned.load_model()
    return doc, model.arrays(doc, text)


def tok(doc, word: str) -> int:  # type: ignore[no-untyped-def]
    return next(t.i for t in doc if t.text == word)


def test_constituent_edges() -> None:
    doc, d = arrays()
    tb = rerank.tables(d)
    for t in range(len(doc)):
        if tb.big_l[t] >= 0:  # a constituent of two or more tokens starts here
            h = doc[int(tb.big_l[t])]
            assert h.left_edge.i == t and h.right_edge.i > t
            # and it is the largest one: its head starts elsewhere (or it is the root)
            assert h.head.i == h.i or h.head.left_edge.i != t
        if tb.big_r[t] >= 0:
            h = doc[int(tb.big_r[t])]
            assert h.right_edge.i == t and h.left_edge.i < t
    assert tb.big_l[0] == tok(doc, "said")  # the whole sentence starts at "The"
    assert tb.cut_start[tok(doc, "that")]  # the complement clause starts a constituent


def one_run(doc, d, other=None):  # type: ignore[no-untyped-def]
    """A batch for 'The senator said ... that ... week' with the tagger liking the run."""
    n = len(doc)
    said = tok(doc, "said")
    run = (tok(doc, "that"), n - 2)
    em = np.zeros((n, len(core.ROLE_TAGS)), np.float32)
    em[run[0], 3] = 5.0
    em[run[0] + 1 : run[1] + 1, 4] = 5.0
    cues = [(np.array([said]), 1.0)]
    raws = [core.RawAttribution((said,), (0, 1), (run,), None, 1.0)]
    spans = [(0, n)]
    ems = [em]
    if other is not None:  # a second attribution that holds one token inside the run
        cues.append((np.array([other]), 1.0))
        raws[0] = core.RawAttribution((said,), (0, 1), ((run[0], other - 1),), None, 1.0)
        raws.append(core.RawAttribution((other,), (), (), None, 1.0))
        spans.append((0, n))
        ems.append(em)
    return run, cues, spans, ems, raws


def test_candidates_hold_the_run_and_avoid_blocked_tokens() -> None:
    doc, d = arrays()
    failed = tok(doc, "failed")
    run, cues, spans, ems, raws = one_run(doc, d, other=failed)
    b = rerank.batch(d, cues, spans, ems, raws)
    assert b is not None and b.runs == [(0, 0)]
    home = rerank.CUT_REACH
    assert b.valid[0, home, home]  # the decoded run itself
    assert b.loss[0, home, home] == 0 and (b.loss <= 0).all()
    s, e = raws[0].content[0]
    for i, j in zip(*np.nonzero(b.valid[0]), strict=True):
        a, z = int(b.starts[0, i]), int(b.ends[0, j])
        assert a <= z and a <= e and z >= s
        assert not (set(range(a, z + 1)) & {0, 1, tok(doc, "said"), failed})


def test_loss_alone_keeps_the_decoded_run() -> None:
    doc, d = arrays()
    run, cues, spans, ems, raws = one_run(doc, d)
    w = np.zeros(rerank.WEIGHTS, np.float32)
    assert rerank.apply(d, cues, spans, ems, raws, w, 1.0) == raws


def test_weights_move_a_boundary() -> None:
    doc, d = arrays()
    n = len(doc)
    run, cues, spans, ems, raws = one_run(doc, d)
    b = rerank.batch(d, cues, spans, ems, raws)
    assert b is not None
    # A weight on the features of "the end is the full stop" lifts the candidate ending on ".".
    w = np.zeros(rerank.WEIGHTS, np.float32)
    j = rerank.CUT_REACH + (n - 1 - run[1])
    assert b.ends[0, j] == n - 1
    w[b.end_rows[0, j]] += 100.0
    out = rerank.apply(d, cues, spans, ems, raws, w, 1.0)
    assert out[0].content == ((run[0], n - 1),)


def test_shipped_model_reranks_and_stays_univocal() -> None:
    model = learned.load_model()
    assert model.rerank is not None, "the shipped model carries the reranker"
    text = ('"We will not back down," the mayor said on Tuesday, adding that the city '
            "would appeal. Critics said the ruling, issued late Monday, was final.")
    doc = nlp.parse(text)
    ruled = extract.get(learned.READS)(doc, Article(text=text))
    raws = model.extract(doc, text, learned.rule_spans(ruled, text))
    assert raws
    seen = np.zeros(len(doc), int)
    for ra in raws:
        for s, e in ra.content:
            assert 0 <= s <= e < len(doc)
            seen[s : e + 1] += 1
            assert not set(range(s, e + 1)) & set(ra.cue)
    assert seen.max() <= 1


def test_compiled_valid_cells_equal_the_numpy_grid() -> None:
    """``apply`` scores the valid candidates the compiled loop lists: the same cells, score
    losses and pair features as the numpy formulas over the whole grid."""
    model = learned.load_model()
    text = ('"We will not back down," the mayor said on Tuesday, adding that the city '
            'would appeal. Critics said the ruling, issued late Monday, was final. "It is '
            'over," one aide told reporters, according to a statement; another said "no."')
    doc = nlp.parse(text)
    ruled = extract.get(learned.READS)(doc, Article(text=text))
    d = model.arrays(doc, text)
    core.add_rules(d, learned.rule_spans(ruled, text))
    cues = model.decode_cues(d)
    spans, ems = model.role_emissions(d, cues)
    paths = core.decode(ems, model.role_trans, model.role_start)
    raws = core.resolve(len(d.head), cues, spans, paths, d if model.snap else None)
    g = rerank._grid(d, cues, spans, ems, raws)
    assert g is not None and len(g.runs) >= 3
    r, i, j, loss, pairs = rerank._valid_cells(g)
    rv, iv, jv = np.nonzero(rerank._valid(g))
    assert len(r) > 20
    assert np.array_equal(r, rv) and np.array_equal(i, iv) and np.array_equal(j, jv)
    pair_rows, loss_np = rerank._pairs(g, rv, iv, jv)
    assert np.array_equal(pairs, pair_rows) and np.array_equal(loss, loss_np)


def test_encoder_scores_are_features_only_when_the_weights_say_so() -> None:
    """``enc_features``: a candidate's edges also read the fine-tuned encoder's role scores
    (``DocArrays.enc``), bucketed; off (the default, and for a document without them) the
    features are the ones every shipped reranker was trained with."""
    doc, d = arrays()
    n = len(doc)
    run, cues, spans, ems, raws = one_run(doc, d)
    plain = rerank.tables(d)
    assert rerank.tables(d, enc_features=True).start_rows.shape == plain.start_rows.shape
    enc = np.full((n, 7), np.log(1e-4), np.float32)
    enc[:, 0] = 0.0  # the encoder sees no content ...
    enc[n - 1, :] = np.log(1e-4)
    enc[n - 1, 6] = 0.0  # ... but on the full stop
    d.enc = enc
    with_enc = rerank.tables(d, enc_features=True)
    assert np.array_equal(rerank.tables(d).start_rows, plain.start_rows)
    assert with_enc.start_rows.shape == (n, plain.start_rows.shape[1] + 3)
    assert with_enc.end_rows.shape == (n, plain.end_rows.shape[1] + 3)
    assert np.array_equal(with_enc.end_rows[:, : plain.end_rows.shape[1]], plain.end_rows)
    # the end features of the full stop differ from those of the word before it
    k = plain.end_rows.shape[1]
    assert not set(with_enc.end_rows[n - 1, k:]) & set(with_enc.end_rows[n - 2, k:])
    # a weight on "content runs through here and the text ends" moves the end onto "."
    b = rerank.batch(d, cues, spans, ems, raws, enc_features=True)
    assert b is not None
    j = rerank.CUT_REACH + (n - 1 - run[1])
    w = np.zeros(rerank.WEIGHTS, np.float32)
    w[with_enc.end_rows[n - 1, k:]] += 100.0
    assert rerank.apply(d, cues, spans, ems, raws, w, 1.0, enc_features=True)[0].content == (
        (run[0], n - 1),)
    assert b.ends[0, j] == n - 1
    assert rerank.apply(d, cues, spans, ems, raws, w, 1.0) == raws  # off: the weight unseen


def test_the_accurate_model_keeps_the_encoder_scores_it_reads() -> None:
    model = learned.load_model(learned.ACCURATE_FILE)
    doc = nlp.parse(TEXT)
    d = model.arrays(doc, TEXT)
    assert d.enc.shape == (len(doc), 7)
    assert np.allclose(np.exp(d.enc).sum(axis=1), 1.0, atol=1e-3)  # log-probabilities
    assert model.scale_scores is not None
    mean, proj = model.scale_scores
    assert np.allclose(d.tensor[:, -proj.shape[1] :], (d.enc - mean) @ proj, atol=1e-5)
    assert arrays()[1].enc.shape == (0, 0)  # fast: no encoder
