"""Country names in other languages, from CLDR (the ``babel`` package's locale data): "Сирія",
"Afganistán", "العراق" → the ISO 3166 code. Read once per language."""
from __future__ import annotations

from functools import cache

from .names import name_key


@cache
def _names(language: str) -> dict[str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        territories = Locale.parse(language).territories
    except (UnknownLocaleError, ValueError):
        return {}
    out: dict[str, str] = {}
    for code, name in territories.items():
        if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "QO", "ZZ"):
            out.setdefault(name_key(name), code)
    return out


def country_code(name: str, language: str) -> str | None:
    """The ISO code of the country ``name`` names in ``language``, or None."""
    return _names(language).get(name_key(name))


def country_names(language: str) -> dict[str, str]:
    """Every country name of ``language`` (name key → ISO code)."""
    return dict(_names(language))
