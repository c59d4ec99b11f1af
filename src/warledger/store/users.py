"""Users, roles and API tokens. Passwords are argon2 hashes; tokens are 256 random bits
shown once and stored as their SHA-256 (a fast hash suffices for random secrets)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from ..errors import UsageError
from .tables import SessionRow, TokenRow, UserRow

ROLES = ("viewer", "analyst", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
_hasher = PasswordHasher()
SESSION_HOURS = 12


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


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise UsageError("E801", f"role must be one of {', '.join(ROLES)}, not {role!r}")


def add_user(engine: Engine, name: str, role: str, password: str | None = None) -> tuple[User, str]:
    """Create a user and a first token; returns the token (it is not stored in clear)."""
    _check_role(role)
    name = name.strip()
    if not name:
        raise UsageError("E801", "a user needs a name")
    with Session(engine) as s, s.begin():
        if s.scalar(select(UserRow).where(UserRow.name == name)):
            raise UsageError("E802", f"user {name!r} exists")
        row = UserRow(name=name, role=role, created_at=_now(),
                      password_hash=_hasher.hash(password) if password else None)
        s.add(row)
        s.flush()
        user = User(row.id, row.name, row.role)
    return user, new_token(engine, name)


def new_token(engine: Engine, name: str) -> str:
    token = "wl_" + secrets.token_urlsafe(32)
    with Session(engine) as s, s.begin():
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise UsageError("E803", f"no user {name!r}")
        s.add(TokenRow(user_id=row.id, token_hash=_digest(token), prefix=token[:8], created_at=_now()))
    return token


def revoke(engine: Engine, name: str) -> int:
    """Revoke every live token of ``name``; returns how many."""
    with Session(engine) as s, s.begin():
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise UsageError("E803", f"no user {name!r}")
        done = s.execute(update(TokenRow).where(TokenRow.user_id == row.id, TokenRow.revoked_at.is_(None))
                         .values(revoked_at=_now()))
        return done.rowcount


def user_for_token(engine: Engine, token: str) -> User | None:
    with Session(engine) as s:
        row = s.execute(select(UserRow).join(TokenRow, TokenRow.user_id == UserRow.id)
                        .where(TokenRow.token_hash == _digest(token), TokenRow.revoked_at.is_(None))).scalar()
        return User(row.id, row.name, row.role) if row else None


def user_for_password(engine: Engine, name: str, password: str) -> User | None:
    with Session(engine) as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None or not row.password_hash:
            return None
        try:
            _hasher.verify(row.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        return User(row.id, row.name, row.role)


def list_users(engine: Engine, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    with Session(engine) as s:
        live = (select(TokenRow.user_id, func.count().label("n")).where(TokenRow.revoked_at.is_(None))
                .group_by(TokenRow.user_id).subquery())
        rows = s.execute(select(UserRow, live.c.n).outerjoin(live, live.c.user_id == UserRow.id)
                         .order_by(UserRow.id).limit(limit).offset(offset)).all()
        return [{"id": u.id, "name": u.name, "role": u.role, "created_at": u.created_at.isoformat(),
                 "tokens": n or 0} for u, n in rows]


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
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise UsageError("E803", f"no user {name!r}")
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
    """The user of a live (not ended, not expired) session."""
    with Session(engine) as s:
        row = s.execute(select(UserRow, SessionRow.expires_at).join(SessionRow, SessionRow.user_id == UserRow.id)
                        .where(SessionRow.token_hash == _digest(secret), SessionRow.ended_at.is_(None))).first()
    if row is None:
        return None
    user, expires = row
    if expires.tzinfo is None:                      # SQLite gives naive datetimes back
        expires = expires.replace(tzinfo=dt.UTC)
    return User(user.id, user.name, user.role) if expires > _now() else None


def end_session(engine: Engine, secret: str) -> None:
    with Session(engine) as s, s.begin():
        s.execute(update(SessionRow).where(SessionRow.token_hash == _digest(secret), SessionRow.ended_at.is_(None))
                  .values(ended_at=_now()))
