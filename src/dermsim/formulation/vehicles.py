"""Vehicle components and evaporation from an applied film: pure functions with cited data.

Units: molar mass g/mol, density g/cm³, vapour pressure Pa, gas diffusivity cm²/s (as the correlations give
it), temperature K; the evaporation functions return kernel units (mass-transfer coefficient cm/h, flux
ug/cm²/h, recession rate of a liquid film cm/h).

Pure-component properties come from the ``chemicals`` library (Caleb Bell, Chemical Engineering Design
Library, MIT licence), evaluated at the requested temperature (default: the skin-surface temperature
32 °C = 305.15 K of OECD TG 428):

* molar mass: from the formula (IUPAC atomic weights), ``chemicals.identifiers``;
* liquid density: water from IAPWS-95 (Wagner & Pruß 2002 J Phys Chem Ref Data 31:387,
  ``chemicals.iapws.iapws95_rho``); organics from the DIPPR equation 105 with the coefficients of Perry's
  Chemical Engineers' Handbook 8th ed. Table 2-32 (``chemicals.volume.rho_data_Perry_8E_105_l``), else the
  PPDS equation of the VDI Heat Atlas 2nd ed. (``rho_data_VDI_PPDS_2``);
* vapour pressure: water from the IAPWS saturation line (Wagner & Pruß 2002, ``Psat_IAPWS``); organics from
  the DIPPR equation 101 with Perry's 8th ed. Table 2-8 (``Psat_data_Perrys2_8``), else the Wagner/PPDS
  equation of the VDI Heat Atlas (``Psat_data_VDI_PPDS_3``), else the Antoine constants of Dykyj & Hall
  (Landolt-Börnstein IV/20, ``Psat_data_Landolt_Antoine``); a correlation used outside its fitted
  temperature range says so in the source;
* gas diffusivity in air: the Fuller correlation (Fuller, Schettler & Giddings 1966 Ind Eng Chem 58(5):18;
  volumes of Fuller, Ensley & Giddings 1969 J Phys Chem 73:3679; Poling, Prausnitz & O'Connell 2001, The
  Properties of Gases and Liquids 5th ed., eq. 11-4.4) from the formula ``chemicals`` gives. ``chemicals``
  has no gas-diffusivity module, so the correlation is written here, its volumes in
  ``parameters/vehicles.toml``.

What ``chemicals`` lacks or gets wrong (light mineral oil, a mixture; the density of isopropyl myristate) is
in ``parameters/vehicles.toml`` with its own source.

Evaporation (open film, isothermal, zero vapour far away) follows a laminar boundary layer over the dosed
patch: Sh = k_g L / D_g = 0.664 Re^½ Sc^⅓ (the average of the Pohlhausen flat-plate solution; Bird, Stewart &
Lightfoot 2002 Transport Phenomena 2nd ed. §14.4 and §22.2 by the heat/mass analogy; Incropera & DeWitt,
Fundamentals of Heat and Mass Transfer). Laminar boundary-layer theory was used for evaporation of pure
volatile liquids in occupational settings by Nielsen, Olsen & Fredenslund 1995 Ann Occup Hyg 39:497, was one
of the two best of five relations for evaporation from skin in Franz cells (Gajjar, Miller & Kasting 2013
Ann Occup Hyg 57:853), and its k ∝ u^½ was measured for thin films by Frasch et al. 2018 J Pharm Sci
107:2251 (exponent 0.52).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from dermsim import parameters
from dermsim.errors import InputError

__all__ = ["VehicleComponent", "component", "list_components", "fuller_gas_diffusivity",
           "air_kinematic_viscosity", "mass_transfer_coefficient", "evaporation_flux", "evaporation_rate",
           "skin_surface_temperature", "GAS_CONSTANT"]

#: Molar gas constant, J/(mol K) (CODATA 2018, exact).
GAS_CONSTANT = 8.314462618
_CHEMICALS = "chemicals (C. Bell, Chemical Engineering Design Library, MIT)"


@dataclass(frozen=True)
class VehicleComponent:
    """One liquid of a vehicle at one temperature.

    Parameters
    ----------
    name : library key (e.g. ``"propylene-glycol"``)
    molar_mass : g/mol
    density : liquid density at ``temperature``, g/cm³
    vapour_pressure : saturation vapour pressure at ``temperature``, Pa
    gas_diffusivity : binary diffusivity of the vapour in air at ``temperature`` and 1 atm, cm²/s
    volatile : vapour pressure above the threshold of ``vehicles.toml`` (100 Pa: a 10 uL/cm² film dries
        within about an hour); informative only, the drying model uses every vapour pressure
    temperature : K, at which the properties hold
    sources : field name -> source text (correlation, data set, library)
    estimated : fields that are estimates (correlation outside its range, proxy, predicted)
    display_name, cas, formula, dortmund_groups : identity; modified-UNIFAC subgroups as ((id, count), ...)
    log_kow : log10 octanol/water partition coefficient (its uptake into the skin; None for the oils, taken as
        staying on the surface)
    water_solubility : solubility of the component in water, g/cm³, for a liquid that does not mix with water
        (benzene, octanol); None for water and the water-miscible liquids
    """

    name: str
    molar_mass: float
    density: float
    vapour_pressure: float
    gas_diffusivity: float
    volatile: bool
    temperature: float
    sources: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    estimated: frozenset[str] = frozenset()
    display_name: str = ""
    cas: str | None = None
    formula: str | None = None
    dortmund_groups: tuple[tuple[int, int], ...] = ()
    log_kow: float | None = None
    water_solubility: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(self, "estimated", frozenset(self.estimated))

    @property
    def molar_volume(self) -> float:
        """M/ρ, cm³/mol."""
        return self.molar_mass / self.density

    @property
    def water_equivalent_fraction(self) -> float:
        """min(1, S_w/ρ): the water-equivalent concentration of the neat liquid over its density (–).

        A liquid that does not mix with water is, at activity 1, in equilibrium with its saturated aqueous
        solution, S_w; a permeability measured or predicted from water therefore takes S_w, not ρ, as the
        concentration that drives the neat liquid into the skin (the maximum flux is kp S_w, as in the maximum-flux
        database of Magnusson, Anissimov, Cross & Roberts 2004 J Invest Dermatol 122:993). 1 for water and the
        water-miscible liquids.
        """
        return 1.0 if self.water_solubility is None else min(1.0, self.water_solubility / self.density)

    def to_dict(self) -> dict:
        return {"name": self.name, "display_name": self.display_name, "cas": self.cas, "formula": self.formula,
                "molar_mass_g_mol": self.molar_mass, "density_g_cm3": self.density,
                "vapour_pressure_Pa": self.vapour_pressure, "gas_diffusivity_cm2_s": self.gas_diffusivity,
                "volatile": self.volatile, "temperature_K": self.temperature, "sources": dict(self.sources),
                "estimated": sorted(self.estimated)}


# ---------------------------------------------------------------------------------------------
# parameters
# ---------------------------------------------------------------------------------------------

def _table():
    return parameters.load("vehicles")


def skin_surface_temperature() -> float:
    """The default film temperature, K (32 °C, OECD TG 428)."""
    return _table()["conditions"]["skin_surface_temperature"].to("K")


def _normalise(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


@parameters.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for key, entry in _table()["components"].items():
        for label in (key, entry.get("display_name", key), *entry.get("aliases", ())):
            index[_normalise(label)] = key
    return index


def list_components() -> list[str]:
    """Library keys of the vehicle components, in file order."""
    return list(_table()["components"].keys())


def _names() -> list[str]:
    return sorted(_index())


# ---------------------------------------------------------------------------------------------
# chemicals look-ups
# ---------------------------------------------------------------------------------------------

def _range_note(temperature: float, t_min: float, t_max: float) -> tuple[str, bool]:
    if t_min - 0.5 <= temperature <= t_max + 0.5:
        return f"within its range {t_min:.0f}-{t_max:.0f} K", False
    return (f"EXTRAPOLATED to {temperature:.2f} K outside its fitted range {t_min:.0f}-{t_max:.0f} K", True)


def _molar_mass(cas: str) -> tuple[float, str, str]:
    from chemicals.identifiers import search_chemical

    meta = search_chemical(cas)
    return float(meta.MW), meta.formula, (f"{_CHEMICALS}: chemicals.identifiers molar mass of {meta.formula} "
                                          "(IUPAC standard atomic weights), calc.")


def _density(cas: str, molar_mass: float, temperature: float) -> tuple[float, str, bool] | None:
    """Liquid density g/cm³ at saturation (the pressure effect at 1 atm is < 0.01 %)."""
    from chemicals import volume
    from chemicals.dippr import EQ105

    if cas == "7732-18-5":
        from chemicals.iapws import iapws95_rho

        rho = iapws95_rho(temperature, 101325.0) / 1000.0
        return rho, f"{_CHEMICALS}: IAPWS-95 (Wagner & Pruss 2002 J Phys Chem Ref Data 31:387) at 1 atm", False
    table = volume.rho_data_Perry_8E_105_l
    if cas in table.index:
        row = table.loc[cas]
        note, extrapolated = _range_note(temperature, row.Tmin, row.Tmax)
        rho = EQ105(temperature, row.C1, row.C2, row.C3, row.C4) * molar_mass / 1e6   # mol/m³ -> g/cm³
        return rho, (f"{_CHEMICALS}: DIPPR equation 105 with Perry's Chemical Engineers' Handbook 8th ed. "
                     f"Table 2-32 coefficients (chemicals.volume.rho_data_Perry_8E_105_l), {note}"), extrapolated
    table = volume.rho_data_VDI_PPDS_2
    if cas in table.index:
        row = table.loc[cas]
        vm = volume.volume_VDI_PPDS(temperature, row.Tc, row.rhoc, row.A, row.B, row.C, row.D, molar_mass)
        return molar_mass / vm / 1e6, (f"{_CHEMICALS}: PPDS saturated-liquid density equation of the VDI Heat "
                                       "Atlas 2nd ed. 2010 (chemicals.volume.rho_data_VDI_PPDS_2), valid from the "
                                       "melting point to the critical point"), False
    return None


def _vapour_pressure(cas: str, temperature: float) -> tuple[float, str, bool] | None:
    from chemicals import vapor_pressure as vp
    from chemicals.dippr import EQ101

    if cas == "7732-18-5":
        return vp.Psat_IAPWS(temperature), (f"{_CHEMICALS}: IAPWS saturation pressure of water (Wagner & Pruss "
                                            "2002 J Phys Chem Ref Data 31:387), chemicals.vapor_pressure.Psat_IAPWS"), False
    table = vp.Psat_data_Perrys2_8
    if cas in table.index:
        row = table.loc[cas]
        note, extrapolated = _range_note(temperature, row.Tmin, row.Tmax)
        p = EQ101(temperature, row.C1, row.C2, row.C3, row.C4, row.C5)
        return p, (f"{_CHEMICALS}: DIPPR equation 101 with Perry's Chemical Engineers' Handbook 8th ed. Table 2-8 "
                   f"coefficients (chemicals.vapor_pressure.Psat_data_Perrys2_8), {note}"), extrapolated
    table = vp.Psat_data_VDI_PPDS_3
    if cas in table.index:
        row = table.loc[cas]
        extrapolated = temperature < row.Tm
        p = vp.Wagner(temperature, row.Tc, row.Pc, row.A, row.B, row.C, row.D)
        return p, (f"{_CHEMICALS}: Wagner (PPDS) equation of the VDI Heat Atlas 2nd ed. 2010 "
                   "(chemicals.vapor_pressure.Psat_data_VDI_PPDS_3), valid from the melting point "
                   f"{row.Tm:.1f} K to the critical point"), extrapolated
    table = vp.Psat_data_Landolt_Antoine
    if cas in table.index:
        row = table.loc[cas]
        note, extrapolated = _range_note(temperature, row.Tmin, row.Tmax)
        p = vp.Antoine(temperature, row.A, row.B, row.C, base=math.e)
        text = (f"{_CHEMICALS}: Antoine constants of Dykyj & Hall, Landolt-Boernstein IV/20 "
                f"(chemicals.vapor_pressure.Psat_data_Landolt_Antoine), {note}")
        if extrapolated:
            text = "estimate: " + text + "; order of magnitude only"
        return p, text, extrapolated
    return None


def _parse_formula(formula: str) -> dict[str, int]:
    from chemicals.elements import simple_formula_parser

    return {k: int(v) for k, v in simple_formula_parser(formula).items()}


def fuller_gas_diffusivity(formula: str, molar_mass: float, temperature_K: float,
                           pressure_Pa: float | None = None, aromatic_rings: int = 0) -> float:
    """Binary diffusivity of a vapour in air by the Fuller correlation, cm²/s.

    D = 1.43e-3 T^1.75 / (P M_AB^½ [V_A^⅓ + V_air^⅓]²) with D in cm²/s, T in K, P in bar,
    M_AB = 2 / (1/M_A + 1/M_air) in g/mol and V_A = Σ n_i v_i the sum of the atomic diffusion volumes
    (``fuller_volumes`` in vehicles.toml; water uses its molecular volume 13.1). Accuracy about 5-10 %
    (Poling, Prausnitz & O'Connell 2001 §11-4).

    Parameters
    ----------
    formula : Hill formula of the vapour (C, H, O, N, S, F, Cl, Br, I), e.g. ``"C2H6O"``
    molar_mass : g/mol
    temperature_K : K
    pressure_Pa : total pressure, Pa (default 1 atm)
    aromatic_rings : number of aromatic or heterocyclic rings (each adds -18.3)
    """
    volumes = _table()["fuller_volumes"]
    if pressure_Pa is None:
        pressure_Pa = _table()["conditions"]["air_pressure"].to("Pa")
    atoms = _parse_formula(formula)
    if atoms == {"H": 2, "O": 1}:
        v_a = volumes["water"].to("")
    else:
        unknown = set(atoms) - set(volumes)
        if unknown:
            raise InputError("formula", formula, "a formula of atoms with Fuller volumes in vehicles.toml "
                                                 "(C, H, O, N, S, F, Cl, Br, I)")
        v_a = sum(n * volumes[el].to("") for el, n in atoms.items()) + aromatic_rings * volumes["aromatic_ring"].to("")
    m_air = volumes["air_molar_mass"].to("g/mol")
    m_ab = 2.0 / (1.0 / molar_mass + 1.0 / m_air)
    denom = (pressure_Pa / 1e5) * math.sqrt(m_ab) * (v_a ** (1 / 3) + volumes["air"].to("") ** (1 / 3)) ** 2
    return 1.43e-3 * temperature_K ** 1.75 / denom


# ---------------------------------------------------------------------------------------------
# components
# ---------------------------------------------------------------------------------------------

def _override(entry, key: str, unit: str):
    item = entry.get(key)
    if isinstance(item, parameters.Parameter):
        return item.to(unit), item.source, "estimate" in item.flags or "thin" in item.flags
    return None


@parameters.cache
def _component(key: str, temperature: float) -> VehicleComponent:
    entry = _table()["components"][key]
    sources: dict[str, str] = {}
    estimated: set[str] = set()
    cas = entry.get("cas")
    formula = entry.get("formula")

    def put(name: str, got):
        value, source, flag = got
        sources[name] = source
        if flag:
            estimated.add(name)
        return float(value)

    mm = _override(entry, "molar_mass", "g/mol")
    if mm is None:
        mw, formula, src = _molar_mass(cas)
        mm = (mw, src, False)
    molar_mass = put("molar_mass", mm)

    rho = _override(entry, "density", "g/cm^3") or _density(cas, molar_mass, temperature)
    psat = _override(entry, "vapour_pressure", "Pa") or _vapour_pressure(cas, temperature)
    if rho is None or psat is None:        # a new component without data: say which
        missing = "density" if rho is None else "vapour_pressure"
        raise InputError(f"vehicles.toml [components.{key}].{missing}", None,
                         "a sourced entry (chemicals has no data for this substance)")
    density = put("density", rho)
    vapour_pressure = put("vapour_pressure", psat)

    dg = _override(entry, "gas_diffusivity", "cm^2/s")
    if dg is None:
        rings = int(entry["aromatic_rings"].value) if "aromatic_rings" in entry else 0
        d = fuller_gas_diffusivity(formula, molar_mass, temperature, aromatic_rings=rings)
        ring_note = f" with {rings} aromatic ring increment{'s' if rings > 1 else ''}" if rings else ""
        dg = (d, ("Fuller, Schettler & Giddings 1966 correlation with the Fuller, Ensley & Giddings 1969 volumes "
                  f"(Poling, Prausnitz & O'Connell 2001 eq. 11-4.4) for {formula}{ring_note} in air at 1 atm, "
                  f"formula and molar mass from {_CHEMICALS}; calc., about +-10 %"), False)
    gas_diffusivity = put("gas_diffusivity", dg)

    kow = entry.get("log_kow")
    log_kow = float(kow.to("")) if kow is not None else None
    if kow is not None:
        sources["log_kow"] = kow.source
    solubility = _override(entry, "water_solubility", "g/cm^3")
    water_solubility = put("water_solubility", solubility) if solubility is not None else None
    groups = entry.get("dortmund_groups")
    groups_value = tuple((int(a), int(b)) for a, b in groups.value) if groups is not None else ()
    threshold = _table()["conditions"]["volatile_threshold"].to("Pa")
    return VehicleComponent(
        name=key, molar_mass=molar_mass, density=density, vapour_pressure=vapour_pressure,
        gas_diffusivity=gas_diffusivity, volatile=vapour_pressure > threshold, temperature=float(temperature),
        sources=sources, estimated=frozenset(estimated), display_name=entry.get("display_name", key), cas=cas,
        formula=formula, dortmund_groups=groups_value, log_kow=log_kow, water_solubility=water_solubility)


def component(name: str, temperature_K: float | None = None) -> VehicleComponent:
    """A vehicle component by key, display name or alias (case-insensitive), at ``temperature_K``.

    Parameters
    ----------
    name : e.g. ``"water"``, ``"IPA"``, ``"propylene glycol"``, ``"glycerin"``, ``"IPM"``, ``"liquid paraffin"``
    temperature_K : K (default the skin-surface temperature, 305.15 K)

    Raises
    ------
    InputError
        Unknown name (with the closest names), or a temperature outside 250-400 K.
    """
    key = _index().get(_normalise(name)) if isinstance(name, str) else None
    if key is None:
        raise InputError("vehicle component", name, ", ".join(list_components()), choices=_names())
    temperature = skin_surface_temperature() if temperature_K is None else temperature_K
    if not isinstance(temperature, (int, float)) or not 250.0 <= temperature <= 400.0:
        raise InputError("temperature_K", temperature_K, "a number in [250, 400] K (liquid films on skin)")
    return _component(key, float(temperature))


# ---------------------------------------------------------------------------------------------
# evaporation
# ---------------------------------------------------------------------------------------------

def air_kinematic_viscosity(temperature_K: float, pressure_Pa: float | None = None) -> float:
    """Kinematic viscosity of dry air ν = μ/ρ, cm²/s.

    μ from Lemmon & Jacobsen 2004 Int J Thermophys 25:21 (``chemicals.viscosity.mu_air_lemmon``), ρ of the
    ideal gas with the molar mass of Lemmon et al. 2000. About 0.163 cm²/s at 305 K and 1 atm.
    """
    from chemicals.viscosity import mu_air_lemmon

    if pressure_Pa is None:
        pressure_Pa = _table()["conditions"]["air_pressure"].to("Pa")
    molar_density = pressure_Pa / (GAS_CONSTANT * temperature_K)                          # mol/m³
    mu = mu_air_lemmon(temperature_K, molar_density)                                       # Pa s
    rho = molar_density * _table()["fuller_volumes"]["air_molar_mass"].to("g/mol") / 1000.0  # kg/m³
    return mu / rho * 1e4


def mass_transfer_coefficient(gas_diffusivity_cm2_s: float, air_velocity_cm_s: float | None = None,
                              length_cm: float | None = None, temperature_K: float | None = None,
                              still_air_depth_cm: float = 0.0) -> float:
    """Gas-side mass-transfer coefficient of a vapour above the film, k_g in cm/h.

    Average over a patch of length L in laminar flow (Re < 5e5):

        Sh = k_g L / D_g = 0.664 Re^½ Sc^⅓,   Re = u L / ν,   Sc = ν / D_g
        k_g [cm/s] = 0.664 D_g^⅔ ν^(-1/6) u^½ L^(-½)

    with D_g the vapour's diffusivity in air (cm²/s), u the air velocity (cm/s), L the patch length along the
    flow (cm) and ν the kinematic viscosity of air (cm²/s, :func:`air_kinematic_viscosity`); the result is
    multiplied by 3600 s/h. A layer of still air of depth δ between the dose and the moving air (the open donor
    chamber of a diffusion cell) adds its diffusion resistance in series: 1/k = 1/k_g + δ/D_g (Fick's law in
    the stagnant layer; Bird, Stewart & Lightfoot 2002 §18.2). Defaults: u and L from ``vehicles.toml`` (a Franz-cell donor under laboratory air,
    both thin), T the skin-surface temperature.

    Raises
    ------
    InputError
        Non-positive input, or a Reynolds number beyond laminar flow.
    """
    cond = _table()["conditions"]
    u = cond["air_velocity"].to("cm/s") if air_velocity_cm_s is None else air_velocity_cm_s
    length = cond["patch_length"].to("cm") if length_cm is None else length_cm
    temperature = skin_surface_temperature() if temperature_K is None else temperature_K
    for label, value in (("gas_diffusivity_cm2_s", gas_diffusivity_cm2_s), ("air_velocity_cm_s", u),
                         ("length_cm", length), ("temperature_K", temperature)):
        if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            raise InputError(label, value, "a finite number > 0")
    nu = air_kinematic_viscosity(temperature)
    reynolds = u * length / nu
    if reynolds >= 5e5:
        raise InputError("air_velocity_cm_s", u, "a laminar boundary layer (Re = u L / nu < 5e5)",
                         problem=f"Re = {reynolds:.3g} is turbulent")
    sherwood = 0.664 * math.sqrt(reynolds) * (nu / gas_diffusivity_cm2_s) ** (1.0 / 3.0)
    k_flow = sherwood * gas_diffusivity_cm2_s / length                                     # cm/s
    if not (math.isfinite(still_air_depth_cm) and still_air_depth_cm >= 0):
        raise InputError("still_air_depth_cm", still_air_depth_cm, "a finite depth >= 0 (cm)")
    return 3600.0 / (1.0 / k_flow + still_air_depth_cm / gas_diffusivity_cm2_s)


def evaporation_flux(partial_pressure_Pa: float, molar_mass: float, k_g: float,
                     temperature_K: float | None = None) -> float:
    """Evaporation flux of a vapour into clean air, ug/cm²/h.

        J = k_g c_s = k_g p M / (R T)

    with k_g in cm/h, p the partial pressure at the film surface (Pa; γ x P_sat for a component of a liquid
    mixture), M in g/mol, R = 8.314 J/(mol K) and T in K: p M/(R T) is the saturated vapour concentration in
    g/m³ (ideal gas), times 1 ug/cm³ per g/m³. The vapour concentration far from the surface is taken as zero
    (dry air for water: an upper bound when the room air is humid).
    """
    temperature = skin_surface_temperature() if temperature_K is None else temperature_K
    if partial_pressure_Pa < 0 or molar_mass <= 0 or k_g < 0 or temperature <= 0:
        raise InputError("evaporation_flux", (partial_pressure_Pa, molar_mass, k_g, temperature),
                         "p >= 0 Pa, M > 0 g/mol, k_g >= 0 cm/h, T > 0 K")
    concentration = partial_pressure_Pa * molar_mass / (GAS_CONSTANT * temperature)     # g/m³ = ug/cm³
    return k_g * concentration


def evaporation_rate(vehicle: VehicleComponent | str, partial_pressure_Pa: float | None = None,
                     air_velocity_cm_s: float | None = None, length_cm: float | None = None,
                     still_air_depth_cm: float = 0.0) -> float:
    """Rate at which a film of the component thins by evaporation, cm/h (volume per area per time).

        e = J / ρ = k_g p M / (R T ρ)      (J from :func:`evaporation_flux`, ρ in ug/cm³)

    ``partial_pressure_Pa`` defaults to the pure liquid's vapour pressure, so the default is e_i of
    ``DryingFilm`` (which multiplies it by the mole fraction itself). A 10 uL/cm² (1e-2 cm) film of pure
    component dries in 1e-2 / e hours.
    """
    comp = component(vehicle) if isinstance(vehicle, str) else vehicle
    p = comp.vapour_pressure if partial_pressure_Pa is None else partial_pressure_Pa
    k_g = mass_transfer_coefficient(comp.gas_diffusivity, air_velocity_cm_s, length_cm, comp.temperature,
                                    still_air_depth_cm)
    return evaporation_flux(p, comp.molar_mass, k_g, comp.temperature) / (comp.density * 1e6)
