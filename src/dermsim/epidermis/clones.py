"""Exact stochastic simulation of labelled epidermal clones (continuous-time Markov chain).

Each clone starts from one labelled proliferating cell and evolves by the reactions of
:mod:`dermsim.epidermis.kinetics` with exponential waiting times, as in Clayton et al. 2007 and Klein et al. 2007.
Clones are independent, so the simulation is vectorised over clones: one iteration advances every clone that is
still running by one event (numpy arrays of counts, no Python loop over clones). A clone stops when its next
event falls after the last output time, or when nothing in it can change any more.

Two exact numpy kernels draw from the same law:

`simulate_counts` (used by `simulate_clones`)
    Proliferating cells (A, and S) by Gillespie's direct method: with division propensities k_j·x_{s(j)}, the next
    division comes after Exp(Σ_j k_j x_{s(j)}) and is division j with probability ∝ k_j x_{s(j)}. Post-mitotic cells
    never divide and do not influence divisions, and each one stratifies and is shed independently after
    memoryless waiting times, so every B cell born at time s is given its own stratification time s + Exp(Γ) and
    shedding time + Exp(μ) on the spot (first-reaction method for independent cells), and is added to the B and C
    counts of the output times it spans. This is exact and skips the B → C and C → ∅ events.
`simulate_counts_direct` (reference, used by the tests)
    The direct method over all reactions and species, event by event.

Exact results for a single labelled committed progenitor (a = rλt; Klein et al. 2007), used by the tests::

    P(A(t) ≥ 1) = 1/(1+a);  A | A ≥ 1 ~ geometric with mean 1+a, variance a(1+a)
    E[A] = 1,  E[B] = (λ/Γ)(1 − e^{−Γt}),  E[C] = (λ/μ)(1 − e^{−μt}) − λ(e^{−Γt} − e^{−μt})/(μ − Γ)
    long times: mean basal size of surviving clones ≈ (1+a)/ρ, basal size / mean → Exp(1)

Survival definitions: "progenitor survival" = clone holds ≥ 1 proliferating cell (A, or S in the stem-progenitor
model); "basal survival" = clone holds ≥ 1 basal cell (S, A or B), the clones scored in lineage tracing (Clayton
2007). Mean basal and total sizes and the size distributions are over basal-surviving clones; the mean number of
proliferating cells is over progenitor-surviving clones.

References
----------
Clayton E et al. 2007 Nature 446:185. Klein AM, Doupé DP, Jones PH, Simons BD 2007 Phys Rev E 76:021910.
Gillespie DT 1977 J Phys Chem 81:2340. Mascré G et al. 2012 Nature 489:257.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from dermsim.epidermis.kinetics import FateRates
from dermsim.errors import InputError

#: Species order in every count array.
SPECIES = ("stem", "progenitor", "post_mitotic_basal", "suprabasal")
STEM, PROG, BASAL_B, SUPRA = range(4)
#: Clones simulated together (memory ≈ 9 int32 per clone and output time, 4.7 MB per 10⁴ clones × 53 outputs);
#: results depend on it only through the order of random draws, so it is fixed.
CHUNK = 1 << 17
INITIAL = ("auto", "progenitor", "stem")
Progress = Callable[[float], object]


# -- reactions -----------------------------------------------------------------------------------------------------
def reaction_table(rates: FateRates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reactions with non-zero rate constant: (reactant species index, rate constant 1/week, stoichiometry).

    Stoichiometry rows are changes of (S, A, B, C) counts. Divisions come first, then B → C and C → ∅.
    """
    lam, r, gam, mu = (rates.division_rate, rates.symmetric_fraction, rates.stratification_rate,
                       rates.shedding_rate)
    delta = rates.progenitor_fate_imbalance
    rows = [
        (PROG, lam * r * (1 - delta), (0, +1, 0, 0)),     # A -> AA
        (PROG, lam * (1 - 2 * r), (0, 0, +1, 0)),         # A -> AB
        (PROG, lam * r * (1 + delta), (0, -1, +2, 0)),    # A -> BB
    ]
    if rates.model == "stem-progenitor":
        lam_s, r_s = rates.stem_division_rate, rates.stem_symmetric_fraction
        rows += [
            (STEM, lam_s * r_s, (+1, 0, 0, 0)),           # S -> SS
            (STEM, lam_s * (1 - 2 * r_s), (0, +1, 0, 0)),  # S -> SA
            (STEM, lam_s * r_s, (-1, +2, 0, 0)),          # S -> AA
        ]
    rows += [(BASAL_B, gam, (0, 0, -1, +1)),              # B -> C
             (SUPRA, mu, (0, 0, 0, -1))]                  # C -> shed
    rows = [row for row in rows if row[1] > 0]
    reactant = np.array([row[0] for row in rows], dtype=np.intp)
    constant = np.array([row[1] for row in rows], dtype=float)
    stoich = np.array([row[2] for row in rows], dtype=np.int64).reshape(len(rows), 4)
    return reactant, constant, stoich


def initial_stem_probability(rates: FateRates, initial: str) -> float:
    """Chance that a clone starts from a stem cell rather than a progenitor.

    ``"auto"``: the steady-state stem fraction of proliferating cells ω/(ω+λS) (uniform labelling of proliferating
    cells, Piedrafita et al. 2020 SI eq. 7); 0 for committed progenitors. ``"stem"``: 1. ``"progenitor"``: 0.
    """
    if initial not in INITIAL:
        raise InputError("initial", initial, " | ".join(INITIAL), INITIAL)
    if initial == "stem":
        if rates.model != "stem-progenitor":
            raise InputError("initial", initial, "'progenitor' or 'auto' for the committed-progenitor model")
        return 1.0
    return rates.stem_fraction if initial == "auto" else 0.0


class _Running:
    """The clones of one kernel call that are still running: counts ``x`` (species-major, floats holding exact
    integers), time ``t`` of each clone's last event, clone index ``ids``. A finished clone gets t = inf and is
    dropped when a quarter of the arrays are finished (attributes listed in ``per_clone`` are compacted)."""

    def __init__(self, rates: FateRates, n_clones: int, times: np.ndarray, rng: np.random.Generator, initial: str,
                 n_species: int):
        self.times = np.asarray(times, dtype=float)
        self.n_clones = n_clones
        p_stem = initial_stem_probability(rates, initial)
        self.founder_stem = rng.random(n_clones) < p_stem if p_stem > 0 else np.zeros(n_clones, dtype=bool)
        self.x = np.zeros((n_species, n_clones))
        self.x[STEM, self.founder_stem] = 1
        self.x[PROG, ~self.founder_stem] = 1
        self.t = np.zeros(n_clones)
        self.ids = np.arange(n_clones)
        self.per_clone = ["t", "ids"]
        self.finished = self.iteration = 0

    def waiting(self, total: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Time of each clone's next event: t + Exp(1)/total (inf where total = 0 or the clone is finished)."""
        t_new = rng.standard_exponential(total.size)
        np.divide(t_new, total, out=t_new, where=total > 0)
        t_new[total <= 0] = np.inf
        t_new += self.t
        return t_new

    def advance(self, t_new: np.ndarray, progress: Progress | None) -> None:
        """Take the new times (inf = finished), compact now and then, report progress every 64 iterations."""
        self.t = t_new
        stale = self.ids.size - int(np.count_nonzero(np.isfinite(t_new)))
        if stale > 0.25 * self.ids.size:
            keep = np.flatnonzero(np.isfinite(t_new))
            self.finished += stale
            self.x = self.x[:, keep]
            for name in self.per_clone:
                setattr(self, name, getattr(self, name)[keep])
            stale = 0
        self.iteration += 1
        if progress is not None and self.iteration % 64 == 0:
            t_end = self.times[-1]
            running = np.minimum(self.t[np.isfinite(self.t)], t_end).sum()
            progress((self.finished + stale + running / t_end) / self.n_clones if t_end > 0 else 1.0)


def _cumulative(x: np.ndarray, reactant: np.ndarray, constant: np.ndarray) -> np.ndarray:
    """Cumulative propensities (reaction, clone): row j = Σ_{i ≤ j} k_i x_{s(i)}."""
    cumulative = np.empty((constant.size, x.shape[1]))
    np.multiply(x[reactant[0]], constant[0], out=cumulative[0])
    for j in range(1, constant.size):
        np.multiply(x[reactant[j]], constant[j], out=cumulative[j])
        cumulative[j] += cumulative[j - 1]
    return cumulative


def _choose(cumulative: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index of the first reaction whose cumulative propensity reaches u·total, u uniform in (0, 1] (so a
    reaction of zero propensity is never chosen; clones with total 0 get index 0, unused)."""
    target = (1.0 - rng.random(cumulative.shape[1])) * cumulative[-1]
    event = np.zeros(cumulative.shape[1], dtype=np.intp)
    for j in range(cumulative.shape[0] - 1):
        event += cumulative[j] < target
    return event


class _OutputIndex:
    """First output index k with times[k] ≥ q for many q at once (numpy.searchsorted's 'left' rule; len(times) for
    q after the last output), through a table over equal bins of [0, last time] and one or two corrections:
    several times faster than searchsorted on unsorted queries."""

    def __init__(self, times: np.ndarray):
        self.times_ext = np.append(times, np.inf)
        t_end = float(times[-1])
        gaps = np.diff(times)
        gaps = gaps[gaps > 0]
        finest = gaps.min() if gaps.size else max(t_end, 1.0)
        self.bins = int(min(max(4 * times.size, 2 * t_end / finest if t_end > 0 else 1), 1 << 20))
        self.scale = self.bins / t_end if t_end > 0 else 0.0
        edges = np.arange(self.bins + 1) / self.scale if t_end > 0 else np.zeros(self.bins + 1)
        # first output ≥ (a hair below) each bin start, so rounding in q·scale can only leave k too low
        self.table = np.searchsorted(times, edges * (1 - 1e-12))

    def __call__(self, q: np.ndarray) -> np.ndarray:
        b = np.minimum(q * self.scale, self.bins) if self.scale else np.zeros_like(q)
        k = self.table[b.astype(np.intp)]
        late = np.flatnonzero(self.times_ext[k] < q)
        while late.size:                               # outputs inside the query's bin
            k[late] += 1
            late = late[self.times_ext[k[late]] < q[late]]
        return k


def simulate_counts(rates: FateRates, n_clones: int, times: np.ndarray, rng: np.random.Generator, *,
                    initial: str = "auto", progress: Progress | None = None) -> np.ndarray:
    """Counts of each species per clone at the output times (exact; divisions by the direct method, post-mitotic
    cells by their own exponential lifetimes, see the module docstring).

    Every change of a count is tallied at the first output time at or after it; the counts at the output times
    are the founders plus the cumulative sums of the tallies.

    Parameters
    ----------
    rates : FateRates
        Fate rates, 1/week.
    n_clones : int
        Number of independent clones, each started from one labelled cell.
    times : numpy.ndarray
        Output times, week, non-decreasing, ≥ 0.
    rng : numpy.random.Generator
        Source of randomness (the result is a deterministic function of its state).
    initial : str
        Founding cell, see `initial_stem_probability`.
    progress : callable, optional
        Called now and then with the simulated fraction of clone-time in [0, 1].

    Returns
    -------
    numpy.ndarray
        int32 array (4, n_clones, len(times)) of (S, A, B, C) counts (a transposed view of a time-major
        array).
    """
    times = np.asarray(times, dtype=float)
    n_times = times.size
    out = np.zeros((n_times, 4, n_clones), dtype=np.int32)
    if n_clones == 0 or n_times == 0:
        return out.transpose(1, 2, 0)
    run = _Running(rates, n_clones, times, rng, initial, n_species=2)     # S, A only
    reactant, constant, stoich = reaction_table(rates)
    divisions = reactant <= PROG
    reactant, constant, stoich = reactant[divisions], constant[divisions], stoich[divisions]
    change = stoich[:, :2].T.astype(float)                 # (S, A) change of each division
    moved = [i for i in range(2) if np.any(change[i])]
    born = stoich[:, BASAL_B].astype(np.intp)              # B cells made by each division (0, 1 or 2)
    visible = (change != 0).any(axis=0) | (born > 0)       # divisions that change a recorded count
    gamma, mu = rates.stratification_rate, rates.shedding_rate
    output_index = _OutputIndex(times)
    t_end = times[-1]
    # Tallies of changes by (first output at or after the change, clone), time-major so that the clones of one
    # iteration write to nearby memory: ΔS, ΔA, B born, B stratified (= C born), C shed. Output index n_times
    # collects changes after the last output. Within one `+=` every clone appears once (one event per clone per
    # iteration), so plain fancy-index addition is exact.
    tally = np.zeros((5, (n_times + 1) * n_clones), dtype=np.int32)
    while run.ids.size and constant.size:
        cumulative = _cumulative(run.x, reactant, constant)
        t_new = run.waiting(cumulative[-1], rng)
        event = _choose(cumulative, rng)
        for i in moved:
            run.x[i] += change[i][event]
        rows = np.flatnonzero((t_new <= t_end) & visible[event])
        if rows.size:
            ev, birth, clone = event[rows], t_new[rows], run.ids[rows]
            at = output_index(birth) * n_clones + clone
            for i in moved:
                d = change[i][ev]
                nz = np.flatnonzero(d)
                tally[i, at[nz]] += d[nz].astype(np.int32)
            n_born = born[ev]
            tally[2, at] += n_born.astype(np.int32)
            for pick in (np.flatnonzero(n_born > 0), np.flatnonzero(n_born > 1)):   # 1st, then 2nd B cell
                if pick.size:
                    stratify = birth[pick] + (rng.standard_exponential(pick.size) / gamma if gamma > 0 else np.inf)
                    shed = stratify + (rng.standard_exponential(pick.size) / mu if mu > 0 else np.inf)
                    tally[3, output_index(stratify) * n_clones + clone[pick]] += 1
                    tally[4, output_index(shed) * n_clones + clone[pick]] += 1
        t_new[t_new > t_end] = np.inf          # finished: no division before the last output
        run.advance(t_new, progress)
    cum = tally.reshape(5, n_times + 1, n_clones)
    np.cumsum(cum, axis=1, out=cum)
    cum = cum[:, :n_times]
    out[:, STEM, :] = run.founder_stem + cum[0]
    out[:, PROG, :] = ~run.founder_stem + cum[1]
    out[:, BASAL_B, :] = cum[2] - cum[3]
    out[:, SUPRA, :] = cum[3] - cum[4]
    if progress is not None:
        progress(1.0)
    return out.transpose(1, 2, 0)


def simulate_counts_direct(rates: FateRates, n_clones: int, times: np.ndarray, rng: np.random.Generator, *,
                           initial: str = "auto", progress: Progress | None = None) -> np.ndarray:
    """Reference kernel: the direct method over every reaction of every species, event by event (same arguments
    and result as `simulate_counts`, same law, different random draws, about three times as many iterations).

    The state holds on [t, t_new) between events, so it is stored at every output time passed in that interval.
    """
    times = np.asarray(times, dtype=float)
    n_times = times.size
    out = np.zeros((n_times, 4, n_clones), dtype=np.int32)
    if n_clones == 0 or n_times == 0:
        return out.transpose(1, 2, 0)
    run = _Running(rates, n_clones, times, rng, initial, n_species=4)
    run.k = np.zeros(n_clones, dtype=np.intp)             # next output index of each clone
    run.per_clone += ["k"]
    times_ext = np.append(times, np.inf)
    flat = out.reshape(-1)
    reactant, constant, stoich = reaction_table(rates)
    change = stoich.T.astype(float)
    moved = [i for i in range(4) if np.any(change[i])]
    while run.ids.size:
        if constant.size:
            cumulative = _cumulative(run.x, reactant, constant)
            t_new = run.waiting(cumulative[-1], rng)
        else:
            t_new = np.full(run.ids.size, np.inf)
        crossed = np.flatnonzero(times_ext[run.k] < t_new)
        while crossed.size:
            at = run.k[crossed] * (4 * n_clones) + run.ids[crossed]     # out[k, species 0, clone]
            for i in range(4):
                flat[at + i * n_clones] = run.x[i, crossed]
            run.k[crossed] += 1
            crossed = crossed[times_ext[run.k[crossed]] < t_new[crossed]]
        t_new[run.k == n_times] = np.inf
        if constant.size:
            event = _choose(cumulative, rng)
            for i in moved:
                run.x[i] += change[i][event]
        run.advance(t_new, progress)
    if progress is not None:
        progress(1.0)
    return out.transpose(1, 2, 0)


# -- exact results (committed-progenitor model) ---------------------------------------------------------------------
def _relaxed(rate: float, t: np.ndarray) -> np.ndarray:
    """(1 − e^{−kt})/k, with its limit t at k = 0 (stable for k ≥ 0)."""
    t = np.asarray(t, dtype=float)
    return t.copy() if rate == 0 else -np.expm1(-rate * t) / rate


def exact_committed_progenitor(rates: FateRates, t: Sequence[float] | np.ndarray) -> dict[str, np.ndarray]:
    """Exact expectations for one labelled committed progenitor at times ``t`` (week).

    Returns progenitor survival 1/(1+a), mean and variance of the progenitor count given survival (1+a, a(1+a)),
    E[A] = 1, E[B] = λ(1 − e^{−Γt})/Γ, E[C] (module docstring; evaluated so that it also holds at μ = Γ, μ = 0 and
    Γ = 0), and
    the long-time mean basal size of basal-surviving clones (1+a)/ρ (asymptotic only).
    """
    if rates.model != "committed-progenitor":
        raise InputError("model", rates.model, "committed-progenitor (exact results exist for it only)")
    t = np.asarray(t, dtype=float)
    lam, gam, mu = rates.division_rate, rates.stratification_rate, rates.shedding_rate
    a = rates.symmetric_fraction * lam * t
    mean_b = lam * _relaxed(gam, t)
    if mu >= gam:   # (e^{−Γt} − e^{−μt})/(μ − Γ) written without overflow
        cross = np.exp(-gam * t) * _relaxed(mu - gam, t)
    else:
        cross = np.exp(-mu * t) * _relaxed(gam - mu, t)
    mean_c = lam * (_relaxed(mu, t) - cross)
    rho = rates.progenitor_fraction
    return {
        "progenitor_survival": 1 / (1 + a),
        "mean_progenitors_surviving": 1 + a,
        "var_progenitors_surviving": a * (1 + a),
        "mean_progenitors": np.ones_like(t),
        "mean_post_mitotic_basal_cells": mean_b,
        "mean_suprabasal_cells": mean_c,
        "mean_basal_cells_surviving_long_time": (1 + a) / rho if rho > 0 else np.full_like(t, np.inf),
    }


# -- statistics ------------------------------------------------------------------------------------------------------
def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b without BLAS (a threaded BLAS dot costs milliseconds per call on small virtual machines)."""
    return float(np.einsum("i,i->", a, b))


class _Moments:
    """Running sums over clones for the Dataset (filled chunk by chunk)."""

    def __init__(self, n_times: int):
        z = lambda: np.zeros(n_times)  # noqa: E731
        self.n = 0
        self.species_sum = np.zeros((4, n_times))
        self.species_sq = np.zeros((4, n_times))
        self.prolif_n, self.prolif_sum, self.prolif_sq = z(), z(), z()
        self.basal_n, self.basal_sum, self.basal_sq, self.total_sum, self.total_sq = z(), z(), z(), z(), z()
        self.ratio_xy = z()
        self.hist = {"progenitor": [], "basal": [], "total": []}

    def add(self, counts: np.ndarray) -> None:
        """Add clones: ``counts`` (4, n_clones, n_times) of (S, A, B, C)."""
        self.n += counts.shape[1]
        for key in self.hist:
            self.hist[key].append([])
        n = counts.shape[1]
        c = np.empty((4, n))                 # buffers reused for every output time (allocation is costly)
        prolif, basal, total = np.empty(n), np.empty(n), np.empty(n)
        for j in range(counts.shape[2]):
            np.copyto(c, counts[:, :, j])
            self.species_sum[:, j] += c.sum(axis=1)
            self.species_sq[:, j] += np.einsum("ij,ij->i", c, c)
            np.add(c[STEM], c[PROG], out=prolif)
            np.add(prolif, c[BASAL_B], out=basal)
            np.add(basal, c[SUPRA], out=total)
            alive_p, alive_b = prolif > 0, basal > 0
            self.prolif_n[j] += np.count_nonzero(alive_p)
            self.prolif_sum[j] += prolif.sum()
            self.prolif_sq[j] += _dot(prolif, prolif)
            self.basal_n[j] += np.count_nonzero(alive_b)
            self.basal_sum[j] += basal.sum()
            self.basal_sq[j] += _dot(basal, basal)
            total_alive = total[alive_b]
            self.total_sum[j] += total_alive.sum()
            self.total_sq[j] += _dot(total_alive, total_alive)
            self.ratio_xy[j] += _dot(prolif, basal)
            for key, size, alive in (("progenitor", prolif, alive_p), ("basal", basal, alive_b),
                                     ("total", total, alive_b)):
                self.hist[key][-1].append(np.bincount(size[alive].astype(np.intp)))

    def histogram(self, key: str, n_size: int) -> np.ndarray:
        n_times = self.prolif_n.size
        h = np.zeros((n_times, n_size))
        for chunk in self.hist[key]:
            for j, counts in enumerate(chunk):
                h[j, :counts.size] += counts
        return h


def _mean_se(s, sq, n):
    """Mean and standard error of the mean from sums (mean NaN where n = 0, SE NaN where n < 2)."""
    n = np.asarray(n, dtype=float)
    mean = np.divide(s, n, out=np.full_like(n, np.nan), where=n > 0)
    var = np.divide(sq - n * np.nan_to_num(mean) ** 2, n - 1, out=np.full_like(n, np.nan), where=n > 1)
    se = np.sqrt(np.clip(var, 0, None), where=np.isfinite(var), out=np.full_like(n, np.nan))
    se = np.divide(se, np.sqrt(n), out=np.full_like(n, np.nan), where=n > 1)
    return mean, se


def _proportion_se(k, n):
    p = k / n
    return p, np.sqrt(p * (1 - p) / n)


def _version() -> str:
    try:
        from dermsim import __version__
        return __version__
    except ImportError:  # pragma: no cover
        from importlib.metadata import version
        return version("dermsim")


def output_times(duration: float | None = None, times: Sequence[float] | None = None,
                 output_every: float | None = None) -> np.ndarray:
    """Output times in weeks: explicit ``times``, or 0, ``output_every``, … up to ``duration`` (inclusive), or
    52 equal steps (53 points) when only ``duration`` is given."""
    if times is not None:
        t = np.asarray(times, dtype=float).ravel()
        if t.size == 0 or not np.all(np.isfinite(t)) or np.any(t < 0) or np.any(np.diff(t) < 0):
            raise InputError("times", list(times), "a non-empty increasing list of times ≥ 0 (week)")
        return t
    if duration is None or not np.isfinite(duration) or duration <= 0:
        raise InputError("duration", duration, "a time > 0 (week)")
    if output_every is None:
        output_every = duration / 52
    if not np.isfinite(output_every) or output_every <= 0:
        raise InputError("output_every", output_every, "a time > 0 (week)")
    n = int(np.floor(duration / output_every + 1e-9))
    if n > 100_000:
        raise InputError("output_every", output_every, "at most 100,000 output times per run")
    t = np.arange(n + 1) * float(output_every)
    return t if np.isclose(t[-1], duration) else np.append(t, duration)


@dataclass
class CloneRun:
    """Raw outcome of `run_clones`: counts (4, n_clones, n_times) of (S, A, B, C) at ``times`` (week)."""

    rates: FateRates
    times: np.ndarray
    counts: np.ndarray
    seed: int | None
    initial: str


def run_clones(rates: FateRates, n_clones: int, times: Sequence[float] | np.ndarray, *, seed: int | None = None,
               rng: np.random.Generator | None = None, initial: str = "auto",
               progress: Callable[[float], object] | None = None) -> CloneRun:
    """Simulate ``n_clones`` clones and keep every clone's counts (memory 16·n_clones·len(times) bytes)."""
    n_clones = _check_clones(n_clones)
    times = output_times(times=times)
    _check_memory(n_clones, times.size, per_clone=True)
    rng = rng if rng is not None else np.random.default_rng(seed)
    counts = simulate_counts(rates, n_clones, times, rng, initial=initial, progress=progress)
    return CloneRun(rates, times, counts, seed, initial)


#: Largest working memory of one kernel call, bytes (≈ 36 bytes per clone and output time, more with per_clone).
MEMORY_LIMIT = 4e9


def _check_memory(n_clones: int, n_times: int, per_clone: bool) -> None:
    need = min(n_clones, CHUNK) * n_times * 36 + (n_clones * n_times * 16 if per_clone else 0)
    if need > MEMORY_LIMIT:
        raise InputError("times", f"{n_times} output times × {n_clones} clones",
                         f"a run needing ≤ {MEMORY_LIMIT / 1e9:g} GB (this one needs ≈ {need / 1e9:.1f} GB): "
                         "fewer output times or clones")


def _check_clones(n_clones) -> int:
    if isinstance(n_clones, bool) or not isinstance(n_clones, int | np.integer) or n_clones <= 0:
        raise InputError("clones", n_clones, "a whole number of clones > 0")
    return int(n_clones)


def check_run(rates: FateRates, n_clones, *, duration: float | None = None, times: Sequence[float] | None = None,
              output_every: float | None = None, initial: str = "auto", per_clone: bool = False):
    """Validate the arguments of `simulate_clones` before any work; returns (n_clones, output times in weeks)."""
    n_clones = _check_clones(n_clones)
    t = output_times(duration, times, output_every)
    initial_stem_probability(rates, initial)
    _check_memory(n_clones, t.size, per_clone)
    return n_clones, t


def simulate_clones(rates: FateRates, n_clones: int, *, duration: float | None = None,
                    times: Sequence[float] | None = None, output_every: float | None = None,
                    seed: int | None = None, initial: str = "auto", per_clone: bool = False,
                    progress: Callable[[float], object] | None = None):
    """Simulate labelled clones and summarise them as an xarray Dataset.

    Parameters
    ----------
    rates : FateRates
        Fate rates (1/week), e.g. ``kinetics.load_preset("clayton2007-mouse-tail")``.
    n_clones : int
        Number of independent clones (each from one labelled cell).
    duration : float, optional
        Last output time, week (with ``output_every``, week, or 52 equal steps).
    times : sequence of float, optional
        Explicit output times, week (instead of ``duration``).
    output_every : float, optional
        Output interval, week.
    seed : int, optional
        Seed of the `numpy.random.Generator` (same seed → same Dataset).
    initial : str
        Founding cell: ``"auto"`` (stem with the steady-state stem fraction, else progenitor), ``"progenitor"``,
        ``"stem"``.
    per_clone : bool
        Also store each clone's counts (variables with dims ``(clone, time)``).
    progress : callable, optional
        ``progress(fraction)`` with fraction in [0, 1].

    Returns
    -------
    xarray.Dataset
        Time coordinate in weeks; survival, means with standard errors (``*_se``), size distributions over
        ``size`` (fractions of the surviving clones), provenance JSON.
    """
    n_clones, t = check_run(rates, n_clones, duration=duration, times=times, output_every=output_every,
                            initial=initial, per_clone=per_clone)
    rng = np.random.default_rng(seed)
    moments = _Moments(t.size)
    kept = []
    done = 0
    for start in range(0, n_clones, CHUNK):
        n = min(CHUNK, n_clones - start)
        report = None
        if progress is not None:
            report = lambda f, done=done, n=n: progress((done + f * n) / n_clones)  # noqa: E731
        counts = simulate_counts(rates, n, t, rng, initial=initial, progress=report)
        moments.add(counts)
        if per_clone:
            kept.append(counts)
        done += n
    return _dataset(rates, t, moments, np.concatenate(kept, axis=1) if per_clone else None,
                    {"clones": n_clones, "seed": seed, "initial": initial})


def summarise(run: CloneRun):
    """The Dataset of `simulate_clones` for an existing `CloneRun` (with per-clone counts)."""
    moments = _Moments(run.times.size)
    moments.add(run.counts)
    return _dataset(run.rates, run.times, moments, run.counts,
                    {"clones": run.counts.shape[1], "seed": run.seed, "initial": run.initial})


def _dataset(rates: FateRates, t: np.ndarray, m: _Moments, counts: np.ndarray | None, settings: dict):
    import xarray as xr

    n = float(m.n)
    ds = xr.Dataset(coords={"time": ("time", t, {"units": "week", "long_name": "time since labelling"})})

    def put(name, values, long_name, units="", dims=("time",)):
        ds[name] = (dims, values, {"units": units, "long_name": long_name})

    p, se = _proportion_se(m.prolif_n, n)
    put("progenitor_survival", p, "fraction of clones with ≥ 1 proliferating cell (A, or S)")
    put("progenitor_survival_se", se, "standard error of progenitor_survival")
    p, se = _proportion_se(m.basal_n, n)
    put("basal_survival", p, "fraction of clones with ≥ 1 basal cell (S, A or B)")
    put("basal_survival_se", se, "standard error of basal_survival")
    put("progenitor_surviving_clones", m.prolif_n, "number of clones with ≥ 1 proliferating cell", "clone")
    put("basal_surviving_clones", m.basal_n, "number of clones with ≥ 1 basal cell", "clone")
    for name, s, sq, nn, long_name in (
            ("mean_progenitors_surviving", m.prolif_sum, m.prolif_sq, m.prolif_n,
             "mean proliferating cells (A + S) per clone with ≥ 1 proliferating cell"),
            ("mean_basal_cells_surviving", m.basal_sum, m.basal_sq, m.basal_n,
             "mean basal cells (S + A + B) per clone with ≥ 1 basal cell"),
            ("mean_total_cells_surviving", m.total_sum, m.total_sq, m.basal_n,
             "mean total cells (S + A + B + C) per clone with ≥ 1 basal cell")):
        mean, se = _mean_se(s, sq, nn)
        put(name, mean, long_name, "cell")
        put(f"{name}_se", se, f"standard error of {name}", "cell")
    for i, (name, what) in enumerate((("mean_stem_cells", "stem cells S"), ("mean_progenitors", "progenitors A"),
                                      ("mean_post_mitotic_basal_cells", "post-mitotic basal cells B"),
                                      ("mean_suprabasal_cells", "suprabasal cells C"))):
        if i == STEM and rates.model != "stem-progenitor":
            continue
        mean, se = _mean_se(m.species_sum[i], m.species_sq[i], np.full_like(t, n))
        put(name, mean, f"mean {what} per labelled clone (all clones, extinct ones count 0)", "cell")
        put(f"{name}_se", se, f"standard error of {name}", "cell")
    # pooled proliferating fraction of basal cells: ratio estimator with a delta-method standard error
    ratio = np.divide(m.prolif_sum, m.basal_sum, out=np.full_like(t, np.nan), where=m.basal_sum > 0)
    var = (m.prolif_sq - 2 * np.nan_to_num(ratio) * m.ratio_xy + np.nan_to_num(ratio) ** 2 * m.basal_sq) / max(n - 1, 1)
    ybar = m.basal_sum / n
    se = np.divide(np.sqrt(np.clip(var, 0, None)), ybar * np.sqrt(n), out=np.full_like(t, np.nan), where=ybar > 0)
    put("proliferating_fraction", ratio, "pooled fraction of proliferating cells among labelled basal cells")
    put("proliferating_fraction_se", se, "standard error of proliferating_fraction (delta method)")

    n_size = 1 + max((len(c) - 1 for chunk in m.hist["total"] + m.hist["basal"] + m.hist["progenitor"]
                      for c in chunk), default=0)
    ds = ds.assign_coords(size=("size", np.arange(n_size), {"units": "cell", "long_name": "cells per clone"}))
    for key, nn, what in (("basal", m.basal_n, "basal cells among clones with ≥ 1 basal cell"),
                          ("total", m.basal_n, "total cells among clones with ≥ 1 basal cell"),
                          ("progenitor", m.prolif_n, "proliferating cells among clones with ≥ 1 of them")):
        h = m.histogram(key, n_size)
        frac = np.divide(h, nn[:, None], out=np.zeros_like(h), where=nn[:, None] > 0)
        put(f"{key}_size_distribution", frac, f"fraction of clones with this number of {what}", "",
            ("time", "size"))
    if counts is not None:
        ds = ds.assign_coords(clone=("clone", np.arange(counts.shape[1]), {"units": "", "long_name": "clone index"}))
        for i, name in enumerate(("stem_cells", "progenitor_cells", "post_mitotic_basal_cells", "suprabasal_cells")):
            if i == STEM and rates.model != "stem-progenitor":
                continue
            put(name, counts[i], f"{name.replace('_', ' ')} in each clone", "cell", ("clone", "time"))

    provenance = {
        "dermsim_version": _version(),
        "model": "epidermis clone simulation (exact continuous-time Markov chain, Gillespie direct method)",
        "fate_rates": rates.to_dict(),
        "settings": settings | {"times_week": [float(x) for x in t]},
        "definitions": {
            "progenitor_survival": "clone holds >= 1 proliferating cell (A, or S in the stem-progenitor model)",
            "basal_survival": "clone holds >= 1 basal cell (S, A or B)",
            "mean_basal_cells_surviving": "over clones with >= 1 basal cell",
            "mean_total_cells_surviving": "over clones with >= 1 basal cell",
            "size distributions": "fractions of the surviving clones of the same definition",
        },
        "citations": ["Clayton et al. 2007 Nature 446:185", "Klein et al. 2007 Phys Rev E 76:021910",
                      "Gillespie 1977 J Phys Chem 81:2340"] + (
            ["Mascre et al. 2012 Nature 489:257", "Piedrafita et al. 2020 Nat Commun 11:1429"]
            if rates.model == "stem-progenitor" else []),
    }
    ds.attrs["title"] = f"dermsim epidermal clones: {rates.name}"
    ds.attrs["dermsim_version"] = provenance["dermsim_version"]
    ds.attrs["provenance"] = json.dumps(provenance, ensure_ascii=False)
    return ds


# -- comparison with exact results and key figures --------------------------------------------------------------------
#: Simulated variable → exact expression compared by `compare_with_exact` (committed-progenitor model).
EXACT_LAWS = {
    "progenitor_survival": "1/(1+rλt)",
    "mean_progenitors_surviving": "1+rλt",
    "mean_progenitors": "E[A] = 1",
    "mean_post_mitotic_basal_cells": "(λ/Γ)(1−e^{−Γt})",
    "mean_suprabasal_cells": "E[C], Klein et al. 2007",
}


def compare_with_exact(ds, rates: FateRates, times: Sequence[float] | None = None) -> list[dict]:
    """Rows (quantity, law, time, exact, simulated, se, z) comparing a clone Dataset with the exact
    committed-progenitor results at ``times`` (week; default: every output time > 0). Empty for other models."""
    if rates.model != "committed-progenitor":
        return []
    t_all = ds["time"].values
    pick = [i for i, x in enumerate(t_all) if x > 0] if times is None else \
        [int(np.argmin(np.abs(t_all - x))) for x in times]
    exact = exact_committed_progenitor(rates, t_all)
    rows = []
    for name, law in EXACT_LAWS.items():
        for i in pick:
            sim, se = float(ds[name].values[i]), float(ds[f"{name}_se"].values[i])
            ex = float(exact[name][i])
            z = (sim - ex) / se if se > 0 else (0.0 if sim == ex else float("inf"))
            rows.append({"quantity": name, "law": law, "time_week": float(t_all[i]), "exact": ex,
                         "simulated": sim, "se": se, "z": z})
    return rows


def key_figures(ds, rates: FateRates) -> dict:
    """Figures at the last output time (simulated ± SE, exact where known) and the preset's steady-state times."""
    i = -1
    t = float(ds["time"].values[i])

    def value(name):
        out = {"value": float(ds[name].values[i])}
        if f"{name}_se" in ds:
            out["se"] = float(ds[f"{name}_se"].values[i])
        return out

    figures = {"time_week": t}
    for name in ("progenitor_survival", "basal_survival", "mean_progenitors_surviving", "mean_basal_cells_surviving",
                 "mean_total_cells_surviving", "proliferating_fraction"):
        figures[name] = value(name)
    figures["proliferating_fraction"]["steady_state"] = rates.progenitor_fraction
    if rates.model == "committed-progenitor":
        exact = exact_committed_progenitor(rates, [t])
        figures["progenitor_survival"]["exact"] = float(exact["progenitor_survival"][0])
        figures["mean_progenitors_surviving"]["exact"] = float(exact["mean_progenitors_surviving"][0])
        figures["mean_basal_cells_surviving"]["long_time_limit"] = float(
            exact["mean_basal_cells_surviving_long_time"][0])
    week_to_day = 7.0
    figures["steady_state"] = {
        "progenitor_fraction": rates.progenitor_fraction,
        "stem_fraction_of_proliferating": rates.stem_fraction,
        "basal_production_per_basal_cell_per_week": rates.basal_production_rate,
        "basal_turnover_days": rates.basal_turnover_time * week_to_day,
        "post_mitotic_basal_residence_days": rates.post_mitotic_basal_residence * week_to_day,
        "suprabasal_residence_days": rates.suprabasal_residence * week_to_day,
        "basal_to_shed_transit_days": rates.basal_to_shed_transit * week_to_day,
        "suprabasal_to_basal_ratio": rates.suprabasal_to_basal_ratio,
    }
    return figures


def _few_times(t: np.ndarray, n: int = 5) -> list[float]:
    """Up to ``n`` evenly spread positive output times (week)."""
    t = t[t > 0]
    return [] if t.size == 0 else [float(x) for x in t[np.unique(np.linspace(0, t.size - 1, n).round().astype(int))]]


def save(ds, rates: FateRates, out_dir, *, plots: bool = True) -> list:
    """Write clones.nc, summary.json (fate rates with sources, key figures at the last time, comparison with the
    exact laws, dermsim version) and, with ``plots``, the PNGs of `clone_plots.save_all` into ``out_dir``; each
    file atomically."""
    from pathlib import Path

    from dermsim.results import _clean, atomic_write

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "clones.nc", out / "summary.json"]
    atomic_write(written[0], lambda p: ds.to_netcdf(p, engine="netcdf4"))
    provenance = json.loads(ds.attrs["provenance"])
    summary = {"dermsim_version": ds.attrs["dermsim_version"], "fate_rates": rates.to_dict(),
               "settings": provenance["settings"], "definitions": provenance["definitions"],
               "key_figures": key_figures(ds, rates),
               "exact_comparison": compare_with_exact(ds, rates, _few_times(ds["time"].values)),
               "citations": provenance["citations"]}
    text = json.dumps(_clean(summary), indent=2, ensure_ascii=False)
    atomic_write(written[1], lambda p: Path(p).write_text(text + "\n", "utf-8"))
    if plots:
        from dermsim.epidermis.clone_plots import save_all

        written += save_all(ds, rates, out)
    return written
