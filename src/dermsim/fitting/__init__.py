"""Fitting diffusion parameters to cumulative-permeation (Franz-cell) data: `fit` returns a `FitResult` with
estimates, standard errors, profile-likelihood intervals, the D–K correlation, donor random effects and,
optionally, posterior samples; ``FitResult.save(out)`` writes the output set.

Modules: `data` (the table, read with units), `forward` (the layered model as a function of the fitted
parameters, batched), `estimate` (least squares, standard errors), `profile` (intervals), `random_effects`
(donors), `posterior` (emcee), `result` and `plots` (outputs), `run` (`fit`).
"""

from dermsim.fitting.data import FranzData, from_arrays, read_csv
from dermsim.fitting.result import FitResult
from dermsim.fitting.run import fit

__all__ = ["fit", "FitResult", "FranzData", "read_csv", "from_arrays"]
