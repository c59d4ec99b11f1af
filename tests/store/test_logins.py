"""Logins (issue 19): throttling per user name and per client address kept in the database,
one argon2 verification per attempt whoever the name belongs to, a bound on concurrent
checks; disabled users, token expiry, revocation that ends web sessions."""
from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from argon2 import PasswordHasher

from tests.helpers import use_cheap_argon2
from warledger.errors import UsageError
from warledger.store import open_engine
from warledger.store import users as users_store
from warledger.store.logins import LoginPolicy, attempt

pytestmark = pytest.mark.issue(19)
FAST = LoginPolicy(lockout_seconds=1.0, max_lockout_seconds=60.0)


@pytest.fixture
def verifications(monkeypatch):
    """Every argon2 verification, counted (the real one still runs)."""
    calls: list[str] = []
    real = PasswordHasher.verify

    def spy(self, hash_, password):
        calls.append(hash_)
        return real(self, hash_, password)
    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return calls


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    use_cheap_argon2(monkeypatch)


@pytest.fixture
def engine(db_url):
    e = open_engine(db_url)
    users_store.add_user(e, "ana", "analyst", "right-password-1")
    users_store.add_user(e, "tokenonly", "viewer")                       # no password
    yield e
    e.dispose()


def test_eleventh_wrong_password_for_a_user_is_locked_out_then_it_expires(engine, verifications):
    for i in range(10):                         # from ten addresses: only the user name's count grows
        r = attempt(engine, "ana", "wrong", f"10.0.0.{i}", FAST)
        assert r.user is None and r.retry_after is None, i
    assert len(verifications) == 10
    locked = attempt(engine, "ana", "wrong", "10.0.1.1", FAST)
    assert locked.user is None and locked.retry_after == 1
    assert attempt(engine, "ana", "right-password-1", "10.0.1.2", FAST).retry_after == 1   # not even checked
    assert len(verifications) == 10
    time.sleep(1.1)
    ok = attempt(engine, "ana", "right-password-1", "10.0.1.3", FAST)
    assert ok.user is not None and ok.user.name == "ana" and ok.retry_after is None
    # a success clears the name's count: ten more wrong ones before the next lockout
    for i in range(9):
        assert attempt(engine, "ana", "wrong", f"10.0.2.{i}", FAST).retry_after is None


def test_lockouts_back_off(engine):
    for i in range(10):
        attempt(engine, "ana", "wrong", f"10.1.0.{i}", FAST)
    assert attempt(engine, "ana", "wrong", "10.1.1.1", FAST).retry_after == 1
    time.sleep(1.1)
    assert attempt(engine, "ana", "wrong", "10.1.1.2", FAST).retry_after is None     # checked, and locks again
    assert attempt(engine, "ana", "wrong", "10.1.1.3", FAST).retry_after == 2        # twice as long


def test_eleventh_wrong_password_from_one_address_is_locked_out(engine, verifications):
    for i in range(10):                         # a spray: one guess for each of ten names
        assert attempt(engine, f"user{i}", "guess", "192.0.2.7", FAST).retry_after is None
    assert attempt(engine, "ana", "right-password-1", "192.0.2.7", FAST).retry_after == 1
    assert len(verifications) == 10
    assert attempt(engine, "ana", "right-password-1", "192.0.2.8", FAST).user is not None   # elsewhere: fine


def test_unknown_names_lock_like_known_ones(engine):
    """A lockout does not tell which names exist."""
    for name in ("ana", "nobody-here"):
        for i in range(10):
            attempt(engine, name, "wrong", f"198.51.{len(name)}.{i}", FAST)
        assert attempt(engine, name, "wrong", "203.0.113.1", FAST).retry_after == 1


def test_counts_are_in_the_database_shared_by_workers_and_restarts(engine, db_url):
    for i in range(10):
        attempt(engine, "ana", "wrong", f"10.2.0.{i}", FAST)
    engine.dispose()                                     # a restart, or another worker's engine
    other = open_engine(db_url)
    try:
        assert attempt(other, "ana", "right-password-1", "10.2.1.1", FAST).retry_after == 1
    finally:
        other.dispose()


def test_policy_from_the_environment(monkeypatch):
    monkeypatch.setenv("WARLEDGER_LOGIN_LOCKOUT_SECONDS", "2.5")
    monkeypatch.setenv("WARLEDGER_LOGIN_MAX_FAILURES", "4")
    p = LoginPolicy.from_env()
    assert (p.enabled, p.lockout_seconds, p.max_failures) == (True, 2.5, 4)
    monkeypatch.setenv("WARLEDGER_LOGIN_THROTTLE", "off")
    assert not LoginPolicy.from_env().enabled


def test_throttle_off_never_locks(engine):
    off = LoginPolicy(enabled=False)
    for i in range(12):
        assert attempt(engine, "ana", "wrong", "10.3.0.1", off).retry_after is None, i


@pytest.mark.parametrize("name,password", [("ana", "right-password-1"), ("ana", "wrong"), ("nobody", "wrong"),
                                           ("tokenonly", "anything"), ("", "x"), ("n" * 5000, "x"),
                                           ("ana", "p" * 100_000)])
def test_one_argon2_verification_per_attempt_whoever_the_name(engine, verifications, name, password):
    attempt(engine, name, password, "10.4.0.1", LoginPolicy(enabled=False))
    assert len(verifications) == 1


def test_a_disabled_user_costs_one_verification_and_is_refused(engine, verifications):
    users_store.disable(engine, "ana")
    assert attempt(engine, "ana", "right-password-1", "10.5.0.1", FAST).user is None
    assert len(verifications) == 1


def test_concurrent_password_checks_are_bounded(engine, monkeypatch):
    monkeypatch.setattr(users_store, "_checks", threading.BoundedSemaphore(2))
    running, peak, lock = [0], [0], threading.Lock()
    real = PasswordHasher.verify

    def slow(self, hash_, password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        try:
            time.sleep(0.15)
            return real(self, hash_, password)
        finally:
            with lock:
                running[0] -= 1
    monkeypatch.setattr(PasswordHasher, "verify", slow)
    threads = [threading.Thread(target=users_store.user_for_password, args=(engine, "ana", "wrong"))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak[0] == 2


def test_busy_checks_answer_an_error_not_a_wait_without_end(engine, monkeypatch):
    monkeypatch.setattr(users_store, "_checks", threading.BoundedSemaphore(1))
    monkeypatch.setattr(users_store, "CHECK_WAIT_SECONDS", 0.05)
    users_store._checks.acquire()
    try:
        with pytest.raises(users_store.ChecksBusy):
            users_store.user_for_password(engine, "ana", "right-password-1")
    finally:
        users_store._checks.release()


def test_disable_ends_tokens_and_sessions_and_enable_lets_the_password_in(engine):
    user = users_store.user_for_password(engine, "ana", "right-password-1")
    session = users_store.start_session(engine, user)
    token = users_store.new_token(engine, "ana")
    assert users_store.disable(engine, "ana") == 2                      # the first token and this one
    assert users_store.user_for_token(engine, token) is None
    assert users_store.user_for_session(engine, session) is None
    assert users_store.user_for_password(engine, "ana", "right-password-1") is None
    with pytest.raises(UsageError):
        users_store.new_token(engine, "ana")
    assert [u["disabled"] for u in users_store.list_users(engine) if u["name"] == "ana"] == [True]
    users_store.enable(engine, "ana")
    assert users_store.user_for_password(engine, "ana", "right-password-1") is not None
    assert users_store.user_for_token(engine, token) is None           # revoked tokens stay revoked


def test_revoke_also_ends_web_sessions(engine):
    user = users_store.user_for_password(engine, "ana", "right-password-1")
    session = users_store.start_session(engine, user)
    assert users_store.revoke(engine, "ana") == 1
    assert users_store.user_for_session(engine, session) is None


def test_tokens_expire(engine, monkeypatch):
    token = users_store.new_token(engine, "ana", dt.timedelta(days=30))
    forever = users_store.new_token(engine, "ana")
    assert users_store.user_for_token(engine, token).name == "ana"
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30, seconds=1)
    monkeypatch.setattr(users_store, "_now", lambda: later)
    assert users_store.user_for_token(engine, token) is None
    assert users_store.user_for_token(engine, forever).name == "ana"
    assert [u["tokens"] for u in users_store.list_users(engine) if u["name"] == "ana"] == [2]   # first + forever


@pytest.mark.parametrize("text,days", [("30d", 30), ("2w", 14), ("12h", 0.5), ("90m", 90 / 1440), ("7", 7)])
def test_durations(text, days):
    assert users_store.parse_duration(text) == dt.timedelta(days=days)


@pytest.mark.parametrize("text", ["", "0d", "-3d", "30x", "d", "٣d", "999999w"])
def test_bad_durations(text):
    with pytest.raises(UsageError):
        users_store.parse_duration(text)


def test_migration_0006_down_and_up_keeps_users_and_tokens(db_url):
    """Dropping 0006's columns must not copy `users` to a new table (SQLite would cascade the
    old one's deletion to every token and session)."""
    from sqlalchemy import text

    from warledger.store.engine import downgrade, upgrade
    e = open_engine(db_url)
    _, token = users_store.add_user(e, "kept", "viewer")
    downgrade(e, "0005")
    with e.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM tokens")).scalar() == 1
    upgrade(e)
    assert users_store.user_for_token(e, token).name == "kept"
    e.dispose()
