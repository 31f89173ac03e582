"""Saved RSS 2.0 and Atom feeds (fixtures in the shape real outlets publish), URL lists, and
the metadata a plain-text file takes from the command line."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from sayso.ingest import TextMeta, input_bytes, read_inputs
from sayso.ingest.feed import html_to_text
from sayso.models import Article, InputError

FEEDS = Path(__file__).parent / "fixtures" / "feeds"


def test_rss_items_become_articles_with_their_metadata() -> None:
    items = list(read_inputs([str(FEEDS / "world.rss")]))
    assert len(items) == 3
    strike, rift, pictures = items
    assert isinstance(strike, Article) and isinstance(rift, Article)
    assert strike.title == "Port strike to end on Friday, union says"
    assert strike.text == (
        "Port strike to end on Friday, union says\n\n"
        "The dock workers' union said on Monday that the strike would end on Friday.\n\n"
        "\u201cWe have an agreement,\u201d union leader Maria Costa told reporters outside the "
        "port.\n\nThe port authority declined to comment."
    )  # content:encoded wins over the description; the photo caption is not text
    assert strike.url == "https://www.harbourgazette.example/news/world-48512345"
    assert strike.published == "2019-06-04T10:44:12+00:00"
    assert strike.source == "Harbour Gazette - World"
    assert strike.topics == ("Europe", "Labour")
    # an item with only a description; its date is given in +02:00 and stored in UTC
    assert rift.text.endswith("there was a rift in the cabinet, according to state television.")
    assert rift.published == "2019-06-04T07:05:00+00:00"
    assert rift.external_id == "hg-48512399"
    # an item with no text at all is one error naming the item; the others are read
    assert isinstance(pictures, InputError)
    assert pictures.input.endswith("world.rss[2]") and "no content or summary" in pictures.message


def test_atom_entries_content_or_summary() -> None:
    chip, inquiry = read_inputs([str(FEEDS / "tech.atom")])
    assert isinstance(chip, Article) and isinstance(inquiry, Article)
    assert chip.text == (
        "Chipmaker says new plant will open in 2026\n\n"
        "The chipmaker said on Tuesday that its new plant would open in 2026, a year later "
        "than planned.\n\n\u201cDemand is still strong,\u201d chief executive Lena Ortiz said in "
        "a statement."
    )
    assert chip.published == "2024-03-12T18:30:00+00:00"
    assert chip.url == "https://circuit.example/2024/3/12/chip-plant-2026"
    assert chip.source == "The Circuit - All Posts"
    assert chip.topics == ("Business", "Tech")
    assert inquiry.published == "2024-03-11T09:00:00+00:00"  # no published: the updated date
    assert inquiry.text.endswith("opened an inquiry into app store fees.")


def test_a_feed_is_told_by_its_content_whatever_its_name(tmp_path: Path) -> None:
    shutil.copy(FEEDS / "world.rss", tmp_path / "saved-feed.txt")
    shutil.copy(FEEDS / "tech.atom", tmp_path / "index.xml")
    kinds = [type(x).__name__ for x in read_inputs([str(tmp_path)])]
    assert kinds == ["Article", "Article", "Article", "Article", "InputError"]
    with open(FEEDS / "tech.atom", "rb") as fh:
        piped = list(read_inputs(["-"], stdin=io.BytesIO(fh.read())))  # type: ignore[arg-type]
    assert [a.title for a in piped if isinstance(a, Article)][0].startswith("Chipmaker")


def test_broken_or_empty_feeds_are_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty.rss").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>X</title></channel></rss>'
    )
    (tmp_path / "notafeed.xml").write_text("<?xml version='1.0'?><catalog><book/></catalog>")
    errors = list(read_inputs([str(tmp_path / "empty.rss"), str(tmp_path / "notafeed.xml")]))
    assert all(isinstance(e, InputError) for e in errors)
    assert "no items" in errors[0].message  # type: ignore[union-attr]
    assert "not a readable RSS or Atom feed" in errors[1].message  # type: ignore[union-attr]


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    html = "<div><p>One <b>two</b></p><script>x()</script>three<br/>four</div>"
    assert html_to_text(html) == "One two\n\nthree\n\nfour"
    assert html_to_text("plain words") == "plain words"


@pytest.mark.parametrize(
    "content",
    [
        "https://www.bbc.co.uk/news/world-1\nhttps://www.reuters.com/world/a-2\n",
        "\nhttp://example.com/a\n\nwww.example.org/b.html\n",
        "https://apnews.com/article/x-123",
    ],
)
def test_a_list_of_urls_is_refused_with_how_to_save_pages(tmp_path: Path, content: str) -> None:
    path = tmp_path / "urls.txt"
    path.write_text(content)
    (error,) = read_inputs([str(path)])
    assert isinstance(error, InputError) and error.input == str(path)
    assert "never fetches pages" in error.message and "--warc-file" in error.message


def test_text_with_a_url_in_it_is_still_an_article(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Mayor speaks\n\nThe mayor said the report is at https://city.example/r.\n")
    (article,) = read_inputs([str(path)])
    assert isinstance(article, Article) and article.title == "Mayor speaks"


def test_plain_text_takes_source_published_and_url(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Talks to resume\n\nThe minister said on Monday that talks would resume.\n")
    (html_path := tmp_path / "page.jsonl").write_text(
        '{"text": "The mayor said so.", "source": "Own Outlet"}\n'
    )
    meta = TextMeta(source="Daily Example", published="4 June 2019", url="https://x.example/1")
    article, record = read_inputs([str(path), str(html_path)], meta=meta)
    assert isinstance(article, Article) and isinstance(record, Article)
    assert (article.source, article.published, article.url) == (
        "Daily Example", "2019-06-04", "https://x.example/1"
    )
    assert article.published_date is not None  # so that "on Monday" resolves
    assert (record.source, record.published) == ("Own Outlet", None)  # only plain text takes it


def test_input_bytes_and_on_read_count_the_files(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    a.write_text("".join(f'{{"text": "The mayor said {i}."}}\n' for i in range(5)))
    b = tmp_path / "b.txt"
    b.write_text("The minister said so.\n")
    total = input_bytes([str(tmp_path)])
    assert total == a.stat().st_size + b.stat().st_size
    assert input_bytes(["-"]) is None
    seen: list[int] = []
    items = list(read_inputs([str(tmp_path)], on_read=seen.append))
    assert len(items) == 6 and sum(seen) == total and len(seen) >= 6
