"""Dermal collagen remodelling driven by injury: signal → fibroblasts → a labile and a mature collagen pool.

The model (`CollagenModel`) in four state variables, time t in days::

    dI/dt = − I / τ_I                                        + Σ_n J_n δ(t − t_n)
    dF/dt = ( g · a(age) · I − F ) / τ_F
    dL/dt = (1 − f) k_s (1 + F)  −  k_m (1 + F) L  −  k_d L
    dM/dt =                          k_m (1 + F) L  −  k_M M

I   inflammatory / growth-factor signal (–): a session n at day t_n adds its injured dermal fraction J_n
    (the dermis within the wound-signal radius of its channels, `dermsim.dermis.injury`), and the signal decays with the inflammatory-phase time τ_I.
F   fibroblast activation (–): extra collagen synthesis as a multiple of the baseline synthesis; it follows
    the signal with the proliferative-phase time τ_F. g is the injury gain (fitted, with the radius of the injury) and
    a(age) the synthesis capacity of the subject's fibroblasts relative to young adults.
L   labile collagen (–, fraction of the baseline total): newly deposited, type III-rich, degraded at k_d
    (matrix metalloproteinases) or cross-linked into the mature pool at k_m.
M   mature, cross-linked collagen (type I-rich) (–), degraded at k_M = ln 2 / t½,mature.

Total collagen C = L + M; at baseline C = 1 (the subject's own steady state).

Baseline. k_s is the fractional synthesis rate of skin collagen (1/day) of which a fraction f is degraded
within the hour (never deposited). The steady state (F = 0) with a labile share λ = L*/C* fixes the rest::

    L* = λ,   M* = 1 − λ,   k_m = k_M (1 − λ) / λ,   k_d = (1 − f) k_s / λ − k_m

so with k_s = 0.89 %/day (Babraj 2005) and t½ = 15 y, about 1 % of what is deposited matures: nearly all
newly made collagen is turned over in the labile pool, as the contrast of a fast synthesis rate with a
half-life of years requires.

Maturation during a response. Cross-linking (lysyl oxidase, which TGF-β induces together with collagen)
is taken to scale with fibroblast activation like synthesis does: k_m (1 + F). Without this the labile pool
would lose ~99 % of what an injury deposits and no lasting gain could follow; the factor (1 + F) is an
assumption (thin), not a measured rate.

Age. a(age) falls linearly from 1 at 23.5 y to 56/82 at 85 y (Varani 2006: type I procollagen of fibroblasts
from young vs 80+ y skin); ages outside are extrapolated on the same line, floored at 0.1. It scales the
response only: the baseline is each subject's steady state. The baseline collagen content relative to
young adults (percent collagen score, Sibilla et al. as quoted by Reilly & Lozano 2021) is reported as a
separate, descriptive factor, ``total_relative_to_young_adult``.

Solution. I and F are sums of exponentials (closed form, `CollagenModel.signal`); the pools are solved as
departures from the steady state with their integrating factors, the remaining integrals by the trapezoidal
rule on a 0.05-day grid holding every session and output time (`CollagenModel.solve`: second order, ~1e-5 of
the response, a 12-month 6-session run in a few ms). Without sessions the departures are exactly zero, so the
baseline is a steady state to round-off. `CollagenModel.solve_reference` integrates the same equations with
scipy's RK45 (impulses applied at t_n) as the independent check. Four running integrals (deposited, degraded
labile, matured, degraded mature) give the bookkeeping d(L + M) = deposited − degraded. Literature behind each
number: ``parameters/dermis_collagen.toml``; the evidence is thin throughout and said so there.

References
----------
Babraj JA et al. 2005 Am J Physiol Endocrinol Metab 289:E864 (skin collagen FSR).
McAnulty RJ & Laurent GJ 1987 Collagen Rel Res 7:93 (rapid degradation of new collagen, rat).
Varani J et al. 2006 Am J Pathol 168:1861 (procollagen by young vs old fibroblasts).
Kenkel J et al. 2021 Aesthet Surg J, PMID 33656167 (calibration: dermal density after 4 monthly sessions).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from dermsim import parameters
from dermsim.errors import InputError

__all__ = ["CollagenParameters", "CollagenModel", "simulate_collagen", "synthesis_capacity",
           "baseline_collagen_content", "parse_sessions", "MAX_DURATION_DAYS"]

_FILE = "dermis_collagen"
MAX_DURATION_DAYS = 3652.5  # 10 years, the longest time any dermsim scenario accepts
STATE = ("inflammation", "fibroblast_activation", "labile", "mature")
_COUNTERS = ("deposited", "labile_degraded", "matured", "mature_degraded")


@dataclass(frozen=True)
class CollagenParameters:
    """The constants of `CollagenModel` in days and dimensionless numbers (see ``dermis_collagen.toml``).

    Parameters
    ----------
    synthesis_rate : k_s, 1/day, fractional synthesis rate of skin collagen
    rapid_degradation_fraction : f (–), share of new collagen degraded within the hour
    mature_half_life : t½ of the mature pool, day
    labile_fraction : λ (–), labile share of the baseline collagen
    inflammation_time : τ_I, day
    fibroblast_time : τ_F, day
    injury_gain : g (–), fitted
    synthesis_young, synthesis_old : procollagen output of young / old fibroblasts (same unit, ratio used)
    synthesis_young_age, synthesis_old_age : year
    score_young, score_old : collagen score of young / old adults (–)
    score_young_age, score_old_age : year
    sources : (name, source) pairs
    """

    synthesis_rate: float
    rapid_degradation_fraction: float
    mature_half_life: float
    labile_fraction: float
    inflammation_time: float
    fibroblast_time: float
    injury_gain: float
    synthesis_young: float
    synthesis_old: float
    synthesis_young_age: float
    synthesis_old_age: float
    score_young: float
    score_old: float
    score_young_age: float
    score_old_age: float
    sources: tuple[tuple[str, str], ...] = ()

    @classmethod
    def packaged(cls) -> CollagenParameters:
        """The values of ``parameters/dermis_collagen.toml``."""
        table = parameters.load(_FILE)
        b, r, a = table["baseline"], table["response"], table["age"]
        values = dict(
            synthesis_rate=b["fractional_synthesis_rate"].to("1/day"),
            rapid_degradation_fraction=b["rapid_degradation_fraction"].to(""),
            mature_half_life=b["mature_half_life"].to("day"),
            labile_fraction=b["labile_fraction"].to(""),
            inflammation_time=r["inflammation_time_constant"].to("day"),
            fibroblast_time=r["fibroblast_time_constant"].to("day"),
            injury_gain=r["injury_gain"].to(""),
            synthesis_young=a["synthesis_young"].to("ng/mL"), synthesis_old=a["synthesis_old"].to("ng/mL"),
            synthesis_young_age=a["synthesis_young_age"].to("year"),
            synthesis_old_age=a["synthesis_old_age"].to("year"),
            score_young=a["collagen_score_young"].to(""), score_old=a["collagen_score_old"].to(""),
            score_young_age=a["collagen_score_young_age"].to("year"),
            score_old_age=a["collagen_score_old_age"].to("year"))
        sources = tuple((f"{group}.{name}", p.source) for group in ("baseline", "response", "age")
                        for name, p in table[group].items())
        return cls(**values, sources=sources)

    def with_(self, **changes: float) -> CollagenParameters:
        """A copy with some constants replaced (same units as the fields); unknown names are refused."""
        names = {f.name for f in fields(self)} - {"sources"}
        fractions = {"labile_fraction": (0.0, 1.0), "rapid_degradation_fraction": (-1e-300, 1.0)}
        for key, value in changes.items():
            if key not in names:
                raise InputError("parameter", key, f"one of {', '.join(sorted(names))}", choices=names)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(key, value, "a finite number")
            lo, hi = fractions.get(key, (0.0 if key != "injury_gain" else -1e-300, math.inf))
            if not lo < value < hi:
                raise InputError(key, value, "a fraction in (0, 1)" if key == "labile_fraction" else
                                 "a fraction in [0, 1)" if key in fractions else
                                 "a number ≥ 0" if key == "injury_gain" else "a number > 0")
        out = replace(self, **changes)
        if out.labile_decay_rate <= 0:
            raise InputError("labile_fraction", out.labile_fraction, "a labile share small enough that the labile "
                             "pool is degraded as well as matured at baseline (k_d > 0)")
        return out

    # derived rates (1/day) -------------------------------------------------------------------------------
    @property
    def deposition_rate(self) -> float:
        """(1 − f) k_s, 1/day: baseline deposition into the labile pool per baseline total collagen."""
        return (1.0 - self.rapid_degradation_fraction) * self.synthesis_rate

    @property
    def mature_decay_rate(self) -> float:
        """k_M = ln 2 / t½, 1/day."""
        return math.log(2.0) / self.mature_half_life

    @property
    def maturation_rate(self) -> float:
        """k_m = k_M (1 − λ) / λ, 1/day (baseline steady state)."""
        return self.mature_decay_rate * (1.0 - self.labile_fraction) / self.labile_fraction

    @property
    def labile_decay_rate(self) -> float:
        """k_d = (1 − f) k_s / λ − k_m, 1/day (baseline steady state)."""
        return self.deposition_rate / self.labile_fraction - self.maturation_rate


def _age(age: Any) -> float:
    if isinstance(age, bool) or not isinstance(age, int | float) or not math.isfinite(age) or not 18 <= age <= 100:
        raise InputError("age", age, "years between 18 and 100 (an adult dermis)")
    return float(age)


def _line(x: float, x0: float, y0: float, x1: float, y1: float) -> float:
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def synthesis_capacity(age: float, params: CollagenParameters | None = None) -> float:
    """a(age) (–): collagen synthesis capacity of fibroblasts relative to young adults (Varani 2006 line,
    floored at 0.1)."""
    p = params or CollagenParameters.packaged()
    value = _line(_age(age), p.synthesis_young_age, 1.0, p.synthesis_old_age, p.synthesis_old / p.synthesis_young)
    return max(0.1, value)


def baseline_collagen_content(age: float, params: CollagenParameters | None = None) -> float:
    """Baseline dermal collagen relative to young adults (25–34 y) (–): the percent collagen score line of
    Sibilla et al. (via Reilly & Lozano 2021), floored at 0.1. Descriptive only."""
    p = params or CollagenParameters.packaged()
    value = _line(_age(age), p.score_young_age, 1.0, p.score_old_age, p.score_old / p.score_young)
    return max(0.1, value)


class CollagenModel:
    """The equations of the module docstring for one subject (``params``, ``age`` in years).

    ``rhs(t, y)`` is the right-hand side of the state (I, F, L, M) followed by the four running integrals
    (deposited, labile degraded, matured, mature degraded; all per baseline total collagen).
    """

    def __init__(self, params: CollagenParameters, age: float):
        self.params, self.age = params, _age(age)
        self.capacity = synthesis_capacity(self.age, params)
        p = params
        self._tau_i, self._tau_f = p.inflammation_time, p.fibroblast_time
        self._drive = p.injury_gain * self.capacity
        self._deposit, self._k_m, self._k_d, self._k_M = (p.deposition_rate, p.maturation_rate,
                                                          p.labile_decay_rate, p.mature_decay_rate)

    def steady_state(self) -> np.ndarray:
        """(I, F, L, M) without injury: (0, 0, λ, 1 − λ)."""
        lam = self.params.labile_fraction
        return np.array([0.0, 0.0, lam, 1.0 - lam])

    def fluxes(self, f: np.ndarray, labile: np.ndarray, mature: np.ndarray) -> dict[str, np.ndarray]:
        """Rates (1/day, per baseline total collagen) at activation ``f`` and pools ``labile``, ``mature``."""
        boost = 1.0 + np.asarray(f)
        return {"synthesis_rate": self.params.synthesis_rate * boost,
                "deposition_rate": self._deposit * boost,
                "maturation_rate": self._k_m * boost * labile,
                "labile_degradation_rate": self._k_d * labile,
                "mature_degradation_rate": self._k_M * mature}

    def rhs(self, t: float, y: np.ndarray) -> np.ndarray:
        i, f, lab, mat = y[0], y[1], y[2], y[3]
        boost = 1.0 + f
        deposit, mature_in, lab_out, mat_out = (self._deposit * boost, self._k_m * boost * lab, self._k_d * lab,
                                                self._k_M * mat)
        return np.array([-i / self._tau_i, (self._drive * i - f) / self._tau_f,
                         deposit - mature_in - lab_out, mature_in - mat_out,
                         deposit, lab_out, mature_in, mat_out])

    def signal(self, events: Sequence[tuple[float, float]], t: np.ndarray) -> tuple[np.ndarray, ...]:
        """Closed forms of I(t), F(t) and ∫₀ᵗ F at increasing days ``t`` (sessions superpose; I at t_n is the value
        just before session n). With s = t − t_n ≥ 0, D = g a(age)::

            I_n = J_n e^{−s/τ_I}
            F_n = D J_n τ_I / (τ_F − τ_I) · (e^{−s/τ_F} − e^{−s/τ_I})          (D J_n s / τ e^{−s/τ} if τ_I = τ_F)
        """
        t = np.asarray(t, dtype=float)
        inflammation, activation, integral = np.zeros_like(t), np.zeros_like(t), np.zeros_like(t)
        ti, tf, drive = self._tau_i, self._tau_f, self._drive
        for day, fraction in events:  # t is sorted: each session touches only the days after it
            first = int(np.searchsorted(t, day, side="left"))
            sa = t[first:] - day
            ei, ef = np.exp(-sa / ti), np.exp(-sa / tf)
            inflammation[first:] += np.where(sa > 0, fraction * ei, 0.0)
            if math.isclose(ti, tf):
                activation[first:] += drive * fraction * sa / tf * ef
                integral[first:] += drive * fraction * (tf - (tf + sa) * ef)
            else:
                scale = drive * fraction * ti / (tf - ti)
                activation[first:] += scale * (ef - ei)
                integral[first:] += scale * (tf * (1.0 - ef) - ti * (1.0 - ei))
        return inflammation, activation, integral

    def solve(self, events: Sequence[tuple[float, float]], times: np.ndarray, *, step: float = 0.05) -> np.ndarray:
        """States and running integrals at ``times`` (days, increasing, ≥ 0): array (len(times), 8).

        I and F in closed form (`signal`). The pools as departures from the steady state, ℓ = L − λ and
        μ = M − (1 − λ), which vanish exactly without injury::

            dℓ/dt = (S₀ − k_m λ) F − b(t) ℓ,         b = k_m (1 + F) + k_d,  S₀ = (1 − f) k_s
            dμ/dt = k_m (F λ + (1 + F) ℓ) − k_M μ

        solved with their integrating factors, ℓ(t) = e^{−B(t)} ∫₀ᵗ (S₀ − k_m λ) F e^{B} ds with B = ∫ b in
        closed form, the integrals by the trapezoidal rule on a grid of ``step`` days that contains every
        session and output time (error O(step²): 0.05 d agrees with the RK45 reference `solve_reference` to
        ~1e-5 of the response, tests/dermis). ``events`` are (day, J) pairs.
        """
        from scipy.integrate import cumulative_trapezoid

        times = np.asarray(times, dtype=float)
        final = float(times[-1]) if times.size else 0.0
        days = [d for d, _ in events if d <= final]
        grid = np.unique(np.concatenate([np.linspace(0.0, final, int(math.ceil(final / step)) + 1), times, days]))
        inflammation, activation, f_integral = self.signal(events, grid)
        lam, k_m, k_d, k_M, deposit = (self.params.labile_fraction, self._k_m, self._k_d, self._k_M,
                                       self._deposit)
        big_b = (k_m + k_d) * grid + k_m * f_integral
        shift = big_b[-1] if grid.size else 0.0  # keeps e^{B} in range; cancels between the factors
        weight = np.exp(big_b - shift)
        ell = cumulative_trapezoid((deposit - k_m * lam) * activation * weight, grid, initial=0.0) / weight
        into_mature = k_m * (activation * lam + (1.0 + activation) * ell)
        decay = np.exp(k_M * (grid - final))
        mu = cumulative_trapezoid(into_mature * decay, grid, initial=0.0) / decay
        labile, mature = lam + ell, (1.0 - lam) + mu
        deposited = deposit * (grid + f_integral)
        labile_degraded = k_d * (lam * grid + cumulative_trapezoid(ell, grid, initial=0.0))
        matured = k_m * lam * grid + cumulative_trapezoid(into_mature, grid, initial=0.0)
        mature_degraded = k_M * ((1.0 - lam) * grid + cumulative_trapezoid(mu, grid, initial=0.0))
        index = np.searchsorted(grid, times)
        return np.column_stack([inflammation[index], activation[index], labile[index], mature[index], deposited[index],
                                labile_degraded[index], matured[index], mature_degraded[index]])

    def solve_reference(self, events: Sequence[tuple[float, float]], times: np.ndarray, *, rtol: float = 1e-10,
                        atol: float = 1e-13) -> np.ndarray:
        """The same as `solve` by scipy's RK45 on `rhs` between sessions (impulses added to I at t_n):
        slow (tens of ms), kept as the independent reference the tests compare `solve` with."""
        from scipy.integrate import solve_ivp

        times = np.asarray(times, dtype=float)
        out = np.empty((times.size, 8))
        y = np.concatenate([self.steady_state(), np.zeros(4)])
        kicks: dict[float, float] = {}
        for day, fraction in events:
            kicks[float(day)] = kicks.get(float(day), 0.0) + float(fraction)
        final = float(times[-1]) if times.size else 0.0
        out[times == 0.0] = y  # the state just before any session at day 0
        start = 0.0
        for end in [*sorted(d for d in kicks if d < final), final]:
            y[0] += kicks.pop(start, 0.0)
            if end > start:
                mask = (times > start) & (times <= end)
                wanted = times[mask]
                t_eval = wanted if wanted.size and wanted[-1] == end else np.append(wanted, end)
                sol = solve_ivp(self.rhs, (start, end), y, method="RK45", t_eval=t_eval, rtol=rtol, atol=atol,
                                first_step=min(0.05, end - start))
                if not sol.success:  # pragma: no cover - RK45 on this smooth system does not fail
                    raise RuntimeError(f"collagen model: {sol.message}")
                out[mask] = sol.y.T[:wanted.size]
                y = sol.y[:, -1].copy()
            start = end
        return out


def parse_sessions(sessions: Iterable[Any], duration: float) -> list[tuple[float, float, str]]:
    """(day, volume fraction, label) of each session, sorted by day.

    A session is an `dermsim.dermis.injury.InjuryEvent`, a (day, volume fraction) pair, or a mapping with
    ``time`` (days) and ``volume_fraction``. Raises `InputError` (one line) for negative or non-finite
    times, sessions after the end, and volume fractions outside [0, 1].
    """
    from dermsim.dermis.injury import InjuryEvent

    if isinstance(sessions, str | bytes) or not isinstance(sessions, Iterable):
        raise InputError("sessions", sessions, "a list of (day, dermal volume fraction) pairs or InjuryEvents")
    out = []
    for k, s in enumerate(sessions):
        field = f"sessions[{k}]"
        if isinstance(s, InjuryEvent):
            day, fraction, label = s.time, s.volume_fraction, s.label
        elif isinstance(s, dict):
            if set(s) - {"time", "volume_fraction", "label"} or not {"time", "volume_fraction"} <= set(s):
                raise InputError(field, s, "a table with time (days), volume_fraction and optional label")
            day, fraction, label = s["time"], s["volume_fraction"], str(s.get("label", ""))
        elif isinstance(s, Sequence) and not isinstance(s, str) and len(s) == 2:
            (day, fraction), label = s, ""
        else:
            raise InputError(field, s, "an InjuryEvent or a (day, dermal volume fraction) pair")
        for name, value in (("time", day), ("volume_fraction", fraction)):
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(f"{field}.{name}", value, "a finite number")
        if day < 0:
            raise InputError(f"{field}.time", day, f"days from the start, 0 to the duration ({duration:g} days)")
        if day > duration:
            raise InputError(f"{field}.time", day, f"a session inside the simulated time, 0 to {duration:g} days",
                             problem=f"session at day {day:g} is after the end of the simulation (day {duration:g})")
        if not 0 <= fraction <= 1:
            raise InputError(f"{field}.volume_fraction", fraction, "a punctured dermal volume fraction in [0, 1]")
        out.append((float(day), float(fraction), label or f"session {k + 1}"))
    return sorted(out, key=lambda item: item[0])


def _duration(duration: Any) -> float:
    if (isinstance(duration, bool) or not isinstance(duration, int | float) or not math.isfinite(duration)
            or not 0 < duration <= MAX_DURATION_DAYS):
        raise InputError("duration", duration, f"days, > 0 and ≤ {MAX_DURATION_DAYS:g} (10 years)")
    return float(duration)


def _output_times(duration: float, times: Any, resolution: float) -> np.ndarray:
    if times is None:
        if isinstance(resolution, bool) or not isinstance(resolution, int | float) or not 0 < resolution <= duration:
            raise InputError("resolution", resolution, f"days between outputs, > 0 and ≤ the duration ({duration:g})")
        n = int(math.ceil(duration / resolution - 1e-9))
        return np.linspace(0.0, duration, n + 1)
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)):
        raise InputError("times", times, "a non-empty list of finite days")
    if t.min() < 0 or t.max() > duration:
        raise InputError("times", f"{t.min():g}..{t.max():g}", f"days between 0 and the duration ({duration:g})")
    if np.any(np.diff(t) <= 0):
        raise InputError("times", times, "increasing days")
    return t


_ATTRS = {
    "labile": ("1", "labile (new, type III-rich) collagen, fraction of the baseline total"),
    "mature": ("1", "mature cross-linked (type I-rich) collagen, fraction of the baseline total"),
    "total": ("1", "total dermal collagen relative to the subject's baseline"),
    "total_change": ("1", "change of total dermal collagen from baseline (total - 1)"),
    "labile_share": ("1", "labile share of the total collagen"),
    "total_relative_to_young_adult": ("1", "total collagen relative to the baseline of adults aged 25-34"),
    "inflammation": ("1", "inflammatory / growth-factor signal (punctured dermal volume fraction units)"),
    "fibroblast_activation": ("1", "fibroblast activation: extra synthesis as a multiple of baseline"),
    "synthesis_rate": ("1/day", "collagen synthesis per baseline total collagen"),
    "deposition_rate": ("1/day", "deposition into the labile pool per baseline total collagen"),
    "maturation_rate": ("1/day", "labile -> mature flux per baseline total collagen"),
    "labile_degradation_rate": ("1/day", "degradation of the labile pool per baseline total collagen"),
    "mature_degradation_rate": ("1/day", "degradation of the mature pool per baseline total collagen"),
    "deposited": ("1", "cumulative deposition since day 0, per baseline total collagen"),
    "labile_degraded": ("1", "cumulative labile degradation since day 0"),
    "matured": ("1", "cumulative maturation since day 0"),
    "mature_degraded": ("1", "cumulative mature degradation since day 0"),
}


def simulate_collagen(sessions: Iterable[Any], duration: float, age: float = 45.0, *, times: Any = None,
                      resolution: float = 1.0, params: CollagenParameters | None = None):
    """Dermal collagen over ``duration`` days after injury ``sessions``.

    Parameters
    ----------
    sessions : sessions as (day, punctured dermal volume fraction) pairs or `InjuryEvent`s (volume fraction
        from `dermsim.dermis.injury.dermal_injury` / `session_injury`); [] for the untreated baseline
    duration : days (> 0, ≤ 10 years)
    age : years (18–100)
    times : output days (increasing, within [0, duration]); default every ``resolution`` days from 0
    resolution : days between default outputs
    params : `CollagenParameters` (default: the packaged ones)

    Returns
    -------
    xarray.Dataset
        Coordinate ``time`` (day); pools ``labile``, ``mature``, ``total`` (relative to the subject's baseline
        = 1), ``total_change``, ``labile_share``, ``total_relative_to_young_adult``, ``inflammation``,
        ``fibroblast_activation``, the fluxes (1/day) and their running integrals. Each variable has
        ``units`` and ``long_name``; the Dataset has ``provenance`` (JSON: model, sessions, age, parameter
        sources). A session at an output time shows its effect from the next output on.

    Raises
    ------
    InputError
        Negative or non-finite times, sessions after the end, volume fractions outside [0, 1], an age outside
        18–100, a duration outside (0, 10 years].
    """
    import xarray as xr

    end = _duration(duration)
    events = parse_sessions(sessions, end)
    years = _age(age)
    p = params or CollagenParameters.packaged()
    t = _output_times(end, times, resolution)
    model = CollagenModel(p, years)
    y = model.solve([(d, j) for d, j, _ in events], t)
    inflammation, activation, labile, mature = y[:, 0], y[:, 1], y[:, 2], y[:, 3]
    total = labile + mature
    data = {"labile": labile, "mature": mature, "total": total, "total_change": total - 1.0,
            "labile_share": labile / total,
            "total_relative_to_young_adult": total * baseline_collagen_content(years, p),
            "inflammation": inflammation, "fibroblast_activation": activation,
            **model.fluxes(activation, labile, mature),
            **{name: y[:, 4 + k] for k, name in enumerate(_COUNTERS)}}
    ds = xr.Dataset({name: ("time", np.asarray(values, dtype=float)) for name, values in data.items()},
                    coords={"time": ("time", t)})
    ds["time"].attrs.update(units="day", long_name="time since the start of the simulation")
    for name, (unit, long_name) in _ATTRS.items():
        ds[name].attrs.update(units=unit, long_name=long_name)
    provenance = {"model": "dermsim.dermis.collagen (two-pool collagen remodelling driven by injury)",
                  "age_years": years, "synthesis_capacity": model.capacity,
                  "sessions": [{"day": d, "dermal_volume_fraction": j, "label": lab} for d, j, lab in events],
                  "derived_rates_per_day": {"deposition": p.deposition_rate, "maturation": p.maturation_rate,
                                            "labile_degradation": p.labile_decay_rate,
                                            "mature_degradation": p.mature_decay_rate},
                  "parameter_sources": dict(p.sources)}
    ds.attrs["provenance"] = json.dumps(provenance)
    return ds
