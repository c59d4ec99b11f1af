"""Settings: where data lives and which pipeline to run. Environment variables override defaults;
command-line options override both."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _data_dir() -> Path:
    if os.environ.get("WARLEDGER_DATA_DIR"):
        return Path(os.environ["WARLEDGER_DATA_DIR"])
    from platformdirs import user_data_dir
    return Path(user_data_dir("warledger", appauthor=False))


@dataclass(slots=True)
class Settings:
    """``WARLEDGER_MODEL``: a spaCy pipeline (name, package or path; "auto" picks the installed
    English one). ``WARLEDGER_CONFIG``: a pipeline config file. ``WARLEDGER_DATA_DIR``: the
    data directory. ``WARLEDGER_LANGUAGES``: comma-separated languages the pipeline reads (unset: every
    language installed).
    ``WARLEDGER_GAZETTEER`` / ``WARLEDGER_GAZETTEER_SUPPLEMENT``: the gazetteer file and a CSV of
    local names (read by the ``warledger.gazetteer.v1`` config function)."""

    model: str | None = field(default_factory=lambda: os.environ.get("WARLEDGER_MODEL"))
    config: str | None = field(default_factory=lambda: os.environ.get("WARLEDGER_CONFIG"))
    data_dir: Path = field(default_factory=_data_dir)
    languages: tuple[str, ...] = field(
        default_factory=lambda: tuple(x for x in os.environ.get("WARLEDGER_LANGUAGES", "").split(",") if x))
