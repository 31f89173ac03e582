"""No input takes more than linear time: the cost per KB of pathological text at ~32 KB stays
within a small factor of its cost at ~2 KB, for both pipelines (issue 14).

CPU time of this process (``time.process_time``), not wall time, so that other work on a shared
machine does not make the test flaky; ``benchmarks/linear.py`` prints the whole curve, up to
1 MB, stage by stage.
"""

from __future__ import annotations

import time

import pytest

from benchmarks.linear import PIPELINES, make_text
from sayso import extract, nlp
from sayso.models import Article
from sayso.pipeline import extract_doc

#: How much more a KB may cost at 32 KB than at 2 KB (quadratic time would be about 16x).
FACTOR = 3.0
#: The pathological patterns of benchmarks/linear.py (every one once took quadratic time).
PATTERNS = ("cues", "sentence", "quotes", "nopunct", "transcript", "markdown", "backward")


def cpu_per_kb(text: str) -> dict[str, float]:
    """CPU seconds per KB of parsing and extracting ``text`` with each pipeline."""
    article = Article(text=text)
    out = {}
    for pipeline in PIPELINES:
        name = extract.resolve_name(pipeline)
        started = time.process_time()
        extract_doc(nlp.parse_article(text), article, name)
        out[pipeline] = (time.process_time() - started) / (len(text) / 1024)
    return out


@pytest.mark.parametrize("pattern", PATTERNS)
def test_cost_per_kb_is_flat(pattern: str) -> None:
    cpu_per_kb("The mayor said the bridge would reopen.")  # models loaded before timing
    # The small size is timed three times and the cheapest kept: its fixed costs are noisy.
    small = [cpu_per_kb(make_text(pattern, 2)) for _ in range(3)]
    large = cpu_per_kb(make_text(pattern, 32))
    for pipeline in PIPELINES:
        base = min(s[pipeline] for s in small)
        assert large[pipeline] <= FACTOR * base, (
            f"{pattern}/{pipeline}: {large[pipeline]:.3f} s/KB at 32 KB vs {base:.3f} at 2 KB"
        )


def test_benchmark_flags_a_stage_that_grows_while_still_small() -> None:
    """benchmarks/linear.py reports each stage's growth: a quadratic stage hidden behind a
    linear parse (flat total s/KB at first) is caught, from the first size it is timed at."""
    from benchmarks.linear import Timing, stage_growth

    sizes = [2.0**k for k in range(11)]  # 1 KB .. 1 MB
    timings = [Timing(kb, 0.1 * kb, 0.05 * kb, 0.001, 1e-4 * kb * kb, 0) for kb in sizes]
    growth = stage_growth(timings)
    assert growth["parse"] == pytest.approx((1.0, 4))
    assert growth["extract"] == pytest.approx((1.0, 8))
    assert "assemble" not in growth  # never took STAGE_FLOOR_S: noise, not measured
    ratio, since = growth["resolve"]
    assert since == 64 and ratio == pytest.approx(1024 / 64)
