"""Scenarios for studies: change a field and get a new validated scenario; write a scenario back as TOML with units.

A validated scenario holds numbers in kernel units (`dermsim.units.KERNEL_UNITS`), so its ``model_dump()`` has
bare numbers. `scenario_data` gives the same content with units ("24.0 h", "0.0015 cm", "5 %"), which
`dermsim.scenario.scenario_from_dict` reads back to an equal scenario; every change goes through that reader,
so a changed scenario gets exactly the checks and one-line messages of a TOML file::

    s = load_scenario("examples/niacinamide_serum_face.toml")
    s2 = s.replace({"formulation.concentration": "2 %", "simulation.duration": "48 h"})
    Path("two_percent.toml").write_text(s2.to_toml())        # load_scenario(...) == s2

``model_copy(update=...)`` validates the same way (it never leaves a string where a number belongs).
"""

from __future__ import annotations

import inspect
import json
import math
import re
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ValidationError


# --------------------------------------------------------------------------------------------------------------
# the unit of a field

def _validator_unit(func) -> str | None:
    """Kernel unit a quantity validator of `dermsim.scenario.quantities` parses into (None: not a quantity)."""
    from dermsim.scenario.quantities import Clock, Hours

    if func in (get_args(Clock)[1].func, get_args(Hours)[1].func):
        return "h"
    unit = getattr(func, "kernel_unit", None)
    if unit is None and func.__closure__:
        unit = inspect.getclosurevars(func).nonlocals.get("unit")
    return unit if isinstance(unit, str) else None


def _unit(annotation: Any, metadata: list = ()) -> str | None:
    """Kernel unit of a field from its metadata or (inside ``X | None``, ``list[X]``) its annotation."""
    for meta in metadata:
        if isinstance(meta, BeforeValidator) and (unit := _validator_unit(meta.func)):
            return unit
    if get_origin(annotation) is Annotated:
        base, *meta = get_args(annotation)
        return _unit(base, meta)
    for arg in get_args(annotation):
        if (unit := _unit(arg)) is not None:
            return unit
    return None


def field_units(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> kernel unit of every quantity field of ``model`` (its tables not included)."""
    return {name: unit for name, field in model.model_fields.items()
            if (unit := _unit(field.annotation, field.metadata)) is not None}


# --------------------------------------------------------------------------------------------------------------
# scenario -> data with units -> TOML

def _with_unit(value: Any, unit: str | None) -> Any:
    if isinstance(value, float) and unit is not None:
        return f"{value!r} {unit}"
    if isinstance(value, list | tuple):
        return [_with_unit(v, unit) for v in value]
    return value


def _plain(value: Any) -> Any:
    """A field value as TOML-ready data (tables as dicts, stated concentrations/doses as their text)."""
    from dermsim.formulation.concentration import StatedConcentration, StatedDose

    if isinstance(value, BaseModel):
        return scenario_data(value)
    if isinstance(value, StatedConcentration | StatedDose):
        return value.text if value.text else {"value": value.value, "basis": value.basis, "text": value.text}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def scenario_data(spec: BaseModel, *, defaults: bool = False) -> dict:
    """A scenario (or one of its tables) as nested dicts with units on every quantity; fields equal to their
    default are left out unless ``defaults``. `dermsim.scenario.scenario_from_dict` reads it back."""
    units = field_units(type(spec))
    out: dict[str, Any] = {}
    for name, field in type(spec).model_fields.items():
        value = getattr(spec, name)
        if name == "kind" or (defaults and value is not None):
            pass
        elif value is None or (not field.is_required() and value == field.get_default(call_default_factory=True)):
            continue
        out[name] = _with_unit(_plain(value), units.get(name))
    return out


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ("nan" if value != value else ("inf" if value > 0 else "-inf"))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _table(data: dict, path: list[str], lines: list[str]) -> None:
    for key, value in data.items():
        if not (isinstance(value, dict) and value) and not _is_table_array(value):
            lines.append(f"{_key(key)} = {_scalar(value)}")
    for key, value in data.items():
        name = ".".join(_key(p) for p in [*path, key])
        if isinstance(value, dict) and value:
            lines += ["", f"[{name}]"]
            _table(value, [*path, key], lines)
        elif _is_table_array(value):
            for entry in value:
                lines += ["", f"[[{name}]]"]
                _table(entry, [*path, key], lines)


def to_toml(scenario: BaseModel) -> str:
    """The scenario as a TOML document with units; ``load_scenario`` of it gives an equal scenario."""
    lines: list[str] = []
    _table(scenario_data(scenario), [], lines)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------------
# changes, validated

def _set(data: dict, path: str, value: Any) -> None:
    """Set ``data[a][b]…`` for the dotted ``path`` "a.b…" (a number indexes a list; None removes the key)."""
    from dermsim.errors import InputError

    parts = path.split(".")
    node: Any = data
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        where = ".".join(parts[:i + 1])
        if isinstance(node, list):
            if not (part.isdigit() and int(part) < len(node)):
                raise InputError(where, part, f"an index 0–{len(node) - 1} of the {len(node)} entries")
            part = int(part)
        elif not isinstance(node, dict):
            raise InputError(".".join(parts[:i]), node, "a table (no keys below a value)")
        if last:
            if value is None:
                if isinstance(node, dict):
                    node.pop(part, None)
                else:
                    node.pop(part)
            else:
                node[part] = value
        else:
            if isinstance(node, dict) and node.get(part) is None:
                node[part] = {}
            node = node[part]


def replace(scenario: BaseModel, changes: dict[str, Any]):
    """A new scenario with ``changes`` applied: dotted field paths ("formulation.concentration", "skin.site",
    "perturbation.0.time") mapped to values as a TOML file would give them ("2 %", "48 h"; None goes back to
    the default). Validated as a scenario file is: bad values raise the same one-line `InputError`."""
    from dermsim.scenario import scenario_from_dict

    data = scenario_data(scenario)
    for path, value in changes.items():
        _set(data, path, _plain(value))
    return scenario_from_dict(data, default_kind=scenario.kind)


class ValidatedCopy:
    """Mixin of every scenario table: ``model_copy(update=...)`` validates the update (pydantic's does not)."""

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False):
        """A copy; with ``update`` ({field: value with units}) a new validated table (`InputError` if invalid)."""
        if not update:
            return super().model_copy(deep=deep)
        from dermsim.scenario.messages import input_error_from

        data = scenario_data(self)
        data.update({key: _plain(value) for key, value in update.items()})
        try:
            return type(self).model_validate(data)
        except ValidationError as exc:
            raise input_error_from(exc, type(self)) from None


class ScenarioMethods(ValidatedCopy):
    """Mixin of the scenario kinds: `replace`, `to_toml`, `to_dict` (data with units)."""

    def replace(self, changes: dict[str, Any] | None = None, /, **fields: Any):
        """A new validated scenario with ``changes`` ({"formulation.concentration": "2 %"}) applied; see
        `dermsim.scenario.edit.replace`. Keyword arguments change top-level fields (``title="..."``)."""
        return replace(self, {**(changes or {}), **fields})

    def model_copy(self, *, update: dict[str, Any] | None = None, deep: bool = False):
        """A copy; with ``update`` the same as `replace` (validated like a scenario file)."""
        return replace(self, update) if update else super().model_copy(deep=deep)

    def to_dict(self, *, defaults: bool = False) -> dict:
        """The scenario as nested dicts with units (``model_dump()`` gives bare kernel-unit numbers)."""
        return scenario_data(self, defaults=defaults)

    def to_toml(self) -> str:
        """The scenario as TOML with units; ``load_scenario`` of the file gives an equal scenario."""
        return to_toml(self)
