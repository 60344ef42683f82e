"""Statistics of simulated clones and the exact laws they are checked against.

`Moments` accumulates, chunk by chunk, the sums from which `dermsim.epidermis.clone_dataset` builds means,
standard errors and size distributions (`mean_se`, `proportion_se`). `exact_committed_progenitor` gives the exact
results for a single labelled committed progenitor (a = rλt; Klein et al. 2007)::

    P(A(t) ≥ 1) = 1/(1+a);  A | A ≥ 1 ~ geometric with mean 1+a, variance a(1+a)
    E[A] = 1,  E[B] = (λ/Γ)(1 − e^{−Γt}),  E[C] = (λ/μ)(1 − e^{−μt}) − λ(e^{−Γt} − e^{−μt})/(μ − Γ)
    long times: mean basal size of surviving clones ≈ (1+a)/ρ, basal size / mean → Exp(1)

`compare_with_exact` sets a clone Dataset against them and `key_figures` summarises it at the last output time.

Survival definitions: "progenitor survival" = clone holds ≥ 1 proliferating cell (A, or S in the stem-progenitor
model); "basal survival" = clone holds ≥ 1 basal cell (S, A or B), the clones scored in lineage tracing (Clayton
2007). Mean basal and total sizes and the size distributions are over basal-surviving clones; the mean number of
proliferating cells is over progenitor-surviving clones.

References
----------
Clayton E et al. 2007 Nature 446:185. Klein AM, Doupé DP, Jones PH, Simons BD 2007 Phys Rev E 76:021910.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dermsim.epidermis.clone_kernels import BASAL_B, PROG, STEM, SUPRA
from dermsim.epidermis.kinetics import FateRates
from dermsim.errors import InputError


# -- running sums, means and standard errors -------------------------------------------------------------------------
def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """Σ a·b without BLAS (a threaded BLAS dot costs milliseconds per call on small virtual machines)."""
    return float(np.einsum("i,i->", a, b))


class Moments:
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


def mean_se(s, sq, n):
    """Mean and standard error of the mean from sums (mean NaN where n = 0, SE NaN where n < 2)."""
    n = np.asarray(n, dtype=float)
    mean = np.divide(s, n, out=np.full_like(n, np.nan), where=n > 0)
    var = np.divide(sq - n * np.nan_to_num(mean) ** 2, n - 1, out=np.full_like(n, np.nan), where=n > 1)
    se = np.sqrt(np.clip(var, 0, None), where=np.isfinite(var), out=np.full_like(n, np.nan))
    se = np.divide(se, np.sqrt(n), out=np.full_like(n, np.nan), where=n > 1)
    return mean, se


def proportion_se(k, n):
    p = k / n
    return p, np.sqrt(p * (1 - p) / n)


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


def few_times(t: np.ndarray, n: int = 5) -> list[float]:
    """Up to ``n`` evenly spread positive output times (week)."""
    t = t[t > 0]
    return [] if t.size == 0 else [float(x) for x in t[np.unique(np.linspace(0, t.size - 1, n).round().astype(int))]]
