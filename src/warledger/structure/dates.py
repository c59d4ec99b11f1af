"""Absolute calendar dates written out in text: "December 23, 2015", "Dec. 29, 2023",
"23 December 2015", "2015-12-23". Month names come from ``patterns/calendar.yaml``."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache

from .lexicon import full_date_month_names


@cache
def date_pattern() -> re.Pattern[str]:
    months = "|".join(sorted(map(re.escape, full_date_month_names()), key=len, reverse=True))
    return re.compile(
        rf"(?<![\w-])(?:"
        rf"(?P<m1>{months})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>(?:1[89]|20)\d\d)"
        rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:de\s+)?(?P<m2>{months})\.?,?\s+(?:de\s+)?(?P<y2>(?:1[89]|20)\d\d)"
        rf"|(?P<y3>(?:1[89]|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d)"
        rf"|(?P<d4>\d{{1,2}})\.(?P<m4>\d{{1,2}})\.(?P<y4>(?:19|20)\d\d)"     # 21.06.2024, as Europe writes it
        rf")(?![\w-])",
        re.IGNORECASE,
    )


def _build(year: str, month: str, day: str) -> dt.date | None:
    m = int(month) if month.isdigit() else full_date_month_names()[month.lower()]
    try:
        return dt.date(int(year), m, int(day))
    except ValueError:
        return None


def find_dates(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[dt.date, int, int]]:
    """Every valid full date in ``text[start:end]``, with its absolute offsets."""
    for m in date_pattern().finditer(text, start, len(text) if end is None else end):
        g = m.groupdict()
        if g["y1"]:
            d = _build(g["y1"], g["m1"], g["d1"])
        elif g["y2"]:
            d = _build(g["y2"], g["m2"], g["d2"])
        elif g["y3"]:
            d = _build(g["y3"], g["m3"], g["d3"])
        else:
            d = _build(g["y4"], g["m4"], g["d4"])
        if d is not None:
            yield d, m.start(), m.end()

