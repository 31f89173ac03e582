"""Transcript speaker turns ("NAME: …" opening a paragraph) for every extractor."""

from __future__ import annotations

import pytest

import sayso
from sayso.nlp import speaker_label

TRANSCRIPT = (
    "The interview was recorded on Monday.\n\n"
    "NG: We are not yet certain why females are more likely to die, but we think it must be "
    "related to their smaller body size. More work is needed. (LAUGHTER.)\n\n"
    "“PENCE: Well, the question really should be why the campaign invited him. "
    "It was a stunt.\n\n"
    "“WALLACE: Governor, I want to ask you about the debate.”"
)


@pytest.mark.parametrize("pipeline", ["fast", "rules"])
def test_a_turn_is_a_statement_over_its_paragraph_holding_the_statements_inside(
    pipeline: str,
) -> None:
    ex = sayso.extract_article(sayso.Article(text=TRANSCRIPT), pipeline=pipeline)
    turns = {a.source.text: a for a in ex.attributions if a.cue.text == ":" and a.source}
    # The label, without the quote mark that opens a quoted transcript's paragraph.
    assert set(turns) == {"NG", "PENCE", "WALLACE"}
    assert turns["WALLACE"].content_text == "Governor, I want to ask you about the debate"
    ng = turns["NG"]
    # The turn runs over the paragraph's sentences, without the stage direction.
    assert ng.content_text.startswith("We are not yet certain")
    assert "More work is needed" in ng.content_text
    assert "LAUGHTER" not in ng.content_text
    think = [a for a in ex.attributions if a.cue.text == "think"]
    assert think and think[0].parent == ng.id


@pytest.mark.parametrize("pipeline", ["fast", "rules"])
def test_a_section_heading_before_a_colon_is_no_speaker(pipeline: str) -> None:
    text = ("Frustration with police: Residents have long complained about the stops.\n\n"
            "Little Relief for Refugees: The crisis is the sort of issue the body was made for.")
    ex = sayso.extract_article(sayso.Article(text=text), pipeline=pipeline)
    assert not [a for a in ex.attributions if a.cue.text == ":"]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("PENCE", True),
        ("NG", True),
        ("\u201cWALLACE", True),
        ("Yury Ushakov", True),
        ("QUESTIONABLE MEDICAL CLAIMS", False),
        ("Frustration with police", False),
        ("Little Relief for Refugees", False),
        ("", False),
    ],
)
def test_speaker_label(label: str, expected: bool) -> None:
    assert speaker_label(label) is expected
