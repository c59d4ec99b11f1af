"""The cue words of one language (``patterns/languages/<code>.yaml``), compiled for matching on
tokens.

An entry matches a token when the token's lower-case form or its lemma starts with it
("погиб" matches "погибли"); an entry ending in "=" must match the whole word. An entry of
several words matches them on consecutive tokens, each the same way. Matching reads only plain
strings, so it works on a pipeline with no tagger (a blank one) as on a trained one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from ..errors import WarledgerError

_SPLIT = re.compile(r"[\s]+")


@dataclass(frozen=True, slots=True)
class Entry:
    words: tuple[tuple[str, bool], ...]     # (text, whole word?)


def _entry(text: str) -> Entry:
    words = []
    for w in _SPLIT.split(str(text).strip().lower()):
        if w:
            whole = w.endswith("=") and len(w) > 1
            words.append((w[:-1] if whole else w, whole))
    return Entry(tuple(words))


class EntryList:
    """Entries indexed by the first two letters of their first word, for quick scans."""

    def __init__(self, items, labels=None):
        self.by_head: dict[str, list[tuple[Entry, object]]] = {}
        for n, text in enumerate(items or []):
            e = _entry(text)
            if not e.words:
                continue
            label = labels[n] if labels is not None else text
            self.by_head.setdefault(e.words[0][0][:2], []).append((e, label))
        for lst in self.by_head.values():       # the longest entry first
            lst.sort(key=lambda x: -len(x[0].words))

    def at(self, keys: list[tuple[str, str]], i: int, end: int) -> tuple[int, object] | None:
        """The longest entry starting at token ``i`` (before ``end``): (token after it, label)."""
        low, lemma = keys[i]
        cands = self.by_head.get(low[:2], []) + (self.by_head.get(lemma[:2], []) if lemma[:2] != low[:2] else [])
        best = None
        for e, label in cands:
            j = i
            ok = True
            for text, whole in e.words:
                if j >= end or not _word_matches(keys[j], text, whole):
                    ok = False
                    break
                j += 1
            if ok and (best is None or j > best[0]):
                best = (j, label)
        return best

    def find(self, keys: list[tuple[str, str]], start: int, end: int) -> list[tuple[int, int, object]]:
        """Every match in ``[start, end)``, longest first at each token, not overlapping."""
        out = []
        i = start
        while i < end:
            hit = self.at(keys, i, end)
            if hit is not None:
                out.append((i, hit[0], hit[1]))
                i = hit[0]
            else:
                i += 1
        return out


def _word_matches(key: tuple[str, str], text: str, whole: bool) -> bool:
    low, lemma = key
    if whole:
        return low == text or lemma == text
    return low.startswith(text) or lemma.startswith(text)


@dataclass
class Cues:
    """One language's compiled cue words."""

    language: str
    triggers: EntryList
    statement_verbs: EntryList
    killed: EntryList
    killed_one: EntryList
    wounded: EntryList
    people: EntryList
    victims: EntryList
    at_least: EntryList
    more_than: EntryList
    about: EntryList
    range_words: EntryList
    subset: EntryList
    and_words: EntryList
    units: EntryList
    since: EntryList
    cumulative: EntryList
    anaphora: EntryList
    stances: EntryList
    negation: EntryList
    sources: EntryList
    place_nouns: EntryList
    place_prepositions: EntryList
    admin_words: EntryList
    directions: EntryList
    function_words: frozenset[str]
    weekdays: EntryList
    months: EntryList
    relative: EntryList
    night_of: EntryList
    year_words: EntryList
    numbers: dict[str, int]
    multipliers: dict[str, int]
    stem_rules: list[tuple[str, str]]
    spelling_variants: list[tuple[str, str]]
    clitics: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    apostrophe_suffix: bool = False
    raw: dict = field(default_factory=dict)


def _labelled(mapping: dict) -> EntryList:
    items, labels = [], []
    for label, words in (mapping or {}).items():
        for w in words or []:
            items.append(w)
            labels.append(label)
    return EntryList(items, labels)


def _valued(mapping: dict) -> EntryList:
    items = list((mapping or {}).keys())
    return EntryList(items, [mapping[k] for k in items])


def compile_cues(data: dict, where: str) -> Cues:
    try:
        dates = data.get("dates") or {}
        return Cues(
            language=str(data["language"]),
            triggers=_labelled(data["triggers"]),
            statement_verbs=EntryList(data.get("statement_verbs")),
            killed=EntryList(data["killed"]), killed_one=EntryList(data.get("killed_one")),
            wounded=EntryList(data["wounded"]), people=EntryList(data.get("people")),
            victims=EntryList(data.get("victims")),
            at_least=EntryList(data.get("at_least")), more_than=EntryList(data.get("more_than")),
            about=EntryList(data.get("about")), range_words=EntryList(data.get("range_words")),
            subset=EntryList(data.get("subset")), and_words=EntryList(data.get("and_words")),
            units=EntryList(data.get("units")), since=EntryList(data.get("since")),
            cumulative=EntryList(data.get("cumulative")), anaphora=EntryList(data.get("anaphora")),
            stances=_labelled(data["stances"]), negation=EntryList(data.get("negation")),
            sources=EntryList(data.get("sources")), place_nouns=EntryList(data.get("place_nouns")),
            place_prepositions=EntryList(data.get("place_prepositions")),
            admin_words=EntryList(data.get("admin_words")),
            directions=EntryList(data.get("directions")),
            function_words=frozenset(str(w).lower() for w in data.get("function_words") or []),
            weekdays=_valued(dates.get("weekdays")), months=_valued(dates.get("months")),
            relative=_valued(dates.get("relative")), night_of=EntryList(dates.get("night_of")),
            year_words=EntryList(dates.get("year_words")),
            numbers={str(k).lower(): int(v) for k, v in (data.get("numbers") or {}).items()},
            multipliers={str(k).lower(): int(v) for k, v in (data.get("multipliers") or {}).items()},
            stem_rules=[(str(a), str(b)) for a, b in data.get("stem_rules") or []],
            spelling_variants=[(str(a), str(b)) for a, b in data.get("spelling_variants") or []],
            clitics=tuple(sorted((str(c) for c in data.get("clitics") or []), key=len, reverse=True)),
            prefixes=tuple(str(c) for c in data.get("prefixes") or []),
            apostrophe_suffix=bool(data.get("apostrophe_suffix")),
            raw=data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WarledgerError("E308", f"the cue file is not of the expected shape ({type(exc).__name__}: {exc})",
                             path=where) from None


def cue_path(language: str) -> Path:
    return Path(str(resources.files(__package__).joinpath("patterns", "languages", f"{language}.yaml")))


def has_cues(language: str) -> bool:
    return cue_path(language).is_file()


@cache
def load_cues(language: str, path: str | None = None) -> Cues:
    """The cue words of ``language`` as shipped, or of the file at ``path``."""
    where = Path(path) if path else cue_path(language)
    if not where.is_file():
        raise WarledgerError("E308", f"no cue file for the language {language!r}", path=str(where))
    try:
        data = yaml.safe_load(where.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise WarledgerError("E308", f"the cue file cannot be read ({type(exc).__name__})", path=str(where)) from None
    if not isinstance(data, dict):
        raise WarledgerError("E308", "the cue file is not a mapping", path=str(where))
    return compile_cues(data, str(where))


_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def stance_in(text: str, cues: Cues) -> str | None:
    """The strongest reporting stance a text in ``cues``' language takes (a post, a quote), or
    None when it has no reporting cue: "Минобороны опровергает сообщения ..." → "denies"."""
    from ..vocab import STANCE_RANK

    words = [m.group(0).lower() for m in _WORD.finditer(text)]
    keys = [(w, w) for w in words]
    found = []
    for i, _j, stance in cues.stances.find(keys, 0, len(keys)):
        if stance == "confirms" and any(cues.negation.at(keys, k, i) for k in range(max(0, i - 2), i)):
            stance = "cannot_confirm"
        found.append(stance)
    return min(found, key=lambda s: STANCE_RANK.get(s, 99)) if found else None
