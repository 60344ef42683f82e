"""Packaged parameter files (TOML), read through one loader that honours units.

Every number of ``dermsim/parameters/*.toml`` is an entry ``{ value = …, unit = "…", source = "…" }``.
`load` checks each entry and converts its value, by dimension, to the transport kernel unit declared in
`dermsim.units.KERNEL_UNITS` (cm, h, ug, mol, K; cm^2/h, 1/h, g/mol …), so editing a unit in a file never
changes the physics. Code that works in another unit asks for it: ``p.to("1/day")``, ``p.to("N")``.
See ``parameters/README.md`` for the file format and the flags.

>>> from dermsim import parameters
>>> p = parameters.load("body_sites")["face"]["viable_epidermis_thickness"]
>>> p.unit, p.to("um") == p.given[0]
('cm', True)
"""

from __future__ import annotations

import math
import os
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from importlib.resources import files
from pathlib import Path
from typing import Any

from dermsim.errors import DermsimError, InputError

__all__ = ["Parameter", "ParameterTable", "ParameterFileError", "FLAGS", "load", "build", "entry", "cited", "directory",
           "cache", "clear_caches", "sources", "names"]

#: Flags a parameter can carry (see README.md): thin = weak or single secondary evidence; calibration = chosen
#: so the model reproduces a named measurement; estimate = computed/predicted, not measured; fitted = a global
#: constant fitted to a named data set. Set by ``<flag> = true`` in the entry or a source starting with it.
FLAGS = ("thin", "calibration", "estimate", "fitted")
_SOURCE_PREFIXES = {"thin": "thin:", "calibration": "calibration:", "estimate": "estimate", "fitted": "fitted"}
_ENTRY_KEYS = {"value", "unit", "source", "sd"}


class ParameterFileError(DermsimError, ValueError):
    """A parameter file is missing, unreadable or has an invalid entry. One line: "file: key.path: problem";
    the parts are kept as ``where``, ``path`` and ``problem``."""

    def __init__(self, where: str, path: str, problem: str):
        self.where, self.path, self.problem = where, path, problem
        super().__init__(f"{where}: {path}: {problem}" if path else f"{where}: {problem}")


# --------------------------------------------------------------------------------------------
# one parameter


def _log_unit(unit: str) -> str | None:
    """The argument of a ``log10(<unit>)`` unit, or None."""
    text = unit.strip()
    if text.startswith("log10(") and text.endswith(")"):
        return text[len("log10("):-1].strip()
    return None


def _convert(value: Any, unit: str, target: str) -> Any:
    """``value`` (number or nested list) written in ``unit`` expressed in ``target`` (raises InputError)."""
    from dermsim.units import conversion_factor, convert

    if isinstance(value, (list, tuple)):
        return tuple(_convert(v, unit, target) for v in value)
    log_from, log_to = _log_unit(unit), _log_unit(target)
    if (log_from is None) != (log_to is None):
        raise InputError("unit", target, f"a unit of the form {'log10(…)' if log_from is not None else 'not log10(…)'}",
                         problem=f"{unit!r} cannot be converted to {target!r}")
    if log_from is None:
        return convert(float(value), unit, target)
    factor = conversion_factor(log_from, log_to, "unit", unit)
    return float(value) if factor == 1.0 else float(value) + math.log10(factor)


@dataclass(frozen=True)
class Parameter:
    """One ``{value, unit, source}`` entry of a parameter file, its value in the transport kernel unit.

    Attributes
    ----------
    value : float, int, str, bool or tuple
        Numbers with a unit: float in the kernel unit of their dimension (`dermsim.units.KERNEL_UNITS`);
        ``log10(<unit>)`` values: log10 of the value in the kernel unit. Dimensionless floats, integer counts,
        strings and booleans (``unit = ""``) as written. Lists become (nested) tuples.
    unit : str
        The kernel unit of ``value`` (``""`` = dimensionless).
    source : str
        The citation written in the file.
    flags : frozenset of str
        Subset of `FLAGS`.
    given : (value, unit)
        The value and unit as written in the file.
    sd : float or None
        Standard deviation (``sd = …`` in the entry, same unit as value), in the kernel unit.
    given_sd : float or None
        The standard deviation as written.
    path : str
        ``"<file>.toml:<dotted key>"``, for messages.
    """

    value: Any
    unit: str
    source: str
    flags: frozenset = frozenset()
    given: tuple = (None, "")
    sd: float | None = None
    given_sd: float | None = field(default=None, repr=False)
    path: str = field(default="", compare=False)

    def to(self, unit: str) -> Any:
        """The value in ``unit`` (any unit of the same dimension; ``""`` for dimensionless), float.

        Computed from the value as written, so ``p.to(<written unit>)`` returns exactly the number in the file.
        Raises `InputError` when the dimension differs or the entry is not a number.
        """
        return self._to(self.given[0], unit)

    def sd_to(self, unit: str) -> float | None:
        """The standard deviation in ``unit`` (None if the entry has none)."""
        return None if self.given_sd is None else self._to(self.given_sd, unit)

    def _to(self, value: Any, unit: str) -> Any:
        if isinstance(value, (str, bool)) or value is None:
            raise InputError(self.path or "parameter", value, "a number", problem=f"{value!r} has no unit")
        try:
            return _convert(value, self.given[1], unit)
        except InputError:
            raise InputError(self.path or "parameter", f"{self.given[0]} {self.given[1]}".strip(),
                             f"units compatible with {self.given[1] or 'dimensionless'}",
                             problem=f"cannot express {self.given[1] or 'a dimensionless number'} in "
                                     f"{unit or 'dimensionless'}") from None

    @property
    def estimate(self) -> bool:
        return "estimate" in self.flags

    def __float__(self) -> float:
        return float(self.value)


def _make_parameter(entry: dict, path: str, where: str) -> Parameter:
    def fail(problem: str):
        raise ParameterFileError(where, path, problem)

    unknown = set(entry) - _ENTRY_KEYS - set(FLAGS)
    if unknown:
        fail(f"has unknown key(s) {', '.join(sorted(unknown))} (allowed: value, unit, source, sd, "
             f"{', '.join(FLAGS)} = true)")
    source = entry.get("source")
    if not isinstance(source, str) or not source.strip():
        fail("has no source (every number needs its own source)")
    flags = set()
    for flag in FLAGS:
        if flag in entry:
            if not isinstance(entry[flag], bool):
                fail(f"{flag} must be true or false, got {entry[flag]!r}")
            if entry[flag]:
                flags.add(flag)
    if "unit" not in entry:
        fail('has no unit (write unit = "" for a dimensionless number, string or boolean)')
    unit, value = entry["unit"], entry["value"]
    if not isinstance(unit, str):
        fail(f"unit must be a string, got {unit!r}")
    lowered = source.strip().lower()
    flags.update(f for f, prefix in _SOURCE_PREFIXES.items() if lowered.startswith(prefix))

    def numbers(v):
        if isinstance(v, list):
            return all(numbers(x) for x in v)
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    sd = entry.get("sd")
    if isinstance(value, (str, bool)):
        if unit != "":
            fail(f'a {type(value).__name__} value must have unit = "" (got {unit!r})')
        if sd is not None:
            fail("sd given for a value that is not a number")
        kernel, converted = "", value
    else:
        if not numbers(value):
            fail(f"value must be a number, string, boolean or list of numbers, got {value!r}")
        flat = _flatten(value)
        if not all(math.isfinite(x) for x in flat):
            fail(f"value {value!r} is not finite")
        if sd is not None and (not numbers(sd) or isinstance(sd, list) or not math.isfinite(sd) or sd < 0):
            fail(f"sd must be a finite number >= 0, got {sd!r}")
        from dermsim.units import kernel_unit

        log_arg = _log_unit(unit)
        try:
            if log_arg is not None:
                kernel_arg, _ = kernel_unit(log_arg)
                kernel = f"log10({kernel_arg or 1})"
                if sd is not None:
                    fail("sd is not supported for log10 units")
            else:
                kernel, _ = kernel_unit(unit)
        except InputError as exc:
            fail(f"unit {unit!r} does not parse ({exc.allowed})")
        if kernel == "" and isinstance(value, int):
            converted = value                              # a count: kept as an int
        elif kernel == "" and isinstance(value, list):
            converted = _freeze(value)
        else:
            converted = _convert(value, unit, kernel)
            if not all(math.isfinite(x) for x in _flatten(converted)):
                fail(f"value {value!r} {unit} is not finite in {kernel}")
        if sd is not None:
            sd = _convert(sd, unit, kernel) if kernel else float(sd)
    return Parameter(value=converted, unit=kernel, source=source, flags=frozenset(flags),
                     given=(_freeze(value), unit), sd=sd, given_sd=entry.get("sd"), path=f"{where}:{path}")


def _flatten(v) -> list[float]:
    if isinstance(v, (list, tuple)):
        return [x for item in v for x in _flatten(item)]
    return [float(v)]


def _freeze(v):
    return tuple(_freeze(x) for x in v) if isinstance(v, list) else v


# --------------------------------------------------------------------------------------------
# a table


class ParameterTable(Mapping):
    """Read-only nested mapping of a parameter file: values are `Parameter`, `ParameterTable` or plain values
    (strings, booleans, tuples) for keys that are not entries (``description``, ``model`` …)."""

    __slots__ = ("_data", "path")

    def __init__(self, data: dict, path: str = ""):
        self._data = data
        self.path = path

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"ParameterTable({self.path!r}, keys={list(self._data)})"

    def parameters(self, prefix: str = "") -> Iterator[tuple[str, Parameter]]:
        """Every `Parameter` below this table as (dotted path, parameter), depth first."""
        for key, val in self._data.items():
            if isinstance(val, Parameter):
                yield f"{prefix}{key}", val
            elif isinstance(val, ParameterTable):
                yield from val.parameters(f"{prefix}{key}.")


def _build(data: Any, path: str, where: str) -> Any:
    if isinstance(data, dict):
        if "value" in data:
            return _make_parameter(data, path, where)
        if "unit" in data or "source" in data:
            raise ParameterFileError(where, path, f"entry without a value (has {', '.join(sorted(data))})")
        return ParameterTable({k: _build(v, f"{path}.{k}" if path else k, where) for k, v in data.items()},
                              f"{where}:{path}")
    if isinstance(data, list):
        return tuple(_build(v, f"{path}[{i}]", where) for i, v in enumerate(data))
    return data


# --------------------------------------------------------------------------------------------
# loading, the folder, caches

_directory: Path | None = None
_caches: list[Callable] = []


def _read(name: str) -> tuple[str, str]:
    filename = f"{name}.toml"
    if _directory is None:
        resource = files("dermsim.parameters").joinpath(filename)
    else:
        resource = _directory / filename
    try:
        return filename, resource.read_text("utf-8")
    except (OSError, FileNotFoundError) as exc:
        where = filename if _directory is None else str(resource)
        raise ParameterFileError(where, "", f"cannot read parameter file ({exc.__class__.__name__})") from None


@lru_cache(maxsize=None)
def load(name: str) -> ParameterTable:
    """Load, check and convert ``<name>.toml`` of the parameter folder (cached; read-only).

    Raises `ParameterFileError` (a `DermsimError`) naming file, key path and problem for a missing file, invalid
    TOML, an entry without a unit or source, a unit that does not parse, or a non-finite value.
    """
    filename, text = _read(name)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ParameterFileError(filename, "", f"invalid TOML ({exc})") from None
    return _build(data, "", filename)


def build(data: Mapping, where: str, path: str = "") -> ParameterTable:
    """Check and convert an already-parsed table (e.g. a library entry in a test) exactly as `load` does.

    ``where`` names the file and ``path`` the key of ``data`` in it, for the messages.
    """
    return _build(dict(data), path, where)


def entry(name: str, path: str) -> Any:
    """The item at ``path`` ("section/…/key", keys separated by "/") of `load` (name): usually a `Parameter`.

    ``parameters.entry("microneedle", "density/pen_hand_speed").to("cm/h")``.
    """
    item: Any = load(name)
    for key in path.split("/"):
        try:
            item = item[key]
        except (KeyError, TypeError):
            raise ParameterFileError(f"{name}.toml", path.replace("/", "."), "no such entry") from None
    return item


def cited(name: str, *paths: str) -> tuple[tuple[str, str], ...]:
    """``(dotted path, source)`` of the entries at ``paths`` of file ``name``, for provenance, in the order given."""
    return tuple((p.replace("/", "."), entry(name, p).source) for p in paths)


def names() -> list[str]:
    """Names of the parameter files in the current folder (packaged or `directory`)."""
    root = files("dermsim.parameters") if _directory is None else _directory
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".toml"))


def cache(func: Callable) -> Callable:
    """`functools.lru_cache` for anything derived from parameter files; cleared with `load`'s cache.

    Use it instead of ``lru_cache`` in model code that precomputes from `load`, so `directory` takes effect.
    """
    cached = lru_cache(maxsize=None)(func)
    _caches.append(cached.cache_clear)
    return wraps(func)(cached)


def clear_caches() -> None:
    """Forget every loaded file and every `cache`-decorated result."""
    load.cache_clear()
    for clear in _caches:
        clear()


@contextmanager
def directory(path: str | os.PathLike):
    """Read parameter files from ``path`` instead of the packaged folder inside the block (tests, what-ifs).

    Caches are cleared on entry and on exit. Not thread-safe; blocks may nest.
    """
    global _directory
    previous = _directory
    _directory = Path(path)
    clear_caches()
    try:
        yield _directory
    finally:
        _directory = previous
        clear_caches()


def sources(table: Mapping, prefix: str = "") -> dict[str, str]:
    """Flatten a (Parameter)table into ``{"path.field": source}``."""
    out = {}
    for key, val in table.items():
        if isinstance(val, Parameter):
            out[f"{prefix}{key}"] = val.source
        elif isinstance(val, Mapping):
            if "source" in val and "value" in val:
                out[f"{prefix}{key}"] = val["source"]
            else:
                out.update(sources(val, f"{prefix}{key}."))
    return out
