"""No input crashes a run: regression rows for inputs that once did, and a hypothesis fuzz of
every extractor and every reader (issue 14).

The invariants (``benchmarks/fuzz.py``, which also runs long campaigns): no exception, every
span inside the text and equal to its slice, parents exist, no parent cycles, no empty content,
readers yield Articles or one-line InputErrors, time per KB bounded.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks import fuzz
from benchmarks.fuzz import check_extraction
from sayso import extract
from sayso.ingest import read_inputs
from sayso.models import Article, InputError
from sayso.pipeline import extract_article

# --- regression rows: inputs that crashed a run once ----------------------------------------

#: A run-on text of one multi-word-cue word, cut by the 220-token window mid-cue (IndexError
#: in the learned core), and realistic prose with one long unpunctuated sentence.
RUN_ON = (
    "said " * 221,
    "said " * 1000,
    "The minister told reporters on Tuesday that according to officials the plan "
    + "and the budget " * 120
    + "would be approved said the spokesman who added that it was fine",
)


@pytest.mark.parametrize("pipeline", ["fast", "rules"])
@pytest.mark.parametrize("text", RUN_ON, ids=["said221", "said1000", "prose"])
def test_run_on_paragraph_cut_mid_cue_does_not_crash(text: str, pipeline: str) -> None:
    check_extraction(extract_article(Article(text=text), pipeline=pipeline))


@pytest.mark.parametrize("suffix", [".jsonl", ".dat"])
def test_deep_first_json_line_is_no_recursion_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    good = '{"text": "The mayor said the bridge would reopen."}'
    path.write_text("[" * 5000 + "\n" + good + "\n", encoding="utf-8")
    items = list(read_inputs([str(path)]))
    assert items, "something is read"
    texts = [i.text for i in items if isinstance(i, Article)]
    if suffix == ".jsonl":
        assert isinstance(items[0], InputError) and "deep" in items[0].message
        assert texts == ["The mayor said the bridge would reopen."]
    else:
        assert texts and texts[0].startswith("[[[")  # not JSON: read as a text
    stdin = list(read_inputs(["-"], stdin=io.BytesIO(path.read_bytes())))
    assert stdin


def test_every_extractor_is_fuzzed() -> None:
    assert set(extract.available()) >= {"sayso.rules.v1", "sayso.learned.v1"}


# --- an extractor that still fails costs one article, never the run -----------------------

CRASH = "test.crashing.v1"


@pytest.fixture
def crashing(monkeypatch: pytest.MonkeyPatch) -> str:
    """An extractor (registered for this test only) that fails on texts holding BOOM."""

    def run(doc, article):  # type: ignore[no-untyped-def]
        if "BOOM" in article.text:
            raise IndexError("index 220 is out of bounds for axis 0 with size 220")
        return extract.get("rules")(doc, article)

    monkeypatch.setitem(extract._REGISTRY, CRASH, lambda: run)
    monkeypatch.setitem(extract._LOADED, CRASH, run)
    return CRASH


def test_ingest_goes_on_past_an_article_an_extractor_fails_on(
    tmp_path: Path, crashing: str
) -> None:
    from sayso.engines import ingest
    from sayso.store import Store

    good = Article(text="The mayor said the bridge would reopen on Monday.", title="Bridge")
    bad = Article(text="BOOM said the officials.", url="https://example.org/boom")
    later = Article(text="The minister said the talks would resume.", title="Talks")
    seen: list[object] = []
    with Store(tmp_path / "f.db") as store:
        report = ingest(store, [good, bad, later], pipeline=crashing, progress=seen.append)
        assert [o.status for o in report.outcomes] == ["added", "error", "added"]
        err = report.outcomes[1]
        assert err.input == "https://example.org/boom"
        assert err.message is not None and "IndexError" in err.message and "\n" not in err.message
        assert store.has_article(later.id, crashing) and not store.has_article(bad.id, crashing)
        assert len(seen) == 3  # progress once per input, the failed one as its error
        assert [type(x).__name__ for x in seen] == ["Article", "InputError", "Article"]


def test_damaged_warc_error_is_one_line(tmp_path: Path) -> None:
    # Found by the fuzz campaign: warcio quotes the bad record's first line, CRLF included.
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    page = b"<html><body><p>The mayor said the bridge would reopen on Monday.</p></body></html>"
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=False)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            "https://news.example/a",
            "response",
            payload=io.BytesIO(page),
            length=len(page),
            http_headers=headers,
        )
    )
    path = tmp_path / "cut.warc"
    path.write_bytes(buf.getvalue() + b"g </p></article></body></html>\r\n")
    errors = [i for i in read_inputs([str(path)]) if isinstance(i, InputError)]
    assert any("corrupt" in e.message for e in errors)
    assert all("\n" not in e.message and "\r" not in e.message for e in errors)


# --- the fuzz: a few hundred generated cases per run (benchmarks/fuzz.py runs campaigns) -----

_FUZZ = settings(
    max_examples=150,
    deadline=None,  # time is checked per KB inside the case, generously (shared CI machines)
    derandomize=True,  # the same cases every run: CI stays reproducible
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@_FUZZ
@given(st.randoms(use_true_random=False))
def test_fuzz_every_extractor_and_reader(rng: random.Random) -> None:
    """A case as the campaign makes them: generated or mutated news text, through every
    extractor, and wrapped as a text, HTML, JSONL, WARC or feed file through the readers."""
    fuzz.check_case(fuzz.make_case(rng))


_TROUBLE = st.sampled_from(
    [t for pool in fuzz.POOLS for t in pool] + [" ", " ", " ", "said", "the mayor", "."]
)


@settings(_FUZZ, max_examples=100)
@given(st.lists(_TROUBLE, min_size=0, max_size=120).map("".join))
def test_fuzz_text_of_troublesome_pieces(text: str) -> None:
    """Hypothesis builds (and shrinks) the text itself from quote marks, cues, control,
    zero-width and right-to-left characters, HTML fragments and punctuation."""
    fuzz.check_text(text)


def test_cli_prints_one_error_line_for_the_failed_article(tmp_path: Path, crashing: str) -> None:
    from click.testing import CliRunner

    from sayso.cli import cli

    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"text": "The mayor said the bridge would reopen.", "id": "ok1"}\n'
        '{"text": "BOOM said the officials.", "id": "boom"}\n'
        '{"text": "The minister said the talks would resume.", "id": "ok2"}\n',
        encoding="utf-8",
    )
    for args in (["ingest", str(tmp_path / "c.db")], ["extract"]):
        result = CliRunner().invoke(cli, [*args, str(src), "--pipeline", crashing])
        assert result.exit_code == 1, result.output
        lines = [ln for ln in result.output.splitlines() if ln.startswith("error ")]
        assert len(lines) == 1 and lines[0].startswith("error boom: internal error")
        assert "IndexError" in lines[0]
        assert "2 added" in result.output or "2 article(s) extracted" in result.output


def test_a_campaign_in_worker_processes_reports_as_one_process_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--jobs 2``: the same cases, the same failures, in case order (the checkpoint stays a
    prefix). A zero time bound makes every case fail, so the records can be compared."""
    monkeypatch.setattr(fuzz, "SECONDS_FIXED", 0.0)
    monkeypatch.setattr(fuzz, "SECONDS_PER_KB", 0.0)

    def run(jobs: int) -> list[tuple[object, ...]]:
        out = list(fuzz._results(5, tmp_path / f"f{jobs}", 0, 4, jobs))
        return [(f["case"], f["kind"], f["format"]) for f in out if f is not None]

    one = run(1)
    assert [c[0] for c in one] == [0, 1, 2, 3]
    assert run(2) == one
