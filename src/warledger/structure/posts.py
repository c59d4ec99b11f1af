"""Embedded social-media posts, as news pages render them in text.

Two shapes are read:
  A. the embed footer: "TEXT" on a line (or before the dash on the same line), then
     "— Name (@handle) Month D, YYYY";
  B. the card header: "Name (@handle) · Mon D, YYYY" (or "Name @handle · …"), then the text
     on the next line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Post
from .dates import find_dates

_HANDLE = r"@[A-Za-z0-9_]{1,30}"
_FOOTER = re.compile(
    rf"(?P<dash>[—–]|--?)\s*(?P<author>[^\n()@—–]{{1,80}}?)\s*\((?P<handle>{_HANDLE})\)\s*"
    rf"(?:on\s+\w+\s*)?(?P<date>[^\n]{{6,40}}?)\s*$"
)
_HEADER = re.compile(
    rf"^(?P<author>[^\n()@·•|]{{1,80}}?)\s*\(?(?P<handle>{_HANDLE})\)?\s*[·•|]\s*(?P<date>[^\n]{{6,40}}?)\s*$"
)


@dataclass(slots=True)
class Line:
    start: int
    end: int


def _date_in(text: str, start: int, end: int):
    found = next(iter(find_dates(text, start, end)), None)
    return found[0] if found else None


def find_posts(text: str, lines: list[Line]) -> dict[int, tuple[Post, list[int]]]:
    """Posts keyed by the index of their first line, with the indices of every line they cover."""
    posts: dict[int, tuple[Post, list[int]]] = {}
    taken: set[int] = set()
    for i, ln in enumerate(lines):
        if i in taken:
            continue
        line = text[ln.start:ln.end]
        m = _FOOTER.search(line)
        if m and (date := _date_in(text, ln.start + m.start("date"), ln.end)) is not None:
            author, handle = m["author"].strip(), m["handle"]
            before = line[:m.start("dash")].rstrip()
            if before:                       # text and footer on one line
                t_start, covered = ln.start + (len(line) - len(line.lstrip())), [i]
                body = before.lstrip()
            elif i > 0 and i - 1 not in taken:
                prev = lines[i - 1]
                t_start, covered = prev.start, [i - 1, i]
                body = text[prev.start:prev.end]
            else:
                continue
            post = Post(author=author or None, handle=handle, date=date, text=body,
                        start=t_start, end=ln.end, text_start=t_start, platform="twitter")
            posts[covered[0]] = (post, covered)
            taken.update(covered)
            continue
        m = _HEADER.match(line)
        if m and i + 1 < len(lines) and (date := _date_in(text, ln.start + m.start("date"), ln.end)):
            nxt = lines[i + 1]
            post = Post(author=m["author"].strip() or None, handle=m["handle"], date=date,
                        text=text[nxt.start:nxt.end], start=ln.start, end=nxt.end,
                        text_start=nxt.start, platform="twitter")
            posts[i] = (post, [i, i + 1])
            taken.update((i, i + 1))
    return posts
