"""Time expressions resolved against the document date: "on Wednesday", "yesterday", "in April",
"last week", "earlier this week", "since October 7", "New Year's Eve", "December 23, 2015".

Every resolution is a range [start, end] with a precision (day, week, month, year, unknown),
never after the document's date (reporting speaks of the past): a weekday is the latest such
day on or before the document date, a month without a year the latest such month.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from ..structure.dates import find_dates
from ..structure.lexicon import load, month_names, weekday_names


@dataclass(frozen=True, slots=True)
class DateRange:
    start: dt.date | None
    end: dt.date | None
    precision: str                  # day, week, month, year, unknown
    span: tuple[int, int] | None = None
    text: str | None = None
    rule: str | None = None         # the kind of expression: full_date, weekday, relative_day, ago, ...

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "precision": self.precision}


@cache
def words() -> dict:
    """The lexicon of time words (``resolve/patterns/time_words.yaml``)."""
    return yaml.safe_load(resources.files(__package__).joinpath("patterns", "time_words.yaml").read_text("utf-8"))


def _alt(items) -> str:
    """A regex alternation of lexicon entries, longest first, spaces as any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(items, key=len, reverse=True))


@cache
def time_words() -> frozenset[str]:
    """Lower-case words without which no time expression starts or ends: a caller holding
    tokens can look for these first and resolve only the windows around them."""
    cal = load("calendar")
    out = set(month_names()) | set(weekday_names()) | set(cal["weekday_mentions"]) | set(words()["anchor_words"])
    out |= {d + "s" for d in cal["weekday_mentions"]}      # "Tuesdays strike": a possessive that lost its apostrophe
    return frozenset(out)


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


@cache
def _patterns():
    months = "|".join(sorted((m for m in month_names() if len(m) > 3 or m == "may"), key=len, reverse=True))
    # an abbreviated month counts before a day only with its period ("Mar. 6"; "mar" alone is a word)
    abbreviated = "|".join(sorted((re.escape(m) + r"\." for m in month_names() if len(m) <= 4 and m != "may"),
                                  key=len, reverse=True))
    days = "|".join(load("calendar")["weekday_mentions"])
    cal = load("calendar")
    nums = "|".join(sorted(cal["numbers"], key=len, reverse=True))
    lex = words()
    return {
        "weekday": re.compile(rf"\b(?:(?P<mod>{_alt(lex['weekday_modifiers'])})\s+)?(?P<day>{days})(?:'s|’s|s(?=\s+(?!and\b|or\b)[a-z]))?\b"
                              rf"(?:\s+(?P<part>{_alt(lex['day_parts'])}))?", re.I),
        "rel_day": re.compile(rf"\b(?P<w>{_alt(lex['relative_days'])})\b", re.I),
        "ago": re.compile(rf"\b(?P<n>\d{{1,3}}|{nums}|{_alt(lex['one_words'])})\s+(?P<unit>{_alt(lex['units'])})\s+"
                          rf"(?:{_alt(lex['ago'])})\b", re.I),
        "rel_period": re.compile(rf"\b(?P<which>{_alt(lex['relative_periods'])})\s+"
                                 rf"(?P<unit>{_alt(lex['period_units'])})\b", re.I),
        "month_day": re.compile(rf"\b(?P<month>{months}|{abbreviated})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s+\d{{4}})", re.I),
        "day_month": re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{months})\b(?!,?\s+\d{{4}})", re.I),
        "month": re.compile(rf"\b(?:{_alt(lex['month_openers'])})\s+(?P<month>{months})"
                            r"\b(?!\.?\s+\d{1,2}(?!\d))(?:\s+(?P<year>(?:19|20)\d\d))?", re.I),
        "year": re.compile(rf"\b(?:{_alt(lex['year_openers'])})\s+(?P<year>(?:19|20)\d\d)\b", re.I),
    }


def _latest_weekday(ref: dt.date, weekday: int, mod: str | None) -> dt.date:
    back = (ref.weekday() - weekday) % 7
    d = ref - dt.timedelta(days=back)
    if mod and mod.lower() in words()["weekday_last"] and back == 0:
        d -= dt.timedelta(days=7)
    return d


def _latest_month(ref: dt.date, month: int, year: int | None) -> tuple[dt.date, dt.date]:
    y = year or (ref.year if month <= ref.month else ref.year - 1)
    return dt.date(y, month, 1), min(_month_end(y, month), ref) if y == ref.year and month == ref.month else _month_end(y, month)


def _num(word: str) -> int | None:
    cal = load("calendar")["numbers"]
    w = word.lower()
    if w.isdigit():
        return int(w)
    if w in words()["one_words"]:
        return 1
    return cal.get(w)


def resolve_all(text: str, ref: dt.date | None, start: int = 0, end: int | None = None) -> list[DateRange]:
    """Every time expression in text[start:end], resolved against ``ref`` (the document date)."""
    end = len(text) if end is None else end
    out: list[DateRange] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, rng: DateRange) -> None:     # ``kind``: the loop's kind of expression
        if any(s < te and ts < e for ts, te in taken):
            return
        taken.append((s, e))
        out.append(dataclasses.replace(rng, rule=kind))

    p = _patterns()
    kind = "full_date"
    for d, s, e in find_dates(text, start, end):                   # full dates first
        add(s, e, DateRange(d, d, "day", (s, e), text[s:e]))
    mn = month_names()
    if ref is None:                                # with no document date only written years place a time
        kind = "month"
        for m in p["month"].finditer(text, start, end):
            if m["year"]:
                y, mo = int(m["year"]), mn[m["month"].lower()]
                add(m.start("month"), m.end(), DateRange(dt.date(y, mo, 1), _month_end(y, mo), "month",
                                                         (m.start("month"), m.end()), text[m.start("month"):m.end()]))
        kind = "year"
        for m in p["year"].finditer(text, start, end):
            y = int(m["year"])
            add(m.start("year"), m.end(), DateRange(dt.date(y, 1, 1), dt.date(y, 12, 31), "year",
                                                    (m.start("year"), m.end()), m["year"]))
        return sorted(out, key=lambda r: r.span)
    kind = "relative_day"
    for m in p["rel_day"].finditer(text, start, end):
        back = words()["relative_days"].get(" ".join(m["w"].lower().split()), 1)
        d = ref - dt.timedelta(days=back)
        add(m.start(), m.end(), DateRange(d, d, "day", (m.start(), m.end()), m.group(0)))
    kind = "ago"
    for m in p["ago"].finditer(text, start, end):
        n = _num(m["n"]) or 1
        unit = words()["units"][m["unit"].lower()]
        if unit == "day":
            d = ref - dt.timedelta(days=n)
            add(m.start(), m.end(), DateRange(d, d, "day", (m.start(), m.end()), m.group(0)))
        elif unit == "week":
            d = ref - dt.timedelta(weeks=n)
            add(m.start(), m.end(), DateRange(d - dt.timedelta(days=3), d + dt.timedelta(days=3), "week",
                                              (m.start(), m.end()), m.group(0)))
        elif unit == "month":
            y, mo = divmod(ref.year * 12 + ref.month - 1 - n, 12)
            add(m.start(), m.end(), DateRange(dt.date(y, mo + 1, 1), _month_end(y, mo + 1), "month",
                                              (m.start(), m.end()), m.group(0)))
        else:
            add(m.start(), m.end(), DateRange(dt.date(ref.year - n, 1, 1), dt.date(ref.year - n, 12, 31), "year",
                                              (m.start(), m.end()), m.group(0)))
    wd = weekday_names()
    kind = "weekday"
    for m in p["weekday"].finditer(text, start, end):
        d = _latest_weekday(ref, wd[m["day"].lower()], m["mod"])
        add(m.start(), m.end(), DateRange(d, d, "day", (m.start(), m.end()), m.group(0)))
    for key in ("month_day", "day_month"):
        kind = key
        for m in p[key].finditer(text, start, end):
            month, day = mn[m["month"].lower().rstrip(".")], int(m["day"])
            try:
                d = dt.date(ref.year, month, day)
            except ValueError:
                continue
            if d > ref:
                d = d.replace(year=ref.year - 1)
            add(m.start(), m.end(), DateRange(d, d, "day", (m.start(), m.end()), m.group(0)))
    kind = "relative_period"
    for m in p["rel_period"].finditer(text, start, end):
        which = words()["relative_periods"][" ".join(m["which"].lower().split())]
        unit = m["unit"].lower()
        if unit == "week":
            monday = ref - dt.timedelta(days=ref.weekday())
            if which in ("previous", "past"):
                s_, e_ = (monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)) if which != "past" else (
                    ref - dt.timedelta(days=7), ref)
            else:
                s_, e_ = monday, ref
            add(m.start(), m.end(), DateRange(s_, e_, "week", (m.start(), m.end()), m.group(0)))
        elif unit == "month":
            if which == "previous":
                y, mo = divmod(ref.year * 12 + ref.month - 2, 12)
                s_, e_ = dt.date(y, mo + 1, 1), _month_end(y, mo + 1)
            else:
                s_, e_ = ref.replace(day=1), ref
            add(m.start(), m.end(), DateRange(s_, e_, "month", (m.start(), m.end()), m.group(0)))
        else:
            y = ref.year - 1 if which == "previous" else ref.year
            add(m.start(), m.end(), DateRange(dt.date(y, 1, 1), min(dt.date(y, 12, 31), ref), "year",
                                              (m.start(), m.end()), m.group(0)))
    kind = "month"
    for m in p["month"].finditer(text, start, end):
        s_, e_ = _latest_month(ref, mn[m["month"].lower()], int(m["year"]) if m["year"] else None)
        ms = m.start("month")
        add(ms, m.end(), DateRange(s_, e_, "month", (ms, m.end()), text[ms:m.end()]))
    kind = "year"
    for m in p["year"].finditer(text, start, end):
        y = int(m["year"])
        if y <= ref.year:
            ys = m.start("year")
            add(ys, m.end(), DateRange(dt.date(y, 1, 1), min(dt.date(y, 12, 31), ref), "year", (ys, m.end()), m["year"]))
    return sorted(out, key=lambda r: r.span)
