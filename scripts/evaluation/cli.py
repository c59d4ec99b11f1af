"""`make eval [BASE=<commit>] [RULES=1|<file>.yaml]`: see README.md (Development) and the modules here."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import ROOT, gold_files, shared_dir


def _inputs_fingerprint(shared: Path) -> str:
    from .common import fingerprint
    paths = [p for gf in gold_files(shared) for p in (gf.gold, gf.text)]
    paths += sorted((shared / "eval").glob("*.py"))
    paths += [p for p in (shared / "data" / "geovirus" / "geovirus.jsonl", shared / "data" / "fakes" / "FA-KES-Dataset.csv",
                          shared / "data" / "fakes" / "locations.csv") if p.exists()]
    return fingerprint(paths)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", metavar="COMMIT", help="also evaluate COMMIT and print current minus base")
    ap.add_argument("--rules", metavar="1|FILE.yaml[,…]",
                    help="ablate each pattern entry (1: every pattern file) and report what each one does")
    ap.add_argument("--out", type=Path, default=None, help="the report file (default eval-report.json, "
                    "eval-rules.json with --rules)")
    ap.add_argument("--no-geo", action="store_true", help="leave GeoVirus and FA-KES out (quicker)")
    ap.add_argument("--jobs", type=int, default=2, help="--rules: worker processes (default 2)")
    ap.add_argument("--limit", type=int, default=None, help="--rules: only the first N entries (a timing run)")
    ap.add_argument("--report-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--commit", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    shared = shared_dir()
    if not (shared / "eval" / "score_extract.py").exists():
        print(f"eval: no shared data at {shared} (set WARLEDGER_SHARED)", file=sys.stderr)
        return 2

    if a.rules:
        from .rules import run_rules
        return run_rules(a.rules, shared, out=a.out or ROOT / "eval-rules.json", jobs=a.jobs, limit=a.limit)

    from . import base as basemod
    from .report import diff_lines, diff_reports, print_report
    from .run import evaluate

    geo = not a.no_geo
    inputs = _inputs_fingerprint(shared)
    if a.report_only:                        # the subprocess of a base evaluation
        report = evaluate(shared, geo=geo)
        report["commit"] = a.commit
        _stamp(report)
        a.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0

    base_commit = basemod.resolve(a.base) if a.base else None
    commit, dirty = basemod.head()
    report = evaluate(shared, geo=geo)
    report.update(commit=commit, dirty=dirty)
    _stamp(report)
    if not dirty and _imports_this_tree():   # a clean tree's report serves later BASE= runs
        basemod.store(commit, dict(report, cache_key=basemod.cache_key(commit, inputs, geo)))
    print_report(report)
    if base_commit:
        base = basemod.evaluate_commit(base_commit, basemod.cache_key(base_commit, inputs, geo), shared, geo=geo)
        d = diff_reports(report, base)
        report["diff"] = d
        print()
        print("\n".join(diff_lines(d)))
    out = a.out or ROOT / "eval-report.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten: {out}")
    return 0


def _imports_this_tree() -> bool:
    import warledger
    return Path(warledger.__file__).resolve().is_relative_to(ROOT / "src")


def _stamp(report: dict) -> None:
    import warledger
    report["warledger"] = str(Path(warledger.__file__).resolve().parent)
    report["schema"] = "warledger.eval-report/1"
