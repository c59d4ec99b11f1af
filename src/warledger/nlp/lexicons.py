"""The rule data of the language stages: YAML files in ``nlp/patterns/`` (or a file of the
user's, named in the pipeline config), read once each."""
from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml


@cache
def load(name: str, path: str | None = None) -> dict:
    """The patterns file ``name`` shipped with warledger, or the file at ``path`` instead."""
    if path:
        return yaml.safe_load(Path(path).read_text("utf-8"))
    return yaml.safe_load(resources.files(__package__).joinpath("patterns", name).read_text("utf-8"))
