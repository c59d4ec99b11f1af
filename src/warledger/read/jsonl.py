"""JSON Lines: one document per line, ``text`` plus optional id, url, title, published, source."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

from ..errors import ReadError, WarledgerError
from ..model import Document

_FIELDS = ("id", "url", "title", "published", "source", "language")


def _date(value, path: str, lineno: int) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise ReadError("E123", f"'published' is not an ISO date: {value!r}", path=path, line=lineno) from None


def read_jsonl(text: str, path: str, lines: tuple[int, int] | None = None) -> Iterator[Document | WarledgerError]:
    """Yield a Document per good line and a ReadError per bad one, in input order; with
    ``lines`` (first, last), only those line numbers (a batch partition of the file)."""
    seen = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if lines is not None and not lines[0] <= lineno <= lines[1]:
            continue
        if not line.strip():
            continue
        seen += 1
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError("E121", f"malformed JSON ({exc.msg})", path=path, line=lineno)
            continue
        except (ValueError, RecursionError) as exc:    # a 5,000-digit number, arrays nested 10,000 deep
            yield ReadError("E121", f"malformed JSON ({type(exc).__name__}: {str(exc).splitlines()[0][:80]})",
                            path=path, line=lineno)
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            yield ReadError("E122", "the line has no non-empty 'text' field", path=path, line=lineno)
            continue
        try:
            published = _date(obj.get("published"), path, lineno)
        except ReadError as err:
            yield err
            continue
        extra = {k: (str(obj[k]) if obj.get(k) is not None else None) for k in _FIELDS if k != "published"}
        yield Document(text=obj["text"], published=published, origin=f"{path}:{lineno}",
                       input_format="jsonl", **extra)
    if not seen and lines is None:
        yield ReadError("E101", "the file holds no JSON lines", path=path)
