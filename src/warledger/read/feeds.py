"""RSS and Atom feeds (feedparser): each entry a document."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import feedparser

from ..errors import ReadError, WarledgerError
from ..model import Document
from .html import read_html
from .text import has_text


def _entry_date(entry) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return dt.date(*parsed[:3]) if parsed else None
    except (TypeError, ValueError):
        return None


def _bodies(entry) -> list[dict]:
    """What an entry's text may come from, best first: each of its contents (Atom ``content``,
    RSS ``content:encoded``), then its summary (``summary``, ``description``)."""
    out = [c for c in entry.get("content") or [] if isinstance(c, dict)]
    if entry.get("summary"):
        detail = entry.get("summary_detail") or {}
        out.append({"value": entry.get("summary"), "type": detail.get("type", "text/html")})
    return out


def _read_body(body: dict, where: str, url: str | None) -> Document | ReadError | None:
    """The document one content or summary gives; None when it holds no text."""
    value = body.get("value") or ""
    if not isinstance(value, str) or not has_text(value):
        return None
    if "html" in (body.get("type") or ""):
        try:
            doc = read_html(f"<html><body><article>{value}</article></body></html>", where, url=url)
        except ReadError as err:
            return None if err.code == "E112" else err
    else:
        doc = Document(text=value, origin=where)
    return doc if has_text(doc.text) else None


def read_feed(data: bytes, path: str) -> Iterator[Document | WarledgerError]:
    try:
        feed = feedparser.parse(data)
    except Exception as exc:  # noqa: BLE001  feedparser fails in many ways on a damaged declaration
        reason = str(exc).splitlines()[0][:120] if str(exc) else ""
        yield ReadError("E131", f"the feed cannot be parsed ({type(exc).__name__}{': ' + reason if reason else ''})",
                        path=path)
        return
    if not feed.entries:
        reason = f" ({str(feed.bozo_exception).splitlines()[0]})" if feed.get("bozo") else ""
        yield ReadError("E131", f"the feed has no entries{reason}", path=path)
        return
    source = feed.feed.get("title")
    for n, entry in enumerate(feed.entries, start=1):
        where = f"{path}#entry{n}"
        bodies = _bodies(entry)
        if not any(isinstance(b.get("value"), str) and b["value"].strip() for b in bodies):
            yield ReadError("E132", "the feed entry has no text (no content, summary or description)", path=where)
            continue
        doc: Document | ReadError | None = None
        for body in bodies:                      # an empty content falls back to the summary
            doc = _read_body(body, where, entry.get("link"))
            if isinstance(doc, Document):
                break
        if doc is None:
            yield ReadError("E107", "no text to read (the entry's content and summary hold no words)", path=where)
            continue
        if isinstance(doc, ReadError):
            yield doc
            continue
        doc.input_format = "feed"
        doc.id = entry.get("id") or entry.get("link") or None
        doc.title = entry.get("title") or doc.title
        doc.url = entry.get("link") or doc.url
        doc.source = source or doc.source
        doc.published = _entry_date(entry) or doc.published
        yield doc
