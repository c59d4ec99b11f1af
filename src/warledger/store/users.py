"""Users, roles and API tokens. Passwords are argon2 hashes; tokens are 256 random bits
shown once and stored as their SHA-256 (a fast hash suffices for random secrets).

Every password check costs exactly one argon2 verification, whether the user exists, has a
password, is disabled or not (an unknown name is checked against a dummy hash), so the time
of an answer does not tell which names exist; at most ``WARLEDGER_LOGIN_CHECKS`` (default 2)
verifications run at once, each taking argon2's 64 MiB."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from ..errors import UsageError, WarledgerError
from .tables import SessionRow, TokenRow, UserRow

ROLES = ("viewer", "analyst", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
_hasher = PasswordHasher()
SESSION_HOURS = 12
MAX_NAME, MAX_PASSWORD = 128, 1024        # longer ones cannot match (still checked, against the dummy)
CHECK_WAIT_SECONDS = 10.0                 # how long a login waits for a free password check
_CHECKS = os.environ.get("WARLEDGER_LOGIN_CHECKS", "").strip()
_checks = threading.BoundedSemaphore(int(_CHECKS) if _CHECKS.isascii() and _CHECKS.isdigit() and int(_CHECKS) else 2)
_dummy: list[str] = []


class ChecksBusy(WarledgerError):
    """Every password-check slot stayed taken for CHECK_WAIT_SECONDS."""

    def __init__(self) -> None:
        super().__init__("E811", "too many logins at once; try again in a moment")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str

    def may(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _dummy_hash() -> str:
    if not _dummy:
        _dummy.append(_hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[0]


def _verify(stored: str | None, password: str) -> bool:
    """One argon2 verification of ``password`` against ``stored`` (the dummy hash when None),
    within the bound on concurrent checks."""
    if not _checks.acquire(timeout=CHECK_WAIT_SECONDS):
        raise ChecksBusy()
    try:
        return _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    finally:
        _checks.release()


def _aware(when: dt.datetime | None) -> dt.datetime | None:
    """SQLite gives naive datetimes back; they are UTC."""
    return when.replace(tzinfo=dt.UTC) if when is not None and when.tzinfo is None else when


_DURATION = re.compile(r"^\s*([0-9]{1,6})\s*([smhdw]?)\s*$")
MAX_DURATION = dt.timedelta(days=3650)


def parse_duration(text: str) -> dt.timedelta:
    """"30d", "12h", "90m", "3600s", "2w"; a bare number is days; ten years at most."""
    m = _DURATION.match(text or "")
    if not m or int(m.group(1)) == 0:
        raise UsageError("E801", f"a duration is a positive number with s, m, h, d or w (e.g. 30d), not {text!r}")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks", "": "days"}[m.group(2)]
    span = dt.timedelta(**{unit: int(m.group(1))})
    if span > MAX_DURATION:
        raise UsageError("E801", f"a duration of at most {MAX_DURATION.days} days, not {text!r}")
    return span


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UsageError("E801", f"role must be one of {', '.join(ROLES)}, not {role!r}")


def add_user(engine: Engine, name: str, role: str, password: str | None = None,
             expires: dt.timedelta | None = None) -> tuple[User, str]:
    """Create a user and a first token (valid for ``expires``, else until revoked); returns
    the token (it is not stored in clear)."""
    _check_role(role)
    name = name.strip()
    if not name:
        raise UsageError("E801", "a user needs a name")
    if len(name) > MAX_NAME:
        raise UsageError("E801", f"a user name has at most {MAX_NAME} characters")
    with Session(engine) as s, s.begin():
        if s.scalar(select(UserRow).where(UserRow.name == name)):
            raise UsageError("E802", f"user {name!r} exists")
        row = UserRow(name=name, role=role, created_at=_now(),
                      password_hash=_hasher.hash(password) if password else None)
        s.add(row)
        s.flush()
        user = User(row.id, row.name, row.role)
    return user, new_token(engine, name, expires)


def _user_row(s: Session, name: str) -> UserRow:
    row = s.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise UsageError("E803", f"no user {name!r}")
    return row


def new_token(engine: Engine, name: str, expires: dt.timedelta | None = None) -> str:
    """Another token for ``name``, valid for ``expires`` (else until revoked)."""
    token = "wl_" + secrets.token_urlsafe(32)
    now = _now()
    with Session(engine) as s, s.begin():
        row = _user_row(s, name)
        if row.disabled_at is not None:
            raise UsageError("E804", f"user {name!r} is disabled; `warledger users enable {name}` first")
        s.add(TokenRow(user_id=row.id, token_hash=_digest(token), prefix=token[:8], created_at=now,
                       expires_at=now + expires if expires else None))
    return token


def _end_all(s: Session, user_id: int) -> int:
    """Revoke every live token of the user and end its web sessions; returns the tokens revoked."""
    now = _now()
    done = s.execute(update(TokenRow).where(TokenRow.user_id == user_id, TokenRow.revoked_at.is_(None))
                     .values(revoked_at=now))
    s.execute(update(SessionRow).where(SessionRow.user_id == user_id, SessionRow.ended_at.is_(None))
              .values(ended_at=now))
    return done.rowcount


def revoke(engine: Engine, name: str) -> int:
    """Revoke every live token of ``name`` and end its web sessions; returns how many tokens."""
    with Session(engine) as s, s.begin():
        return _end_all(s, _user_row(s, name).id)


def disable(engine: Engine, name: str) -> int:
    """Refuse ``name`` every login, token and session from now on (its tokens are revoked and
    its sessions ended); returns how many tokens were revoked."""
    with Session(engine) as s, s.begin():
        row = _user_row(s, name)
        if row.disabled_at is None:
            row.disabled_at = _now()
        return _end_all(s, row.id)


def enable(engine: Engine, name: str) -> None:
    """Let a disabled user log in again (revoked tokens stay revoked: issue a new one)."""
    with Session(engine) as s, s.begin():
        _user_row(s, name).disabled_at = None


def user_for_token(engine: Engine, token: str) -> User | None:
    """The user of a live token: not revoked, not expired, its user not disabled."""
    with Session(engine) as s:
        found = s.execute(select(UserRow, TokenRow.expires_at).join(TokenRow, TokenRow.user_id == UserRow.id)
                          .where(TokenRow.token_hash == _digest(token), TokenRow.revoked_at.is_(None),
                                 UserRow.disabled_at.is_(None))).first()
    if found is None:
        return None
    row, expires = found
    if expires is not None and _aware(expires) <= _now():
        return None
    return User(row.id, row.name, row.role)


def user_for_password(engine: Engine, name: str, password: str) -> User | None:
    """The user when ``password`` is ``name``'s; exactly one argon2 verification whatever the
    outcome (a dummy hash for unknown names, users without a password and disabled users)."""
    row = None
    if 0 < len(name) <= MAX_NAME:
        with Session(engine) as s:
            row = s.scalar(select(UserRow).where(UserRow.name == name))
    usable = row is not None and bool(row.password_hash) and row.disabled_at is None
    good = _verify(row.password_hash if usable else None, password if len(password) <= MAX_PASSWORD else "")
    if not (usable and good and len(password) <= MAX_PASSWORD):
        return None
    return User(row.id, row.name, row.role)


def list_users(engine: Engine, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    now = _now()
    with Session(engine) as s:
        live = (select(TokenRow.user_id, func.count().label("n"))
                .where(TokenRow.revoked_at.is_(None), (TokenRow.expires_at.is_(None)) | (TokenRow.expires_at > now))
                .group_by(TokenRow.user_id).subquery())
        rows = s.execute(select(UserRow, live.c.n).outerjoin(live, live.c.user_id == UserRow.id)
                         .order_by(UserRow.id).limit(limit).offset(offset)).all()
        return [{"id": u.id, "name": u.name, "role": u.role, "created_at": u.created_at.isoformat(),
                 "tokens": n or 0, "disabled": u.disabled_at is not None} for u, n in rows]


def count_users(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(UserRow)) or 0


def first_admin(engine: Engine) -> tuple[str, str, str] | None:
    """On an empty user table: create ``admin`` with a one-time password; returns
    (name, password, token), else None."""
    if count_users(engine):
        return None
    password = secrets.token_urlsafe(12)
    _, token = add_user(engine, "admin", "admin", password)
    return "admin", password, token


def set_password(engine: Engine, name: str, password: str) -> None:
    """Give ``name`` a new password (argon2 hash); ends the user's web sessions."""
    if len(password) < 8:
        raise UsageError("E801", "a password needs at least 8 characters")
    with Session(engine) as s, s.begin():
        row = _user_row(s, name)
        row.password_hash = _hasher.hash(password)
        s.execute(update(SessionRow).where(SessionRow.user_id == row.id, SessionRow.ended_at.is_(None))
                  .values(ended_at=_now()))


# ---------------------------------------------------------------- web sessions

def start_session(engine: Engine, user: User) -> str:
    """A new web session for ``user``; returns the cookie value (stored as its SHA-256 only)."""
    secret = secrets.token_urlsafe(32)
    now = _now()
    with Session(engine) as s, s.begin():
        s.add(SessionRow(user_id=user.id, token_hash=_digest(secret), created_at=now,
                         expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
    return secret


def user_for_session(engine: Engine, secret: str) -> User | None:
    """The user of a live (not ended, not expired) session of a user not disabled."""
    with Session(engine) as s:
        row = s.execute(select(UserRow, SessionRow.expires_at).join(SessionRow, SessionRow.user_id == UserRow.id)
                        .where(SessionRow.token_hash == _digest(secret), SessionRow.ended_at.is_(None),
                               UserRow.disabled_at.is_(None))).first()
    if row is None:
        return None
    user, expires = row
    return User(user.id, user.name, user.role) if _aware(expires) > _now() else None


def end_session(engine: Engine, secret: str) -> None:
    with Session(engine) as s, s.begin():
        s.execute(update(SessionRow).where(SessionRow.token_hash == _digest(secret), SessionRow.ended_at.is_(None))
                  .values(ended_at=_now()))
