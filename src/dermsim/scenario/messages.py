"""Pydantic validation errors as one-line `InputError` messages (field, value, what is allowed)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from dermsim.errors import InputError, suggestions


#: Names pydantic puts into an error location for the branch of a union or a validator (not field names).
_TYPE_TAGS = ("float", "str", "int", "bool", "dict", "list", "tuple", "none", "is-instance")


def _count(n, one: str, many: str) -> str:
    """'1 entry', '0 entries', '3 entries'."""
    return f"{n} {one if n == 1 else many}"


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


def _numeric_range(model: type[BaseModel], loc: tuple) -> str | None:
    """The declared bounds of the number field at ``loc`` in words ("a number from 1e-10 to 1e+10"), or None."""
    current: Any = model
    field = None
    for part in loc:
        if isinstance(part, int) or _is_type_tag(str(part)):
            continue
        if current is None or str(part) not in current.model_fields:
            return None
        field = current.model_fields[str(part)]
        models = _models_of(field.annotation)
        current = models[0] if models else None
    if field is None:
        return None
    low = high = None
    strict_low = strict_high = False
    for meta in field.metadata:
        for name in ("ge", "gt", "le", "lt"):
            value = getattr(meta, name, None)
            if value is None:
                continue
            if name in ("ge", "gt"):
                low, strict_low = value, name == "gt"
            else:
                high, strict_high = value, name == "lt"
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        return f"a number from {low:g}{' (excluded)' if strict_low else ''} to {high:g}" \
               f"{' (excluded)' if strict_high else ''}"
    return f"a number {'>' if strict_low else '≥'} {low:g}" if low is not None else \
        f"a number {'<' if strict_high else '≤'} {high:g}"


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


def _models_of(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models inside a field's annotation (``X | None``, ``list[X]``, unions)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _models_of(arg)]


def schema_paths(model: type[BaseModel], prefix: str = "", depth: int = 0) -> list[str]:
    """Every key and table of a scenario schema as a dotted path ("simulation.duration", "skin.layers.name")."""
    out: list[str] = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        out.append(path)
        if depth < 4:
            for sub in _models_of(field.annotation):
                out += [p for p in schema_paths(sub, path + ".", depth + 1) if p not in out]
    return out


def _unknown_key(loc: str, key: str, keys: list[str], model: type[BaseModel]) -> InputError:
    """An unknown key or table: did-you-mean over the keys of its table, else over every key and table of the
    schema (case-insensitive: ``pH`` → ``ph``, ``[formulaton]`` → ``formulation``, a top-level ``duration`` →
    ``simulation.duration``)."""
    allowed = f"keys {', '.join(keys)}" if keys else "no further keys here"
    last: dict[str, str] = {}
    for path in schema_paths(model):
        last.setdefault(path.rsplit(".", 1)[-1].lower(), path)
    local = {k.lower() for k in keys}
    lower = key.strip().lower()
    if lower in local:                             # the same key but for case
        close = suggestions(key, keys)
    elif lower in last:                            # a key of another table: name its place
        close = [last[lower]]
    else:
        close = suggestions(key, keys) or [last[name] for name in suggestions(key, last)]
    hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
    return InputError(loc, key, allowed + hint, problem="unknown key")


def input_error_from(exc: ValidationError, model: type[BaseModel]) -> InputError:
    """The first pydantic error as a one-line `InputError` (field, value, what is allowed); an unknown key is
    named before anything it makes look missing (``[formulaton]`` is the error, not a missing ``formulation``)."""
    errors = exc.errors()
    err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc = _location(err["loc"])
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        key = str(err["loc"][-1])
        return _unknown_key(loc, key, _allowed_keys(model, err["loc"]), model)
    if err["type"] in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bounds = _numeric_range(model, err["loc"])
        if bounds is not None:
            return InputError(loc, value, bounds)
    if err["type"] in ("too_short", "too_long"):
        ctx = err.get("ctx", {})
        limit = ctx.get("min_length") if err["type"] == "too_short" else ctx.get("max_length")
        bound = f"{'at least' if err['type'] == 'too_short' else 'at most'} {_count(limit, 'entry', 'entries')}"
        return InputError(loc, None, bound, problem=(_count(len(value), "entry", "entries")
                                                      if hasattr(value, "__len__") else "? entries"))
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
