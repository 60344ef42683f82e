"""The clone Dataset and its files: `build_dataset` turns the running sums of simulated clones into an xarray
Dataset (survival, means with standard errors, size distributions, provenance) and `save` writes it with a summary
and plots.
"""

from __future__ import annotations

import json

import numpy as np

from dermsim.epidermis.clone_kernels import STEM
from dermsim.epidermis.clone_statistics import Moments, mean_se, proportion_se
from dermsim.epidermis.kinetics import FateRates


def build_dataset(rates: FateRates, t: np.ndarray, m: Moments, counts: np.ndarray | None, settings: dict):
    """Dataset of clones summed in ``m`` at output times ``t`` (week); ``counts`` (4, clone, time) adds every
    clone's counts; ``settings`` (clones, seed, initial) go into the provenance."""
    import xarray as xr

    n = float(m.n)
    ds = xr.Dataset(coords={"time": ("time", t, {"units": "week", "long_name": "time since labelling"})})

    def put(name, values, long_name, units="", dims=("time",)):
        ds[name] = (dims, values, {"units": units, "long_name": long_name})

    p, se = proportion_se(m.prolif_n, n)
    put("progenitor_survival", p, "fraction of clones with ≥ 1 proliferating cell (A, or S)")
    put("progenitor_survival_se", se, "standard error of progenitor_survival")
    p, se = proportion_se(m.basal_n, n)
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
        mean, se = mean_se(s, sq, nn)
        put(name, mean, long_name, "cell")
        put(f"{name}_se", se, f"standard error of {name}", "cell")
    for i, (name, what) in enumerate((("mean_stem_cells", "stem cells S"), ("mean_progenitors", "progenitors A"),
                                      ("mean_post_mitotic_basal_cells", "post-mitotic basal cells B"),
                                      ("mean_suprabasal_cells", "suprabasal cells C"))):
        if i == STEM and rates.model != "stem-progenitor":
            continue
        mean, se = mean_se(m.species_sum[i], m.species_sq[i], np.full_like(t, n))
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


def _version() -> str:
    try:
        from dermsim import __version__
        return __version__
    except ImportError:  # pragma: no cover
        from importlib.metadata import version
        return version("dermsim")
