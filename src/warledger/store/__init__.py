"""store: the ledger's database. The only place that imports SQLAlchemy."""
from .engine import default_url, open_engine, upgrade
from .ledger import Ledger

__all__ = ["Ledger", "default_url", "open_engine", "upgrade"]
