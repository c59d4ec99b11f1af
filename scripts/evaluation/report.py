"""Printing a report, and the difference of two (current minus base). No warledger needed."""
from __future__ import annotations

from .common import BLIND, GROUPS
from .kinds import KINDS


def _frac(part: dict) -> str:
    return f"{part['passed']}/{part['total']}"


def _pct(p: int, t: int) -> str:
    return f"{100.0 * p / t:5.1f} %" if t else "    - "


def file_lines(files: list[dict]) -> list[str]:
    w = max([len(r["id"]) for r in files] + [4])
    out = [f"{'file':<{w}}  {'group':<15}  {'all facts':>9}  {'no attrib.':>10}  {'traps':>5}  "
           f"{'events out/gold':>15}  {'over-split':>10}"]
    for r in files:
        out.append(f"{r['id']:<{w}}  {r['group']:<15}  {_frac(r['all']):>9}  {_frac(r['no_attrib']):>10}  "
                   f"{r['all']['traps']:>5}  {r['events']['output']:>7}/{r['events']['gold']:<7}  {r['oversplit']:>10}")
    return out


def group_lines(groups: dict[str, dict]) -> list[str]:
    out = [f"{'group':<15}  {'files':>5}  {'all facts':>17}  {'no attrib.':>17}  {'traps':>5}  "
           f"{'events out/gold':>15}  {'over-split':>10}"]
    for g in GROUPS:
        t = groups.get(g)
        if not t:
            continue
        a, n = t["all"], t["no_attrib"]
        out.append(f"{g:<15}  {t['files']:>5}  {_frac(a):>9} {_pct(a['passed'], a['total'])}  "
                   f"{_frac(n):>9} {_pct(n['passed'], n['total'])}  {a['traps']:>5}  "
                   f"{t['events']['output']:>7}/{t['events']['gold']:<7}  {t['oversplit']:>10}")
    return out


def kind_lines(groups: dict[str, dict], part: str = "kinds") -> list[str]:
    """Failures by kind per group, 'first (each)': see kinds.py for what the two counts are."""
    names = [g for g in GROUPS if g in groups]
    out = [f"{'kind':<17}" + "".join(f"  {g:>15}" for g in names)]
    for k in KINDS:
        cells = [(groups[g][part]["first"].get(k, 0), groups[g][part]["each"].get(k, 0)) for g in names]
        if any(f or e for f, e in cells):
            out.append(f"{k:<17}" + "".join(f"  {f'{f} ({e})':>15}" for f, e in cells))
    return out


def summary_lines(report: dict) -> list[str]:
    out = []
    gv = report.get("geovirus")
    if gv:
        out.append("GeoVirus: " + (gv["lines"][-1] if gv.get("lines") else f"not scored ({gv.get('error')})"))
        out += [f"  {ln}" for ln in gv.get("lines", []) if ln.startswith(("found", "correct"))
                or ln.startswith("E2E exact") and "(0 of 0 " not in ln]        # GeoVirus gives no GeoNames ids
    fk = report.get("fakes")
    if fk:
        out.append("FA-KES: " + (fk.get("line") or f"not scored ({fk.get('error')})"))
        out.append(f"FA-KES: {fk['events']} events in {fk['articles']} articles, {fk['oversplit']} over-split pairs")
    fi = report.get("fakes_incidents")
    if fi:
        out.append("FA-KES " + (fi.get("line") or f"incidents: not scored ({fi.get('error')})"))
        if fi.get("line"):
            out.append(f"FA-KES incidents: {fi['incidents']} grouped in memory in {fi['group_s']} s, "
                       f"the widest spans {fi['widest_days']} day(s)")
    return out


def print_report(report: dict) -> None:
    print(f"commit {report.get('commit', '?')}{' (with uncommitted changes)' if report.get('dirty') else ''}")
    print("\n".join(file_lines(report["files"])))
    print()
    print("\n".join(group_lines(report["groups"])))
    print()
    print("failures by kind, all facts: facts by their first reason (each reason); see scripts/evaluation/kinds.py")
    print("\n".join(kind_lines(report["groups"])))
    print()
    print("\n".join(summary_lines(report)))
    if "runtime_s" in report:
        print(f"runtime: extraction {report['runtime_s']['extract']} s, all {report['runtime_s']['total']} s")


# ---------------------------------------------------------------- difference
def _file_numbers(r: dict) -> dict[str, int]:
    return {"passed": r["all"]["passed"], "total": r["all"]["total"], "passed_no_attrib": r["no_attrib"]["passed"],
            "total_no_attrib": r["no_attrib"]["total"], "traps": r["all"]["traps"],
            "events": r["events"]["output"], "oversplit": r["oversplit"]}


def _group_numbers(t: dict) -> dict[str, int]:
    return {"files": t["files"], "passed": t["all"]["passed"], "total": t["all"]["total"],
            "passed_no_attrib": t["no_attrib"]["passed"], "total_no_attrib": t["no_attrib"]["total"],
            "traps": t["all"]["traps"], "events": t["events"]["output"], "oversplit": t["oversplit"]}


def _sub(a: dict, b: dict) -> dict:
    return {k: a.get(k, 0) - b.get(k, 0) for k in dict.fromkeys([*a, *b])}


def _fails_by_key(lines: list[str]) -> dict[str, str]:
    return {ln[5:].partition(": ")[0]: ln for ln in lines if ln.startswith("FAIL ")}


def fact_changes(base_lines: list[str], cur_lines: list[str]) -> dict[str, list[str]]:
    """Facts that pass now and failed before (their old line), that fail now and passed before,
    that fail both times for other reasons (the new line); trap hits new and gone."""
    b, c = _fails_by_key(base_lines), _fails_by_key(cur_lines)
    bt = {ln for ln in base_lines if ln.startswith("TRAP ")}
    ct = {ln for ln in cur_lines if ln.startswith("TRAP ")}
    return {"fixed": [b[k] for k in b if k not in c], "broken": [c[k] for k in c if k not in b],
            "changed": [c[k] for k in c if k in b and c[k] != b[k]],
            "traps_new": sorted(ct - bt), "traps_gone": sorted(bt - ct)}


def diff_reports(cur: dict, base: dict) -> dict:
    """Current minus base: per group, per kind (first reason) per group, per file where it changed,
    GeoVirus and FA-KES figures."""
    groups = {}
    kinds = {}
    for g in GROUPS:
        c, b = cur["groups"].get(g), base["groups"].get(g)
        if c is None and b is None:
            continue
        groups[g] = _sub(_group_numbers(c) if c else {}, _group_numbers(b) if b else {})
        kc = c["kinds"]["first"] if c else {}
        kb = b["kinds"]["first"] if b else {}
        kinds[g] = {k: v for k, v in _sub(kc, kb).items() if v}
    base_files = {r["id"]: r for r in base["files"]}
    cur_files = {r["id"]: r for r in cur["files"]}
    files = []
    for fid in dict.fromkeys([*cur_files, *base_files]):
        c, b = cur_files.get(fid), base_files.get(fid)
        d = _sub(_file_numbers(c) if c else {}, _file_numbers(b) if b else {})
        if any(d.values()) or c is None or b is None:
            entry = {"id": fid, "group": (c or b)["group"], "delta": d,
                     "now": _file_numbers(c) if c else None, "base": _file_numbers(b) if b else None}
            if c and b and c["group"] != BLIND:
                entry.update(fact_changes(b.get("fails", []), c.get("fails", [])))
            files.append(entry)
    other = {}
    for name, keys in (("geovirus", ("e2e", "found", "acc_found", "precision", "exact_id")),
                       ("fakes", ("passed", "pct", "events", "oversplit")),
                       ("fakes_incidents", ("precision", "recall", "f1", "distinct_merged", "largest"))):
        c, b = cur.get(name) or {}, base.get(name) or {}
        other[name] = {k: round(c[k] - b[k], 3) for k in keys if k in c and k in b}
    return {"base": base.get("commit"), "current": cur.get("commit"), "groups": groups, "kinds": kinds,
            "files": files, **other}


def _signed(v) -> str:
    return f"{v:+g}" if v else "0"


def diff_lines(d: dict) -> list[str]:
    out = [f"difference: current ({d['current']}) minus base ({d['base']})"]
    cols = ("passed", "total", "passed_no_attrib", "total_no_attrib", "traps", "events", "oversplit")
    out.append(f"{'group':<15}" + "".join(f"  {c:>16}" for c in cols))
    for g, v in d["groups"].items():
        out.append(f"{g:<15}" + "".join(f"  {_signed(v.get(c, 0)):>16}" for c in cols))
    out.append("failures by kind (first reason), current minus base:")
    for g, v in d["kinds"].items():
        out.append(f"  {g:<15} " + (", ".join(f"{k} {_signed(n)}" for k, n in v.items()) or "no change"))
    if d["files"]:
        out.append("files that changed (all facts, no attrib., traps, events, over-split; base → now):")
        for f in d["files"]:
            b, n = f["base"], f["now"]
            if b is None or n is None:
                out.append(f"  {f['id']}: {'new' if b is None else 'gone'}")
                continue
            out.append(f"  {f['id']}: {b['passed']}/{b['total']} → {n['passed']}/{n['total']}, "
                       f"{b['passed_no_attrib']}/{b['total_no_attrib']} → {n['passed_no_attrib']}/{n['total_no_attrib']}, "
                       f"traps {b['traps']} → {n['traps']}, events {b['events']} → {n['events']}, "
                       f"over-split {b['oversplit']} → {n['oversplit']}")
            for label, key in (("now passes", "fixed"), ("now fails", "broken"), ("fails otherwise", "changed"),
                               ("new trap", "traps_new"), ("trap gone", "traps_gone")):
                out += [f"      {label}: {ln}" for ln in f.get(key, [])]
    else:
        out.append("no file changed")
    for name in ("geovirus", "fakes", "fakes_incidents"):
        if d.get(name):
            out.append(f"{name}: " + ", ".join(f"{k} {_signed(v)}" for k, v in d[name].items()))
    return out
