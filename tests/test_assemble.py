"""The shared pass (sayso.assemble): labels, circumstances, chains, headlines and screening,
the same for every extractor."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sayso.models import Article, Found, Span
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


# --- chains: parent links come from the shared pass, for every extractor ----------------------

PIPELINES = ["fast", "rules"]


def _chain(pipeline: str, text: str, title: str | None = None) -> dict[str, str | None]:
    """cue text -> the cue text of its parent (None when top-level)."""
    ex = extract_article(Article(text=text, title=title), pipeline=pipeline)
    by_id = {a.id: a for a in ex.attributions}
    return {a.cue.text: (by_id[a.parent].cue.text if a.parent else None) for a in ex.attributions}


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_three_level_chain(pipeline: str) -> None:
    text = "CNN reports that the Kremlin said Putin called for Trump to reduce sanctions."
    chain = _chain(pipeline, text)
    assert chain == {"reports": None, "said": "reports", "called for": "said"}


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_coordinated_cues_are_siblings_with_the_same_source(pipeline: str) -> None:
    text = "Trump said the wall would be built but denied that Mexico would pay."
    ex = extract_article(Article(text=text), pipeline=pipeline)
    said = next(a for a in ex.attributions if a.cue.text == "said")
    denied = next(a for a in ex.attributions if a.cue.text == "denied")
    assert said.parent is None and denied.parent is None
    assert denied.source is not None and denied.source.text == "Trump"
    assert "denied" not in said.content_text
    assert ex.speaker(denied.speaker) == ex.speaker(said.speaker)


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_according_to_inside_a_report_makes_no_cycle(pipeline: str) -> None:
    text = "Smith told reporters that, according to Jones, the plan had failed."
    chain = _chain(pipeline, text)
    assert chain.get("according to") == "told"
    assert chain.get("told") is None


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_headline_cue_for_every_extractor(pipeline: str) -> None:
    title = "Kremlin Claims Minister Called First"
    text = f"{title}\n\nThe Kremlin said on Monday that the minister had called first."
    ex = extract_article(Article(text=text, title=title), pipeline=pipeline)
    head = [a for a in ex.attributions if a.cue.start < len(title)]
    assert [(a.source.text if a.source else None, a.cue.text) for a in head] == [
        ("Kremlin", "Claims")
    ]
    assert head[0].hedged and head[0].content_text == "Minister Called First"


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_no_statement_without_content(pipeline: str) -> None:
    text = (
        "President Trump told. It appears that the talks stalled, officials said. "
        "Ms. Lee said so. She left, preferring to wait."
    )
    ex = extract_article(Article(text=text), pipeline=pipeline)
    assert all(a.content and all(c.text for c in a.content) for a in ex.attributions)
    assert not any(a.cue.text.lower().startswith(("appear", "prefer")) for a in ex.attributions)


def test_the_same_cue_gets_the_same_labels_from_every_extractor() -> None:
    text = (
        "The governor insisted that the budget was balanced. "
        "Mr. Ortiz claimed that the vote was rigged. "
        "The senators agreed that the bill should pass."
    )
    labels = {}
    for pipeline in PIPELINES:
        ex = extract_article(Article(text=text), pipeline=pipeline)
        labels[pipeline] = {a.cue.text: (a.hedged, a.cue_class) for a in ex.attributions}
    common = set(labels["fast"]) & set(labels["rules"])
    assert {"insisted", "claimed"} <= common
    for cue in common:
        assert labels["fast"][cue] == labels["rules"][cue], cue
    assert labels["rules"]["insisted"] == (False, "speech")
    assert labels["rules"]["claimed"] == (True, "speech")


# --- invariants over generated text: parents exist, never a cycle ------------------------------

_WORDS = st.sampled_from(
    [
        "Smith",
        "said",
        "that",
        "Jones",
        "told",
        "reporters",
        "according",
        "to",
        "CNN",
        "reports",
        "the",
        "Kremlin",
        "claimed",
        "denied",
        "and",
        "but",
        ",",
        "\u201c",
        "\u201d",
        '"',
        "the",
        "plan",
        "failed",
        ".",
        "he",
        "believes",
        "she",
        "added",
        ":",
        "Putin",
        "called",
        "for",
        "sanctions",
        "who",
        "warned",
        "\n\n",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(_WORDS, min_size=1, max_size=40), pipeline=st.sampled_from(PIPELINES))
def test_generated_text_never_makes_a_cycle(words: list[str], pipeline: str) -> None:
    text = " ".join(words)
    ex = extract_article(Article(text=text), pipeline=pipeline)
    ids = {a.id for a in ex.attributions}
    parent = {a.id: a.parent for a in ex.attributions}
    for a in ex.attributions:
        assert a.content, "no statement without content"
        for s in (a.cue, *a.content, *([a.source] if a.source else [])):
            assert 0 <= s.start <= s.end <= len(text) and text[s.start : s.end] == s.text
        seen = {a.id}
        node = a.parent
        while node is not None:
            assert node in ids and node not in seen, "parent missing or a cycle"
            seen.add(node)
            node = parent[node]


def test_break_cycles_cuts_every_loop() -> None:
    from sayso.assemble.chains import break_cycles

    assert break_cycles([1, 0]) == [1, None]
    assert break_cycles([1, 2, 0, 0]) == [1, 2, None, 0]
    assert break_cycles([None, 0, 1]) == [None, 0, 1]


def _nested_found(n: int) -> list[Found]:
    """ "He said He said He said …": each statement's content is the rest of the text."""
    text = "He said " * n
    out = []
    for k in range(n):
        at = 8 * k
        rest = (at + 8, len(text)) if k + 1 < n else (at + 3, at + 7)
        out.append(
            Found(
                cue=Span.of(text, at + 3, at + 7),
                content=(Span.of(text, *rest),),
                source=Span.of(text, at, at + 2),
                confidence=0.5,
            )
        )
    return out


def test_parents_is_linear_in_deep_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    from sayso.assemble import chains

    calls = 0
    real = chains._outer_of

    def counting(
        found: list[Found], stretches: list[list[tuple[int, int]]], j: int, k: int
    ) -> bool:
        nonlocal calls
        calls += 1
        return real(found, stretches, j, k)

    monkeypatch.setattr(chains, "_outer_of", counting)
    n = 3000
    got = chains.parents(_nested_found(n))
    assert got == [None] + list(range(n - 1)), "each statement is reported by the one before"
    assert calls <= 2 * n, f"{calls} parent checks for {n} statements: not linear"


def test_parents_takes_the_innermost_content_and_the_earlier_cue_on_mutual_holds() -> None:
    from sayso.assemble.chains import parents

    text = "CNN reports that the Kremlin said Putin called for talks."

    def found(cue: str, source: str, content: str) -> Found:
        c, s, t = text.index(cue), text.index(source), text.index(content)
        return Found(
            cue=Span.of(text, c, c + len(cue)),
            content=(Span.of(text, t, t + len(content)),),
            source=Span.of(text, s, s + len(source)),
            confidence=0.5,
        )

    cnn = found("reports", "CNN", "that the Kremlin said Putin called for talks")
    kremlin = found("said", "the Kremlin", "Putin called for talks")
    putin = found("called for", "Putin", "talks")
    assert parents([cnn, kremlin, putin]) == [None, 0, 1]
    assert parents([putin, kremlin, cnn]) == [1, 2, None]
    # Each holds the other's cue: the one whose cue comes first is the outer one.
    a = found("reports", "CNN", "the Kremlin said Putin")
    b = found("said", "the Kremlin", "CNN reports that")
    assert parents([a, b]) == [None, 0]


def test_readme_library_example_runs_as_shown_with_the_default_pipeline(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The README's "## Library" snippet, run verbatim: it names no pipeline and must print
    the three-level CNN -> Kremlin -> Putin chain shown in its comments."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Library\n", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "README ## Library has no python block"
    snippet = code.group(1)
    assert "pipeline" not in snippet.split("#")[0], "the example must use the default pipeline"
    expected = [line[2:] for line in snippet.splitlines() if line.startswith("# ")]
    assert len(expected) == 3
    exec(compile(snippet, "README.md#library", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed == expected


def test_a_cue_later_in_the_quotation_a_content_starts_in_is_reported_by_its_speaker() -> None:
    """'Warholm said, "This was a tough race. I felt …"': the extractor took the first sentence
    as the content; "felt" is still Warholm's quoted words, not a statement of its own."""
    from sayso.assemble.chains import parents
    from sayso.quotes import find_quotes

    text = 'Warholm said, "This was a tough race. I felt my heart stop." Then he left.'

    def span(words: str) -> Span:
        at = text.index(words)
        return Span.of(text, at, at + len(words))

    said = Found(
        cue=span("said"), content=(span('"This was a tough race'),), source=span("Warholm")
    )
    felt = Found(cue=span("felt"), content=(span("my heart stop"),), source=span("I"))
    assert parents([said, felt]) == [None, None], "the content alone does not hold it"
    assert parents([said, felt], find_quotes(text)) == [None, 0]


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_thought_in_a_later_sentence_of_a_quotation_nests_under_its_speaker(
    pipeline: str,
) -> None:
    text = (
        'Speaking to the BBC, Warholm said, "This was a very tough race. I actually felt my '
        'heart was going to stop."'
    )
    chain = _chain(pipeline, text)
    assert chain.get("felt", chain.get("actually felt")) == "said", chain


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_hedge_adverb_is_a_cue_reporting_the_statement_it_hedges(pipeline: str) -> None:
    """Gold convention: "reportedly" is hearsay, a statement with no source whose content is
    its clause; the report inside it is its child, the quoted words stay the source's."""
    text = 'A source reportedly said "I have been told not to talk." Nobody else spoke.'
    ex = extract_article(Article(text=text), pipeline=pipeline)
    by_id = {a.id: a for a in ex.attributions}
    chain = {a.cue.text: (by_id[a.parent].cue.text if a.parent else None) for a in ex.attributions}
    assert chain.get("reportedly", "missing") is None, chain
    assert chain.get("said") == "reportedly", chain
    hedge = next(a for a in ex.attributions if a.cue.text == "reportedly")
    assert hedge.source is None and "I have been told" not in hedge.content_text
    said = next(a for a in ex.attributions if a.cue.text == "said")
    assert said.hedged, "the statement keeps its hedge label"


def test_a_hedge_leaves_a_coordinated_clause_alone() -> None:
    from sayso.assemble.hedges import hedge_statements
    from sayso.nlp import parse

    text = "A case was reportedly filed against him, and the police said they would look."
    doc = parse(text)
    (hedge,) = hedge_statements(doc, text, [])
    assert hedge.cue.text == "reportedly" and hedge.source is None
    words = " ".join(c.text for c in hedge.content)
    assert "filed against him" in words and "police" not in words


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_speech_or_thought_verb_inside_reported_words_is_a_nested_statement(
    pipeline: str,
) -> None:
    text = (
        'Lisa Parry, a retired nurse, said, "I went to bed at one and Trump was ahead. I do not '
        'believe it, it is fake." Fauci told the President that he continues to believe that '
        "existing vaccines are likely to provide protection."
    )
    chain = _chain(pipeline, text)
    assert chain.get("do not believe") == "said", chain
    assert chain.get("believe", chain.get("to believe")) == "told", chain


def test_nested_verbs_are_added_only_inside_some_statement_and_never_twice() -> None:
    from sayso.assemble.nested import nested_statements
    from sayso.nlp import parse

    text = "Officials said police believe the driver fled. Residents believe it was arson."
    doc = parse(text)
    said_at, content = text.index("said"), text.index("police believe the driver fled")
    said = Found(
        cue=Span.of(text, said_at, said_at + 4),
        content=(Span.of(text, content, content + len("police believe the driver fled")),),
        source=Span.of(text, 0, len("Officials")),
    )
    (believe,) = nested_statements(
        doc, text, [said], [[(said.content[0].start, said.content[0].end)]]
    )
    assert believe.cue.text == "believe" and believe.source is not None
    assert believe.source.text == "police" and believe.content[0].text == "the driver fled"
    # "Residents believe" lies in no statement's content; a verb already a cue is not added.
    assert nested_statements(doc, text, [said, believe], [[(content, content + 30)]]) == []


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_later_cue_does_not_report_an_earlier_statement_beside_it(pipeline: str) -> None:
    text = (
        'He said Zelensky is "a model of honesty for me"; however, "to remove any doubts about '
        'our trust in the president, I wrote a resignation offer", he added.'
    )
    ex = extract_article(Article(text=text), pipeline=pipeline)
    said = next(a for a in ex.attributions if a.cue.text == "said")
    added = next(a for a in ex.attributions if a.cue.text == "added")
    assert said.parent is None and added.parent is None
    assert "Zelensky" not in added.content_text


def test_according_to_reports_the_statement_before_it() -> None:
    from sayso.assemble.chains import beside_earlier, parents

    text = "Trump admitted he ordered the payments, according to prosecutors."

    def span(words: str) -> Span:
        at = text.index(words)
        return Span.of(text, at, at + len(words))

    admitted = Found(span("admitted"), (span("he ordered the payments"),), span("Trump"))
    according = Found(
        span("according to"), (span("Trump admitted he ordered the payments"),), span("prosecutors")
    )
    assert beside_earlier([admitted, according]) == [admitted, according]
    assert parents([admitted, according]) == [1, None]


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_claim_noun_inside_reported_words_is_a_nested_statement(pipeline: str) -> None:
    text = (
        "State and federal election officials have stated there is currently no evidence to "
        "support the President's claims of widespread voter fraud."
    )
    ex = extract_article(Article(text=text), pipeline=pipeline)
    by_id = {a.id: a for a in ex.attributions}
    claims = next(a for a in ex.attributions if a.cue.text == "claims")
    assert claims.parent is not None and "stated" in by_id[claims.parent].cue.text
    assert claims.source is not None and claims.source.text == "the President's"


def test_a_same_speaker_going_on_is_beside_but_another_speaker_after_reports_it() -> None:
    """ "He said A; "B", he added": siblings.  "Clinton had told police …, the source added":
    the source reports all before it (PolNeAR's reading of a postposed cue)."""
    from sayso.assemble.chains import parents

    def found(text: str, cue: str, source: str, content: str) -> Found:
        c, s, t = text.rindex(cue), text.rindex(source), text.index(content)
        return Found(
            cue=Span.of(text, c, c + len(cue)),
            content=(Span.of(text, t, t + len(content)),),
            source=Span.of(text, s, s + len(source)),
        )

    text = "He said the plan works; however, it may fail, he added."
    said = found(text, "said", "He", "the plan works")
    added = found(text, "added", "he", "He said the plan works; however, it may fail")
    assert parents([said, added]) == [None, None]
    text = "Clinton told police she did not want it, but the NYPD overruled her, the source added."
    told = found(text, "told", "Clinton", "she did not want it")
    added = found(text, "added", "the source", text[: text.index(", the source")])
    assert parents([told, added]) == [1, None]


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_add_with_an_object_inside_quoted_words_is_no_cue(pipeline: str) -> None:
    text = (
        '"Life can survive there. We should definitely add those kinds of planets to the menu '
        'of options," Professor Seager said.'
    )
    chain = _chain(pipeline, text)
    assert not any("add" in cue for cue in chain), chain
    assert "said" in chain


def test_beside_earlier_is_linear_in_postposed_cues(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "he said, he said, …, he said" with each content all that precedes it: each later cue
    looks at a bounded number of the earlier ones."""
    from sayso.assemble import chains

    n = 2000
    text = "he said, " * n
    found = [
        Found(
            cue=Span.of(text, 9 * k + 3, 9 * k + 7),
            content=(Span.of(text, 0, 9 * k + 1),) if k else (Span.of(text, 3, 7),),
            source=Span.of(text, 9 * k, 9 * k + 2),
        )
        for k in range(n)
    ]
    calls = 0
    real = chains._beside

    def counting(later: Found, earlier: Found) -> bool:
        nonlocal calls
        calls += 1
        return real(later, earlier)

    monkeypatch.setattr(chains, "_beside", counting)
    out = chains.beside_earlier(found)
    assert calls <= (chains.MAX_PARENT_CANDIDATES + 1) * n, f"{calls} checks: not linear"
    assert all(f.content == () or f.content[0].start > 0 for f in out[1:])


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_a_quotation_opening_inside_a_content_nests_under_it(pipeline: str) -> None:
    text = (
        "Asked about "
        'it, the company noted that they had switched to a new plastic, "which was more '
        "plant-based. This week, Hasbro announced that we are looking to switch away from "
        'plastic altogether."'
    )
    chain = _chain(pipeline, text)
    assert chain.get("announced") == "noted", chain


def test_a_cue_left_without_content_takes_its_verbs_clause_or_is_dropped() -> None:
    """No statement has empty content: the shared pass reads what the cue verb reports off
    the parse (its clause), and drops the cue when there is none ("told the crowd")."""
    from sayso import nlp
    from sayso.assemble import assemble

    text = "The bus driver told reporters he lost control. President Trump told the crowd on Friday."
    article = Article(text=text)
    doc = nlp.parse_article(text)

    def span(words: str) -> Span:
        at = text.index(words)
        return Span.of(text, at, at + len(words))

    bare = [
        Found(cue=span("told reporters"), content=(), source=span("The bus driver")),
        Found(cue=span("told the crowd"), content=(), source=span("President Trump")),
    ]
    out = assemble(doc, article, bare, "test")
    assert [(a.cue.text, [c.text for c in a.content]) for a in out] == [
        ("told reporters", ["he lost control"])
    ]


@pytest.mark.parametrize("pipeline", PIPELINES)
@pytest.mark.parametrize(
    ("text", "main", "beside"),
    [
        (
            "The bus driver told reporters he lost control, with some local press claiming he "
            "was attempting to pass another vehicle.",
            "told",
            "claiming",
        ),
        (
            "Some scientists believe the first fliers were tree-dwelling dinosaurs, while some "
            "say flight grew up from the ground.",
            "believe",
            "say",
        ),
    ],
)
def test_a_cue_in_a_clause_beside_the_main_one_is_not_its_child(
    pipeline: str, text: str, main: str, beside: str
) -> None:
    """Chain gold convention: "…, with X claiming …", "…, while some say …" are the narrator's
    statements beside the main one, not reported inside it."""
    chain = _chain(pipeline, text)
    assert chain.get(main, "missing") is None and chain.get(beside, "missing") is None, chain


def test_beside_clauses_moves_a_statement_up_to_its_grandparent() -> None:
    from sayso import nlp
    from sayso.assemble.chains import beside_clauses

    doc = nlp.parse("CNN reported that he said it, while others claim the opposite.")
    said, claim = doc[4], doc[9]
    assert (said.text, claim.text) == ("said", "claim")
    # claim's clause hangs in "said"'s: it moves up beside "said", under "reported"
    assert beside_clauses([None, 0, 1], [doc[1], said, claim]) == [None, 0, 0]


@pytest.mark.parametrize("pipeline", PIPELINES)
def test_an_as_clause_of_a_speech_verb_reports_the_rest_of_the_sentence(pipeline: str) -> None:
    """Chain gold convention: "As I said, X" and "Like I said, X": X is what was said."""
    chain = _chain(pipeline, "As I said, we originally thought it was something different.")
    assert chain.get("said", "missing") is None
    assert chain.get("thought", chain.get("originally thought")) == "said", chain
    ex = extract_article(Article(text="As the report noted, prices rose."), pipeline=pipeline)
    assert [(a.cue.text, [c.text for c in a.content]) for a in ex.attributions] == [
        ("noted", ["prices rose"])
    ]
    # a speech verb with a clause of its own reports that clause, not the sentence
    ex = extract_article(Article(text="He did it as he said he would."), pipeline=pipeline)
    assert [[c.text for c in a.content] for a in ex.attributions] == [["he would"]]


# --- "This was stated by X": the content came before the cue -------------------------------


@pytest.mark.parametrize("pipeline", ["fast", "rules", "accurate"])
def test_this_was_stated_by_takes_the_sentences_before(pipeline: str) -> None:
    text = (
        "Kyiv and Paris share a view of the threats to Europe. That is why their security "
        "partnership matters today. This was stated by President of Ukraine Volodymyr "
        "Zelenskyy during a meeting with media representatives in Kyiv.\n\n"
        "The talks lasted two hours. This was announced by the press service."
    )
    ex = extract_article(Article(text=text), pipeline=pipeline)
    by_cue = {a.cue.text: a for a in ex.attributions}
    stated = by_cue["was stated"]
    assert [c.text for c in stated.content] == [
        "Kyiv and Paris share a view of the threats to Europe. That is why their security "
        "partnership matters today"
    ]
    assert stated.source is not None
    assert stated.source.text == "President of Ukraine Volodymyr Zelenskyy"
    assert ex.speaker(stated.speaker).name == "Volodymyr Zelenskyy"  # type: ignore[union-attr]
    # The paragraph bounds the content: the second paragraph's claim is its own sentence.
    announced = by_cue["was announced"]
    assert [c.text for c in announced.content] == ["The talks lasted two hours"]


def test_this_was_stated_needs_a_by_phrase_and_a_sentence_of_its_own() -> None:
    from sayso import nlp
    from sayso.assemble.backward import backward_statements

    for text in (
        "The plan failed. This was stated in the report.",  # no speaker: not read here
        "The plan failed, and this was stated by the minister.",  # not a sentence of its own
        "The plan failed. This was built by the minister.",  # not speech
    ):
        assert backward_statements(nlp.parse_article(text), text, []) == [], text


def test_this_was_stated_replaces_a_content_read_from_the_pointer() -> None:
    from sayso import nlp
    from sayso.assemble.backward import backward_statements

    text = "Europe stands united. This was emphasized by the President during a press conference."

    def at(words: str) -> Span:
        i = text.index(words)
        return Span.of(text, i, i + len(words))

    pointer_read = Found(at("was emphasized"), (at("This"), at("a press conference")),
                         at("the President"))  # fmt: skip
    out = backward_statements(nlp.parse_article(text), text, [pointer_read])
    assert [c.text for f in out for c in f.content] == ["Europe stands united"]
    # A content of its own is the extractor's to keep.
    own = Found(at("was emphasized"), (at("a press conference"),), at("the President"))
    assert backward_statements(nlp.parse_article(text), text, [own]) == [own]


def test_summed_up_is_a_cue() -> None:
    # A speech verb of the lexicon for the rules (``fast`` takes it when its tagger does).
    text = '"We did a lot. This is the union we need," the President summed up.'
    ex = extract_article(Article(text=text), pipeline="rules")
    assert [a.cue.text for a in ex.attributions] == ["summed up"]
    assert ex.attributions[0].content[0].text.startswith('"We did a lot.')


@pytest.mark.parametrize("pipeline", ["fast", "rules"])
def test_according_to_a_plan_or_a_rule_is_no_source(pipeline: str) -> None:
    text = ("Nobody must act according to some generally accepted canons. The talks went "
            "according to plan. According to police, two people died.")  # fmt: skip
    ex = extract_article(Article(text=text), pipeline=pipeline)
    assert [a.source.text for a in ex.attributions if a.source] == ["police"]
