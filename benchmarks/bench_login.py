"""Login time through the login form (POST /login, in process) for a known name with the right
and a wrong password, an unknown name and a user without a password, with throttling off.
The times should be alike: every attempt costs one argon2 verification (issue 19).

    python benchmarks/bench_login.py [-n 20]
"""
from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=20, help="attempts of each kind (default 20)")
    args = ap.parse_args()

    from fastapi.testclient import TestClient

    from warledger.api import create_app
    from warledger.store import Ledger
    from warledger.store.logins import LoginPolicy
    from warledger.store.users import add_user

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'ledger.sqlite'}"
        engine = Ledger(url).engine
        add_user(engine, "known", "viewer", "the-right-password")
        add_user(engine, "tokenonly", "viewer")
        app = create_app(url, login_policy=LoginPolicy(enabled=False))
        client = TestClient(app, base_url="https://testserver", follow_redirects=False)

        def form_token() -> str:               # a login cookie and its form token (a success drops them)
            return re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        cases = {"known name, right password": ("known", "the-right-password", 303),
                 "known name, wrong password": ("known", "a-wrong-password", 401),
                 "unknown name": ("nobody-by-this-name", "a-wrong-password", 401),
                 "user without a password": ("tokenonly", "a-wrong-password", 401)}
        client.post("/login", data={"csrf": form_token(), "name": "x", "password": "warm-up"})   # the dummy hash
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.n):
            for label, (name, password, status) in cases.items():      # interleaved: load drifts alike
                csrf = form_token()
                start = time.perf_counter()
                r = client.post("/login", data={"csrf": csrf, "name": name, "password": password})
                times[label].append(time.perf_counter() - start)
                assert r.status_code == status, (label, r.status_code)
        print(f"login through POST /login, throttling off, {args.n} attempts each (median, p90, min), ms")
        for label, ts in times.items():
            ts.sort()
            p90 = ts[min(len(ts) - 1, int(0.9 * len(ts)))]
            print(f"  {label:<28} {statistics.median(ts) * 1000:7.1f} {p90 * 1000:7.1f} {ts[0] * 1000:7.1f}")
        known = statistics.median(times["known name, wrong password"])
        unknown = statistics.median(times["unknown name"])
        print(f"unknown / known (wrong password) median ratio: {unknown / known:.2f}")


if __name__ == "__main__":
    main()
