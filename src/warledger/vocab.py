"""warledger's one vocabulary, read from ``data/vocab.yaml``: event types with their family,
violence and political flags, the agent's role and ACLED/PLOVER mapping; stances with their order
and polarity; place and date precisions with their rank, reach and export codes; statuses; review
actions, correctable fields and grades. Every stage takes these from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Final

import yaml


@dataclass(frozen=True, slots=True)
class EventTypeSpec:
    name: str
    family: str
    violent: bool
    political: bool
    agent: str                    # the role of whoever acts: "perpetrator" or "participant"
    acled: tuple[str, str]        # ACLED event_type, sub_event_type
    plover: str
    generic: bool = False         # says only that force was used or people died
    rank: int = 0                 # order of preference between two types of one happening


@dataclass(frozen=True, slots=True)
class PrecisionSpec:
    name: str
    rank: int                     # 0 = most precise
    acled: int                    # ACLED geo_precision / time_precision
    ucdp: int                     # UCDP where_prec / date_prec
    reach_km: float = 0.0         # places: how far apart two reports of one happening may lie
    widen_days: int = 0           # dates: how many days a range is widened by on each side


def _load() -> dict:
    return yaml.safe_load(resources.files(__package__).joinpath("data", "vocab.yaml").read_text("utf-8"))


_DATA: Final = _load()

EVENT_TYPES: Final[dict[str, EventTypeSpec]] = {
    name: EventTypeSpec(name=name, family=s["family"], violent=bool(s["violent"]), political=bool(s["political"]),
                        agent=s["agent"], acled=(s["acled"][0], s["acled"][1]), plover=s["plover"],
                        generic=bool(s.get("generic", False)), rank=i)
    for i, (name, s) in enumerate(_DATA["event_types"].items())}
FAMILY_OF: Final[dict[str, str]] = {t.name: t.family for t in EVENT_TYPES.values()}
FAMILIES: Final[dict[str, frozenset[str]]] = {
    f: frozenset(t for t, ft in FAMILY_OF.items() if ft == f) for f in dict.fromkeys(FAMILY_OF.values())}
VIOLENT_TYPES: Final = frozenset(t.name for t in EVENT_TYPES.values() if t.violent)
POLITICAL_TYPES: Final = frozenset(t.name for t in EVENT_TYPES.values() if t.political)
PARTICIPANT_TYPES: Final = frozenset(t.name for t in EVENT_TYPES.values() if t.agent == "participant")

STANCES: Final[tuple[str, ...]] = tuple(s["name"] for s in _DATA["stances"])   # strongest first
STANCE_RANK: Final[dict[str, int]] = {s: i for i, s in enumerate(STANCES)}
STANCE_POLARITY: Final[dict[str, str]] = {s["name"]: s["polarity"] for s in _DATA["stances"]}
POSITIVE_STANCES: Final = frozenset(s for s, p in STANCE_POLARITY.items() if p == "positive")
NEGATIVE_STANCES: Final = frozenset(s for s, p in STANCE_POLARITY.items() if p == "negative")

PLACE_PRECISIONS: Final[dict[str, PrecisionSpec]] = {
    s["name"]: PrecisionSpec(name=s["name"], rank=i, acled=s["acled"], ucdp=s["ucdp"], reach_km=float(s["reach_km"]))
    for i, s in enumerate(_DATA["place_precisions"])}
DATE_PRECISIONS: Final[dict[str, PrecisionSpec]] = {
    s["name"]: PrecisionSpec(name=s["name"], rank=i, acled=s["acled"], ucdp=s["ucdp"], widen_days=s["widen_days"])
    for i, s in enumerate(_DATA["date_precisions"])}

EVENT_STATUSES: Final[tuple[str, ...]] = tuple(_DATA["event_statuses"])
INCIDENT_STATUSES: Final[tuple[str, ...]] = tuple(_DATA["incident_statuses"])
REVIEW_ACTIONS: Final[tuple[str, ...]] = tuple(_DATA["review_actions"])
CORRECTABLE_FIELDS: Final[tuple[str, ...]] = tuple(_DATA["correctable_fields"])
GRADES: Final[tuple[str, ...]] = tuple(_DATA["grades"])

ACTOR_KINDS: Final[tuple[str, ...]] = tuple(_DATA["actor_kinds"])
STATE_KINDS: Final = frozenset(k for k, s in _DATA["actor_kinds"].items() if s["state"])
CONFLICT_KINDS: Final = frozenset(k for k, s in _DATA["actor_kinds"].items() if s["conflict"])
KIND_INTER: Final[dict[str, int]] = {k: s["inter"] for k, s in _DATA["actor_kinds"].items()}


def event_type_rank(name: str) -> tuple[int, int]:
    """Sort key of event types: specific before generic, then in the order listed."""
    spec = EVENT_TYPES.get(name)
    return (1, len(EVENT_TYPES)) if spec is None else (int(spec.generic), spec.rank)


def place_rank(precision: str | None) -> int:
    """Sort key of a place precision: exact first, unknown (or unheard of) last."""
    spec = PLACE_PRECISIONS.get(precision or "unknown")
    return spec.rank if spec else len(PLACE_PRECISIONS)

