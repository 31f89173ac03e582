"""A statement's time is shown, exported and served only as precisely as the text gave it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from starlette.testclient import TestClient
from test_web import _att, _speaker

from sayso.models import Article, Extraction
from sayso.store import StatementQuery, Store
from sayso.web import create_app

TEXT = (
    "Budget talks stall\n\n"
    "The minister said in July that the budget was fine. "
    "The mayor said on Friday that the roads were closed. "
    "The governor said in 2017 that taxes would fall.\n"
)


def _db(tmp_path: Path) -> tuple[Path, str]:
    art = Article(text=TEXT, title="Budget talks stall", published="2019-07-30")
    minister, mayor, governor = _speaker("Ann Minister"), _speaker("Bo Mayor"), _speaker("Cy Gov")
    atts = (
        _att(TEXT, "a1", "The minister", "said", ["that the budget was fine"],
             speaker=minister, time="2019-07"),
        _att(TEXT, "a2", "The mayor", "said", ["that the roads were closed"],
             speaker=mayor, time="2019-07-26"),
        _att(TEXT, "a3", "The governor", "said", ["that taxes would fall"],
             speaker=governor, time="2017"),
    )  # fmt: skip
    path = tmp_path / "news.db"
    with Store(path) as s:
        s.write(Extraction(art, (minister, mayor, governor), atts))
    return path, art.id


def test_precision_in_store_json_csv_and_article_page(tmp_path: Path) -> None:
    path, article_id = _db(tmp_path)
    with Store(path, read_only=True) as s:
        rows = {r.attribution_id: r for r in s.statements(StatementQuery()).rows}
        assert [(rows[k].time, rows[k].time_precision) for k in ("a1", "a2", "a3")] == [
            ("2019-07", "month"), ("2019-07-26", "day"), ("2017", "year"),
        ]  # fmt: skip
        ex = s.article(article_id)
    assert ex is not None
    assert [a.to_json()["time_precision"] for a in ex.attributions] == ["month", "day", "year"]
    client = TestClient(create_app(path), base_url="http://127.0.0.1")
    page = client.get(f"/articles/{article_id}")
    assert page.status_code == 200
    assert '<time datetime="2019-07">2019-07</time> <span' in page.text
    assert "(month only)" in page.text and "(year only)" in page.text
    assert page.text.count("only)") == 2  # the day-precise time needs no note
    served = client.get("/statements.json").json()
    assert {r["time"]: r["time_precision"] for r in served["rows"]} == {
        "2019-07": "month", "2019-07-26": "day", "2017": "year",
    }  # fmt: skip
    table = list(csv.DictReader(io.StringIO(client.get("/statements.csv").text)))
    assert sorted((r["time"], r["time_precision"]) for r in table) == [
        ("2017", "year"), ("2019-07", "month"), ("2019-07-26", "day"),
    ]  # fmt: skip
