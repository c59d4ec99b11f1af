"""ACLED's names for groups no registry holds ("Civilians (Mali)"), from ``generic_actors.yaml``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True, slots=True)
class GenericClass:
    key: str
    name: str
    inter: int


@cache
def _classes() -> dict[str, GenericClass]:
    data = yaml.safe_load(resources.files(__package__).joinpath("generic_actors.yaml").read_text("utf-8"))
    out: dict[str, GenericClass] = {}
    for key, c in data["classes"].items():
        for w in c["words"]:
            out.setdefault(w.lower(), GenericClass(key, c["name"], int(c["inter"])))
    return out


def generic_class(actor: dict[str, Any] | None) -> GenericClass | None:
    """The class of an unregistered group actor by its head noun (its last word, or its last two:
    "aid workers"); None for a registered actor or a name of no class."""
    if actor is None or actor.get("id"):
        return None
    return _class_of(actor.get("name") or "")


@lru_cache(maxsize=65_536)
def _class_of(name: str) -> GenericClass | None:
    words = name.lower().replace("’", "'").split()
    classes = _classes()
    for n in (2, 1):
        if len(words) >= n and (hit := classes.get(" ".join(words[-n:]))):
            return hit
    return None


def acled_name(actor: dict[str, Any] | None, country: str | None) -> str:
    """The actor's name as ACLED writes it: a class and the country for unregistered groups
    ("Civilians (Mali)"), the name itself otherwise."""
    if actor is None:
        return ""
    c = generic_class(actor)
    if c is None:
        return actor["name"]
    return f"{c.name} ({country})" if country else c.name
