"""Exact stochastic kernels of labelled epidermal clones (continuous-time Markov chain).

Each clone starts from one labelled proliferating cell and evolves by the reactions of
:mod:`dermsim.epidermis.kinetics` with exponential waiting times, as in Clayton et al. 2007 and Klein et al. 2007.
Clones are independent, so the simulation is vectorised over clones: one iteration advances every clone that is
still running by one event (numpy arrays of counts, no Python loop over clones). A clone stops when its next
event falls after the last output time, or when nothing in it can change any more.

Two exact numpy kernels draw from the same law:

`simulate_counts` (used by `dermsim.epidermis.clones.simulate_clones`)
    Proliferating cells (A, and S) by Gillespie's direct method: with division propensities k_j·x_{s(j)}, the next
    division comes after Exp(Σ_j k_j x_{s(j)}) and is division j with probability ∝ k_j x_{s(j)}. Post-mitotic cells
    never divide and do not influence divisions, and each one stratifies and is shed independently after
    memoryless waiting times, so every B cell born at time s is given its own stratification time s + Exp(Γ) and
    shedding time + Exp(μ) on the spot (first-reaction method for independent cells), and is added to the B and C
    counts of the output times it spans. This is exact and skips the B → C and C → ∅ events.
`simulate_counts_direct` (reference, used by the tests)
    The direct method over all reactions and species, event by event.

References
----------
Clayton E et al. 2007 Nature 446:185. Klein AM, Doupé DP, Jones PH, Simons BD 2007 Phys Rev E 76:021910.
Gillespie DT 1977 J Phys Chem 81:2340. Mascré G et al. 2012 Nature 489:257.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from dermsim.epidermis.kinetics import FateRates
from dermsim.errors import InputError

#: Species order in every count array.
SPECIES = ("stem", "progenitor", "post_mitotic_basal", "suprabasal")
STEM, PROG, BASAL_B, SUPRA = range(4)
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
