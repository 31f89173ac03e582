"""Circumstances (addressee, channel, time, hedge) are filled in for every extractor's output."""

from __future__ import annotations

import pytest

from sayso.models import Article
from sayso.pipeline import extract_article

TEXT = (
    "Foreign Minister Sergei Lavrov reportedly told reporters on Wednesday that Bern had no plan. "
    "The ministry said in a statement on Telegram that the talks were over."
)


@pytest.mark.parametrize("pipeline", ["fast", "rules", "learned"])
def test_every_pipeline_gets_the_circumstances(pipeline: str) -> None:
    ex = extract_article(Article(text=TEXT, published="2024-03-07"), pipeline=pipeline)
    by_cue = {a.cue.text.split()[-1]: a for a in ex.attributions}
    told = by_cue.get("told")
    assert told is not None, [a.cue.text for a in ex.attributions]
    assert told.addressee == "reporters" and told.hedged and told.time == "2024-03-06"
    said = next(a for a in ex.attributions if "said" in a.cue.text)
    assert said.channel == "Telegram"
