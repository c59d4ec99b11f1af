"""Liveness."""
from fastapi import APIRouter

from ... import __version__
from ..schemas import Health

router = APIRouter(tags=["service"])


@router.get("/health")
def health() -> Health:
    """Liveness: answers without credentials."""
    return Health(status="ok", version=__version__)
