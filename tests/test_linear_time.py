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
PATTERNS = ("cues", "sentence", "quotes", "nopunct")


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
