"""Name keys for gazetteer lookups: case, diacritics and transliteration marks folded, Arabic
articles dropped, and a consonant skeleton for vowel variants ("Hajr" / "Hajar")."""
from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources

import yaml

_MARKS = str.maketrans({c: "" for c in "ʿʾʼʻ`´'’‘ʹ"}) | str.maketrans({
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "ß": "ss", "æ": "ae", "œ": "oe",
    "-": " ", "‐": " ", "‑": " ", "–": " ", "—": " ", "_": " ", ".": " ", ",": " ", "/": " ", "#": " ",
    "(": " ", ")": " ", "&": " "})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‑": "-", "–": "-"})
_SPACE = re.compile(r"\s+")
_VOWELS = re.compile(r"[aeiouyw]")


@cache
def lexicon() -> dict:
    path = resources.files(__package__).joinpath("patterns", "places.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


@cache
def _articles() -> frozenset[str]:
    return frozenset(lexicon()["articles"])


def fold(text: str, *, marks: bool = False) -> str:
    """The one folding of names: case and diacritics folded, curly quotes and dashes made plain,
    spaces collapsed — the key registry aliases are compared by. With ``marks``, transliteration
    marks and apostrophes go too and punctuation becomes a space: the gazetteer's key."""
    if text.isascii():                  # no diacritics to take off: most names, read many times
        s = text.lower()
    else:
        s = unicodedata.normalize("NFKD", text)
        s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = s.translate(_MARKS if marks else _QUOTES)
    return _SPACE.sub(" ", s).strip()


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The exact lookup key: folded, with articles dropped ("Ar-Raqqah" → "raqqah")."""
    words = fold(name, marks=True).split()
    kept = [w for w in words if w not in _articles()]
    return " ".join(kept or words)


def _skeleton(word: str) -> str:
    word = re.sub(r"(?<=[aeiou])h$", "", word)          # Raqqah / Raqqa
    word = word.replace("q", "k").replace("ph", "f").replace("ou", "u")
    head, rest = word[:1], _VOWELS.sub("", word[1:])
    return re.sub(r"(.)\1+", r"\1", head + rest)


_LONG_VOWELS = (("ee", "i"), ("ii", "i"), ("oo", "u"), ("ou", "u"), ("uu", "u"), ("aa", "a"))


@cache
def _connectors() -> frozenset[str]:
    return frozenset(lexicon().get("name_connectors") or ())


def _parts(key: str) -> list[str]:
    """The words of a name key, the words joining its parts left out ("sistan and baluchestan"
    → sistan, baluchestan) when it has three or more."""
    words = key.split()
    kept = [w for w in words if w not in _connectors()] if len(words) > 2 else words
    return kept or words


def spelling(key: str) -> str:
    """A name key as its spelling is compared once the skeletons agree: the words joining its
    parts dropped ("Sistan and Baluchestan" / "Sistan Baluchistan") and a long vowel written as
    one ("Pisheen" / "Pishin", "Qaboon" / "Qabun"), as transliterations do."""
    s = " ".join(_parts(key))
    for long, short in _LONG_VOWELS:
        s = s.replace(long, short)
    return s


def fuzzy_key(name: str) -> str | None:
    """A consonant skeleton per word; None when too short to tell places apart."""
    key = name_key(name)
    if not key.isascii():
        return None
    # one skeleton for the whole name, word breaks ignored: "Deir Ezzor" / "Deir ez-Zor",
    # "Tel Hamis" / "Tall Hamis"
    sk = _skeleton("".join(_parts(key)))
    return sk if len(sk) >= 3 else None


@cache
def _short_words() -> dict[str, str]:
    return {k.lower(): v.lower() for k, v in (lexicon().get("name_abbreviations") or {}).items()}


def spelled_out(key: str) -> str:
    """A name key with the abbreviated words of names written out ("st marc" → "saint marc",
    "mt hermon" → "mount hermon"): the gazetteer's names spell them out."""
    table = _short_words()
    return " ".join(table.get(w, w) for w in key.split())
