"""The spaCy pipeline: assembled from config, components registered, model swappable."""
from __future__ import annotations

import pytest
import spacy

from tests.conftest import write
from warledger.errors import ModelError
from warledger.nlp.pipeline import load_pipeline


@pytest.mark.parametrize("text", ["LATEST\n- One Link Here\n- Another Link Here\nA paragraph of report text.\n"])
def test_structure_component_sets_block_spans(blank_nlp, text):
    doc = blank_nlp(text)
    labels = [s.label_ for s in doc.spans["wl_blocks"]]
    assert labels == ["navigation", "paragraph"]
    assert doc._.wl_skip_spans[0].text.startswith("LATEST")


def test_default_pipeline_has_trained_parts_and_warledger_components():
    nlp = load_pipeline()
    assert {"ner", "parser"} <= set(nlp.pipe_names)
    names = nlp.pipe_names
    assert names.index("warledger_structure") < names.index("parser")     # blocks bound sentences
    assert names[-4:] == ["warledger_places", "warledger_actors", "warledger_events", "warledger_attributions"]


@pytest.mark.parametrize("model", ["blank_dir"])
def test_config_swaps_model_by_path(tmp_path, model):
    path = tmp_path / model
    spacy.blank("en").to_disk(path)
    cfg = write(tmp_path, "my.cfg", f'[nlp]\nmodel = "{path}"\ndisable = []\n\n[components]\n\n'
                                    '[components.warledger_structure]\nfactory = "warledger_structure"\n')
    nlp = load_pipeline(None, str(cfg))
    assert nlp.pipe_names == ["warledger_structure"]


@pytest.mark.parametrize("model", ["no_such_model_xyz"])
def test_unknown_model_is_a_clear_error(model):
    with pytest.raises(ModelError, match="no spaCy pipeline named"):
        load_pipeline(model)


@pytest.mark.parametrize("factory", ["warledger_nonexistent"])
def test_unknown_component_in_config_is_a_clear_error(tmp_path, factory):
    cfg = write(tmp_path, "bad.cfg", f'[nlp]\nmodel = "auto"\n\n[components]\n\n[components.x]\nfactory = "{factory}"\n')
    with pytest.raises(ModelError, match="component 'x'"):
        load_pipeline(None, str(cfg))
