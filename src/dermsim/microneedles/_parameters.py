"""Read the packaged microneedle rules (``parameters/microneedle.toml``) as numbers in kernel units.

Every entry is ``{value, unit, source}``; `value` converts it to the unit asked for (cm, h, N …) so the
model modules never hold a literal number, and `source` returns the citation text for provenance.
"""

from __future__ import annotations

from functools import lru_cache

from dermsim import parameters


def _entry(path: str) -> dict:
    table = parameters.load("microneedle")
    for key in path.split("/"):
        table = table[key]
    return table


@lru_cache(maxsize=None)
def value(path: str, unit: str = "") -> float:
    """The value at ``path`` ("section/…/key") converted to ``unit`` ("" for dimensionless)."""
    item = _entry(path)
    if not unit or item.get("unit", "") == unit:
        return float(item["value"])
    from dermsim.units import registry

    ureg = registry()
    return float(ureg.Quantity(float(item["value"]), item["unit"]).to(unit).magnitude)


def source(path: str) -> str:
    """The source text of the entry at ``path``."""
    return str(_entry(path)["source"])


def cited(*paths: str) -> tuple[tuple[str, str], ...]:
    """``(path, source)`` pairs for provenance, in the order given."""
    return tuple((p.replace("/", "."), source(p)) for p in paths)


def keys(path: str) -> tuple[str, ...]:
    """The keys of the table at ``path`` (e.g. the named applications)."""
    return tuple(_entry(path))
