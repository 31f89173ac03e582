"""Golden rows for the rule extractor: one row per construction, one per fixed bug.

Each row is (text, expected) where expected lists attributions as
(speaker name or None, cue text, content text joined by " … ", kind); every expected
attribution must be found (extra attributions are allowed unless the row says otherwise).
"""

from __future__ import annotations

import pytest

from sayso.models import Article, Extraction
from sayso.pipeline import extract_article

RULES = "sayso.rules.v1"


def run(text: str, title: str | None = None, published: str | None = None) -> Extraction:
    return extract_article(Article(text=text, title=title, published=published), pipeline=RULES)


def rows(ex: Extraction) -> list[tuple[str | None, str, str, str]]:
    out = []
    for a in ex.attributions:
        sp = ex.speaker(a.speaker)
        out.append((sp.name if sp else None, a.cue.text, a.content_text, a.kind))
    return out


GOLDEN = [
    # a quotation of several sentences before its cue and after it: all of it is what was said
    # (the parse links the cue to one sentence of it)
    (
        '"We held useful talks. I am grateful to Mr. Macron. Security comes first," Smith '
        'summed up. Lopez said: "We won. It was hard."',
        [
            ("Smith", "summed up",
             '"We held useful talks. I am grateful to Mr. Macron. Security comes first,"',
             "direct"),
            ("Lopez", "said", '"We won. It was hard."', "direct"),
        ],
    ),
    # direct quote, straight marks, postposed cue
    (
        '"We will win this election," Smith said.',
        [("Smith", "said", '"We will win this election,"', "direct")],
    ),
    # direct quote, curly marks, inverted postposed cue
    (
        "\u201cThe budget is balanced,\u201d said Maria Lopez.",
        [("Maria Lopez", "said", "\u201cThe budget is balanced,\u201d", "direct")],
    ),
    # preposed that-clause
    (
        "John Kerry said that the talks would resume.",
        [("John Kerry", "said", "that the talks would resume", "indirect")],
    ),
    # preposed with addressee
    (
        "Anna Berg told reporters the plan was dead.",
        [("Anna Berg", "told", "the plan was dead", "indirect")],
    ),
    # preposed with channel
    (
        "Mayor Tom Hale stated on Facebook that the bridge would reopen.",
        [("Tom Hale", "stated", "that the bridge would reopen", "indirect")],
    ),
    # postposed indirect
    (
        "The economy is recovering, Janet Yellen said.",
        [("Janet Yellen", "said", "The economy is recovering", "indirect")],
    ),
    # according to, preposed and postposed
    (
        "According to the ministry, 40 people died.",
        [("ministry", "According to", "40 people died", "according_to")],
    ),
    (
        "Prices rose sharply in May, according to Eurostat.",
        [("Eurostat", "according to", "Prices rose sharply in May", "according_to")],
    ),
    # colon attribution
    (
        'Senator Ruth Ames: "This bill is a disaster."',
        [("Ruth Ames", ":", '"This bill is a disaster."', "direct")],
    ),
    # mixed quote
    (
        'Lopez said the deal was "a historic step" for the region.',
        [("Lopez", "said", 'the deal was "a historic step" for the region', "mixed")],
    ),
    # other cues: claim, insist, deny, warn, reiterate, call for
    (
        "Russia claims the convoy carried aid.",
        [("Russia", "claims", "the convoy carried aid", "indirect")],
    ),
    (
        "The minister insisted that no laws were broken.",
        [(None, "insisted", "that no laws were broken", "indirect")],
    ),
    (
        "Peter Novak denied that he had met the lobbyist.",
        [("Peter Novak", "denied", "that he had met the lobbyist", "indirect")],
    ),
    (
        "The World Health Organization warned that cases could double.",
        [("World Health Organization", "warned", "that cases could double", "indirect")],
    ),
    (
        "Chancellor Olaf Brandt reiterated that Germany would stay neutral.",
        [("Olaf Brandt", "reiterated", "that Germany would stay neutral", "indirect")],
    ),
    (
        "Activists called for an immediate ceasefire.",
        [("Activists", "called for", "an immediate ceasefire", "indirect")],
    ),
    # parenthetical cue splitting its content in two (fixed: content was missed)
    (
        "Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt in 1999.",
        [("Clarke", "said", "Lenox was a juggernaut … until it went bankrupt in 1999", "indirect")],
    ),
    # colon attribution without quote marks, in running text
    (
        "Sanders: Clinton needs to get away from personality politics.",
        [("Sanders", ":", "Clinton needs to get away from personality politics", "indirect")],
    ),
    # auxiliaries belong to the cue; an object can be the content of "say"
    (
        "A chorus of Republicans has said the same thing.",
        [(None, "has said", "the same thing", "indirect")],
    ),
]


@pytest.mark.parametrize("text,expected", GOLDEN, ids=[g[0][:40] for g in GOLDEN])
def test_golden(text: str, expected: list[tuple[str | None, str, str, str]]) -> None:
    got = rows(run(text))
    for exp in expected:
        name, cue, content, kind = exp
        match = [g for g in got if g[1] == cue and g[2] == content and g[3] == kind]
        assert match, f"missing {exp}; got {got}"
        if name is not None:
            assert match[0][0] == name, f"speaker {match[0][0]!r} != {name!r}; got {got}"


def test_cue_words_inside_a_quotation_nest_under_the_quote() -> None:
    # The chain gold's convention: "I think" inside Ruth Ames's words is reported by her.
    ex = run('"I think we will win, and they know it," Ruth Ames said.')
    by_cue = {a.cue.text: a for a in ex.attributions}
    assert sorted(by_cue) == ["said", "think"]
    assert by_cue["think"].parent == by_cue["said"].id and by_cue["said"].parent is None
    assert by_cue["said"].content[0].text == '"I think we will win, and they know it,"'


def test_a_quoted_cue_is_nested_or_dropped_never_top_level() -> None:
    # The parse gives "said" only the quotation's first sentence; the second sentence's cue
    # cannot be placed under it, and quoted words reported by nobody are no statement.
    ex = run('He said, "I think everybody is sad. I do not think that it can be right."')
    by_cue = {a.cue.text: a for a in ex.attributions}
    said = by_cue["said"]
    assert said.parent is None and by_cue["think"].parent == said.id
    assert "do not think" not in by_cue or by_cue["do not think"].parent == said.id


def test_cues_embedded_in_reported_clauses() -> None:
    cases = [
        ("He said he expects no political turmoil over the sale.", "said", "expects"),
        ("Residents there told the press the officers claimed to be seeking a bomb.", "told",
         "claimed"),
    ]  # fmt: skip
    for text, outer, inner in cases:
        by_cue = {a.cue.text: a for a in run(text).attributions}
        assert by_cue[inner].parent == by_cue[outer].id, text


def test_plain_verbs_inside_reported_words_are_no_cues() -> None:
    ex = run("Witnesses said a man approached and attacked a group of men, using a knife.")
    assert [a.cue.text for a in ex.attributions] == ["said"]


def test_a_cue_in_a_quotation_needs_its_own_subject() -> None:
    ex = run('The minister said: "Believe me, this will pass."')
    assert [a.cue.text for a in ex.attributions] == ["said"]


def test_internal_state_cue_is_kept_apart() -> None:
    ex = run(
        "Officials believe the virus came from a market. Officials said the market was closed."
    )
    classes = {a.cue.text: a.cue_class for a in ex.attributions}
    assert classes == {"believe": "thought", "said": "speech"}


def test_a_wish_to_say_something_is_the_saying() -> None:
    """"I want to note that X" is a statement noting X (the chain below it hangs from "to
    note"); a wish to do anything else stays a thought."""
    ex = run(
        "I want to note that the President responded by saying that Russia would study the plan. "
        "They want to build a wall."
    )
    by_cue = {a.cue.text: a for a in ex.attributions}
    assert by_cue["to note"].source is not None and by_cue["to note"].source.text == "I"
    assert by_cue["saying"].parent == by_cue["to note"].id
    # The one "want" left is theirs, a thought about building.
    assert by_cue["want"].source is not None and by_cue["want"].source.text == "They"
    assert by_cue["want"].cue_class == "thought"
    assert [a.cue.text for a in ex.attributions].count("want") == 1


def test_made_clear_and_been_clear_are_cues() -> None:
    """White House readouts' "X made clear that Y" and "X has been clear that Y"; a clear plan
    or clear progress is no statement."""
    ex = run(
        "The President has made clear that sanctions will follow. Officials have been clear "
        "that Russia will pay. We have made it clear that we will respond. The plan was clear. "
        "They made clear progress."
    )
    got = {(a.source.text if a.source else None, a.cue.text, a.content_text) for a in ex.attributions}
    nested = run(
        "He noted that the President has made clear that if diplomacy fails, the United "
        "States is prepared to act. We have also been very clear that our preference is talks."
    )
    by_cue = {a.cue.text: a for a in nested.attributions}
    assert by_cue["has made clear"].parent == by_cue["noted"].id
    assert by_cue["have also been very clear"].content_text == "that our preference is talks"
    assert got == {
        ("The President", "has made clear", "that sanctions will follow"),
        ("Officials", "have been clear", "that Russia will pay"),
        ("We", "have made it clear", "that we will respond"),
    }


def test_headline_cue() -> None:
    title = "Russia Claims Trump Reached Out to Putin"
    ex = run(title + "\n\nThe Kremlin made the claim on Monday.", title=title)
    assert ("Russia", "Claims", "Trump Reached Out to Putin", "indirect") in rows(ex)
    assert ex.attributions[0].hedged


def test_floating_quote_continues_previous_speaker() -> None:
    text = (
        'Carla Diaz said the vote was rigged. "We will appeal," she added. "We have the evidence."'
    )
    ex = run(text)
    floating = [a for a in ex.attributions if a.content_text == '"We have the evidence."']
    assert floating and ex.speaker(floating[0].speaker).name == "Carla Diaz"
    assert floating[0].kind == "direct"


def test_quote_spanning_paragraphs() -> None:
    text = (
        'Mark Ruiz said: "The first part of my answer runs here.\n\n'
        '"And the second part is here," he continued.'
    )
    ex = run(text)
    pieces = [a.content for a in ex.attributions if a.cue.text == "said"]
    assert pieces and len(pieces[0]) == 2
    assert pieces[0][0].text.startswith('"The first part') and pieces[0][1].text.endswith('here,"')


def test_unpaired_marks_do_not_crash() -> None:
    for text in [
        'He said "unclosed and never ends.',
        'Odd " marks " here " and',
        "\u201c\u201c\u201d",
        '"',
    ]:
        run(text)  # no exception


def test_nested_chain() -> None:
    ex = run("CNN reports that the Kremlin said Putin called for Trump to reduce sanctions.")
    by_cue = {a.cue.text: a for a in ex.attributions}
    cnn, kremlin, putin = by_cue["reports"], by_cue["said"], by_cue["called for"]
    assert kremlin.parent == cnn.id and putin.parent == kremlin.id and cnn.parent is None
    assert ex.speaker(cnn.speaker).name == "CNN"
    assert ex.speaker(kremlin.speaker).name == "Kremlin"
    assert putin.content_text == "Trump to reduce sanctions"


def test_addressee_channel_hedge_time() -> None:
    ex = run(
        "Pompeo reportedly told Putin on Friday that sanctions would stay. "
        "The ministry said in a statement on Twitter that it was alleged fraud.",
        published="2024-03-11",  # a Monday
    )
    told = next(a for a in ex.attributions if a.cue.text == "told")
    assert told.addressee == "Putin" and told.hedged and told.time == "2024-03-08"
    said = next(a for a in ex.attributions if a.cue.text == "said")
    assert said.channel == "Twitter" and not said.hedged


def test_surname_title_and_role_resolution() -> None:
    ex = run(
        "White House press secretary Sarah Huckabee Sanders said the talks went well. "
        '"It was fine," the press secretary told reporters. Sanders added that Trump agreed. '
        "She insisted the meeting was a success."
    )
    names = {a.cue.text: ex.speaker(a.speaker).name for a in ex.attributions if a.speaker}
    assert names == {
        "said": "Sarah Huckabee Sanders",
        "told": "Sarah Huckabee Sanders",
        "added": "Sarah Huckabee Sanders",
        "insisted": "Sarah Huckabee Sanders",
    }


WORKED = """world

Kremlin Says Brandt Asked for Call on Grain Deal

Photo: J. Doe/Reuters

President Tomas Brandt called Russian President Vladimir Putin on Tuesday, the Kremlin said in a statement on Telegram. "We discussed the grain corridor at length," Brandt told reporters in Bern. He said the call was "frank but useful."
According to government spokeswoman Lea Moser, the two leaders also spoke about Moldova. Le Temps reports that Russian officials said Putin demanded guarantees for shipping insurers. Foreign Minister Sergei Lavrov reportedly claimed on Wednesday that Bern had "no plan B."
"""


def worked_example_article() -> Article:
    """The issue's worked example, read the way a plain-text file is read."""
    from sayso.ingest.text import parse_text

    art = parse_text(WORKED, "worked.txt")
    return Article(
        text=art.text, title=art.title, topics=art.topics, source=art.source, published="2024-03-07"
    )


def test_worked_example() -> None:
    art = worked_example_article()
    assert "Photo" not in art.text and art.topics == ("world",)
    ex = extract_article(art, pipeline=RULES)
    by = {(a.cue.text, a.content_text): a for a in ex.attributions}

    def name(a):  # type: ignore[no-untyped-def]
        return ex.speaker(a.speaker).name if a.speaker else None

    kremlin = by[
        ("said", "President Tomas Brandt called Russian President Vladimir Putin on Tuesday")
    ]
    assert (
        name(kremlin) == "Kremlin"
        and kremlin.channel == "Telegram"
        and kremlin.time == "2024-03-05"
    )
    told = by[("told", '"We discussed the grain corridor at length,"')]
    assert name(told) == "Tomas Brandt" and told.addressee == "reporters" and told.kind == "direct"
    he = by[("said", 'the call was "frank but useful."')]
    assert name(he) == "Tomas Brandt" and he.kind == "mixed"
    moser = by[("According to", "the two leaders also spoke about Moldova")]
    assert name(moser) == "Lea Moser" and moser.kind == "according_to"
    le_temps = by[
        ("reports", "that Russian officials said Putin demanded guarantees for shipping insurers")
    ]
    officials = by[("said", "Putin demanded guarantees for shipping insurers")]
    putin = by[("demanded", "guarantees for shipping insurers")]
    assert name(le_temps) == "Le Temps" and name(officials) == "Russian officials"
    assert name(putin) == "Vladimir Putin"
    assert officials.parent == le_temps.id and putin.parent == officials.id
    lavrov = by[("claimed", 'that Bern had "no plan B."')]
    assert name(lavrov) == "Sergei Lavrov" and lavrov.hedged and lavrov.time == "2024-03-06"
    speaker_names = {s.name for s in ex.speakers}
    assert not any("Doe" in n or "Reuters" in n for n in speaker_names)
    # Offsets index the article text, which starts with the headline.
    assert art.text.startswith("Kremlin Says Brandt")
    for a in ex.attributions:
        for sp in (a.cue, *a.content, *([a.source] if a.source else [])):
            assert art.text[sp.start : sp.end] == sp.text


def test_pronoun_prefers_subject_and_never_its_own_addressee() -> None:
    # Fixed: "He" went to the latest speaker (Zelenskyy) although he is the one informed.
    ex = run(
        "President Biden spoke with President Zelenskyy of Ukraine. He informed President "
        "Zelenskyy that the United States is providing aid. Zelenskyy said Ukraine would fight. "
        "He thanked Biden and said the aid was vital."
    )
    got = [(ex.speaker(a.speaker).name, a.cue.text) for a in ex.attributions]
    assert got == [("Biden", "informed"), ("Zelenskyy", "said"), ("Zelenskyy", "said")]
    assert ex.speaker(ex.attributions[1].speaker).kind == "person"


def test_prefixes_before_a_known_name_are_not_part_of_it() -> None:
    # Fixed: "US President Donald Trump" became a speaker of its own.
    ex = run(
        "US President Donald Trump said the deal was good. Trump added that it was great. "
        "US President Trump insisted that it was fair."
    )
    assert [ex.speaker(a.speaker).name for a in ex.attributions] == ["Donald Trump"] * 3


def test_according_to_before_the_subject_is_not_part_of_the_source() -> None:
    """Regression: "According to ISNA, the prosecutor … said" parsed ISNA as the subject and
    the prosecutor beside it, so "said" overlapped the according-to source and sat beside it."""
    ex = run(
        "According to semi-official news agency ISNA, the prosecutor general of Tehran, Ali "
        "Alghasi Mehr, said the 36 must face charges, adding Iran will pursue the prosecution."
    )
    said = next(a for a in ex.attributions if a.cue.text == "said")
    assert said.source is not None
    assert said.source.text == "the prosecutor general of Tehran, Ali Alghasi Mehr"
    according = next(a for a in ex.attributions if a.cue.text == "According to")
    assert said.parent == according.id


def test_a_speaker_turn_holds_the_statements_of_its_paragraph() -> None:
    """A transcript's initials are a speaker ("NG:"), not a dateline, and the turn reports
    what is said in it."""
    ex = run(
        "The interview.\n\nNG: We are not yet certain why females die more often, but we think "
        "it must be related to their smaller body size.\n\nThe end."
    )
    by_id = {a.id: a for a in ex.attributions}
    turn = next(a for a in ex.attributions if a.cue.text == ":")
    assert turn.source is not None and turn.source.text == "NG"
    think = next(a for a in ex.attributions if a.cue.text == "think")
    assert think.parent is not None and by_id[think.parent].cue.text == ":"
