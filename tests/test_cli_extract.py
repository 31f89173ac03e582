"""`sayso extract` and `sayso ingest`: the JSON contract, bad input, exit codes, the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_rules_golden import WORKED

from sayso.cli import cli
from sayso.store import Store

CONTRACT_ARTICLE = {"id", "title", "source", "published", "url", "topics", "text"}
CONTRACT_ATTRIBUTION = {
    "id",
    "source",
    "speaker",
    "cue",
    "content",
    "kind",
    "parent",
    "addressee",
    "channel",
    "time",
    "hedged",
    "extractor",
    "confidence",
}


def _worked_jsonl(tmp_path: Path) -> Path:
    lines = [line for line in WORKED.splitlines()]
    title = lines[2]
    body = "\n".join(lines[6:])
    rec = {
        "id": "worked-1",
        "url": "https://example.org/brandt",
        "source": "Example News",
        "published": "2024-03-07",
        "title": title,
        "text": body,
    }
    path = tmp_path / "worked.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("pipeline", ["fast", "rules"])
def test_extract_json_contract(tmp_path: Path, pipeline: str) -> None:
    path = _worked_jsonl(tmp_path)
    result = CliRunner().invoke(cli, ["extract", str(path), "--json", "--pipeline", pipeline])
    assert result.exit_code == 0, result.output
    objs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(objs) == 1
    _check_contract(objs[0])
    assert objs[0]["attributions"], "the worked example has statements in every pipeline"


def _check_contract(obj: dict) -> None:
    assert set(obj) == {"article", "speakers", "attributions"}
    assert CONTRACT_ARTICLE <= set(obj["article"])
    text = obj["article"]["text"]
    assert text.startswith("Kremlin Says Brandt Asked for Call on Grain Deal")
    speakers = {s["id"] for s in obj["speakers"]}
    ids = {a["id"] for a in obj["attributions"]}
    for a in obj["attributions"]:
        assert CONTRACT_ATTRIBUTION <= set(a)
        assert a["kind"] in {"direct", "indirect", "mixed", "according_to"}
        assert a["parent"] is None or a["parent"] in ids
        assert a["speaker"] is None or a["speaker"] in speakers
        for sp in [a["cue"], *a["content"], *([a["source"]] if a["source"] else [])]:
            assert text[sp["start"] : sp["end"]] == sp["text"]


def test_worked_example_as_jsonl_gets_its_dates(tmp_path: Path) -> None:
    path = _worked_jsonl(tmp_path)
    result = CliRunner().invoke(cli, ["extract", str(path), "--json", "--pipeline", "rules"])
    assert result.exit_code == 0, result.output
    objs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(objs) == 1
    obj = objs[0]
    assert set(obj) == {"article", "speakers", "attributions"}
    assert CONTRACT_ARTICLE <= set(obj["article"])
    text = obj["article"]["text"]
    assert text.startswith("Kremlin Says Brandt Asked for Call on Grain Deal")
    speakers = {s["id"]: s for s in obj["speakers"]}
    for s in obj["speakers"]:
        assert {"id", "name", "kind", "aliases"} <= set(s)
    ids = {a["id"] for a in obj["attributions"]}
    for a in obj["attributions"]:
        assert CONTRACT_ATTRIBUTION <= set(a)
        assert a["parent"] is None or a["parent"] in ids
        assert a["speaker"] is None or a["speaker"] in speakers
        for sp in [a["cue"], *a["content"], *([a["source"]] if a["source"] else [])]:
            assert text[sp["start"] : sp["end"]] == sp["text"]

    def find(cue: str, content_start: str) -> dict:
        return next(
            a
            for a in obj["attributions"]
            if a["cue"]["text"] == cue and a["content"][0]["text"].startswith(content_start)
        )

    kremlin = find("said", "President Tomas Brandt")
    assert speakers[kremlin["speaker"]]["name"] == "Kremlin"
    assert kremlin["time"] == "2024-03-05" and kremlin["channel"] == "Telegram"
    lavrov = find("claimed", "that Bern")
    assert lavrov["time"] == "2024-03-06" and lavrov["hedged"] is True


def test_extract_bad_inputs_continue_and_exit_nonzero(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Mayor Says Bridge Will Reopen\n\nThe mayor said the bridge would reopen.\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    result = CliRunner().invoke(cli, ["extract", str(empty), str(binary), str(good), "--json"])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr and "blob.txt" in result.stderr
    objs = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [o["article"]["title"] for o in objs] == ["Mayor Says Bridge Will Reopen"]
    assert json.loads(result.stderr.splitlines()[-1]) == {"extracted": 1, "skipped": 2}


def test_extract_unknown_pipeline_is_a_clear_error(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Title\n\nShe said it rained.\n")
    result = CliRunner().invoke(cli, ["extract", str(good), "--pipeline", "nope"])
    assert result.exit_code == 2 and "unknown pipeline" in result.stderr


def test_ingest_sample_then_reingest_is_noop(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = CliRunner().invoke(cli, ["ingest", str(db), "--sample", "--json"])
    assert first.exit_code == 0, first.output
    rep = json.loads(first.stdout)
    assert rep["added"] >= 40 and rep["errors"] == 0 and rep["statements"] > 100
    with Store(db, read_only=True) as store:
        before = store.stats()
    second = CliRunner().invoke(cli, ["ingest", str(db), "--sample", "--json"])
    rep2 = json.loads(second.stdout)
    assert rep2["added"] == 0 and rep2["skipped"] == rep["added"]
    with Store(db, read_only=True) as store:
        assert store.stats() == before


def test_ingest_summary_names_bad_input_and_keeps_going(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "Ok", "text": "Ann Lee said the vote was fair."}\n{not json\n')
    result = CliRunner().invoke(cli, ["ingest", str(db), str(bad)])
    assert result.exit_code == 1
    assert "bad.jsonl:2" in result.output
    with Store(db, read_only=True) as store:
        assert store.stats().articles == 1
