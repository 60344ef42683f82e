"""A finite dose whose vehicle changes while it permeates: the layered skin below a drying film.

The skin is the 1D layered `System` of `dermsim.permeation.layered` (finite dose: node 0 is the vehicle).
The film above it (`dermsim.formulation.film.DryingFilm`) changes its capacity K_v h (drying, saturation)
and loses solute to air, so the problem is non-linear and time-varying. Each step of size Δt:

1. the film's capacity C_v = K_v h and its first-order solute loss k are frozen; node 0 holds the dissolved
   solute (u_0 = m / C_v) and the step C du/dt = −(A + k C_v e₀e₀ᵀ) u is taken with TR-BDF2 (a tridiagonal
   factorisation per step; cumulative outflows advanced by the same stages, so the linear step conserves
   mass exactly);
2. the film is advanced over Δt (solvent loss, precipitation or dissolution, deposit evaporation) with the
   dissolved amount the skin step left, and u_0 is set from the new capacity (Lie splitting, first order in
   the film's change; steps are kept short while the film dries).

Wash-off at a set time removes a fraction of the film and deposit; the run continues. Mass is tracked
exactly: film (dissolved + deposit) + skin + receptor or blood + evaporated + washed = applied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dermsim.formulation.film import FilmState
from dermsim.transport.blas import single_threaded_blas
from dermsim.transport.timestep import GAMMA, THETA

#: Fraction of the applied film thickness allowed to dry per step (–).
DRYING_STEP_FRACTION = 0.05
#: Longest step while a deposit dissolves, as a fraction of its dissolution time 1/k_d (–).
DEPOSIT_STEP = 0.1


@dataclass
class FiniteDoseRun:
    """Outputs at ``times`` (h): skin nodal u (n_t, n_nodes), film and loss amounts (ug/cm²), film thickness."""

    times: np.ndarray
    u: np.ndarray
    dissolved: np.ndarray
    deposit: np.ndarray
    thickness: np.ndarray
    evaporated: np.ndarray
    washed: np.ndarray
    cumulative: dict
    steps: int
    mass_balance_error: float


class _Stepper:
    """TR-BDF2 steps of C du/dt = −A u (A tridiagonal ``diag``/``off``) with outflows q += ∫(f·u + f0); the
    factorisation of C + θhA is kept while h, C and A are unchanged (a dry, static film)."""

    C1 = 1.0 / (GAMMA * (2.0 - GAMMA))
    C0 = (1.0 - GAMMA) ** 2 * C1

    def __init__(self, off):
        from scipy.linalg import lapack

        self.off, self.key, self.lu = off, None, None
        self.dgttrf, self.dgttrs = lapack.dgttrf, lapack.dgttrs

    def __call__(self, diag, capacity, f, f0, u, q, h):
        off = self.off
        key = (h, capacity[0], diag[0])
        if key != self.key:
            dl = THETA * h * off
            self.lu = self.dgttrf(dl.copy(), capacity + THETA * h * diag, dl.copy())[:5]
            self.key = key
        lu, dgttrs = self.lu, self.dgttrs
        au = diag * u
        au[:-1] += off * u[1:]
        au[1:] += off * u[:-1]
        cu = capacity * u
        u_g = dgttrs(*lu, cu - THETA * h * au)[0]
        q_g = q + THETA * h * (f @ u + f @ u_g + 2.0 * f0)
        u_new = dgttrs(*lu, self.C1 * capacity * u_g - self.C0 * cu)[0]
        q_new = self.C1 * q_g - self.C0 * q + THETA * h * (f @ u_new + f0)
        return u_new, q_new


@single_threaded_blas
def solve_finite_dose(system, film, applied: float, times, *, wash_time: float | None = None,
                      wash_efficiency: float = 1.0, first_step: float = 1e-4, growth: float = 0.2,
                      max_step: float | None = None) -> FiniteDoseRun:
    """Integrate the skin ``system`` (vehicle at node 0) below ``film`` carrying ``applied`` ug/cm² of solute.

    Parameters
    ----------
    system : `dermsim.transport.system.System` of a finite dose (``vehicle_node == 0``), no vehicle losses
    film : `dermsim.formulation.film.DryingFilm`
    applied : solute applied per area, ug/cm²
    times : output times, h (times[0] = 0)
    wash_time, wash_efficiency : wash-off time (h) and the fraction of film and deposit removed
    first_step, growth, max_step : substep ≈ clip(growth · time since the last event, first_step, max_step), h
        (default max_step: duration/48); output times inside a step are interpolated linearly between its ends
    """
    if system.vehicle_node != 0:
        raise ValueError("solve_finite_dose needs a finite-dose system (vehicle at node 0)")
    times = np.asarray(times, dtype=float)
    max_step = max_step or max(times[-1] / 48.0, first_step)
    names = list(system.rate_names)
    evap = names.index("evaporated") if "evaporated" in names else None
    base_diag = system.operator.diagonal.copy()
    off = system.operator.off_diagonal
    cap = system.capacity.copy()
    weights, const = system.rate_weights.copy(), system.rate_constant
    if evap is not None:
        base_diag[0] -= weights[evap, 0]          # the film's own loss replaces the vehicle's first-order one
        weights[evap, 0] = 0.0

    step = _Stepper(off)
    state = film.start(applied)
    h_applied = max(state.thickness, 1e-300)
    u = np.zeros(system.size)
    c_v = film.capacity(state)
    u[0] = state.dissolved / c_v
    q = np.zeros(len(names))
    out_u, out = [u.copy()], {k: [] for k in ("dissolved", "deposit", "thickness", "evaporated", "washed")}
    out_q = [q.copy()]

    def record(st, qq):
        out["dissolved"].append(st.dissolved)
        out["deposit"].append(st.deposit)
        out["thickness"].append(st.thickness)
        out["evaporated"].append(st.evaporated + (qq[evap] if evap is not None else 0.0))
        out["washed"].append(st.washed)

    record(state, q)
    events = sorted({float(wash_time)} if wash_time is not None and 0 < wash_time < times[-1] else set())
    t, last_event, n_steps, washed_done, t_end = 0.0, 0.0, 0, False, float(times[-1])
    following = 1                                                       # index of the next output time
    while following < times.size:
        h = min(max(growth * (t - last_event), first_step), max_step, t_end - t)
        rates = film.drying_rates(state.volumes)
        if rates.any():                  # while the film dries: short steps that end on every output time
            h = min(h, DRYING_STEP_FRACTION * h_applied / float(-rates.sum()), times[following] - t)
        if state.deposit > 0.0:          # while a deposit dissolves: steps short against 1/k_d (splitting error)
            h = min(h, DEPOSIT_STEP / film.dissolution_rate)
        for e in events:
            if t < e < t + h:
                h = e - t
        if t_end - t - h < 1e-9 * h:
            h = t_end - t
        k = film.loss_rate(state)
        cap[0] = c_v
        diag = base_diag.copy()
        diag[0] += k * c_v
        f = weights
        if evap is not None:
            f = weights.copy()
            f[evap, 0] = k * c_v
        before = (u, q, state)
        u, q = step(diag, cap, f, const, u, q, h)
        if u[0] < 0.0 and evap is not None:
            # the trapezoidal stage can undershoot a stiff film loss: give the overshoot back to the film from the
            # evaporated amount it came from (exact bookkeeping, no negative amount)
            deficit = min(-u[0] * c_v, q[evap])
            q[evap] -= deficit
            u[0] += deficit / c_v
        state = FilmState(state.volumes, u[0] * c_v, state.deposit, state.evaporated, state.washed)
        state = film.advance(state, h)
        t_new = t + h
        n_steps += 1
        c_before, c_v = c_v, film.capacity(state)
        u[0] = state.dissolved / c_v
        if c_v < 0.5 * c_before:        # the film lost half its capacity (it dried): restart with short steps
            last_event = t_new
        # outputs inside the step: linear interpolation between its ends (sums, hence the balance, are kept)
        while following < times.size and times[following] < t_new - 1e-9 * max(1.0, t_new):
            w = (times[following] - t) / h
            u0, q0, s0 = before
            out_u.append((1 - w) * u0 + w * u)
            out_q.append((1 - w) * q0 + w * q)
            record(FilmState(s0.volumes * (1 - w) + w * state.volumes, (1 - w) * s0.dissolved + w * state.dissolved,
                             (1 - w) * s0.deposit + w * state.deposit, (1 - w) * s0.evaporated + w * state.evaporated,
                             (1 - w) * s0.washed + w * state.washed), (1 - w) * q0 + w * q)
            following += 1
        t = t_new
        if not washed_done and wash_time is not None and abs(t - wash_time) <= 1e-9 * max(1.0, t):
            state = film.wash(state, wash_efficiency)
            washed_done, last_event = True, t
            c_v = film.capacity(state)
            u[0] = state.dissolved / c_v
        if following < times.size and abs(times[following] - t) <= 1e-9 * max(1.0, t):
            out_u.append(u.copy())
            out_q.append(q.copy())
            record(state, q)
            following += 1

    us, qs = np.array(out_u), np.array(out_q).T
    arrays = {k: np.array(v) for k, v in out.items()}
    skin = us[:, 1:] @ system.capacity[1:]
    losses = sum(qs[i] for i, n in enumerate(names) if n in ("permeated", "cleared"))
    total = arrays["dissolved"] + arrays["deposit"] + skin + losses + arrays["evaporated"] + arrays["washed"]
    error = float(np.max(np.abs(total - applied)) / applied) if applied > 0 else 0.0
    negative = -min(0.0, float(arrays["dissolved"].min()), float(arrays["deposit"].min()))
    error = max(error, negative / applied) if applied > 0 else error        # a negative amount counts as an error
    cumulative = {n: qs[i] for i, n in enumerate(names) if n != "evaporated"}
    return FiniteDoseRun(times=times, u=us, cumulative=cumulative, steps=n_steps,
                         mass_balance_error=error if math.isfinite(error) else float("inf"), **arrays)
