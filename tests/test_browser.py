"""The web explorer in a real browser: Playwright driving Debian's chromium.

A uvicorn server runs the app on a free localhost port in a background thread.  Every page
visited is saved as a screenshot under ``test-artifacts/screenshots/`` (git-ignored), so a
person can look at what the tests saw.  Skipped when ``chromium`` is not installed.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip(
        "chromium is not installed (`apt-get install -y chromium`); browser tests skipped",
        allow_module_level=True,
    )

import uvicorn  # noqa: E402
from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402
from starlette.types import ASGIApp  # noqa: E402
from test_web import XSS_SPEAKER, XSS_TITLE, build_sample_db  # noqa: E402

from sayso.models import Extraction  # noqa: E402
from sayso.web import create_app  # noqa: E402

SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
#: Playwright's own browser download does not work here, so it drives the system chromium
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: seconds to wait for the background server to accept connections
SERVER_START_S = 15.0
#: the class the highlighting script puts on every part of the hovered statement
HL = re.compile(r"\bhl\b")
#: the access token of the locked server
TOKEN = "browser-test-token-4f7c2a9d81e6"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serving(app: ASGIApp) -> Iterator[str]:
    """``app`` served by uvicorn on a free localhost port in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_S
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the test server did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Extraction]]]:
    """The explorer over the sample database, served on a free localhost port."""
    path = tmp_path_factory.mktemp("browser") / "sample.db"
    arts = build_sample_db(path)
    with _serving(create_app(path, allowed_hosts=["127.0.0.1"])) as base:
        yield base, arts


@pytest.fixture(scope="module")
def locked_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The explorer as ``sayso serve --token-file`` serves it: every page needs TOKEN."""
    path = tmp_path_factory.mktemp("browser-locked") / "sample.db"
    build_sample_db(path)
    with _serving(create_app(path, allowed_hosts=["127.0.0.1"], tokens=[TOKEN])) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # console errors include CSP violations; failed loads are checked by response below,
    # because the 400 and 404 pages the tests visit on purpose also log one
    pg.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    pg.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}")
            if r.status >= 400 and r.request.resource_type != "document"
            else None
        ),
    )
    yield pg
    context.close()
    assert not errors, f"JavaScript errors, CSP violations or failed loads in the page: {errors}"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_search_speaker_open_article_and_highlight(
    site: tuple[str, dict[str, Extraction]], page: Page
) -> None:
    base, arts = site
    page.goto(base + "/")
    _shot(page, "home")
    page.fill(".big-search input[name=q]", "Putin")
    page.click(".big-search button")
    expect(page).to_have_url(base + "/statements?q=Putin")
    expect(page.locator(".stmt").first).to_be_visible()
    _shot(page, "statements-search")

    # open the article of Putin's nested statement through its link
    ex = arts["Putin calls for ceasefire"]
    page.locator(f'.stmt a[href="/articles/{ex.article.id}#att-a3"]').click()
    expect(page).to_have_url(f"{base}/articles/{ex.article.id}#att-a3")
    # the spans are visible and carry exactly the annotated words
    a4 = next(a for a in ex.attributions if a.id == "a4")
    src = page.locator('mark.src[data-att="a4"]')
    expect(src).to_be_visible()
    expect(src).to_have_text(a4.source.text if a4.source else "")
    expect(page.locator('mark.cue[data-att="a4"]')).to_have_text(a4.cue.text)
    contents = page.locator('mark.content[data-att="a4"]')
    assert contents.all_inner_texts() == [c.text for c in a4.content]  # discontinuous: 2 parts
    # the article text reads exactly as stored
    assert page.locator("article.article-text").inner_text() == ex.article.text
    # the linked statement is pinned on arrival
    expect(page.locator('li.att[data-att="a3"]')).to_have_class(re.compile(r"\bpinned\b"))
    _shot(page, "article")

    # hovering a statement in the list lights up its three parts, and only those
    page.locator('li.att[data-att="a4"]').hover()
    for m in page.locator('mark[data-att="a4"]').all():
        expect(m).to_have_class(HL)
    assert page.locator("mark.hl").count() == page.locator('mark[data-att="a4"]').count() == 4
    _shot(page, "article-hover")
    # hovering a mark in the text does the same for its statement
    page.locator('mark.src[data-att="a5"]').hover()
    assert page.locator('mark.hl[data-att="a5"]').count() == 3
    assert page.locator('mark.hl[data-att="a4"]').count() == 0
    expect(page.locator('li.att[data-att="a5"]')).to_have_class(HL)

    # the nested chain shows as CNN -> Kremlin -> Vladimir Putin
    chain = page.locator('li.att[data-att="a3"] .att-chain')
    assert " ".join(chain.inner_text().split()) == "CNN → Kremlin → Vladimir Putin"
    page.locator('li.att[data-att="a3"] a', has_text="chain view").click()
    expect(page.locator("ol.chain .step")).to_have_count(3)
    expect(page.locator("ol.chain .step.current")).to_contain_text("Vladimir Putin")
    _shot(page, "chain")


def test_xss_article_shows_text_and_runs_nothing(
    site: tuple[str, dict[str, Extraction]], page: Page
) -> None:
    base, arts = site
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ex = arts[XSS_TITLE]
    page.goto(f"{base}/articles/{ex.article.id}")
    expect(page.locator("h1")).to_have_text(XSS_TITLE)
    assert page.locator("article.article-text").inner_text() == ex.article.text
    expect(page.locator('mark.content[data-att="a1"]')).to_have_text(
        "<script>alert(1)</script> was typed into the form"
    )
    expect(page.locator(".att-chain")).to_have_text(XSS_SPEAKER)
    # no element came from the article's text: no stray <img>, no inline script
    assert page.locator("main img").count() == 0
    assert page.locator("main script").count() == 0
    # a javascript: URL is not turned into a link
    assert page.locator('a[href^="javascript"]').count() == 0
    page.wait_for_timeout(300)
    _shot(page, "article-xss")
    page.goto(f"{base}/statements?q=alert")
    page.wait_for_timeout(300)
    _shot(page, "statements-xss")
    assert dialogs == []


def test_every_page_renders(site: tuple[str, dict[str, Extraction]], page: Page) -> None:
    base, arts = site
    pages = {
        "statements-filters": "/statements?speaker=Peskov&since=2024-01-01&per_page=5",
        "statements-hedged": "/statements?hedged=1",
        "speakers": "/speakers",
        "speaker-peskov": "/speakers/Dmitry%20Peskov",
        "speaker-putin": "/speakers/Vladimir%20Putin",
        "articles": "/articles",
        "error-400": "/statements?q=%22unbalanced",
        "error-404": "/articles/nope",
    }
    for name, url in pages.items():
        response = page.goto(base + url)
        assert response is not None
        assert response.status == (400 if "400" in name else 404 if "404" in name else 200), url
        expect(page.locator("header.site")).to_be_visible()
        _shot(page, name)
    # the filter form keeps its values, and paging links work
    page.goto(base + pages["statements-filters"])
    expect(page.locator("#f-speaker")).to_have_value("Peskov")
    expect(page.locator(".pager-count").first).to_have_text("1–5 of 9")
    page.locator('a[rel="next"]').first.click()
    expect(page.locator(".pager-count").first).to_have_text("6–9 of 9")
    # a speaker's month chart has one bar per month from the first to the last
    page.goto(base + "/speakers/Dmitry%20Peskov")
    # 2024-03 (CNN), 2024-04 (none), 2024-05 (Reuters), 2024-06 (none), 2024-07 (TASS)
    assert page.locator("svg.vchart rect").count() == 5


def test_login_opens_the_locked_explorer(locked_site: str, page: Page) -> None:
    """A locked server shows the sign-in form instead of any page; the right token lets the
    person in (an HttpOnly cookie a script cannot read), a wrong one does not."""
    base = locked_site
    denied = page.goto(base + "/statements?q=Putin")
    assert denied is not None and denied.status == 401
    expect(page.locator("h1")).to_have_text("Sign in")
    assert page.locator(".stmt").count() == 0  # nothing of the database is shown
    _shot(page, "login")

    page.fill("#token", "not-the-token")
    page.click("form.login button")
    expect(page.locator("p.alert")).to_contain_text("not valid")
    assert page.context.cookies() == []

    page.fill("#token", TOKEN)
    page.click("form.login button")
    # back where the person was going, with the page shown
    expect(page).to_have_url(base + "/statements?q=Putin")
    expect(page.locator(".stmt").first).to_be_visible()
    [cookie] = page.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and TOKEN not in cookie["value"]
    assert page.evaluate("document.cookie") == ""  # scripts cannot read the session
    _shot(page, "after-login")
    # other pages open too, and the JSON twin answers the signed-in browser
    response = page.goto(base + "/speakers")
    assert response is not None and response.status == 200


def test_locked_explorer_denies_requests_without_a_token(
    locked_site: str, browser: Browser
) -> None:
    context = browser.new_context()
    try:
        api = context.request
        r = api.get(locked_site + "/statements.json?q=Putin")
        assert r.status == 401 and r.json()["status"] == 401
        assert "Putin" not in r.text()
        wrong = api.get(locked_site + "/.json", headers={"Authorization": "Bearer wrong"})
        assert wrong.status == 401
        ok = api.get(locked_site + "/.json", headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status == 200 and ok.json()["stats"]["articles"] == 5
    finally:
        context.close()
