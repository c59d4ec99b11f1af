"""Evaluating another commit: a detached worktree, the same evaluation in a subprocess with that
checkout's src/ first on PYTHONPATH, the report cached per commit in .eval-cache/."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .common import ROOT

CACHE = ROOT / ".eval-cache"
HERE = Path(__file__).resolve().parent


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()


def head(root: Path = ROOT) -> tuple[str, bool]:
    """(HEAD's hash, whether src/ has uncommitted changes)."""
    try:
        return git("rev-parse", "HEAD", cwd=root), bool(git("status", "--porcelain", "--", "src", cwd=root))
    except (subprocess.CalledProcessError, OSError):
        return "unknown", True


def resolve(ref: str) -> str:
    try:
        return git("rev-parse", "--verify", f"{ref}^{{commit}}")
    except subprocess.CalledProcessError:
        raise SystemExit(f"eval: {ref!r} is not a commit here") from None


def eval_version() -> str:
    """A hash of this package's code: a report made by other evaluation code is not reused."""
    h = hashlib.sha256()
    for p in sorted(HERE.glob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def cache_key(commit: str, inputs: str, geo: bool) -> dict:
    return {"commit": commit, "eval_version": eval_version(), "inputs": inputs, "geo": geo,
            "python": sys.executable}


def cached(commit: str, key: dict) -> dict | None:
    path = CACHE / f"{commit}.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return report if report.get("cache_key") == key else None


def store(commit: str, report: dict) -> None:
    CACHE.mkdir(exist_ok=True)
    (CACHE / f"{commit}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


def evaluate_commit(commit: str, key: dict, shared: Path, *, geo: bool, log=print) -> dict:
    """The report of ``commit``, from the cache or made in a subprocess on a temporary worktree."""
    if (report := cached(commit, key)) is not None:
        log(f"base {commit[:12]}: report from {CACHE.name}/{commit}.json", file=sys.stderr)
        return report
    tmp = Path(tempfile.mkdtemp(prefix="wl-eval-base-"))
    wt = tmp / "tree"
    git("worktree", "add", "--detach", str(wt), commit)
    try:
        out = tmp / "report.json"
        env = dict(os.environ, PYTHONPATH=str(wt / "src"), WARLEDGER_SHARED=str(shared))
        args = [sys.executable, str(ROOT / "scripts" / "eval.py"), "--report-only", "--out", str(out),
                "--commit", commit]
        if not geo:
            args.append("--no-geo")
        log(f"base {commit[:12]}: evaluating in {wt} …", file=sys.stderr)
        proc = subprocess.run(args, env=env, cwd=ROOT)
        if proc.returncode != 0:
            raise SystemExit(f"eval: the evaluation of {commit[:12]} failed (exit {proc.returncode})")
        report = json.loads(out.read_text(encoding="utf-8"))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(wt)], cwd=ROOT, capture_output=True)
        subprocess.run(["rm", "-rf", str(tmp)])
    report["cache_key"] = key
    store(commit, report)
    return report
