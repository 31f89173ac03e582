"""Chain rules of the shared pass and the rule extractor, for every extractor."""

from __future__ import annotations

import pytest

import sayso

PIPELINES = ["fast", "rules"]


def _by_cue(text: str, pipeline: str) -> dict[str, sayso.Attribution]:
    ex = sayso.extract_article(sayso.Article(text=text), pipeline=pipeline)
    return {a.cue.text: a for a in ex.attributions}


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_report_coordinated_with_a_reported_clause_is_a_sibling(pipeline: str) -> None:
    text = ("One interviewee said people changed their minds and several said they wanted the "
            "politicians to stop ignoring them.")
    ex = sayso.extract_article(sayso.Article(text=text), pipeline=pipeline)
    said = [a for a in ex.attributions if a.cue.text == "said"]
    assert len(said) == 2
    assert [a.parent for a in said] == [None, None]
    assert said[0].content_text == "people changed their minds"


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_one_more_that_clause_of_the_parent_stays_its_child(pipeline: str) -> None:
    text = ("The President reiterated that he ran to be a leader for all Americans, and that "
            "the American people expect us to put families first.")
    cues = _by_cue(text, pipeline)
    assert cues["expect"].parent == cues["reiterated"].id


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_according_to_stays_in_its_part_of_the_sentence(pipeline: str) -> None:
    text = ("At the time, there were reportedly four people on board; according to "
            "investigators, one was pronounced dead at the crash site.")
    cues = _by_cue(text, pipeline)
    assert cues["according to"].content_text.startswith("one was pronounced dead")
    assert cues["reportedly"].parent is None


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_clause_before_a_cue_reporting_the_next_clause_is_not_its_content(
    pipeline: str,
) -> None:
    text = ("Some analysts considered this a foregone conclusion, however Bonham noted the "
            "size of the swing may have been indicative of the party's performance.")
    noted = _by_cue(text, pipeline)["noted"]
    assert noted.content_text.startswith("the size of the swing")
    assert noted.parent is None


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_transcript_turns_in_one_paragraph(pipeline: str) -> None:
    text = ("Question: Are there any discussions scheduled in the coming weeks? Yury Ushakov: "
            "Like I said, the presidents agreed that discussions should continue.")
    ex = sayso.extract_article(sayso.Article(text=text), pipeline=pipeline)
    turns = {a.source.text: a for a in ex.attributions if a.cue.text == ":" and a.source}
    assert "Yury Ushakov" in turns
    if "Question" in turns:  # a turn ends where the next begins
        assert "Ushakov" not in turns["Question"].content_text
    said = next(a for a in ex.attributions if a.cue.text == "said")
    assert said.parent == turns["Yury Ushakov"].id
    agreed = next(a for a in ex.attributions if a.cue.text == "agreed")
    assert agreed.source is not None and agreed.source.text == "the presidents"
    assert agreed.parent == said.id


def test_an_inverted_speaker_after_a_quotation_is_the_source() -> None:
    text = ('"She is just doing this. A lot of people think that," said a protester using the '
            "pseudonym Katya.")
    cues = _by_cue(text, "rules")
    said = cues["said"]
    assert said.source is not None and said.source.text == "a protester"
    assert said.content_text.startswith('"She is just doing this')
    assert cues["think"].parent == said.id


def test_fast_takes_the_inverted_speaker_the_rules_read() -> None:
    text = ('"She is just doing this. A lot of people think that," said a protester using the '
            "pseudonym Katya.")
    said = _by_cue(text, "fast")["said"]
    assert said.source is not None and said.source.text == "a protester"
    assert "protester" not in said.content_text
