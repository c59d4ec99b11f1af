"""warledger: a source-attributed ledger of conflict events read from reporting."""
from __future__ import annotations

from .errors import WarledgerError
from .extract import extract, extract_documents
from .read import read_path
from .settings import Settings

__version__ = "0.1.0"
__all__ = ["extract", "extract_documents", "read_path", "Settings", "WarledgerError", "__version__"]
