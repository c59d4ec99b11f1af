"""Errors with codes. A ``WarledgerError`` is a user error: one line, no traceback.

Codes: E1xx read, E2xx structure, E3xx nlp, E4xx resolve, E5xx store, E6xx aggregate,
E7xx export, E8xx api.

Read (E1xx), among others: E107 no text to read (a document, feed entry or page whose text has
no letter or digit: refused, never stored as an empty document); E108 a value no database
column can keep (a NUL character, a lone surrogate, an id over 512 characters); E109 a reader
failed on the input in a way it does not know (the parser's own exception, kept to one line).

Store (E51x), every one naming the database file or URL: E510 cannot create the database
(its folder, or the data directory, cannot be made); E511 the database or its folder is
read-only; E512 locked by another process past the wait; E513 disk full; E514 no ledger there
(read-only commands never create one; exit 2); E515 the schema: another process is creating
it, or it is older or newer than this warledger; E516 cannot connect to the database server;
E517 any other database failure (a damaged file, an I/O error, a value refused).
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
