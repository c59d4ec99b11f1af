"""The trained pipeline's rule parts — spaCy's attribute ruler and rule lemmatizer — in one pass
that gives the same token attributes for a fraction of their time.

Both are deterministic functions of a token's own attributes for all but a handful of rules:
the attribute ruler's one-token patterns test the tagger's tag, the parser's label and the word;
the rule lemmatizer reads the word, its part of speech and its morphology. Their combined effect
on a token is therefore computed once per distinct (word, tag, label, prior values) and then
written with one call, instead of a ``Span`` and a Python call per match and a lookup per token.
Patterns over several tokens ("gon na") go through a spaCy ``Matcher`` of their own and are
applied the slow way, in the ruler's order. Patterns with operators this module does not know
leave the pipeline as it is (``fuse_rule_pipes`` returns False).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from spacy.attrs import DEP, LEMMA, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs

_ATTRS: dict[str, Callable[[Token], object]] = {
    "TAG": lambda t: t.tag_, "LOWER": lambda t: t.lower_, "ORTH": lambda t: t.text, "TEXT": lambda t: t.text,
    "DEP": lambda t: t.dep_, "IS_SPACE": lambda t: t.is_space,
}
_CACHE_MAX = 500_000
_KEY = [ORTH, TAG, DEP, POS, MORPH, LEMMA]      # what a token's effect depends on, read before the pass


class Unsupported(ValueError):
    """A pattern this module cannot evaluate token by token."""


def _value_test(spec) -> Callable[[object], bool] | None:
    """A test of one attribute value, or None when ``spec`` is a plain value or an IN list (indexed)."""
    if not isinstance(spec, dict):
        return None
    if len(spec) != 1:
        raise Unsupported(str(spec))
    (op, value), = spec.items()
    if op == "IN":
        return None
    if op == "NOT_IN":
        values = frozenset(value)
        return lambda v: v not in values
    if op == "REGEX":
        rx = re.compile(value)
        return lambda v: rx.search(str(v)) is not None
    raise Unsupported(op)


class _AttrIndex:
    """Which one-token patterns a value of one attribute lets through: those that do not test the
    attribute, those whose value or IN list holds it, those whose other test passes; per value, cached."""

    def __init__(self, n: int):
        self.n = n
        self.free: set[int] = set(range(n))
        self.equal: dict[object, set[int]] = {}
        self.tests: list[tuple[int, Callable[[object], bool]]] = []
        self._cache: dict[object, frozenset[int]] = {}

    def add(self, pattern_id: int, spec) -> None:
        self.free.discard(pattern_id)
        test = _value_test(spec)
        if test is not None:
            self.tests.append((pattern_id, test))
            return
        for value in (spec["IN"] if isinstance(spec, dict) else [spec]):
            self.equal.setdefault(value, set()).add(pattern_id)

    def passing(self, value) -> frozenset[int]:
        hit = self._cache.get(value)
        if hit is None:
            found = set(self.free)
            found |= self.equal.get(value, set())
            found.update(pattern_id for pattern_id, test in self.tests if test(value))
            hit = frozenset(found)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[value] = hit
        return hit


class _SingleRules:
    """The one-token patterns of an attribute ruler, indexed by attribute."""

    def __init__(self):
        self.rule_of: list[int] = []                 # pattern id → the ruler's attribute id
        self.specs: list[dict] = []

    def add(self, attr_id: int, spec: dict) -> None:
        if "OP" in spec or any(attr not in _ATTRS for attr in spec):
            raise Unsupported(str(spec))
        self.rule_of.append(attr_id)
        self.specs.append(spec)

    def build(self) -> None:
        n = len(self.specs)
        self.index = {attr: _AttrIndex(n) for attr in _ATTRS}
        for pattern_id, spec in enumerate(self.specs):
            for attr, value in spec.items():
                self.index[attr].add(pattern_id, value)
        self.used = [(attr, _ATTRS[attr], idx) for attr, idx in self.index.items() if len(idx.free) < n]

    def rules(self, token: Token) -> list[int]:
        found: frozenset[int] | None = None
        for _attr, get, idx in self.used:
            passing = idx.passing(get(token))
            found = passing if found is None else found & passing
            if not found:
                return []
        return sorted({self.rule_of[p] for p in found}) if found else []


class RulePass:
    """The attribute ruler and the lemmatizer of ``nlp`` as one component."""

    def __init__(self, nlp: Language, ruler, lemmatizer=None):
        self.vocab = nlp.vocab
        self.ruler = ruler
        self.lemmatizer = lemmatizer
        self.single = _SingleRules()
        self.multi = Matcher(nlp.vocab)
        for attr_id, rule in enumerate(ruler.patterns):
            for pattern in rule["patterns"]:
                if len(pattern) == 1 and rule["index"] in (0, -1):
                    self.single.add(attr_id, pattern[0])
                else:
                    self.multi.add(str(attr_id), [pattern])
        self.single.build()
        self._effects: dict[tuple, dict] = {}
        self._tables: dict[str, tuple] = {}
        self._rules: dict[tuple, list[int]] = {}

    def _rules_of(self, token: Token) -> list[int]:
        key = (token.orth, token.tag, token.dep)
        rules = self._rules.get(key)
        if rules is None:
            rules = self.single.rules(token)
            if len(self._rules) >= _CACHE_MAX:
                self._rules.clear()
            self._rules[key] = rules
        return rules

    def _lemma(self, token: Token) -> None:
        if self.lemmatizer is not None and (self.lemmatizer.overwrite or token.lemma == 0):
            token.lemma_ = self._rule_lemma(token)

    def _rule_lemma(self, token: Token) -> str:
        """spaCy's ``Lemmatizer.rule_lemmatize`` (its first form), step for step, with the word
        lists as sets: the original tests membership in lists of thousands of words."""
        lem = self.lemmatizer
        if type(lem).rule_lemmatize is not Lemmatizer.rule_lemmatize:
            return lem.lemmatize(token)[0]          # a language's own lemmatizer: as it is
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("", "eol", "space") or lem.is_base_form(token):
            return string.lower()
        tables = self._tables.get(univ_pos)
        if tables is None:
            index = lem.lookups.get_table("lemma_index", {}).get(univ_pos)
            exceptions = lem.lookups.get_table("lemma_exc", {}).get(univ_pos)
            rules = lem.lookups.get_table("lemma_rules", {}).get(univ_pos)
            tables = (bool(index or exceptions or rules), frozenset(index or ()), exceptions or {}, rules or [])
            self._tables[univ_pos] = tables
        known, index, exceptions, rules = tables
        if not known:
            return string if univ_pos == "propn" else string.lower()
        orig = string
        string = string.lower()
        forms: list[str] = []
        oov_forms: list[str] = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        return (forms or oov_forms or [orig])[0]

    def _effect(self, token: Token, key: tuple) -> dict:
        """Apply the rules and the lemmatizer to ``token`` and return what they changed, merged."""
        merged: dict = {}
        for attr_id in self._rules_of(token):
            merged.update(self.ruler.attrs[attr_id])
        set_token_attrs(token, merged)
        self._lemma(token)
        effect = dict(merged)
        if self.lemmatizer is not None:
            effect[LEMMA] = token.lemma
        if len(self._effects) >= _CACHE_MAX:
            self._effects.clear()
        self._effects[key] = effect
        return effect

    def __call__(self, doc: Doc) -> Doc:
        if self.lemmatizer is not None and not self.lemmatizer._validated:
            self.lemmatizer._validate_tables()
        spans: dict[int, list[int]] = {}
        for match_id, start, end in self.multi(doc, allow_missing=True):
            attr_id = int(self.vocab.strings[match_id])
            at = self.ruler.indices[attr_id]
            spans.setdefault((start if at >= 0 else end) + at, []).append(attr_id)
        effects = self._effects
        for token, row in zip(doc, doc.to_array(_KEY).tolist(), strict=True):
            if token.i in spans:                 # a rule over several tokens reaches it: in the ruler's order
                for attr_id in sorted(set(self._rules_of(token)) | set(spans[token.i])):
                    set_token_attrs(token, self.ruler.attrs[attr_id])
                self._lemma(token)
                continue
            key = tuple(row)
            effect = effects.get(key)
            if effect is None:
                self._effect(token, key)
            else:
                set_token_attrs(token, effect)
        return doc


def _pair(nlp: Language):
    """The attribute ruler and the rule lemmatizer right after it (or None), as the pipeline runs them."""
    names = nlp.pipe_names
    ruler = nlp.get_pipe("attribute_ruler")
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in names else None
    if lemmatizer is not None and (getattr(lemmatizer, "mode", None) != "rule"
                                   or names.index("lemmatizer") != names.index("attribute_ruler") + 1):
        lemmatizer = None
    return ruler, lemmatizer


@Language.factory("warledger_rule_pass")
def make_rule_pass(nlp: Language, name: str) -> RulePass:
    ruler, lemmatizer = _pair(nlp)
    return RulePass(nlp, ruler, lemmatizer)


def fuse_rule_pipes(nlp: Language) -> bool:
    """Replace ``attribute_ruler`` (and ``lemmatizer`` right after it, if it is a rule lemmatizer)
    by one :class:`RulePass`; the originals stay loaded, disabled. False when the pipeline has no
    attribute ruler or one of its patterns is beyond this module."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler, lemmatizer = _pair(nlp)
    try:
        nlp.add_pipe("warledger_rule_pass", after="lemmatizer" if lemmatizer is not None else "attribute_ruler")
    except Unsupported:
        return False
    nlp.disable_pipe("attribute_ruler")
    if lemmatizer is not None:
        nlp.disable_pipe("lemmatizer")
    return True
