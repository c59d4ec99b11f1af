"""Absolute calendar dates written out in text: "December 23, 2015", "Dec. 29, 2023",
"23 December 2015", "2015-12-23", "21.06.2024", "21-06-2024", and a day fused with its year as
scraped pages print it ("Jul 012016": 1 July 2016). Month names come from ``patterns/calendar.yaml``.

A dotted or hyphenated numeric date is read day first, as Europe writes it, unless both numbers could be a
month and the text names that day with its month the other way round ("03.06.2024" beside
"Mar. 6": 6 March), as an American page writes both."""
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
        rf"|(?P<d4>\d{{1,2}})(?P<sep>[.-])(?P<m4>\d{{1,2}})(?P=sep)(?P<y4>(?:19|20)\d\d)"   # 21.06.2024, as Europe writes it
        rf"|(?P<m5>{months})\.?\s+(?P<d5>[0-3]\d)(?P<y5>(?:19|20)\d\d)"             # Jul 012016: a fused day and year
        rf")(?![\w-])",
        re.IGNORECASE,
    )


def _build(year: str, month: str, day: str) -> dt.date | None:
    m = int(month) if month.isdigit() else full_date_month_names()[month.lower()]
    try:
        return dt.date(int(year), m, int(day))
    except ValueError:
        return None


@cache
def _named_day_pattern() -> re.Pattern[str]:
    months = "|".join(sorted(map(re.escape, full_date_month_names()), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:(?P<m1>{months})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
                      rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:de\s+)?(?P<m2>{months}))(?![\w-])", re.IGNORECASE)


def _named_days(text: str) -> set[tuple[int, int]]:
    """The (month, day) pairs the text writes with a month name ("Mar. 6", "6 March")."""
    names = full_date_month_names()
    out = set()
    for m in _named_day_pattern().finditer(text):
        month, day = (m["m1"], m["d1"]) if m["m1"] else (m["m2"], m["d2"])
        out.add((names[month.lower()], int(day)))
    return out


def _numeric(text: str, year: str, first: str, second: str) -> dt.date | None:
    """A dotted or hyphenated numeric date: day first unless only the month-first reading is a
    date, or is a day the text names with its month."""
    a, b = int(first), int(second)
    if a <= 12 < b:
        return _build(year, first, second)           # "10-15-2019": only month first is a day
    if a != b and a <= 12 and b <= 12:
        named = _named_days(text)
        if (a, b) in named and (b, a) not in named:
            return _build(year, first, second)
    return _build(year, second, first)


def find_dates(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[dt.date, int, int]]:
    """Every valid full date in ``text[start:end]``, with its absolute offsets."""
    for m in date_pattern().finditer(text, start, len(text) if end is None else end):
        g = m.groupdict()
        if g["y1"]:
            d = _build(g["y1"], g["m1"], g["d1"])
        elif g["y2"]:
            d = _build(g["y2"], g["m2"], g["d2"])
        elif g["y5"]:
            d = _build(g["y5"], g["m5"], g["d5"])
        elif g["y3"]:
            d = _build(g["y3"], g["m3"], g["d3"])
        else:
            d = _numeric(text, g["y4"], g["d4"], g["m4"])
        if d is not None:
            yield d, m.start(), m.end()

