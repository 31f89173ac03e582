"""Ids and the CLI's JSON contract (issue 13.4): the input's own id kept and accepted wherever
an article id is; listings as objects with total and next; speaker names beside ids; where an
ingested article came from; --extractor, and one extractor's rows per article by default."""

from __future__ import annotations

import dataclasses
import json
import warnings
from pathlib import Path

import pytest
from cli_runner import run_cli as run
from starlette.exceptions import StarletteDeprecationWarning
from test_store_corpus import make_extraction

from sayso.models import Extraction
from sayso.store import Store

with warnings.catch_warnings():
    # as in test_web: starlette 1.10's TestClient import warns about httpx; expected
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

OLD, NEW = "test.old.v1", "test.new.v2"


def _with(ex: Extraction, extractor: str, statements: int | None = None) -> Extraction:
    atts = ex.attributions if statements is None else ex.attributions[:statements]
    return dataclasses.replace(
        ex, attributions=tuple(dataclasses.replace(a, extractor=extractor) for a in atts)
    )


@pytest.fixture
def db(tmp_path: Path) -> str:
    """12 articles (external ids ext-0..ext-11, 3 statements each); articles 0-3 were also
    extracted, earlier, by an older extractor that found 2 statements in each."""
    path = tmp_path / "c.db"
    with Store(path) as s:
        for n in range(12):
            ex = make_extraction(n, statements=3)
            ex = dataclasses.replace(
                ex, article=dataclasses.replace(ex.article, external_id=f"ext-{n}")
            )
            if n < 4:
                s.write(_with(ex, OLD, 2))
            s.write(_with(ex, NEW))
    return str(path)


def page(*args: str) -> dict:
    code, out, _ = run(*args, "--json")
    assert code == 0
    obj = json.loads(out)
    assert set(obj) - {"ranked"} == {"rows", "total", "limit", "offset", "next"}
    assert ("ranked" in obj) == (args[0] == "search")  # a search says how much it ranked
    return obj


def test_statements_page_on_with_total_and_next(db: str) -> None:
    first = page("statements", db, "--limit", "10")
    assert first["total"] == 36 and len(first["rows"]) == 10 and first["next"] == 10
    seen, offset = [], 0
    while offset is not None:
        p = page("statements", db, "--limit", "10", "--offset", str(offset))
        seen += [(r["article_id"], r["attribution_id"]) for r in p["rows"]]
        offset = p["next"]
    assert len(seen) == len(set(seen)) == 36
    # over the page size: a warning says so, and the page says where to go on
    code, out, err = run("statements", db, "--limit", "100000", "--json")
    assert code == 0 and "over the page size limit 500" in err
    assert json.loads(out)["total"] == 36 and json.loads(out)["next"] is None


def test_search_and_speakers_pages(db: str) -> None:
    hits = page("search", db, "ceasefire", "--limit", "2")
    assert hits["total"] > 2 and hits["next"] == 2 and len(hits["rows"]) == 2
    assert page("search", db, "ceasefire", "--offset", "2")["offset"] == 2
    speakers = page("speakers", db, "--limit", "2")
    assert speakers["total"] == 4 and speakers["next"] == 2
    assert page("speakers", db, "--limit", "2", "--offset", "2")["next"] is None
    assert [a["alias"] for a in page("alias", db, "--list")["rows"]] == []


def test_each_article_counts_once_by_default_and_extractor_picks(db: str) -> None:
    # default: each article's newest extractor (NEW everywhere), never both
    assert {r["extractor"] for r in page("statements", db, "--limit", "500")["rows"]} == {NEW}
    assert page("statements", db, "--extractor", OLD)["total"] == 8
    assert page("statements", db, "--extractor", NEW)["total"] == 36
    assert page("statements", db, "--extractor", "all", "--limit", "500")["total"] == 44
    with_all = {r["name"]: r["statements"] for r in page("speakers", db, "--extractor", "all")["rows"]}
    default = {r["name"]: r["statements"] for r in page("speakers", db)["rows"]}
    assert sum(default.values()) == 36 and sum(with_all.values()) == 44
    code, out, _ = run("export", db, "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 1 + 36
    code, out, _ = run("export", db, "--format", "quotation", "--extractor", "all")
    assert len(out.splitlines()) == 44
    code, out, _ = run("export", db, "--format", "webannotation", "--extractor", OLD)
    assert len(out.splitlines()) == 8


def test_the_inputs_own_id_is_accepted_wherever_an_article_id_is(db: str) -> None:
    by_external = page("statements", db, "--article", "ext-5")
    with Store(db, read_only=True) as s:
        ex = s.article("ext-5")
        assert ex is not None and ex.article.external_id == "ext-5"
        assert s.resolve_article_id(ex.article.id) == ex.article.id
        assert s.resolve_article_id("ext-nope") is None
        assert s.chain("ext-5", "a1")[0].article_id == ex.article.id
    assert by_external["total"] == 3
    assert {r["article_id"] for r in by_external["rows"]} == {ex.article.id}
    assert page("statements", db, "--article", ex.article.id)["rows"] == by_external["rows"]
    from sayso.web import create_app

    client = TestClient(create_app(Path(db)))
    by_id = client.get(f"/articles/{ex.article.id}.json")
    by_ext = client.get("/articles/ext-5.json")
    assert by_id.status_code == by_ext.status_code == 200
    assert by_ext.json()["article"]["id"] == ex.article.id
    assert by_ext.json()["article"]["external_id"] == "ext-5"


def test_ingest_reports_where_each_article_came_from_and_extract_names_speakers(
    tmp_path: Path,
) -> None:
    records = [
        {"id": "r-1", "title": "Talks fail", "text": 'Minister Anna Berg said the talks had failed.'},
        {"id": "r-2", "text": '"We will not sign," Tomas Brandt told reporters on Monday.'},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = str(tmp_path / "i.db")
    code, out, _ = run("ingest", db, str(src), "--pipeline", "rules", "--json")
    assert code == 0
    report = json.loads(out)
    assert [(o["status"], o["input"]) for o in report["outcomes"]] == [
        ("added", f"{src}:1"), ("added", f"{src}:2"),
    ]  # fmt: skip
    code, out, _ = run("ingest", db, str(src), "--pipeline", "rules", "--json")
    assert [o["input"] for o in json.loads(out)["outcomes"]] == [f"{src}:1", f"{src}:2"]
    assert page("statements", db, "--article", "r-2")["rows"][0]["speaker_name"] == "Tomas Brandt"

    code, out, _ = run("extract", str(src), "--pipeline", "rules", "--json")
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["article"]["external_id"] == "r-1"
    (att,) = second["attributions"]
    assert att["speaker"] and att["speaker_name"] == "Tomas Brandt"
