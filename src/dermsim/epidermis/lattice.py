"""Spatial epidermis: a periodic 2D basal lattice under neutral drift, with suprabasal columns above it.

The model (`TissueLattice`) and its time loop (`run_lattice`). Parameters come from a fate-rate preset
(`dermsim.epidermis.kinetics`) plus ``parameters/epidermis_tissue.toml`` via `tissue_parameters`; perturbations
(`dermsim.epidermis.perturb`) act on the lattice through the primitives `TissueLattice.remove_cells` and
`TissueLattice.strip_stratum_corneum` and through a proliferation factor. `dermsim.epidermis.tissue_scenario`
turns a scenario file into a run and a Dataset.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from dermsim.errors import InputError

#: Site states. Free sites (no basal cell) are VACANT (covered by epithelium) or BARE (open wound).
VACANT, BARE, PROGENITOR, STEM = 0, 1, 2, 3
#: Repair-division budget meaning "no limit" (committed-progenitor tissues without stem cells).
UNLIMITED = 255
#: Column slot holding no cell.
DEAD = np.iinfo(np.int32).min
LAYERS = ("basal", "spinous", "granular", "stratum_corneum")
PARAMETER_FILE = "epidermis_tissue"


@dataclass(frozen=True)
class TissueParameters:
    """Every number the lattice uses, in kernel units: day, µm, lattice sites.

    Parameters
    ----------
    shape : tuple of int
        (ny, nx) lattice sites; periodic in both directions.
    cell_spacing : float
        µm, distance between neighbouring basal sites (one basal cell per site).
    time_step : float
        day, tau-leap step Δt.
    stratification_rate : float
        Γb, 1/day: rate at which a basal progenitor leaves the basal layer (stem cells do not stratify).
    exhausted_stratification_rate : float
        ΓB, 1/day: the same for a progenitor whose repair budget is used up (post-mitotic; ≥ Γb).
    stem_fraction : float
        Initial fraction of sites holding stem cells (dimensionless).
    stem_division_weight : float
        wS, weight of a stem neighbour relative to a progenitor when a vacancy is refilled (dimensionless).
    stem_symmetric_fraction : float
        rS: a homeostatic stem division gives SS with probability rS, PP with rS, SP otherwise.
    repair_division_rate : float
        λR, 1/day: division rate of a progenitor next to free basement membrane.
    stem_repair_division_rate : float
        1/day, the same for a stem cell.
    progenitor_repair_divisions : int
        G, divisions into free space a progenitor lineage may make (`UNLIMITED` = 255: no limit).
    stem_self_renewal_in_repair : float
        Probability that the daughter of a stem cell dividing into free space is a stem cell.
    edge_speed : float
        v, µm/day, speed of the re-epithelialisation front over an open wound.
    migration_lag : float
        day, delay between wounding and the start of migration.
    recruitment_radius : float
        µm, cells covering a wound come from tissue within this distance.
    spinous_transit, granular_transit, stratum_corneum_transit : float
        day, fixed times a stratified cell spends in each suprabasal layer before it is shed.
    basal_layer_thickness : float
        µm, thickness of the basal layer.
    viable_suprabasal_cell_volume : float
        µm³, volume of one spinous or granular cell (thickness = cells per area × volume).
    corneocyte_area, stratum_corneum_layer_thickness : float
        µm², µm: SC cell layers = corneocytes per area × area; SC thickness = layers × layer thickness.
    recovery_threshold : float
        Fraction of the pre-perturbation value that counts as recovered.
    sources : dict
        Parameter name → source string.
    """

    shape: tuple[int, int]
    cell_spacing: float
    time_step: float
    stratification_rate: float
    exhausted_stratification_rate: float
    stem_fraction: float
    stem_division_weight: float
    stem_symmetric_fraction: float
    repair_division_rate: float
    stem_repair_division_rate: float
    progenitor_repair_divisions: int
    stem_self_renewal_in_repair: float
    edge_speed: float
    migration_lag: float
    recruitment_radius: float
    spinous_transit: float
    granular_transit: float
    stratum_corneum_transit: float
    basal_layer_thickness: float
    viable_suprabasal_cell_volume: float
    corneocyte_area: float
    stratum_corneum_layer_thickness: float
    recovery_threshold: float = 0.95
    sources: dict = field(default_factory=dict, compare=False)

    @property
    def n_sites(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def site_area(self) -> float:
        """µm² of basement membrane per basal site."""
        return self.cell_spacing ** 2

    @property
    def transit_steps(self) -> tuple[int, int, int]:
        """Spinous, granular and SC transits in whole time steps (each at least 1)."""
        return tuple(max(1, round(t / self.time_step))
                     for t in (self.spinous_transit, self.granular_transit, self.stratum_corneum_transit))

    @property
    def basal_production_rate(self) -> float:
        """Cells leaving the basal layer per basal cell at steady state, 1/day."""
        return self.stratification_rate * (1 - self.stem_fraction)

    def to_dict(self) -> dict:
        """JSON-able record: each number with its unit and source."""
        units = {"cell_spacing": "um", "time_step": "day", "stratification_rate": "1/day",
                 "repair_division_rate": "1/day", "stem_repair_division_rate": "1/day", "edge_speed": "um/day",
                 "migration_lag": "day", "recruitment_radius": "um", "spinous_transit": "day",
                 "granular_transit": "day", "stratum_corneum_transit": "day", "basal_layer_thickness": "um",
                 "viable_suprabasal_cell_volume": "um^3", "corneocyte_area": "um^2",
                 "stratum_corneum_layer_thickness": "um"}
        out: dict[str, Any] = {"shape": list(self.shape)}
        for f in self.__dataclass_fields__:
            if f in ("shape", "sources"):
                continue
            out[f] = {"value": getattr(self, f), "unit": units.get(f, ""), "source": self.sources.get(f, "")}
        return out


def _table_value(table: dict, key: str, unit: str) -> tuple[float, str]:
    """(value in ``unit``, source) of a packaged ``{value, unit, source}`` entry."""
    from dermsim.units import to_internal

    entry = table[key]
    value = entry["value"] if not entry["unit"] else to_internal(f"{entry['value']} {entry['unit']}", key, unit)
    return float(value), entry["source"]


def tissue_parameters(rates, shape: Sequence[int], time_step: float, *, stem_fraction: float | None = None,
                      **overrides: float) -> TissueParameters:
    """Lattice parameters for fate rates ``rates`` (a `kinetics.FateRates`) and the packaged tissue data.

    Parameters
    ----------
    rates : FateRates
        Basal kinetics; rates per week.
    shape : (int, int)
        Lattice sites (ny, nx).
    time_step : float
        day.
    stem_fraction : float, optional
        Fraction of basal cells that are stem cells. Default: stem-progenitor presets, their steady stem
        share of all basal cells (``rates.stem_fraction × rates.progenitor_fraction``); committed-progenitor
        presets, 0.
    **overrides
        Any `TissueParameters` field in kernel units (day, µm), e.g. ``cell_spacing=8.0``.

    Notes
    -----
    Γb = production / (1 − stem fraction), where production = ``rates.basal_production_rate`` (per basal
    cell): basal cells leave at the preset's rate although stem cells never stratify. The stem neighbour weight is
    λS/λ for stem-progenitor presets and 1 otherwise. Suprabasal transits are the human trunk values, scaled for
    other presets by their suprabasal residence 1/μ.
    """
    from dermsim.parameters import load

    data = load(PARAMETER_FILE)
    src: dict[str, str] = {}
    values: dict[str, Any] = {}

    def take(section, key, unit, name=None):
        v, s = _table_value(data[section], key, unit)
        values[name or key], src[name or key] = v, s

    density, dsrc = _table_value(data["lattice"], "basal_cell_density", "1/um^2")
    values["cell_spacing"], src["cell_spacing"] = 1 / math.sqrt(density), f"[derived] 1/sqrt(density); {dsrc}"
    for key in ("viable_suprabasal_transit", "stratum_corneum_transit", "human_suprabasal_residence"):
        take("suprabasal", key, "day")
    share, share_src = _table_value(data["suprabasal"], "granular_share_of_viable_transit", "")
    scale, scale_src = 1.0, "human trunk values"
    if rates.name != "human-interfollicular" and rates.shedding_rate > 0:
        scale = 7 / rates.shedding_rate / values.pop("human_suprabasal_residence")
        scale_src = (f"[derived] thin: human trunk transit scaled by (1/mu of {rates.name} = "
                     f"{7 / rates.shedding_rate:.1f} d) / 30.28 d, i.e. the human proportions")
    values.pop("human_suprabasal_residence", None)
    viable = values.pop("viable_suprabasal_transit") * scale
    vsrc = src.pop("viable_suprabasal_transit")
    values["spinous_transit"] = viable * (1 - share)
    values["granular_transit"] = viable * share
    values["stratum_corneum_transit"] *= scale
    src["spinous_transit"] = (f"[derived] viable suprabasal transit x (1 - granular share); {vsrc}; {share_src}; "
                              f"{scale_src}")
    src["granular_transit"] = f"[derived] viable suprabasal transit x granular share; {share_src}; {scale_src}"
    src["stratum_corneum_transit"] += f"; {scale_src}"
    take("thickness", "basal_layer_thickness", "um")
    take("thickness", "viable_suprabasal_cell_volume", "um^3")
    take("thickness", "corneocyte_area", "um^2")
    take("thickness", "stratum_corneum_layer_thickness", "um")
    cycle, csrc = _table_value(data["repair"], "repair_cycle_time", "day")
    values["repair_division_rate"], src["repair_division_rate"] = 1 / cycle, f"[derived] 1/cycle time; {csrc}"
    factor, fsrc = _table_value(data["repair"], "stem_repair_rate_factor", "")
    values["stem_repair_division_rate"] = factor / cycle
    src["stem_repair_division_rate"] = f"[derived] factor x repair division rate; {fsrc}"
    take("repair", "stem_self_renewal_in_repair", "")
    take("repair", "edge_speed", "um/day")
    take("repair", "migration_lag", "day")
    take("repair", "recruitment_radius", "um")
    take("repair", "recovery_threshold", "")

    if stem_fraction is None:
        stem_fraction = rates.stem_fraction * rates.progenitor_fraction if rates.model == "stem-progenitor" else 0.0
        src["stem_fraction"] = ("[derived] steady stem share of basal cells of the preset (stem fraction of "
                                "proliferating cells x progenitor fraction)" if stem_fraction else
                                "committed-progenitor preset: no separate stem compartment")
    else:
        src["stem_fraction"] = "scenario input"
    if not 0 <= stem_fraction < 1:
        raise InputError("stem_fraction", stem_fraction, "a fraction in [0, 1)")
    production = rates.basal_production_rate / 7
    values["stratification_rate"] = production / (1 - stem_fraction)
    values["exhausted_stratification_rate"] = max(rates.stratification_rate / 7, values["stratification_rate"])
    src["exhausted_stratification_rate"] = (f"[derived] post-mitotic (B) stratification rate Gamma of preset "
                                            f"{rates.name} (at least the average rate)")
    src["stratification_rate"] = (f"[derived] basal production {production:.4g}/day per basal cell of preset "
                                  f"{rates.name} / (1 - stem fraction); stem cells do not stratify")
    if rates.model == "stem-progenitor" and rates.division_rate > 0:
        values["stem_division_weight"] = rates.stem_division_rate / rates.division_rate
        src["stem_division_weight"] = "[derived] lambdaS / lambda of the preset"
        values["stem_symmetric_fraction"] = rates.stem_symmetric_fraction
        src["stem_symmetric_fraction"] = rates.sources.get("stem_symmetric_fraction", "preset")
    else:
        values["stem_division_weight"] = 1.0
        src["stem_division_weight"] = ("thin: no stem division rate in a committed-progenitor preset; "
                                       "1 = like progenitors")
        values["stem_symmetric_fraction"] = 0.0
        src["stem_symmetric_fraction"] = "committed-progenitor preset: stem divisions asymmetric"
    if stem_fraction > 0:
        g, gsrc = _table_value(data["repair"], "progenitor_repair_divisions", "")
        values["progenitor_repair_divisions"], src["progenitor_repair_divisions"] = int(g), gsrc
    else:
        values["progenitor_repair_divisions"] = UNLIMITED
        src["progenitor_repair_divisions"] = "no stem cells: progenitors are the self-renewing population (no limit)"
    for key, value in overrides.items():
        if key not in TissueParameters.__dataclass_fields__ or key in ("shape", "sources"):
            raise InputError("tissue parameter", key, ", ".join(values), list(values))
        values[key] = value
        src[key] = "scenario input"
    return TissueParameters(shape=(int(shape[0]), int(shape[1])), time_step=float(time_step),
                            stem_fraction=float(stem_fraction), sources=src, **values)


# ------------------------------------------------------------------------------------------------------------------
# Kernels: plain numpy, vectorised over the events of one step (costs scale with events, not with sites).

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


# ------------------------------------------------------------------------------------------------------------------

class TissueLattice:
    r"""Basal layer on a periodic square lattice with a suprabasal column of cells above every site.

    **Basal layer.** Each site holds one basal cell — a progenitor P or a stem cell S — or is free (VACANT:
    covered by epithelium but without a basal cell; BARE: open wound). Every cell carries a clone label, a
    pulse-chase label token and, for progenitors, a repair budget g.

    *Homeostasis (stratification-coupled neutral drift; Klein et al. 2008 Phys Rev E 77:031907 [M], division
    triggered by a neighbour's delamination, Mesa et al. 2018 Cell Stem Cell 23:677 [M]).* In each step Δt every
    progenitor stratifies with probability

    .. math:: p = 1 - \exp(-\Gamma_b f(t) \Delta t),

    where f(t) is the proliferation factor of the perturbations (daily rhythm, barrier stress). Its site is refilled
    in the same step by the division of one of its four neighbours, chosen with weight 1 (P) or wS (S); the
    daughter inherits the clone label. All choices use the state at the start of the step (synchronous update).
    A stem mother gives S + S with probability rS, P + P with rS (the mother becomes P) and S + P otherwise.
    Stem cells never stratify. With stem fraction 0 this is the two-dimensional voter model in which every site
    copies a random neighbour at rate Γb: each clone's size is a martingale and single-cell clones survive with
    probability :math:`p_\tau \sim \ln\tau / (\pi\tau)`, τ = Γb t (Bramson & Griffeath 1980 [M]).

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
    histograms of birth steps give the layer counts at any time.

    References
    ----------
    Bramson M, Griffeath D 1980 Z Wahrscheinlichkeitstheorie verw Geb 53:183 (voter-model asymptotics) [M].
    Klein AM, Doupé DP, Jones PH, Simons BD 2008 Phys Rev E 77:031907 [M]. Mesa KR et al. 2018 Cell Stem Cell
    23:677 [M]. Mascré G et al. 2012 Nature 489:257; Aragona M et al. 2017 Nat Commun 8:14684 (stem cells in
    repair) [M]. Parameter sources: ``parameters/epidermis_tissue.toml``.

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
        self.overflow = 0
        self.unfilled = 0  # stratifications without an occupied neighbour
        self.labelled_removed = 0
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

    # -- columns ---------------------------------------------------------------------------------------------------
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
        `_turnover_loop` (numba) does the same, event by event.
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
    def _windows(self, hist: np.ndarray) -> np.ndarray:
        """Cells in (spinous, granular, SC) now, from a birth histogram (last axis = birth step)."""
        now = self.now + self.offset
        a, b, c = now - self.n_sp + 1, now - self.n_sp - self.n_gr + 1, now - self.n_tot + 1
        return np.stack((hist[..., a:now + 1].sum(-1), hist[..., b:a].sum(-1), hist[..., c:b].sum(-1)), -1)

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

    def clone_map(self) -> np.ndarray:
        """(ny, nx) clone labels (−1 = no basal cell)."""
        return self.clone.reshape(self.shape).copy()


# ------------------------------------------------------------------------------------------------------------------

@dataclass
class LatticeRun:
    """Raw output of `run_lattice` (arrays over output times; see `dermsim.epidermis.tissue_scenario`)."""

    params: TissueParameters
    times: np.ndarray                     # day
    layer_cells: np.ndarray               # (time, 4) cells on the lattice
    labelled: np.ndarray                  # (time, 4) labelled cells
    labelled_removed: np.ndarray          # (time,)
    stem_cells: np.ndarray                # (time,)
    covered: np.ndarray                   # (time,)
    divisions: np.ndarray                 # (time,) division events since the previous output
    factor: np.ndarray                    # (time,) proliferation factor
    snapshot_times: np.ndarray
    clone_maps: np.ndarray                # (snapshot, ny, nx)
    cross_sections: np.ndarray            # (snapshot, nx, 4)
    cross_section_row: int
    regions: list[dict] = field(default_factory=list)  # per spatial event: times series and baseline
    region_series: dict[str, np.ndarray] = field(default_factory=dict)
    label_cohort: int = 0
    label_time: float | None = None
    division_clock: np.ndarray | None = None  # (24,) divisions by clock hour
    overflow: int = 0
    unfilled: int = 0
    lattice: TissueLattice | None = None


def run_lattice(params: TissueParameters, duration: float, output_interval: float, *, seed: int | None = None,
                events: Sequence[Any] = (), modulation: Callable[[np.ndarray], np.ndarray] | None = None,
                snapshot_times: Sequence[float] = (), label_time: float | None = None, label_fraction: float = 1.0,
                start_clock: float = 0.0, progress: Callable[[float], Any] | None = None,
                keep_lattice: bool = False, kernel: str = "auto") -> LatticeRun:
    """Advance a steady-state tissue for ``duration`` days and record it every ``output_interval`` days.

    Parameters
    ----------
    params : TissueParameters
    duration, output_interval : float
        day.
    seed : int, optional
        Seed of the `numpy.random.Generator` (same seed, same result).
    events : sequence
        Perturbations with ``time`` (day), ``kind``, ``target(lattice, t) -> dict | None`` and
        ``apply(lattice, t, target)``, applied at the step nearest ``time``. A target ``{"sites": ..., "label": ...}``
        makes a region whose recovery is followed (its baseline is taken before ``apply``).
    modulation : callable, optional
        f(t) → proliferation factor for an array of times (day); 1 if None.
    snapshot_times : sequence of float
        day, clone-map and cross-section snapshots (rounded to the step grid).
    label_time, label_fraction : float, optional
        Pulse: label a fraction of all basal cells at this time (day) and follow them.
    start_clock : float
        Clock time (h, 0–24) at t = 0, for the daily rhythm bookkeeping.
    progress : callable, optional
        Called with the fraction done (0–1).
    keep_lattice : bool
        Keep the final `TissueLattice` in the result (for tests and validation).
    kernel : str
        Turnover kernel, see `TissueLattice`.
    """
    dt = params.time_step
    n_steps = max(1, int(round(duration / dt)))
    every = max(1, int(round(output_interval / dt)))
    rng = np.random.default_rng(seed)
    lat = TissueLattice(params, rng, n_steps, kernel)
    out_steps = np.unique(np.r_[np.arange(0, n_steps + 1, every), n_steps])
    snap_steps = np.unique(np.clip(np.rint(np.asarray(snapshot_times, float) / dt).astype(int), 0, n_steps))
    t_mid = (np.arange(n_steps) + 0.5) * dt
    factor = np.ones(n_steps) if modulation is None else np.asarray(modulation(t_mid), float)
    pending = sorted(events, key=lambda e: e.time)
    label_step = None if label_time is None else int(round(label_time / dt))
    rec: dict[str, list] = {k: [] for k in ("layer", "lab", "labrm", "stem", "cov", "div", "fac")}
    trackers: list[RecoveryTracker] = []
    snaps, sections, regions, reg_rec = [], [], [], []
    clock = np.zeros(24)
    hours = ((start_clock + t_mid * 24) % 24).astype(int)
    row = params.shape[0] // 2  # cross-section row (perturbations centre their footprint on it)
    band = max(1, int(round(math.sqrt(params.corneocyte_area) / params.cell_spacing)))
    div_since, k = 0, 0

    def record(i: int) -> None:
        rec["layer"].append(lat.layer_cells())
        rec["lab"].append(lat.labelled_cells())
        rec["labrm"].append(lat.labelled_removed)
        rec["stem"].append(np.count_nonzero(lat.kind == STEM))
        rec["cov"].append(np.count_nonzero(lat.kind != BARE))
        rec["div"].append(div_since)
        rec["fac"].append(factor[min(i, n_steps - 1)])
        reg_rec.append(lat.region_stats() if regions else None)

    label_cohort = 0
    for i in range(n_steps + 1):
        if label_step is not None and i == label_step:
            label_cohort = lat.label_pulse(label_fraction)
        while pending and pending[0].time <= (i + 0.5) * dt and i < n_steps:
            event = pending.pop(0)
            target, tracker = event.target(lat, i * dt), None
            if target is not None and np.size(target["sites"]):
                sites = np.unique(np.asarray(target["sites"], np.int64))
                target["sites"] = sites
                regions.append({"time": i * dt, "kind": event.kind, "label": target.get("label", ""),
                                "baseline": _lattice_baseline(lat),
                                "n_sites": int(sites.size),
                                "id": lat.new_region(sites)})
                tracker = RecoveryTracker(lat, sites, regions[-1])
                trackers.append(tracker)
            event.apply(lat, i * dt, target)
            if tracker is not None:
                tracker.applied(lat)
        if i == out_steps[k]:
            record(i)
            div_since = 0
            k += 1
        if i in snap_steps:
            snaps.append(lat.clone_map())
            sections.append(lat.column_row(row, band))
        if i == n_steps:
            break
        lat.step(factor[i])
        for tr in trackers:
            if (i + 1) % (tr.stride if (i + 1) * dt - tr.t0 <= 2 else tr.later_stride) == 0:
                tr.update(lat, (i + 1) * dt)
        div_since += lat.divisions
        clock[hours[i]] += lat.divisions
        if progress is not None and (i % 64 == 0 or i == n_steps - 1):
            progress((i + 1) / n_steps)
    times = out_steps * dt
    for tr, reg in zip(trackers, regions):
        reg["recovery_time"], reg["minimum"] = tr.report()
    series = _region_series(reg_rec, regions, lat)
    return LatticeRun(params=params, times=times, layer_cells=np.array(rec["layer"], float),
                      labelled=np.array(rec["lab"], float), labelled_removed=np.array(rec["labrm"], float),
                      stem_cells=np.array(rec["stem"], float), covered=np.array(rec["cov"], float),
                      divisions=np.array(rec["div"], float), factor=np.array(rec["fac"], float),
                      snapshot_times=snap_steps * dt,
                      clone_maps=np.array(snaps, np.int32).reshape(len(snaps), *params.shape),
                      cross_sections=np.array(sections, float).reshape(len(sections), params.shape[1], 4),
                      cross_section_row=row, regions=regions, region_series=series, label_cohort=label_cohort,
                      label_time=None if label_step is None else label_step * dt, division_clock=clock,
                      overflow=lat.overflow, unfilled=lat.unfilled, lattice=lat if keep_lattice else None)


class RecoveryTracker:
    """Follows one perturbed region every step and records when each quantity has recovered.

    Quantities (per site, relative to the lattice-wide value just before the perturbation): ``coverage``
    (fraction of sites covered by epithelium; recovered = 0.999, i.e. closure), ``basal_density``, ``stem_fraction``,
    ``viable_suprabasal`` and ``stratum_corneum`` (cells per site; recovered = ``recovery_threshold``), and
    ``basal_deficit``: the fraction of the basal cells removed by the event that the whole lattice has replaced
    (a micro-wound's deficit moves with the migrating cells into the tissue around it). Sites later taken over by
    another event's region leave this one. A quantity
    that fell below its threshold has recovered at the first later step at which it is back at or above it
    (0 if it never fell below). Times are in days after the perturbation, resolution one time step during the
    first two days and a quarter day after (up to six steps for regions of more than 100,000 sites).
    """

    NAMES = ("coverage", "basal_density", "stem_fraction", "viable_suprabasal", "stratum_corneum",
             "basal_deficit")

    def __init__(self, lat: TissueLattice, sites: np.ndarray, region: dict):
        self.sites, self.region, self.t0 = sites, region, region["time"]
        self.cells_before, self.removed = lat.basal_cells, 0
        self.threshold = {k: lat.params.recovery_threshold for k in self.NAMES} | {"coverage": 0.999}
        base = region["baseline"]
        self.base = {"coverage": 1.0, "basal_density": base["cells"], "stem_fraction": base["stem"],
                     "viable_suprabasal": base["viable_suprabasal"], "stratum_corneum": base["stratum_corneum"],
                     "basal_deficit": 1.0}
        self.active = {k for k in self.NAMES if self.base[k] > 0}
        self.fell = dict.fromkeys(self.NAMES, False)
        self.recovered: dict[str, float | None] = dict.fromkeys(self.NAMES)
        self.minimum = {k: (math.inf, 0.0) for k in self.NAMES}
        # every step for two days, then every quarter day; large regions (e.g. a random loss over the whole
        # lattice) every few steps from the start
        self.stride = int(min(6, max(1, sites.size // 100_000)))
        self.later_stride = max(self.stride, int(round(0.25 / lat.params.time_step)))

    def applied(self, lat: TissueLattice) -> None:
        """Call right after the event: records how many basal cells it removed."""
        self.removed = self.cells_before - lat.basal_cells
        if self.removed <= 0:
            self.active.discard("basal_deficit")

    def values(self, lat: TissueLattice) -> dict[str, float]:
        sites = self.sites[lat.region[self.sites] == self.region["id"]]
        n = max(sites.size, 1)
        kind = lat.kind[sites]
        out = {"coverage": np.count_nonzero(kind != BARE) / n,
               "basal_density": np.count_nonzero(kind >= PROGENITOR) / n / max(self.base["basal_density"], 1e-300),
               "stem_fraction": np.count_nonzero(kind == STEM) / n / max(self.base["stem_fraction"], 1e-300),
               "basal_deficit": 1 - (self.cells_before - lat.basal_cells) / max(self.removed, 1)}
        if self.active & {"viable_suprabasal", "stratum_corneum"}:
            cols = lat._windows(lat.region_hist[self.region["id"]]) / n
            out["viable_suprabasal"] = (cols[0] + cols[1]) / max(self.base["viable_suprabasal"], 1e-300)
            out["stratum_corneum"] = cols[2] / max(self.base["stratum_corneum"], 1e-300)
        return out

    def update(self, lat: TissueLattice, t: float) -> None:
        if not self.active:
            return
        for k, v in self.values(lat).items():
            if k not in self.active:
                continue
            if v < self.minimum[k][0]:
                self.minimum[k] = (float(v), t - self.t0)
            if v < self.threshold[k]:
                self.fell[k] = True
            elif self.fell[k]:
                self.recovered[k] = t - self.t0
                self.active.discard(k)

    def report(self) -> tuple[dict, dict]:
        """(recovery time per quantity, day after the event, None = not within the run; minimum (value, time))."""
        times = {k: (0.0 if not self.fell[k] and self.base[k] > 0 else self.recovered[k]) for k in self.NAMES}
        times = {k: (None if self.base[k] <= 0 else v) for k, v in times.items()}
        if self.removed <= 0:
            times["basal_deficit"] = 0.0
        return times, {k: v for k, v in self.minimum.items() if math.isfinite(v[0])}


def _lattice_baseline(lat: TissueLattice) -> dict[str, float]:
    """Per-site values over the whole lattice: basal cells, stem cells, column cells by layer. Recovery is measured
    against these values just before the event (the expectation for a region placed at random, without the
    sampling noise of a small region)."""
    n = lat.params.n_sites
    cells = lat.layer_cells()
    return {"cells": cells[0] / n, "stem": np.count_nonzero(lat.kind == STEM) / n,
            "viable_suprabasal": (cells[1] + cells[2]) / n, "stratum_corneum": cells[3] / n}


def _region_series(reg_rec: list, regions: list[dict], lat: TissueLattice) -> dict[str, np.ndarray]:
    """(time, event) series of basal cells, coverage, stem cells and column cells per site of each region,
    relative to the lattice-wide value before the event (NaN before it)."""
    if not regions:
        return {}
    nt, ne = len(reg_rec), len(regions)
    out = {k: np.full((nt, ne), np.nan) for k in ("basal_density", "coverage", "stem_fraction",
                                                  "viable_suprabasal", "stratum_corneum")}
    for t, stats in enumerate(reg_rec):
        if stats is None:
            continue
        for e, reg in enumerate(regions):
            rid = reg["id"]
            if rid >= stats["sites"].size:
                continue
            n = stats["sites"][rid]
            if n == 0:
                continue
            base = reg["baseline"]
            cols = stats["columns"][rid] / n
            out["basal_density"][t, e] = stats["cells"][rid] / n / base["cells"] if base["cells"] else np.nan
            out["coverage"][t, e] = stats["covered"][rid] / n
            out["stem_fraction"][t, e] = stats["stem"][rid] / n / base["stem"] if base["stem"] else np.nan
            out["viable_suprabasal"][t, e] = ((cols[0] + cols[1]) / base["viable_suprabasal"]
                                              if base["viable_suprabasal"] else np.nan)
            out["stratum_corneum"][t, e] = cols[2] / base["stratum_corneum"] if base["stratum_corneum"] else np.nan
    return out

