"""One Scenario for every kind of run, from a TOML file, a dictionary or Python.

A scenario is one of (a union discriminated by ``kind``):

* ``"permeation"`` — `PermeationScenario`: a compound in a formulation on skin, with or without a
  microneedle treatment (``[microneedle]``);
* ``"tissue"`` — `TissueScenario`: the spatial epidermis with perturbations (``[tissue]``, ``[[perturbation]]``);
* ``"clones"`` — `ClonesScenario`: labelled basal clones (``[clones]``).

Files need not name their kind: a ``[tissue]`` table or ``[[perturbation]]`` entries make a tissue scenario,
a ``[clones]`` table a clones scenario, anything else a permeation scenario. Quantities are parsed here,
once, into kernel units (`dermsim.scenario.quantities`); errors are one line naming the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Union

from pydantic import Field, ValidationError

from dermsim.errors import InputError
from dermsim.scenario.clones import ClonesScenario
from dermsim.scenario.messages import input_error_from
from dermsim.scenario.permeation import PermeationScenario

if TYPE_CHECKING:
    from dermsim.epidermis.tissue_spec import TissueScenario

__all__ = ["Scenario", "PermeationScenario", "TissueScenario", "ClonesScenario", "KINDS", "load_scenario",
           "scenario_from_dict", "scenario_kind"]

KINDS = ("permeation", "tissue", "clones", "protocol")
#: Tables only a permeation scenario has (they decide the kind of a file without a ``kind`` key).
PERMEATION_TABLES = ("compound", "formulation", "receptor", "transport", "microneedle")


def _model(kind: str):
    if kind == "permeation":
        return PermeationScenario
    if kind == "clones":
        return ClonesScenario
    if kind == "protocol":
        from dermsim.scenario.protocol import ProtocolScenario

        return ProtocolScenario
    from dermsim.epidermis.tissue_spec import TissueScenario

    return TissueScenario


def __getattr__(name: str):
    if name == "TissueScenario":
        return _model("tissue")
    if name == "Scenario":
        return Annotated[Union[PermeationScenario, _model("tissue"), ClonesScenario], Field(discriminator="kind")]
    raise AttributeError(f"module 'dermsim.scenario' has no attribute {name!r}")


def scenario_kind(data: dict, default: str = "permeation") -> str:
    """The kind of a scenario given as nested dictionaries: its ``kind`` key, else inferred from its tables
    (``default`` when no table tells, e.g. an empty file)."""
    kind = data.get("kind")
    if kind is not None:
        if kind not in KINDS:
            raise InputError("kind", kind, " | ".join(KINDS), choices=KINDS)
        return kind
    if "tissue" in data or "perturbation" in data:
        return "tissue"
    if "clones" in data:
        return "clones"
    if "protocol" in data:
        return "protocol"
    if any(table in data for table in PERMEATION_TABLES):
        return "permeation"
    return default


#: Deepest nesting of tables and arrays a scenario has (a vehicle's receptor fluid table in a list is 4 deep).
MAX_DEPTH = 8


def _depth(value, level: int = 0) -> int:
    """Nesting depth of dicts and lists, stopping just past `MAX_DEPTH` (no recursion limit is reached)."""
    if level > MAX_DEPTH or not isinstance(value, dict | list | tuple):
        return level
    items = value.values() if isinstance(value, dict) else value
    return max((_depth(v, level + 1) for v in items), default=level)


def scenario_from_dict(data: dict, default_kind: str = "permeation"):
    """Validate a scenario given as nested dictionaries (e.g. parsed TOML); returns the model of its kind
    (``default_kind`` when neither a ``kind`` key nor the tables tell)."""
    if not isinstance(data, dict):
        raise InputError("scenario", type(data).__name__, "a table of tables (TOML document or dict)")
    if _depth(data) > MAX_DEPTH:
        raise InputError("scenario", "a table", f"tables nested at most {MAX_DEPTH} levels deep",
                         problem="nested too deeply")
    kind = scenario_kind(data, default_kind)
    if kind == "tissue":
        from dermsim.epidermis.tissue_spec import tissue_scenario_from_dict

        return tissue_scenario_from_dict(data)
    model = _model(kind)
    try:
        scenario = model.model_validate(data)
    except ValidationError as exc:
        raise input_error_from(exc, model) from None
    if kind == "clones":
        from dermsim.epidermis.clone_scenario import check_clones_scenario

        check_clones_scenario(scenario)
    return scenario


def load_scenario(path: str | Path, default_kind: str = "permeation"):
    """Read and validate a scenario TOML file of any kind (``default_kind`` for a file whose tables do not
    tell, e.g. an empty one)."""
    import tomllib

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError("scenario file", str(path), f"a readable UTF-8 TOML file ({exc.__class__.__name__})") from None
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise InputError("scenario file", str(path), "UTF-8 without a byte-order mark (save it as 'UTF-8', not "
                         "'UTF-8 with BOM' or UTF-16)", problem=f"{str(path)!r} starts with a byte-order mark (BOM)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("scenario file", str(path), f"a readable UTF-8 TOML file ({exc.__class__.__name__})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError("scenario file", str(path), f"valid TOML ({exc})") from None
    except RecursionError:
        raise InputError("scenario file", str(path), "TOML nested a few levels deep (a scenario is tables of "
                         "values)", problem="nested too deeply to read") from None
    return scenario_from_dict(data, default_kind)
