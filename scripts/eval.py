#!/usr/bin/env python3
"""`make eval`: the shared scorers on one extraction run over every gold file (seed, examples, dev),
GeoVirus and FA-KES; `--base COMMIT` adds the difference to another commit, `--rules` ablates
pattern entries. The code is in scripts/evaluation/; README.md (Development) describes the output."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from evaluation.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
