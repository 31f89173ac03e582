"""The speaker gold scorer (``sayso evaluate speakers``) on tiny hand-made golds, counted by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sayso.cli import cli
from sayso.evaluate.speakers import (
    GoldSpeakerRow,
    PredictedSpeaker,
    RowResult,
    SpeakerReport,
    fold_name,
    identity,
    judge,
    read_speaker_gold,
    score_rows,
)
from sayso.models import Span

GOLD = Path(__file__).resolve().parents[1] / "benchmarks" / "gold"

# Written for these tests.
TITLE = "Mayor opens bridge"
S1 = "Mayor Jane Smith said the bridge would open on Monday."
S2 = "She added that the council had approved the money."
S3 = "Jane Smith: We are proud of it."
BODY = f"{S1} {S2}\n\n{S3}"


def _row(where: str, sentence: str, cue: str, speaker: str, type_: str = "name",
         kind: str = "person", article: str = "A1", note: str = "",
         accept: tuple[str, ...] = ()) -> GoldSpeakerRow:  # fmt: skip
    text = f"{TITLE}\n\n{BODY}"
    s = text.index(sentence)
    c = text.index(cue, s)
    return GoldSpeakerRow(
        where=where, article_id=article, sentence=Span.of(text, s, s + len(sentence)),
        cue=Span.of(text, c, c + len(cue)), source=None, type=type_, speaker=speaker,
        speaker_kind=kind, accept=accept, note=note, split="dev",
    )  # fmt: skip


def _sp(name: str | None, kind: str | None = "person") -> PredictedSpeaker:
    return PredictedSpeaker(f"sp-{name}" if name else None, name, kind if name else None)


def test_fold_name() -> None:
    assert fold_name("President Luiz Inácio Lula da Silva") == "luiz inacio lula da silva"
    assert fold_name("Mr.  Martin Luther King, Jr.") == "martin luther king"
    assert fold_name("Recep Tayyip Erdoğan") == fold_name("recep tayyip erdogan")
    assert fold_name("Dr. Tedros Adhanom Ghebreyesus") == "tedros adhanom ghebreyesus"
    assert fold_name("The Kremlin") == "kremlin"
    assert fold_name("President") == "president"  # a title alone is kept, not emptied


def test_judge_rules() -> None:
    name = _row("g:1", S1, "said", "Jane Smith", accept=("Jane A. Smith",))
    assert judge(name, _sp("Jane Smith")) == "correct"
    assert judge(name, _sp("Mayor Jane Smith")) == "correct"
    assert judge(name, _sp("Jane A. Smith")) == "correct"
    assert judge(name, _sp("Smith")) == "wrong"  # a surname is not the canonical name
    assert judge(name, _sp(None)) == "wrong"
    group = _row("g:2", S1, "said", "Jane Smith; Bob Jones", "group", "group")
    assert judge(group, _sp("Bob Jones and Jane Smith", "group")) == "correct"
    assert judge(group, _sp("the two mayors", "group")) == "partial"
    assert judge(group, _sp("Jane Smith")) == "wrong"
    members = PredictedSpeaker("sp-g", "the two mayors", "group", ("Bob Jones", "Mayor Jane Smith"))
    assert judge(group, members) == "correct"
    unnamed = _row("g:3", S2, "added", "city council officials", "group", "group")
    assert judge(unnamed, _sp("the officials", "group")) == "correct"
    assert judge(unnamed, _sp("the officials", "organization")) == "wrong"  # kind differs
    assert judge(unnamed, _sp("the residents", "group")) == "wrong"  # no content word shared
    source = _row("g:4", S1, "said", "German government source", "role", note="unnamed")
    assert judge(source, _sp("a government source", "person")) == "correct"
    official = _row("g:6", S1, "said", "senior administration official", "role")  # no note
    assert official.unnamed and judge(official, _sp("the official", "person")) == "correct"
    document = _row("g:5", S1, "said", "council report", "document", "document")
    assert judge(document, _sp("council report", "unknown")) == "wrong"  # no document kind


def test_group_members_in_their_accepted_spellings() -> None:
    # A member is judged like that person's own rows: any spelling the gold accepts for them.
    from dataclasses import replace

    group = _row("g:7", S1, "said", "Jane Smith; Bob Jones", "group", "group")
    group = replace(group, member_spellings=(
        frozenset({"jane smith", "jane a smith"}), frozenset({"bob jones"})))  # fmt: skip
    two = PredictedSpeaker("sp-g", "the two", "group", ("Jane A. Smith", "Bob Jones"))
    assert judge(group, two) == "correct"
    other = PredictedSpeaker("sp-g", "the two", "group", ("Jane A. Smith", "Bob Smith"))
    assert judge(group, other) == "partial"
    three = PredictedSpeaker("sp-g", "the three", "group", ("Jane Smith", "Bob Jones", "Al Roe"))
    assert judge(group, three) == "partial"
    twice = PredictedSpeaker("sp-g", "x", "group", ("Jane Smith", "Jane A. Smith"))
    assert judge(group, twice) == "partial"  # one member twice is not both members


def test_score_rows_by_hand() -> None:
    text = f"{TITLE}\n\n{BODY}"
    rows = [
        _row("g:1", S1, "said", "Jane Smith"),
        _row("g:2", S2, "added", "Jane Smith", "pronoun"),
        _row("g:3", S3, ":", "Jane Smith", "first_person"),
        _row("g:4", S2, "approved", "city council", "organization", "organization"),
    ]

    def cue(sub: str, after: str) -> Span:
        i = text.index(sub, text.index(after))
        return Span.of(text, i, i + len(sub))

    statements = {
        "A1": [
            (cue("said the", S1), _sp("Jane Smith")),  # overlaps "said": matched, correct
            (cue("added", S2), _sp("Smith")),  # the pronoun went to a surname-only speaker
            (cue(":", S3), _sp("Jane Smith")),  # a colon matched by its position
        ]
    }
    results = score_rows(rows, statements)
    assert [(r.matched, r.verdict) for r in results] == [
        (True, "correct"), (True, "wrong"), (True, "correct"), (False, "wrong"),
    ]  # fmt: skip
    report = SpeakerReport("p", "x.v1", "dev", tuple(results), 0.0)
    data = report.to_json(errors=True)
    assert (data["rows"], data["matched"], data["coverage"]) == (4, 3, 75.0)
    assert data["accuracy"] == pytest.approx(66.67)
    assert data["by_type"]["pronoun"] == {"n": 1, "correct": 0, "accuracy": 0.0}
    assert data["by_type"]["first_person"] == {"n": 1, "correct": 1, "accuracy": 100.0}
    assert data["by_type"]["organization"]["n"] == 0  # unmatched rows are not judged
    assert data["kind_accuracy"] == 100.0
    assert [(e["gold"], e["predicted"], e["type"]) for e in data["errors"]] == [
        ("Jane Smith", "Smith", "pronoun")
    ]


def test_identity_pairs_by_hand() -> None:
    """Jane Smith in A1, A2 (same id) and A3 (another id); Bob Jones in A3 merged with Jane.
    One mention per (article, gold speaker), standing for the speaker most of its rows got."""

    def res(article: str, gold: str, pred: str | None) -> RowResult:
        return RowResult(_row("g", S1, "said", gold, article=article), True, _sp(pred), "wrong")

    results = [
        res("A1", "Jane Smith", "Jane Smith"),
        res("A1", "Mayor Jane Smith", "Jane Smith"),  # same mention as the row above
        res("A2", "Jane Smith", "Jane Smith"),
        res("A2", "Jane Smith", "Jane Q. Smith"),  # a tie: the mention keeps the first speaker
        res("A3", "Jane Smith", "J. Smith"),
        res("A3", "Bob Jones", "Jane Smith"),
        res("A5", "Jane Smith", None),  # unresolved: gold-same with every Jane, never pred-same
        # not a person: left out
        RowResult(
            _row("g", S1, "said", "council", kind="organization", article="A4"),
            True,
            _sp("Jane Smith"),
            "wrong",
        ),
    ]
    # mentions: A1 jane->X, A2 jane->X, A3 jane->Y, A3 bob->X, A5 jane->none; pairs across
    # articles: A1j-A2j gold+pred, A1j-A3j gold, A2j-A3j gold, A1j-A3b pred, A2j-A3b pred,
    # A5j-A1j, A5j-A2j, A5j-A3j gold
    ident = identity(results)
    assert (ident.gold_same, ident.pred_same, ident.both) == (6, 3, 1)
    # unnamed people are left out of identity: "an official" in two articles is no pair
    unnamed = [
        RowResult(
            _row("g", S1, "said", "an official", note="unnamed", article=a),
            True,
            _sp("official"),
            "correct",
        )
        for a in ("A1", "A2")
    ]
    assert identity(unnamed).gold_same == identity(unnamed).pred_same == 0
    assert ident.to_json()["p"] == pytest.approx(33.33) and ident.r == pytest.approx(100 / 6)


def _write_gold(root: Path) -> Path:
    record = {"id": "test-1", "title": TITLE, "text": BODY, "source": "Test", "license": "CC0"}
    (root / "articles.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    rows = [
        {
            "sentence": S1,
            "cue": "said",
            "source": "Mayor Jane Smith",
            "type": "name",
            "accept": ["Jane A. Smith"],
        },
        {"sentence": S2, "cue": "added", "source": "She", "type": "pronoun"},
        {"sentence": S3, "cue": ":", "source": "Jane Smith", "type": "name"},
    ]
    lines = [
        json.dumps({"article_id": "test-1", "cue_occurrence": 1, "speaker": "Jane Smith",
                    "speaker_kind": "person", "accept": [], "note": "", "split": "dev", **r})
        for r in rows
    ]  # fmt: skip
    (root / "tiny.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_read_speaker_gold(tmp_path: Path) -> None:
    articles, rows = read_speaker_gold(_write_gold(tmp_path), "dev")
    text = articles["test-1"].text
    assert [text[r.cue.start : r.cue.end] for r in rows] == ["said", "added", ":"]
    assert rows[2].cue.start == text.index(S3) + len("Jane Smith")
    # a spelling accepted on one row is accepted on every row of that speaker
    assert [r.accept for r in rows] == [("Jane A. Smith",)] * 3
    assert read_speaker_gold(tmp_path, "test")[1] == []


def test_cli_speakers_json(tmp_path: Path) -> None:
    args = ["evaluate", "speakers", str(_write_gold(tmp_path)), "--pipeline", "rules", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"pipeline", "extractor", "split", "rows", "matched", "coverage", "accuracy",
            "by_type", "kind_accuracy", "identity", "seconds"} <= set(data)  # fmt: skip
    assert data["extractor"] == "sayso.rules.v1" and data["rows"] == 3
    assert 1 <= data["matched"] <= 3  # "said" in a plain sentence is found
    assert {"p", "r", "f1", "pairs_gold_same", "pairs_pred_same"} <= set(data["identity"])
    assert data["identity"]["pairs_gold_same"] == 0  # one article: no cross-article pairs
    assert set(data["by_type"]) >= {"name", "pronoun", "first_person", "document", "place"}


def test_cli_speakers_table_with_errors(tmp_path: Path) -> None:
    args = ["evaluate", "speakers", str(_write_gold(tmp_path)), "--pipeline", "rules", "--errors"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "cross-article identity" in result.output and "commonest errors" in result.output
    assert "fewer than 50 gold-same pairs" in result.output


def test_bundled_speaker_gold_reads() -> None:
    articles, rows = read_speaker_gold(GOLD / "speakers", "all")
    assert len(rows) >= 1000 and {r.split for r in rows} == {"dev", "test"}
    for r in rows:
        assert r.sentence.start <= r.cue.start < r.cue.end <= r.sentence.end, r.where
        assert articles[r.article_id].text[r.sentence.start : r.sentence.end] == r.sentence.text
    # the identity measure needs enough cross-article pairs of one person on dev
    dev = [RowResult(r, True, _sp(None), "wrong") for r in rows if r.split == "dev"]
    assert identity(dev).gold_same >= 50
