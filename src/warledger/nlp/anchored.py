"""spaCy ``DependencyMatcher`` patterns matched from one anchor token.

spaCy's DependencyMatcher finds every token that fits each node of each pattern over the whole
Doc, then tries their combinations: run once per Doc over warledger's role patterns it took
1.2-1.9 s on the first 100 FA-KES articles, more than the whole event stage (0.94 s). Role
patterns are only ever wanted at an event's trigger, so ``AnchoredMatcher`` walks each pattern
from the anchor outwards, along the relations it names, trying only the patterns whose first
step the anchor's children allow: the same patterns and the same matches (checked against
spaCy's matcher in ``tests/nlp/test_roles.py``, and on 181 shared documents, 89,924 matches,
when it was written) at about 15 microseconds a trigger. Patterns are validated by spaCy's
DependencyMatcher when added, so they stay usable with it.

Supported: the token attributes ORTH, TEXT, LOWER, LEMMA, POS, TAG, DEP and ENT_TYPE, as a
value or with IN / NOT_IN; the relations ``>``, ``<``, ``>>``, ``<<``, ``$+``, ``$-``, ``$++``,
``$--``.
"""
from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from spacy.matcher import DependencyMatcher
from spacy.tokens import Token
from spacy.vocab import Vocab

ATTRS: dict[str, Callable[[Token], str]] = {
    "ORTH": attrgetter("text"), "TEXT": attrgetter("text"), "LOWER": attrgetter("lower_"),
    "LEMMA": attrgetter("lemma_"), "POS": attrgetter("pos_"), "TAG": attrgetter("tag_"), "DEP": attrgetter("dep_"),
    "ENT_TYPE": attrgetter("ent_type_"),
}


def _children(t: Token) -> list[Token]:
    return list(t.children)


def _head(t: Token) -> list[Token]:
    return [] if t.head is t else [t.head]


def _descendants(t: Token) -> list[Token]:
    return [d for d in t.subtree if d is not t]


def _ancestors(t: Token) -> list[Token]:
    return list(t.ancestors)


def _right_siblings(t: Token) -> list[Token]:           # as spaCy: a root's "siblings" are its children
    return [c for c in t.head.children if c.i > t.i]


def _left_siblings(t: Token) -> list[Token]:
    return [c for c in t.head.children if c.i < t.i]


def _next_sibling(t: Token) -> list[Token]:
    return [c for c in t.head.children if c.i == t.i + 1]


def _previous_sibling(t: Token) -> list[Token]:
    return [c for c in t.head.children if c.i == t.i - 1]


RELATIONS: dict[str, Callable[[Token], list[Token]]] = {
    ">": _children, "<": _head, ">>": _descendants, "<<": _ancestors,
    "$++": _right_siblings, "$--": _left_siblings, "$+": _next_sibling, "$-": _previous_sibling,
}

Check = tuple[Callable[[Token], str], int, object]   # (attribute getter, EQUAL | IN | NOT_IN, value)
EQUAL, IN, NOT_IN = 0, 1, 2
Step = tuple[int, Callable[[Token], list[Token]], tuple[Check, ...]]   # (left node, relation, checks)


def _checks(attrs: dict) -> tuple[Check, ...]:
    out: list[Check] = []
    for name, value in attrs.items():
        if name not in ATTRS:
            raise ValueError(f"attribute {name!r} is not supported here (one of {sorted(ATTRS)})")
        if isinstance(value, dict):
            for op, v in value.items():
                if op not in ("IN", "NOT_IN"):
                    raise ValueError(f"{name}: operator {op!r} is not supported here (IN, NOT_IN)")
                out.append((ATTRS[name], IN if op == "IN" else NOT_IN, frozenset(v)))
        else:
            out.append((ATTRS[name], EQUAL, str(value)))
    return tuple(out)


def _fits(tok: Token, checks: tuple[Check, ...]) -> bool:
    for get, op, value in checks:
        v = get(tok)
        if op == EQUAL:
            if v != value:
                return False
        elif (v in value) != (op == IN):       # type: ignore[operator]
            return False
    return True


def _words(value) -> frozenset[str] | None:
    if isinstance(value, str):
        return frozenset([value])
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset(value["IN"])
    return None


def _first_child(pattern: list[dict]) -> list[tuple[str, str | None]] | None:
    """The (label, lower-case form or None: any) pairs a pattern's first step allows a child of
    the anchor, when it names them: the pattern is then only tried through such children."""
    if len(pattern) < 2 or pattern[1]["REL_OP"] != ">" or pattern[1]["LEFT_ID"] != pattern[0]["RIGHT_ID"]:
        return None
    attrs = pattern[1].get("RIGHT_ATTRS") or {}
    deps, lowers = _words(attrs.get("DEP")), _words(attrs.get("LOWER"))
    if deps is None:
        return None
    return [(d, w) for d in sorted(deps) for w in (sorted(lowers) if lowers is not None else [None])]


def _extend(key: int, bound: list[Token], steps: tuple[Step, ...], out: list) -> None:
    """Every way to bind the pattern's next nodes, given the nodes bound so far."""
    left, relation, checks = steps[len(bound) - 1]
    last = len(bound) == len(steps)
    for cand in relation(bound[left]):
        if _fits(cand, checks):
            bound.append(cand)
            if last:
                out.append((key, tuple(t.i for t in bound)))
            else:
                _extend(key, bound, steps, out)
            bound.pop()


class AnchoredMatcher:
    """DependencyMatcher patterns, each under a key, matched at one anchor token at a time."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab
        self._spacy = DependencyMatcher(vocab, validate=True)     # validation only
        self._interned: dict[tuple[Check, ...], tuple[Check, ...]] = {}
        self._anchor_checks: dict[tuple[Check, ...], int] = {}     # each anchor's checks, numbered
        # patterns whose first step is a child of the anchor with a named label (and word), by
        # (label, word or None); the others apart, by their anchor's checks:
        # (anchor checks number, key, steps)
        self._by_child: dict[tuple[str, str | None], list[tuple[int, int, tuple[Step, ...]]]] = {}
        self._others: dict[int, list[tuple[int, tuple[Step, ...]]]] = {}

    def _checks(self, attrs: dict | None) -> tuple[Check, ...]:
        checks = _checks(attrs or {})
        return self._interned.setdefault(checks, checks)         # one object for equal checks

    def add(self, key: int, patterns: list[list[dict]]) -> None:
        """Add ``patterns`` (alternatives) under ``key`` (checked by spaCy's DependencyMatcher)."""
        self._spacy.add(str(key), patterns)
        for pattern in patterns:
            ids = [node["RIGHT_ID"] for node in pattern]
            steps = []
            for node in pattern[1:]:
                if node["REL_OP"] not in RELATIONS:
                    raise ValueError(f"relation {node['REL_OP']!r} is not supported here ({sorted(RELATIONS)})")
                steps.append((ids.index(node["LEFT_ID"]), RELATIONS[node["REL_OP"]],
                              self._checks(node.get("RIGHT_ATTRS"))))
            anchor = self._checks(pattern[0].get("RIGHT_ATTRS"))
            number = self._anchor_checks.setdefault(anchor, len(self._anchor_checks))
            child = _first_child(pattern)
            if child is None:
                self._others.setdefault(number, []).append((key, tuple(steps)))
            else:
                for dep_word in child:
                    self._by_child.setdefault(dep_word, []).append((number, key, tuple(steps)))
        self._anchor_list = list(self._anchor_checks)

    def at(self, anchor: Token) -> list[tuple[int, tuple[int, ...]]]:
        """(key, token ids in node order) of every match anchored at ``anchor``."""
        out: list[tuple[int, tuple[int, ...]]] = []
        fits: list[bool | None] = [None] * len(self._anchor_list)     # the anchor against each anchor check
        for number, entries in self._others.items():
            ok = fits[number] = _fits(anchor, self._anchor_list[number])
            if not ok:
                continue
            for key, steps in entries:
                if steps:
                    _extend(key, [anchor], steps, out)
                else:
                    out.append((key, (anchor.i,)))
        by_child = self._by_child
        for child in anchor.children:
            dep = child.dep_
            for entries in (by_child.get((dep, None)), by_child.get((dep, child.lower_))):
                for number, key, steps in entries or ():
                    ok = fits[number]
                    if ok is None:
                        ok = fits[number] = _fits(anchor, self._anchor_list[number])
                    if ok and _fits(child, steps[0][2]):
                        if len(steps) == 1:
                            out.append((key, (anchor.i, child.i)))
                        else:
                            _extend(key, [anchor, child], steps, out)
        return out
