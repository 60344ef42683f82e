"""Suprabasal columns of the spatial epidermis: the cells above each basal site, as birth steps.

`SuprabasalColumns` is the half of `dermsim.epidermis.lattice.TissueLattice` that keeps the columns. A stratified
cell is stored in the ring buffer ``births[site]`` as the code ``2 × birth step + label``; it is alive while its
age is below ``n_tot`` steps and sits in the spinous, granular or cornified layer according to its age (fixed
transits ``n_sp``, ``n_gr``, ``n_sc``). Histograms of birth steps — over the whole lattice (``hist``), over labelled
cells (``label_hist``) and per region (``region_hist``, row = region id, row 0 untracked) — give the layer counts
at any time without visiting the columns. Index ``stamp + offset`` of a histogram holds birth step ``stamp``.

The class reads the basal state of the lattice it is part of: ``kind``, ``token``, ``region``, ``rng``, ``now``,
``params``, ``shape`` and the counter ``labelled_removed``.
"""

from __future__ import annotations

import math

import numpy as np

from dermsim.epidermis.lattice_kernel import DEAD, PROGENITOR
from dermsim.errors import InputError


class SuprabasalColumns:
    """Ring buffers of birth codes above every basal site and their birth-step histograms (see the module
    docstring); mixed into `TissueLattice`, which calls `_init_columns` last in its constructor."""

    def _init_columns(self, n_steps: int) -> None:
        """Transit steps, histograms sized for ``n_steps`` more steps, column capacity, steady-state columns."""
        p = self.params
        self.overflow = 0  # column cells pushed out of a full ring buffer while still alive
        self.n_sp, self.n_gr, self.n_sc = p.transit_steps
        self.n_tot = self.n_sp + self.n_gr + self.n_sc
        self.offset = self.n_tot
        size = self.offset + n_steps + 2
        self.hist = np.zeros(size, np.int64)
        self.label_hist = np.zeros(size, np.int64)
        self.region_hist = np.zeros((1, size), np.int64)
        mean_column = p.stratification_rate * self.n_tot * p.time_step
        self.capacity = int(min(64, max(12, math.ceil(4 * mean_column + 10))))
        self._fill_columns()

    def _fill_columns(self) -> None:
        """Steady-state columns: each progenitor site stratified as a Poisson process over the last n_tot steps."""
        p, n, m = self.params, self.params.n_sites, self.capacity
        rate = p.stratification_rate * p.time_step
        counts = np.where(self.kind == PROGENITOR, self.rng.poisson(rate * self.n_tot, n), 0)
        counts = np.minimum(counts, m)
        site = np.repeat(np.arange(n), counts)
        stamps = self.rng.integers(-self.n_tot + 1, 1, size=site.size)
        order = np.lexsort((stamps, site))  # oldest first within each column
        site, stamps = site[order], stamps[order]
        slot = np.arange(site.size) - np.repeat(np.cumsum(counts) - counts, counts)
        self.births = np.full((n, m), DEAD, np.int32)
        self.births[site, slot] = 2 * stamps
        self.head = (counts % m).astype(np.uint8)
        self.hist[: self.offset + 1] = np.bincount(stamps + self.offset, minlength=self.offset + 1)

    def _push(self, sites: np.ndarray, stamp: int) -> None:
        """Stratified cells of ``sites`` enter their columns with birth step ``stamp``."""
        h = self.head[sites]
        old = self.births[sites, h]
        live = self._alive(old)
        if live.any():
            self.overflow += int(live.sum())
            self._forget(old[live], sites[live])
        labels = self.token[sites]
        self.births[sites, h] = 2 * stamp + labels
        self.head[sites] = (h + 1) % self.capacity
        self.hist[stamp + self.offset] += sites.size
        self.label_hist[stamp + self.offset] += int(labels.sum())
        if self.region_hist.shape[0] > 1:
            self.region_hist[:, stamp + self.offset] += np.bincount(self.region[sites],
                                                                    minlength=self.region_hist.shape[0])

    def _alive(self, codes: np.ndarray) -> np.ndarray:
        return (self.now - (codes.astype(np.int64) >> 1)) < self.n_tot

    def _forget(self, codes: np.ndarray, sites: np.ndarray) -> None:
        """Remove column cells (codes, their sites) from the birth histograms."""
        idx = (codes.astype(np.int64) >> 1) + self.offset
        np.subtract.at(self.hist, idx, 1)
        lab = (codes & 1).astype(bool)
        np.subtract.at(self.label_hist, idx[lab], 1)
        self.labelled_removed += int(lab.sum())
        reg = self.region[sites]
        tracked = reg > 0
        if tracked.any():
            np.subtract.at(self.region_hist, (reg[tracked], idx[tracked]), 1)

    def wipe_columns(self, sites: np.ndarray) -> int:
        """Destroy the suprabasal columns above ``sites``; returns the cells removed."""
        codes = self.births[sites]
        live = self._alive(codes)
        self._forget(codes[live], np.repeat(sites, live.sum(axis=1)))
        self.births[sites] = DEAD
        return int(live.sum())

    def _move_columns(self, src: np.ndarray, dst: np.ndarray) -> None:
        """Move whole columns src → dst (dst columns must be empty)."""
        codes = self.births[src]
        live = self._alive(codes)
        moved = self.region[src] != self.region[dst]
        if moved.any():
            rows = np.repeat(np.arange(src.size), live.sum(axis=1))
            idx = (codes[live].astype(np.int64) >> 1) + self.offset
            for regions, sign in ((self.region[src][rows], -1), (self.region[dst][rows], 1)):
                sel = moved[rows] & (regions > 0)
                np.add.at(self.region_hist, (regions[sel], idx[sel]), sign)
        self.births[dst] = codes
        self.head[dst] = self.head[src]
        self.births[src] = DEAD

    def new_region(self, sites: np.ndarray) -> int:
        """Give ``sites`` a new region id (for recovery curves); their column cells follow them."""
        rid = self.region_hist.shape[0]
        if rid > np.iinfo(np.int16).max:
            raise InputError("perturbation", rid, "at most 32767 spatial perturbation events")
        self.region_hist = np.vstack((self.region_hist, np.zeros(self.region_hist.shape[1], np.int64)))
        codes = self.births[sites]
        live = self._alive(codes)
        rows = np.repeat(np.arange(sites.size), live.sum(axis=1))
        idx = (codes[live].astype(np.int64) >> 1) + self.offset
        old = self.region[sites][rows]
        np.subtract.at(self.region_hist, (old[old > 0], idx[old > 0]), 1)
        self.region[sites] = rid
        np.add.at(self.region_hist[rid], idx, 1)
        return rid

    def strip_stratum_corneum(self, fraction: float) -> int:
        """Remove the outermost ``fraction`` of the stratum corneum (whole birth cohorts, oldest first) everywhere.

        Returns the number of cells removed."""
        lo = self.now - self.n_tot + 1 + self.offset  # oldest live cohort
        hi = self.now - self.n_sp - self.n_gr + 1 + self.offset  # SC cohorts: [lo, hi)
        sc = self.hist[lo:hi]
        target = fraction * sc.sum()
        if target <= 0:
            return 0
        cut = lo + int(np.searchsorted(np.cumsum(sc), target))  # cohorts [lo, cut] go
        cut_stamp = cut - self.offset
        codes = self.births
        gone = (codes != DEAD) & ((codes >> 1) <= cut_stamp)
        removed = int(self.hist[lo:cut + 1].sum())
        self.labelled_removed += int(self.label_hist[lo:cut + 1].sum())
        self.hist[:cut + 1] = 0
        self.label_hist[:cut + 1] = 0
        self.region_hist[:, :cut + 1] = 0
        codes[gone] = DEAD
        return removed

    # -- observation -----------------------------------------------------------------------------------------------
    def _windows(self, hist: np.ndarray) -> np.ndarray:
        """Cells in (spinous, granular, SC) now, from a birth histogram (last axis = birth step)."""
        now = self.now + self.offset
        a, b, c = now - self.n_sp + 1, now - self.n_sp - self.n_gr + 1, now - self.n_tot + 1
        return np.stack((hist[..., a:now + 1].sum(-1), hist[..., b:a].sum(-1), hist[..., c:b].sum(-1)), -1)


    def column_row(self, row: int, band: int = 1) -> np.ndarray:
        """(nx, 4) cells per layer (basal, spinous, granular, SC) per site in the columns of lattice row ``row``:
        the basal cell of the row itself, suprabasal cells averaged over ``band`` rows centred on it."""
        ny, nx = self.shape
        rows = (row + np.arange(band) - band // 2) % ny
        sites = (rows[:, None] * nx + np.arange(nx)[None, :]).ravel()
        age = self.now - (self.births[sites].astype(np.int64) >> 1)
        live = age < self.n_tot
        out = np.zeros((nx, 4))
        out[:, 0] = self.kind[row * nx + np.arange(nx)] >= PROGENITOR
        for j, (lo, hi) in enumerate(((0, self.n_sp), (self.n_sp, self.n_sp + self.n_gr),
                                      (self.n_sp + self.n_gr, self.n_tot))):
            out[:, j + 1] = (live & (age >= lo) & (age < hi)).sum(1).reshape(band, nx).mean(axis=0)
        return out

