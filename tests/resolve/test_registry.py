"""The actor registry's breadth and consistency."""
from __future__ import annotations

from collections import Counter

import pytest

from warledger.resolve.registry import KINDS, ORGANS, load_registry


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def test_registry_all_un_members_with_their_organs(reg):
    members = [a for a in reg.actors.values() if a.kind == "state" and a.un_member]
    assert len(members) == 193
    for state in members:
        for organ in ("gov", "mod", "mofa", "forces"):
            entry = reg.organ(state.id, organ)
            assert entry is not None and entry.affiliation == state.id, (state.name, organ)
    assert set(ORGANS) >= {"gov", "mod", "mofa", "forces"}


@pytest.mark.parametrize("kinds,minimum", [(("armed_group",), 60), (("ngo", "igo"), 40), (("media",), 40)])
def test_registry_breadth_by_kind(reg, kinds, minimum):
    counts = Counter(a.kind for a in reg.actors.values())
    assert sum(counts[k] for k in kinds) >= minimum


def test_registry_every_entry_has_kind_and_inter(reg):
    for a in reg.actors.values():
        assert a.kind in KINDS, a
        assert 1 <= a.inter <= 8, a
        assert "," not in a.name, a.name                       # a short name, never "Iran, Islamic Republic of"
        assert a.affiliation is None or a.affiliation in reg.actors, a


def test_registry_no_alias_names_two_actors_unless_marked(reg):
    assert reg.collisions() == {}


@pytest.mark.parametrize("alias,name", [("Iran, Islamic Republic of", "Iran"), ("Russian Federation", "Russia"),
                                        ("Ministry of Defence of the Russian Federation", "Russian Ministry of Defence"),
                                        ("Syrian Arab Republic", "Syria")])
def test_registry_official_forms_are_aliases_of_short_names(reg, alias, name):
    assert [a.name for a in reg.lookup(alias)] == [name]


@pytest.mark.parametrize("text,name", [("Medicins Sans Frontieres", "Médecins Sans Frontières"),
                                       ("Human Rigths Watch", "Human Rights Watch")])
def test_registry_fuzzy_alias_for_misspellings(reg, text, name):
    assert reg.lookup(text) == []                                 # not in the data as written
    assert [a.name for a in reg.lookup_fuzzy(text)] == [name]
