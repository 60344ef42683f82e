"""Formulation: a compound in a vehicle, its concentration, the applied dose, occlusion, evaporation.

Internal units: concentration ug/cm³, film thickness (applied volume per area) cm, rates 1/h.
"""

from __future__ import annotations

from dataclasses import dataclass

from dermsim.chemistry.compound import Compound


@dataclass(frozen=True)
class Formulation:
    """A compound in a vehicle applied to skin.

    Parameters
    ----------
    compound : the active (None for an unnamed solute through explicit membrane layers)
    concentration : ug/cm³ in the vehicle (a w/w percentage is converted with ``density``)
    dose : applied formulation per area, g/cm² (None for an infinite dose)
    density : vehicle density, g/cm³ (default 1, an aqueous serum)
    vehicle_partition : vehicle/water partition coefficient of the compound (1 for an aqueous vehicle;
        a user parameter for creams, oils and solvent mixtures — no general QSPR is applied)
    ph : vehicle pH (None: the skin-surface pH of the site)
    occluded : covered by an occlusive dressing: the stratum corneum becomes fully hydrated and the
        compound cannot evaporate
    evaporation_rate : first-order evaporation rate of the compound from the vehicle film, 1/h
        (finite dose, open application only)
    """

    compound: Compound | None  # None: an unnamed solute through explicit layers
    concentration: float
    dose: float | None = None
    density: float = 1.0
    vehicle_partition: float = 1.0
    ph: float | None = None
    occluded: bool = False
    evaporation_rate: float = 0.0

    @property
    def infinite(self) -> bool:
        return self.dose is None

    @property
    def film_thickness(self) -> float:
        """Applied volume per area (cm); 0 for an infinite dose."""
        return 0.0 if self.dose is None else self.dose / self.density

    @property
    def applied_amount(self) -> float | None:
        """Compound applied per area (ug/cm²); None for an infinite dose."""
        return None if self.dose is None else self.concentration * self.film_thickness

    @property
    def effective_evaporation_rate(self) -> float:
        return 0.0 if (self.occluded or self.infinite) else self.evaporation_rate
