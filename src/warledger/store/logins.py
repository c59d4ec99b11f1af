"""Logins with throttling, kept in the database (table ``login_throttle``) so every worker and
a restarted server count the same failures.

Wrong passwords are counted in a row per user name (known or not: an unknown name locks the
same way, so lockouts do not tell which names exist) and per client address. The
``max_failures``-th failure in a row for either locks it for ``lockout_seconds``: further
attempts are answered at once with the seconds left (HTTP 429 with Retry-After), without a
password check. After a lockout the next wrong password locks again, twice as long each time
(back-off, up to ``max_lockout_seconds``). A right password clears its user name's count (not
the address's: a client cannot clear its count with an account of its own); a count with no
failure for ``window_seconds`` is forgotten.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from . import users
from .tables import LoginThrottleRow


def _env_float(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class LoginPolicy:
    enabled: bool = True
    max_failures: int = 10
    lockout_seconds: float = 900.0
    max_lockout_seconds: float = 86_400.0
    window_seconds: float = 3_600.0

    @classmethod
    def from_env(cls) -> LoginPolicy:
        """``WARLEDGER_LOGIN_THROTTLE`` (0/off turns it off), ``WARLEDGER_LOGIN_MAX_FAILURES``,
        ``WARLEDGER_LOGIN_LOCKOUT_SECONDS``, ``WARLEDGER_LOGIN_MAX_LOCKOUT_SECONDS``,
        ``WARLEDGER_LOGIN_WINDOW_SECONDS``."""
        off = os.environ.get("WARLEDGER_LOGIN_THROTTLE", "").strip().lower() in ("0", "off", "no", "false")
        return cls(enabled=not off,
                   max_failures=max(1, int(_env_float("WARLEDGER_LOGIN_MAX_FAILURES", cls.max_failures))),
                   lockout_seconds=max(0.1, _env_float("WARLEDGER_LOGIN_LOCKOUT_SECONDS", cls.lockout_seconds)),
                   max_lockout_seconds=max(0.1, _env_float("WARLEDGER_LOGIN_MAX_LOCKOUT_SECONDS",
                                                           cls.max_lockout_seconds)),
                   window_seconds=max(1.0, _env_float("WARLEDGER_LOGIN_WINDOW_SECONDS", cls.window_seconds)))


@dataclass(frozen=True)
class LoginResult:
    user: users.User | None
    retry_after: int | None = None      # set when refused unchecked: the seconds the lockout has left


def _keys(name: str, address: str | None) -> list[tuple[str, str]]:
    return [("user", name[:256]), ("address", (address or "unknown")[:256])]


def locked_for(engine: Engine, keys: list[tuple[str, str]], now: dt.datetime) -> float:
    """Seconds left of the longest lockout among ``keys`` (0 when none holds)."""
    wait = 0.0
    with Session(engine) as s:
        for kind, key in keys:
            until = s.scalar(select(LoginThrottleRow.locked_until)
                             .where(LoginThrottleRow.kind == kind, LoginThrottleRow.key == key))
            if until is not None:
                wait = max(wait, (users._aware(until) - now).total_seconds())
    return wait


def _fail_one(s: Session, kind: str, key: str, policy: LoginPolicy, now: dt.datetime) -> None:
    q = select(LoginThrottleRow).where(LoginThrottleRow.kind == kind, LoginThrottleRow.key == key)
    row = s.scalar(q.with_for_update())
    if row is None:
        row = LoginThrottleRow(kind=kind, key=key, failures=0, lockouts=0)
        s.add(row)
    times = [t for t in (users._aware(row.last_failure_at), users._aware(row.locked_until)) if t is not None]
    if times and (now - max(times)).total_seconds() > policy.window_seconds:
        row.failures, row.lockouts = 0, 0
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= policy.max_failures:
        seconds = min(policy.lockout_seconds * 2 ** min(row.lockouts, 32), policy.max_lockout_seconds)
        row.locked_until = now + dt.timedelta(seconds=seconds)
        row.lockouts += 1
        row.failures = policy.max_failures - 1      # the next wrong password after it locks again
    else:
        row.locked_until = None


def record_failure(engine: Engine, keys: list[tuple[str, str]], policy: LoginPolicy, now: dt.datetime) -> None:
    for attempt in range(3):
        try:
            with Session(engine) as s, s.begin():
                for kind, key in keys:
                    _fail_one(s, kind, key, policy, now)
                if random.random() < 0.05:          # now and then, forget counts long gone quiet
                    old = now - dt.timedelta(seconds=policy.window_seconds + policy.max_lockout_seconds)
                    s.execute(delete(LoginThrottleRow).where(LoginThrottleRow.last_failure_at < old))
            return
        except (IntegrityError, OperationalError):  # another worker wrote the same key first
            if attempt == 2:
                raise
            time.sleep(0.05 * (attempt + 1))


def record_success(engine: Engine, name: str) -> None:
    with Session(engine) as s, s.begin():
        s.execute(delete(LoginThrottleRow).where(LoginThrottleRow.kind == "user",
                                                 LoginThrottleRow.key == name[:256]))


def attempt(engine: Engine, name: str, password: str, address: str | None,
            policy: LoginPolicy | None = None) -> LoginResult:
    """One login: refused unchecked while the name or the address is locked out, else exactly
    one password check, counted."""
    policy = policy or LoginPolicy.from_env()
    keys = _keys(name, address)
    if policy.enabled:
        wait = locked_for(engine, keys, users._now())
        if wait > 0:
            return LoginResult(None, max(1, math.ceil(wait)))
    user = users.user_for_password(engine, name, password)
    if policy.enabled:
        if user is None:
            record_failure(engine, keys, policy, users._now())
        else:
            record_success(engine, name)
    return LoginResult(user)
