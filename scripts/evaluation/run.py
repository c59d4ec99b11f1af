"""One evaluation: one extraction run over every input, then the shared scorers.

Needs warledger (whichever ``warledger`` package is first on sys.path: the base
evaluation runs this module with PYTHONPATH set to another checkout's src/).
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from .common import BLIND, GROUPS, GoldFile, gold_files
from .kinds import count_kinds
from .oversplit import family_map, oversplit_pairs


# ---------------------------------------------------------------- extraction
def extract_inputs(inputs: list[tuple[str, Path]], log=print, keep: frozenset[str] = frozenset()
                   ) -> dict[str, list[dict | None]]:
    """Label → the extract objects of the documents in that input file, in order (None for a
    document that could not be read). One pipeline, loaded once, for all of them. For the labels
    in ``keep``, the typed extractions too, under ``(label, "extractions")``."""
    from warledger.errors import WarledgerError
    from warledger.export.extract_json import to_contract
    from warledger.extract import extract_documents
    from warledger.read import read_path
    from warledger.settings import Settings

    items, labels = [], []
    for label, path in inputs:
        for item in read_path(path):
            items.append(item)
            labels.append(label)
    out: dict = {label: [] for label, _ in inputs}
    out |= {(label, "extractions"): [] for label in keep}
    t0 = time.perf_counter()
    for n, (label, item) in enumerate(zip(labels, extract_documents(items, Settings()), strict=True), 1):
        if n % 200 == 0:
            log(f"  extracted {n}/{len(items)} documents ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        out[label].append(None if isinstance(item, WarledgerError) else json.loads(json.dumps(to_contract(item))))
        if label in keep and not isinstance(item, WarledgerError):
            out[(label, "extractions")].append(item)
    return out


# ---------------------------------------------------------------- scoring
_SCORER = None


def scorer_module(shared: Path):
    global _SCORER
    if _SCORER is None:
        spec = importlib.util.spec_from_file_location("wl_score_extract", shared / "eval" / "score_extract.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _SCORER = mod
    return _SCORER


def score(shared: Path, gold: dict, out: dict | None, text: str | None, skip: frozenset = frozenset()
          ) -> tuple[int, int, int, list[str]]:
    """(passed, total, trap hits, printed lines) of score_extract.py on one output, in process."""
    mod = scorer_module(shared)
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        s = mod.Scorer(gold, out or {}, text, skip)
        s.run()
    return s.passed, s.total, s.traps, buf.getvalue().splitlines()


def _events_info(lines: list[str]) -> tuple[int, int]:
    for ln in lines:
        if m := re.match(r"INFO events: (\d+) output / (\d+) gold", ln):
            return int(m[1]), int(m[2])
    return 0, 0


def score_file(shared: Path, gf: GoldFile, out: dict | None, families: dict[str, str]) -> dict:
    import yaml
    gold = yaml.safe_load(gf.gold.read_text(encoding="utf-8"))
    text = gf.text.read_text(encoding="utf-8")
    p, t, traps, lines = score(shared, gold, out, text)
    ps, ts, traps_s, lines_s = score(shared, gold, out, text, frozenset({"attributions", "status"}))
    ev_out, ev_gold = _events_info(lines)
    row = {"id": gf.id, "group": gf.group,
           "all": {"passed": p, "total": t, "traps": traps},
           "no_attrib": {"passed": ps, "total": ts, "traps": traps_s},
           "events": {"output": ev_out, "gold": ev_gold},
           "oversplit": len(oversplit_pairs(out or {}, families)),
           "kinds": {k: dict(v) for k, v in count_kinds(lines).items()},
           "kinds_no_attrib": {k: dict(v) for k, v in count_kinds(lines_s).items()}}
    if gf.group != BLIND:           # dev-B: numbers only, never the facts
        row["fails"] = [ln for ln in lines if ln.startswith(("FAIL ", "TRAP "))]
    return row


def group_totals(files: list[dict]) -> dict[str, dict]:
    out = {}
    for g in GROUPS:
        rows = [r for r in files if r["group"] == g]
        tot = {"files": len(rows)}
        for part in ("all", "no_attrib"):
            tot[part] = {k: sum(r[part][k] for r in rows) for k in ("passed", "total", "traps")}
        tot["events"] = {k: sum(r["events"][k] for r in rows) for k in ("output", "gold")}
        tot["oversplit"] = sum(r["oversplit"] for r in rows)
        for part in ("kinds", "kinds_no_attrib"):
            tot[part] = {how: dict(sum((Counter(r[part][how]) for r in rows), Counter())) for how in ("first", "each")}
        out[g] = tot
    return out


# ---------------------------------------------------------------- GeoVirus and FA-KES
def _run(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True)


def score_geovirus(shared: Path, outs: list[dict | None], tmp: Path) -> dict:
    gold = shared / "data" / "geovirus" / "geovirus.jsonl"
    path = tmp / "geovirus.out.jsonl"
    path.write_text("".join(json.dumps(o or {"places": []}, ensure_ascii=False) + "\n" for o in outs), encoding="utf-8")
    # GeoVirus annotates literal toponyms: the other readings are kept out of the score
    proc = _run([str(shared / "eval" / "score_geoparse.py"), str(gold), str(path), "--readings", "literal"])
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    res: dict = {"lines": lines, "ok": proc.returncode == 0, "articles": len(outs)}
    if not lines:
        res["error"] = proc.stderr.strip()[-500:]
        return res
    if m := re.search(r"E2E acc@\S+ ([\d.]+) % \(found ([\d.]+) %, acc\|found ([\d.]+) %, precision ([\d.]+) %\)",
                      lines[-1]):
        res.update(e2e=float(m[1]), found=float(m[2]), acc_found=float(m[3]), precision=float(m[4]))
    for ln in lines:
        if m := re.match(r"E2E exact GeoNames id\s+([\d.]+) %", ln):
            res["exact_id"] = float(m[1])
    return res


def fakes_jsonl(shared: Path, tmp: Path) -> Path | None:
    fakes = shared / "data" / "fakes"
    if not (fakes / "FA-KES-Dataset.csv").exists():
        return None
    jsonl = tmp / "fakes.jsonl"
    subprocess.run([sys.executable, str(fakes / "to_jsonl.py"), str(fakes / "FA-KES-Dataset.csv"), str(jsonl)],
                   check=True, capture_output=True)
    return jsonl


def score_fakes(shared: Path, outs: list[dict | None], tmp: Path, families: dict[str, str]) -> dict:
    fakes = shared / "data" / "fakes"
    path = tmp / "fakes.out.jsonl"
    path.write_text("".join(json.dumps(o or {"places": []}, ensure_ascii=False) + "\n" for o in outs), encoding="utf-8")
    proc = _run([str(shared / "eval" / "score_locations.py"), str(fakes / "FA-KES-Dataset.csv"),
                 str(fakes / "locations.csv"), str(path), "--readings", "literal"])
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    res: dict = {"line": lines[-1] if lines else None, "articles": len(outs),
                 "events": sum(len((o or {}).get("events") or []) for o in outs),
                 "oversplit": sum(len(oversplit_pairs(o or {}, families)) for o in outs)}
    if lines and (m := re.match(r"locations: (\d+)/(\d+) articles \(([\d.]+) %\)", lines[-1])):
        res.update(passed=int(m[1]), total=int(m[2]), pct=float(m[3]))
    else:
        res["error"] = proc.stderr.strip()[-500:]
    return res


def score_fakes_incidents(shared: Path, extractions: list, tmp: Path) -> dict:
    """FA-KES incidents without a database: the extracted events grouped in memory by the functions
    `warledger aggregate` uses, exported as `--level incidents` exports them, scored by
    score_incidents.py against incidents.yaml."""
    try:
        from warledger.aggregate.memory import group, incidents_jsonl
    except ImportError:                 # a commit before in-memory grouping (BASE=): nothing to score
        return {"error": "this commit cannot group incidents in memory"}

    gold = shared / "data" / "fakes" / "incidents.yaml"
    if not gold.exists() or not (shared / "eval" / "score_incidents.py").exists():
        return {"error": "no incidents.yaml or score_incidents.py"}
    t0 = time.perf_counter()
    incidents, shown = group(extractions)
    t_group = time.perf_counter() - t0
    path = tmp / "fakes.incidents.jsonl"
    path.write_text(incidents_jsonl(incidents, shown), encoding="utf-8")
    proc = _run([str(shared / "eval" / "score_incidents.py"), str(gold), str(path)])
    lines = [ln for ln in proc.stdout.splitlines() if ln.strip()]
    widest = max(incidents, key=lambda i: ((i.date_end - i.date_start).days if i.date_start and i.date_end else -1,
                                           len(i.members)), default=None)
    res: dict = {"line": lines[-1] if lines else None, "incidents": len(incidents),
                 "group_s": round(t_group, 2),
                 "widest_days": (widest.date_end - widest.date_start).days + 1
                 if widest and widest.date_start and widest.date_end else None,
                 "distinct_lines": [ln for ln in lines if ln.startswith("distinct MERGED")]}
    m = re.match(r"incidents: pairwise P ([\d.]+) % R ([\d.]+) % F1 ([\d.]+) %, distinct merged (\d+)/(\d+), "
                 r"largest incident (\d+) events", lines[-1]) if lines else None
    if m:
        res.update(precision=float(m[1]), recall=float(m[2]), f1=float(m[3]), distinct_merged=int(m[4]),
                   distinct=int(m[5]), largest=int(m[6]))
    else:
        res["error"] = proc.stderr.strip()[-500:]
    return res


# ---------------------------------------------------------------- the whole evaluation
def evaluate(shared: Path, *, geo: bool = True, log=print) -> dict:
    """The report of the warledger importable now: per file, per group, GeoVirus and FA-KES."""
    t0 = time.perf_counter()
    families, families_from = family_map()
    golds = gold_files(shared)
    with tempfile.TemporaryDirectory(prefix="wl-eval-") as tmpname:
        tmp = Path(tmpname)
        inputs = [(gf.id, gf.text) for gf in golds]
        if geo:
            inputs.append(("geovirus", shared / "data" / "geovirus" / "geovirus.jsonl"))
            if (fk := fakes_jsonl(shared, tmp)) is not None:
                inputs.append(("fakes", fk))
        log(f"extracting {len(golds)} gold texts" + (", GeoVirus and FA-KES" if geo else "") + " in one run…",
            file=sys.stderr)
        outs = extract_inputs(inputs, log, keep=frozenset({"fakes"}))
        t_extract = time.perf_counter() - t0
        files = [score_file(shared, gf, (outs[gf.id] or [None])[0], families) for gf in golds]
        report = {"files": files, "groups": group_totals(files), "families_from": families_from}
        if geo:
            report["geovirus"] = score_geovirus(shared, outs["geovirus"], tmp)
            if "fakes" in outs:
                report["fakes"] = score_fakes(shared, outs["fakes"], tmp, families)
                report["fakes_incidents"] = score_fakes_incidents(shared, outs[("fakes", "extractions")], tmp)
    report["runtime_s"] = {"extract": round(t_extract, 1), "total": round(time.perf_counter() - t0, 1)}
    return report
