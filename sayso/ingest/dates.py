"""Publication dates as ISO 8601 strings."""

from __future__ import annotations

import datetime as dt
import re

from .settings import DATE_LANGUAGES

# A time of day in a free-form date ("June 4, 2019 10:30"), to tell a date-time from a date.
_HAS_TIME = re.compile(r"\d:\d\d")


def normalise_published(value: object) -> str | None:
    """A publication date or date-time as ISO 8601: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS±HH:MM``.

    ISO forms with a space instead of ``T`` ("2021-11-10 21:19:17-05:00") or a ``Z`` are
    normalised; other forms ("Tuesday, June 4, 2019") are read with dateparser.  A month or a
    year alone is written only as precisely ("July 2019" -> ``2019-07``), never given a day it
    does not have.  A value that cannot be read is kept as given rather than dropped, so
    nothing is lost silently.
    """
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            return text
    try:
        return dt.datetime.fromisoformat(text).isoformat()
    except ValueError:
        pass
    import dateparser  # type: ignore[import-untyped]  # slow to import; rarely needed

    parsed: dt.datetime | None = dateparser.parse(
        text, languages=list(DATE_LANGUAGES), settings={"STRICT_PARSING": True}
    )
    if parsed is None:
        return _month_or_year(text)
    return parsed.isoformat() if _HAS_TIME.search(text) else parsed.date().isoformat()


# "July 2019", "Jul. 2019": a month named in a year, nothing finer
_NAMED_MONTH_YEAR = re.compile(r"[A-Za-z]{3,9}\.?,?\s+\d{4}")


def _month_or_year(text: str) -> str:
    """A month of a year as ``YYYY-MM``, a year alone as ``YYYY``; anything else as given."""
    if re.fullmatch(r"\d{4}", text):
        return text
    numeric = re.fullmatch(r"(\d{4})-(\d{2})|(\d{1,2})/(\d{4})", text)
    if numeric:
        year, month = numeric.group(1) or numeric.group(4), numeric.group(2) or numeric.group(3)
        return f"{year}-{int(month):02d}" if 1 <= int(month) <= 12 else text
    if not _NAMED_MONTH_YEAR.fullmatch(text):
        return text
    import dateparser

    parsed = dateparser.parse(text, languages=list(DATE_LANGUAGES))
    return parsed.strftime("%Y-%m") if parsed is not None else text
