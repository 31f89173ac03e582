"""The web explorer, in process: every page and its JSON twin, CSV, 400s, 404s, escaping, paging.

The database is built from hand-made ``Extraction`` records (not from the extractor), so
these tests fail only when the web layer or the store breaks.
"""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
import warnings
from pathlib import Path

import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # starlette 1.10 asks for httpx2 behind its TestClient; the project pins httpx 0.28.1,
    # which starlette still supports, so this one import-time deprecation is expected.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from sayso.errors import StoreError
from sayso.models import Article, Attribution, Extraction, Span, Speaker, speaker_id
from sayso.store import Store
from sayso.web import MAX_PAGE, MAX_PER_PAGE, create_app
from sayso.web.render import Mark, highlight, month_bars, safe_url

XSS_TITLE = "<script>alert(1)</script> and <img src=x onerror=alert(1)>"
XSS_SPEAKER = "Mayor <img src=x onerror=alert(2)>"


def _span(text: str, piece: str, after: int = 0) -> Span:
    """The span of the first ``piece`` in ``text`` at or after ``after``."""
    start = text.index(piece, after)
    return Span.of(text, start, start + len(piece))


def _speaker(name: str, kind: str = "person", aliases: tuple[str, ...] = ()) -> Speaker:
    return Speaker(speaker_id(name), name, kind, aliases)  # type: ignore[arg-type]


def _att(
    text: str,
    att_id: str,
    source: str | None,
    cue: str,
    content: list[str],
    kind: str = "indirect",
    speaker: Speaker | None = None,
    **extra: object,
) -> Attribution:
    body = text.index("\n") + 1  # spans are searched after the headline line
    src = _span(text, source, body) if source else None
    cue_span = _span(text, cue, src.end if src and cue in text[src.end :] else body)
    parts = []
    after = body
    for piece in content:
        parts.append(_span(text, piece, after))
        after = parts[-1].end
    return Attribution(
        id=att_id,
        cue=cue_span,
        content=tuple(parts),
        kind=kind,  # type: ignore[arg-type]
        source=src,
        speaker=speaker.id if speaker else None,
        extractor="test.hand.v1",
        **extra,  # type: ignore[arg-type]
    )


def sample_extractions() -> list[Extraction]:
    """Five hand-annotated articles: a nested chain, discontinuous and hedged content, XSS."""
    cnn, kremlin = (
        _speaker("CNN", "organization"),
        _speaker("Kremlin", "organization", ("the Kremlin",)),
    )
    putin = _speaker("Vladimir Putin", aliases=("Putin",))
    peskov = _speaker("Dmitry Peskov", aliases=("Peskov",))
    officials = _speaker("Western officials", "group")
    reuters = _speaker("Reuters", "organization")

    t1 = (
        "Putin calls for ceasefire\n"
        "CNN reports that the Kremlin said Putin called for a ceasefire along the front.\n"
        '"We are ready," Dmitry Peskov told reporters, "to talk at any time."\n'
        "Western officials claim the offer is a stalling tactic."
    )
    ex1 = Extraction(
        Article(
            t1,
            title="Putin calls for ceasefire",
            source="CNN",
            published="2024-03-02",
            url="https://edition.cnn.com/2024/03/02/ceasefire",
        ),
        (cnn, kremlin, putin, peskov, officials),
        (
            _att(
                t1,
                "a1",
                "CNN",
                "reports",
                ["the Kremlin said Putin called for a ceasefire along the front"],
                speaker=cnn,
            ),
            _att(
                t1,
                "a2",
                "the Kremlin",
                "said",
                ["Putin called for a ceasefire along the front"],
                speaker=kremlin,
                parent="a1",
            ),
            _att(
                t1,
                "a3",
                "Putin",
                "called for",
                ["a ceasefire along the front"],
                speaker=putin,
                parent="a2",
            ),
            _att(
                t1,
                "a4",
                "Dmitry Peskov",
                "told",
                ['"We are ready,"', '"to talk at any time."'],
                kind="direct",
                speaker=peskov,
                addressee="reporters",
            ),
            _att(
                t1,
                "a5",
                "Western officials",
                "claim",
                ["the offer is a stalling tactic"],
                speaker=officials,
                hedged=True,
            ),
        ),
    )
    t2 = (
        "Peskov says talks possible\n"
        "Kremlin spokesman Dmitry Peskov said on Friday that talks were possible. "
        "According to Reuters, the meeting may happen in June."
    )
    ex2 = Extraction(
        Article(t2, title="Peskov says talks possible", source="Reuters", published="2024-05-10"),
        (peskov, reuters),
        (
            _att(t2, "a1", "Dmitry Peskov", "said", ["talks were possible"], speaker=peskov),
            _att(
                t2,
                "a2",
                "Reuters",
                "According to",
                ["the meeting may happen in June"],
                kind="according_to",
                speaker=reuters,
            ),
        ),
    )
    t3 = (
        "Putin says economy strong\n"
        '"The economy is strong and growing," Putin said at his annual press conference.'
    )
    ex3 = Extraction(
        Article(
            t3,
            title="Putin says economy strong",
            source="BBC",
            published="2023-12-20",
            url="https://www.bbc.co.uk/news/economy",
        ),
        (putin,),
        (
            _att(
                t3,
                "a1",
                "Putin",
                "said",
                ['"The economy is strong and growing,"'],
                kind="direct",
                speaker=putin,
            ),
        ),
    )
    t4 = (
        f"{XSS_TITLE}\n"
        "The mayor said <script>alert(1)</script> was typed into the form, "
        "and <img src=x onerror=alert(1)> too."
    )
    mayor = _speaker(XSS_SPEAKER)
    ex4 = Extraction(
        Article(
            t4,
            title=XSS_TITLE,
            source="Example Times",
            published="2024-01-05",
            url="javascript:alert(3)",
        ),
        (mayor,),
        (
            _att(
                t4,
                "a1",
                "The mayor",
                "said",
                ["<script>alert(1)</script> was typed into the form"],
                speaker=mayor,
            ),
        ),
    )
    # several more statements of one speaker for pagination and the by-month chart
    t5 = "Peskov briefing\n" + " ".join(f"Peskov said point {i} was settled." for i in range(1, 8))
    atts = []
    after = 0
    for i in range(1, 8):
        src = _span(t5, "Peskov", max(after, 16))
        cue = _span(t5, "said", src.end)
        content = _span(t5, f"point {i} was settled", cue.end)
        after = content.end
        atts.append(
            Attribution(
                f"a{i}", cue, (content,), "indirect", src, peskov.id, extractor="test.hand.v1"
            )
        )
    ex5 = Extraction(
        Article(t5, title="Peskov briefing", source="TASS", published="2024-07-15"),
        (peskov,),
        tuple(atts),
    )
    return [ex1, ex2, ex3, ex4, ex5]


def build_sample_db(path: Path) -> dict[str, Extraction]:
    """Write the sample articles to a new database at ``path``; their extractions by title."""
    exs = sample_extractions()
    with Store(path) as st:
        for ex in exs:
            assert st.write(ex)
    return {ex.article.title or "": ex for ex in exs}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Extraction]]:
    path = tmp_path_factory.mktemp("web") / "sample.db"
    return path, build_sample_db(path)


@pytest.fixture(scope="module")
def client(sample: tuple[Path, dict[str, Extraction]]) -> TestClient:
    return TestClient(create_app(sample[0]))


@pytest.fixture(scope="module")
def arts(sample: tuple[Path, dict[str, Extraction]]) -> dict[str, Extraction]:
    return sample[1]


def _ok_html(client: TestClient, url: str) -> str:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html")
    return r.text


def _ok_json(client: TestClient, url: str) -> dict:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


# --- pages and their JSON twins ---------------------------------------------------------------


def test_home(client: TestClient) -> None:
    html = _ok_html(client, "/")
    assert 'action="/statements"' in html and 'name="q"' in html
    assert "Dmitry Peskov" in html and "Putin calls for ceasefire" in html
    for url in ("/.json", "/index.json", "/?format=json"):
        data = _ok_json(client, url)
        assert data["stats"] == {"articles": 5, "statements": 16, "speakers": 7, "outlets": 5}
        # Peskov: 1 + 1 + 7 statements, the most quoted
        assert data["speakers"][0]["name"] == "Dmitry Peskov"
        assert data["speakers"][0]["statements"] == 9
        assert {o["key"] for o in data["outlets"]} == {
            "CNN",
            "Reuters",
            "BBC",
            "Example Times",
            "TASS",
        }
        assert data["latest_articles"][0]["title"] == "Peskov briefing"


def test_statements_search_and_filters(client: TestClient) -> None:
    data = _ok_json(client, "/statements.json?q=ceasefire")
    assert data["total"] == 3  # CNN, the Kremlin and Putin all carry "ceasefire"
    assert {r["attribution_id"] for r in data["rows"]} == {"a1", "a2", "a3"}
    # full text also covers speaker names
    by_name = _ok_json(client, "/statements.json?q=Putin")
    assert any(r["speaker_name"] == "Vladimir Putin" for r in by_name["rows"])
    assert _ok_json(client, "/statements?q=ceasefire&format=json") == data

    assert _ok_json(client, "/statements.json?speaker=Peskov")["total"] == 9
    assert _ok_json(client, "/statements.json?outlet=BBC")["total"] == 1
    assert _ok_json(client, "/statements.json?kind=according_to")["rows"][0]["outlet"] == "Reuters"
    hedged = _ok_json(client, "/statements.json?hedged=1")
    assert [r["speaker_name"] for r in hedged["rows"]] == ["Western officials"]
    dated = _ok_json(client, "/statements.json?since=2024-01-01&until=2024-03-31")
    assert {r["outlet"] for r in dated["rows"]} == {"CNN", "Example Times"}
    combined = _ok_json(client, "/statements.json?speaker=Peskov&since=2024-05-01&until=2024-05-31")
    assert combined["total"] == 1 and combined["rows"][0]["outlet"] == "Reuters"
    assert combined["filters"]["speaker"] == "Peskov"

    html = _ok_html(client, "/statements?q=ceasefire&kind=indirect")
    assert "3 of 3" in html.replace("1–3", "3")  # the count line
    assert 'value="ceasefire"' in html  # the form keeps the query
    assert '<option value="indirect" selected>' in html
    assert "Vladimir Putin" in html and "/articles/" in html


def test_statements_empty_result(client: TestClient) -> None:
    html = _ok_html(client, "/statements?q=zeppelin")
    assert "No statements match" in html
    assert _ok_json(client, "/statements.json?q=zeppelin")["total"] == 0


def test_pagination(client: TestClient) -> None:
    first = _ok_json(client, "/statements.json?speaker=Peskov&per_page=4")
    assert (first["total"], first["pages"], first["per_page"], len(first["rows"])) == (9, 3, 4, 4)
    assert first["prev"] is None and "page=2" in first["next"]
    last = _ok_json(client, first["next"].replace("page=2", "page=3"))
    assert len(last["rows"]) == 1 and last["next"] is None
    seen = {(r["article_id"], r["attribution_id"]) for r in first["rows"]}
    second = _ok_json(client, first["next"])
    assert not seen & {(r["article_id"], r["attribution_id"]) for r in second["rows"]}
    # page size is bounded
    assert _ok_json(client, "/statements.json?per_page=100000")["per_page"] == MAX_PER_PAGE
    html = _ok_html(client, "/statements?speaker=Peskov&per_page=4&page=2")
    assert "5–8 of 9" in html and 'rel="next"' in html and 'rel="prev"' in html
    # speakers and articles lists page too
    sp = _ok_json(client, "/speakers.json?per_page=2")
    assert len(sp["rows"]) == 2 and sp["next"]
    assert _ok_json(client, "/articles.json?per_page=2&page=3")["next"] is None


def test_csv_download(client: TestClient) -> None:
    r = client.get("/statements.csv?speaker=Peskov&per_page=2")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 9  # every matching row, not one page
    assert {"speaker_name", "content_text", "outlet", "published"} <= set(rows[0])
    assert all(row["speaker_name"] == "Dmitry Peskov" for row in rows)
    hedged = list(csv.DictReader(io.StringIO(client.get("/statements.csv?hedged=1").text)))
    assert [row["content_text"] for row in hedged] == ["the offer is a stalling tactic"]
    assert client.get("/statements.csv?q=%22unbalanced").status_code == 400


def test_speakers_list_and_detail(client: TestClient) -> None:
    html = _ok_html(client, "/speakers")
    assert "Dmitry Peskov" in html and "Peskov" in html
    data = _ok_json(client, "/speakers.json?q=Putin")
    assert [s["name"] for s in data["rows"]] == ["Vladimir Putin"]
    pid = data["rows"][0]["id"]

    html = _ok_html(client, f"/speakers/{pid}")
    assert "Vladimir Putin" in html and "Putin" in html  # name and alias
    assert "<svg" in html and "2023-12" in html and "2024-03" in html  # the month chart
    assert "BBC" in html and "CNN" in html  # by outlet
    assert "/articles/" in html  # statements link to their articles
    det = _ok_json(client, f"/speakers/{pid}.json")
    assert det["speaker"]["name"] == "Vladimir Putin" and "Putin" in det["speaker"]["aliases"]
    assert {c["key"]: c["n"] for c in det["by_outlet"]} == {"BBC": 1, "CNN": 1}
    assert [c["key"] for c in det["by_month"]] == ["2023-12", "2024-03"]
    assert det["total"] == 2 and len(det["rows"]) == 2
    assert _ok_json(client, f"/speakers/{pid}?format=json") == det
    # the month chart fills the empty months between
    assert html.count("<rect") >= 4


def test_article_page_highlights(client: TestClient, arts: dict[str, Extraction]) -> None:
    ex = arts["Putin calls for ceasefire"]
    html = _ok_html(client, f"/articles/{ex.article.id}")
    assert "Putin calls for ceasefire" in html
    assert 'href="https://edition.cnn.com/2024/03/02/ceasefire"' in html
    for role in ("src", "cue", "content"):
        assert f'<mark class="{role}" data-att="a4"' in html
    # the marks carry exactly the annotated text
    text_block = html[html.index('<article class="article-text"') : html.index("</article>")]
    plain = re.sub(r"<[^>]+>", "", text_block.split(">", 1)[1])
    assert html_lib.unescape(plain) == ex.article.text
    # nested chain shown as a chain: CNN -> Kremlin -> Putin
    chain = re.search(r'id="att-a3".*?</div>', html, re.S)
    assert chain is not None
    names = re.findall(r">([^<>]+)</(?:a|span)>", chain.group(0))
    assert [n.strip() for n in names if n.strip() != "→"] == ["CNN", "Kremlin", "Vladimir Putin"]
    assert "/chain/a3" in html
    assert "hedged" in html  # a5
    assert '<script src="/static/highlight.js"' in html

    data = _ok_json(client, f"/articles/{ex.article.id}.json")
    assert data["article"]["id"] == ex.article.id
    assert data["chains"]["a3"] == ["CNN", "Kremlin", "Vladimir Putin"]
    a4 = next(a for a in data["attributions"] if a["id"] == "a4")
    assert [c["text"] for c in a4["content"]] == ['"We are ready,"', '"to talk at any time."']


def test_articles_list(client: TestClient) -> None:
    html = _ok_html(client, "/articles")
    assert "Peskov briefing" in html
    data = _ok_json(client, "/articles.json?outlet=BBC")
    assert [a["title"] for a in data["rows"]] == ["Putin says economy strong"]


def test_chain_view(client: TestClient, arts: dict[str, Extraction]) -> None:
    aid = arts["Putin calls for ceasefire"].article.id
    data = _ok_json(client, f"/articles/{aid}/chain/a3.json")
    assert [r["attribution_id"] for r in data["rows"]] == ["a1", "a2", "a3"]
    assert [r["speaker_name"] for r in data["rows"]] == ["CNN", "Kremlin", "Vladimir Putin"]
    html = _ok_html(client, f"/articles/{aid}/chain/a3")
    assert (
        html.index("CNN")
        < html.index("Kremlin")
        < html.index("Vladimir Putin", html.index("Kremlin"))
    )
    assert "this statement" in html
    # from the top, the chain lists the descendants
    top = _ok_json(client, f"/articles/{aid}/chain/a1?format=json")
    assert [r["attribution_id"] for r in top["rows"]] == ["a1", "a2", "a3"]


def test_static_assets(client: TestClient) -> None:
    assert "mark.src" in client.get("/static/style.css").text
    assert "data-att" in client.get("/static/highlight.js").text


# --- safety ------------------------------------------------------------------------------------


def test_xss_article_renders_as_text(client: TestClient, arts: dict[str, Extraction]) -> None:
    ex = arts[XSS_TITLE]
    r = client.get(f"/articles/{ex.article.id}")
    assert r.status_code == 200
    html = r.text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html  # the speaker name
    assert 'href="javascript' not in html
    for url in (
        "/",
        "/statements?q=alert",
        "/speakers",
        "/articles",
        f"/articles/{ex.article.id}/chain/a1",
        f"/speakers/{speaker_id(XSS_SPEAKER)}",
    ):
        page = _ok_html(client, url)
        assert "<script>alert" not in page and "<img src=x" not in page, url
    # a query string is escaped where it is echoed back
    page = _ok_html(client, "/statements?speaker=%3Cscript%3Ealert(9)%3C/script%3E")
    assert "<script>alert(9)" not in page and "&lt;script&gt;alert(9)" in page
    assert "script-src 'self'" in r.headers["content-security-policy"]


@pytest.mark.parametrize("q", ['"unbalanced', "AND OR", "*"])
def test_malformed_search_is_400(client: TestClient, q: str) -> None:
    r = client.get("/statements", params={"q": q})
    assert r.status_code == 400
    assert "That search could not run" in r.text and 'role="alert"' in r.text
    r = client.get("/statements.json", params={"q": q})
    assert r.status_code == 400
    body = r.json()
    assert body["status"] == 400 and body["error"]


@pytest.mark.parametrize(
    "query",
    [
        "since=yesterday",
        "until=2024-13-01",
        "kind=shouted",
        "page=0",
        "page=-3",
        "page=x",
        "per_page=many",
        # issue 14: per_page=0 was clamped while page=0 was a 400; both are 400 now
        "per_page=0",
        "per_page=-1",
        # issue 14: a page this large overflowed SQLite's integers into a plain-text 500
        "page=200000000000000000",
        "page=" + "9" * 5000,
        # issue 14: hedged= with any value meant true
        "hedged=maybe",
        "hedged=2",
        "since=2024-05-01&until=2024-01-01",
    ],
)
def test_bad_filters_are_400(client: TestClient, query: str) -> None:
    r = client.get(f"/statements?{query}")
    assert r.status_code == 400 and 'role="alert"' in r.text
    assert r.headers["content-type"].startswith("text/html")
    assert len(r.text) < 20_000  # the message does not echo a huge parameter
    r = client.get(f"/statements.json?{query}")
    assert r.status_code == 400 and r.json()["error"] and r.json()["status"] == 400
    if "page" in query:  # every list pages the same way
        for url in ("/speakers", "/articles.json", f"/speakers/{speaker_id('Dmitry Peskov')}"):
            assert client.get(f"{url}?{query}").status_code == 400, url


def test_page_bounds(client: TestClient) -> None:
    """Below 1 is a 400 for page and per_page alike; per_page above 200 is clamped."""
    assert _ok_json(client, "/statements.json?per_page=100000")["per_page"] == MAX_PER_PAGE
    r = client.get("/statements?page=200000000000000000")
    assert "highest page number" in r.text
    assert "per_page=0 is out of range" in client.get("/statements.json?per_page=0").json()["error"]
    # the largest page number allowed is an empty page, not an error
    assert _ok_json(client, f"/statements.json?page={MAX_PAGE}")["rows"] == []


def test_page_past_the_last_is_empty_with_a_true_label(client: TestClient) -> None:
    # 9 statements of Peskov, 4 a page: 3 pages
    data = _ok_json(client, "/statements.json?speaker=Peskov&per_page=4&page=67")
    assert (data["total"], data["page"], data["pages"], data["rows"]) == (9, 67, 3, [])
    assert data["next"] is None and "page=3" in data["prev"]  # back to the last page
    html = _ok_html(client, "/statements?speaker=Peskov&per_page=4&page=67")
    assert "265–" not in html and "of 3" not in html  # was "265–9 of 9 · Page 67 of 3"
    assert "None of 9 on this page" in html
    assert "Page 67 is past the last page, 3" in html
    assert "go to the last page" in html and "No statements match" not in html
    # the last page itself is unchanged
    assert "9–9 of 9" in _ok_html(client, "/statements?speaker=Peskov&per_page=4&page=3")
    # lists without a total: an empty page
    assert _ok_json(client, "/articles.json?page=500")["rows"] == []
    assert _ok_json(client, "/speakers.json?page=500")["rows"] == []
    pid = speaker_id("Dmitry Peskov")
    detail = _ok_json(client, f"/speakers/{pid}.json?page=9")
    assert detail["rows"] == [] and detail["pages"] == 1


@pytest.mark.parametrize(
    ("value", "hedged_only"),
    [("1", True), ("true", True), ("YES", True), ("0", False), ("false", False), ("no", False)],
)
def test_hedged_values(client: TestClient, value: str, hedged_only: bool) -> None:
    total = _ok_json(client, f"/statements.json?hedged={value}")["total"]
    assert total == (1 if hedged_only else 16)
    assert (
        " checked>" in _ok_html(client, f"/statements?hedged={value}")
    ) == hedged_only  # the form's checkbox says the same
    csv_rows = list(csv.DictReader(io.StringIO(client.get(f"/statements.csv?hedged={value}").text)))
    assert len(csv_rows) == total


def test_hedged_nonsense_is_400_not_true(client: TestClient) -> None:
    r = client.get("/statements.json?hedged=maybe")
    assert r.status_code == 400 and "hedged" in r.json()["error"]
    assert client.get("/statements.csv?hedged=off").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/articles/0000000000000000",
        "/articles/0000000000000000.json",
        "/speakers/sp-nobody",
        "/speakers/sp-nobody.json",
        "/no/such/page",
        "/articles/0000000000000000/chain/a1",
    ],
)
def test_unknown_is_404(client: TestClient, arts: dict[str, Extraction], url: str) -> None:
    r = client.get(url)
    assert r.status_code == 404
    if url.endswith(".json"):
        assert r.json()["status"] == 404
    else:
        assert "Not found" in r.text
    aid = arts["Putin calls for ceasefire"].article.id
    assert client.get(f"/articles/{aid}/chain/a99").status_code == 404


def test_server_is_read_only(sample: tuple[Path, dict[str, Extraction]], tmp_path: Path) -> None:
    path = sample[0]
    before = path.stat().st_mtime_ns, path.stat().st_size
    client = TestClient(create_app(path))
    for url in ("/", "/statements?q=Putin", "/speakers", "/articles"):
        assert client.get(url).status_code == 200
    assert (path.stat().st_mtime_ns, path.stat().st_size) == before
    with pytest.raises(StoreError, match="no such database"):
        create_app(tmp_path / "missing.db")


def test_allowed_hosts(sample: tuple[Path, dict[str, Extraction]]) -> None:
    app = create_app(sample[0], allowed_hosts=["127.0.0.1", "localhost"])
    assert TestClient(app, base_url="http://127.0.0.1:8000").get("/").status_code == 200
    assert TestClient(app, base_url="http://evil.example").get("/").status_code == 400


# --- render helpers ------------------------------------------------------------------------------


def test_highlight_nests_crossing_marks() -> None:
    text = "abcdef<g>"
    html = highlight(
        text, [Mark(0, 4, "content", "a1"), Mark(2, 6, "src", "a2"), Mark(7, 8, "cue", "a3")]
    )
    # well-formed: the crossing mark is closed and reopened
    assert str(html).count("<mark") == str(html).count("</mark>") == 4
    assert re.sub(r"<[^>]+>", "", str(html)) == "abcdef&lt;g&gt;"
    assert str(html).count('data-att="a2"') == 2


def test_safe_url_and_month_bars() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("javascript:alert(1)") is None and safe_url(" data:text/html,x") is None
    bars = month_bars([("2023-11", 2), ("2024-02", 4)])
    assert [(b.key, b.n) for b in bars] == [
        ("2023-11", 2),
        ("2023-12", 0),
        ("2024-01", 0),
        ("2024-02", 4),
    ]
    assert bars[-1].height == 1.0 and bars[0].height == 0.5


def test_serve_command(sample: tuple[Path, dict[str, Extraction]], monkeypatch) -> None:
    """`sayso serve DB` opens the database, prints the URL and runs uvicorn on 127.0.0.1."""
    import uvicorn
    from click.testing import CliRunner

    from sayso.cli import cli

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = CliRunner().invoke(cli, ["serve", str(sample[0]), "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    # the served app refuses foreign Host headers (DNS rebinding) but answers localhost
    app = calls[0]["app"]
    assert TestClient(app, base_url="http://localhost:8123").get("/").status_code == 200
    assert TestClient(app, base_url="http://attacker.example").get("/").status_code == 400

    missing = CliRunner().invoke(cli, ["serve", str(sample[0].parent / "nope.db")])
    assert missing.exit_code == 2 and "no such database" in missing.output
    assert "http://" not in missing.output


# --- issue 14: serving on IPv6 loopback ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("[::1]:8000", "::1"),
        ("[::1]", "::1"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("LocalHost:80", "localhost"),
        ("localhost", "localhost"),
        ("[fe80::1%25eth0]:8000", "fe80::1%25eth0"),
        ("::1", "::1"),
    ],
)
def test_host_name_of_header(header: str, name: str) -> None:
    from sayso.web.guard import host_name

    assert host_name(header) == name


def test_serve_on_ipv6_loopback(sample: tuple[Path, dict[str, Extraction]], monkeypatch) -> None:
    """`sayso serve --host ::1` answered every request with 400: "[::1]:PORT" is loopback."""
    import uvicorn
    from click.testing import CliRunner

    from sayso.cli import cli

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = CliRunner().invoke(cli, ["serve", str(sample[0]), "--host", "::1", "--port", "8124"])
    assert result.exit_code == 0, result.output
    assert "http://[::1]:8124/" in result.output and calls[0]["host"] == "::1"
    app = calls[0]["app"]
    for base in ("http://[::1]:8124", "http://localhost:8124", "http://127.0.0.1:8124"):
        assert TestClient(app, base_url=base).get("/").status_code == 200, base
    r = TestClient(app, base_url="http://attacker.example:8124").get("/")
    assert r.status_code == 400 and "--allow-host" in r.text


# --- issue 14: the article page in time linear in its marks --------------------------------------


def _highlight_reference(text: str, marks: list[Mark]) -> str:
    """The first highlight(): every boundary scans every mark (quadratic, but plainly right)."""
    from markupsafe import escape

    from sayso.web.render import ROLE_RANK, _open_tag

    n = len(text)
    spans = sorted({m for m in marks if 0 <= m.start < m.end <= n}, key=lambda m: (m.start, m.end))
    bounds = sorted({0, n, *(m.start for m in spans), *(m.end for m in spans)})
    stack: list[Mark] = []
    out: list[str] = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        active = [m for m in spans if m.start <= lo and hi <= m.end]
        keep = 0
        while keep < len(stack) and stack[keep] in active:
            keep += 1
        while len(stack) > keep:
            stack.pop()
            out.append("</mark>")
        for m in sorted(
            (m for m in active if m not in stack),
            key=lambda m: (-m.end, m.start, ROLE_RANK[m.role], m.att),
        ):
            stack.append(m)
            out.append(_open_tag(m))
        out.append(str(escape(text[lo:hi])))
    out.extend("</mark>" for _ in stack)
    return "".join(out)


def test_highlight_matches_the_plain_algorithm() -> None:
    import random

    rng = random.Random(14)
    text = "".join(rng.choice("ab <&>\n") for _ in range(300))
    for _ in range(200):
        marks = []
        for i in range(rng.randint(0, 12)):
            start = rng.randint(-5, 300)
            marks.append(
                Mark(
                    start,
                    start + rng.randint(-2, 60),
                    rng.choice(["src", "cue", "content"]),
                    f"a{i}",
                )
            )
        assert str(highlight(text, marks)) == _highlight_reference(text, marks)


def test_big_article_page_is_fast(tmp_path: Path) -> None:
    """An article with 1,500 statements renders in well under a second (it was quadratic)."""
    import time

    n = 1500
    text = "Big briefing\n" + " ".join(f"Aide {i} said item {i} was done." for i in range(n))
    aide = _speaker("Aide")
    atts = []
    for i in range(n):
        src = _span(text, f"Aide {i} said", 13)
        src = Span.of(text, src.start, src.start + len(f"Aide {i}"))
        cue = Span.of(text, src.end + 1, src.end + 5)
        content = _span(text, f"item {i} was done", cue.end)
        atts.append(
            Attribution(
                f"a{i}",
                cue,
                (content,),
                "indirect",
                src,
                aide.id,
                parent=f"a{i - 1}" if i % 3 else None,
                extractor="test.hand.v1",
            )  # fmt: skip
        )
    ex = Extraction(Article(text, title="Big briefing", source="Wire"), (aide,), tuple(atts))
    path = tmp_path / "big.db"
    with Store(path) as st:
        st.write(ex)
    client = TestClient(create_app(path))
    start = time.perf_counter()
    r = client.get(f"/articles/{ex.article.id}")
    elapsed = time.perf_counter() - start
    assert r.status_code == 200 and r.text.count('<li class="att"') == n
    assert elapsed < 3.0, f"{elapsed:.1f} s"


def test_unexpected_failure_is_a_500_page_not_plain_text(
    sample: tuple[Path, dict[str, Extraction]], monkeypatch
) -> None:
    def broken(self: Store) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Store, "stats", broken)
    client = TestClient(create_app(sample[0]), raise_server_exceptions=False)
    r = client.get("/")
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in r.text and "boom" not in r.text
    r = client.get("/.json")
    assert r.status_code == 500 and r.json()["status"] == 500
