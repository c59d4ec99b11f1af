"""The fused rule pass sets exactly the attributes spaCy's attribute ruler and lemmatizer set."""
from __future__ import annotations

import pytest
import spacy

from tests.conftest import SHARED, write
from warledger.nlp.fastrules import fuse_rule_pipes
from warledger.nlp.pipeline import default_config_path, load_pipeline, resolve_model

OWN = [
    "The militia said it had shelled the depot at dawn; two guards were killed and the rest fled.",
    "Officials ain't saying much, and they're gonna wait for the inquiry, a spokesman told reporters.",
    "Protesters gathered outside the ministry on Tuesday.  \n\nPolice dispersed them with tear gas.",
    "Her brother's car was found burnt near the border crossings, villagers' accounts say.",
    "",
]


def _attrs(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_type_) for t in doc]


@pytest.fixture(scope="module")
def pair():
    plain = resolve_model("auto", [])
    fused = resolve_model("auto", [])
    assert fuse_rule_pipes(fused)
    return plain, fused


def test_fused_pass_replaces_both_rule_pipes(pair):
    plain, fused = pair
    assert "attribute_ruler" in plain.pipe_names and "lemmatizer" in plain.pipe_names
    assert "attribute_ruler" not in fused.pipe_names and "lemmatizer" not in fused.pipe_names
    assert "warledger_rule_pass" in fused.pipe_names
    assert {"attribute_ruler", "lemmatizer"} <= set(fused.component_names)      # kept, disabled


def test_fused_pass_sets_the_same_attributes_on_own_sentences(pair):
    plain, fused = pair
    for text in OWN:
        assert _attrs(fused(text)) == _attrs(plain(text)), text
    doc = fused(OWN[1])
    assert any(t.lower_ == "gon" for t in doc)       # a rule over two tokens ("gon na") was reached
    assert {t.lemma_ for t in fused(OWN[0])} >= {"say", "have", "shell", "kill", "be", "guard"}


def test_fused_pass_sets_the_same_attributes_on_real_articles(pair):
    plain, fused = pair
    texts = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "dev").glob("3[0-3]*.txt"))]
    if not texts:
        pytest.skip("../shared/dev is not beside this clone")
    tokens = 0
    # twice through the fused pass: the second time every effect comes from its cache
    for _ in range(2):
        for a, b in zip(plain.pipe(texts), fused.pipe(texts), strict=True):
            assert _attrs(b) == _attrs(a)
            tokens += len(b)
    assert tokens > 10_000


def test_config_can_keep_spacys_own_rule_pipes(tmp_path):
    text = default_config_path().read_text(encoding="utf-8").replace("fuse_rules = true", "fuse_rules = false")
    assert "fuse_rules = false" in text
    nlp = load_pipeline(None, str(write(tmp_path, "plain.cfg", text)))
    assert "attribute_ruler" in nlp.pipe_names and "warledger_rule_pass" not in nlp.pipe_names
    assert "warledger_rule_pass" in load_pipeline().pipe_names


def test_a_pattern_it_cannot_read_leaves_the_pipeline_as_it_is():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "the", "OP": "+"}]], {"POS": "DET"})
    assert not fuse_rule_pipes(nlp)
    assert nlp.pipe_names == ["attribute_ruler"]
    assert nlp("the the cat")[1].pos_ == "DET"


def test_a_pipeline_without_an_attribute_ruler_is_left_alone():
    nlp = spacy.blank("en")
    assert not fuse_rule_pipes(nlp)
    assert nlp.pipe_names == []
