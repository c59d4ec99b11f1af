#!/usr/bin/env python3
"""Write src/warledger/resolve/data/states.yaml: every UN member state (and observer states)
with its government, ministry of defence, ministry of foreign affairs, armed forces and media, their
common names, official names, names in the country's own script, demonyms and capitals.

Sources: countryinfo (names, alternative spellings, native names, demonyms, capitals) and
country-converter's table (UN membership, short and official names, Gleditsch-Ward codes).
Run it again when those packages change; the output is committed.

    python scripts/build_registry.py
"""
from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parents[1] / "src" / "warledger" / "resolve" / "data" / "states.yaml"
OBSERVERS = {"PS", "VA"}            # UN observer states, kept as states
OTHER_STATES = {"XK", "TW"}         # states in practice, outside the UN


def country_table() -> dict[str, dict]:
    """country-converter's rows by ISO 3166 alpha-2 code (a few rows write the code as a
    regular expression, "^GB$|^UK$": the first two-letter code in it is taken)."""
    path = Path(str(resources.files("country_converter").joinpath("country_data.tsv")))
    out = {}
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            m = re.search(r"[A-Z]{2}", r["ISO2"] or "")
            if m:
                out[m.group(0)] = {**r, "ISO2": m.group(0)}
    return out


def countryinfo_data() -> dict[str, dict]:
    root = Path(str(resources.files("countryinfo").joinpath("data")))
    out = {}
    for p in sorted(root.glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        iso = (d.get("ISO") or {}).get("alpha2")
        if iso and (iso not in out or d.get("demonym")):
            out[iso] = d
    return out


def clean(name: str) -> str:
    # "Iran, Islamic Republic of" → "Islamic Republic of Iran"
    if ", " in name:
        head, tail = name.split(", ", 1)
        if tail.endswith(" of") or tail.startswith("The ") or tail.endswith(" the"):
            return f"{tail} {head}".replace("The ", "the ", 1) if tail.startswith("The ") else f"{tail} {head}"
    return name


def capital_of(d: dict) -> str | None:
    cap = d.get("capital")
    if isinstance(cap, list):           # a few countries list several seats; the first is the usual one
        cap = cap[0] if cap else None
    return cap or None


def main() -> None:
    cc = country_table()
    info = countryinfo_data()
    members = sorted(iso for iso, r in cc.items() if r.get("UNmember") not in ("", "nan", None))
    codes = sorted(set(members) | OBSERVERS | OTHER_STATES)
    entries = []
    alias_owner: dict[str, set[str]] = defaultdict(set)
    for iso in codes:
        r, d = cc.get(iso, {}), info.get(iso, {})
        iso3 = r.get("ISO3") or (d.get("ISO") or {}).get("alpha3")
        name = d.get("name") or r.get("name_short")
        if not iso3 or not name:
            continue
        name = clean(name)
        # a demonym written "Bosnian,Herzegovinian" is several: the first names the organs
        demonyms = [x.strip() for x in (d.get("demonym") or name).split(",") if x.strip()]
        demonym = demonyms[0]
        official = r.get("name_official") or ""
        alt = [a for raw in d.get("altSpellings", []) if len(raw) > 3 and not raw.isupper()
               for a in dict.fromkeys([raw, clean(raw)])]
        names = [n for n in dict.fromkeys([name, r.get("name_short", ""), official, *alt, d.get("nativeName") or ""]) if n]
        state = {"id": iso3, "name": name, "kind": "state", "inter": 1, "country": iso,
                 "un_member": iso in members, "gwno": int(r["GWcode"]) if r.get("GWcode", "").isdigit() else None,
                 "demonyms": demonyms, "capital": capital_of(d), "aliases": names[1:]}
        gov = {"id": f"{iso3}.gov", "name": f"{demonym} government", "kind": "government", "inter": 1,
               "affiliation": iso3, "country": iso,
               "aliases": [f"Government of {name}", f"{name}'s government", f"{name} government", f"{demonym} authorities",
                           f"{demonym} officials", f"{demonym} regime", f"{demonym} administration"]}
        mod = {"id": f"{iso3}.mod", "name": f"{demonym} Ministry of Defence", "kind": "state_agency", "inter": 1,
               "affiliation": iso3, "country": iso,
               "aliases": [f"{demonym} Ministry of Defense", f"{demonym} Defense Ministry", f"{demonym} Defence Ministry",
                           f"Ministry of Defence of {name}", f"Ministry of Defense of {name}", f"{name}'s Defense Ministry",
                           f"{name}'s Defence Ministry", f"{name}'s Ministry of Defence", f"{name}'s Ministry of Defense",
                           f"{name} Defense Ministry", f"{name} Ministry of Defense", f"{demonym} defence minister",
                           f"{demonym} defense minister"]
                          + ([f"Ministry of Defence of the {official}", f"Ministry of Defense of the {official}"]
                             if official and official != name else [])}
        mofa = {"id": f"{iso3}.mofa", "name": f"{demonym} Ministry of Foreign Affairs", "kind": "state_agency",
                "inter": 1, "affiliation": iso3, "country": iso,
                "aliases": [f"{demonym} Foreign Ministry", f"Ministry of Foreign Affairs of {name}",
                            f"{name}'s Foreign Ministry", f"{name}'s Ministry of Foreign Affairs", f"{name} Foreign Ministry",
                            f"{demonym} foreign minister", f"{demonym} Foreign Affairs Ministry"]}
        forces = {"id": f"{iso3}.forces", "name": f"{demonym} military", "kind": "armed_forces", "inter": 1,
                  "affiliation": iso3, "country": iso,
                  "aliases": [f"{demonym} Armed Forces", f"{demonym} army", f"{demonym} forces", f"{demonym} troops",
                              f"{demonym} soldiers", f"{demonym} security forces", f"{demonym} government forces",
                              f"{demonym} air force", f"{demonym} navy", f"{demonym} warplanes", f"{demonym} jets",
                              f"Armed Forces of {name}", f"{name}'s armed forces", f"{name}'s military",
                              f"{name}'s army", f"{demonym} Defense Forces", f"{demonym} Defence Forces",
                              f"{name} Defense Forces", f"{name} Defence Forces", f"{demonym} Defence Force",
                              f"{name} Defence Force", f"{demonym} military forces"]}
        media = {"id": f"{iso3}.media", "name": f"{demonym} media", "kind": "media", "inter": 8,
                 "affiliation": iso3, "country": iso,
                 "aliases": [f"{demonym} state media", f"{demonym} state television", f"{demonym} state TV",
                             f"{demonym} state news agency", f"{demonym} news agencies", f"{demonym} outlets",
                             f"{demonym} state outlets", f"{demonym} state-run media", f"{demonym} official media",
                             f"{name}'s state media", f"{demonym} press"]}
        for e in (state, gov, mod, mofa, forces, media):
            for a in [e["name"], *e["aliases"]]:
                alias_owner[a.lower()].add(e["id"])
            entries.append(e)
    ambiguous = {a: sorted(ids) for a, ids in alias_owner.items() if len(ids) > 1}
    doc = {"generated_by": "scripts/build_registry.py", "sources": ["countryinfo", "country-converter"],
           "ambiguous_aliases": ambiguous, "actors": entries}
    OUT.write_text("# Generated by scripts/build_registry.py; do not edit by hand.\n"
                   + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    print(f"{OUT}: {len(entries)} actors, {sum(e['un_member'] for e in entries if e['kind'] == 'state')} UN members, "
          f"{len(ambiguous)} ambiguous aliases")


if __name__ == "__main__":
    main()
