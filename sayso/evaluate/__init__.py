"""Gold readers (PolNeAR brat, CofeNet BIO, sayso's own chain and speaker golds) and scorers.

- :mod:`sayso.evaluate.polnear`: brat standoff reader -> ``GoldDocument`` records.
- :mod:`sayso.evaluate.cofenet`: CofeNet's paragraph BIO lines, text rebuild, char-span -> BIO
  mapping, and CofeNet's exact-span scorer.
- :mod:`sayso.evaluate.scoring`: span, attribution and coverage scores on PolNeAR documents.
- :mod:`sayso.evaluate.runner`: run a pipeline on gold data and score it (what ``sayso evaluate``
  calls).
- :mod:`sayso.evaluate.gold`: what the bundled golds share (splits, the JSON Lines reader).
- :mod:`sayso.evaluate.chains`: the chain gold (``benchmarks/gold/chains``): parent links.
- :mod:`sayso.evaluate.speakers`: the speaker gold (``benchmarks/gold/speakers``): resolved
  speakers and cross-article identity, read back from a store as a user sees them.
"""

from .chains import evaluate_chains
from .speakers import evaluate_speakers

__all__ = ["evaluate_chains", "evaluate_speakers"]
