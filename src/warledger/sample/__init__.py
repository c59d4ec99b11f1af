"""Short reports written for warledger in the manner of conflict reporting, for `make run`."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_paths() -> list[Path]:
    root = resources.files(__package__)
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith((".txt", ".html", ".jsonl")))
