"""Lazy attributes of a package: names resolved from their modules on first use, so importing the package stays
cheap (its heavy modules load only when one of their names is asked for)."""

from __future__ import annotations

from typing import Callable


def lazy_attributes(package: str, table: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` for ``package`` that imports ``table[name]`` (a module path) and returns its
    ``name``; other names raise AttributeError as Python would."""

    def __getattr__(name: str):
        if name in table:
            import importlib

            return getattr(importlib.import_module(table[name]), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
