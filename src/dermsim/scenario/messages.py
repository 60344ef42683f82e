"""Pydantic validation errors as one-line `InputError` messages (field, value, what is allowed)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from dermsim.errors import InputError


#: Names pydantic puts into an error location for the branch of a union or a validator (not field names).
_TYPE_TAGS = ("float", "str", "int", "bool", "dict", "list", "tuple", "none", "is-instance")


def _is_type_tag(part: str) -> bool:
    return part in _TYPE_TAGS or part.startswith(("function-", "literal[")) or "[" in part


def _location(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _is_type_tag(str(part)):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(str(part))
        if field is None:
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        current = next((a for a in (ann, *args) if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if current is None:
            inner = [getattr(a, "__args__", ()) for a in args]
            current = next((b for group in inner for b in group
                            if isinstance(b, type) and issubclass(b, BaseModel)), None)
    return list(current.model_fields) if current is not None else []


def input_error_from(exc: ValidationError, model: type[BaseModel]) -> InputError:
    """The first pydantic error as a one-line `InputError` (field, value, what is allowed)."""
    errors = exc.errors()
    err = errors[0]
    loc = _location(err["loc"])
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1])
        keys = _allowed_keys(model, err["loc"])
        return InputError(loc, key, f"keys {', '.join(keys)}" if keys else "no further keys here",
                          choices=keys, problem="unknown key")
    if err["type"] == "missing":
        return InputError(loc, None, "a value is required", problem="missing")
    # a union (e.g. "infinite" or a quantity) reports one error per branch: join them
    allowed = []
    for e in errors:
        if _location(e["loc"]) == loc:
            msg = e["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
            if msg not in allowed:
                allowed.append(msg)
    if isinstance(value, dict):
        value = "a table"
    return InputError(loc or "scenario", value, " or ".join(allowed))
