"""All of warledger's spaCy registrations, spaCy-style: factories by name, with their
``requires``/``assigns`` and default config."""
from __future__ import annotations

import os

from spacy.language import Language
from spacy.util import registry

from ..resolve.gazetteer import Gazetteer, open_gazetteer
from ..resolve.registry import Registry, load_registry
from .components.actors import ActorTagger
from .components.attributions import AttributionReader
from .components.cue_reader import CueReader
from .components.events import EventExtractor
from .components.places import PlaceRecognizer
from .components.structure import BlockTagger
from .cues import Cues, load_cues
from .extensions import set_extensions
from .lexicons import load
from .role_patterns import RolePatterns, load_role_patterns

set_extensions()


@Language.factory(
    "warledger_structure",
    assigns=["doc.spans"],
    default_config={},
)
def make_block_tagger(nlp: Language, name: str) -> BlockTagger:
    return BlockTagger(nlp, name)


@registry.misc("warledger.gazetteer.v1")
def gazetteer_v1(path: str | None = None, supplement: str | None = None) -> Gazetteer:
    """The embedded gazetteer (built by the install step), plus an optional CSV of local names.
    Unset values fall back to WARLEDGER_GAZETTEER and WARLEDGER_GAZETTEER_SUPPLEMENT."""
    return open_gazetteer(path or os.environ.get("WARLEDGER_GAZETTEER") or None,
                          supplement or os.environ.get("WARLEDGER_GAZETTEER_SUPPLEMENT") or None)


@Language.factory(
    "warledger_places",
    requires=["token.pos", "token.dep", "token.ent_type", "doc.sents"],
    assigns=["doc.spans", "doc._.wl_places", "doc._.wl_toponyms"],
    default_config={"gazetteer": {"@misc": "warledger.gazetteer.v1", "path": None, "supplement": None}},
)
def make_place_recognizer(nlp: Language, name: str, gazetteer: Gazetteer) -> PlaceRecognizer:
    return PlaceRecognizer(nlp, name, gazetteer)


@registry.misc("warledger.actor_registry.v1")
def actor_registry_v1() -> Registry:
    """The actor registry shipped with warledger (states generated from country packages,
    other actors written)."""
    return load_registry()


@Language.factory(
    "warledger_actors",
    requires=["token.pos", "token.dep", "token.ent_type", "doc.spans"],
    assigns=["doc.spans", "doc._.wl_actors"],
    default_config={"registry": {"@misc": "warledger.actor_registry.v1"}},
)
def make_actor_tagger(nlp: Language, name: str, registry: Registry) -> ActorTagger:
    return ActorTagger(nlp, name, registry)


@registry.misc("warledger.event_triggers.v1")
def event_triggers_v1(path: str | None = None) -> dict:
    """Event triggers by type, with the event stage's word lists (``patterns/events.yaml``,
    or a file of the same shape at ``path``)."""
    return load("events.yaml", path)


@registry.misc("warledger.role_patterns.v1")
def role_patterns_v1(path: str | None = None) -> RolePatterns:
    """The role rules: DependencyMatcher patterns, word lists and steps of
    ``nlp/patterns/roles.yaml`` (or of the file at ``path``)."""
    return load_role_patterns(path)


@Language.factory(
    "warledger_events",
    requires=["token.pos", "token.dep", "token.lemma", "doc.spans", "doc._.wl_places", "doc._.wl_actors"],
    assigns=["doc._.wl_events", "doc._.wl_tallies"],
    default_config={"triggers": {"@misc": "warledger.event_triggers.v1", "path": None},
                    "role_patterns": {"@misc": "warledger.role_patterns.v1", "path": None}},
)
def make_event_extractor(nlp: Language, name: str, triggers: dict, role_patterns: RolePatterns) -> EventExtractor:
    return EventExtractor(nlp, name, triggers, role_patterns)


@registry.misc("warledger.stance_cues.v1")
def stance_cues_v1(path: str | None = None) -> dict:
    """Reporting verbs and phrases with their stances, negation and report nouns
    (``patterns/stances.yaml``, or a file of the same shape at ``path``)."""
    return load("stances.yaml", path)


@Language.factory(
    "warledger_attributions",
    requires=["doc._.wl_events", "doc._.wl_actors", "token.dep"],
    assigns=["doc._.wl_events"],
    default_config={"cues": {"@misc": "warledger.stance_cues.v1", "path": None}},
)
def make_attribution_reader(nlp: Language, name: str, cues: dict) -> AttributionReader:
    return AttributionReader(nlp, name, cues)


@registry.misc("warledger.language_cues.v1")
def language_cues_v1(language: str, path: str | None = None) -> Cues:
    """The cue words of one language (``patterns/languages/<language>.yaml``, or a file of the
    same shape at ``path``)."""
    return load_cues(language, path)


@Language.factory(
    "warledger_cue_reader",
    requires=["doc.spans"],
    assigns=["doc._.wl_places", "doc._.wl_actors", "doc._.wl_events", "doc._.wl_tallies"],
    default_config={"gazetteer": {"@misc": "warledger.gazetteer.v1", "path": None, "supplement": None},
                    "registry": {"@misc": "warledger.actor_registry.v1"}},
)
def make_cue_reader(nlp: Language, name: str, cues: Cues, gazetteer: Gazetteer, registry: Registry) -> CueReader:
    return CueReader(nlp, name, cues, gazetteer, registry)
