"""The quality gate: pinned dev-split floors per extractor, measured and compared.

Not part of the package: it knows where this repository keeps its floors and where the data
folder may be, which an installed sayso does not.

``benchmarks/quality_floor.json`` pins, for each extractor behind a pipeline, two kinds of
numbers:

- from external data (:func:`measure_data`): the PolNeAR dev split (brat protocol) and CofeNet's
  ``valid.txt`` (BIO protocol), research-only, never committed, so skipped where absent;
- from the golds bundled in this repository (:func:`measure_in_repo`, keys ``chains.*`` and
  ``speakers.*``): parent links on the chain gold's dev split and speaker accuracy and
  cross-article identity on the speaker gold's dev split.  They need nothing outside the
  repository, so they always run, in CI too.

``tests/test_quality_gate.py`` fails when a number falls more than the file's ``tolerance``
(points, percent scale) below its floor; ``benchmarks/update_floor.py`` rewrites the file from a
fresh run and refuses to lower a floor without ``--allow-regression``.

Where the data is: :func:`find_data` looks at ``$SAYSO_DATA``, then ``../shared/data`` next to
the repository, then ``/work/shared/data``.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sayso import extract
from sayso.errors import GoldDataError

#: The repository root (this file is benchmarks/gate.py).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The floors file.
FLOOR_FILE = REPO_ROOT / "benchmarks" / "quality_floor.json"
#: Where the data folder may be, after $SAYSO_DATA, in order.
DATA_CANDIDATES = (REPO_ROOT.parent / "shared" / "data", Path("/work/shared/data"))
#: The gold data the gate scores, relative to the data folder.
POLNEAR_DEV = "polnear/dev"
COFENET_VALID = "cofenet-polnear/valid.txt"
#: The readouts collection the stories metrics group the stories gold among (``stories.*``:
#: the whole collection as distractors, as the issue's target says), relative to the data folder.
READOUTS = "gov-readouts"
STORIES_GOLD = REPO_ROOT / "benchmarks" / "gold" / "stories"
#: Metric-key prefix of the stories metrics (they need READOUTS; skipped without it).
STORIES_PREFIX = "stories."
#: The bundled golds the in-repo metrics score (their dev split).
CHAIN_GOLD = REPO_ROOT / "benchmarks" / "gold" / "chains"
SPEAKER_GOLD = REPO_ROOT / "benchmarks" / "gold" / "speakers"
#: The split of the bundled golds the gate scores (test is held out: never gated, never tuned on).
GOLD_SPLIT = "dev"
#: Metric-key prefixes of the in-repo metrics (everything else needs external data).
IN_REPO_PREFIXES = ("chains.", "speakers.")
#: Speaker gold types whose accuracy is pinned besides the overall one: the two the resolver
#: works hardest on (pronouns; I/we inside quotes and transcript turns).
GATED_SPEAKER_TYPES = ("pronoun", "first_person")
#: How far (F1 points, percent scale) a number may fall below its floor before the gate fails:
#: enough for float noise and rounding, far less than any change worth noticing.
DEFAULT_TOLERANCE = 0.5


def find_data() -> tuple[Path | None, str]:
    """The data folder holding the gate's gold files, or None and why none was found."""
    env = os.environ.get("SAYSO_DATA")
    if env:
        # An explicit path wins; falling back silently would score the wrong data.
        root = Path(env)
        missing = [p for p in (POLNEAR_DEV, COFENET_VALID) if not (root / p).exists()]
        if missing:
            return None, f"SAYSO_DATA={env} lacks {', '.join(missing)}"
        return root, f"SAYSO_DATA={env}"
    for root in DATA_CANDIDATES:
        if (root / POLNEAR_DEV).is_dir() and (root / COFENET_VALID).is_file():
            return root, str(root)
    tried = ", ".join(str(p) for p in DATA_CANDIDATES)
    return None, (
        f"no PolNeAR dev split / CofeNet valid.txt found (SAYSO_DATA unset; tried {tried}); "
        "set SAYSO_DATA to the folder holding polnear/ and cofenet-polnear/"
    )


def gated_extractors() -> dict[str, list[str]]:
    """Each versioned extractor that a user-facing pipeline points at -> those pipeline names."""
    out: dict[str, list[str]] = {}
    for alias, name in sorted(extract.PIPELINES.items()):
        out.setdefault(name, []).append(alias)
    return out


def is_in_repo(metric: str) -> bool:
    """Whether a metric is measured on a gold bundled in this repository (always runnable)."""
    return metric.startswith(IN_REPO_PREFIXES)


def only(floors: dict[str, float], in_repo: bool) -> dict[str, float]:
    """The in-repo metrics of ``floors`` (``in_repo``) or the external-data ones (not)."""
    return {k: v for k, v in floors.items() if is_in_repo(k) == in_repo}


def measure_in_repo(extractor: str) -> dict[str, float]:
    """The gate's numbers for one extractor on the bundled golds' dev split: parent-link F1 on
    the chain gold; speaker accuracy (overall, pronouns, first person) and cross-article identity
    precision and recall on the speaker gold."""
    from sayso.evaluate.chains import evaluate_chains
    from sayso.evaluate.speakers import evaluate_speakers

    chains = evaluate_chains(CHAIN_GOLD, extractor, GOLD_SPLIT)
    speakers = evaluate_speakers(SPEAKER_GOLD, extractor, GOLD_SPLIT)
    out = {
        "chains.link.f1": chains.links.f1,
        "speakers.accuracy": speakers.accuracy().accuracy,
        "speakers.identity.p": speakers.identity.p,
        "speakers.identity.r": speakers.identity.r,
    }
    for t in GATED_SPEAKER_TYPES:
        out[f"speakers.{t}.accuracy"] = speakers.accuracy(t).accuracy
    return {k: round(v, 2) for k, v in sorted(out.items())}


def measure(extractor: str, data: Path | None) -> dict[str, float]:
    """All the gate's numbers for one extractor: the in-repo ones, and the external-data ones
    when ``data`` is given."""
    out = measure_in_repo(extractor)
    if data is not None:
        out.update(measure_data(extractor, data))
    return out


def has_readouts(data: Path) -> bool:
    """Whether the data folder holds the readouts collection (for the ``stories.*`` metrics)."""
    return (data / READOUTS).is_dir()


@functools.cache
def _story_grouping(readouts: Path) -> float:
    """Story pairwise F1 (percent) on the stories gold's dev split among the whole collection:
    the same for every extractor (grouping reads no statements), so measured once."""
    from sayso.stories.evaluation import evaluate_stories

    report = evaluate_stories(STORIES_GOLD, [readouts], GOLD_SPLIT, parts=("grouping",))
    return float(report.grouping["pairwise"]["f1"]) * 100


def measure_stories(extractor: str, data: Path) -> dict[str, float]:
    """The stories numbers for one extractor: story pairwise F1 with the readouts collection as
    distractors, and claim alignment F1 from that extractor's statements (dev split), in all
    and over the pairs of two sources' mentions, and how many mentions are credited right."""
    from sayso.stories.evaluation import evaluate_stories

    readouts = data / READOUTS
    report = evaluate_stories(STORIES_GOLD, [readouts], GOLD_SPLIT, pipeline=extractor,
                              parts=("claims",))  # fmt: skip
    claims = report.claims or {}
    out = {
        "stories.pairwise.f1": _story_grouping(readouts),
        "stories.claims.f1": float(claims.get("alignment", {}).get("f1", 0.0)) * 100,
        # the pairs of two sources' mentions: one point in two accounts
        "stories.claims.across.f1": float(
            claims.get("alignment_across_sources", {}).get("f1", 0.0)
        ) * 100,
        # of the matched mentions, credited to whom the account says asserts it
        "stories.mentions.credited": float(
            claims.get("mentions", {}).get("credited_accuracy", 0.0)
        ) * 100,
    }
    return {k: round(v, 2) for k, v in out.items()}


def measure_data(extractor: str, data: Path) -> dict[str, float]:
    """The gate's external-data numbers for one extractor: PolNeAR dev (brat) and CofeNet
    valid (BIO); the stories ones when the readouts collection is there."""
    from sayso.evaluate.runner import evaluate_cofenet, evaluate_polnear

    p = evaluate_polnear(data / POLNEAR_DEV, extractor).score
    c = evaluate_cofenet(data / COFENET_VALID, extractor).scores
    out = {}
    for role in ("source", "cue", "content"):
        out[f"polnear.{role}.f1"] = p.exact[role].f1
        out[f"polnear.{role}.token_f1"] = p.token[role].f1
    out["polnear.attribution_exact.f1"] = p.attribution_exact.f1
    out["polnear.attribution_partial.f1"] = p.attribution_partial.f1
    for t, prf in p.coverage.items():
        out[f"polnear.content_coverage_{round(t * 100)}.f1"] = prf.f1
    # Source accuracy is not pinned: it is measured over the contents found, so finding more
    # (harder) contents can lower it while the extractor got better.
    for role in ("source", "cue", "content"):
        out[f"cofenet.{role}.f1"] = c[role].f1
    out = {k: round(v, 2) for k, v in out.items()}
    if has_readouts(data):
        out.update(measure_stories(extractor, data))
    return out


@dataclass(frozen=True, slots=True)
class Regression:
    """One number below its floor."""

    extractor: str  #: the versioned extractor name
    metric: str  #: the metric key ("polnear.content.f1")
    floor: float  #: the pinned floor
    measured: float  #: what this run measured

    def __str__(self) -> str:
        return (
            f"{self.extractor} {self.metric}: {self.measured:.2f} < floor {self.floor:.2f} "
            f"({self.measured - self.floor:+.2f})"
        )


def load_floors(path: Path | None = None) -> dict[str, Any]:
    """The floors file as written by ``benchmarks/update_floor.py`` (default ``FLOOR_FILE``)."""
    path = path if path is not None else FLOOR_FILE
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GoldDataError(
            f"cannot read quality floors {path}: {exc}; run python benchmarks/update_floor.py"
        ) from exc
    if "extractors" not in data:
        raise GoldDataError(f"{path}: no 'extractors' key; rewrite it with update_floor.py")
    return data


def compare(
    extractor: str, measured: dict[str, float], floors: dict[str, float], tolerance: float
) -> list[Regression]:
    """The numbers that fell more than ``tolerance`` below their floor (or went missing)."""
    out = []
    for metric, floor in sorted(floors.items()):
        got = measured.get(metric)
        if got is None or got < floor - tolerance:
            out.append(Regression(extractor, metric, floor, got if got is not None else -1.0))
    return out


def lowered(old: dict[str, float], new: dict[str, float]) -> list[str]:
    """Metrics whose new floor would be below the old one (needs --allow-regression)."""
    return [m for m in sorted(old) if m not in new or new[m] < old[m]]
