"""sayso.ingest: every input format, every kind of bad input, the bundled sample."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from sayso.errors import InputRejected
from sayso.ingest import parse_text, read_inputs, sample_paths
from sayso.ingest.dates import normalise_published
from sayso.ingest.settings import MAX_TEXT_BYTES
from sayso.ingest.text import is_credit_line
from sayso.models import Article, InputError

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
DATA = Path(os.environ.get("SAYSO_DATA", "/work/shared/data"))
HEADLINE = "Kremlin Says Brandt Asked for Call on Grain Deal"


def read(*inputs: str | Path, stdin: object = None) -> list[Article | InputError]:
    items = list(read_inputs([str(i) for i in inputs], stdin=stdin))  # type: ignore[arg-type]
    for item in items:
        assert isinstance(item, Article | InputError), item
        if isinstance(item, Article) and item.title:
            # The contract: text begins with the headline, so headline cues have offsets.
            assert item.text.startswith(item.title + "\n\n")
    return items


def articles(items: list[Article | InputError]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def errors(items: list[Article | InputError]) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def only_error(items: list[Article | InputError]) -> InputError:
    assert len(items) == 1 and isinstance(items[0], InputError), items
    return items[0]


# --- plain text --------------------------------------------------------------------------------


def test_worked_example_parses_rubric_headline_and_drops_photo_credit() -> None:
    [article] = read(FIXTURES / "worked-example.txt")
    assert isinstance(article, Article)
    assert article.topics == ("world",)
    assert article.title == HEADLINE
    assert article.text.startswith(HEADLINE + "\n\nPresident Tomas Brandt called")
    assert "Photo" not in article.text and "Reuters" not in article.text
    assert "world" not in article.text.split("\n")[0]
    # One line per paragraph in the file: each line is its own paragraph.
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[2].startswith("According to government spokeswoman Lea Moser")
    assert paragraphs[2].endswith('Bern had "no plan B."')


def test_text_credit_lines_and_repeated_headline_are_dropped() -> None:
    text = (
        "Talks Resume in Geneva\n\n"
        "(Image: Jane Doe/AFP/Getty Images)\n"
        "Diplomats met on Monday, the foreign ministry said.\n\n"
        "Photo: …/AFP/Getty Images\n\n"
        "Getty Images\n\n"
        "A spokesman told reporters that no agreement had been reached.\n\n"
        "Talks resume in Geneva\n"
    )
    article = parse_text(text)
    assert article.title == "Talks Resume in Geneva"
    assert article.text == (
        "Talks Resume in Geneva\n\n"
        "Diplomats met on Monday, the foreign ministry said.\n\n"
        "A spokesman told reporters that no agreement had been reached."
    )


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo: J. Doe/Reuters", True),
        ("Photo: …/AFP/Getty Images", True),
        ("(Image: Kremlin press service)", True),
        ("Getty Images", True),
        ("Jane Doe/AFP via Getty Images", True),
        ("AP Photo/Evan Vucci", True),
        ("Reuters reported that the talks had failed.", False),
        ("The agency said Getty Images had supplied the picture.", False),
        ("Photographers gathered outside the Kremlin on Tuesday.", False),
    ],
)
def test_credit_line_detection(line: str, credit: bool) -> None:
    assert is_credit_line(line) is credit


def test_credit_above_the_headline_and_credits_only() -> None:
    article = parse_text("Photo: J. Doe/Reuters\n\nTalks Resume\n\nThe minister said so.\n")
    assert article.title == "Talks Resume"
    assert article.text == "Talks Resume\n\nThe minister said so."
    with pytest.raises(InputRejected, match="only photo credits"):
        parse_text("Photo: J. Doe/Reuters\nGetty Images\n")


def test_hard_wrapped_text_is_rejoined_into_paragraphs() -> None:
    text = (
        "Talks Resume in Geneva\n\n"
        "Diplomats from both sides met on Monday in Geneva, where the\n"
        'foreign minister said the talks were "constructive" and would\n'
        "continue next week.\n\n"
        "A spokesman told reporters that no agreement had been reached.\n"
    )
    article = parse_text(text)
    assert article.text.split("\n\n") == [
        "Talks Resume in Geneva",
        "Diplomats from both sides met on Monday in Geneva, where the foreign minister said "
        'the talks were "constructive" and would continue next week.',
        "A spokesman told reporters that no agreement had been reached.",
    ]


def test_terse_headline_is_not_taken_for_a_rubric() -> None:
    article = parse_text(
        "Brexit Chaos\n\nThe prime minister said on Monday that talks would go on."
    )
    assert article.topics == ()
    assert article.title == "Brexit Chaos"


def test_single_sentence_has_no_headline() -> None:
    article = parse_text("Biden said he would run again.\n")
    assert article.title is None
    assert article.text == "Biden said he would run again."


@pytest.mark.parametrize(
    ("first_line", "is_title"),
    [
        ("Readout of President Biden’s Call with President-Elect Ferdinand Marcos Jr.", True),
        ("U.S. Talks With Iran Stall in Vienna", True),
        ('Putin: "We Will Respond"', True),
        ('He said the call was "frank but useful."', False),
        ("The minister resigned on Monday.", False),
        ("x" * 301, False),
    ],
)
def test_headline_detection(first_line: str, is_title: bool) -> None:
    article = parse_text(f"{first_line}\n\nThe spokesman told reporters so.\n")
    assert (article.title == first_line) is is_title


def test_rubric_with_several_labels() -> None:
    article = parse_text("world / europe\n\nSwiss President Calls Putin\n\nBrandt said so.\n")
    assert article.topics == ("world", "europe")
    assert article.title == "Swiss President Calls Putin"


def test_windows_newlines_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbfTalks Resume\r\n\r\nThe minister said so.\r\n")
    [article] = read(path)
    assert isinstance(article, Article)
    assert article.text == "Talks Resume\n\nThe minister said so."


# --- HTML --------------------------------------------------------------------------------------


def test_html_article_keeps_metadata_and_drops_boilerplate() -> None:
    [article] = read(FIXTURES / "article.html")
    assert isinstance(article, Article)
    assert article.title == HEADLINE
    assert article.source == "The Daily Example"
    assert article.published == "2022-07-12"
    assert article.url == "https://daily.example/world/kremlin-brandt-call"
    assert "World" in article.topics and "grain deal" in article.topics
    assert article.text.startswith(HEADLINE + "\n\nPresident Tomas Brandt called")
    assert article.text.count(HEADLINE) == 1  # the <h1> is not repeated under the title
    for boilerplate in ("Sport", "Opinion", "Copyright", "Contact us", "Photo:"):
        assert boilerplate not in article.text
    assert article.text.endswith('Bern had "no plan B."')


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    body = "<p>" + "Le ministre a déclaré que les négociations continueraient. " * 4 + "</p>"
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Négociations à Genève</title></head>'
        f"<body><article>{body}</article></body></html>"
    )
    path = tmp_path / "latin1.html"
    path.write_bytes(page.encode("latin-1"))
    [article] = read(path)
    assert isinstance(article, Article)
    assert article.title == "Négociations à Genève"
    assert "a déclaré" in article.text


def test_html_without_article_is_an_error(tmp_path: Path) -> None:
    error = only_error(read(FIXTURES / "navigation.html"))
    assert error.input.endswith("navigation.html")
    assert "no article text found" in error.message
    empty = tmp_path / "empty-body.html"
    empty.write_text("<!DOCTYPE html><html><head><title>Nothing</title></head><body></body></html>")
    assert "no article text found" in only_error(read(empty)).message


def test_html_is_sniffed_without_an_extension(tmp_path: Path) -> None:
    path = tmp_path / "page"
    path.write_bytes((FIXTURES / "article.html").read_bytes())
    [article] = read(path)
    assert isinstance(article, Article) and article.title == HEADLINE


# --- JSONL -------------------------------------------------------------------------------------


def _record(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_jsonl_fields_and_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    lines = [
        _record(
            id="wn-1",
            url="https://en.wikinews.org/wiki/A",
            source="Wikinews (English)",
            published="2021-11-10 21:19:17-05:00",
            title="Minister resigns",
            text="The minister said on Monday that she would resign.\n\nHer party agreed.",
            topics=["politics"],
        ),
        '{"id": "wn-2", "title": "Broken", "text": "unterminated',
        "",
        _record(id=3, title="Same first line", text="Same first line\n\nThe mayor told reporters."),
        _record(id="wn-4", published="2020-02-14", text="No title here, the agency said."),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = read(path)
    assert [type(i) for i in items] == [Article, InputError, Article, Article]
    first, bad, third, fourth = items
    assert isinstance(first, Article) and isinstance(bad, InputError)
    assert first.external_id == "wn-1"
    assert first.title == "Minister resigns"
    assert first.text == (
        "Minister resigns\n\nThe minister said on Monday that she would resign.\n\n"
        "Her party agreed."
    )
    assert first.published == "2021-11-10T21:19:17-05:00"
    assert first.source == "Wikinews (English)"
    assert first.url == "https://en.wikinews.org/wiki/A"
    assert first.topics == ("politics",)
    assert bad.input == f"{path}:2"
    assert "malformed JSON" in bad.message and "Unterminated string" in bad.message
    assert isinstance(third, Article) and third.external_id == "3"
    assert third.text == "Same first line\n\nThe mayor told reporters."  # title not doubled
    assert isinstance(fourth, Article) and fourth.title is None
    assert fourth.published == "2020-02-14"


def test_jsonl_record_without_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text(_record(id="x", title="Only a title") + "\n[1, 2]\n", encoding="utf-8")
    first, second = read(path)
    assert isinstance(first, InputError) and first.input == f"{path}:1"
    assert "no article text" in first.message
    assert isinstance(second, InputError) and second.input == f"{path}:2"
    assert "expected a JSON object" in second.message


def test_json_list_document(tmp_path: Path) -> None:
    path = tmp_path / "articles.json"
    records = [{"title": "One", "text": "A said B."}, {"text": ""}, {"text": "C told D."}]
    path.write_text(json.dumps(records, indent=2), encoding="utf-8")
    items = read(path)
    assert [type(i) for i in items] == [Article, InputError, Article]
    assert items[1].input == f"{path}[1]"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2021-11-10 21:19:17-05:00", "2021-11-10T21:19:17-05:00"),
        ("2021-11-11T13:52:00Z", "2021-11-11T13:52:00+00:00"),
        ("2019-01-04", "2019-01-04"),
        ("Tuesday, June 4, 2019", "2019-06-04"),
        ("sometime last spring", "sometime last spring"),
        # only as precise as given (issue 14): no day borrowed for a month or a year
        ("July 2019", "2019-07"),
        ("Jul. 2019", "2019-07"),
        ("07/2019", "2019-07"),
        ("2019-07", "2019-07"),
        ("2019", "2019"),
        ("2019-13", "2019-13"),
        ("Spring 2019", "Spring 2019"),
        (None, None),
        ("", None),
    ],
)
def test_published_normalisation(given: str | None, expected: str | None) -> None:
    assert normalise_published(given) == expected


# --- WARC --------------------------------------------------------------------------------------


def _html_page(title: str) -> bytes:
    paragraphs = (
        f"<p>{title}: the spokeswoman told reporters on Monday that talks would resume.</p>"
        "<p>According to the ministry, both delegations will meet again in Geneva.</p>"
        '<p>"We are ready," the envoy said in a statement on Telegram.</p>'
    )
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{paragraphs}</article></body></html>"
    ).encode()


def _write_warc(path: Path, gzipped: bool) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "sayso-tests"}))

        def response(uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html"):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            # A given length keeps warcio from spooling the payload to an unclosed temp file.
            record = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=headers
            )
            writer.write_record(record)

        response("https://news.example/one", _html_page("First Talks Resume"))
        response("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", ctype="image/png")
        response("https://news.example/old", b"", status="301 Moved Permanently")
        response("https://news.example/", (FIXTURES / "navigation.html").read_bytes())
        response("https://news.example/two", _html_page("Second Talks Resume"))
        response(
            "https://news.example/three",
            _html_page("Third Talks Resume"),
            ctype="text/html; charset=utf-8",
        )


@pytest.mark.parametrize("gzipped", [False, True])
def test_warc_html_responses_become_articles(tmp_path: Path, gzipped: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzipped else "crawl.warc")
    _write_warc(path, gzipped)
    items = read(path)
    found = articles(items)
    assert [a.url for a in found] == [
        "https://news.example/one",
        "https://news.example/two",
        "https://news.example/three",
    ]
    assert [a.title for a in found] == [
        "First Talks Resume",
        "Second Talks Resume",
        "Third Talks Resume",
    ]
    [nav] = errors(items)  # the navigation page; the image and the redirect are skipped
    assert nav.input == f"{path}::https://news.example/"
    assert "no article text found" in nav.message


@pytest.mark.parametrize("gzipped", [False, True])
def test_truncated_warc_yields_articles_before_the_damage(tmp_path: Path, gzipped: bool) -> None:
    whole = tmp_path / "whole.warc"
    _write_warc(whole, gzipped)
    data = whole.read_bytes()
    cut = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
    cut.write_bytes(data[: len(data) - 150])  # inside the last record
    items = read(cut)
    assert [a.url for a in articles(items)] == [
        "https://news.example/one",
        "https://news.example/two",
    ]
    last = items[-1]
    assert isinstance(last, InputError) and last.input == str(cut)
    assert "truncated" in last.message


@pytest.mark.parametrize("gzipped", [False, True])
def test_warc_cut_anywhere_inside_a_record_is_reported(tmp_path: Path, gzipped: bool) -> None:
    whole = tmp_path / "whole.warc"
    _write_warc(whole, gzipped)
    data = whole.read_bytes()
    with open(whole, "rb") as fh:
        iterator = ArchiveIterator(fh)
        starts = [iterator.offset for _ in iterator]
    all_urls = [a.url for a in articles(read(whole))]
    cut = tmp_path / "cut.warc"
    # Every 41st byte: cuts in WARC headers, HTTP headers, payloads, separators, gzip trailers.
    for size in range(1, len(data), 41):
        # A cut exactly between records leaves a valid, shorter WARC.
        if size in starts or (not gzipped and data[:size].endswith(b"\r\n\r\n")):
            continue
        cut.write_bytes(data[:size])
        items = read(cut)
        last = items[-1]
        assert isinstance(last, InputError) and last.input == str(cut), (size, last)
        assert "truncated" in last.message or "not a readable WARC" in last.message, size
        urls = [a.url for a in articles(items)]
        assert urls == all_urls[: len(urls)], size


def test_warc_sniffed_from_content(tmp_path: Path) -> None:
    whole = tmp_path / "crawl.warc.gz"
    _write_warc(whole, gzipped=True)
    unnamed = tmp_path / "crawl.bin"
    unnamed.write_bytes(whole.read_bytes())
    assert len(articles(read(unnamed))) == 3


def test_file_named_warc_that_is_not_one(tmp_path: Path) -> None:
    path = tmp_path / "fake.warc"
    path.write_text("This is not an archive at all, just a note.\n")
    error = only_error(read(path))
    assert "not a readable WARC" in error.message


# --- bad input ---------------------------------------------------------------------------------


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" * 20)
    error = only_error(read(path))
    assert error.input == str(path)
    assert "binary data" in error.message


def test_invalid_utf8_is_rejected_not_mangled(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Talks Resume\n\nThe minister said the café was closed.\n".encode("cp1252"))
    error = only_error(read(path))
    assert "not valid UTF-8" in error.message
    assert "line 3" in error.message and "0xE9" in error.message
    assert "re-encode" in error.message


def test_empty_and_blank_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n \t\n")
    assert "empty" in only_error(read(empty)).message
    assert "empty" in only_error(read(blank)).message
    empty_jsonl = tmp_path / "empty.jsonl"
    empty_jsonl.write_text("\n\n")
    assert "empty" in only_error(read(empty_jsonl)).message


def test_over_size_article_reports_size_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Huge Headline\n\n" + ("The official said so. " * 250_000))
    assert path.stat().st_size > 5 * 1024 * 1024
    error = only_error(read(path))
    assert "5.2 MiB" in error.message and "over the 2.0 MiB limit" in error.message
    assert "MAX_TEXT_BYTES" in error.message


def test_over_size_jsonl_record_skips_only_that_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    huge = "x" * (MAX_TEXT_BYTES + 10)
    path.write_text(_record(text=huge) + "\n" + _record(text="A said B.") + "\n")
    first, second = read(path)
    assert isinstance(first, InputError) and first.input == f"{path}:1"
    assert "limit" in first.message
    assert isinstance(second, Article)


def test_invalid_utf8_jsonl_line(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(_record(text="A said B.").encode() + b"\n" + b'{"text": "caf\xe9 said"}\n')
    first, second = read(path)
    assert isinstance(first, Article)
    assert isinstance(second, InputError) and second.input == f"{path}:2"
    assert "not valid UTF-8" in second.message


# Issue 14: each of these lines once failed the reader and dropped every later line.
_BAD_JSON_LINES = {
    "lone surrogate": ('{"text": "Putin said \\ud800 twice."}', "lone surrogate escape \\ud800"),
    "lone surrogate in a key": ('{"text": "A said B.", "\\udfff": 1}', "\\udfff"),
    "nested 5,000 deep": ("[" * 5000 + "]" * 5000, "nested too deeply"),
    "object nested 5,000 deep": ('{"a":' * 5000 + "1" + "}" * 5000, "nested too deeply"),
    "integer of 5,000 digits": ('{"text": "A said B.", "n": ' + "9" * 5000 + "}", "digits"),
}


@pytest.mark.parametrize("case", sorted(_BAD_JSON_LINES))
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_bad_jsonl_line_is_one_error_and_later_lines_are_read(
    tmp_path: Path, case: str, via: str
) -> None:
    bad, expected = _BAD_JSON_LINES[case]
    data = (
        "\n".join(
            [_record(text="A said B."), bad, _record(text="C told D."), _record(text="E said F.")]
        ).encode()
        + b"\n"
    )
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(data)
    name = str(path) if via == "file" else "<stdin>"
    items = read(path) if via == "file" else read("-", stdin=io.BytesIO(data))
    assert [type(i) for i in items] == [Article, InputError, Article, Article], items
    error = items[1]
    assert isinstance(error, InputError) and error.input == f"{name}:2"
    assert expected in error.message and "fix" in error.message, error.message
    assert "unexpected failure" not in error.message
    assert [a.text for a in articles(items)] == ["A said B.", "C told D.", "E said F."]


def test_valid_surrogate_pair_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "emoji.jsonl"
    path.write_text('{"text": "She said \\ud83d\\ude00 at once."}\n', encoding="utf-8")
    [article] = read(path)
    assert isinstance(article, Article) and "\U0001f600" in article.text


def test_json_document_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 5000 + "]" * 5000)
    error = only_error(read(path))
    assert error.input == f"{path}:1" and "nested too deeply" in error.message


@pytest.mark.parametrize(
    "line",
    [
        b"[" * (2 * MAX_TEXT_BYTES),  # one over-size line (cut, not held whole)
        b"[" * (MAX_TEXT_BYTES - 10),
        b'{"a":' * (MAX_TEXT_BYTES // 6),
        b'{"text": "' + b"\\ud800" * (MAX_TEXT_BYTES // 7) + b'"}',
        b'{"text": 1' + b"1" * (MAX_TEXT_BYTES - 20) + b"}",
        b'{"text": "' + b"\\" * (MAX_TEXT_BYTES - 40) + b'", "topics": 5}',
        b"{" + b'"k": 1, ' * (MAX_TEXT_BYTES // 9) + b'"z": 1}',
    ],
    ids=["over-size", "deep-arrays", "deep-objects", "surrogates", "long-int", "escapes", "keys"],
)
def test_adversarial_jsonl_lines_take_linear_time(line: bytes) -> None:
    """Lines of a few MiB built to be slow are rejected about as fast as they are read."""
    import time

    good = _record(text="A said B.").encode() + b"\n"
    data = good + line + b"\n" + good
    start = time.perf_counter()
    items = list(read_inputs(["-"], stdin=io.BytesIO(data)))  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    assert [type(i) for i in items] == [Article, InputError, Article], items
    assert "unexpected failure" not in items[1].message  # type: ignore[union-attr]
    assert len(items[1].message) < 500  # type: ignore[union-attr]
    assert elapsed < 5.0, f"{elapsed:.1f} s for {len(line):,} bytes"


def test_missing_path_and_unmatched_glob(tmp_path: Path) -> None:
    missing = only_error(read(tmp_path / "nope.txt"))
    assert missing.input == str(tmp_path / "nope.txt")
    assert "no such file" in missing.message
    unmatched = only_error(read(tmp_path / "*.html"))
    assert unmatched.input == str(tmp_path / "*.html")
    assert "matches no files" in unmatched.message


def test_gzip_that_is_not_a_warc(tmp_path: Path) -> None:
    path = tmp_path / "notes.gz"
    path.write_bytes(gzip.compress(b"Just some notes."))
    assert "not a WARC" in only_error(read(path)).message


def test_bad_inputs_never_stop_the_run(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Talks Resume\n\nThe minister said so.\n")
    binary = tmp_path / "bin.dat"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    items = read(tmp_path / "missing.txt", binary, FIXTURES / "navigation.html", good)
    assert [type(i) for i in items] == [InputError, InputError, InputError, Article]


def test_text_that_is_html_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "saved-page.txt"
    path.write_bytes((FIXTURES / "article.html").read_bytes())
    [article] = read(path)
    assert isinstance(article, Article) and article.source == "The Daily Example"


def test_utf16_text_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes("Talks Resume\n\nThe minister said the café was closed.\n".encode("utf-16"))
    [article] = read(path)
    assert isinstance(article, Article) and "café" in article.text


_PREFIXES = st.sampled_from(
    [b"", b"WARC/1.0\r\n", b"\x1f\x8b", b"<html><body>", b'{"text": ', b"[{", b"world\n\n"]
)
_PAYLOADS = st.one_of(
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


@settings(max_examples=150, deadline=None)
@given(_PREFIXES, _PAYLOADS)
def test_any_bytes_give_articles_or_clear_errors(prefix: bytes, payload: bytes) -> None:
    items = read("-", stdin=io.BytesIO(prefix + payload))
    assert items
    for item in items:
        # "unexpected failure" is the safety net's message: reaching it is a bug.
        assert isinstance(item, Article) or "unexpected failure" not in item.message


# --- ids, stdin, directories, globs ------------------------------------------------------------


def test_rereading_gives_the_same_ids() -> None:
    inputs = [FIXTURES / "worked-example.txt", FIXTURES / "article.html", *sample_paths()]
    first = [a.id for a in articles(read(*inputs))]
    second = [a.id for a in articles(read(*inputs))]
    assert first == second and len(set(first)) == len(first)


def test_stdin_text_bytes_and_jsonl() -> None:
    text = (FIXTURES / "worked-example.txt").read_text(encoding="utf-8")
    [from_text] = read("-", stdin=io.StringIO(text))
    [from_file] = read(FIXTURES / "worked-example.txt")
    assert isinstance(from_text, Article) and from_text == from_file
    jsonl = (_record(text="A said B.") + "\n" + _record(text="C told D.") + "\n").encode()
    assert len(articles(read("-", stdin=io.BytesIO(jsonl)))) == 2
    [html] = read("-", stdin=io.BytesIO((FIXTURES / "article.html").read_bytes()))
    assert isinstance(html, Article) and html.title == HEADLINE
    error = only_error(read("-", stdin=io.BytesIO(b"")))
    assert error.input == "<stdin>" and "empty" in error.message


def test_directory_is_read_recursively_sorted_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Zed Headline\n\nZ said so.\n")
    (tmp_path / "a.txt").write_text("Aye Headline\n\nA said so.\n")
    (tmp_path / "b" / "m.jsonl").write_text(_record(title="Em Headline", text="M said so.") + "\n")
    (tmp_path / ".secret.txt").write_text("Hidden\n\nH said so.\n")
    (tmp_path / ".hidden" / "h.txt").write_text("Hidden\n\nH said so.\n")
    (tmp_path / "b" / "logo.png").write_bytes(b"\x89PNG\x00\x00")
    items = read(tmp_path)
    assert [a.title for a in articles(items)] == ["Aye Headline", "Em Headline", "Zed Headline"]
    assert not errors(items)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no readable files" in only_error(read(empty)).message


def test_glob_pattern(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.txt").write_text(f"Headline {name}\n\n{name} said so.\n")
    (tmp_path / "skip.html").write_text("<html></html>")
    items = read(tmp_path / "*.txt")
    assert [a.title for a in articles(items)] == ["Headline one", "Headline two"]


# --- bundled sample and shared data ------------------------------------------------------------


def test_bundled_sample_loads_and_is_credited() -> None:
    paths = sample_paths()
    assert [p.name for p in paths] == ["wikinews.jsonl", "gov-readouts.jsonl"]
    assert sum(p.stat().st_size for p in paths) < 300_000
    items = read(*paths)
    assert not errors(items)
    found = articles(items)
    wikinews = [a for a in found if a.source == "Wikinews (English)"]
    assert len(wikinews) == 25
    assert not any("tells Wikinews" in (a.title or "") for a in wikinews)
    sources = {a.source for a in found} - {"Wikinews (English)"}
    assert sources == {"The White House (United States)", "President of Russia (Kremlin)"}
    for line in paths[1].read_text(encoding="utf-8").splitlines():
        assert json.loads(line)["license"]
    notice = (paths[0].parent / "NOTICE").read_text(encoding="utf-8")
    assert "Wikinews contributors" in notice and "CC BY 2.5" in notice and "CC BY 4.0" in notice
    for article in found:
        assert article.url and article.url in notice


@pytest.mark.parametrize("relative", ["wikinews-en/articles.jsonl", "gov-readouts/articles.jsonl"])
def test_shared_data_loads_without_errors(relative: str) -> None:
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"{path} is absent (set SAYSO_DATA to the data folder)")
    items = read(path)
    assert not errors(items), errors(items)[:3]
    expected = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(items) == expected
