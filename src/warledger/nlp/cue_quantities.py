"""Counts and dates of one sentence, read by a language's cue words (``nlp/cues.py``), for the
cue reader: numbers written in digits or words given to the nearest killed or wounded word, and
day-and-month dates, weekdays and relative days resolved against the publication date. The
rules are listed in ``nlp/components/cue_reader.py``."""
from __future__ import annotations

import datetime as dt
import re

from ..resolve.dates import DateRange
from .cue_names import Toks
from .cues import Cues
from .fatalities import Count

_NUM = re.compile(r"^\d{1,3}(?:[.,\u00a0\u202f ]\d{3})*$|^\d+$")
_WINDOW = 8             # a number farther than this from a killed word is not its count
_COMMA_COST = 3         # a comma between a number and a cue counts as this many words


def number_at(c: Cues, t: Toks, i: int, end: int) -> tuple[int, int] | None:
    """(value, token after it) of a number written at ``i``: digits (with thousands
    separated by a space, point or comma), a number word, and a multiplier after it."""
    txt = t.text[i]
    j = i + 1
    value = None
    if _NUM.match(txt):
        digits = re.sub(r"\D", "", txt)
        while j < end and re.fullmatch(r"\d{3}", t.text[j]) and t.idx[j] - t.end_char(j - 1) <= 1:
            digits += t.text[j]
            j += 1
        value = int(digits)
    elif t.low[i] in c.numbers:
        value = c.numbers[t.low[i]]
    if value is None:
        return None
    if j < end and t.low[j] in c.multipliers:
        value *= c.multipliers[t.low[j]]
        j += 1
    return value, j

def count_in(c: Cues, t: Toks, keys, s: int, e: int, date_toks: set[int]) -> tuple[Count | None, list]:
    killed = [(i, j, "killed") for i, j, _ in c.killed.find(keys, s, e)]
    wounded = [(i, j, "wounded") for i, j, _ in c.wounded.find(keys, s, e)]
    cues = sorted(killed + wounded)
    if not killed:
        return None, []
    numbers = []
    i = s
    while i < e:
        if i in date_toks:
            i += 1
            continue
        hit = number_at(c, t, i, e)
        if hit is None:
            i += 1
            continue
        value, j = hit
        if c.units.at(keys, j, e) if j < e else False:
            i = j
            continue
        people = c.people.at(keys, j, e) if j < e else None
        if 1900 <= value <= 2100 and people is None:
            i = j
            continue
        subset = any(c.subset.at(keys, k, i) for k in range(max(s, i - 3), i))
        numbers.append({"value": value, "start": i, "end": j, "people": people, "subset": subset})
        i = j
    best: dict[tuple, list] = {}
    for n in numbers:
        cue = min(cues, key=lambda q: distance(t, n, q), default=None)
        if cue is None or distance(t, n, cue) > _WINDOW or cue[2] != "killed" or n["subset"]:
            continue
        best.setdefault(cue, []).append(n)
    if not best:
        one = c.killed_one.find(keys, s, e)
        if one:                               # "погиб работник": one death (numbers here went to the wounded)
            i, j, _ = one[0]
            return Count(1, 1, 1, None, t.source[t.idx[i]:t.end_char(j - 1)], (t.idx[i], t.end_char(j - 1)),
                         None, tokens=(i, j)), []
        return None, []
    cue, group = max(best.items(), key=lambda kv: sum(n["value"] for n in kv[1]))
    group.sort(key=lambda n: n["start"])
    # numbers each with its own people noun, joined by "and", add up ("eight police and four civilians")
    if len(group) > 1 and all(n["people"] for n in group):
        low = sum(n["value"] for n in group)
        high = None
    elif len(group) == 2 and any(c.range_words.at(keys, k, e) for k in range(group[0]["end"], group[1]["start"])):
        low, high = group[0]["value"], group[1]["value"]
    else:
        group = [min(group, key=lambda n: distance(t, n, cue))]
        low, high = group[0]["value"], None
    first, last = group[0], group[-1]
    qual_low = any(c.at_least.at(keys, k, first["start"]) or c.more_than.at(keys, k, first["start"])
                   for k in range(max(s, first["start"] - 3), first["start"]))
    about = any(c.about.at(keys, k, first["start"]) for k in range(max(s, first["start"] - 2), first["start"]))
    best_v = low if high is None else None
    high_v = high if high is not None else (None if qual_low or about else low)
    a, b = min(first["start"], cue[0]), max(last["end"], cue[1])
    noun_end = last["people"][0] if last["people"] else last["end"]
    group_text = t.source[t.idx[last["end"]]:t.end_char(noun_end - 1)] if last["people"] else None
    return Count(low, best_v, high_v, group_text, t.source[t.idx[a]:t.end_char(b - 1)],
                 (t.idx[a], t.end_char(b - 1)), None, tokens=(a, b)), group

def distance(t: Toks, n: dict, cue: tuple) -> int:
    if cue[0] >= n["end"]:
        lo, hi = n["end"], cue[0]
    else:
        lo, hi = cue[1], n["start"]
    commas = sum(1 for k in range(lo, hi) if t.text[k] in (",", ";", ":", "(", ")"))
    return (hi - lo) + _COMMA_COST * commas

def date_in(c: Cues, t: Toks, keys, s: int, e: int, pub: dt.date | None) -> tuple[DateRange | None, set[int]]:
    used: set[int] = set()
    found: DateRange | None = None
    for i in range(s, e):
        m = c.months.at(keys, i, e)
        if m is None or i == s:
            continue
        # the day before the month, or before a short joining word ("6 de mayo")
        d_at = i - 1 if t.text[i - 1].isdigit() else (
            i - 2 if i - 2 >= s and t.text[i - 2].isdigit() and len(t.text[i - 1]) <= 2 and t.text[i - 1].isalpha()
            else None)
        if d_at is None or len(t.text[d_at]) > 2:
            continue
        day = int(t.text[d_at])
        k = m[0]
        year = None
        if k < e and re.fullmatch(r"(1[89]|20)\d\d", t.text[k]):
            year = int(t.text[k])
            used.add(k)
        year = year or (pub.year if pub else None)
        if year is None or not 1 <= day <= 31:
            continue
        try:
            d = dt.date(year, m[1], day)
        except ValueError:
            continue
        if pub and d > pub and year == pub.year and not re.fullmatch(r"(1[89]|20)\d\d", t.text[k] if k < e else ""):
            d = d.replace(year=year - 1)
        used |= set(range(d_at, i + 1))
        start = d
        night = any(c.night_of.at(keys, b, d_at) for b in range(max(s, d_at - 4), d_at))
        if night:
            start = d - dt.timedelta(days=1)
        found = found or DateRange(start, d, "day", (t.idx[d_at], t.end_char(m[0] - 1)),
                                   t.source[t.idx[d_at]:t.end_char(m[0] - 1)])
    for i in range(s, e):
        if found is not None or pub is None:
            break
        w = c.weekdays.at(keys, i, e)
        if w is not None:
            back = (pub.weekday() - int(w[1])) % 7
            d = pub - dt.timedelta(days=back)
            found = DateRange(d, d, "day", (t.idx[i], t.end_char(w[0] - 1)), t.source[t.idx[i]:t.end_char(w[0] - 1)])
            continue
        r = c.relative.at(keys, i, e)
        if r is not None:
            d = pub + dt.timedelta(days=int(r[1]))
            found = DateRange(d, d, "day", (t.idx[i], t.end_char(r[0] - 1)), t.source[t.idx[i]:t.end_char(r[0] - 1)])
    for i in range(s, e):       # a year with a month, or a bare year word ("у березні 2011 року")
        if re.fullmatch(r"(1[89]|20)\d\d", t.text[i]):
            used.add(i)
    return found, used
