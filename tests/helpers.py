"""Checks shared by several test modules."""
from __future__ import annotations


def _span_ok(text: str, s: int, e: int) -> None:
    assert 0 <= s < e <= len(text), (s, e)
    piece = text[s:e]
    assert piece.strip() == piece and piece, repr(piece)          # a mention starts and ends on a word
    assert any(c.isalnum() for c in piece), repr(piece)
    assert not (s and text[s - 1].isalnum()) and not (e < len(text) and text[e].isalnum()), \
        repr(text[max(0, s - 10):e + 10])                          # and cuts none


def _unique(spans) -> None:
    assert len({tuple(x) for x in spans}) == len(spans), spans


def assert_spans_valid(out: dict, text: str) -> None:
    """Every span in a contract object lies inside the text and points at what it claims."""
    n = len(text)
    doc = out["document"]
    for b in doc["blocks"]:
        assert 0 <= b["start"] < b["end"] <= n, b
    for p in out["posts"]:
        assert 0 <= p["start"] < p["end"] <= n, p
        ts, te = p["text_span"]
        assert p["start"] <= ts < te <= p["end"]
        assert text[ts:te] == p["text"]
    for place in out["places"]:
        _unique(place["mentions"])
        for s, e in place["mentions"]:
            _span_ok(text, s, e)
    for actor in out.get("actors", []):
        _unique(actor["mentions"])
        for s, e in actor["mentions"]:
            _span_ok(text, s, e)
    for ev in out["events"]:
        for s, e in ev["mentions"]:
            assert 0 <= s < e <= n
        for a in ev["actors"]:
            for s, e in a["mentions"]:
                _span_ok(text, s, e)
        for p in ev["places"]:
            for s, e in p["mentions"]:
                _span_ok(text, s, e)
        for a in ev.get("attributions", []):
            if a.get("span"):
                s, e = a["span"]
                _span_ok(text, s, e)
                if a.get("quote"):
                    assert a["quote"] in text[s:e] or text[s:e] in a["quote"]
        fat = ev["fatalities"]
        if fat:
            s, e = fat["span"]
            assert text[s:e] == fat["text"]
            assert any(ms <= s and e <= me for ms, me in ev["mentions"]), "the toll lies in the event's evidence"
    for t in out["tallies"]:
        s, e = t["span"]
        a, b = t["text_span"]
        assert 0 <= s <= a < b <= e <= n and text[a:b] == t["text"]


def use_cheap_argon2(monkeypatch) -> None:
    """argon2 with small costs for tests that check many passwords (the benchmark times real ones)."""
    from argon2 import PasswordHasher

    from warledger.store import users as users_store
    monkeypatch.setattr(users_store, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(users_store, "_dummy", [])
