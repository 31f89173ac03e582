"""The stories pages in a real browser (Playwright driving Debian's chromium, as test_browser).

Screenshots go to ``test-artifacts/screenshots/stories-*.png``.  Skipped without chromium.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:
    pytest.skip(
        "chromium is not installed (`apt-get install -y chromium`); browser tests skipped",
        allow_module_level=True,
    )

from playwright.sync_api import Page, expect  # noqa: E402
from test_browser import _serving, _shot, browser, page  # noqa: E402,F401
from test_stories_web import story_db  # noqa: E402

from sayso.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def story_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with (
        story_db(tmp_path_factory, "stories-browser") as path,
        _serving(create_app(path, allowed_hosts=["127.0.0.1"])) as base,
    ):
        yield base


def test_from_stories_to_a_highlighted_mention(story_site: str, page: Page) -> None:  # noqa: F811 - the fixture imported from test_browser
    page.goto(f"{story_site}/stories")
    expect(page.locator("nav a[aria-current=page]")).to_have_text("Stories")
    rows = page.locator("tr.story")
    expect(rows).to_have_count(2)
    expect(rows.first.locator(".outlet")).to_have_count(2)
    _shot(page, "stories-list")
    rows.first.locator("a").click()
    expect(page.locator("table.compare")).to_be_visible()
    expect(page.locator("th.outlet-col")).to_have_count(2)
    conflict = page.locator("tr.claim.conflict").first
    expect(conflict).to_be_visible()
    expect(conflict.locator(".why")).not_to_be_empty()
    # status at a glance: the three kinds are coloured differently
    colours = {
        page.locator(f"tr.claim.{s} span.status").first.evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        for s in ("shared", "conflict", "one_sided")
        if page.locator(f"tr.claim.{s}").count()
    }
    assert len(colours) >= 2
    _shot(page, "stories-compare")
    # the conflicting claims alone, by their count in the header, and back to all claims
    every = page.locator("tr.claim").count()
    page.locator("a.status.conflict").click()
    expect(page.locator("tr.claim.conflict").first).to_be_visible()
    expect(page.locator("tr.claim.shared")).to_have_count(0)
    assert page.locator("tr.claim").count() < every
    _shot(page, "stories-conflicts")
    page.locator("a.all-claims").click()
    expect(page.locator("tr.claim")).to_have_count(every)
    mention = page.locator("tr.claim.shared .mention a").first
    text = mention.inner_text()
    mention.click()
    mark = page.locator("mark.mention")
    expect(mark).to_have_text(text)
    expect(mark).to_be_in_viewport()
    _shot(page, "stories-mention")
