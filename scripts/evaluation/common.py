"""Where things are, and which group each gold file belongs to."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GROUPS = ("seed+examples", "dev-A", "dev-B", "other languages")
DEV_RANGES = {"dev-A": (301, 339), "dev-B": (341, 359), "other languages": (361, 369)}
BLIND = "dev-B"           # scored, never shown: no fact text, no file names beyond their number


def shared_dir() -> Path:
    """The shared data: $WARLEDGER_SHARED, else ../shared beside the repository."""
    return Path(os.environ.get("WARLEDGER_SHARED") or ROOT.parent / "shared")


def group_of(folder: str, name: str) -> str | None:
    """The group of a gold file from its folder (seed, examples, dev) and file name."""
    if folder in ("seed", "examples"):
        return "seed+examples"
    m = re.match(r"(\d+)_", name)
    if folder != "dev" or not m:
        return None
    n = int(m[1])
    return next((g for g, (lo, hi) in DEV_RANGES.items() if lo <= n <= hi), None)


@dataclass(frozen=True)
class GoldFile:
    id: str            # "seed/000_…", "dev/302_…"; dev-B files only "dev/341"
    group: str
    gold: Path
    text: Path


def gold_files(shared: Path | None = None) -> list[GoldFile]:
    """Every gold file of seed, examples and dev that has its text beside it, in folder and name order."""
    shared = shared or shared_dir()
    out = []
    for folder in ("seed", "examples", "dev"):
        for gold in sorted((shared / folder).glob("*.gold.yaml")):
            text = gold.with_name(gold.name[: -len(".gold.yaml")] + ".txt")
            group = group_of(folder, gold.name)
            if group is None or not text.exists():
                continue
            stem = text.stem if group != BLIND else text.stem.split("_", 1)[0]
            out.append(GoldFile(f"{folder}/{stem}", group, gold, text))
    return out


def fingerprint(paths: list[Path]) -> str:
    """Sizes and modification times of the inputs (never their contents): a cache key part."""
    import hashlib
    h = hashlib.sha256()
    for p in sorted(paths):
        st = p.stat()
        h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]
