"""sayso's stand-ins for the model's attribute_ruler (table lookups) and lemmatizer (one call per
distinct word, POS and morphology) set exactly what the model's own components set."""

from __future__ import annotations

import functools

import pytest

from sayso import nlp
from sayso.ingest import read_inputs, sample_paths
from sayso.models import Article

TRICKY = [
    "I'm sure they're not, y'know. He didn't say nothin' and we ain't done.",
    "She'd've said it: \"We'll see,\" Sanders told reporters.  \n\n  Double  spaces\tand tabs.",
    "'Tis the N'T case ; you're, they've, I'd, it's, we'll — gonna wanna gotta.",
    "",
    "   \n\n ",
]


@functools.lru_cache(maxsize=1)
def _stock():  # type: ignore[no-untyped-def]
    import spacy

    pipe = spacy.load(nlp.MODEL_PACKAGE)
    pipe.add_pipe(nlp.PARAGRAPH_COMPONENT, before="parser")
    return pipe


def _key(t):  # type: ignore[no-untyped-def]
    return (t.i, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_)


def _texts() -> list[str]:
    paths = [str(p) for p in sample_paths()]
    return [a.text for a in read_inputs(paths) if isinstance(a, Article)] + TRICKY


def test_sayso_pipeline_uses_the_fast_rules() -> None:
    component = nlp.load().get_pipe("attribute_ruler")
    assert isinstance(component, nlp.AttributeRules)
    assert component.fallback is None  # every pattern of the model compiled
    lemmas = nlp.load().get_pipe("lemmatizer")
    assert isinstance(lemmas, nlp.Lemmas) and lemmas.inner is not None


def test_every_token_equals_the_stock_pipeline_on_the_samples() -> None:
    texts = _texts()
    ours = list(nlp.load().pipe(texts, batch_size=16))
    theirs = list(_stock().pipe(texts, batch_size=16))
    tokens = 0
    for a, b in zip(ours, theirs, strict=True):
        assert [_key(t) for t in a] == [_key(t) for t in b]
        tokens += len(a)
    assert tokens > 20_000


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_contractions_and_spaces(text: str) -> None:
    assert [_key(t) for t in nlp.load()(text)] == [_key(t) for t in _stock()(text)]


def test_a_pattern_outside_the_handled_forms_falls_back_to_the_ruler() -> None:
    from spacy.pipeline import AttributeRuler

    vocab = nlp.load().vocab
    ruler = AttributeRuler(vocab)
    ruler.add([[{"LOWER": "said", "OP": "+"}]], {"LEMMA": "SAY"})
    rules = nlp.AttributeRules(vocab)
    assert rules.compile(ruler) is False
    doc = nlp.load().make_doc("He said said it.")
    rules(doc)  # runs the ruler itself
    assert [t.lemma_ for t in doc][1:3] == ["SAY", "SAY"]


def test_later_patterns_win_like_the_ruler() -> None:
    from spacy.pipeline import AttributeRuler

    vocab = nlp.load().vocab
    ruler = AttributeRuler(vocab)
    ruler.add([[{"LOWER": "said"}]], {"LEMMA": "first"})
    ruler.add([[{"LOWER": {"IN": ["said", "told"]}}]], {"LEMMA": "second"})
    ruler.add([[{"LOWER": "he"}, {"LOWER": "told"}]], {"LEMMA": "third"}, index=-1)
    ruler.add([[{"LOWER": {"REGEX": "^it$"}}]], {"LEMMA": "fourth"})
    rules = nlp.AttributeRules(vocab)
    assert rules.compile(ruler) is True
    ours, theirs = nlp.load().make_doc("He said, he told it."), nlp.load().make_doc("He said, he told it.")
    rules(ours)
    ruler(theirs)
    assert [t.lemma_ for t in ours] == [t.lemma_ for t in theirs]
    assert [t.lemma_ for t in ours][1] == "second" and [t.lemma_ for t in ours][4:6] == ["third", "fourth"]
