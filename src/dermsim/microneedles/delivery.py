"""Channel-enhanced delivery: a permeation scenario with a ``[microneedle]`` table, with and without needles.

The treatment is planned (`dermsim.microneedles.plan`: depth, surface diameter, distinct channels per
cm², barrier resealing), then the 2D axisymmetric unit cell (`dermsim.microneedles.channel_cell`) is solved
twice on the same mesh and reporting layers: with one channel per unit cell, whose open fraction decays
as the barrier reseals, and without (the 1D layered skin). The fast parallel-pathway model
(`dermsim.microneedles.pathways`, its exchange calibrated to one steady 2D solve per geometry and cached)
gives a cross-check of the same run.

Modes (``microneedle.mode``):

* ``pretreatment`` ("poke and patch"): the formulation is applied ``delay`` after needling onto the
  whole surface; the channels fill with it (aqueous channel fluid, partition 1 to water), so the open
  fraction seen by the formulation is f(t + delay);
* ``coated``, ``dissolving``, ``hydrogel``, ``hollow``: the patch carries the compound and releases it into
  its channels over time (`dermsim.microneedles.release`: coating ~20 s, matrix minutes, hydrogel reservoir
  hours with a solubility cap, hollow infusion at a rate). The comparison "without needles" puts the same
  dose per cm² on the intact surface as a thin film.

Channels stay open while the needles are in the skin (``wear_time``). After removal, living skin reseals
(`dermsim.microneedles.resealing`); excised skin contracts elastically to a small residual open fraction
(`dermsim.microneedles.excised_skin`).

Channel fluid: free aqueous diffusivity of the solute (Dancik 2013 for small molecules, Stokes–Einstein
on the hydrodynamic radius for macromolecules, `dermsim.chemistry.macromolecule`) hindered by the
Renkin factor of the channel radius. The transport-relevant closure is the barrier (permeable-area)
resealing measured by impedance, which the clinical studies report as "micropore closure"; the slower
physical closure is reported beside it (`dermsim.microneedles.resealing`).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np

from dermsim.anatomy import UM
from dermsim.errors import InputError
from dermsim.microneedles import excised_skin
from dermsim.microneedles.release import RELEASE_KINDS, release_for

#: Thickness (cm) of the stand-in (empty) vehicle film above a patch that carries the compound.
_COATED_FILM = 1e-9


def solute_size(compound, transport) -> tuple[float, float]:
    """Hydrodynamic radius (cm) and free aqueous diffusivity (cm²/h) of the solute in channel fluid."""
    from dermsim.chemistry import macromolecule as mm
    from dermsim.chemistry.qspr import aqueous_size

    if compound is None:
        raise InputError("compound.name", None, "a named compound for microneedle delivery (channel fluid diffusivity)")
    if transport is not None and not transport.permeable or getattr(compound, "is_macromolecule", False):
        cls = getattr(compound, "molecule_class", None) or mm.molecule_class_for_kind(compound.kind)
        radius = float(mm.hydrodynamic_radius(compound.molecular_weight, cls))
        return radius, float(mm.free_diffusivity(radius))
    return aqueous_size(compound)


def reporting_layers(regions, skin) -> tuple[tuple[str, float], ...]:
    """Bands (name, bottom depth cm): the model regions, with the dermis split at the papillary depth."""
    out, depth = [], 0.0
    for region in regions:
        top, depth = depth, depth + region.thickness
        papillary = getattr(skin, "papillary_dermis_thickness", None)
        if region.name == "dermis" and papillary and papillary < 0.9 * region.thickness:
            out.append(("papillary_dermis", top + papillary))
            out.append(("reticular_dermis", depth))
        else:
            out.append((region.name, depth))
    return tuple(out)


def plan_for(scenario, setup):
    """The `TreatmentPlan` of the scenario's microneedle table on the scenario's skin."""
    from dermsim.microneedles.plan import plan_from_spec

    mn = scenario.microneedle
    return plan_from_spec(mn, setup.skin, occluded=scenario.formulation.occluded if mn.occluded is None else mn.occluded)


def _channel_models(scenario, setup, plan):
    """(with-needles model, without-needles model, open-fraction function, notes)."""
    from dermsim.microneedles.channel import Channel, cell_radius_for_density
    from dermsim.microneedles.channel_cell import ChannelCellModel
    from dermsim.permeation.layered import Vehicle

    mn, model = scenario.microneedle, setup.model
    notes = []
    ins = plan.insertion
    skin_depth = sum(r.thickness for r in model.regions)
    if not ins.pierces or ins.effective_depth <= 0:
        raise InputError("microneedle.application", mn.application,
                         f"a force that pierces the skin (needs {ins.insertion_force:.3g} N per needle)")
    if ins.effective_depth >= skin_depth:
        raise InputError("microneedle.device", plan.device.name,
                         f"channels shallower than the modelled skin ({skin_depth / UM:.0f} um); "
                         f"they would be {ins.effective_depth / UM:.0f} um deep")
    radius, d_free = solute_size(setup.compound, setup.transport)
    vehicle = model.vehicle
    channel = Channel(ins.effective_depth, ins.surface_diameter / 2, d_free, radius, "cone")
    release = None
    if mn.mode in RELEASE_KINDS:
        release, more = release_for(mn, plan.channel_density, setup.compound)
        notes += more
        volume = math.pi * channel.surface_radius ** 2 * channel.depth / 3.0
        # the stand-in top film holds < 0.1 % of the load; the load enters the channels as `release` says
        vehicle = Vehicle(False, 0.0, _COATED_FILM, 1.0, 0.0)
        notes.append(f"{mn.mode} needles: {release.load:.3g} ug/cm^2 released into the channels "
                     + f"with time constant {release.time_constant:.3g} h after {release.lag:.3g} h"
                     + "; without needles the same dose is a film on the intact surface; the [formulation] "
                       "table is not applied (the patch carries the compound)")
        film = volume * plan.channel_density          # the channels' volume per cm², spread on the surface
        base_vehicle = Vehicle(False, release.load / film, film, 1.0, 0.0)
    else:
        base_vehicle = vehicle
    rs, delay = plan.resealing, mn.delay if mn.mode == "pretreatment" else 0.0
    in_vitro = setup.skin.in_vitro
    wear = mn.wear_time if mn.wear_time is not None else (
        math.inf if mn.mode in ("hydrogel", "hollow") else 0.0)
    if in_vitro:
        # excised skin: no barrier response; the channel contracts elastically once the needle is out
        f_inf, t_c = excised_skin.constants()
        notes.append(f"in vitro (excised skin): channels open while the needles stay, then contract to "
                     f"{f_inf:.3g} of their fresh cross-section (time constant {t_c:.3g} h)")
        open_fraction = excised_skin.open_fraction(removed_at=wear - delay)
    else:
        def open_fraction(t):
            t = np.asarray(t, dtype=float)
            return np.where(t < wear, 1.0, rs.open_fraction(np.maximum(t - wear, 0.0) + delay))
    layers = reporting_layers(model.regions, setup.skin)
    cell_radius = cell_radius_for_density(plan.channel_density)
    res = scenario.simulation.resolution
    with_needles = ChannelCellModel(model.regions, vehicle, model.receptor, cell_radius, channel, open_fraction,
                                    layers=layers, resolution=res, release=release)
    # without needles, a patch's load sits on the intact surface as a film of the same dose per cm²
    without = ChannelCellModel(model.regions, base_vehicle, model.receptor, cell_radius, None, 0.0,
                               layers=layers, resolution=res)
    return with_needles, without, open_fraction, notes


def simulate_microneedle(scenario, setup, times: np.ndarray,
                         progress: Callable[[float], None] | None = None):
    """Run the scenario with its microneedle treatment and without it; label a `Result`."""
    from dermsim.microneedles.channel_cell import solve_channel_cell
    from dermsim.microneedles.pathways import ParallelPathwayModel, calibrated, solve_parallel

    plan = plan_for(scenario, setup)
    with_model, without_model, open_fraction, notes = _channel_models(scenario, setup, plan)
    tick = (lambda f: progress(0.85 * f)) if progress else None
    needles = solve_channel_cell(with_model, times, progress=tick)
    plain = solve_channel_cell(without_model, times)
    fast = solve_parallel(calibrated(ParallelPathwayModel(
        with_model.regions, with_model.vehicle, with_model.receptor, with_model.channel, plan.channel_density,
        open_fraction, release=with_model.release, layers=with_model.layers, resolution=with_model.resolution)),
        times)
    if progress:
        progress(1.0)
    from dermsim.microneedles.delivery_result import label_delivery

    return label_delivery(scenario, setup, plan, needles, plain, fast, open_fraction, times, notes)
