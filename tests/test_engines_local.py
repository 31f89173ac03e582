"""sayso.engines.ingest with the real pipeline: statuses, resumability, error collection.

The extractor's counts are not tested here (they change as it improves); that each article's
stored statements match what the report says is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sayso.engines import ingest
from sayso.errors import InputRejected, PipelineError
from sayso.extract import resolve_name
from sayso.models import Article, InputError
from sayso.store import Store

TEXTS = (
    "Talks to resume\n\nThe foreign minister said on Monday that the talks would resume next week.",
    'Storm warning\n\n"Stay indoors," the mayor told residents, according to local radio.',
    "Quiet day\n\nNothing much happened in the village. The weather was fine.",
)


def _articles() -> list[Article]:
    return [Article(text=t, title=t.split("\n")[0], source="Test Wire") for t in TEXTS]


def test_ingest_statuses_resume_and_errors(tmp_path: Path) -> None:
    a, b, c = _articles()
    bad = InputError("feed.jsonl:7", "line is not JSON; fix or drop it")
    items = [a, bad, b, a]  # a twice: the second copy is already stored by then
    seen: list[Article | InputError] = []
    with Store(tmp_path / "i.db") as store:
        report = ingest(store, items, progress=seen.append)
        assert [o.status for o in report.outcomes] == ["added", "error", "added", "skipped"]
        assert sorted(map(repr, seen)) == sorted(map(repr, items))  # once per input
        assert report.extractor == resolve_name("fast")
        assert (report.added, report.skipped, report.errors) == (2, 1, 1)
        err = report.outcomes[1]
        assert (err.id, err.input, err.message) == ("", bad.input, bad.message)
        for o in report.outcomes:
            if o.status == "added":
                assert store.has_article(o.id, report.extractor)
                stored = store.article(o.id)
                assert stored is not None and len(stored.attributions) == o.statements
        assert report.statements == store.stats().statements
        assert report.seconds > 0
        assert report.to_json()["added"] == 2

        # a rerun with one new article only extracts that one
        again = ingest(store, [a, b, c, bad])
        assert [o.status for o in again.outcomes] == ["skipped", "skipped", "added", "error"]
        assert store.stats().articles == 3
        assert store.has_article(c.id, report.extractor)  # stored even with no statements


def test_ingest_accepts_rejected_inputs_and_refuses_unknown_items(tmp_path: Path) -> None:
    with Store(tmp_path / "j.db") as store:
        report = ingest(store, [InputRejected("x.warc", "truncated record")])
        assert report.outcomes[0].status == "error" and report.outcomes[0].input == "x.warc"
        with pytest.raises(TypeError, match="Article or InputError"):
            ingest(store, ["just a string"])  # type: ignore[list-item]


def test_unknown_pipeline_fails_before_writing(tmp_path: Path) -> None:
    with Store(tmp_path / "k.db") as store:
        with pytest.raises(PipelineError, match="unknown pipeline"):
            ingest(store, _articles(), pipeline="no-such-pipeline")
        assert store.stats().articles == 0


def test_the_writer_process_never_imports_the_extractors() -> None:
    # The one writer of --jobs N resolves the pipeline's name without importing the extractor
    # modules (numpy, numba: about 70 MiB it never uses); an unknown name still fails, and the
    # extractors load where they run.
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from sayso.extract import resolve_name, get\n"
        "from sayso.errors import PipelineError\n"
        "names = [resolve_name(p) for p in ('fast', 'rules', 'accurate', 'sayso.rules.v1')]\n"
        "print(names, 'numba' in sys.modules, 'numpy' in sys.modules)\n"
        "try:\n"
        "    resolve_name('nonesuch')\n"
        "except PipelineError as exc:\n"
        "    print('refused', 'unknown pipeline' in str(exc))\n"
        "print(type(get('rules')).__name__ != '', 'numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=300
    ).stdout.splitlines()
    assert out[0] == (
        "['sayso.learned.v1', 'sayso.rules.v1', 'sayso.accurate.v1', 'sayso.rules.v1'] False False"
    )
    assert out[1] == "refused True"
    assert out[2] == "True True"
