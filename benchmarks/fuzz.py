"""Fuzz campaign: generated and mutated article text through every extractor and every reader.

Each case is drawn from a seeded ``random.Random`` (case ``i`` of seed ``s`` is always the same
input): generated text (stray and unbalanced quote marks of every kind, run-on sentences,
control and zero-width characters, right-to-left text, HTML fragments, huge single lines,
repeated cues) or a bundled news article mutated the same ways.  The text goes

1. through every registered extractor (one parse, shared), and
2. wrapped as a file of one reader's format (text, html, jsonl, warc) through ``sayso.ingest``
   and on through the ingest path's extraction (``sayso.pipeline.extract_each``),

and every result is checked (:func:`check_case`): no exception, spans inside the text and equal
to its slice, parents exist, no parent cycles, no empty content, readers yield Articles or
one-line InputErrors, and time per KB bounded.  ``tests/test_fuzz.py`` runs the same cases
under hypothesis; this script runs long campaigns::

    python benchmarks/fuzz.py --cases 100000 --state fuzz-state.json   # resumable
    python benchmarks/fuzz.py --cases 100000 --jobs 2 --state fuzz-state.json   # both cores
    python benchmarks/fuzz.py --cases 500 --seed 7

Progress is checkpointed to ``--state`` (a JSON file: cases done, failures, seconds) every
``--every`` cases, so a killed campaign resumes where it stopped; each failing input is saved
under ``--failures`` (default ``fuzz-failures/``) with its traceback.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sayso import extract, nlp
from sayso.ingest import read_inputs
from sayso.models import Article, Extraction, InputError
from sayso.pipeline import extract_doc, extract_each

#: Seconds allowed per case: this much, plus SECONDS_PER_KB for each KB of text (generous:
#: the machine is shared; a quadratic path blows through it by orders of magnitude).
SECONDS_FIXED = 20.0
#: Seconds allowed per KB of text, on top of SECONDS_FIXED.
SECONDS_PER_KB = 3.0
#: Formats a case's text is wrapped in for the readers.
FORMATS = ("text", "html", "jsonl", "warc", "feed")

# --- the alphabet of trouble -------------------------------------------------------------------

QUOTES = [
    '"',
    "'",
    "\u201c",
    "\u201d",
    "\u2018",
    "\u2019",
    "\u00ab",
    "\u00bb",
    "\u201e",
    "\u201a",
    "\u2039",
    "\u203a",
    "``",
    "''",
    "\u300c",
    "\u300d",
    "\u201f",
    "\u275d",
    "\u275e",
    "\uff02",
]
CUES = [
    "said",
    "says",
    "told",
    "told reporters",
    "according to",
    "claimed",
    "added",
    "warned",
    "said that",
    "is quoted as saying",
    "thinks",
    "believes",
    "announced",
    "wrote",
    "asked",
    "denied",
    "said on Monday",
    "told the BBC",
    "insisted",
    "argued",
]
WORDS = [
    "the",
    "minister",
    "President Smith",
    "Mr. Jones",
    "officials",
    "he",
    "she",
    "they",
    "it",
    "bridge",
    "talks",
    "would",
    "resume",
    "and",
    "that",
    "of",
    "in",
    "a",
    "was",
    "Reuters",
    "the spokesman",
    "Dr. Ana Li",
    "who",
    "which",
    "not",
    "never",
    "next week",
    "2019",
    "$5m",
]
PUNCT = [".", ",", ";", ":", "!", "?", "\u2014", "\u2013", "-", "(", ")", "...", "\u2026", "/"]
SPACES = [" ", "  ", "\n", "\n\n", "\t", "\r\n", "\r", "\u00a0", "\u2028", "\u2029", "\x0c"]
WEIRD = [
    "\x00",
    "\x01",
    "\x07",
    "\x08",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2069",
    "\u0301",
    "\u0336",
    "\ufffd",
    "\U0001f600",
    "\U0001f1fa",
    "\U000e0041",
    "\ud7ff",
    "\ue000",
]
RTL = [
    "\u05e9\u05dc\u05d5\u05dd",
    "\u0642\u0627\u0644",
    "\u0627\u0644\u0648\u0632\u064a\u0631",
    "\u05d0\u05de\u05e8",
]
HTML = [
    "<p>",
    "</p>",
    "<br>",
    "<div class='x'>",
    "</div>",
    "&amp;",
    "&quot;",
    "&#8220;",
    "&nbsp;",
    "<script>alert(1)</script>",
    "<!--",
    "-->",
    "<b>",
    "</b>",
    "<a href='/x'>",
    "</a>",
    "<![CDATA[",
    "]]>",
    "<?xml version='1.0'?>",
    "<title>",
    "<html>",
    "</body>",
]
POOLS = [QUOTES, CUES, WORDS, PUNCT, SPACES, WEIRD, RTL, HTML]


def _sample_texts() -> list[str]:
    out = []
    for name in ("wikinews.jsonl", "gov-readouts.jsonl"):
        ref = resources.files("sayso.data.samples") / name
        for line in ref.read_text(encoding="utf-8").splitlines()[:40]:
            text = json.loads(line).get("text")
            if isinstance(text, str) and text:
                out.append(text[:1500])
    return out


_SAMPLES: list[str] | None = None


def samples() -> list[str]:
    """Real news texts (the bundled sample) that mutations start from."""
    global _SAMPLES
    if _SAMPLES is None:
        _SAMPLES = _sample_texts()
    return _SAMPLES


# --- generation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One fuzz input: an article text and the reader format it is wrapped in."""

    text: str  #: the article text given to the extractors
    format: str  #: the reader the wrapped file goes through (FORMATS)
    data: bytes  #: the file's bytes
    kind: str  #: how it was made (for the report)


def _token(rng: random.Random, weights: list[float]) -> str:
    pool = rng.choices(POOLS, weights)[0]
    return rng.choice(pool)


def generated(rng: random.Random, size: int) -> str:
    """Text of about ``size`` characters built from the alphabet of trouble."""
    weights = [rng.random() for _ in POOLS]
    weights[2] += 1.0  # mostly words, so that parses are sentences
    weights[1] += 0.3
    parts: list[str] = []
    n = 0
    while n < size:
        t = _token(rng, weights)
        sep = "" if rng.random() < 0.15 else " "
        parts.append(t + sep)
        n += len(t) + len(sep)
    return "".join(parts)


def run_on(rng: random.Random, size: int) -> str:
    """One unit repeated: repeated cues, one huge sentence, thousands of quote marks."""
    unit = generated(rng, rng.randint(3, 60))
    if rng.random() < 0.5:
        unit = rng.choice(["He said ", "said ", '"', "according to ", "told ", "\u201c"]) + unit
    if rng.random() < 0.5:
        unit = "".join(ch for ch in unit if ch not in ".!?\n")
    return unit * max(1, size // max(1, len(unit)))


def mutated(rng: random.Random, text: str) -> str:
    """A news text with random edits: inserted trouble, cut slices, stripped punctuation."""
    chars = list(text)
    for _ in range(rng.randint(1, 30)):
        op = rng.random()
        pos = rng.randint(0, len(chars))
        if op < 0.45:
            chars[pos:pos] = list(_token(rng, [1, 1, 1, 1, 1, 1, 0.5, 1]))
        elif op < 0.65 and chars:
            end = min(len(chars), pos + rng.randint(1, 40))
            del chars[pos:end]
        elif op < 0.8 and chars:
            end = min(len(chars), pos + rng.randint(1, 200))
            chars[pos:pos] = chars[pos:end] * rng.randint(1, 5)
        else:
            q = rng.choice(QUOTES)
            chars[pos:pos] = list(q)
    out = "".join(chars)
    if rng.random() < 0.2:
        out = "".join(ch for ch in out if ch not in ".!?")
    if rng.random() < 0.2:
        out = out.replace("\n", " ")
    return out


def make_text(rng: random.Random) -> tuple[str, str]:
    """An article text and how it was made."""
    r = rng.random()
    # Mostly short texts, so that a campaign runs many cases; linear time on big ones is
    # benchmarks/linear.py's job (and tests/test_linear_time.py's).
    if r < 0.4:
        return mutated(rng, rng.choice(samples())), "mutated"
    if r < 0.65:
        return run_on(rng, rng.choice([100, 300, 800, 2000])), "run-on"
    if r < 0.995:
        return generated(rng, rng.choice([10, 40, 100, 250, 600, 1500])), "generated"
    return generated(rng, 20_000).replace("\n", " "), "huge line"


def wrap(rng: random.Random, text: str, fmt: str) -> bytes:
    """``text`` as the bytes of a file in format ``fmt``, sometimes damaged on purpose."""
    title = text[: rng.randint(0, 80)].split("\n")[0]
    if fmt == "text":
        data = text.encode("utf-8", "surrogatepass")
    elif fmt == "html":
        body = text if rng.random() < 0.5 else text.replace("&", "&amp;").replace("<", "&lt;")
        paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
        data = (
            f"<!doctype html><html><head><title>{title}</title></head>"
            f"<body><article><h1>{title}</h1>{paras}</article></body></html>"
        ).encode("utf-8", "surrogatepass")
    elif fmt == "jsonl":
        lines = [json.dumps({"text": text, "title": title, "id": "x"})]
        extra = rng.random()
        if extra < 0.1:
            lines.insert(0, "[" * rng.choice([10, 2000, 5000]))
        elif extra < 0.2:
            lines.append('{"text": "\\ud800 said the mayor."}')
        elif extra < 0.3:
            lines.append(lines[0][: rng.randint(0, len(lines[0]))])
        data = "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n"
    elif fmt == "feed":
        esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        data = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
            f"<item><title>{title.replace('&', '&amp;').replace('<', '&lt;')}</title>"
            "<link>https://news.example/a</link>"
            f"<description>{esc}</description></item></channel></rss>"
        ).encode("utf-8", "surrogatepass")
    else:
        data = _warc(rng, wrap(rng, text, "html"))
    if rng.random() < 0.05 and data:  # byte-level damage: invalid UTF-8, truncation
        pos = rng.randint(0, len(data) - 1)
        data = data[:pos] + rng.choice([b"\xff", b"\xc3", b"\x00", b""]) + data[pos + 1 :]
    return data


def _warc(rng: random.Random, page: bytes) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=rng.random() < 0.5)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        "https://news.example/a",
        "response",
        payload=io.BytesIO(page),
        length=len(page),
        http_headers=headers,
    )
    writer.write_record(record)
    return buf.getvalue()


def make_case(rng: random.Random) -> Case:
    """One fuzz case drawn from ``rng``."""
    text, kind = make_text(rng)
    fmt = rng.choice(FORMATS)
    return Case(text, fmt, wrap(rng, text, fmt), kind)


def case(seed: int, i: int) -> Case:
    """Case ``i`` of the campaign seeded ``seed`` (always the same input)."""
    return make_case(random.Random(f"{seed}:{i}"))


_SUFFIX = {"text": "txt", "html": "html", "jsonl": "jsonl", "warc": "warc", "feed": "rss"}
_SCRATCH: list[Path] = []


def _scratch() -> Path:
    """A private folder for the case files (removed at exit)."""
    if not _SCRATCH:
        import atexit
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="sayso-fuzz-"))
        atexit.register(shutil.rmtree, folder, True)
        _SCRATCH.append(folder)
    return _SCRATCH[0]


# --- checking --------------------------------------------------------------------------------


def check_extraction(ex: Extraction) -> None:
    """The invariants every extraction keeps, whatever the input (AssertionError if not)."""
    text = ex.article.text
    by_id = {a.id: a for a in ex.attributions}
    assert len(by_id) == len(ex.attributions), "attribution ids are unique"
    speakers = {s.id for s in ex.speakers}
    for a in ex.attributions:
        spans = [a.cue, *a.content] + ([a.source] if a.source is not None else [])
        for s in spans:
            assert 0 <= s.start <= s.end <= len(text), f"span {s.start}-{s.end} outside text"
            assert s.text == text[s.start : s.end], "span text equals its slice"
        assert a.cue.end > a.cue.start, "a cue has text"
        assert a.content and any(c.end > c.start for c in a.content), "no empty content"
        assert a.parent is None or a.parent in by_id, "parents exist"
        assert a.speaker is None or a.speaker in speakers, "speakers exist"
    for a in ex.attributions:
        seen = {a.id}
        p = a.parent
        while p is not None:
            assert p not in seen, f"parent cycle through {p}"
            seen.add(p)
            p = by_id[p].parent


def _check_time(started: float, text: str) -> None:
    elapsed = time.perf_counter() - started
    kb = len(text.encode("utf-8", "surrogatepass")) / 1024
    limit = SECONDS_FIXED + SECONDS_PER_KB * kb
    assert elapsed <= limit, f"{elapsed:.1f} s for {kb:.1f} KB (limit {limit:.1f} s)"


def check_text(text: str) -> None:
    """Every registered extractor on ``text`` (one parse, shared) keeps the invariants."""
    started = time.perf_counter()
    article = Article(text=text)
    doc = nlp.parse_article(text)
    for name in extract.available():
        check_extraction(extract_doc(doc, article, name))
    _check_time(started, text)


def check_reader(data: bytes, fmt: str, checked: str | None = None) -> None:
    """The reader of ``fmt`` on ``data``, then the ingest path's extraction, keep the
    invariants: Articles with text or one-line InputErrors, never an exception.

    ``checked``: a text :func:`check_text` already ran on (not extracted again)."""
    started = time.perf_counter()
    path = _scratch() / f"case.{_SUFFIX[fmt]}"
    path.write_bytes(data)
    items = list(read_inputs([str(path)]))
    articles = []
    for item in items:
        if isinstance(item, InputError):
            assert item.input and "\n" not in item.message, "one-line error naming the input"
        else:
            assert isinstance(item, Article), f"reader yields {type(item).__name__}"
            assert item.text.strip(), "an article has text"
            if item.text != checked:
                articles.append(item)
    for result in extract_each(articles):
        # An InputError here is an extractor crash that the run survived: still a bug.
        assert not isinstance(result, InputError), f"extraction failed: {result.message}"
        check_extraction(result)
    _check_time(started, data.decode("utf-8", "replace"))


def check_case(c: Case) -> None:
    """All checks of one case."""
    check_text(c.text)
    check_reader(c.data, c.format, checked=c.text)


# --- the campaign ----------------------------------------------------------------------------


def _load_state(path: Path | None, seed: int) -> dict[str, object]:
    if path is not None and path.exists():
        state = json.loads(path.read_text(encoding="utf-8"))
        if state.get("seed") == seed:
            return dict(state)
    return {"seed": seed, "done": 0, "failures": [], "seconds": 0.0}


def _save_state(path: Path | None, state: dict[str, object]) -> None:
    if path is None:
        return
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    tmp.replace(path)


def check_one(seed: int, failures_dir: Path, i: int) -> dict[str, object] | None:
    """Case ``i`` of ``seed`` checked; None when it passes, else its failure record (and its
    input and traceback saved under ``failures_dir``)."""
    c = case(seed, i)
    try:
        check_case(c)
        return None
    except Exception as exc:  # every failure is recorded; the campaign goes on
        failures_dir.mkdir(parents=True, exist_ok=True)
        stem = failures_dir / f"seed{seed}-case{i}"
        stem.with_suffix(".txt").write_text(c.text, encoding="utf-8", errors="surrogatepass")
        stem.with_suffix(f".{c.format}").write_bytes(c.data)
        stem.with_suffix(".traceback").write_text(traceback.format_exc(), encoding="utf-8")
        return {"case": i, "kind": c.kind, "format": c.format, "error": repr(exc), "at": str(stem)}


def _worker_init(scratch: str, seconds_fixed: float, seconds_per_kb: float) -> None:
    """A worker process: its own scratch folder (inside the parent's, removed by it) and the
    parent's time bounds."""
    import os

    global SECONDS_FIXED, SECONDS_PER_KB
    SECONDS_FIXED, SECONDS_PER_KB = seconds_fixed, seconds_per_kb
    folder = Path(scratch) / f"worker-{os.getpid()}"
    folder.mkdir(parents=True, exist_ok=True)
    _SCRATCH[:] = [folder]


def _results(
    seed: int, failures_dir: Path, first: int, cases: int, jobs: int
) -> Iterator[dict[str, object] | None]:
    """``check_one`` of cases ``first..cases-1`` in order, in ``jobs`` processes."""
    if jobs <= 1:
        for i in range(first, cases):
            yield check_one(seed, failures_dir, i)
        return
    import functools
    import multiprocessing

    # Spawn, not fork: the accurate extractor runs torch, whose thread pool a forked child
    # inherits locked (the child hangs); each worker loads the models itself.
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(jobs, initializer=_worker_init,
                  initargs=(str(_scratch()), SECONDS_FIXED, SECONDS_PER_KB)) as pool:
        run = functools.partial(check_one, seed, failures_dir)
        yield from pool.imap(run, range(first, cases), chunksize=8)


def campaign(
    cases: int, seed: int, state_path: Path | None, failures_dir: Path, every: int, jobs: int = 1
) -> Iterator[str]:
    """Run cases up to ``cases`` (resuming from ``state_path``) in ``jobs`` processes; yields
    progress lines.  Results are taken in case order, so the checkpoint is always a prefix."""
    state = _load_state(state_path, seed)
    done = int(state["done"])  # type: ignore[call-overload]
    failures: list[dict[str, object]] = state["failures"]  # type: ignore[assignment]
    seconds = float(state["seconds"])  # type: ignore[arg-type]
    nlp.load()
    extract.available()
    t_last = time.perf_counter()
    for i, failure in enumerate(_results(seed, failures_dir, done, cases, jobs), start=done):
        if failure is not None:
            at = failure.pop("at")
            failures.append(failure)
            yield (
                f"FAIL case {i} ({failure['kind']}, {failure['format']}): {failure['error']} "
                f"-> {at}.*"
            )
        done = i + 1
        if done % every == 0 or done == cases:
            now = time.perf_counter()
            seconds += now - t_last
            t_last = now
            state.update(done=done, failures=failures, seconds=round(seconds, 1))
            _save_state(state_path, state)
            rate = done / seconds if seconds else 0.0
            yield (
                f"{done} cases, {len(failures)} failures, {rate:.2f} cases/s "
                f"({seconds:.0f} s of campaign time)"
            )


def main(argv: list[str] | None = None) -> int:
    """Run a campaign; exit 1 when any case failed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1000, help="total cases (resumes to this)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--state", type=Path, default=None, help="checkpoint file (JSON)")
    ap.add_argument("--failures", type=Path, default=Path("fuzz-failures"))
    ap.add_argument("--every", type=int, default=100, help="checkpoint every N cases")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (one per core)")
    args = ap.parse_args(argv)
    failed = False
    for line in campaign(args.cases, args.seed, args.state, args.failures, args.every, args.jobs):
        failed = failed or line.startswith("FAIL")
        print(line, flush=True)
    state = _load_state(args.state, args.seed) if args.state else None
    if state is not None and state["failures"]:
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
