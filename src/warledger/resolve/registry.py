"""The actor registry: canonical actors with kinds, affiliations, ACLED inter codes and aliases
in any script, from two data files — ``data/states.yaml`` (generated from country packages by
scripts/build_registry.py) and ``data/actors_written.yaml`` (armed groups, organisations,
media, office holders, extra aliases)."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache
from importlib import resources

import yaml

from ..errors import WarledgerError
from ..vocab import ACTOR_KINDS
from .names import fold

KINDS = ACTOR_KINDS
ORGANS = ("gov", "mod", "mofa", "forces", "media")
FUZZY_RATIO = 0.88


@dataclass(slots=True)
class Actor:
    id: str
    name: str
    kind: str
    inter: int
    affiliation: str | None = None
    country: str | None = None
    capital: str | None = None
    demonyms: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    un_member: bool = False
    gwno: int | None = None


def initials(text: str) -> str:
    return "".join(w[0] for w in re.findall(r"\w+", fold(text)))


class Registry:
    def __init__(self, actors: list[Actor], ambiguous: dict[str, list[str]], descriptions: list[dict]):
        self.actors = {a.id: a for a in actors}
        self.ambiguous = {fold(k): v for k, v in ambiguous.items()}
        self.descriptions = descriptions
        self.index: dict[str, list[str]] = defaultdict(list)
        for a in actors:
            for alias in (a.name, *a.aliases):
                key = fold(alias)
                if key and a.id not in self.index[key]:
                    self.index[key].append(a.id)
        self.capitals: dict[str, str] = {}
        for a in actors:
            if a.kind == "state" and a.capital:
                # "Washington D.C." is written "Washington": trailing abbreviations dropped
                words = a.capital.split()
                while len(words) > 1 and "." in words[-1]:
                    words.pop()
                for form in {a.capital, " ".join(words)}:
                    self.capitals.setdefault(fold(form), a.id)
        self.demonyms = {fold(d): a.id for a in actors if a.kind == "state" for d in a.demonyms}
        self.by_initials: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._fuzzy: dict[str, list[str]] = {}
        for key, ids in self.index.items():
            if len(key) >= 10 and " " in key and len(ids) == 1:
                self.by_initials[initials(key)].append((key, ids[0]))

    def lookup(self, text: str) -> list[Actor]:
        return [self.actors[i] for i in self.index.get(fold(text), [])]

    def lookup_fuzzy(self, text: str) -> list[Actor]:
        """Aliases of ten letters or more spelled a little differently ("Medicins Sans Frontieres",
        "Human Rigths Watch"): same initials, and close as strings."""
        key = fold(text)
        if len(key) < 10 or " " not in key:
            return []
        best = self._fuzzy.get(key)
        if best is None:
            best, best_ratio = [], FUZZY_RATIO
            matcher = SequenceMatcher(None, key, "")
            for alias, aid in self.by_initials.get(initials(key), []):
                matcher.set_seq2(alias)
                # the quick ratios bound the ratio from above: most aliases go without the full count
                if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                    continue
                ratio = matcher.ratio()
                if ratio > best_ratio:
                    best, best_ratio = [aid], ratio
                elif ratio == best_ratio and aid not in best:
                    best.append(aid)
            if len(self._fuzzy) > 100_000:
                self._fuzzy.clear()
            self._fuzzy[key] = best
        return [self.actors[i] for i in best]

    def organ(self, state_id: str, organ: str) -> Actor | None:
        return self.actors.get(f"{state_id}.{organ}")

    def state_of(self, actor: Actor) -> str | None:
        """The state an actor belongs to: itself, or up its affiliations."""
        seen = set()
        cur: Actor | None = actor
        while cur is not None and cur.id not in seen:
            if cur.kind == "state":
                return cur.id
            seen.add(cur.id)
            cur = self.actors.get(cur.affiliation) if cur.affiliation else None
        return None

    def collisions(self) -> dict[str, list[str]]:
        """Aliases naming two actors that the data does not mark ambiguous."""
        return {k: v for k, v in self.index.items() if len(v) > 1 and k not in self.ambiguous}


def _read(name: str) -> dict:
    text = resources.files(__package__).joinpath("data", name).read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when present


def _actor(d: dict, path: str) -> Actor:
    try:
        return Actor(id=str(d["id"]), name=str(d["name"]), kind=d["kind"], inter=int(d["inter"]),
                     affiliation=d.get("affiliation"), country=d.get("country"), capital=d.get("capital"),
                     demonyms=list(d.get("demonyms") or []), aliases=[str(a) for a in d.get("aliases") or []],
                     un_member=bool(d.get("un_member")), gwno=d.get("gwno"))
    except (KeyError, TypeError, ValueError) as exc:
        raise WarledgerError("E410", f"registry entry {d!r} lacks {exc}", path=path) from None


@cache
def load_registry() -> Registry:
    states = _read("states.yaml")
    written = _read("actors_written.yaml")
    actors = [_actor(d, "states.yaml") for d in states["actors"]]
    by_id = {a.id: a for a in actors}
    for aid, aliases in (written.get("extend") or {}).items():
        if aid not in by_id:
            raise WarledgerError("E411", f"'extend' names no generated actor {aid!r}", path="actors_written.yaml")
        by_id[aid].aliases += [str(a) for a in aliases if str(a) not in by_id[aid].aliases]
    for aid, new in (written.get("rename") or {}).items():
        if aid not in by_id:
            raise WarledgerError("E411", f"'rename' names no generated actor {aid!r}", path="actors_written.yaml")
        by_id[aid].aliases.append(by_id[aid].name)
        by_id[aid].name = str(new)
    actors += [_actor(d, "actors_written.yaml") for d in written["actors"]]
    _add_language_aliases(actors)
    ambiguous = {**states.get("ambiguous_aliases", {}), **(written.get("ambiguous_aliases") or {})}
    return Registry(actors, ambiguous, written.get("descriptions") or [])


def _add_language_aliases(actors: list[Actor]) -> None:
    """Aliases in the other languages read (``data/actors_languages.yaml``), and each state's
    name in those languages from CLDR."""
    from .country_names import country_names

    data = _read("actors_languages.yaml")
    by_id = {a.id: a for a in actors}
    for aid, aliases in {**(data.get("extend") or {}), **(data.get("aliases") or {})}.items():
        if aid not in by_id:
            raise WarledgerError("E411", f"no actor {aid!r} to add aliases to", path="actors_languages.yaml")
        by_id[aid].aliases += [str(a) for a in aliases if str(a) not in by_id[aid].aliases]
    states = {a.country: a for a in actors if a.kind == "state" and a.country}
    for lang in LANGUAGE_ALIASES:
        for name_key_, code in country_names(lang).items():
            state = states.get(code)
            if state is not None and name_key_ not in state.aliases:
                state.aliases.append(name_key_)


LANGUAGE_ALIASES = ("ru", "uk", "fr", "es", "ar", "tr")
