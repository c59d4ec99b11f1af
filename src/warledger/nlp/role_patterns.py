"""The role rules as data: ``patterns/roles.yaml`` read into ``RolePatterns`` (word lists
expanded, every entry checked), for ``nlp/roles.py``. Loaded by the registered function
``warledger.role_patterns.v1`` (``nlp/factories.py``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import ModelError

ROLES = frozenset({"agent", "perpetrator", "target", "victim", "participant"})
WHEN_KEYS = frozenset({"trigger", "types", "agent", "voice", "headline_participle", "event_noun"})
OPTIONS = frozenset({"registered_only", "first_actor_in_subtree", "conjuncts", "unwrap_container", "except_kinds",
                     "drops", "unless_role", "first_only"})
HOLDER_STEPS = frozenset({"climb_to_subject", "nearest_verb_subjects"})
HOLDER_FORMS = frozenset({"step", "children_of", "head_of"})
VERB_POS = ["VERB", "AUX"]


@dataclass(frozen=True)
class RolePattern:
    name: str
    note: str
    role: str
    stage: int                               # index in RolePatterns.stages
    by_child: bool                           # matches taken in the order of the trigger's child
    patterns: list[list[dict]]               # the DependencyMatcher pattern(s), lists expanded
    nodes: tuple[str, ...]                   # RIGHT_IDs, in pattern order
    holder: str                              # the node holding the role (or the node `how` starts from)
    how: str | None = None                   # None (the node), children_of, head_of, or a step's name
    trigger: str | None = None               # "verb" | "other" | None
    types: frozenset[str] | None = None
    agent: str | None = None
    voice: str | None = None
    headline_participle: bool | None = None
    event_noun: tuple[tuple[int, bool], ...] = ()   # (node index, wanted)
    options: dict[str, Any] = field(default_factory=dict)
    example: str | None = None
    expect: dict[str, str] | None = None


@dataclass(frozen=True)
class RolePatterns:
    """Everything ``roles.yaml`` holds, checked: the patterns in file order, the named word
    lists, the steps' and the holder's parameters."""

    patterns: tuple[RolePattern, ...]
    stages: tuple[dict, ...]
    lists: dict[str, frozenset[str]]
    steps: dict[str, dict]
    holder: dict[str, Any]
    options: dict[str, str]
    path: str

    def words(self, name: str) -> frozenset[str]:
        """A named word list (lower case)."""
        return self.lists[name]


def default_path() -> Path:
    return Path(str(resources.files(__package__).joinpath("patterns", "roles.yaml")))


def _fail(path: str, msg: str) -> ModelError:
    return ModelError("E307", f"role patterns: {msg}", path=path)


def _expand(value: Any, lists: dict[str, list[str]], path: str) -> Any:
    """Every "@name" (alone or as a list) replaced by the named list."""
    if isinstance(value, str) and value.startswith("@"):
        if value[1:] not in lists:
            raise _fail(path, f"no list named {value!r}")
        return list(lists[value[1:]])
    if isinstance(value, list):
        out: list = []
        for v in value:
            ev = _expand(v, lists, path)
            out.extend(ev) if isinstance(v, str) and v.startswith("@") else out.append(ev)
        return out
    if isinstance(value, dict):
        return {k: _expand(v, lists, path) for k, v in value.items()}
    return value


def _cased(words: list[str] | str) -> list[str] | str:
    """A lemma condition's words in lower, Title and UPPER case (a proper noun keeps its case)."""
    if isinstance(words, str):
        return {"IN": _cased([words])}
    out: list[str] = []
    for w in words:
        for v in (w, w.title(), w.upper()):
            if v not in out:
                out.append(v)
    return out


def _attrs(attrs: dict) -> dict:
    """A node's RIGHT_ATTRS with its LEMMA words in every case."""
    attrs = dict(attrs)
    lemma = attrs.get("LEMMA")
    if isinstance(lemma, str):
        attrs["LEMMA"] = _cased(lemma)
    elif isinstance(lemma, dict):
        attrs["LEMMA"] = {op: _cased(v) if op in ("IN", "NOT_IN") else v for op, v in lemma.items()}
    return attrs


def _pattern(raw: dict, n: int, stages: dict[str, tuple[int, bool]], steps: dict, lists: dict,
             path: str) -> RolePattern:
    where = f"pattern {n + 1} ({raw.get('name', '?')})"
    unknown = set(raw) - {"name", "note", "role", "stage", "when", "pattern", "patterns", "holder", "options",
                          "example", "expect"}
    if unknown:
        raise _fail(path, f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "note", "role", "stage", "holder"):
        if not raw.get(key):
            raise _fail(path, f"{where}: `{key}` is missing")
    if bool(raw.get("pattern")) == bool(raw.get("patterns")):
        raise _fail(path, f"{where}: give `pattern` or `patterns`")
    if raw["role"] not in ROLES:
        raise _fail(path, f"{where}: role {raw['role']!r} is none of {sorted(ROLES)}")
    if raw["stage"] not in stages:
        raise _fail(path, f"{where}: no stage {raw['stage']!r}")
    stage, by_child = stages[raw["stage"]]
    when = raw.get("when") or {}
    if set(when) - WHEN_KEYS:
        raise _fail(path, f"{where}: unknown conditions {sorted(set(when) - WHEN_KEYS)}")
    trigger = when.get("trigger")
    alternatives = [raw["pattern"]] if raw.get("pattern") else raw["patterns"]
    patterns = []
    nodes: tuple = ()
    for alt in alternatives:
        pattern = [dict(node) for node in _expand(alt, lists, path)]
        for node in pattern:
            node["RIGHT_ATTRS"] = _attrs(node.get("RIGHT_ATTRS") or {})
        ids = tuple(node.get("RIGHT_ID") for node in pattern)
        if not all(isinstance(x, str) for x in ids) or not all(isinstance(node.get("LEFT_ID", ""), str)
                                                                for node in pattern):
            raise _fail(path, f"{where}: node ids are strings (quote yes/no/on/off)")
        if nodes and ids != nodes:
            raise _fail(path, f"{where}: alternatives have the same nodes in the same order")
        nodes = ids
        anchor = pattern[0]["RIGHT_ATTRS"]
        if trigger is not None:
            if trigger not in ("verb", "other") or "POS" in anchor:
                raise _fail(path, f"{where}: `trigger` is verb or other, on an anchor without POS")
            anchor["POS"] = {"IN": VERB_POS} if trigger == "verb" else {"NOT_IN": VERB_POS}
        if by_child and (len(pattern) < 2 or pattern[1].get("LEFT_ID") != nodes[0]
                         or pattern[1].get("REL_OP") != ">"):
            raise _fail(path, f"{where}: in a by_child stage the second node is a child of the trigger")
        patterns.append(pattern)
    holder, how = raw["holder"], None
    if isinstance(holder, dict):
        forms = set(holder) & HOLDER_FORMS
        if len(forms) != 1 or set(holder) - HOLDER_FORMS - {"from"}:
            raise _fail(path, f"{where}: holder is a node, or one of {sorted(HOLDER_FORMS)}")
        form = forms.pop()
        if form == "step":
            how, holder = holder["step"], holder.get("from")
            if how not in HOLDER_STEPS or how not in steps:
                raise _fail(path, f"{where}: no holder step {how!r}")
        else:
            how, holder = form, holder[form]
    if holder not in nodes:
        raise _fail(path, f"{where}: the holder {holder!r} is no node of the pattern")
    options = _expand(raw.get("options") or {}, lists, path)
    if set(options) - OPTIONS:
        raise _fail(path, f"{where}: unknown options {sorted(set(options) - OPTIONS)}")
    event_noun = when.get("event_noun") or {}
    if set(event_noun) - set(nodes):
        raise _fail(path, f"{where}: event_noun names no node of the pattern")
    types = when.get("types")
    return RolePattern(
        name=raw["name"], note=raw["note"], role=raw["role"], stage=stage, by_child=by_child, patterns=patterns,
        nodes=nodes, holder=holder, how=how, trigger=trigger,
        types=frozenset(types) if types is not None else None, agent=when.get("agent"), voice=when.get("voice"),
        headline_participle=when.get("headline_participle"),
        event_noun=tuple((nodes.index(k), bool(v)) for k, v in event_noun.items()),
        options=options, example=raw.get("example"), expect=raw.get("expect"))


def load_role_patterns(path: str | Path | None = None) -> RolePatterns:
    """``roles.yaml`` (or the file at ``path``), checked and with its word lists expanded."""
    p = Path(path) if path else default_path()
    try:
        data = yaml.safe_load(p.read_text("utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise _fail(str(p), f"cannot be read ({str(exc).splitlines()[0]})") from None
    lists = {k: [str(w) for w in v] for k, v in (data.get("lists") or {}).items()}
    steps = _expand(data.get("steps") or {}, lists, str(p))
    stages = {s["name"]: (i, bool(s.get("by_child"))) for i, s in enumerate(data.get("stages") or [])}
    patterns = tuple(_pattern(raw, n, stages, steps, lists, str(p)) for n, raw in enumerate(data.get("patterns") or []))
    names = [pat.name for pat in patterns]
    if len(set(names)) != len(names):
        raise _fail(str(p), f"pattern names repeat: {sorted({x for x in names if names.count(x) > 1})}")
    return RolePatterns(patterns=patterns, stages=tuple(data.get("stages") or []),
                        lists={k: frozenset(w.lower() for w in v) for k, v in lists.items()}, steps=steps,
                        holder=_expand(data.get("holder") or {}, lists, str(p)), options=dict(data.get("options") or {}),
                        path=str(p))
