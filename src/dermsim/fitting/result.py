"""The outcome of a fit: estimates with standard errors, profile intervals, correlations, the donor random
effects and the posterior, checked before anything is written, and saved as one output set.

Reported units: D in cm²/s, K dimensionless, lag in h, kp in cm/h, dose in ug/cm²; standard errors of
log-space estimates are also given as SE(log10 θ) = SE(ln θ)/ln 10, and in the parameter's unit by the
delta method, SE(θ) ≈ θ SE(ln θ).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from dermsim.errors import ResultCheckError
from dermsim.fitting.data import AMOUNT_UNIT, TIME_UNIT, FranzData
from dermsim.fitting.estimate import correlation
from dermsim.fitting.forward import FitParameter
from dermsim.fitting.posterior import Posterior
from dermsim.fitting.profile import LEVEL, Profile
from dermsim.fitting.random_effects import RandomEffect

LN10 = math.log(10.0)


@dataclass
class FitResult:
    """See module docstring. ``x`` = ln θ̂ (kernel units), ``cov`` its covariance; ``fitted`` the model at
    the data rows used (``data``); ``curve`` the model on ``curve_time`` (h)."""

    parameters: list[FitParameter]
    x: np.ndarray
    cov: np.ndarray
    rss: float
    n: int
    data: FranzData
    weighted: bool
    fitted: np.ndarray
    curve_time: np.ndarray
    curve: np.ndarray
    model: dict
    start_rss: np.ndarray
    profiles: list[Profile] | None = None
    donors: list[dict] | None = None
    random_effects: dict[str, RandomEffect] | None = None
    posterior: Posterior | None = None
    notes: list[str] = field(default_factory=list)

    # -- the numbers ------------------------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def dof(self) -> int:
        return self.n - len(self.parameters)

    @property
    def s2(self) -> float:
        """Residual variance RSS/(n − p) ((ug/cm²)² unweighted, dimensionless with replicate SDs)."""
        return self.rss / self.dof

    @property
    def estimates(self) -> dict[str, float]:
        """θ̂ in the reported units."""
        return {p.name: float(p.shown(math.exp(x))) for p, x in zip(self.parameters, self.x)}

    @property
    def se_log(self) -> dict[str, float]:
        """SE(ln θ̂) from s²(JᵀJ)⁻¹."""
        return {p.name: float(math.sqrt(self.cov[i, i])) for i, p in enumerate(self.parameters)}

    @property
    def se(self) -> dict[str, float]:
        """SE(θ̂) in the reported units (delta method)."""
        est = self.estimates
        return {name: est[name] * s for name, s in self.se_log.items()}

    @property
    def ci(self) -> dict[str, tuple[float | None, float | None]]:
        """95 % profile-likelihood interval in the reported units; None = not closed inside the bounds."""
        if self.profiles is None:
            return {}
        out = {}
        for p, prof in zip(self.parameters, self.profiles):
            ends = [None if v is None else float(p.shown(math.exp(v))) for v in (prof.lower, prof.upper)]
            out[p.name] = (ends[0], ends[1])
        return out

    @property
    def correlation(self) -> np.ndarray:
        return correlation(self.cov)

    def check(self) -> None:
        """`ResultCheckError` unless the estimates, their fit and the fitted curve are finite."""
        bad = [n for n, v in self.estimates.items() if not math.isfinite(v)]
        if bad or not math.isfinite(self.rss) or not np.all(np.isfinite(self.fitted)) \
                or not np.all(np.isfinite(self.curve)):
            raise ResultCheckError(f"fit: non-finite result ({', '.join(bad) or 'fitted curve'}); nothing written "
                                   "(check the units of the data and the scenario)")

    # -- tables -----------------------------------------------------------------------------------------------
    def rows(self) -> list[dict]:
        """One row a parameter: estimate, SEs, interval, bounds, in the reported units."""
        est, se, se_log, ci = self.estimates, self.se, self.se_log, self.ci
        rows = []
        for p in self.parameters:
            lo, hi = ci.get(p.name, (None, None))
            rows.append({"parameter": p.name, "unit": p.unit or "1", "estimate": est[p.name], "se": se[p.name],
                         "se_log10": se_log[p.name] / LN10, "ci95_lower": lo, "ci95_upper": hi,
                         "lower_bound": float(p.shown(p.lower)), "upper_bound": float(p.shown(p.upper))})
        return rows

    def summary(self) -> dict:
        """Everything of the fit as JSON-ready data, with units."""
        corr = self.correlation
        out = {
            "kind": "fit",
            "data": {"source": self.data.source, "rows_fitted": self.n, "cells": len(self.data.cells),
                     "donors": len(self.data.donors), "weighted_by_replicate_sd": self.weighted,
                     "time_unit": TIME_UNIT, "amount_unit": AMOUNT_UNIT},
            "model": self.model,
            "method": {"estimator": "weighted least squares in ln θ (scipy.optimize.least_squares, trf), "
                                    f"{len(self.start_rss)} seeded starts",
                       "standard_error": "s² (JᵀJ)⁻¹, s² = RSS/(n − p)",
                       "interval": f"profile likelihood, {LEVEL:.0%}, RSS ratio ≤ 1 + F(1, n − p)/(n − p)",
                       "random_effects": "global two-stage, REML on per-donor ln θ" if self.random_effects else None,
                       "start_rss": self.start_rss.tolist()},
            "parameters": self.rows(),
            "correlation": {"parameters": self.names, "matrix": corr.tolist()},
            "residuals": {"rss": self.rss, "n": self.n, "p": len(self.parameters), "dof": self.dof, "s2": self.s2,
                          "rmse": math.sqrt(self.s2),
                          "unit": "1 (weighted by 1/SD)" if self.weighted else f"{AMOUNT_UNIT}"},
            "notes": list(self.notes),
        }
        if self.profiles is not None:
            out["profiles"] = {p.name: {"threshold_rss_ratio": prof.threshold,
                                        "closed": [prof.lower is not None, prof.upper is not None]}
                               for p, prof in zip(self.parameters, self.profiles)}
        if self.random_effects:
            out["random_effects"] = {
                name: {"mean": float(self._shown(name, math.exp(re.mean))), "sd_ln": re.sd, "sd_ln_ci95":
                       [re.sd_lower, re.sd_upper], "mean_se_ln": re.mean_se, "donors": re.donors,
                       "unit": self._unit(name)}
                for name, re in self.random_effects.items()}
            out["donors"] = self.donors
        if self.posterior is not None:
            post = self.posterior
            q = np.percentile(post.samples, [2.5, 50.0, 97.5], axis=0)
            out["posterior"] = {
                "sampler": "emcee, flat prior on ln θ, σ integrated out (Jeffreys)", "steps": post.steps,
                "burn_in": post.burn, "samples": int(post.samples.shape[0]), "acceptance": post.acceptance,
                "autocorrelation_steps": post.autocorrelation, "chain_longer_than_50_tau": post.long_enough,
                "parameters": {p.name: {"median": float(p.shown(math.exp(q[1, i]))),
                                        "ci95": [float(p.shown(math.exp(q[0, i]))), float(p.shown(math.exp(q[2, i])))],
                                        "unit": p.unit or "1"}
                               for i, p in enumerate(self.parameters)}}
        return out

    def _shown(self, name: str, kernel_value: float) -> float:
        return float(next(p for p in self.parameters if p.name == name).shown(kernel_value))

    def _unit(self, name: str) -> str:
        return next(p for p in self.parameters if p.name == name).unit or "1"

    def table_csv(self) -> str:
        """The estimates table as CSV text."""
        buf = io.StringIO()
        rows = self.rows()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("unbounded" if v is None else f"{v:.6g}" if isinstance(v, float) else v)
                             for k, v in row.items()})
        return buf.getvalue()

    def text(self) -> str:
        """A few lines for the screen: estimates, SEs, intervals, the correlation."""
        lines = [f"fitted {self.n} points, {len(self.data.cells)} cell(s), {len(self.data.donors)} donor(s); "
                 f"residual SD {math.sqrt(self.s2):.3g} {'(weighted)' if self.weighted else AMOUNT_UNIT}"]
        for row in self.rows():
            unit = "" if row["unit"] == "1" else f" {row['unit']}"
            lo = "unbounded" if row["ci95_lower"] is None else f"{row['ci95_lower']:.4g}"
            hi = "unbounded" if row["ci95_upper"] is None else f"{row['ci95_upper']:.4g}"
            ci = f", 95 % CI [{lo}, {hi}]" if self.profiles is not None else ""
            lines.append(f"  {row['parameter']} = {row['estimate']:.4g}{unit} (SE {row['se']:.2g}, "
                         f"{row['se_log10']:.3f} in log10){ci}")
        if len(self.parameters) > 1:
            corr = self.correlation
            pairs = [f"{a}–{b} {corr[i, j]:+.3f}" for i, a in enumerate(self.names) for j, b in enumerate(self.names)
                     if j > i]
            lines.append("  correlation of the log estimates: " + ", ".join(pairs))
        if self.random_effects:
            for name, re in self.random_effects.items():
                hi = "unbounded" if re.sd_upper is None else f"{re.sd_upper:.3g}"
                lines.append(f"  between-donor SD of ln {name}: {re.sd:.3g} (95 % CI [{re.sd_lower:.3g}, {hi}], "
                             f"{re.donors} donors)")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    # -- files ------------------------------------------------------------------------------------------------
    def save(self, out, plots: bool = True) -> list[Path]:
        """Write estimates.csv, summary.json, and (``plots``) fit.png, residuals.png, profiles.png into the
        folder ``out`` (created if missing); posterior_samples.csv with a posterior. Checks first."""
        from dermsim.results.files import write_json, write_text

        self.check()
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        written = [write_text(out / "estimates.csv", self.table_csv()),
                   write_json(out / "summary.json", self.summary())]
        if self.posterior is not None:
            header = ",".join(f"{p.name} ({p.unit or '1'})" for p in self.parameters)
            values = np.exp(self.posterior.samples) * np.array([p.scale for p in self.parameters])
            body = "\n".join(",".join(f"{v:.6g}" for v in row) for row in values)
            written.append(write_text(out / "posterior_samples.csv", header + "\n" + body + "\n"))
        if plots:
            from dermsim.fitting.plots import figures
            from dermsim.plotting import save_figures

            written += save_figures(out, figures(self))
        return written
