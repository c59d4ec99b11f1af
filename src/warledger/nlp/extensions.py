"""Every extension attribute and span key warledger sets on spaCy objects, set once here."""
from __future__ import annotations

from spacy.tokens import Doc

SPANS_BLOCKS = "wl_blocks"
SPANS_POSTS = "wl_posts"
SPANS_PLACES = "wl_places"
SPANS_ACTORS = "wl_actors"
USER_STRUCTURE = "wl_structure"   # doc.user_data key: the structure stage's record
USER_STANCE_HITS = "wl_stance_hits"   # doc.user_data key: stance phrase matches, found once per Doc
USER_TOKEN_ATTRS = "wl_token_attrs"   # doc.user_data key: (pos, lemma, lower) of every token
USER_ROLE_MATCHES = "wl_role_matches"   # doc.user_data key: the role patterns' matches by anchor token


def set_extensions() -> None:
    if not Doc.has_extension("wl_structure"):
        Doc.set_extension("wl_structure", getter=lambda doc: doc.user_data.get(USER_STRUCTURE))
    if not Doc.has_extension("wl_places"):
        Doc.set_extension("wl_places", default=None)     # list of PlaceRecord, set by warledger_places
    if not Doc.has_extension("wl_toponyms"):
        # every toponym with its readings (literal, metonymic, adjectival, embedded); wl_places
        # holds the literal ones, the event places
        Doc.set_extension("wl_toponyms", default=None)
    if not Doc.has_extension("wl_actors"):
        Doc.set_extension("wl_actors", default=None)     # list of ActorRecord, set by warledger_actors
    if not Doc.has_extension("wl_events"):
        Doc.set_extension("wl_events", default=None)     # list of event drafts, set by warledger_events
    if not Doc.has_extension("wl_tallies"):
        Doc.set_extension("wl_tallies", default=None)
    if not Doc.has_extension("wl_skip_spans"):
        # the spans later stages must not read as reporting (navigation links)
        Doc.set_extension("wl_skip_spans", getter=_skip_spans)


def _skip_spans(doc: Doc):
    return [s for s in doc.spans.get(SPANS_BLOCKS, []) if s.label_ == "navigation"]
