"""RSS and Atom feeds (feedparser): each entry a document."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import feedparser

from ..errors import ReadError, WarledgerError
from ..model import Document
from .html import read_html


def _entry_date(entry) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*parsed[:3]) if parsed else None


def read_feed(data: bytes, path: str) -> Iterator[Document | WarledgerError]:
    feed = feedparser.parse(data)
    if not feed.entries:
        reason = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        yield ReadError("E131", f"the feed has no entries{reason}", path=path)
        return
    source = feed.feed.get("title")
    for n, entry in enumerate(feed.entries, start=1):
        where = f"{path}#entry{n}"
        content = entry.get("content") or []
        body = content[0] if content else {"value": entry.get("summary", ""),
                                             "type": entry.get("summary_detail", {}).get("type", "text/html")}
        value = body.get("value") or ""
        if not value.strip():
            yield ReadError("E132", "the feed entry has no text", path=where)
            continue
        try:
            if "html" in (body.get("type") or ""):
                doc = read_html(f"<html><body><article>{value}</article></body></html>", where,
                                url=entry.get("link"))
            else:
                doc = Document(text=value, origin=where)
        except ReadError as err:
            yield err
            continue
        doc.input_format = "feed"
        doc.id = entry.get("id") or entry.get("link") or None
        doc.title = entry.get("title") or doc.title
        doc.url = entry.get("link") or doc.url
        doc.source = source or doc.source
        doc.published = _entry_date(entry) or doc.published
        yield doc
