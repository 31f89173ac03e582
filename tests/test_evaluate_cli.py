"""`sayso evaluate polnear|cofenet` end to end on tiny hand-made gold (no research data needed)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sayso.cli import cli

# Made-up article: one direct quote with a source and cue.
TEXT = 'Mayor praises bridge.\n\n"The bridge opens Monday," Mayor Jane Smith said.\n'


def _span(sub: str) -> tuple[int, int]:
    i = TEXT.index(sub)
    return i, i + len(sub)


def _write_brat(root: Path) -> None:
    (root / "text").mkdir()
    (root / "attributions").mkdir()
    (root / "text" / "doc.txt").write_text(TEXT, encoding="utf-8")
    lines = []
    for ident, label, sub in [
        ("T1", "Content", '"The bridge opens Monday,"'),
        ("T2", "Source", "Mayor Jane Smith"),
        ("T3", "Cue", "said"),
        ("T4", "Attribution", "said"),
    ]:
        s, e = _span(sub)
        lines.append(f"{ident}\t{label} {s} {e}\t{sub}")
    lines.append("E1\tAttribution:T4 Content:T1 Source:T2 Cue:T3")
    (root / "attributions" / "doc_ab12.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


KEYS = {"source", "cue", "content", "attribution_exact", "attribution_partial", "words_per_second"}


def test_evaluate_polnear_json(tmp_path: Path) -> None:
    _write_brat(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", "polnear", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert KEYS <= set(data)
    for role in ("source", "cue", "content"):
        assert {"p", "r", "f1"} <= set(data[role]) and data[role]["n_gold"] == 1
    assert data["attribution_exact"]["n_gold"] == 1
    assert data["words"] == len(TEXT.split()) and data["words_per_second"] > 0
    assert data["documents"] == 1 and data["annotators"]["multi_annotated"] == []


def test_evaluate_polnear_table_names_the_numbers(tmp_path: Path) -> None:
    _write_brat(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", "polnear", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for label in ("content, exact span", "attribution, partial", "content covered >= 80 %"):
        assert label in result.output
    assert "words/s" in result.output


def test_evaluate_cofenet_json(tmp_path: Path) -> None:
    tokens = ["``", "The", "bridge", "opens", "Monday", ",", "''", "Mayor", "Jane", "Smith"]
    tokens += ["said", "."]
    labels = ["B-content"] + ["I-content"] * 6 + ["B-source", "I-source", "I-source"]
    labels += ["B-cue", "O"]
    line = {"tokens": tokens, "labels": labels, "pos": [], "ner": [], "id": "doc_ab12"}
    path = tmp_path / "valid.txt"
    path.write_text((json.dumps(line) + "\n") * 2, encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "cofenet", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert KEYS <= set(data)
    assert data["paragraphs"] == 2 and data["unique_paragraphs"] == 1
    assert data["cue"]["n_gold"] == 2 and data["attribution_exact"] is None


def test_evaluate_reports_bad_input_plainly(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["evaluate", "polnear", str(tmp_path)])
    assert result.exit_code == 2  # unusable gold data: nothing could be scored
    assert "not a PolNeAR split folder" in result.output
    _write_brat(tmp_path)
    result = CliRunner().invoke(cli, ["evaluate", "polnear", str(tmp_path), "--pipeline", "nope"])
    assert result.exit_code == 2 and "unknown pipeline" in result.output
