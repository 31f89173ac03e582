"""Behaviour of the learned extractor ``sayso.learned.v1`` (offline; no PolNeAR text here)."""

from __future__ import annotations

import numpy as np
import pytest

from sayso import extract, nlp
from sayso.extract import _learned_core as core
from sayso.extract import learned
from sayso.models import Article, Attribution
from sayso.pipeline import extract_article


def run(text: str) -> list[Attribution]:
    """The learned extractor's attributions for ``text``, through the shared pass."""
    return list(extract_article(Article(text=text), pipeline=learned.NAME).attributions)


def well_formed(text: str, atts: list[Attribution]) -> None:
    """Offsets inside the text, span texts equal their slices, parents exist, and roles
    univocal among the statements not nested in another."""
    ids = {a.id for a in atts}
    assert len(ids) == len(atts)
    claimed: list[tuple[int, int]] = []
    for a in atts:
        assert a.extractor == learned.NAME
        assert 0.0 <= a.confidence <= 1.0
        assert a.parent is None or a.parent in ids and a.parent != a.id
        spans = [a.cue, *a.content] + ([a.source] if a.source else [])
        for s in spans:
            assert 0 <= s.start < s.end <= len(text)
            assert s.text == text[s.start : s.end]
            assert s.text == s.text.strip()
        if a.parent is None:
            claimed.extend((s.start, s.end) for s in spans)
    claimed.sort()
    for (_, e0), (s1, _) in zip(claimed, claimed[1:], strict=False):
        assert e0 <= s1, "one role per character"


def test_registered_and_loads_from_package() -> None:
    assert learned.NAME in extract.available()
    assert learned.MODEL_FILE.is_file()
    assert learned.MODEL_FILE.parent.name == "models"
    prov = learned.provenance()
    assert prov["name"] == learned.NAME
    assert len(prov["train_manifest_sha256"]) == 64
    size = sum(p.stat().st_size for p in learned.MODEL_DIR.iterdir())
    assert size < 30 * 2**20


def test_reported_speech_with_that_clause() -> None:
    text = "The senator said that the bill would pass next week."
    atts = run(text)
    well_formed(text, atts)
    assert len(atts) == 1
    a = atts[0]
    assert a.cue.text == "said"
    assert a.source is not None and a.source.text == "The senator"
    assert a.content_text == "that the bill would pass next week"
    assert a.kind == "indirect"
    assert a.cue_class == "speech"


def test_direct_quote_before_cue() -> None:
    text = "\u201cWe will win this race,\u201d Smith told reporters on Monday."
    atts = run(text)
    well_formed(text, atts)
    assert len(atts) == 1
    a = atts[0]
    assert a.cue.text == "told"
    assert a.source is not None and a.source.text == "Smith"
    assert a.content[0].text.startswith("\u201c")
    assert a.kind == "direct"


def test_according_to() -> None:
    text = "According to the company, the factory will close in March."
    atts = run(text)
    well_formed(text, atts)
    assert [a.kind for a in atts] == ["according_to"]
    assert atts[0].source is not None and atts[0].source.text == "the company"
    assert "factory will close in March" in atts[0].content_text


def test_thought_and_hedge_labels() -> None:
    text = (
        "Many voters believe that the economy is improving. The mayor claimed the audit was clean."
    )
    atts = run(text)
    well_formed(text, atts)
    by_cue = {a.cue.text: a for a in atts}
    assert by_cue["believe"].cue_class == "thought"
    assert by_cue["claimed"].hedged is True
    assert by_cue["believe"].hedged is False


def test_no_attribution_in_plain_narration() -> None:
    text = "The river flooded the valley in April. Roads were closed for a week."
    assert run(text) == []


def test_empty_and_whitespace_texts() -> None:
    for text in ("", "   ", "\n\n"):
        assert run(text) == []


def test_long_text_without_paragraph_breaks_is_windowed() -> None:
    sentence = "The governor said that taxes would fall. "
    text = sentence * 40  # ~360 tokens, no newline: cut into windows at sentence ends
    atts = run(text.strip())
    well_formed(text.strip(), atts)
    assert len(atts) == 40


def test_window_cut_never_splits_a_quotation_from_its_cue() -> None:
    # No paragraph breaks (as in many scraped texts): the paragraph is cut into windows at
    # sentence starts.  A cut inside the quotation used to read its closing mark as an
    # opening one, so "the minister added" looked quoted and no statement was found.
    fill = "The delegation visited the port and inspected the new cranes before lunch. " * 14
    quote = (
        '"We will keep working with our partners on the reconstruction of the port. '
        "The next stage begins in the spring. Funding has been agreed for the first two "
        'years of the work," the minister added.'
    )
    text = fill + quote + " The talks ended in the evening."
    atts = run(text)
    well_formed(text, atts)
    added = [a for a in atts if a.cue.text == "added"]
    assert len(added) == 1
    assert added[0].source is not None and added[0].source.text == "the minister"
    assert added[0].content[0].text.startswith('"We will keep working')


def test_paragraphs_are_independent() -> None:
    text = "Officials said the bridge is safe.\n\nThe bridge opened in 1990."
    atts = run(text)
    well_formed(text, atts)
    assert len(atts) == 1
    assert all(s.end <= text.index("\n") for s in atts[0].content)


def test_viterbi_respects_bio_constraints() -> None:
    trans_ok, start_ok = core.allowed(core.ROLE_TAGS)
    em = np.zeros((1, 4, 5), np.float32)
    em[0, :, 2] = 5.0  # I-S scores best everywhere, but may not start a sequence
    trans = np.where(trans_ok, 0.0, -1e6)
    start = np.where(start_ok, 0.0, -1e6)
    path = core.viterbi(em, trans, start)[0]
    assert path[0] == core.ROLE_TAGS.index("B-S")
    assert list(path[1:]) == [2, 2, 2]


def test_bad_model_file_is_a_pipeline_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sayso.errors import PipelineError

    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a model")
    with pytest.raises(PipelineError, match="retrain"):
        learned.load_model(bad)


def test_incomplete_model_file_is_a_pipeline_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sayso.errors import PipelineError

    arrays = dict(np.load(learned.MODEL_FILE))
    for key in ("cue_rows", "rerank_loss_w"):
        part = {k: v for k, v in arrays.items() if k != key}
        path = tmp_path / f"without-{key}.npz"
        np.savez(path, **part)
        with pytest.raises(PipelineError, match=f"without-{key}.npz.*{key}"):
            learned.load_model(path)


def test_headline_then_body_spans_never_end_in_whitespace() -> None:
    # Regression: a content run ending on spaCy's "\n\n" token kept the newlines.
    text = (
        "Russia says Trump reached out\n\nThe Kremlin said on Tuesday that the two presidents "
        "had spoken. \u201cThe conversation was constructive,\u201d a spokesman told reporters."
    )
    atts = run(text)
    well_formed(text, atts)
    assert [a.cue.text for a in atts] == ["says", "said", "told"]
    assert atts[0].content_text == "Trump reached out"
    assert all(0.0 < a.confidence < 1.0 for a in atts)


def test_rule_extractor_readings_become_token_codes() -> None:
    text = "The senator said that the bill would pass."
    doc = nlp.parse(text)
    model = learned.load_model()
    d = model.arrays(doc, text)
    # Hand-built rule attribution: cue "said", source "The senator", content after "that".
    rule = core.RuleSpans(cue=((12, 16),), source=((0, 11),), content=((17, 41),), direct=False)
    core.add_rules(d, [rule])
    words = [t.text for t in doc]
    code = {w: int(c) for w, c in zip(words, d.rcode.tolist(), strict=True)}
    assert code["said"] == core.RULE_CUE | core.RULE_CUE_START
    assert code["senator"] == core.RULE_SOURCE
    assert code["bill"] == core.RULE_CONTENT
    assert code["."] == 0
    assert core.rule_roles(d, 0, 0, len(doc)).tolist() == [2, 2, 1, 3, 3, 3, 3, 3, 0]
    assert core.rule_roles(d, 0, 2, 5).tolist() == [1, 3, 3]
    assert d.rcue.tolist() == [-1, -1, 0, -1, -1, -1, -1, -1, -1]
    # The cue features read the codes: one more set of templates than without them.
    assert core.cue_features(d).shape[1] > core.cue_features(model.arrays(doc, text)).shape[1]


def test_shipped_model_reads_the_rule_extractor() -> None:
    assert learned.load_model().use_rules
    assert learned.provenance()["rule_features"] is True


def test_viterbi_in_batches_gives_the_single_batch_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    """Decoding in bounded batches (memory) gives exactly the paths of one batch of all."""
    import numpy as np

    from sayso.extract import _learned_core as core

    rng = np.random.default_rng(7)
    T = 5
    ems = [rng.normal(size=(int(rng.integers(1, 40)), T)).astype(np.float32) for _ in range(50)]
    trans = rng.normal(size=(T, T)).astype(np.float32)
    start = rng.normal(size=T).astype(np.float32)
    whole = core.viterbi(core.pad_stack(ems), trans, start)
    monkeypatch.setattr(core, "VITERBI_BATCH", 7)
    assert np.array_equal(core.decode(ems, trans, start), whole)


def test_role_features_of_many_cues_are_each_cues_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cues featurized together (and in small batches) get exactly the keys, classes and
    emissions each gets alone: no value leaks across window edges or between cues."""
    text = (
        '"We will not back down," the minister said on Monday, adding that talks would go on.\n\n'
        "Aides told reporters that, according to the senator, the bill would pass. "
        'The agency said it "regrets" the error.\n\n'
        "Critics claimed the plan failed."
    )
    doc = nlp.parse(text)
    model = learned.load_model()
    d = model.arrays(doc, text)
    core.add_rules(d, learned.rule_spans(extract.get(learned.READS)(doc, Article(text=text)), text))
    cues = model.decode_cues(d)
    assert len(cues) >= 4
    win_of = np.zeros(len(doc), np.int64)
    for w, (lo, hi) in enumerate(d.windows):
        win_of[lo:hi] = w
    mask = np.zeros(len(doc), np.int64)
    for toks, _ in cues:
        mask[toks] = 1
    base = core.role_base(d)
    wins = [(*core.cue_window(d.windows, win_of, toks), toks) for toks, _ in cues]
    keys, classes = core.role_features_many(d, base, wins, mask)
    at = 0
    for lo, hi, toks in wins:
        one_keys, one_classes = core.role_features(d, base, lo, hi, toks, mask)
        assert np.array_equal(keys[at : at + hi - lo], one_keys)
        assert np.array_equal(classes[at : at + hi - lo], one_classes)
        at += hi - lo
    assert at == len(keys)
    spans, ems = model.role_emissions(d, cues)
    monkeypatch.setattr(core, "ROLE_BATCH_ROWS", 5)  # every cue a batch of its own
    spans_1, ems_1 = model.role_emissions(d, cues)
    assert spans == spans_1
    assert all(np.array_equal(a, b) for a, b in zip(ems, ems_1, strict=True))


def test_rule_chain_heads_the_model_missed_are_taken_when_they_are_speech() -> None:
    """A rule statement the model missed is added when it holds another rule statement and its
    cue is a speech or thought verb with a source; the statement it holds follows it."""
    from sayso.models import Found, Span

    text = "Znak.com reported its source said the tenant moved in. Aides forced him to sign it."

    def at(words: str, start: int = 0) -> Span:
        i = text.index(words, start)
        return Span.of(text, i, i + len(words))

    reported = Found(at("reported"), (at("its source said the tenant moved in"),), at("Znak.com"))
    said = Found(at("said"), (at("the tenant moved in"),), at("its source"))
    forced = Found(at("forced"), (at("him to sign it"),), at("Aides"))
    sign = Found(at("sign"), (at("it", text.index("sign")),), at("him"))
    lemmas = {"reported": "report", "said": "say", "forced": "force", "sign": "sign"}

    def lemma_of(span: Span) -> str:
        return lemmas[span.text]

    out = learned.with_rules([], [reported, said, forced, sign], text, lemma_of)
    assert [f.cue.text for f in out] == ["reported", "said"]
    # Without the lemma check every head with a source is taken.
    assert {f.cue.text for f in learned.with_rules([], [reported, said, forced, sign], text)} == {
        "reported",
        "said",
        "forced",
        "sign",
    }
    # A head without a source is not.
    sourceless = Found(at("reported"), reported.content, None)
    assert learned.with_rules([], [sourceless, said], text, lemma_of) == []


def test_a_content_cut_short_inside_its_quotation_takes_the_whole_quotation() -> None:
    """The tagger sometimes starts a direct quote's content after an inner clause ("I am
    sure"); the rules give the same cue the whole quotation, which the statement then takes.
    A content that is not inside the rules' quotation, or a paraphrase, is left alone."""
    from sayso.models import Found, Span

    text = '"It helps the region and, I am sure, all of Europe," the President added. He left.'

    def at(words: str) -> Span:
        i = text.index(words)
        return Span.of(text, i, i + len(words))

    whole = at('"It helps the region and, I am sure, all of Europe,"')
    short = Found(at("added"), (at('all of Europe,"'),), at("the President"))
    ruled = [Found(at("added"), (whole,), at("the President"))]
    assert learned.with_rules([short], ruled, text)[0].content == (whole,)
    # Not the same cue: nothing taken.
    other = [Found(at("left"), (whole,), at("He"))]
    assert learned.with_rules([short], other, text)[0].content == short.content
    # The rules' content is not a quotation: nothing taken.
    unquoted = at("It helps the region and, I am sure, all of Europe")
    paraphrase = [Found(at("added"), (unquoted,), at("the President"))]
    inner = Found(at("added"), (at("all of Europe"),), at("the President"))
    assert learned.with_rules([inner], paraphrase, text)[0].content == inner.content
