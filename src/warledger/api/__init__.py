"""The ledger served over HTTP (FastAPI): the same library functions as the CLI."""
from .app import create_app

__all__ = ["create_app"]
