"""Errors with codes. A ``WarledgerError`` is a user error: one line, no traceback.

Codes: E1xx read, E2xx structure, E3xx nlp, E4xx resolve, E5xx store, E6xx aggregate,
E7xx export, E8xx api.
"""
from __future__ import annotations


class WarledgerError(Exception):
    """A problem with the user's input or settings, reported as one line."""

    exit_code = 1

    def __init__(self, code: str, message: str, *, path: str | None = None, line: int | None = None):
        self.code, self.message, self.path, self.line = code, message, path, line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"[{self.code}] {where}{self.message}"


class UsageError(WarledgerError):
    """Wrong arguments: a path that does not exist, a directory for a file, an unknown option value."""

    exit_code = 2


class ReadError(WarledgerError):
    """Bytes that cannot be read as a document: empty, binary, undecodable, malformed."""

    exit_code = 1


class ModelError(WarledgerError):
    """The spaCy pipeline named in the settings cannot be loaded."""

    exit_code = 2
