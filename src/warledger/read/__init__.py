"""read: bytes → Document, for text, HTML, JSON Lines, RSS/Atom and WARC inputs."""
from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

from ..errors import ReadError, UsageError, WarledgerError
from ..model import Document
from .feeds import read_feed
from .html import read_html
from .jsonl import read_jsonl
from .text import decode_bytes, read_text
from .warc import read_warc

FORMATS = ("text", "html", "jsonl", "feed", "warc")

_BY_SUFFIX = {".txt": "text", ".text": "text", ".md": "text", ".html": "html", ".htm": "html",
              ".xhtml": "html", ".jsonl": "jsonl", ".ndjson": "jsonl", ".rss": "feed",
              ".atom": "feed", ".warc": "warc"}


def sniff(path: Path, data: bytes) -> str:
    """The input format, from the content first and the file name second."""
    head = data[:2048]
    if head.startswith(b"WARC/"):
        return "warc"
    if head[:2] == b"\x1f\x8b":
        try:
            if gzip.decompress(data[:65536] if len(data) < 65536 else data)[:5] == b"WARC/":
                return "warc"
        except (OSError, EOFError):
            if ".warc" in path.name.lower():
                return "warc"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<?xml", b"<rss", b"<feed")) and (b"<rss" in low or b"<feed" in low or b"<rdf" in low):
        return "feed"
    if low.startswith(b"<!doctype html") or low.startswith(b"<html"):
        return "html"
    if low.startswith(b"{") and path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    suffix = ".warc" if path.name.lower().endswith(".warc.gz") else path.suffix.lower()
    if suffix in _BY_SUFFIX:
        return _BY_SUFFIX[suffix]
    if low.startswith(b"{"):
        return "jsonl"
    return "text"


def read_path(path: str | Path, input_format: str | None = None,
              lines: tuple[int, int] | None = None) -> Iterator[Document | WarledgerError]:
    """Yield the documents one input holds, and a WarledgerError for each part that cannot be read.

    A multi-document input (JSON Lines, feed, WARC) keeps its good documents when some are bad.
    ``lines`` (first, last) reads only those lines of a JSON Lines file.
    """
    p = Path(path)
    name = str(path)
    if input_format is not None and input_format not in FORMATS:
        yield UsageError("E100", f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}",
                         path=name)
        return
    if not p.exists():
        yield UsageError("E104", "no such file", path=name)
        return
    if p.is_dir():
        yield UsageError("E105", "is a directory; give the files inside it", path=name)
        return
    try:
        data = p.read_bytes()
    except OSError as exc:
        yield ReadError("E106", f"cannot be read ({exc.strerror})", path=name)
        return
    yield from read_bytes(data, name, input_format, lines)


def read_bytes(data: bytes, name: str, input_format: str | None = None,
               lines: tuple[int, int] | None = None) -> Iterator[Document | WarledgerError]:
    """The documents in ``data`` read as if from a file called ``name`` (the API's uploads)."""
    if input_format is not None and input_format not in FORMATS:
        yield UsageError("E100", f"unknown input format {input_format!r}; choose one of {', '.join(FORMATS)}",
                         path=name)
        return
    if not data.strip():
        yield ReadError("E101", "the file is empty", path=name)
        return
    fmt = input_format or sniff(Path(name), data)
    try:
        if fmt == "text":
            yield read_text(data, name)
        elif fmt == "html":
            yield read_html(decode_bytes(data, name), name)
        elif fmt == "jsonl":
            yield from read_jsonl(decode_bytes(data, name), name, lines)
        elif fmt == "feed":
            yield from read_feed(data, name)
        elif fmt == "warc":
            yield from read_warc(data, name)
    except ReadError as err:
        yield err


__all__ = ["FORMATS", "read_path", "read_bytes", "sniff", "read_html", "read_text", "read_jsonl", "read_feed",
           "read_warc", "decode_bytes"]
