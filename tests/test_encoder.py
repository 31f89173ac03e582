"""MiniLM token vectors (sayso/extract/_encoder.py): one row per spaCy token, linear chunks."""

from __future__ import annotations

import numpy as np
import pytest

from sayso import nlp
from sayso.extract import _encoder

pytestmark = pytest.mark.skipif(not _encoder.available(), reason="MiniLM encoder not installed")


def test_each_token_gets_the_mean_of_its_wordpieces_and_whitespace_none() -> None:
    doc = nlp.load()("Zelenskyy thanked Biden.\n\nThe talks went on.")
    vec = _encoder.vectors(doc)
    assert vec.shape == (len(doc), _encoder.width())
    for t in doc:
        assert (np.abs(vec[t.i]).sum() == 0) == t.is_space
    # The same words give the same vectors in a window of their own as in the whole text
    # when the text is encoded window by window.
    wins = [(0, 4), (5, len(doc))]
    alone = _encoder.vectors(nlp.load()("Zelenskyy thanked Biden."))
    np.testing.assert_allclose(_encoder.vectors(doc, wins)[:4], alone, atol=1e-4)


def test_long_text_is_cut_into_chunks_under_the_limit() -> None:
    doc = nlp.load()(" ".join(["The minister said the talks had failed."] * 200))
    chunks = _encoder.chunks(doc, [(0, len(doc))])
    assert chunks[0][0] == 0 and chunks[-1][1] == len(doc)
    assert all(b - a <= _encoder.MAX_PIECES // 2 for a, b in chunks)
    assert all(a == b for (_, a), (b, _) in zip(chunks, chunks[1:], strict=False))
    assert not np.abs(_encoder.vectors(doc)[len(doc) - 2]).sum() == 0


def test_a_fine_tuned_tagger_saves_without_embeddings_and_scores_each_token(tmp_path) -> None:
    import torch

    _, base = _encoder.load_base()
    tagger = _encoder.Tagger(base)
    with torch.no_grad():  # the head ignores the encoder: the bias alone decides
        tagger.head.weight.zero_()
        tagger.head.bias.copy_(torch.arange(_encoder.TAGS, dtype=torch.float32))
    path = tmp_path / "tagger.pt"
    _encoder.save_tagger(tagger, path)
    saved = torch.load(path, weights_only=True)
    assert not any("word_embeddings" in k for k in saved)
    assert all(v.dtype == torch.float16 for v in saved.values())
    loaded = _encoder.load_tagger(path)
    doc = nlp.load()("Zelenskyy thanked Biden.\n\nThe talks went on.")
    scores = _encoder.scores_many([(doc, None)], loaded)[0]
    assert scores.shape == (len(doc), _encoder.TAGS)
    words = [t.i for t in doc if not t.is_space]
    # log-probabilities (averaged over a word's wordpieces: close to a distribution)
    np.testing.assert_allclose(np.exp(scores[words]).sum(axis=1), 1.0, atol=0.05)
    assert (scores[words].argmax(axis=1) == _encoder.TAGS - 1).all()  # the bias decides
    with pytest.raises(Exception, match="not a sayso MiniLM tagger"):
        torch.save({"junk": torch.zeros(1)}, tmp_path / "junk.pt")
        _encoder.load_tagger(tmp_path / "junk.pt")
    (tmp_path / "bytes.pt").write_bytes(b"not a torch file")
    with pytest.raises(Exception, match="not a sayso MiniLM tagger"):
        _encoder.load_tagger(tmp_path / "bytes.pt")


def test_the_accurate_pipeline_reads_the_shipped_tagger_and_keeps_the_chain() -> None:
    from sayso.extract import learned
    from sayso.models import Article
    from sayso.pipeline import extract_article

    model = learned.load_model(learned.ACCURATE_FILE)
    assert model.encode is not None  # the taggers read the fine-tuned MiniLM's scores
    ex = extract_article(Article(text="CNN reports that the Kremlin said Putin called for Trump "
                                      "to reduce sanctions."), pipeline="accurate")
    cues = {a.cue.text: a for a in ex.attributions}
    assert {"reports", "said", "called for"} <= set(cues)
    assert cues["said"].parent == cues["reports"].id
    assert cues["called for"].parent == cues["said"].id


def test_the_shipped_tagger_in_int8_stays_close_to_float32() -> None:
    """``load_tagger(path, int8=True)`` quantises the linear layers; on a real sentence the
    int8 tagger picks the same tag as float32 for nearly every word."""
    import torch

    from sayso.extract import learned

    path = learned.MODEL_DIR / "accurate-v1-encoder.pt"
    fp32, int8 = _encoder.load_tagger(path), _encoder.load_tagger(path, True)
    assert not any(isinstance(m, torch.nn.Linear) for m in int8.modules())
    assert any(isinstance(m, torch.nn.Linear) for m in fp32.modules())
    doc = nlp.load()("The Kremlin said on Friday that Putin had called for Trump to reduce "
                     "sanctions, according to CNN, which cited two officials.")
    a, b = (_encoder.scores_many([(doc, None)], t)[0] for t in (fp32, int8))
    assert (a.argmax(axis=1) == b.argmax(axis=1)).mean() >= 0.9
    assert not np.allclose(a, b)  # it is quantised: the scores moved


def test_a_model_file_that_says_int8_runs_its_encoder_in_int8(tmp_path, monkeypatch) -> None:
    """``train_polnear.py --int8`` writes ``enc_int8``; the extractor then loads the tagger
    quantised (and without it, in float32)."""
    from sayso.extract import learned

    with np.load(learned.ACCURATE_FILE) as z:
        arrays = {k: z[k] for k in z.files}
    weights = str(arrays["enc_tagger"])
    (tmp_path / weights).symlink_to(learned.MODEL_DIR / weights)
    seen: list[bool] = []
    real = _encoder.load_tagger

    def spy(path, int8=False):  # type: ignore[no-untyped-def]
        seen.append(int8)
        return real(path, int8)

    monkeypatch.setattr(_encoder, "load_tagger", spy)
    doc = nlp.load()("Putin said the talks had failed.")
    for flag in (True, False):
        path = tmp_path / f"m-{flag}.npz"
        np.savez(path, **{**arrays, "enc_int8": np.array(flag)})
        learned.load_model(path).encode(doc, [(0, len(doc))])
    assert seen == [True, False]
