"""Pipelines for texts not in English: one config file per language (``nlp/languages/<code>.cfg``),
each loaded once per process and only when a document needs it."""
from __future__ import annotations

import importlib.util
import os
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from spacy.language import Language
from spacy.util import load_config

from .pipeline import _load_pipeline


def config_path(language: str) -> Path:
    """The config of ``language``: WARLEDGER_CONFIG_<CODE> when set, else the shipped one."""
    env = os.environ.get(f"WARLEDGER_CONFIG_{language.upper()}")
    if env:
        return Path(env)
    return Path(str(resources.files(__package__).joinpath("languages", f"{language}.cfg")))


@cache
def shipped_languages() -> tuple[str, ...]:
    folder = resources.files(__package__).joinpath("languages")
    return tuple(sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".cfg")))


def _model_installed(model: str) -> bool:
    if model.startswith("blank:") or Path(model).expanduser().exists():
        return True
    return importlib.util.find_spec(model.replace("-", "_")) is not None


@cache
def installed_languages() -> tuple[str, ...]:
    """English and every language whose config's starting pipeline is installed."""
    out = ["en"]
    for lang in shipped_languages():
        path = config_path(lang)
        try:
            model = str(load_config(path).get("nlp", {}).get("model", ""))
        except Exception:  # noqa: BLE001  a broken user config is reported when it is loaded
            model = ""
        if model and _model_installed(model):
            out.append(lang)
    return tuple(out)


@lru_cache(maxsize=8)
def load_language_pipeline(language: str) -> Language:
    """The pipeline of ``language``, loaded on first use."""
    return _load_pipeline(None, str(config_path(language)))
