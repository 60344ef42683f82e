"""Spatial epidermis: a periodic 2D basal lattice under neutral drift, with suprabasal columns above it.

`TissueLattice` holds the state and its events and advances it one step at a time; its suprabasal columns are
kept by `dermsim.epidermis.lattice_columns.SuprabasalColumns`, its array kernels live in
`dermsim.epidermis.lattice_kernel`. Parameters: `dermsim.epidermis.lattice_parameters`; the time loop that records
a run: `dermsim.epidermis.lattice_run`. Perturbations (`dermsim.epidermis.perturb`) act through the primitives
`TissueLattice.remove_cells` and `TissueLattice.strip_stratum_corneum` and through a proliferation factor.
"""

from __future__ import annotations

import math

import numpy as np

from dermsim.epidermis.lattice_columns import SuprabasalColumns
from dermsim.epidermis.lattice_kernel import (BARE, PROGENITOR, STEM, UNLIMITED, VACANT, _numba_turnover,
                                              bernoulli_sites, first_occurrence, neighbours, pick_weighted,
                                              wound_distance)
from dermsim.epidermis.lattice_parameters import TissueParameters
from dermsim.errors import InputError

#: Layers in the order of `TissueLattice.layer_cells` (and of every per-layer array of a run).
LAYERS = ("basal", "spinous", "granular", "stratum_corneum")


class TissueLattice(SuprabasalColumns):
    r"""Basal layer on a periodic square lattice with a suprabasal column of cells above every site.

    **Basal layer.** Each site holds one basal cell — a progenitor P or a stem cell S — or is free (VACANT:
    covered by epithelium but without a basal cell; BARE: open wound). Every cell carries a clone label, a
    pulse-chase label token and, for progenitors, a repair budget g.

    *Homeostasis (stratification-coupled neutral drift; Klein et al. 2008 Phys Rev E 77:031907, division
    triggered by a neighbour's delamination, Mesa et al. 2018 Cell Stem Cell 23:677).* In each step Δt every
    progenitor stratifies with probability

    .. math:: p = 1 - \exp(-\Gamma_b f(t) \Delta t),

    where f(t) is the proliferation factor of the perturbations (daily rhythm, barrier stress). Its site is refilled
    in the same step by the division of one of its four neighbours, chosen with weight 1 (P) or wS (S); the
    daughter inherits the clone label. All choices use the state at the start of the step (synchronous update).
    A stem mother gives S + S with probability rS, P + P with rS (the mother becomes P) and S + P otherwise.
    Stem cells never stratify. With stem fraction 0 this is the two-dimensional voter model in which every site
    copies a random neighbour at rate Γb: each clone's size is a martingale and single-cell clones survive with
    probability :math:`p_\tau \sim \ln\tau / (\pi\tau)`, τ = Γb t (Bramson & Griffeath 1980).

    *Invariant:* a stratifying cell with at least one occupied neighbour is replaced in the same step, so in a
    fully occupied lattice the number of basal cells is exactly constant.

    *Repair.* A free site next to cells that can divide is filled with probability 1 − exp(−Σ_j λ_j f Δt / n_j),
    summed over neighbours j that are stem cells (λ_j = λS,R) or progenitors with budget g > 0 (λ_j = λR), where n_j
    is the number of free neighbours of j (a cell divides at λ_j in total). A stem daughter is a stem cell with
    probability sR, else a progenitor with budget G; a progenitor's division lowers the budget of mother and
    daughter by one (budgets of `UNLIMITED` never fall). A progenitor with budget 0 is post-mitotic: it can still
    replace a stratifying neighbour but stratifies itself at ΓB ≥ Γb (the preset's post-mitotic rate), making room
    for cells behind it. Stem cells are therefore the only cells whose lineages can expand without limit: after a
    loss of stem cells, progenitors fill the gap only as far as their budgets reach, and the rest must wait for
    stem-derived lineages to arrive from the edge — that is why repair without stem cells is slow.

    *Open wounds (BARE).* After a lag the epithelium advances over the wound at speed v: a bare site at distance
    d from the wound edge is covered at :math:`t_w + t_{lag} + (d - 1/2) a / v` (a: cell spacing). The covering
    cell, with its suprabasal column, is taken from a random occupied site outside the wound, less than the
    recruitment radius beyond its edge (a disc of radius W + d around the site); that site becomes VACANT and is
    refilled by repair divisions (the sheet moves in; the deficit is repaired behind it). If eight draws find
    no such cell, the site is covered without a basal cell (VACANT).

    **Suprabasal columns.** A stratified cell enters the column of its site and passes through the spinous,
    granular and cornified layers in fixed times :math:`T_{sp}, T_{gr}, T_{sc}` (rounded to whole steps); it is
    shed at age :math:`T_{sp}+T_{gr}+T_{sc}`. Each column is a ring buffer of birth steps; global and per-region
    histograms of birth steps give the layer counts at any time (`SuprabasalColumns`).

    References
    ----------
    Bramson M, Griffeath D 1980 Z Wahrscheinlichkeitstheorie verw Geb 53:183 (voter-model asymptotics).
    Klein AM, Doupé DP, Jones PH, Simons BD 2008 Phys Rev E 77:031907. Mesa KR et al. 2018 Cell Stem Cell
    23:677. Mascré G et al. 2012 Nature 489:257; Aragona M et al. 2017 Nat Commun 8:14684 (stem cells in
    repair). Parameter sources: ``parameters/epidermis_tissue.toml``.

    Parameters
    ----------
    params : TissueParameters
    rng : numpy.random.Generator
    n_steps : int
        Steps the lattice will be advanced (sizes the birth histograms).
    kernel : str
        ``"auto"`` (numba if installed, else numpy), ``"numba"`` or ``"numpy"`` for the turnover kernel; both give
        the same result for the same random numbers.
    """

    def __init__(self, params: TissueParameters, rng: np.random.Generator, n_steps: int, kernel: str = "auto"):
        if kernel not in ("auto", "numba", "numpy"):
            raise InputError("kernel", kernel, "auto | numba | numpy", ("auto", "numba", "numpy"))
        if kernel == "numba" and _numba_turnover() is None:
            raise InputError("kernel", kernel, "auto or numpy (numba is not installed)")
        self.params, self.rng, self.kernel = params, rng, kernel
        p = params
        n = p.n_sites
        self.shape = p.shape
        self.kind = np.full(n, PROGENITOR, np.uint8)
        n_stem = int(round(p.stem_fraction * n))
        if n_stem:
            self.kind[rng.choice(n, n_stem, replace=False)] = STEM
        self.budget = np.full(n, p.progenitor_repair_divisions, np.uint8)
        self.clone = np.arange(n, dtype=np.int32)
        self.token = np.zeros(n, bool)
        self.region = np.zeros(n, np.int16)
        self._mark = np.zeros(n, np.uint8)  # scratch for the numba kernel (all zero between calls)
        self.cover_time = np.full(n, np.inf)
        self.depth = None  # distance (sites) of open-wound sites from the wound edge
        self.free = np.empty(0, np.int64)
        self.bare = np.empty(0, np.int64)
        self.exhausted = False  # whether any progenitor may have used up its repair budget
        self.basal_cells = n  # kept up to date by every change of occupancy
        self.now = 0  # steps taken
        self.divisions = 0  # division events in the last step
        self.unfilled = 0  # stratifications without an occupied neighbour
        self.labelled_removed = 0
        self._init_columns(n_steps)

    # -- basal perturbations ---------------------------------------------------------------------------------------
    def remove_cells(self, sites: np.ndarray, *, bare: bool, t_now: float, margin: int = 0) -> int:
        """Kill the basal cells of ``sites``.

        ``bare=True`` opens a wound: the columns above are destroyed and the sites are covered by migration
        (times from `wound_distance`, ``margin`` = padding in sites); else they become VACANT under intact
        columns. Returns the number of cells removed."""
        sites = np.unique(np.asarray(sites, np.int64))
        occupied = self.kind[sites] >= PROGENITOR
        self.labelled_removed += int(self.token[sites].sum())
        self.kind[sites] = BARE if bare else VACANT
        self.clone[sites] = -1
        self.token[sites] = False
        self.budget[sites] = 0
        self.free = np.union1d(self.free, sites)
        self.basal_cells -= int(occupied.sum())
        if bare:
            self.wipe_columns(sites)
            mask = np.zeros(self.params.n_sites, bool)
            mask[self.free] = self.kind[self.free] == BARE
            dist = wound_distance(mask.reshape(self.shape), margin + 2).ravel()[sites]
            p = self.params
            self.cover_time[sites] = t_now + p.migration_lag + np.maximum(dist - 0.5, 0) * p.cell_spacing / p.edge_speed
            if self.depth is None:
                self.depth = np.zeros(p.n_sites, np.float32)
            self.depth[sites] = dist
            self.bare = np.union1d(self.bare, sites)
        return int(occupied.sum())

    def label_pulse(self, fraction: float) -> int:
        """Give a label token to a random ``fraction`` of the basal cells (pulse); returns the cohort size."""
        occ = np.flatnonzero(self.kind >= PROGENITOR)
        chosen = occ[self.rng.random(occ.size) < fraction] if fraction < 1 else occ
        self.token[:] = False
        self.token[chosen] = True
        self.labelled_removed = 0
        self.label_hist[:] = 0
        self.births[(self.births & 1) == 1] -= 1  # earlier labels in the columns are cleared (DEAD is even)
        return int(chosen.size)

    # -- dynamics --------------------------------------------------------------------------------------------------
    def step(self, factor: float = 1.0) -> None:
        """Advance one time step with proliferation factor ``factor``."""
        self.now += 1
        self.divisions = self._turnover(factor) + self._repair(factor)
        if self.bare.size:
            self._migrate(self.now * self.params.time_step)

    def _daughters(self, mothers: np.ndarray, repair: bool, v: np.ndarray) -> tuple[np.ndarray, ...]:
        """Kind, budget and 'mother becomes progenitor' of the daughters of ``mothers`` (state before the step);
        ``v`` holds one uniform per division for the stem-cell fate."""
        p = self.params
        mk = self.kind[mothers]
        mb = self.budget[mothers]
        kind = np.full(mothers.size, PROGENITOR, np.uint8)
        budget = mb.copy()
        stem = mk == STEM
        to_progenitor = np.zeros(mothers.size, bool)
        if repair:
            kind[stem & (v < p.stem_self_renewal_in_repair)] = STEM
            limited = (~stem) & (mb != UNLIMITED)
            budget[limited] = mb[limited] - 1
        else:
            kind[stem & (v < p.stem_symmetric_fraction)] = STEM
            to_progenitor = stem & (v >= 1 - p.stem_symmetric_fraction)
        budget[stem] = p.progenitor_repair_divisions
        return kind, budget, to_progenitor

    def _divide_into(self, sites: np.ndarray, mothers: np.ndarray, repair: bool, exclude: np.ndarray,
                     v: np.ndarray, coin: np.ndarray) -> None:
        """Daughters of ``mothers`` take ``sites``; mothers in ``exclude`` (stratifying now) keep nothing back.

        ``v``, ``coin``: one uniform each per division (stem fate; whether a label token passes to the daughter).
        """
        kind, budget, to_progenitor = self._daughters(mothers, repair, v)
        stay = ~np.isin(mothers, exclude) if exclude.size else np.ones(mothers.size, bool)
        give = self.token[mothers] & (coin < 0.5) & first_occurrence(mothers) & stay
        clone = self.clone[mothers]
        if repair:
            limited = (self.kind[mothers] == PROGENITOR) & (self.budget[mothers] != UNLIMITED)
        self.kind[sites] = kind
        self.budget[sites] = budget
        self.clone[sites] = clone
        self.token[sites] = give
        self.token[mothers[give]] = False
        conv = to_progenitor & stay
        if conv.any():
            self.kind[mothers[conv]] = PROGENITOR
            self.budget[mothers[conv]] = self.params.progenitor_repair_divisions
        if repair and limited.any():
            m, count = np.unique(mothers[limited], return_counts=True)
            self.budget[m] = np.maximum(self.budget[m].astype(np.int64) - count, 0)
            self.exhausted = True

    def _turnover(self, factor: float) -> int:
        p = self.params
        prob = -math.expm1(-p.stratification_rate * factor * p.time_step)
        if self.exhausted and p.exhausted_stratification_rate > p.stratification_rate:
            # one pass at the faster rate, thinned to the slower one for cells that still have a budget
            high = -math.expm1(-p.exhausted_stratification_rate * factor * p.time_step)
            sites = bernoulli_sites(self.rng, p.n_sites, high)
            keep = (self.kind[sites] == PROGENITOR) & ((self.budget[sites] == 0)
                                                        | (self.rng.random(sites.size) * high < prob))
            sites = sites[keep]
        else:
            sites = bernoulli_sites(self.rng, p.n_sites, prob)
            sites = sites[self.kind[sites] == PROGENITOR]
        if not sites.size:
            return 0
        draws = self.rng.random((3, sites.size))
        fast = _numba_turnover() if self.kernel != "numpy" else None
        if fast is not None:
            n_ok, overflow, removed, lost = fast(
                sites, draws[0], draws[1], draws[2], self.kind, self.budget, self.clone, self.token, self.births,
                self.head, self.hist, self.label_hist, self.region, self.region_hist, self._mark, self.now,
                self.offset, self.n_tot, self.shape[0], self.shape[1], p.stem_division_weight,
                p.stem_symmetric_fraction, p.progenitor_repair_divisions)
            self.overflow += overflow
            self.labelled_removed += removed
        else:
            n_ok, lost = self.turnover_numpy(sites, draws)
        if lost.size:
            self.unfilled += lost.size
            self.basal_cells -= lost.size
            self.free = np.union1d(self.free, lost)
        return int(n_ok)

    def turnover_numpy(self, sites: np.ndarray, draws: np.ndarray) -> tuple[int, np.ndarray]:
        """Reference kernel of one step of homeostatic turnover (vectorised numpy).

        ``sites``: stratifying progenitor sites (sorted); ``draws`` (3, k): uniforms for the neighbour choice,
        the stem fate and the label coin of each event. Returns (divisions, sites left vacant).
        `lattice_kernel._turnover_loop` (compiled by numba) does the same, event by event.
        """
        p = self.params
        self._push(sites, self.now)
        nb = neighbours(sites, self.shape)
        knb = self.kind[nb]
        w = (knb == PROGENITOR).astype(float) + (knb == STEM) * p.stem_division_weight
        idx, ok = pick_weighted(w, draws[0])
        mothers = nb[np.arange(sites.size), idx][ok]
        self._divide_into(sites[ok], mothers, False, sites, draws[1][ok], draws[2][ok])
        lost = sites[~ok]
        if lost.size:
            self.kind[lost] = VACANT
            self.clone[lost] = -1
            self.token[lost] = False
            self.budget[lost] = 0
        return int(ok.sum()), lost

    def _repair(self, factor: float) -> int:
        if not self.free.size:
            return 0
        p = self.params
        free = self.free
        nb = neighbours(free, self.shape)
        knb, bnb = self.kind[nb], self.budget[nb]
        stem = knb == STEM
        capable = stem | ((knb == PROGENITOR) & (bnb > 0))
        if not capable.any():
            return 0
        nfree = (self.kind[neighbours(nb.ravel(), self.shape)] < PROGENITOR).sum(axis=1).reshape(nb.shape)
        rate = np.where(stem, p.stem_repair_division_rate, p.repair_division_rate) * capable / np.maximum(nfree, 1)
        total = rate.sum(axis=1) * factor
        fill = self.rng.random(free.size) < -np.expm1(-total * p.time_step)
        rows = np.flatnonzero(fill)
        if not rows.size:
            return 0
        draws = self.rng.random((3, rows.size))
        idx, _ = pick_weighted(rate[rows], draws[0])
        sites, mothers = free[rows], nb[rows, idx]
        self._divide_into(sites, mothers, True, np.empty(0, np.int64), draws[1], draws[2])
        self.free = free[~fill]
        self.cover_time[sites] = np.inf
        self.basal_cells += rows.size
        return int(rows.size)

    def _migrate(self, t: float) -> None:
        bare = self.bare[self.kind[self.bare] == BARE]
        due = bare[self.cover_time[bare] <= t]
        self.bare = bare[self.cover_time[bare] > t]
        if not due.size:
            return
        p, rng = self.params, self.rng
        ny, nx = self.shape
        y, x = np.divmod(due, nx)
        radius = p.recruitment_radius / p.cell_spacing + self.depth[due]  # reaches W beyond the wound edge
        donor = np.full(due.size, -1, np.int64)
        for _ in range(8):
            need = np.flatnonzero(donor < 0)
            if not need.size:
                break
            r = radius[need] * np.sqrt(rng.random(need.size))
            th = 2 * np.pi * rng.random(need.size)
            cand = ((y[need] + np.rint(r * np.sin(th)).astype(np.int64)) % ny) * nx + \
                   (x[need] + np.rint(r * np.cos(th)).astype(np.int64)) % nx
            good = ((self.kind[cand] >= PROGENITOR) & (self.region[cand] != self.region[due[need]])
                    & first_occurrence(cand) & ~np.isin(cand, donor))
            donor[need[good]] = cand[good]
        got = donor >= 0
        dst, src = due[got], donor[got]
        for arr in (self.kind, self.budget, self.clone, self.token):
            arr[dst] = arr[src]
        self._move_columns(src, dst)
        self.kind[src] = VACANT
        self.clone[src] = -1
        self.token[src] = False
        self.budget[src] = 0
        self.kind[due[~got]] = VACANT
        self.cover_time[due] = np.inf
        self.free = np.union1d(np.setdiff1d(self.free, dst, assume_unique=True), src)

    # -- observation -----------------------------------------------------------------------------------------------
    def layer_cells(self) -> np.ndarray:
        """Cells in (basal, spinous, granular, SC) on the whole lattice."""
        return np.concatenate(([np.count_nonzero(self.kind >= PROGENITOR)], self._windows(self.hist)))

    def labelled_cells(self) -> np.ndarray:
        """Labelled cells in (basal, spinous, granular, SC)."""
        return np.concatenate(([np.count_nonzero(self.token)], self._windows(self.label_hist)))

    def region_stats(self) -> dict[str, np.ndarray]:
        """Per region id (0 = none): sites, basal cells, covered sites, stem cells, suprabasal cells by layer."""
        nreg = self.region_hist.shape[0]
        by_kind = np.bincount(self.region.astype(np.int64) * 4 + self.kind, minlength=4 * nreg).reshape(nreg, 4)
        return {"sites": by_kind.sum(axis=1), "cells": by_kind[:, PROGENITOR] + by_kind[:, STEM],
                "covered": by_kind.sum(axis=1) - by_kind[:, BARE], "stem": by_kind[:, STEM],
                "columns": self._windows(self.region_hist)}

    def clone_map(self) -> np.ndarray:
        """(ny, nx) clone labels (−1 = no basal cell)."""
        return self.clone.reshape(self.shape).copy()

