"""The stories pages in process: /stories, /stories/{id}, the mention page, their JSON twins."""

from __future__ import annotations

import contextlib
import json
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # as in test_web: starlette's TestClient import warns about httpx2; httpx is pinned
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from test_stories import KR, UA, UA_CALL, WH, WH_CALL, _with_statement, art

from sayso.models import Extraction
from sayso.store import Store
from sayso.stories import embed, update
from sayso.web import create_app

XSS = "<script>alert(1)</script>"


def build_story_db(path: Path) -> None:
    """Two accounts of one call (White House narrated, Kyiv with a statement) and an unrelated
    Kremlin item whose headline carries markup."""
    ua = _with_statement(UA_CALL, "Volodymyr Zelenskyy", "thanked",
                         "Joseph Biden for the support of Ukraine's sovereignty and territorial "
                         "integrity")  # fmt: skip
    other = art(f"Meeting with Kazakhstan's President {XSS}",
                "Vladimir Putin held talks with President of Kazakhstan Kassym-Jomart Tokayev.",
                KR, "2022-02-10T12:00:00Z")  # fmt: skip
    with Store(path) as store:
        store.write(Extraction(WH_CALL, (), ()), extractor="test.v1")
        store.write(ua)
        store.write(Extraction(other, (), ()), extractor="test.v1")
        update(store)


@contextlib.contextmanager
def story_db(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """``build_story_db`` in a fresh folder, grouped with word overlap only (no MiniLM), for
    a module's pages; the embedding setting is put back afterwards."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SAYSO_EMBEDDINGS", "0")
    embed._model.cache_clear()
    try:
        path = tmp_path_factory.mktemp(name) / "s.db"
        build_story_db(path)
        yield path
    finally:
        mp.undo()
        embed._model.cache_clear()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with story_db(tmp_path_factory, "stories-web") as path, TestClient(create_app(path)) as c:
        yield c


def test_stories_page_lists_newest_first_with_outlets(client: TestClient) -> None:
    r = client.get("/stories")
    assert r.status_code == 200
    page = r.text
    assert page.index("Readout of President Biden") < page.index("Meeting with Kazakhstan")
    assert WH in page and UA in page
    assert XSS not in page and "&lt;script&gt;" in page
    data = client.get("/stories.json").json()
    assert [len(s["outlets"]) for s in data["stories"]] == [2, 1]
    assert data["stories"][0]["outlets"] == sorted([UA, WH])
    only = client.get("/stories.json?min_outlets=2").json()["stories"]
    assert len(only) == 1


def test_story_page_has_a_column_per_outlet_and_a_row_per_claim(client: TestClient) -> None:
    sid = client.get("/stories.json?min_outlets=2").json()["stories"][0]["id"]
    data = client.get(f"/stories/{sid}.json").json()
    assert data["story"]["id"] == sid and data["claims"]
    page = client.get(f"/stories/{sid}").text
    assert page.count('class="outlet-col"') == 2
    assert page.count('<tr class="claim ') == len(data["claims"])
    statuses = {c["status"] for c in data["claims"]}
    assert "shared" in statuses and "conflict" in statuses
    for c in data["claims"]:
        for m in c["mentions"]:
            href = f"/stories/{sid}/mention/{m['article_id']}?start={m['start']}&amp;end={m['end']}"
            assert href in page


def test_mention_page_highlights_the_mention(client: TestClient) -> None:
    sid = client.get("/stories.json?min_outlets=2").json()["stories"][0]["id"]
    claim = client.get(f"/stories/{sid}.json").json()["claims"][0]
    m = claim["mentions"][0]
    url = f"/stories/{sid}/mention/{m['article_id']}?start={m['start']}&end={m['end']}"
    page = client.get(url)
    assert page.status_code == 200
    assert f'<mark class="mention" id="mention">{m["text"]}</mark>' in page.text.replace(
        "&#39;", "'"
    )
    data = client.get(url.replace("?", ".json?")).json()
    assert data["text"] == m["text"]


def test_stories_errors(client: TestClient) -> None:
    assert client.get("/stories/999").status_code == 404
    assert client.get("/stories/abc").status_code == 404
    sid = client.get("/stories.json").json()["stories"][0]["id"]
    arts = client.get(f"/stories/{sid}.json").json()["story"]["articles"]
    bad = f"/stories/{sid}/mention/{arts[0]['id']}?start=5&end=999999"
    assert client.get(bad).status_code == 400
    assert client.get(f"/stories/{sid}/mention/nope?start=0&end=1").status_code == 404
    assert json.loads(client.get("/stories.json?page=2").text)["stories"] == []


def test_story_page_shows_only_the_claims_of_a_status(client: TestClient) -> None:
    sid = client.get("/stories.json?min_outlets=2").json()["stories"][0]["id"]
    every = client.get(f"/stories/{sid}.json").json()["claims"]
    conflicts = client.get(f"/stories/{sid}.json?status=conflict").json()["claims"]
    assert conflicts and conflicts == [c for c in every if c["status"] == "conflict"]
    both = client.get(f"/stories/{sid}.json?status=conflict,shared").json()["claims"]
    assert both == client.get(f"/stories/{sid}.json?status=conflict&status=shared").json()[
        "claims"] == [c for c in every if c["status"] in {"conflict", "shared"}]  # fmt: skip
    page = client.get(f"/stories/{sid}?status=conflict").text
    assert page.count('<tr class="claim ') == len(conflicts)
    # the counts stay the whole story's, each a link to its claims; a way back to all of them
    n_shared = sum(c["status"] == "shared" for c in every)
    assert f'href="/stories/{sid}?status=shared" title="Only the shared claims">{n_shared} shared' in page
    assert f'<a class="all-claims" href="/stories/{sid}">all claims</a>' in page
    bad = client.get(f"/stories/{sid}.json?status=disputed")
    assert bad.status_code == 400 and "one_sided" in bad.json()["error"]
