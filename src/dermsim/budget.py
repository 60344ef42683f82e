"""Memory and time of a run, estimated from its sizes before anything is allocated.

`check_budget(scenario)` is called by `dermsim.simulate` before a runner starts: a run whose estimate exceeds the
memory the machine has available (``MemAvailable`` of /proc/meminfo), or a lower ``max_memory`` (``--max-memory
"2 GB"``), or an optional ``max_time``, is refused with one `InputError` line naming the figure and the knob to
turn. The estimates are upper bounds of the arrays each model allocates (sizes × bytes, counted from the
scenario alone, without building anything), calibrated against measured peaks; they are not profiles.

Sizes that enter: permeation — output times × grid cells (× the grid cells again for the dense eigenvectors of
the exact solver, which `auto` uses only up to `EXACT_MAX_NODES` cells); microneedles — output times × the cells
of the 2D channel cell and its banded factor; tissue — lattice sites × time steps, snapshots and the footprint of
each perturbation; clones — clones × output times and the expected number of divisions.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from dermsim.errors import InputError

#: Largest 1D grid the ``auto`` solver hands to the exact (dense eigenvector) solver; larger stacks go to TR-BDF2,
#: whose banded factorisation needs memory and time linear in the grid (4000 cells: 128 MB of eigenvectors).
EXACT_MAX_NODES = 4000
#: Memory of the interpreter with numpy, scipy, xarray and numba loaded, bytes (measured peak of a tiny run).
BASE_MEMORY = 300e6
#: Finite volumes per region of the 1D skin at resolution 1 (`dermsim.permeation.setup.CELLS`: SC, viable
#: epidermis, basal layer, dermis) and of an explicit layer.
_SKIN_CELLS = 40 + 12 + 6 + 24
_LAYER_CELLS = 30
#: Radial cells of the 2D channel cell at resolution 1 (`dermsim.microneedles.channel_cell`: 8 inside the channel,
#: 24 outside) and extra rows for the channel's breaks.
_RADIAL_CELLS = 32
_EXTRA_ROWS = 20
#: Bytes per lattice site of the tissue model (site arrays, columns, region bookkeeping; measured 50, kept 4×).
_BYTES_PER_SITE = 200
#: Basal cell spacing assumed when the scenario gives none, um (presets derive 6.1 um from 27,000 basal cells per
#: mm²; 5 um keeps the footprint estimate an upper bound).
_CELL_SPACING_UM = 5.0
#: Seconds per lattice site and time step (benchmarks/epidermis_tissue.py: ~3 ns; kept at 5 for small lattices).
_SECONDS_PER_SITE_STEP = 5e-9
#: Seconds per clone division (numpy direct method; measured 0.8-1.8 us, kept at 2).
_SECONDS_PER_DIVISION = 2e-6
_UNITS = {"": 1.0, "b": 1.0, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2.0**10, "mib": 2.0**20,
          "gib": 2.0**30, "tib": 2.0**40}


@dataclass(frozen=True)
class Estimate:
    """Peak memory (bytes) and compute time (s) of a run; ``sizes`` says what makes them, ``knob`` what lowers them."""

    memory: float
    seconds: float
    sizes: str
    knob: str


def available_memory() -> float | None:
    """Bytes the kernel says can be allocated without swapping (``MemAvailable``), or None where unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except (OSError, ValueError, IndexError):
        return None
    return None


def parse_memory(text: str | float | None, field: str = "--max-memory") -> float | None:
    """A memory size such as "2 GB", "500 MB", "1.5 GiB" (bytes for a bare number) in bytes; None stays None."""
    if text is None:
        return None
    match = re.fullmatch(r"\s*([0-9.]+(?:[eE][+-]?[0-9]+)?)\s*([A-Za-z]*)\s*", str(text))
    unit = match.group(2).lower() if match else ""
    try:
        value = float(match.group(1)) * _UNITS[unit] if match else math.nan
    except (KeyError, ValueError):
        value = math.nan
    if not (math.isfinite(value) and 1e6 <= value <= 1e15):
        raise InputError(field, text, "a memory size from 1 MB to 1 PB, such as '2 GB' or '500 MB'")
    return value


def parse_seconds(text: str | float | None, field: str = "--max-time") -> float | None:
    """A time limit such as "30 s", "10 min", "2 h" in seconds; None stays None."""
    if text is None:
        return None
    from dermsim.units import to_internal

    try:
        hours = to_internal(text, field, "h") if isinstance(text, str) else math.nan
    except InputError:
        hours = math.nan
    if not (math.isfinite(hours) and hours > 0):
        raise InputError(field, text, "a time > 0 with its unit, such as '30 s', '10 min' or '2 h'")
    return hours * 3600.0


def _size(x: float) -> str:
    for unit, factor in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if x >= factor:
            return f"{x / factor:.3g} {unit}"
    return f"{x / 1e6:.2g} MB"


def _duration(seconds: float) -> str:
    for unit, factor in (("days", 86400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= factor:
            return f"{seconds / factor:.3g} {unit}"
    return f"{seconds:.2g} s"


# --------------------------------------------------------------------------------------------------------------
# estimates per kind

def _output_count(duration: float, interval: float | None, extra: int = 0) -> float:
    """Output times of a run of ``duration`` every ``interval`` (default 240 intervals), as a float (may be huge)."""
    step = interval or duration / 240.0
    return max(2.0, math.ceil(duration / step - 1e-9) + 1.0) + extra


def _permeation(s) -> Estimate:
    sim = s.simulation
    n_t = _output_count(sim.duration, sim.output_interval, len(sim.profile_times or ()))
    res = sim.resolution
    if s.skin.layers:
        n = sum(max(3, round(_LAYER_CELLS * res)) for _ in s.skin.layers) + 2
    else:
        n = _SKIN_CELLS * res + 2
    if s.microneedle is not None:                      # the 2D channel cell: rows × radial cells, banded factor
        n_r = max(4, round(_RADIAL_CELLS * res))
        n_2d = (n + _EXTRA_ROWS * res) * n_r
        memory = 8.0 * (2 * n_2d * (n_r + 1) + 4 * n_2d * n_t + 12 * n * n_t)
        steps = n_t + 600
        seconds = steps * n_2d * (n_r + 1) * 4e-9 * 2
        return Estimate(memory, seconds, f"{n_t:.3g} output times × {n_2d:.3g} cells of the 2D channel cell",
                        "a longer simulation.output_interval or a lower simulation.resolution")
    if sim.solver == "exact" and n > EXACT_MAX_NODES:
        raise InputError("simulation.solver", "exact", f"'auto' or 'tr-bdf2' for {n:.0f} grid cells (the exact solver "
                         f"holds dense eigenvectors: at most {EXACT_MAX_NODES} cells)")
    exact = sim.solver == "exact" or (sim.solver == "auto" and n <= EXACT_MAX_NODES
                                      and not (s.formulation.dose != "infinite" and s.formulation.vehicle_physics))
    memory = 8.0 * 12 * n * n_t
    seconds = (n_t + 600) * n * 5e-8
    sizes = f"{n_t:.3g} output times × {n:.3g} grid cells"
    if exact:
        memory += 8.0 * 3 * n * n
        seconds += 4 * n * n * n_t * 1e-9 + n * n * 1e-8
        sizes += " (dense eigenvectors of the exact solver)"
    knob = "a longer simulation.output_interval" + (" or solver = 'tr-bdf2'" if exact else "")
    if res > 1:
        knob += " or a lower simulation.resolution"
    return Estimate(memory, seconds, sizes, knob)


def _tissue(s) -> Estimate:
    t = s.tissue
    ny, nx = t.lattice_size
    sites = float(ny) * nx
    steps = max(1.0, round(t.duration / t.time_step))
    frames = _output_count(t.duration, t.output_interval)
    snapshots = t.clone_snapshots + len(t.snapshot_times or ())
    memory = sites * (_BYTES_PER_SITE + 8 * snapshots) + frames * (64 * 8 + 8 * nx * 4) + 16 * steps
    spacing = t.cell_spacing or _CELL_SPACING_UM
    footprint = 0.0
    for p in s.perturbation:                           # disc offsets and the sites they cover (int64, several copies)
        radius = getattr(p, "radius", None) if getattr(p, "pattern", "patch") == "patch" else None
        if getattr(p, "kind", "") == "microneedle" and p.diameter is not None:
            channels = p.density * sites * (spacing * 1e-4) ** 2
            disc = math.pi * (p.diameter / 2 / spacing + 1) ** 2
            footprint += 24.0 * channels * disc + 32.0 * (p.diameter / spacing + 3) ** 2
        elif radius is not None:
            footprint += 32.0 * (2 * radius / spacing + 3) ** 2
    memory += footprint
    seconds = sites * steps * _SECONDS_PER_SITE_STEP
    return Estimate(memory, seconds, f"{ny} × {nx} lattice sites × {steps:.3g} time steps",
                    "a smaller tissue.lattice_size, a longer tissue.time_step or a shorter tissue.duration"
                    + (" (or a smaller perturbation)" if footprint > sites * _BYTES_PER_SITE else ""))


def _clones(s) -> Estimate:
    from dermsim.epidermis.clone_scenario import clone_rates
    from dermsim.epidermis.clones import run_memory

    c = s.clones
    if c.times is not None:
        n_t, end = float(len(c.times)), max(c.times)
    else:
        end = c.end
        n_t = _output_count(end, c.output_every) if c.output_every is not None else 53.0
    rates = clone_rates(s)
    speed = sum(float(getattr(rates, k, 0.0) or 0.0) for k in ("division_rate", "stem_division_rate",
                                                                 "stratification_rate"))
    memory = run_memory(c.clones, int(min(n_t, 1e12)), c.per_clone)
    seconds = c.clones * end * speed * _SECONDS_PER_DIVISION
    return Estimate(memory, seconds, f"{c.clones} clones × {n_t:.3g} output times over {end:.3g} week",
                    "fewer clones (--clones), fewer output times or a shorter duration")


#: Seconds of one permeation run of a protocol's product (a finite dose with a drying vehicle, or with needles:
#: 20-150 ms on the 2-core machine, benchmarks/protocol.py), and bytes per protocol day and per event.
_PROTOCOL_RUN_SECONDS, _PROTOCOL_DAY_BYTES, _PROTOCOL_EVENT_BYTES = 0.15, 2e3, 2e3


def _protocol(s) -> Estimate:
    """Distinct product runs (each product on intact skin and after each session table) and the event tables."""
    p = s.protocol
    days = p.duration / 24.0
    runs = len(p.applications) * (1 + 2 * len(p.sessions))
    events = days * 24 * len(p.applications) + days * len(p.sessions)      # at most hourly applications, daily sessions
    return Estimate(days * _PROTOCOL_DAY_BYTES + events * _PROTOCOL_EVENT_BYTES, runs * _PROTOCOL_RUN_SECONDS,
                    f"{len(p.applications)} products × {len(p.sessions)} session tables over {days:.3g} days",
                    "fewer products or session tables, or a shorter duration")


_ESTIMATES = {"permeation": _permeation, "tissue": _tissue, "clones": _clones, "protocol": _protocol}


def estimate(scenario) -> Estimate:
    """Peak memory and compute time of ``scenario`` from its sizes (nothing is built or allocated)."""
    est = _ESTIMATES[scenario.kind](scenario)
    return Estimate(est.memory + BASE_MEMORY, est.seconds, est.sizes, est.knob)


def check_budget(scenario, *, max_memory: float | str | None = None, max_time: float | str | None = None) -> Estimate:
    """Refuse (`InputError`, one line: the figure and the knob) a run that would not fit in the available memory
    or in ``max_memory`` (bytes or "2 GB"), or that would take longer than ``max_time`` (s or "10 min")."""
    limit = parse_memory(max_memory) if isinstance(max_memory, str) else max_memory
    seconds = parse_seconds(max_time) if isinstance(max_time, str) else max_time
    est = estimate(scenario)
    available = available_memory()
    bound, source = None, ""
    if available is not None:
        bound, source = available, "available on this machine"
    if limit is not None and (bound is None or limit < bound):
        bound, source = limit, "--max-memory"
    if bound is not None and est.memory > bound:
        raise InputError("memory", None, f"at most {_size(bound)} ({source}): {est.knob}",
                         problem=f"this run needs ≈ {_size(est.memory)} for {est.sizes}")
    if seconds is not None and est.seconds > seconds:
        raise InputError("time", None, f"at most {_duration(seconds)} (--max-time): {est.knob}",
                         problem=f"this run needs ≈ {_duration(est.seconds)} for {est.sizes}")
    return est
