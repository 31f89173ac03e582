"""The store commands of the CLI: statements, search, speakers, export, alias (CliRunner)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_runner import run_cli as run
from test_store_corpus import chain_extraction, make_extraction

from sayso.store import StatementRow, Store


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "news.db"
    with Store(path) as s:
        for n in range(8):
            s.write(make_extraction(n, statements=3))
        s.write(chain_extraction())
    return str(path)


def rows_of(out: str) -> list:
    """The rows of a listing's --json page (the page's shape checked on the way)."""
    page = json.loads(out)
    assert set(page) - {"ranked"} == {"rows", "total", "limit", "offset", "next"}
    return page["rows"]


def test_statements_json_and_filters(db: str) -> None:
    code, out, _ = run("statements", db, "--json", "--limit", "500")
    rows = rows_of(out)
    assert code == 0 and len(rows) == 8 * 3 + 4
    assert set(rows[0]) == set(StatementRow.columns())
    code, out, _ = run("statements", db, "--speaker", "Putin", "--json")
    assert code == 0 and {r["speaker_name"] for r in rows_of(out)} == {"Vladimir Putin"}
    code, out, _ = run("statements", db, "--outlet", "reuters", "--hedged", "--json")
    got = rows_of(out)
    assert got and all(r["outlet"] == "Reuters" and r["hedged"] for r in got)
    code, out, _ = run("statements", db, "--since", "2024-03-01", "--until", "2024-04-30", "--json")
    assert rows_of(out) and all(
        "2024-03-01" <= r["published"] <= "2024-04-30" for r in rows_of(out)
    )
    code, out, _ = run("statements", db, "--kind", "direct", "--json")
    assert [r["content_text"] for r in rows_of(out)] == ["we are ready to talk"]
    code, out, _ = run("statements", db, "--limit", "2", "--json")
    assert len(rows_of(out)) == 2


def test_statements_table_for_humans(db: str) -> None:
    code, out, err = run("statements", db, "--speaker", "Scholz", "--limit", "3")
    assert code == 0
    assert "Olaf Scholz" in out and "speaker" in out
    assert "3 of" in err
    code, out, err = run("statements", db, "--hedged", "--limit", "1")
    assert "[hedged]" in out  # shown literally, not swallowed as rich markup


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "2024-3-1"])
def test_bad_date_is_one_error_line_and_exit_2(db: str, bad: str) -> None:
    code, out, err = run("statements", db, "--since", bad)
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "YYYY-MM-DD" in err and bad in err


def test_search(db: str) -> None:
    code, out, _ = run("search", db, "ceasefire OR vacc*", "--json")
    hits = rows_of(out)
    assert code == 0 and hits
    assert all(("ceasefire" in h["content_text"]) or ("vaccine" in h["content_text"]) for h in hits)
    code, out, _ = run("search", db, "speaker:kremlin", "--json")
    assert [h["speaker_name"] for h in rows_of(out)] == ["Kremlin"]
    code, out, _ = run("search", db, "Zürich")
    assert code == 0 and "Zürich" in out


@pytest.mark.parametrize("bad", ['"unbalanced', "AND OR", "*", "NEAR("])
def test_bad_search_is_one_error_line_and_exit_2(db: str, bad: str) -> None:
    code, out, err = run("search", db, bad, "--json")
    assert code == 2 and out == ""
    assert err.strip().count("\n") == 0 and "search query" in err


def test_speakers(db: str) -> None:
    code, out, _ = run("speakers", db, "--json")
    rows = rows_of(out)
    assert code == 0 and rows[0]["statements"] >= rows[-1]["statements"]
    assert {r["name"] for r in rows} >= {"Vladimir Putin", "CNN", "Kremlin"}
    code, out, _ = run("speakers", db, "--limit", "2", "--json")
    assert len(rows_of(out)) == 2
    code, out, _ = run("speakers", db, "--name", "press")
    assert code == 0 and "Huckabee" in out and "Putin" not in out


def test_export_formats(db: str, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    code, out, err = run("export", db, "--format", "jsonl")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 9 and "exported 9 article(s)" in err
    assert json.loads(lines[-1]) == chain_extraction().to_json()
    code, out, _ = run("export", db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 28
    target = tmp_path / "s.parquet"
    code, _, err = run("export", db, "--format", "parquet", "--out", str(target))
    assert code == 0 and pq.read_table(target).num_rows == 28
    code, _, err = run("export", db, "--format", "parquet")
    assert code == 2 and "--out" in err


def test_alias_add_list_remove(db: str) -> None:
    code, _, err = run("alias", db, "Putin", "Vladimir V. Putin")
    assert code == 0 and "now means" in err
    code, out, _ = run("alias", db, "--list", "--json")
    assert rows_of(out) == [{"alias": "Putin", "canonical": "Vladimir V. Putin"}]
    code, out, _ = run("statements", db, "--speaker", "Vladimir V. Putin", "--json")
    assert rows_of(out) and {r["speaker_name"] for r in rows_of(out)} == {"Vladimir V. Putin"}
    code, out, _ = run("alias", db, "--list")
    assert code == 0 and "Vladimir V. Putin" in out
    code, _, err = run("alias", db, "--remove", "putin")
    assert code == 0 and "removed" in err
    code, _, err = run("alias", db, "--remove", "putin")
    assert code == 2 and "not in the alias table" in err
    code, out, _ = run("alias", db, "--list", "--json")
    assert rows_of(out) == []


def test_usage_errors_exit_2(db: str, tmp_path: Path) -> None:
    assert run("alias", db)[0] == 2
    assert run("alias", db, "only-alias")[0] == 2
    assert run("alias", db, "--list", "--remove", "x")[0] == 2
    missing = str(tmp_path / "missing.db")
    for args in (("statements", missing), ("search", missing, "x"), ("speakers", missing),
                 ("alias", missing, "--list"), ("export", missing, "--format", "csv")):  # fmt: skip
        code, _, err = run(*args)
        assert code == 2 and "missing.db" in err, args
