"""The CLI's error contract: exit codes 0/1/2/3, one line per error, JSON errors under --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import run_cli as invoke
from test_store_corpus import make_extraction

from sayso.errors import BUG_REPORT_HINT, EXIT_INTERNAL, EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from sayso.store import Store


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "news.db"
    with Store(path) as s:
        for n in range(3):
            s.write(make_extraction(n, statements=2))
    return str(path)


def test_exit_codes_are_the_documented_constants() -> None:
    assert (EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_INTERNAL) == (0, 1, 2, 3)


def test_exit_0_when_all_is_well(db: str) -> None:
    code, out, err = invoke("statements", db, "--json")
    assert code == EXIT_OK and len(json.loads(out)["rows"]) == 6 and "error" not in err


def test_exit_1_when_some_inputs_are_rejected_and_the_run_completes(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Mayor Says Bridge Will Reopen\n\nThe mayor said the bridge would reopen.\n")
    missing = tmp_path / "missing.txt"
    code, out, err = invoke("extract", str(missing), str(good), "--pipeline", "rules")
    assert code == EXIT_REJECTED
    assert "# Mayor Says Bridge Will Reopen" in out  # the good input was still extracted
    errors = [line for line in err.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "missing.txt" in errors[0]


@pytest.mark.parametrize(
    "args",
    [
        ("statements", "{db}-missing"),  # no such database
        ("search", "{db}", '"unclosed'),  # malformed query
        ("statements", "{db}", "--since", "yesterdayish"),  # bad filter value
        ("statements", "{db}", "--kind", "shouted"),  # click usage error
        ("ingest", "{db}"),  # nothing to ingest: usage error
        ("serve", "{db}", "--host", "0.0.0.0"),  # open address without access control
        ("export", "{db}", "--format", "parquet"),  # binary format needs --out
    ],
)
def test_exit_2_for_usage_and_database_errors(db: str, args: tuple[str, ...]) -> None:
    code, out, err = invoke(*(a.format(db=db) for a in args))
    assert code == EXIT_USAGE, err
    assert out == "" and "Traceback" not in err


def test_exit_3_for_a_bug_with_a_one_line_report_hint(db: str, monkeypatch) -> None:
    def broken(self, query):  # type: ignore[no-untyped-def]
        raise IndexError("list index out of range")

    monkeypatch.setattr(Store, "statements", broken)
    monkeypatch.delenv("SAYSO_DEBUG", raising=False)
    code, out, err = invoke("statements", db)
    assert code == EXIT_INTERNAL
    lines = err.strip().splitlines()
    assert lines == [
        f"sayso: internal error: IndexError: list index out of range; {BUG_REPORT_HINT}"
    ]
    code, _, err = invoke("statements", db, "--json")
    assert code == EXIT_INTERNAL
    obj = json.loads(err)
    assert obj == {
        "error": "internal error: IndexError: list index out of range",
        "input": None,
        "hint": BUG_REPORT_HINT,
    }
    monkeypatch.setenv("SAYSO_DEBUG", "1")
    with pytest.raises(IndexError):
        invoke("statements", db)


def test_each_error_is_one_line_without_a_terminal(tmp_path: Path) -> None:
    # CliRunner's stderr is no terminal: rich would wrap at 80 columns without soft wrapping
    long_name = tmp_path / ("a-very-long-file-name-" * 8 + ".txt")
    other = tmp_path / "Ünïcode [bracketed] name.html"
    code, _, err = invoke("extract", str(long_name), str(other), "--pipeline", "rules")
    assert code == EXIT_REJECTED
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error")]
    assert len(errors) == 2, lines
    assert str(long_name) in errors[0]
    assert str(other) in errors[1]  # brackets are text, not rich markup
    assert len(lines) == 3  # two errors and the summary


def test_json_errors_are_objects_one_per_line(tmp_path: Path, db: str) -> None:
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = invoke("extract", str(missing), str(empty), "--json", "--pipeline", "rules")
    assert code == EXIT_REJECTED
    objs = [json.loads(line) for line in err.strip().splitlines()]
    errors = [o for o in objs if "error" in o]
    assert [o["input"] for o in errors] == [str(missing), str(empty)]
    assert objs[-1] == {"extracted": 0, "skipped": 2}
    assert all(set(o) == {"error", "input", "hint"} and o["error"] for o in errors)
    code, out, err = invoke("search", db, '"unclosed', "--json")
    assert code == EXIT_USAGE and out == ""
    obj = json.loads(err)
    assert "unclosed double quote" in obj["error"]
    code, _, err = invoke("statements", db, "--json", "--kind", "shouted")
    assert code == EXIT_USAGE
    assert "shouted" in json.loads(err)["error"]
