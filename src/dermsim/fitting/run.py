"""`fit(data, scenario=..., parameters=...)`: from a Franz-cell table and a permeation scenario to a `FitResult`.

Steps: read and check the data (`dermsim.fitting.data`); build the layered model of the scenario
(`dermsim.permeation.setup.build`) or a single membrane of donor concentration ``concentration``; fit the
named parameters by multistart least squares in log space (`estimate`); standard errors, correlation,
profile intervals (`profile`); with several donors, a random effect on each fitted ln θ (`random_effects`);
optionally posterior samples (`posterior`). Rows at t = 0 carry no information (the model starts at 0) and
are left out of the fit.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from dermsim.errors import InputError
from dermsim.fitting.data import FranzData, read_csv
from dermsim.fitting.estimate import Objective, covariance, multistart
from dermsim.fitting.forward import PermeationForward
from dermsim.fitting.profile import profile
from dermsim.fitting.result import FitResult
from dermsim.permeation.layered import LayeredDiffusion, Receptor, Region, Vehicle

#: Thickness of the default membrane (cm). It drops out of Q(t) when the membrane is described by lag and kp
#: (Crank 1975, eq. 4.24a depends on D/h² and K D/h only), so any value gives the same fit; 10 um.
DEFAULT_THICKNESS = 1e-3
#: Finite volumes of the default membrane and of explicit layers (`dermsim.permeation.setup.CELLS`).
DEFAULT_CELLS = 30
#: Points of the fitted curve drawn over the data.
CURVE_POINTS = 200


def _scenario(scenario):
    from dermsim.scenario import load_scenario, scenario_from_dict

    if isinstance(scenario, str | Path):
        scenario = load_scenario(scenario)
    elif isinstance(scenario, dict):
        scenario = scenario_from_dict(scenario)
    if getattr(scenario, "kind", None) != "permeation" or getattr(scenario, "microneedle", None) is not None:
        raise InputError("--scenario", getattr(scenario, "kind", type(scenario).__name__),
                         "a permeation scenario without microneedles")
    return scenario


def _slope_guess(data: FranzData) -> tuple[float, float]:
    """(steady flux ug/cm²/h, lag h) from a straight line through the later half of the pooled data; the lag
    falls back to the first sampling time when the line crosses zero before t = 0 (a lag too short to see)."""
    t, q = data.time, data.amount
    late = t >= 0.5 * t.max()
    if np.unique(t[late]).size < 2:
        late = t > 0
    slope, intercept = np.polyfit(t[late], q[late], 1) if np.unique(t[late]).size >= 2 else (q.max() / t.max(), 0.0)
    flux = slope if slope > 0 else max(q.max(), 1e-12) / t.max()
    lag = -intercept / flux if slope > 0 else float("nan")
    first = float(np.min(t[t > 0]))
    return float(flux), float(lag if math.isfinite(lag) and lag >= first / 10 else first)


def _default_model(concentration, data: FranzData) -> LayeredDiffusion:
    from dermsim.units import to_positive

    if concentration is None:
        raise InputError("--concentration", None, "the donor concentration (e.g. '1 mg/mL') when no --scenario "
                         "is given (the default membrane is fitted as lag and kp)")
    c = to_positive(concentration, "--concentration", "ug/cm^3")
    flux, lag = _slope_guess(data)
    h = DEFAULT_THICKNESS
    d = h * h / (6.0 * lag)
    return LayeredDiffusion((Region("membrane", h, flux * h / (c * d), d, cells=DEFAULT_CELLS),), Vehicle(True, c),
                            Receptor("sink"))


def model_for(scenario, concentration, data: FranzData) -> tuple[LayeredDiffusion, dict]:
    """The layered model to fit and a description of it (for the summary)."""
    if scenario is None:
        model = _default_model(concentration, data)
        return model, {"scenario": None, "description": "single membrane, infinite dose, sink (lag and kp)",
                       "donor_concentration_ug_per_cm3": model.vehicle.concentration}
    if concentration is not None:
        raise InputError("--concentration", concentration, "only without --scenario (the scenario's formulation "
                         "sets the donor)")
    from dermsim.permeation.setup import build

    scenario = _scenario(scenario)
    setup = build(scenario)
    if setup.applied is not None and setup.applied.film is not None:
        raise InputError("formulation.vehicle", scenario.formulation.vehicle, "a finite dose without vehicle "
                         "physics (a drying film is not fitted; remove formulation.vehicle)")
    model = setup.model
    return model, {"scenario": scenario.title or None,
                   "regions": [{"name": r.name, "thickness_cm": r.thickness, "diffusivity_cm2_per_s":
                                r.diffusivity / 3600.0, "partition": r.partition} for r in model.regions],
                   "dose": "infinite" if model.vehicle.infinite else "finite", "receptor": model.receptor.kind,
                   "donor_concentration_ug_per_cm3": model.vehicle.concentration}


def parameter_names(parameters, model: LayeredDiffusion, lumped: bool, dose: bool) -> list[str]:
    """The names to fit: as given (list or comma-separated), else lag,kp for the default membrane, else D and K
    of the stratum corneum (or of the only layer)."""
    if parameters is None:
        if lumped:
            names = ["lag", "kp"]
        else:
            layers = [r.name for r in model.regions]
            layer = "stratum_corneum" if "stratum_corneum" in layers else layers[0]
            names = [f"{layer}.diffusivity", f"{layer}.partition"]
    else:
        names = [s.strip() for s in parameters.split(",")] if isinstance(parameters, str) else list(parameters)
        names = [s for s in names if s]
        if not names:
            raise InputError("--fit", parameters, "one or more parameter names, e.g. 'lag,kp'")
    if dose and "dose" not in names:
        names.append("dose")
    return names


def _first_guess(forward: PermeationForward, data: FranzData) -> np.ndarray:
    """ln θ to start from: the scenario's values, or for a single-layer infinite-dose membrane the lag and
    flux of a line through the later half of the data."""
    model = forward.model
    theta = [p.start for p in forward.parameters]
    if len(model.regions) == 1 and model.vehicle.infinite:
        flux, lag = _slope_guess(data)
        r, kv, c = model.regions[0], model.vehicle.partition, model.vehicle.concentration
        d = r.thickness ** 2 / (6.0 * lag)
        guess = {"lag": lag, "kp": flux / c, f"{r.name}.diffusivity": d,
                 f"{r.name}.partition": flux * r.thickness * kv / (c * d)}
        theta = [guess.get(p.name, p.start) for p in forward.parameters]
    lo, hi = forward.lower, forward.upper
    return np.clip(np.log(theta), lo, hi)


def _objective(forward: PermeationForward, data: FranzData) -> Objective:
    times = np.unique(data.time)
    index = np.searchsorted(times, data.time)
    weights = np.ones(data.time.size) if data.sd is None else 1.0 / data.sd
    return Objective(predict=lambda x: forward.predict(x, times)[:, index], observed=data.amount, weights=weights,
                     lower=forward.lower, upper=forward.upper)


def _enough(data: FranzData, p: int, who: str) -> None:
    if data.time.size < p + 2:
        raise InputError(who, f"{data.time.size} points with time > 0", f"at least {p + 2} points (the {p} fitted "
                         "parameters + 2) to estimate them and their errors")


def fit(data, scenario=None, parameters=None, *, dose: bool = False, concentration=None, starts: int = 4,
        seed: int = 0, profiles: bool = True, posterior: bool = False, posterior_steps: int = 2000,
        time_unit: str | None = None, amount_unit: str | None = None) -> FitResult:
    """Fit diffusion parameters to cumulative-permeation data.

    Parameters
    ----------
    data : `FranzData`, or a CSV path (`dermsim.fitting.data.read_csv`; ``time_unit``/``amount_unit`` as there)
    scenario : permeation scenario (TOML path, dict or object); None = a single membrane fitted as lag and kp
    parameters : names (list or "a,b"), e.g. "stratum_corneum.diffusivity,stratum_corneum.partition" or
        "lag,kp"; default D and K of the stratum corneum (or of the only layer), lag and kp without a scenario
    dose : also fit the applied amount (finite doses), ug/cm²
    concentration : donor concentration of the default membrane, e.g. "1 mg/mL" (only without a scenario)
    starts, seed : multistart size and its seed
    profiles : compute the profile-likelihood intervals
    posterior, posterior_steps : emcee sampling and its length (steps of the ensemble)
    """
    if not isinstance(data, FranzData):
        data = read_csv(data, time_unit, amount_unit)
    notes = []
    zero = data.time == 0
    if zero.any():
        data = data.subset(~zero)
        notes.append(f"{int(zero.sum())} rows at t = 0 left out (the model is 0 there by construction)")
    model, description = model_for(scenario, concentration, data)
    names = parameter_names(parameters, model, scenario is None, dose)
    forward = PermeationForward(model, names)
    p = len(names)
    _enough(data, p, "data")
    objective = _objective(forward, data)
    est = multistart(objective, _first_guess(forward, data), starts=starts, seed=seed)
    cov = covariance(est.jacobian, est.rss, objective.n)
    if not est.converged:
        notes.append("the best start did not meet the optimiser's tolerances")
    profs = None
    if profiles:
        profs = [profile(objective, est.x, est.rss, j, math.sqrt(cov[j, j])) for j in range(p)]
        for name, prof in zip(names, profs):
            if prof.lower is None or prof.upper is None:
                notes.append(f"the profile of {name} does not close inside its bounds: its 95 % interval is "
                             "unbounded on that side (the data do not determine it)")
    donors, effects = None, None
    if len(data.donors) > 1:
        donors, effects = _donor_effects(forward, data, est.x, p)
        notes.append("between-donor SD by the global two-stage method (per-donor fits, REML); see random_effects")
    post = None
    if posterior:
        from dermsim.fitting.posterior import sample

        post = sample(objective, est.x, cov, steps=posterior_steps, seed=seed)
        if not post.long_enough:
            notes.append(f"posterior chain shorter than 50 autocorrelation times ({post.autocorrelation:.0f} steps); "
                         "use more steps for converged intervals")
    curve_t = np.linspace(0.0, float(data.time.max()), CURVE_POINTS)
    result = FitResult(parameters=forward.parameters, x=est.x, cov=cov, rss=est.rss, n=objective.n, data=data,
                       weighted=data.sd is not None, fitted=objective.predict(est.x[None, :])[0],
                       curve_time=curve_t, curve=forward.predict(est.x[None, :], curve_t)[0], model=description,
                       start_rss=est.start_rss, profiles=profs, donors=donors, random_effects=effects,
                       posterior=post, notes=notes)
    result.check()
    return result


def _donor_effects(forward: PermeationForward, data: FranzData, x_pooled: np.ndarray, p: int):
    """Per-donor fits (started at the pooled estimate) and the REML between-donor SD of each ln θ."""
    from dermsim.fitting.random_effects import between_donor

    rows, xs, ses = [], [], []
    for donor in data.donors:
        sub = data.subset(data.donor == donor)
        _enough(sub, p, f"donor {donor}")
        objective = _objective(forward, sub)
        est = multistart(objective, x_pooled, starts=1)
        cov = covariance(est.jacobian, est.rss, objective.n)
        se = np.sqrt(np.diag(cov))
        xs.append(est.x)
        ses.append(se)
        rows.append({"donor": donor, "points": objective.n,
                     "estimates": {q.name: float(q.shown(math.exp(v))) for q, v in zip(forward.parameters, est.x)},
                     "se_ln": {q.name: float(s) for q, s in zip(forward.parameters, se)}})
    xs, ses = np.array(xs), np.array(ses)
    effects = {}
    for j, q in enumerate(forward.parameters):
        ok = np.isfinite(ses[:, j])
        if ok.sum() >= 2:
            effects[q.name] = between_donor(xs[ok, j], ses[ok, j])
    return rows, effects
