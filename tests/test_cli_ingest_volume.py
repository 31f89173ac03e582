"""``sayso ingest`` at volume through the CLI: the aggregated summary, plain-text metadata,
--engine dask --out-parquet and ``sayso load``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sayso.cli import SUMMARY_ROWS, cli
from sayso.store import Store
from sayso.store.stories import stale_stories
from sayso.stories import compare, stories
from tests.test_stories import _claims_rows


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_many_inputs_get_a_summary_by_status_not_a_row_each(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(SUMMARY_ROWS + 5):
        (folder / f"{i:03d}.txt").write_text(f"The mayor said the count was {i}.\n")
    (folder / "urls.txt").write_text("https://example.com/a\nhttps://example.com/b\n")
    code, out, err = _run("ingest", str(tmp_path / "v.db"), str(folder))
    assert code == 1  # one input was refused
    assert "already stored" in out and "added" in out
    assert "The mayor said the count was 7" not in out  # no row per article
    assert "urls.txt" in out and "never fetches pages" in out  # errors are still listed
    assert f"{SUMMARY_ROWS + 5:,} added" in out


def test_plain_text_metadata_from_the_command_line(tmp_path: Path) -> None:
    story = tmp_path / "story.txt"
    story.write_text("Talks to resume\n\nThe minister said on Monday that talks would resume.\n")
    db = tmp_path / "m.db"
    code, out, err = _run(
        "ingest", str(db), str(story), "--source", "Daily Example",
        "--published", "2019-06-04", "--url", "https://x.example/talks", "--json",
    )  # fmt: skip
    assert code == 0, err
    (outcome,) = json.loads(out)["outcomes"]
    with Store(db, read_only=True) as store:
        ex = store.article(outcome["id"])
    assert ex is not None
    assert (ex.article.source, ex.article.published, ex.article.url) == (
        "Daily Example", "2019-06-04", "https://x.example/talks"
    )
    code, out, err = _run("ingest", str(db), str(story), "--published", "last week")
    assert code == 2 and "--published" in err


def test_dask_parquet_then_load(tmp_path: Path) -> None:
    data = tmp_path / "news.jsonl"
    data.write_text(
        '{"title": "Talks", "text": "The minister said talks would resume on Monday."}\n'
        '{"title": "Bridge", "text": "\\"It will reopen,\\" the mayor told reporters."}\n'
        "not json\n"
    )
    parts, db = tmp_path / "parts", tmp_path / "p.db"
    code, out, err = _run(
        "ingest", str(db), str(data), "--engine", "dask", "--out-parquet", str(parts), "--json"
    )
    assert code == 1 and "news.jsonl:3" in err  # the bad line; the others are written
    assert json.loads(out)["added"] == 2 and list(parts.glob("part-*.parquet"))
    code, out, err = _run("load", str(db), str(parts), "--json", "--jobs", "2")
    assert code == 0, err
    report = json.loads(out)
    assert report["added"] == 2 and report["statements"] >= 2
    with Store(db, read_only=True) as store:  # stories grouped, claims computed in 2 workers
        assert len(stories(store)) == 2 and not stale_stories(store)
        assert all(c.claims for c in (compare(store, st.id) for st in stories(store)) if c)
    code, out, err = _run("load", str(db), str(parts))
    assert code == 0 and "2 already stored" in out


def test_ingest_and_load_on_a_scheduler_compare_accounts_on_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sayso.engines import client_for
    from tests.test_stories import UA_CALL, WH_CALL, WH_PUTIN, spy_dask_tasks

    monkeypatch.setenv("SAYSO_EMBEDDINGS", "0")  # words only: quick, and the same everywhere
    data = tmp_path / "calls.jsonl"
    data.write_text("".join(
        json.dumps({"title": a.title, "text": a.text, "source": a.source,
                    "published": a.published, "url": a.url}) + "\n"
        for a in (WH_CALL, UA_CALL, WH_PUTIN)
    ))  # fmt: skip
    sent = spy_dask_tasks(monkeypatch)
    local, on_dask, loaded, parts = (tmp_path / n for n in ("l.db", "d.db", "p.db", "parts"))
    assert _run("ingest", str(local), str(data), "--json")[0] == 0
    assert not sent
    # a cluster of its own, as `dask scheduler` and `dask worker` would run it (threads here)
    with client_for(None, 2, processes=False) as client:
        address = client.scheduler.address
        code, out, err = _run("ingest", str(on_dask), str(data), "--scheduler", address, "--json")
        assert code == 0, err
        assert sent == [2]  # the call with two accounts, compared on a worker
        code, out, err = _run("ingest", str(tmp_path / "x.db"), str(data), "--scheduler",
                              address, "--out-parquet", str(parts), "--json")  # fmt: skip
        assert code == 0, err
        code, out, err = _run("load", str(loaded), str(parts), "--scheduler", address, "--json")
        assert code == 0, err
        assert sent == [2, 2]
    rows = [_claims_rows(db) for db in (local, on_dask, loaded)]
    assert rows[0] and rows[0] == rows[1] == rows[2]
