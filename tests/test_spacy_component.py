"""The spaCy component: ``nlp.add_pipe("sayso")`` on a plain English pipeline (issue 13.1)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy

import sayso
from sayso.errors import PipelineError
from sayso.nlp import MODEL_PACKAGE

TEXT = (
    "The minister said on Tuesday that the talks had failed. "
    '"We will not sign," she told reporters.'
)


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    # A fresh copy of the English pipeline, as a spaCy user has it (no sayso components).
    pipeline = spacy.load(MODEL_PACKAGE)
    pipeline.add_pipe("sayso", config={"extractor": "fast"})
    return pipeline


def test_add_pipe_sets_attribution_spans_with_their_records(nlp: spacy.language.Language) -> None:
    assert sayso.__version__  # the factory was registered by `import sayso` (spaCy loaded first)
    doc = nlp(TEXT)
    spans = doc._.attributions
    assert [s.text for s in spans] == [
        "The minister said on Tuesday that the talks had failed",
        '"We will not sign," she told',
    ]
    first, second = spans
    assert first.doc is doc and first.label_ == "indirect" and second.label_ == "direct"
    record = first._.attribution
    assert isinstance(record, sayso.Attribution) and record.id == first.id_ == "a1"
    assert record.extractor == "sayso.learned.v1"
    assert first._.cue.text == "said" and first._.source.text == "The minister"
    assert [c.text for c in first._.content] == ["that the talks had failed"]
    assert second._.cue.text == "told" and [c.text for c in second._.content] == [
        '"We will not sign,"'
    ]
    # the pronoun resolves to the minister, through the records reachable from the spans
    assert first._.speaker.name == second._.speaker.name == "minister"
    assert [sp.name for sp in doc._.speakers] == ["minister"]
    assert doc._.sayso.article.text == doc.text


def test_component_gives_what_the_library_gives(nlp: spacy.language.Language) -> None:
    doc = nlp(TEXT)
    library = sayso.extract_text(TEXT)
    mine = [(a.cue, a.content, a.source, a.kind) for a in doc._.sayso.attributions]
    theirs = [(a.cue, a.content, a.source, a.kind) for a in library.attributions]
    assert mine == theirs


def test_a_doc_without_statements_has_empty_lists(nlp: spacy.language.Language) -> None:
    doc = nlp("The weather was fine.")
    assert doc._.attributions == [] and doc._.speakers == []
    assert spacy.blank("en")("not run")._.attributions == []


def test_the_rules_extractor_by_config(nlp: spacy.language.Language) -> None:
    other = spacy.load(MODEL_PACKAGE, exclude=["ner"])
    other.add_pipe("sayso", config={"extractor": "rules"})
    doc = other(TEXT)
    assert doc._.attributions
    assert {s._.attribution.extractor for s in doc._.attributions} == {"sayso.rules.v1"}


def test_a_pipeline_without_a_parser_or_a_bad_extractor_is_refused() -> None:
    with pytest.raises(PipelineError, match="needs a dependency parser"):
        spacy.blank("en").add_pipe("sayso")
    with pytest.raises(PipelineError, match="unknown pipeline or extractor 'nope'"):
        spacy.load(MODEL_PACKAGE, exclude=["ner"]).add_pipe("sayso", config={"extractor": "nope"})


def test_registered_as_a_spacy_entry_point(tmp_path: Path) -> None:
    (ep,) = [e for e in entry_points(group="spacy_factories") if e.name == "sayso"]
    assert ep.value == "sayso.spacy_component:make_sayso"
    # A fresh interpreter whose code never imports sayso: spaCy finds it by the entry point.
    code = (
        "import spacy\n"
        f"nlp = spacy.load({MODEL_PACKAGE!r}, exclude=['ner'])\n"
        "nlp.add_pipe('sayso')\n"
        f"doc = nlp({TEXT!r})\n"
        "print(len(doc._.attributions))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True,
        cwd=tmp_path,  # the installed package's metadata, not the checkout's
    )
    assert out.stdout.strip() == "2"
