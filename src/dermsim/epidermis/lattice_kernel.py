"""Array kernels of the basal lattice: the site-state codes, vectorised numpy primitives and the compiled
turnover loop. Nothing here holds state; `dermsim.epidermis.lattice.TissueLattice` owns the arrays.

* Site codes (``kind`` array): `VACANT`, `BARE`, `PROGENITOR`, `STEM`; repair budgets (`UNLIMITED`) and the empty
  column slot (`DEAD`).
* Numpy primitives vectorised over the events of one step (costs scale with events, not with sites):
  `bernoulli_sites`, `neighbours`, `pick_weighted`, `first_occurrence`, `wound_distance`.
* `_turnover_loop`: one step of homeostatic turnover event by event, compiled lazily by numba (`_numba_turnover`,
  ``cache=True``). Its numpy twin is `TissueLattice.turnover_numpy`, built from the primitives above; the two
  give identical results for the same random numbers (tests/epidermis/test_lattice.py).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

#: Site states. Free sites (no basal cell) are VACANT (covered by epithelium) or BARE (open wound).
VACANT, BARE, PROGENITOR, STEM = 0, 1, 2, 3
#: Repair-division budget meaning "no limit" (committed-progenitor tissues without stem cells).
UNLIMITED = 255
#: Column slot holding no cell.
DEAD = np.iinfo(np.int32).min


def bernoulli_sites(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    """Indices of ``n`` independent Bernoulli(``p``) trials that succeed, sorted (geometric gaps: O(n p))."""
    if p <= 0 or n == 0:
        return np.empty(0, np.int64)
    if p >= 0.05:
        return np.flatnonzero(rng.random(n) < p)
    mean = n * p
    size = int(mean + 6 * math.sqrt(mean) + 16)
    pos = np.cumsum(rng.geometric(p, size)) - 1
    while pos[-1] < n:
        more = np.cumsum(rng.geometric(p, size)) + pos[-1]
        pos = np.concatenate((pos, more))
    return pos[pos < n]


def neighbours(sites: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(k, 4) flat indices of the up, down, left, right neighbours on the periodic lattice."""
    ny, nx = shape
    y, x = np.divmod(np.asarray(sites, np.int64), nx)
    return np.stack((((y - 1) % ny) * nx + x, ((y + 1) % ny) * nx + x,
                     y * nx + (x - 1) % nx, y * nx + (x + 1) % nx), axis=1)


def pick_weighted(weights: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column index drawn per row with probability ∝ ``weights`` (rows, k), using uniforms ``u`` in [0, 1).

    Returns (index, ok); ``ok`` is False for rows whose weights are all zero.
    """
    cw = np.cumsum(weights, axis=1)
    total = cw[:, -1]
    idx = (u[:, None] * total[:, None] >= cw).sum(axis=1)
    return np.minimum(idx, weights.shape[1] - 1), total > 0


def first_occurrence(values: np.ndarray) -> np.ndarray:
    """Boolean mask: True where ``values[i]`` appears for the first time."""
    mask = np.zeros(values.size, bool)
    mask[np.unique(values, return_index=True)[1]] = True
    return mask


def wound_distance(mask: np.ndarray, margin: int) -> np.ndarray:
    """Euclidean distance (sites) of each True site of ``mask`` (ny, nx) to the nearest False site, periodic.

    ``margin`` sites of wrap-around padding must exceed the largest distance sought.
    """
    from scipy.ndimage import distance_transform_edt

    ny, nx = mask.shape
    my, mx = min(margin, ny), min(margin, nx)
    padded = np.pad(mask, ((my, my), (mx, mx)), mode="wrap")
    return distance_transform_edt(padded)[my:my + ny, mx:mx + nx]


def _turnover_loop(sites, u, v, c, kind, budget, clone, token, births, head, hist, label_hist, region, region_hist,
                   mark, stamp, offset, n_tot, ny, nx, w_stem, r_stem, g_max):  # pragma: no cover (compiled)
    """One step of homeostatic turnover, event by event (compiled by numba; see `TissueLattice.turnover_numpy`).

    Symbols: sites = stratifying progenitor sites; u, v, c = uniforms (neighbour choice, stem fate, label coin);
    kind/budget/clone/token = basal state; births/head = column ring buffers; hist, label_hist, region_hist =
    birth-step histograms; mark = zeroed scratch (bit 1: stratifying now, bit 2: already a mother this step).
    Site codes appear as literals: 0 `VACANT`, 2 `PROGENITOR`, 3 `STEM`.
    Returns (divisions, overflowing column cells, labelled cells removed, sites left vacant).
    """
    k = sites.size
    cap = births.shape[1]
    nreg = region_hist.shape[0]
    overflow = 0
    removed = 0
    now = stamp + offset
    for e in range(k):  # stratified cells enter their columns
        s = sites[e]
        h = head[s]
        old = np.int64(births[s, h])
        if stamp - (old >> 1) < n_tot:
            overflow += 1
            j = (old >> 1) + offset
            hist[j] -= 1
            if old & 1:
                label_hist[j] -= 1
                removed += 1
            if region[s] > 0:
                region_hist[region[s], j] -= 1
        lab = 1 if token[s] else 0
        births[s, h] = 2 * stamp + lab
        head[s] = (h + 1) % cap
        hist[now] += 1
        label_hist[now] += lab
        if nreg > 1:
            region_hist[region[s], now] += 1
        mark[s] = 1
    mother = np.full(k, -1, np.int64)
    mk = np.zeros(k, np.uint8)
    mb = np.zeros(k, np.uint8)
    mc = np.zeros(k, np.int32)
    mt = np.zeros(k, np.bool_)
    nbs = np.empty(4, np.int64)
    cw = np.empty(4, np.float64)
    for e in range(k):  # mothers, from the state before the step
        s = sites[e]
        y = s // nx
        x = s - y * nx
        nbs[0] = ((y - 1 + ny) % ny) * nx + x
        nbs[1] = ((y + 1) % ny) * nx + x
        nbs[2] = y * nx + (x - 1 + nx) % nx
        nbs[3] = y * nx + (x + 1) % nx
        total = 0.0
        for q in range(4):
            kq = kind[nbs[q]]
            total += 1.0 if kq == 2 else (w_stem if kq == 3 else 0.0)
            cw[q] = total
        if total > 0:
            t = u[e] * total
            idx = 0
            for q in range(4):
                if t >= cw[q]:
                    idx += 1
            m = nbs[min(idx, 3)]
            mother[e] = m
            mk[e] = kind[m]
            mb[e] = budget[m]
            mc[e] = clone[m]
            mt[e] = token[m]
    n_ok = 0
    n_lost = 0
    for e in range(k):  # daughters
        m = mother[e]
        if m < 0:
            n_lost += 1
            continue
        n_ok += 1
        s = sites[e]
        dk = 2
        db = mb[e]
        conv = False
        if mk[e] == 3:
            db = g_max
            if v[e] < r_stem:
                dk = 3
            elif v[e] >= 1 - r_stem:
                conv = True
        first = (mark[m] & 2) == 0
        mark[m] |= 2
        stay = (mark[m] & 1) == 0
        give = mt[e] and c[e] < 0.5 and first and stay
        kind[s] = dk
        budget[s] = db
        clone[s] = mc[e]
        token[s] = give
        if give:
            token[m] = False
        if conv and stay:
            kind[m] = 2
            budget[m] = g_max
    lost = np.empty(n_lost, np.int64)
    n_lost = 0
    for e in range(k):
        s = sites[e]
        if mother[e] < 0:
            kind[s] = 0
            clone[s] = -1
            token[s] = False
            budget[s] = 0
            lost[n_lost] = s
            n_lost += 1
        mark[s] = 0
        if mother[e] >= 0:
            mark[mother[e]] = 0
    return n_ok, overflow, removed, lost


@lru_cache(maxsize=1)
def _numba_turnover():
    """`_turnover_loop` compiled by numba on first use (cached on disk), or None without numba."""
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(cache=True, nogil=True)(_turnover_loop)

