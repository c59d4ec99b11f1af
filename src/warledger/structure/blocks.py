"""Blocks from the layout of the text: a rule cascade over lines.

The order matters, and each step only sees lines no earlier step took:
  1. embedded posts (their footer or header line is the surest sign on the page);
  2. kinds known from the HTML markup (figcaption, link lists, <h*>, <blockquote>);
  3. captions: a caption prefix ("PHOTO:"), a photo credit "(Name/Agency)", or near the top a
     sentence ending in ", Month D, YYYY." as agency captions do;
  4. navigation: a short label line ("LATEST", "Related:", any short ALL-CAPS line) followed by
     link-like lines (bullets or headlines), or three or more bulleted headlines; and a line of
     page fields, several "Label: value" pairs in a row ("Photo ID: … Size: … Location: …"), which
     is a record of the page, not reporting;
  5. headings: headline-like lines (title case, no closing full stop);
  6. quotes: paragraphs after a line ending with a colon, kept while they speak in the first
     person or do not narrate;
  7. everything else is a paragraph.
"""
from __future__ import annotations

import re
from functools import cache

from ..model import Block, Post
from .dates import find_dates
from .lexicon import load
from .posts import Line, find_posts

_BULLET = re.compile(r"^\s*(?:[-–•*·▪►]|\d{1,2}[.)])\s+")
_CREDIT = re.compile(r"\((?:photo:?\s*)?[A-Z][\w.' -]{1,40}/[A-Z][\w.' -]{1,40}\)\s*$", re.IGNORECASE)
_FIELD_LABEL = re.compile(r"(?<!\S)[A-Z][A-Za-z]*(?:[ \t]+[A-Z][A-Za-z]*){0,2}:(?=\s)")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*|\d[\w,.]*")


@cache
def _layout():
    lay = load("layout")
    return {
        "captions": tuple(lay["caption_prefixes"]),
        "labels": frozenset(lay["navigation_labels"]),
        "first": frozenset(lay["first_person"]),
        "narration": frozenset(lay["narration"]),
        "small": frozenset(lay["small_words"]),
        "field_labels": int(lay["field_record_labels"]),
        "field_value_chars": int(lay["field_value_chars"]),
    }


_DATELINE = re.compile(
    r"(?P<place>[A-Z][A-Z'’.-]+(?:[ \t]+[A-Z][A-Z'’.-]+){0,3})"          # KABUL, NEW YORK, TAMPA
    r"(?:,[ \t]*[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,3}){0,2}"        # , Afghanistan / , Fla. / , FL, US
    r"[ \t]*(?:\([^()\n]{1,30}\)[ \t]*)?"                                 # (AP), (Reuters)
    r"(?:[—–]|--?)[ \t]+")


def dateline_end(text: str, start: int) -> int | None:
    """Where a place dateline that opens a paragraph at ``start`` ends ("KABUL, Afghanistan (AP) —
    ", "TAMPA, Fla. – ", "GAZA CITY (Reuters) - "): its place in capitals, then the dash. None
    when the paragraph opens with none (a caption's "FILE -" is none)."""
    m = _DATELINE.match(text, start)
    if m is None or len(re.sub(r"[^A-Z]", "", m["place"])) < 3:
        return None
    if m["place"].split()[0].lower().strip(".") in _not_places():
        return None
    return m.end()


@cache
def _not_places() -> frozenset[str]:
    return frozenset(load("layout")["dateline_not_places"])


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with leading and trailing white space left out of their spans."""
    lines = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = len(body) - len(body.lstrip())
            lines.append(Line(pos + lead, pos + lead + len(stripped)))
        pos += len(raw)
    return lines


def _words(s: str) -> list[str]:
    return _WORD.findall(s)


def is_headline(s: str) -> bool:
    s = _BULLET.sub("", s).strip()
    if not s or s[-1] in '.!"”;,' or len(s) > 140:
        return False
    dates = list(find_dates(s))
    if dates and len(_words(s[:dates[0][1]] + s[dates[-1][2]:])) <= 2:
        return False                                  # a dateline ("April 17, 2008"), not a headline
    words = _words(s)
    if not 1 <= len(words) <= 16:
        return False
    small = _layout()["small"]
    content = [w for w in words if w[0].isalpha() and w.lower() not in small]
    if not content:
        return False
    capitalised = sum(1 for w in content if w[0].isupper())
    return capitalised / len(content) >= 0.7


def is_label(s: str) -> bool:
    s = s.strip()
    words = _words(s)
    if not 1 <= len(words) <= 5:
        return False
    low = s.lower().rstrip()
    if low in _layout()["labels"] or low.rstrip(":").strip() in _layout()["labels"]:
        return True
    letters = [c for c in s if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters) and not s.endswith(".")


def _is_caption(s: str, index: int) -> bool:
    low = s.lower()
    if low.startswith(_layout()["captions"]) or _CREDIT.search(s):
        return True
    if index <= 3 and s.endswith(".") and len(_words(s)) >= 6:
        dates = list(find_dates(s))
        last = dates[-1] if dates else None
        return last is not None and s[last[2]:].strip() == "." and s[:last[1]].rstrip().endswith(",")
    return False


def _field_record(s: str) -> bool:
    """Several "Label: value" fields with short values in a row ("Photo ID: 8273 Size: 136 KB"),
    not a list of labelled paragraphs ("1. Ghouta: On August 21 the ...")."""
    lay = _layout()
    marks = list(_FIELD_LABEL.finditer(s))
    if len(marks) < lay["field_labels"]:
        return False
    ends = [m.start() for m in marks[1:]] + [len(s)]
    short = sum(len(s[m.end():e].strip()) <= lay["field_value_chars"] for m, e in zip(marks, ends, strict=True))
    return short >= lay["field_labels"]


def _has_word(s: str, words: frozenset[str]) -> bool:
    return any(w.lower().strip(".,;:!?\"“”'’()") in words for w in s.split())


def find_blocks(text: str, hints: list[Block] | None = None) -> tuple[list[Block], list[Post]]:
    """Blocks covering every non-blank line of ``text``, and the posts found among them."""
    lines = split_lines(text)
    kinds: list[str | None] = [None] * len(lines)
    groups: list[int] = list(range(len(lines)))   # lines with the same group id form one block

    # 1. posts
    posts: list[Post] = []
    for first, (post, covered) in sorted(find_posts(text, lines).items()):
        posts.append(post)
        for i in covered:
            kinds[i], groups[i] = "post", first

    # 2. kinds from the markup
    if hints:
        by_span = {(b.start, b.end): b.kind for b in hints}
        for i, ln in enumerate(lines):
            if kinds[i] is None and (ln.start, ln.end) in by_span:
                kinds[i] = by_span[(ln.start, ln.end)]
        for h in hints:                       # a navigation block from markup spans several lines
            if h.kind == "navigation":
                members = [i for i, ln in enumerate(lines) if h.start <= ln.start and ln.end <= h.end]
                for i in members:
                    if kinds[i] in (None, "navigation", "paragraph", "heading"):
                        kinds[i], groups[i] = "navigation", members[0]

    texts = [text[ln.start:ln.end] for ln in lines]
    # 3. captions
    for i, s in enumerate(texts):
        if kinds[i] is None and _is_caption(s, i):
            kinds[i] = "caption"

    # 4. navigation runs
    i = 0
    while i < len(lines):
        if kinds[i] is None and is_label(texts[i]):
            j = i + 1
            while (j < len(lines) and kinds[j] is None and not is_label(texts[j])
                   and (_BULLET.match(texts[j]) or is_headline(texts[j]))):
                j += 1
            if j > i + 1:
                for k in range(i, j):
                    kinds[k], groups[k] = "navigation", i
                i = j
                continue
        if kinds[i] is None and _BULLET.match(texts[i]):
            j = i
            while j < len(lines) and kinds[j] is None and _BULLET.match(texts[j]) and is_headline(texts[j]):
                j += 1
            if j - i >= 3:
                for k in range(i, j):
                    kinds[k], groups[k] = "navigation", i
                i = j
                continue
        i += 1
    for i, s in enumerate(texts):             # a record of page fields
        if kinds[i] is None and _field_record(s):
            kinds[i] = "navigation"

    # 5. headings
    for i, s in enumerate(texts):
        if kinds[i] is None and is_headline(s) and not s.rstrip().endswith(":"):
            kinds[i] = "heading"

    # 6. quotes after a colon
    lay = _layout()
    for i, s in enumerate(texts):
        if kinds[i] not in (None, "paragraph") or not s.rstrip().endswith(":") or is_label(s):
            continue
        j = i + 1
        while j < len(lines) and kinds[j] is None:
            t = texts[j]
            if j > i + 1 and not _has_word(t, lay["first"]) and _has_word(t, lay["narration"]):
                break
            kinds[j] = "quote"
            j += 1

    # 7. paragraphs, then merge grouped lines
    blocks: list[Block] = []
    for i, ln in enumerate(lines):
        kind = kinds[i] or "paragraph"
        if blocks and groups[i] != i and groups[i] == groups[i - 1] and blocks[-1].kind == kind:
            blocks[-1].end = ln.end
        else:
            blocks.append(Block(kind, ln.start, ln.end))
    return blocks, posts
