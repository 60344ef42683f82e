"""Packaged parameter files (TOML). Every number carries ``value``, ``unit`` and its own ``source``."""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files


@lru_cache(maxsize=None)
def load(name: str) -> dict:
    """Load ``dermsim/parameters/<name>.toml`` (cached; treat the result as read-only)."""
    import tomllib

    return tomllib.loads(files("dermsim.parameters").joinpath(f"{name}.toml").read_text("utf-8"))


def sources(table: dict, prefix: str = "") -> dict[str, str]:
    """Flatten ``{field: {value, unit, source}}`` tables into ``{"path.field": source}``."""
    out = {}
    for key, val in table.items():
        if isinstance(val, dict):
            if "source" in val and "value" in val:
                out[f"{prefix}{key}"] = val["source"]
            else:
                out.update(sources(val, f"{prefix}{key}."))
    return out
