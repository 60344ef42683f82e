"""The fate of a finite dose in the categories of the in-vitro guideline (OECD TG 428; SCCS and EFSA practice).

At the end of the run, as fractions of the applied dose:

* dislodgeable — washed off plus what is still on the surface (dissolved in the film or as a deposit);
* tape strips 1–2 — the top 2 × ``depth_per_strip`` of the stratum corneum (the strips a dossier may exclude);
* rest of stratum corneum, epidermis (viable epidermis with the basal layer), dermis, receptor (or blood);
* evaporated — lost to air (not recovered in a cell without a vapour trap);
* potentially absorbable = rest of stratum corneum + epidermis + dermis + receptor (OECD GD 156, 2022);
* mass balance — the sum of all categories (1 when nothing is lost).

Constants: ``parameters/guideline.toml``.
"""

from __future__ import annotations

import numpy as np

from dermsim import parameters


def amount_above(depth: float, widths: np.ndarray, amounts: np.ndarray) -> float:
    """Amount (ug/cm²) in the top ``depth`` (cm) of cells of ``widths`` (cm) holding ``amounts`` (ug/cm²),
    each cell's amount taken as uniform within it."""
    edges = np.concatenate(([0.0], np.cumsum(widths)))
    covered = np.clip((depth - edges[:-1]) / widths, 0.0, 1.0)
    return float(covered @ amounts)


def guideline_categories(*, applied: float, on_surface: float, washed: float, evaporated: float,
                         stratum_corneum_widths: np.ndarray | None, stratum_corneum_amounts: np.ndarray | None,
                         layer_amounts: dict[str, float], receptor: float) -> dict[str, float]:
    """Fractions of ``applied`` (ug/cm²) in each category (see the module docstring); amounts in ug/cm²."""
    table = parameters.load("guideline")["tape_strips"]
    strip_depth = table["excluded"].to("") * table["depth_per_strip"].to("cm")
    sc_total = float(np.sum(stratum_corneum_amounts)) if stratum_corneum_amounts is not None else 0.0
    strips = (amount_above(strip_depth, stratum_corneum_widths, stratum_corneum_amounts)
              if stratum_corneum_amounts is not None else 0.0)
    epidermis = sum(v for k, v in layer_amounts.items() if k in ("viable_epidermis", "basal_layer"))
    dermis = sum(v for k, v in layer_amounts.items() if k in ("dermis", "hypodermis"))
    other = sum(v for k, v in layer_amounts.items()
                if k not in ("stratum_corneum", "viable_epidermis", "basal_layer", "dermis", "hypodermis"))
    out = {
        "dislodgeable": washed + on_surface,
        "tape_strips_1_2": strips,
        "rest_of_stratum_corneum": sc_total - strips,
        "epidermis": epidermis,
        "dermis": dermis,
        "other_layers": other,
        "receptor": receptor,
        "evaporated": evaporated,
    }
    out["potentially_absorbable"] = out["rest_of_stratum_corneum"] + epidermis + dermis + other + receptor
    out["mass_balance"] = sum(v for k, v in out.items() if k != "potentially_absorbable")
    return {k: v / applied for k, v in out.items()}
