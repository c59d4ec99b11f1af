#!/usr/bin/env python3
"""The ACLED CSV export of a ledger, by a base commit's code and by this tree's, compared byte
for byte (a speed change must not change the output).

    python benchmarks/export_identity.py --base COMMIT URL [URL ...]

Exits non-zero when any export differs.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = ("import sys; from warledger.store import Ledger; from warledger.export.run import export; "
        "export(Ledger(sys.argv[1], read_only=True), sys.argv[2], sys.argv[3])")


def _export(src: Path, url: str, fmt: str, out: Path) -> str:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", CODE, url, fmt, str(out)], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"export_identity: the export failed on {url}: {done.stderr.strip().splitlines()[-1]}")
    return hashlib.sha256(out.read_bytes()).hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", required=True, help="the commit whose export is the reference")
    ap.add_argument("--format", default="acled")
    ap.add_argument("urls", nargs="+")
    args = ap.parse_args(argv)
    differ = 0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        tar = subprocess.run(["git", "-C", str(ROOT), "archive", args.base, "src"], capture_output=True)
        if tar.returncode != 0:
            raise SystemExit(f"export_identity: no such commit {args.base!r}")
        with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as t:
            t.extractall(base, filter="data")
        for url in args.urls:
            old = _export(base / "src", url, args.format, Path(tmp) / "old.csv")
            new = _export(ROOT / "src", url, args.format, Path(tmp) / "new.csv")
            same = old == new and (Path(tmp) / "old.csv").read_bytes() == (Path(tmp) / "new.csv").read_bytes()
            size = (Path(tmp) / "new.csv").stat().st_size
            print(f"{'same' if same else 'DIFFERENT'}  {size:,} bytes  sha256 {new[:16]}  {url}")
            differ += not same
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
