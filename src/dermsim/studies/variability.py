"""Between-subject variability of the layered skin, from cited distributions (`parameters/population.toml`).

Each subject's value of a quantity is the scenario's preset value (a published mean for its body site) times a
lognormal factor of mean 1, F = exp(σ z − σ²/2) with σ² = ln(1 + CV²) and z standard normal:

* stratum corneum, viable epidermis and dermis thickness (CVs of Sandby-Møller 2003; the dermis CV is thin);
* stratum corneum diffusivity: what the measured spread of kp (Harrison 1984, CV 36 %) leaves after the
  thickness spread, σ_D² = σ_kp² − σ_h,SC², since kp ∝ K D / h at steady state;
* dermal clearance (in vivo; thin).

The stratum corneum and viable epidermis thicknesses may be correlated (``thickness_correlation``, none
reported). Age does not change the sampled layers: Sandby-Møller 2003 found no age effect on either epidermal
thickness; dermal thinning with age is not parameterised. Every CV can be overridden in a scenario's
``[population.variability]`` table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from dermsim.errors import InputError

#: Factor columns in draw order (the order fixes which random numbers each subject's quantity gets).
FACTORS = ("stratum_corneum.thickness", "viable_epidermis.thickness", "dermis.thickness",
           "stratum_corneum.diffusivity", "dermis.clearance")
#: Override keys accepted in ``[population.variability]``.
KEYS = ("stratum_corneum_thickness_cv", "viable_epidermis_thickness_cv", "dermis_thickness_cv",
        "permeability_cv", "dermal_clearance_cv", "thickness_correlation")


@dataclass(frozen=True)
class Variability:
    """The spreads of one population: CVs (–), the SC–VE thickness correlation, and their sources."""

    cv: dict[str, float]
    thickness_correlation: float
    sources: dict[str, str]

    def sigma(self) -> dict[str, float]:
        """σ of ln F for each factor of `FACTORS`."""
        def s(cv):
            return math.sqrt(math.log1p(cv * cv))

        sc, kp = s(self.cv["stratum_corneum_thickness_cv"]), s(self.cv["permeability_cv"])
        return {"stratum_corneum.thickness": sc,
                "viable_epidermis.thickness": s(self.cv["viable_epidermis_thickness_cv"]),
                "dermis.thickness": s(self.cv["dermis_thickness_cv"]),
                "stratum_corneum.diffusivity": math.sqrt(max(kp * kp - sc * sc, 0.0)),
                "dermis.clearance": s(self.cv["dermal_clearance_cv"])}


def variability(overrides: dict | None = None) -> Variability:
    """The packaged spreads with ``overrides`` (keys of `KEYS`) on top; bad keys or values give `InputError`."""
    from dermsim import parameters

    table = parameters.load("population")["variability"]
    cv = {k: float(table[k].value) for k in KEYS if k != "thickness_correlation"}
    rho = float(table["thickness_correlation"].value)
    sources = {k: table[k].source for k in KEYS}
    for key, value in (overrides or {}).items():
        field = f"population.variability.{key}"
        if key not in KEYS:
            raise InputError("population.variability", key, "one of " + ", ".join(KEYS), choices=KEYS)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise InputError(field, value, "a number")
        if key == "thickness_correlation":
            if not -1 < value < 1:
                raise InputError(field, value, "a correlation between -1 and 1 (exclusive)")
            rho = float(value)
        else:
            if not 0 <= value <= 3:
                raise InputError(field, value, "a coefficient of variation between 0 and 3")
            cv[key] = float(value)
        sources[key] = "scenario override"
    return Variability(cv, rho, sources)


def draw_factors(n: int, seed: int, spread: Variability) -> dict[str, np.ndarray]:
    """Lognormal factors (mean 1) of every quantity of `FACTORS` for ``n`` subjects, reproducible from ``seed``."""
    z = np.random.default_rng(seed).standard_normal((n, len(FACTORS)))
    rho = spread.thickness_correlation
    z[:, 1] = rho * z[:, 0] + math.sqrt(1.0 - rho * rho) * z[:, 1]       # Cholesky of [[1, ρ], [ρ, 1]]
    sigma = spread.sigma()
    return {name: np.exp(sigma[name] * z[:, j] - 0.5 * sigma[name] ** 2) for j, name in enumerate(FACTORS)}


def subject_values(tpl, factors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per-subject field values (kernel units) of a `SkinBatchTemplate`: its preset values times the factors of
    the regions it has (the viable epidermis factor on the layers above the basal layer; clearance only where it
    is positive, i.e. in vivo)."""
    out = {}
    for path, factor in factors.items():
        region = path.split(".")[0]
        if region not in tpl.region_names:
            continue
        base = tpl.base_value(path)
        if path == "dermis.clearance" and base == 0.0:
            continue
        out[path] = base * factor
    return out
