"""What a sweep or sensitivity study varies: ``--vary`` specifications and the designs built from them.

A specification is ``PATH=VALUES`` where PATH is a scenario field (``formulation.concentration``,
``skin.site``, ``simulation.duration``: each point rebuilds the scenario) or a layer of the model
(``stratum_corneum.thickness``, ``dermis.clearance``, …: batched without rebuilding), and VALUES is

* ``LO..HI:N`` — N evenly spaced values (``LO..HI:N:log``: spaced evenly in log), units on either end
  ("1%..10%:10", "10..30 um:5");
* ``LO..HI`` — a range (Latin hypercube sweeps, sensitivity bounds; ``:log`` samples it in log);
* ``A,B,C`` — a list (numbers with units or names: ``skin.site=forearm,face``).

Designs: the full grid of the lists, or a Latin hypercube of the ranges (`scipy.stats.qmc.LatinHypercube`,
seeded).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from dermsim.errors import InputError

#: Most points of a sweep (each is a skin of the batch; 10⁶ points ≈ 2 min on 2 cores in the fast path).
MAX_POINTS = 1_000_000
_NUMBER = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


@dataclass(frozen=True)
class Factor:
    """One varied field. ``values``: the list of a grid (strings as the scenario takes them), or None for a range;
    ``low``/``high``: the range's ends as numbers in ``unit``; ``log``: spaced or sampled in log."""

    path: str
    values: tuple[str, ...] | None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    log: bool = False

    def label(self, x: float) -> str:
        return f"{x:.6g} {self.unit}".strip()


def _number(text: str, spec: str) -> tuple[float, str]:
    m = _NUMBER.match(text)
    if not m:
        raise InputError("--vary", spec, "PATH=LO..HI:N, PATH=LO..HI or PATH=A,B,C (numbers with units, e.g. "
                         "'formulation.concentration=1%..10%:10')")
    return float(m.group(1)), m.group(2)


def parse_vary(spec: str) -> Factor:
    """A `Factor` from ``PATH=VALUES`` (see the module docstring); `InputError` in one line otherwise."""
    path, sep, rest = spec.partition("=")
    path, rest = path.strip(), rest.strip()
    if not sep or not path or not rest:
        raise InputError("--vary", spec, "PATH=VALUES, e.g. 'formulation.concentration=1%..10%:10'")
    if ".." not in rest:
        values = tuple(v.strip() for v in rest.split(",") if v.strip())
        if not values:
            raise InputError("--vary", spec, "at least one value after '='")
        return Factor(path, values)
    lo_text, _, hi_part = rest.partition("..")
    hi_text, *options = hi_part.split(":")
    lo, lo_unit = _number(lo_text, spec)
    hi, hi_unit = _number(hi_text, spec)
    if lo_unit and hi_unit and lo_unit != hi_unit:
        raise InputError("--vary", spec, "one unit for both ends of a range")
    unit = hi_unit or lo_unit
    log = "log" in options
    counts = [o for o in options if o != "log"]
    if any(not re.fullmatch(r"\d+", o) for o in counts) or len(counts) > 1:
        raise InputError("--vary", spec, "LO..HI, LO..HI:N or LO..HI:N:log with N a whole number ≥ 2")
    if not hi > lo or not (math.isfinite(lo) and math.isfinite(hi)):
        raise InputError("--vary", spec, "a range LO..HI with LO < HI")
    if log and lo <= 0:
        raise InputError("--vary", spec, "LO > 0 for a range spaced in log")
    factor = Factor(path, None, lo, hi, unit, log)
    if counts:
        n = int(counts[0])
        if n < 2:
            raise InputError("--vary", spec, "N ≥ 2 values in LO..HI:N")
        xs = np.geomspace(lo, hi, n) if log else np.linspace(lo, hi, n)
        return Factor(path, tuple(factor.label(x) for x in xs), lo, hi, unit, log)
    return factor


def grid(factors: list[Factor]) -> list[dict[str, str]]:
    """Every combination of the factors' lists (the first factor varies slowest)."""
    missing = [f.path for f in factors if f.values is None]
    if missing:
        raise InputError("--vary", missing[0], "a list or LO..HI:N for a grid (or --design lhs for ranges)")
    size = math.prod(len(f.values) for f in factors)
    if size > MAX_POINTS:
        raise InputError("--vary", f"{size} points", f"at most {MAX_POINTS} points in a grid")
    return [dict(zip((f.path for f in factors), combo)) for combo in itertools.product(*(f.values for f in factors))]


def unit_samples(factors: list[Factor], n: int, seed: int) -> np.ndarray:
    """A Latin hypercube of ``n`` points in [0, 1)^k (seeded)."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=len(factors), seed=np.random.default_rng(seed)).random(n)


def scale(factor: Factor, u: np.ndarray) -> np.ndarray:
    """Values of a range factor (in its unit) at unit-cube coordinates ``u``."""
    if factor.log:
        return np.exp(np.log(factor.low) + u * (np.log(factor.high) - np.log(factor.low)))
    return factor.low + u * (factor.high - factor.low)


def latin_hypercube(factors: list[Factor], n: int, seed: int) -> list[dict[str, str]]:
    """``n`` points of a Latin hypercube over the factors' ranges (seeded)."""
    missing = [f.path for f in factors if f.low is None]
    if missing:
        raise InputError("--vary", missing[0], "a range LO..HI for a Latin hypercube")
    if not 1 <= n <= MAX_POINTS:
        raise InputError("--samples", n, f"1 to {MAX_POINTS}")
    u = unit_samples(factors, n, seed)
    columns = [scale(f, u[:, j]) for j, f in enumerate(factors)]
    return [{f.path: f.label(float(c[i])) for f, c in zip(factors, columns)} for i in range(n)]
