"""Checks shared by several test modules."""
from __future__ import annotations


def assert_spans_valid(out: dict, text: str) -> None:
    """Every span in a contract object lies inside the text; posts stand verbatim in their span."""
    n = len(text)
    doc = out["document"]
    for b in doc["blocks"]:
        assert 0 <= b["start"] < b["end"] <= n, b
    for p in out["posts"]:
        assert 0 <= p["start"] < p["end"] <= n, p
        ts, te = p["text_span"]
        assert p["start"] <= ts < te <= p["end"]
        assert text[ts:te] == p["text"]
    for group in ("places", "events", "tallies"):
        for item in out[group]:
            for s, e in item.get("mentions", []):
                assert 0 <= s < e <= n
            if item.get("span"):
                s, e = item["span"]
                assert 0 <= s < e <= n
