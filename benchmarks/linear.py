"""Extraction time per KB on pathological text, from 1 KB up: the curve must stay flat.

Each pattern is repeated to each size; every stage of the pipeline (spaCy parse, extractor,
shared assemble pass, speaker resolver) is timed separately for both pipelines (``fast`` and
``rules``), and the table prints seconds and seconds per KB.  Linear time means the s/KB column
stays flat as the size grows (issue 14)::

    python benchmarks/linear.py                      # 1 KB .. 1 MB, every pattern (~5-10 min each)
    python benchmarks/linear.py --max-kb 64          # a quick look
    python benchmarks/linear.py --patterns cues --profile 64   # cProfile one size
    python benchmarks/linear.py --clock cpu          # CPU seconds: steadier on a shared machine

The total's s/KB hides a stage that grows while it is still small next to the parse, so each
stage's growth is also printed: its s/KB at the largest size over its s/KB at the first size
where it took at least STAGE_FLOOR_S (below that a stage's time is mostly noise).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from sayso import extract, nlp
from sayso.assemble import assemble
from sayso.models import Article
from sayso.resolve.speakers import resolve_speakers

#: Units repeated to the wanted size, each a way text has once taken more than linear time.
PATTERNS: dict[str, str] = {
    # one cue after another: every "said" takes the rest of the text as its content
    "cues": "He said ",
    # realistic prose that never ends its sentence
    "sentence": "the minister told reporters that the plan and the budget would be approved "
    "according to officials who said ",
    # thousands of quote marks, balanced and stray, of every kind
    "quotes": '"We will," she said. \u201cNo\u201d he said \u2018yes\u2019 " \u00ab non \u00bb ',
    # words with no punctuation and no line break at all
    "nopunct": "officials say the talks went well and ministers claim progress while critics ",
    # a transcript printed as one paragraph: a speaker turn per sentence, "as"-clauses and
    # first-person sources (each of these once took quadratic time)
    "transcript": "Question: Are there any talks? Yury Ushakov: Like I said, we agreed. ",
    # Markdown links, well-formed and broken: brackets that never close, targets that do not
    # end, nested parentheses (the parser reads a link as its words: nlp.mask_markup)
    "markdown": "The mayor [said](https://x.org/a_(b)/c) the [bridge would reopen](http://y. "
    "[[ ]( [x](y(z( ![map](m.png) ",
    # a readout that names its speaker after the claim, in one paragraph with stray cues
    # between (backward.py looks back a few sentences for the nearest statement)
    "backward": "Talks went well. Ministers share a view. This was stated by President Ivan "
    "Petrenko during a briefing. ",
    # ordinary news prose, the control: its curve is the flat one to match
    "news": 'The mayor said on Monday that the bridge would reopen. "It is safe," she told '
    "reporters, according to the city's statement.\n\n",
}
#: Pipelines measured.
PIPELINES = ("fast", "rules")
#: The stages timed, as named in the table.
STAGES = ("parse", "extract", "assemble", "resolve")
#: A stage's growth is measured from the first size where it took at least this many seconds.
STAGE_FLOOR_S = 0.25


@dataclass(frozen=True)
class Timing:
    """Seconds per stage for one text and one pipeline."""

    kb: float  #: the text's size in KB (1,024 characters; the patterns are mostly ASCII)
    parse: float  #: spaCy's parse (shared by the pipelines)
    extract: float  #: the extractor
    assemble: float  #: the shared labelling and linking pass
    resolve: float  #: the speaker resolver
    statements: int  #: attributions out

    @property
    def total(self) -> float:
        """All stages."""
        return self.parse + self.extract + self.assemble + self.resolve


def make_text(pattern: str, kb: float) -> str:
    """``pattern`` repeated to ``kb`` KB (cut at a unit boundary)."""
    unit = PATTERNS[pattern]
    return unit * max(1, round(kb * 1024 / len(unit)))


#: the clocks a run may time with: wall seconds, or the process's CPU seconds (all its threads),
#: which other work on a shared machine inflates far less
CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def measure(
    text: str, pipelines: tuple[str, ...] = PIPELINES, clock: str = "wall"
) -> dict[str, Timing]:
    """Time every stage of each pipeline on ``text`` (one parse, shared)."""
    now = CLOCKS[clock]
    article = Article(text=text)
    t0 = now()
    doc = nlp.parse_article(text)
    parse = now() - t0
    out = {}
    for pipeline in pipelines:
        name = extract.resolve_name(pipeline)
        run = extract.get(name)
        t1 = now()
        found = run(doc, article)
        t2 = now()
        atts = assemble(doc, article, list(found), name)
        t3 = now()
        resolve_speakers(doc, article, atts)
        t4 = now()
        out[pipeline] = Timing(len(text) / 1024, parse, t2 - t1, t3 - t2, t4 - t3, len(atts))
    return out


def warm_up() -> None:
    """Load the model and both extractors, so the first size pays no loading."""
    measure("The mayor said the bridge would reopen.")


def sizes(max_kb: float, min_kb: float = 1.0) -> list[float]:
    """Doubling sizes from ``min_kb`` to ``max_kb``."""
    out, kb = [], min_kb
    while kb <= max_kb:
        out.append(kb)
        kb *= 2
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the curve; exit 1 when a pattern's s/KB at the largest size is over ``--factor``
    times its s/KB at the smallest size above 1 KB (1 KB carries fixed costs), or a stage's
    grows more than that (see :func:`stage_growth`)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-kb", type=float, default=1024.0)
    ap.add_argument("--min-kb", type=float, default=1.0)
    ap.add_argument("--patterns", default=",".join(PATTERNS), help="comma-separated")
    ap.add_argument("--factor", type=float, default=2.0, help="largest/smallest s/KB allowed")
    ap.add_argument("--profile", type=float, default=None, help="cProfile this size (KB)")
    ap.add_argument(
        "--clock", choices=sorted(CLOCKS), default="wall", help="time wall or CPU seconds"
    )
    args = ap.parse_args(argv)
    patterns = [p for p in args.patterns.split(",") if p]
    warm_up()
    if args.profile is not None:
        for pattern in patterns:
            _profile(lambda p=pattern: measure(make_text(p, args.profile)))  # type: ignore[misc]
        return 0
    worst = 0.0
    print(
        f"{'pattern':9} {'pipeline':8} {'KB':>7} {'s':>8} {'s/KB':>7} "
        f"{'parse':>7} {'extract':>7} {'assemble':>8} {'resolve':>7} {'stmts':>6}"
    )
    growth: list[tuple[float, str]] = []
    for pattern in patterns:
        base: dict[str, float] = {}
        runs: dict[str, list[Timing]] = {}
        for kb in sizes(args.max_kb, args.min_kb):
            for pipeline, t in measure(make_text(pattern, kb), clock=args.clock).items():
                runs.setdefault(pipeline, []).append(t)
                per_kb = t.total / t.kb
                print(
                    f"{pattern:9} {pipeline:8} {t.kb:7.1f} {t.total:8.2f} {per_kb:7.3f} "
                    f"{t.parse:7.2f} {t.extract:7.2f} {t.assemble:8.2f} {t.resolve:7.2f} "
                    f"{t.statements:6d}",
                    flush=True,
                )
                if kb >= 2 and pipeline not in base:
                    base[pipeline] = per_kb
                elif pipeline in base:
                    worst = max(worst, per_kb / base[pipeline])
        for pipeline, timings in runs.items():
            for stage, (ratio, since) in stage_growth(timings).items():
                growth.append((ratio, f"{pattern}/{pipeline}/{stage} from {since:g} KB"))
    print(f"worst growth of s/KB over the smallest size >= 2 KB: x{worst:.2f}")
    growth.sort(reverse=True)
    print(f"s/KB growth per stage (largest size over the first >= {STAGE_FLOOR_S} s):")
    for ratio, what in growth[:8]:
        flag = f"   over x{args.factor:g}" if ratio > args.factor else ""
        print(f"  x{ratio:5.2f}  {what}{flag}")
    over = [what for ratio, what in growth if ratio > args.factor]
    return 1 if worst > args.factor or over else 0


def stage_growth(timings: list[Timing]) -> dict[str, tuple[float, float]]:
    """For each stage: its s/KB at the largest size over its s/KB at the first size where it
    took at least STAGE_FLOOR_S, and that size in KB (stages that never took that long are
    left out)."""
    out: dict[str, tuple[float, float]] = {}
    last = timings[-1]
    for stage in STAGES:
        first = next((t for t in timings if getattr(t, stage) >= STAGE_FLOOR_S), None)
        if first is None or first is last:
            continue
        ratio = (getattr(last, stage) / last.kb) / (getattr(first, stage) / first.kb)
        out[stage] = (ratio, round(first.kb))
    return out


def _profile(run: Callable[[], object]) -> None:
    prof = cProfile.Profile()
    prof.enable()
    run()
    prof.disable()
    pstats.Stats(prof, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    sys.exit(main())
