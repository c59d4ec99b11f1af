#!/usr/bin/env python3
"""`make eval`: warledger's reading scored against every gold file, and FA-KES placement.

For each gold file in ../shared/seed/ and ../shared/examples/: extract the text, run the shared
scorer twice — all facts, and with `--skip attributions,status` (what the event stage builds) —
and print one row: file, facts passed/total each way, how many event facts fail on their
attributions, trap hits, events output/gold. Then the FA-KES location score. Exit status 1 when a scorer cannot run.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SCORER = SHARED / "eval" / "score_extract.py"


def score(gold: Path, out: Path, *extra: str) -> tuple[int, int, int, str, list[str]]:
    proc = subprocess.run([sys.executable, str(SCORER), str(gold), str(out), *extra], capture_output=True, text=True)
    m = re.search(r"score: (\d+)/(\d+) facts, (\d+) trap", proc.stdout)
    info = re.search(r"INFO events: (\d+) output / (\d+) gold", proc.stdout)
    if not m:
        raise SystemExit(f"scorer failed on {gold}: {proc.stderr.strip() or proc.stdout.strip()}")
    return int(m[1]), int(m[2]), int(m[3]), f"{info[1]}/{info[2]}" if info else "-", proc.stdout.splitlines()


def main() -> int:
    from click.testing import CliRunner

    from warledger.cli import main as cli

    golds = sorted((SHARED / "seed").glob("*.gold.yaml")) + sorted((SHARED / "examples").glob("*.gold.yaml"))
    rows, totals = [], [0, 0, 0, 0, 0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for gold in golds:
            text = gold.with_name(gold.name.replace(".gold.yaml", ".txt"))
            result = CliRunner().invoke(cli, ["extract", str(text)])
            out = Path(tmp) / (text.stem + ".json")
            out.write_text(result.stdout, encoding="utf-8")
            p, t, traps, events, lines = score(gold, out)
            ps, ts, traps_s, _, _ = score(gold, out, "--skip", "attributions,status")
            ev = [ln for ln in lines if ln.startswith(("PASS event.", "FAIL event."))]
            att_fail = sum(1 for ln in ev if ln.startswith("FAIL") and "attribution" in ln)
            rows.append((text.name, f"{p}/{t}", f"{ps}/{ts}", f"{att_fail}", traps, events))
            for i, v in enumerate((p, t, ps, ts, traps)):
                totals[i] += v
    w = max(len(r[0]) for r in rows)
    print(f"{'file':<{w}}  {'all facts':>9}  {'no attrib.':>10}  {'events failing on attribution':>29}  traps  events out/gold")
    for r in rows:
        print(f"{r[0]:<{w}}  {r[1]:>9}  {r[2]:>10}  {r[3]:>29}  {r[4]:>5}  {r[5]:>8}")
    print(f"{'total':<{w}}  {totals[0]:>5}/{totals[1]:<3}  {totals[2]:>6}/{totals[3]:<3}  {'':>29}  {totals[4]:>5}")

    fakes = SHARED / "data" / "fakes"
    if (fakes / "FA-KES-Dataset.csv").exists():
        with tempfile.TemporaryDirectory() as tmp:
            jsonl = Path(tmp) / "fakes.jsonl"
            subprocess.run([sys.executable, str(fakes / "to_jsonl.py"), str(fakes / "FA-KES-Dataset.csv"), str(jsonl)],
                           check=True, capture_output=True)
            result = CliRunner().invoke(cli, ["extract", "--no-progress", str(jsonl)])
            out = Path(tmp) / "out.jsonl"
            out.write_text(result.stdout, encoding="utf-8")
            proc = subprocess.run([sys.executable, str(SHARED / "eval" / "score_locations.py"),
                                   str(fakes / "FA-KES-Dataset.csv"), str(fakes / "locations.csv"), str(out)],
                                  capture_output=True, text=True, check=True)
            print(proc.stdout.strip().splitlines()[-1])
            events = [json.loads(ln) for ln in result.stdout.splitlines()]
            print(f"FA-KES: {sum(len(o['events']) for o in events)} events in {len(events)} articles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
