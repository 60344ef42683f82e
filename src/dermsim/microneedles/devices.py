"""Microneedle devices: the packaged library (``parameters/devices.toml``) and user devices.

A `Device` holds the geometry that the insertion, density and risk models need, in kernel units
(cm, 1/h). Needles are modelled as cones from a tip of radius ``tip_radius`` to a base of diameter
``base_diameter`` over ``needle_length``. Pens have no fixed length: their needle length is the depth
setting chosen per treatment, inside ``needle_length_range``.

Kinds and how a pass is counted (see `dermsim.microneedles.density`):

* ``roller`` — a drum of ``drum_diameter`` × ``drum_width`` rolled once over the area;
* ``pen`` — ``stroke_frequency`` stamps of ``needle_count`` needles while moved at a hand speed over a
  swath of ``swath_width``;
* ``stamp`` / ``array`` — ``needle_count`` needles per application over ``array_area`` (or
  ``needle_count · pitch²`` for a square grid), the area tiled once per pass.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from dermsim import parameters
from dermsim.errors import InputError

KINDS = ("roller", "pen", "stamp", "array")
NEEDLE_TYPES = ("solid", "coated", "dissolving", "hydrogel-forming", "hollow")
#: Default application of each kind (named applications of `dermsim.microneedles.insertion`).
DEFAULT_APPLICATION = {"roller": "roller", "pen": "pen", "stamp": "hand-press", "array": "hand-press"}
#: Longest needle accepted, cm: device lengths in the checked range reach 3 mm (Gowda et al. 2021 J Clin Aesthet Dermatol 14:45);
#: 5 mm leaves margin and catches numbers given in the wrong unit.
MAX_NEEDLE_LENGTH = 0.5

_QUANTITIES = {  # field -> internal unit
    "needle_length": "cm", "needle_length_min": "cm", "needle_length_max": "cm", "base_diameter": "cm",
    "tip_radius": "cm", "drum_diameter": "cm", "drum_width": "cm", "array_area": "cm^2", "pitch": "cm",
    "stroke_frequency": "1/h", "stroke_frequency_min": "1/h", "stroke_frequency_max": "1/h",
    "swath_width": "cm"}
_INTEGERS = ("needle_count", "needle_rows")
_FLAGS = ("sterile", "single_use")
_TEXTS = ("name", "kind", "needle_type", "description", "material")
_REQUIRED = {
    "roller": ("needle_count", "needle_length", "base_diameter", "tip_radius", "drum_diameter", "drum_width"),
    "pen": ("needle_count", "needle_length_min", "needle_length_max", "base_diameter", "tip_radius",
            "stroke_frequency", "swath_width"),
    "stamp": ("needle_count", "needle_length", "base_diameter", "tip_radius"),
    "array": ("needle_count", "needle_length", "base_diameter", "tip_radius"),
}
SPEC_KEYS = _TEXTS + _INTEGERS + _FLAGS + tuple(_QUANTITIES)


@dataclass(frozen=True)
class Device:
    """A microneedle device.

    Parameters
    ----------
    name : library key or user name
    kind : "roller" | "pen" | "stamp" | "array"
    needle_type : "solid" | "coated" | "dissolving" | "hydrogel-forming" | "hollow"
    needle_count : needles on the drum, in the pen cartridge, or on the stamp/array (–)
    needle_length : cm, fixed nominal length; None for pens (length = depth setting)
    needle_length_range : (min, max) cm of the pen depth setting; None for fixed-length devices
    base_diameter : cm, needle diameter (width) at its base
    tip_radius : cm, radius of the needle tip
    material : text
    sterile : supplied sterile for this use
    single_use : labelled for one use
    drum_diameter, drum_width : cm, rollers only
    needle_rows : rows of needles on a roller drum (–), or None
    array_area : cm², area covered by one application (stamps, arrays)
    stroke_frequency : 1/h, pen strokes (default setting)
    stroke_frequency_range : (min, max) 1/h of the pen, or None
    swath_width : cm, width of skin a pen treats in one line
    description : text
    sources : (field, source) pairs
    """

    name: str
    kind: str
    needle_type: str
    needle_count: int
    base_diameter: float
    tip_radius: float
    needle_length: float | None = None
    needle_length_range: tuple[float, float] | None = None
    material: str = "unspecified"
    sterile: bool = False
    single_use: bool = False
    drum_diameter: float | None = None
    drum_width: float | None = None
    needle_rows: int | None = None
    array_area: float | None = None
    stroke_frequency: float | None = None
    stroke_frequency_range: tuple[float, float] | None = None
    swath_width: float | None = None
    description: str = ""
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def adjustable(self) -> bool:
        """True when the needle length is a per-treatment depth setting (pens)."""
        return self.needle_length is None

    @property
    def default_application(self) -> str:
        return DEFAULT_APPLICATION[self.kind]

    def source(self, field: str) -> str:
        return dict(self.sources).get(field, "")

    def nominal_length(self, depth_setting: float | None = None) -> float:
        """Needle length in cm used for a treatment.

        Parameters
        ----------
        depth_setting : cm, required for adjustable devices (pens), refused for fixed-length ones

        Raises
        ------
        InputError
            Missing, out-of-range or not-applicable depth setting.
        """
        if self.needle_length is not None:
            if depth_setting is not None:
                raise InputError("depth", f"{depth_setting * 1e4:g} um",
                                 f"no depth setting: {self.name} has fixed {self.needle_length * 10:g} mm needles "
                                 "(only pens are adjustable)")
            return self.needle_length
        lo, hi = self.needle_length_range
        allowed = f"a depth setting between {lo * 10:g} and {hi * 10:g} mm for {self.name}"
        if depth_setting is None:
            raise InputError("depth", None, allowed, problem=f"{self.name} is adjustable and needs a depth setting")
        if not lo * (1 - 1e-9) <= depth_setting <= hi * (1 + 1e-9):
            raise InputError("depth", f"{depth_setting * 10:g} mm", allowed)
        return float(depth_setting)

    def to_dict(self) -> dict[str, Any]:
        """Every field with its unit and source (JSON-able), for `dermsim devices show`."""
        out: dict[str, Any] = {}
        src = dict(self.sources)
        display = {"needle_length": ("mm", 10), "base_diameter": ("um", 1e4), "tip_radius": ("um", 1e4),
                   "drum_diameter": ("cm", 1), "drum_width": ("cm", 1), "array_area": ("cm^2", 1),
                   "stroke_frequency": ("Hz", 1 / 3600), "swath_width": ("cm", 1)}
        for f in fields(self):
            if f.name == "sources":
                continue
            val = getattr(self, f.name)
            if val is None:
                continue
            entry: dict[str, Any]
            if f.name in display:
                unit, scale = display[f.name]
                entry = {"value": round(val * scale, 9), "unit": unit}
            elif f.name == "needle_length_range":
                entry = {"value": [round(v * 10, 9) for v in val], "unit": "mm",
                         "source": _joined(src, "needle_length_min", "needle_length_max")}
            elif f.name == "stroke_frequency_range":
                entry = {"value": [round(v / 3600, 9) for v in val], "unit": "Hz",
                         "source": _joined(src, "stroke_frequency_min", "stroke_frequency_max")}
            else:
                entry = {"value": val, "unit": ""}
            if f.name in src:
                entry["source"] = src[f.name]
            out[f.name] = entry
        return out


def _joined(sources: dict[str, str], *keys: str) -> str:
    texts = [sources[k] for k in keys if sources.get(k)]
    return " | ".join(dict.fromkeys(texts))


def _check_choice(field: str, value: Any, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InputError(f"device.{field}", value, f"one of {', '.join(choices)}", choices=choices)
    return value


def _integer(field: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"device.{field}", value, "a positive whole number")
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"device.{field}", value, "a positive whole number") from None
    if not (number >= 1 and number == int(number)):
        raise InputError(f"device.{field}", value, "a positive whole number")
    return int(number)


def _flag(field: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes", "false", "no"):
        return value.lower() in ("true", "yes")
    raise InputError(f"device.{field}", value, "true or false")


def device_from_spec(spec: dict[str, Any], *, sources: dict[str, str] | None = None) -> Device:
    """Build and validate a `Device` from a plain dict (a user's device, or a library entry).

    Parameters
    ----------
    spec : dict
        ``name``, ``kind``, ``needle_type`` and the geometry of that kind, quantities as strings with
        units ("600 um", "1 cm^2", "90 Hz") or bare numbers in the internal unit (cm, cm², 1/h).
        Rollers need ``needle_count, needle_length, base_diameter, tip_radius, drum_diameter, drum_width``
        (``needle_rows`` optional); pens ``needle_count, needle_length_min, needle_length_max,
        base_diameter, tip_radius, stroke_frequency, swath_width`` (``stroke_frequency_min/max``
        optional); stamps and arrays ``needle_count, needle_length, base_diameter, tip_radius`` and
        ``array_area`` or ``pitch``. Optional everywhere: ``material``, ``description``, ``sterile``
        and ``single_use`` (both default to false: a device of unknown status is treated as
        non-sterile and reusable).
    sources : field -> source text (library entries); user devices get "user device".

    Raises
    ------
    InputError
        Unknown keys (with close matches), missing fields, non-positive or implausible values
        (needles longer than 5 mm, tip radius above half the base diameter, a pitch narrower than the
        needle base).
    """
    from dermsim.units import to_positive

    if not isinstance(spec, dict):
        raise InputError("device", spec, "a table of device fields")
    for key in spec:
        if key not in SPEC_KEYS:
            raise InputError("device", key, f"device fields: {', '.join(SPEC_KEYS)}", choices=SPEC_KEYS,
                             problem=f"unknown field {key!r}")
    name = spec.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError("device.name", name, "a non-empty name")
    kind = _check_choice("kind", spec.get("kind"), KINDS)
    needle_type = _check_choice("needle_type", spec.get("needle_type", "solid"), NEEDLE_TYPES)
    required = _REQUIRED[kind]
    if kind in ("stamp", "array") and "pitch" not in spec:
        required += ("array_area",)
    missing = [k for k in required if k not in spec]
    if missing:
        raise InputError(f"device.{missing[0]}", None, f"a value (a {kind} needs {', '.join(required)})",
                         problem=f"{name}: missing {', '.join(missing)}")
    q = {k: to_positive(v, f"device.{k}", _QUANTITIES[k]) for k, v in spec.items() if k in _QUANTITIES}
    ints = {k: _integer(k, spec[k]) for k in _INTEGERS if k in spec}
    flags = {k: _flag(k, spec[k]) for k in _FLAGS if k in spec}
    for key in ("needle_length", "needle_length_min", "needle_length_max"):
        if key in q and q[key] > MAX_NEEDLE_LENGTH:
            raise InputError(f"device.{key}", spec[key], f"at most {MAX_NEEDLE_LENGTH * 10:g} mm (microneedles)")
    if q["tip_radius"] > q["base_diameter"] / 2:
        raise InputError("device.tip_radius", spec["tip_radius"], "at most half the base diameter")
    length_range = None
    if kind == "pen":
        if q["needle_length_min"] > q["needle_length_max"]:
            raise InputError("device.needle_length_min", spec["needle_length_min"], "at most needle_length_max")
        length_range = (q["needle_length_min"], q["needle_length_max"])
        if "needle_length" in q:
            raise InputError("device.needle_length", spec["needle_length"],
                             "no fixed length for a pen: give needle_length_min and needle_length_max")
    freq_range = None
    if "stroke_frequency_min" in q or "stroke_frequency_max" in q:
        lo = q.get("stroke_frequency_min", q.get("stroke_frequency"))
        hi = q.get("stroke_frequency_max", q.get("stroke_frequency"))
        if lo is None or hi is None or lo > hi:
            raise InputError("device.stroke_frequency_min", spec.get("stroke_frequency_min"),
                             "a range with min <= max around stroke_frequency")
        freq_range = (lo, hi)
    area = q.get("array_area")
    if kind in ("stamp", "array") and area is None:
        area = ints["needle_count"] * q["pitch"] ** 2
    if "pitch" in q and q["pitch"] < q["base_diameter"]:
        raise InputError("device.pitch", spec["pitch"], "at least the needle base diameter")
    if kind in ("stamp", "array") and ints["needle_count"] * q["base_diameter"] ** 2 > area:
        raise InputError("device.array_area", spec.get("array_area", spec.get("pitch")),
                         "large enough to hold the needles' bases")
    if sources is None:
        srcs = tuple((k, "user device") for k in spec if k not in ("name", "kind", "description"))
    else:
        srcs = tuple(sources.items())
    return Device(name=name.strip(), kind=kind, needle_type=needle_type, needle_count=ints["needle_count"],
                  base_diameter=q["base_diameter"], tip_radius=q["tip_radius"], needle_length=q.get("needle_length"),
                  needle_length_range=length_range, material=str(spec.get("material", "unspecified")),
                  sterile=flags.get("sterile", False), single_use=flags.get("single_use", False),
                  drum_diameter=q.get("drum_diameter"), drum_width=q.get("drum_width"),
                  needle_rows=ints.get("needle_rows"), array_area=area if kind in ("stamp", "array") else None,
                  stroke_frequency=q.get("stroke_frequency"), stroke_frequency_range=freq_range,
                  swath_width=q.get("swath_width"), description=str(spec.get("description", "")), sources=srcs)


def _spec_from_entry(name: str, entry) -> tuple[dict[str, Any], dict[str, str]]:
    """Device spec of a ``devices.toml`` table: quantities as numbers in their internal unit (`_QUANTITIES`)."""
    spec: dict[str, Any] = {"name": name}
    srcs: dict[str, str] = {}
    for key, item in entry.items():
        if isinstance(item, parameters.Parameter):
            spec[key] = item.to(_QUANTITIES[key]) if key in _QUANTITIES else item.value
            srcs[key] = item.source
        else:
            spec[key] = item
    return spec, srcs


@parameters.cache
def _library() -> dict[str, Device]:
    library = {}
    for name, entry in parameters.load("devices").items():
        spec, srcs = _spec_from_entry(name, entry)
        library[name] = device_from_spec(spec, sources=srcs)
    return library


def list_devices() -> list[Device]:
    """All library devices, in library order (rollers, pens, stamps, arrays)."""
    return list(_library().values())


def get_device(name: str) -> Device:
    """Look up a library device by name (case-insensitive).

    Raises
    ------
    InputError
        Unknown name; the message gives the closest library names.
    """
    library = _library()
    if isinstance(name, str) and name.strip().lower() in library:
        return library[name.strip().lower()]
    raise InputError("device", name, "a library device (see `dermsim devices list`)", choices=list(library))
