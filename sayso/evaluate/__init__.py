"""Gold readers (PolNeAR brat, CofeNet BIO) and scorers.

- :mod:`sayso.evaluate.polnear`: brat standoff reader -> ``GoldDocument`` records.
- :mod:`sayso.evaluate.cofenet`: CofeNet's paragraph BIO lines, text rebuild, char-span -> BIO
  mapping, and CofeNet's exact-span scorer.
- :mod:`sayso.evaluate.scoring`: span, attribution and coverage scores on PolNeAR documents.
- :mod:`sayso.evaluate.runner`: run a pipeline on gold data and score it (what ``sayso evaluate``
  calls).
"""
