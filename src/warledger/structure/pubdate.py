"""Publication date: given by metadata, else read from a dateline, else inferred from anchors.

The inference, in order (each step may only move the date later, never before an anchor):
  1. a dateline or byline near the top ("April 17, 2008", "By A. Writer August 09, 2015") is
     the date itself;
  2. anchors: the latest dated post or dated caption (a page is not older than what it embeds);
     with neither, the latest full date written in the text;
  3. "N days ago" / "yesterday" said of what a dated caption shows: caption date + N;
  4. a holiday named in the text ("New Year's Day") that falls within a week after the anchor;
  5. weekday names: a page speaks of its own day by name, so when the date's weekday is not
     named but a weekday within the next six days is, the date moves to that weekday.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import cache

from dateutil.easter import easter

from ..model import Block, Post, PublishedDate
from .dates import find_dates
from .lexicon import load
from .posts import Line

_TOP_LINES = 4


@cache
def _calendar():
    cal = load("calendar")
    numbers = cal["numbers"]
    num_alt = "|".join(sorted(numbers, key=len, reverse=True))
    ago = re.compile(rf"\b(?P<n>\d{{1,2}}|{num_alt})\s+days?\s+ago\b", re.IGNORECASE)
    words = "|".join(sorted(map(re.escape, cal["days_ago_words"]), key=len, reverse=True))
    word_ago = re.compile(rf"\b(?:{words})\b", re.IGNORECASE)
    names = "|".join(cal["weekday_mentions"])
    weekday = re.compile(rf"\b(?:{names})\b", re.IGNORECASE)
    fixed = [(re.compile(r"\b(?:" + "|".join(map(re.escape, h["names"])) + r")\b", re.IGNORECASE),
              h["month"], h["day"]) for h in cal["holidays"]]
    moving = [(re.compile(r"\b(?:" + "|".join(map(re.escape, h["names"])) + r")\b", re.IGNORECASE),
               h["offset"]) for h in cal["easter_holidays"]]
    order = {n: i for i, n in enumerate(cal["weekday_mentions"])}
    holiday_words = {n.split()[0].replace("’", "'").split("'")[0] for h in [*cal["holidays"], *cal["easter_holidays"]]
                     for n in h["names"]}
    return {"numbers": numbers, "ago": ago, "word_ago": word_ago, "words": cal["days_ago_words"],
            "weekday": weekday, "fixed": fixed, "moving": moving, "order": order, "holiday_words": holiday_words,
            "dateline": tuple(load("layout")["dateline_prefixes"]),
            "file": tuple(load("layout")["file_caption_prefixes"]),
            "clock": re.compile(r"\b\d{1,2}[:.]\d\d(?:\s*[ap]\.?\s?m\.?)?(?:\s+[A-Z]{2,5})?\b|\b\d{1,2}\s*[ap]\.?m\.?(?!\w)"
                                r"(?:\s+[A-Z]{2,5}\b)?", re.IGNORECASE)}


def _top_lines(text: str, lines: list[Line], blocks: list[Block]):
    """The first lines of the text that are no caption or post: (line, its text)."""
    captions = {(b.start, b.end) for b in blocks if b.kind in ("caption", "post")}
    for ln in lines[:_TOP_LINES]:
        if not any(c[0] <= ln.start and ln.end <= c[1] for c in captions):
            yield ln, text[ln.start:ln.end]


def _dateline(text: str, lines: list[Line], blocks: list[Block]) -> PublishedDate | None:
    cal = _calendar()
    for ln, line in _top_lines(text, lines, blocks):
        for d, s, e in find_dates(text, ln.start, ln.end):
            rest = cal["clock"].sub("", line[:s - ln.start] + line[e - ln.start:]).strip(" ,.|-–—:/")
            # a date and a clock time alone on a line ("March 6, 2024 10:15 PM EST") date it too
            if not rest or line.lower().startswith(cal["dateline"]):
                return PublishedDate(d, True, "dateline", (s, e))
    return None


_OPENING_REACH = 80     # a page's own date opens it: within this many characters of its start
_BYLINE_REACH = 300     # or follows a weekday name in its first lines ("... AFP Thursday 9 Jul 2015")


@cache
def _weekday_words() -> re.Pattern[str]:
    names = sorted({n for ns in load("calendar")["weekdays"].values() for n in ns}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\.?,?\s*$", re.IGNORECASE)


def _after_weekday(text: str, head: int, s: int) -> bool:
    """Whether the date at ``s`` follows a weekday name that is no part of running prose (the word
    before it is not in lower case: "AFP Thursday 9 Jul 2015", not "struck on Thursday 9 July")."""
    m = _weekday_words().search(text, max(head, s - 12), s)
    if m is None:
        return False
    before = text[head:m.start()].split()
    return not before or not before[-1].islower()


def opening_date(text: str, lines: list[Line], blocks: list[Block]) -> PublishedDate | None:
    """The date a page opens with, as scraped pages carry it: a full date at the very start of
    the text, after nothing but a weekday name, a clock time or a label ("Last updated at",
    "Published"), or a full date written right after a weekday name in the page's first
    characters (a byline's "Thursday 9 Jul 2015"). What the page says of its own day comes
    before a field a feed or crawler added."""
    cal = _calendar()
    captions = [(b.start, b.end) for b in blocks if b.kind in ("caption", "post")]
    head = len(text) - len(text.lstrip())
    for d, s, e in find_dates(text, head, min(len(text), head + _BYLINE_REACH)):
        if any(c0 <= s < c1 for c0, c1 in captions):
            continue
        before = cal["clock"].sub("", text[head:s])
        words = before.strip(" ,.|-–—:/()").lower()
        labels = tuple(p for p in cal["dateline"] if not p.startswith("by "))     # a byline's date: the field stands
        labelled = not words or words.startswith(labels) or _weekday_words().fullmatch(words + " ")
        if (s - head <= _OPENING_REACH and labelled) or _after_weekday(text, head, s):
            return PublishedDate(d, True, "dateline", (s, e))
        break                    # the first date of the opening is the page's or none is
    return None


_LABEL_REACH = 40      # a labelled date follows its label closely ("Published: 3 May 2021")


def labelled_date(text: str, lines: list[Line], blocks: list[Block]) -> PublishedDate | None:
    """The date a page gives itself under a label near the top ("Published 3 May 2021",
    "Updated: May 4, 2021", "Date of publication ..."): what the page says of itself comes before
    any field a feed or crawler added. A byline ("By ...") is not a label of this kind."""
    cal = _calendar()
    for ln, line in _top_lines(text, lines, blocks):
        low = line.lower()
        label = next((p for p in cal["dateline"] if low.startswith(p) and not p.startswith("by ")), None)
        if label is not None:
            for d, s, e in find_dates(text, ln.start, min(ln.end, ln.start + len(label) + _LABEL_REACH)):
                return PublishedDate(d, False, "dateline", (s, e))
    return None


def _holiday_dates(text: str, year: int) -> list[tuple[dt.date, int, int]]:
    """Each holiday mention's date in ``year`` and the next; the longest name wins an overlap
    ("Christmas Eve" over "Christmas")."""
    cal = _calendar()
    found: list[tuple[int, int, object]] = []
    low = text.lower()
    if not any(w in low for w in cal["holiday_words"]):
        return []
    for rx, month, day in cal["fixed"]:
        found += [(m.start(), m.end(), (month, day)) for m in rx.finditer(text)]
    for rx, offset in cal["moving"]:
        found += [(m.start(), m.end(), offset) for m in rx.finditer(text)]
    kept: list[tuple[int, int, object]] = []
    for s, e, what in sorted(found, key=lambda f: f[0] - f[1]):
        if all(e <= ks or s >= ke for ks, ke, _ in kept):
            kept.append((s, e, what))
    out = []
    for y in (year, year + 1):
        for s, e, what in kept:
            d = dt.date(y, *what) if isinstance(what, tuple) else easter(y) + dt.timedelta(days=what)
            out.append((d, s, e))
    return out


def infer_published(text: str, lines: list[Line], blocks: list[Block], posts: list[Post]) -> PublishedDate | None:
    found = _dateline(text, lines, blocks)
    if found:
        return found
    cal = _calendar()
    anchors: list[tuple[dt.date, str, tuple[int, int]]] = [(p.date, "post", (p.start, p.end))
                                                           for p in posts if p.date]
    caption_dates = []
    for b in blocks:
        if b.kind == "caption" and not text[b.start:b.end].lstrip().lower().startswith(cal["file"]):
            # ("FILE - ... in March 2019": an archive photo's day, not the report's)
            caption_dates += [(d, "caption", (s, e)) for d, s, e in find_dates(text, b.start, b.end)]
    anchors += caption_dates
    if not anchors:
        anchors = [(d, "text_date", (s, e)) for d, s, e in find_dates(text)]
    if not anchors:
        return None
    best = max(anchors, key=lambda a: a[0])
    date, source, span = best

    # 3. "N days ago" of what a dated caption shows
    if caption_dates:
        cap = max(caption_dates, key=lambda a: a[0])[0]
        for m in cal["ago"].finditer(text):
            n = m["n"].lower()
            days = int(n) if n.isdigit() else cal["numbers"][n]
            if 0 < days <= 14 and cap + dt.timedelta(days=days) > date:
                date, source, span = cap + dt.timedelta(days=days), "days_ago", (m.start(), m.end())

    # 4. holidays within a week after the anchor
    anchor = best[0]
    for hday, s, e in _holiday_dates(text, anchor.year):
        if anchor < hday <= anchor + dt.timedelta(days=7) and hday > date:
            date, source, span = hday, "holiday", (s, e)

    # 5. weekday names
    named = {m.group(0).lower() for m in cal["weekday"].finditer(text)}
    days = {cal["order"][n] for n in named}
    if days and date.weekday() not in days:
        for k in range(1, 7):
            cand = date + dt.timedelta(days=k)
            if cand.weekday() in days:
                rx = cal["weekday"]
                m = next(m for m in rx.finditer(text) if cal["order"][m.group(0).lower()] == cand.weekday())
                date, source, span = cand, "weekday", (m.start(), m.end())
                break
    return PublishedDate(date, True, source, span)
