"""The chain gold scorer (``sayso evaluate chains``) on a tiny hand-made gold, counted by hand.

Also: the bundled gold reads (every passage and cue is found in its article), scores 100 when
the gold itself is the prediction, and its articles.jsonl holds every article the golds name
and nothing from president.gov.ua.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sayso.cli import cli
from sayso.errors import GoldDataError
from sayso.evaluate.chains import (
    GoldPassage,
    count_cycles,
    evaluate_chains,
    match_cues,
    read_chain_gold,
    score_passage,
)
from sayso.models import Attribution, Span

GOLD = Path(__file__).resolve().parents[1] / "benchmarks" / "gold"

# Written for these tests: four passages, one per construction scored below.
TITLE = "Bridge talks stall"
P1 = "The mayor said the council claimed the bridge was safe."
P2 = "Residents complained about the noise, and engineers warned of cracks."
P3 = "A source told Reuters that officials said the mayor denied it."
P4 = "Police said that witnesses reported gunfire near the bridge."
BODY = f"{P1} {P2}\n\n{P3} {P4}"

CHAINS = [
    {"passage": P1, "pattern": "two_level", "attributions": [
        {"id": "c1", "cue": "said", "cue_occurrence": 1, "source": "The mayor", "parent": None},
        {"id": "c2", "cue": "claimed", "cue_occurrence": 1, "source": "the council",
         "parent": "c1"}]},
    {"passage": P2, "pattern": "siblings", "attributions": [
        {"id": "c1", "cue": "complained", "cue_occurrence": 1, "source": "Residents",
         "parent": None},
        {"id": "c2", "cue": "warned", "cue_occurrence": 1, "source": "engineers", "parent": None}]},
    {"passage": P3, "pattern": "three_level", "attributions": [
        {"id": "c1", "cue": "told", "cue_occurrence": 1, "source": "A source", "parent": None},
        {"id": "c2", "cue": "said", "cue_occurrence": 1, "source": "officials", "parent": "c1"},
        {"id": "c3", "cue": "denied", "cue_occurrence": 1, "source": "the mayor",
         "parent": "c2"}]},
    {"passage": P4, "pattern": "two_level", "attributions": [
        {"id": "c1", "cue": "said", "cue_occurrence": 1, "source": "Police", "parent": None},
        {"id": "c2", "cue": "reported", "cue_occurrence": 1, "source": "witnesses",
         "parent": "c1"}]},
]  # fmt: skip


def write_gold(root: Path, rows: list[dict[str, object]] | None = None) -> Path:
    """A chain gold folder: one article and the passages above (all dev)."""
    record = {"id": "test-1", "title": TITLE, "text": BODY, "source": "Test", "license": "CC0"}
    (root / "articles.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    lines = [
        json.dumps({"article_id": "test-1", "split": "dev", "note": "", **r})
        for r in (rows if rows is not None else CHAINS)
    ]
    (root / "chains.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def att(text: str, id_: str, cue: str, after: str, parent: str | None = None) -> Attribution:
    """A predicted attribution whose cue is the first ``cue`` after ``after`` in ``text``."""
    start = text.index(cue, text.index(after))
    return Attribution(id_, Span.of(text, start, start + len(cue)), (), "indirect", parent=parent)


def predictions(text: str) -> list[Attribution]:
    """What a made-up extractor found: one right link, one sibling error, one wrong parent,
    one missed cue (so one missed link)."""
    return [
        att(text, "a1", "said", P1),
        att(text, "a2", "claimed", P1, parent="a1"),  # right
        att(text, "a3", "complained", P2),
        att(text, "a4", "warned", P2, parent="a3"),  # sibling error
        att(text, "a5", "told", P3),
        att(text, "a6", "said", P3, parent="a5"),  # right
        att(text, "a7", "denied", P3, parent="a5"),  # wrong parent: gold says a6
        att(text, "a8", "said", P4),  # "reported" missed: its link is missed
    ]


def test_read_locates_passages_and_cues_in_the_text_the_pipeline_sees(tmp_path: Path) -> None:
    articles, passages = read_chain_gold(write_gold(tmp_path), "dev")
    text = articles["test-1"].text
    assert text.startswith(TITLE + "\n\n")  # the reader puts the headline in front
    assert [p.passage.text for p in passages] == [P1, P2, P3, P4]
    said = passages[2].attributions[1].cue
    assert text[said.start : said.end] == "said" and said.start > text.index(P3)
    assert [p.links for p in passages] == [1, 0, 2, 1]
    assert passages[0].where == "chains.jsonl:1"


def test_scores_counted_by_hand(tmp_path: Path) -> None:
    articles, passages = read_chain_gold(write_gold(tmp_path), "dev")
    pred = predictions(articles["test-1"].text)
    scores = [score_passage(p, pred) for p in passages]
    # (tp, predicted links, gold links, cues found, gold cues, sibling errors) per passage
    assert [(s.tp, s.n_pred, s.n_gold, s.cues_found, s.cues_gold, s.sibling_errors)
            for s in scores] == [
        (1, 1, 1, 2, 2, 0),
        (0, 1, 0, 2, 2, 1),
        (1, 2, 2, 3, 3, 0),
        (0, 0, 1, 1, 2, 0),
    ]  # fmt: skip


def test_errors_name_each_missed_and_wrong_link_with_its_reason(tmp_path: Path) -> None:
    articles, passages = read_chain_gold(write_gold(tmp_path), "dev")
    pred = predictions(articles["test-1"].text)
    errors = [e for p in passages for e in score_passage(p, pred).errors]
    got = [(e.kind, e.child, e.gold_parent, e.predicted_parent, e.why) for e in errors]
    assert got == [
        ("wrong", "warned", None, "complained", "top-level in gold"),
        ("wrong", "denied", "said", "told", "another parent in gold"),
        ("missed", "reported", "said", None, "the child's cue was not found"),
    ]
    unlinked = [att(articles["test-1"].text, "a1", "said", P1),
                att(articles["test-1"].text, "a2", "claimed", P1)]  # fmt: skip
    (e,) = score_passage(passages[0], unlinked).errors
    assert (e.kind, e.why) == ("missed", "found both, linked neither way")


def test_gold_as_prediction_scores_100(tmp_path: Path) -> None:
    articles, passages = read_chain_gold(write_gold(tmp_path), "dev")
    for p in passages:
        pred = [Attribution(g.id, g.cue, (), "indirect", parent=g.parent) for g in p.attributions]
        s = score_passage(p, pred)
        assert (s.tp, s.n_pred, s.n_gold, s.sibling_errors) == (p.links, p.links, p.links, 0)


def test_a_missing_passage_names_the_row(tmp_path: Path) -> None:
    rows = [*CHAINS[:1], {**CHAINS[1], "passage": "Nobody said this."}]
    with pytest.raises(GoldDataError, match=r"chains\.jsonl:2"):
        read_chain_gold(write_gold(tmp_path, rows), "dev")
    bad_cue = [{**CHAINS[0], "attributions": [{**CHAINS[0]["attributions"][0],  # type: ignore[dict-item]
                                                "cue_occurrence": 3}]}]  # fmt: skip
    with pytest.raises(GoldDataError, match=r"chains\.jsonl:1.*cue_occurrence"):
        read_chain_gold(write_gold(tmp_path, bad_cue), "dev")


def test_match_cues_one_to_one_largest_overlap_first() -> None:
    text = "He said that she had said so."
    gold = [Span.of(text, 3, 7), Span.of(text, 22, 26)]  # said, said
    pred = [Span.of(text, 3, 12), Span.of(text, 5, 7), Span.of(text, 18, 26)]
    # "said that" overlaps the first gold cue by 4, "id" by 2: the larger wins, one to one
    assert match_cues(gold, pred) == {0: 0, 1: 2}
    assert match_cues(gold, []) == {}


def test_count_cycles() -> None:
    text = "x said y said z said"
    cue = Span.of(text, 2, 6)

    def a(id_: str, parent: str | None) -> Attribution:
        return Attribution(id_, cue, (), "direct", parent=parent)

    assert count_cycles([a("a1", None), a("a2", "a1"), a("a3", "a2")]) == 0
    assert count_cycles([a("a1", "a2"), a("a2", "a1"), a("a3", "a3"), a("a4", "a1")]) == 2


def test_split_filter(tmp_path: Path) -> None:
    rows = [CHAINS[0], {**CHAINS[1], "split": "test"}]
    root = write_gold(tmp_path, rows)
    assert [p.split for p in read_chain_gold(root, "test")[1]] == ["test"]
    assert len(read_chain_gold(root, "all")[1]) == 2
    with pytest.raises(GoldDataError, match="unknown split"):
        read_chain_gold(root, "train")


def test_evaluate_chains_end_to_end(tmp_path: Path) -> None:
    report = evaluate_chains(write_gold(tmp_path), pipeline="rules", split="dev")
    assert report.passages == 4 and report.links.n_gold == 4 and report.cues_gold == 9
    assert report.cycles == 0
    assert set(report.by_pattern) == {"two_level", "siblings", "three_level"}
    assert 0 <= report.links.tp_gold <= min(report.links.n_pred, 4)


def test_cli_chains_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "chains", str(write_gold(tmp_path)), "--pipeline", "rules", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"pipeline", "extractor", "split", "passages", "links", "by_pattern", "cue_recall",
            "sibling_errors", "cycles", "seconds"} <= set(data)  # fmt: skip
    assert data["extractor"] == "sayso.rules.v1" and data["split"] == "dev"
    assert data["passages"] == 4 and data["links"]["n_gold"] == 4 and data["cycles"] == 0
    assert {"p", "r", "f1", "tp", "n_pred", "n_gold"} <= set(data["links"])


def test_cli_chains_errors(tmp_path: Path) -> None:
    folder = str(write_gold(tmp_path))
    result = CliRunner().invoke(
        cli, ["evaluate", "chains", folder, "--pipeline", "rules", "--json", "--errors"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sum(data["error_counts"].values()) == len(data["errors"])
    for e in data["errors"]:
        assert e["kind"] in {"missed", "wrong"} and e["where"].startswith("chains.jsonl:")
    result = CliRunner().invoke(cli, ["evaluate", "chains", folder, "--pipeline", "rules"])
    assert "link errors" not in result.output
    result = CliRunner().invoke(
        cli, ["evaluate", "chains", folder, "--pipeline", "rules", "--errors"]
    )
    assert result.exit_code == 0 and "link errors" in result.output


def test_cli_chains_table_and_bad_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["evaluate", "chains", str(write_gold(tmp_path)), "--pipeline", "rules"]
    )
    assert result.exit_code == 0, result.output
    assert "three_level" in result.output and "cycles: 0" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["evaluate", "chains", str(empty)])
    assert result.exit_code == 2 and "build_articles.py" in result.output


# --- the bundled gold ---------------------------------------------------------------------------


def _referenced(folder: str) -> set[str]:
    ids = set()
    for path in (GOLD / folder).glob("*.jsonl"):
        if path.name != "articles.jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            ids |= {json.loads(line)["article_id"] for line in lines if line.strip()}
    return ids


@pytest.mark.parametrize("folder", ["chains", "speakers"])
def test_bundled_articles_hold_every_referenced_article_and_no_unlicensed_one(folder: str) -> None:
    lines = (GOLD / folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids))
    assert set(ids) == _referenced(folder)
    assert not [i for i in ids if i.startswith("president-gov-ua-")]
    assert all(r.get("license") and r.get("url") for r in records)


def test_bundled_chain_gold_reads_and_scores_100_on_itself() -> None:
    _, passages = read_chain_gold(GOLD / "chains", "all")
    assert len(passages) > 200 and {p.split for p in passages} == {"dev", "test"}
    total = 0
    for p in passages:
        assert isinstance(p, GoldPassage)
        pred = [Attribution(g.id, g.cue, (), "indirect", parent=g.parent) for g in p.attributions]
        s = score_passage(p, pred)
        assert s.tp == s.n_pred == s.n_gold and s.sibling_errors == 0, p.where
        total += s.n_gold
    assert total >= 200
