"""Loads the structure stage's word lists from ``patterns/`` once per process."""
from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml


@cache
def load(name: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath("patterns", f"{name}.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def month_names() -> dict[str, int]:
    return {name: int(num) for num, names in load("calendar")["months"].items() for name in names}


@cache
def weekday_names() -> dict[str, int]:
    return {name: int(num) for num, names in load("calendar")["weekdays"].items() for name in names}


@cache
def full_date_month_names() -> dict[str, int]:
    """Month names a full date may use: the English ones and those of the other languages read."""
    other = {name: int(num) for num, names in (load("calendar").get("months_other") or {}).items() for name in names}
    return {**other, **month_names()}
