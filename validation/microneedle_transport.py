"""Verification of the microneedle channel transport: 2D unit cell, parallel-pathway model, macromolecules.

``section(fig_dir)`` returns the markdown lines of "## Microneedles: channel transport (2D) verification"
and writes its plot (an r–z concentration map) into ``fig_dir``. Standalone: ``python
validation/microneedle_transport.py [fig_dir]`` prints the section (about a minute).

Test problem (internal units cm, h, ug): EGF (6216 Da, globular protein) from an aqueous serum, 1 mg/mL
infinite dose, through dermatomed skin on a sink (in vitro) or in vivo skin with dermal clearance:
SC 15 um (impermeable to the protein) | VE 90 um | basal layer 10 um | dermis 1000 um; tissue K = 0.6
(aqueous fraction, as dermsim.chemistry.qspr) and D = Stokes–Einstein × Ogston hindrance
(dermsim.chemistry.macromolecule); channels from a 0.5 mm roller-like treatment: conical, 35 um surface
radius (Kalluri 2011: 70.7 um wide), 150–600 um deep, 10–1000 channels/cm².
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from dermsim import parameters
from dermsim.chemistry import macromolecule as mm
from dermsim.microneedles.channel import Channel, cell_radius_for_density
from dermsim.microneedles.channel_cell import ChannelCellModel, solve_channel_cell, steady_state
from dermsim.microneedles.pathways import ParallelPathwayModel, calibrate_exchange, solve_parallel, steady_flux
from dermsim.permeation.layered import LayeredDiffusion, Receptor, Region, Vehicle, discretise
from dermsim.transport.exact import solve_exact

UM = 1e-4
C0 = 1000.0                      # ug/cm³
EGF_MW = 6216.0
T24 = np.linspace(0.0, 24.0, 241)
DENSITIES = (10, 30, 100, 300, 1000)
DEPTHS_UM = (50, 150, 300, 600)


def egf():
    """(free D in the channel fluid cm²/h, hydrodynamic radius cm, tissue D cm²/h)."""
    r = float(mm.hydrodynamic_radius(EGF_MW, "globular_protein"))
    return float(mm.free_diffusivity(r)), r, float(mm.tissue_diffusivity(EGF_MW, "globular_protein"))


def skin(clearance: float = 0.0, sc_diffusivity: float = 0.0) -> tuple[Region, ...]:
    _, _, d_t = egf()
    return (Region("stratum_corneum", 15 * UM, 1.0, sc_diffusivity, cells=40),
            Region("viable_epidermis", 90 * UM, 0.6, d_t, cells=12),
            Region("basal_layer", 10 * UM, 0.6, d_t, cells=6),
            Region("dermis", 1000 * UM, 0.6, d_t, clearance=clearance, cells=24))


def channel(depth_um: float = 300.0, shape: str = "cone", radius_um: float = 35.0) -> Channel:
    d0, r_h, _ = egf()
    return Channel(depth=depth_um * UM, surface_radius=radius_um * UM, free_diffusivity=d0, solute_radius=r_h,
                   shape=shape)


def half_life(hours: float):
    return lambda t: np.exp(-math.log(2.0) * np.asarray(t) / hours)


def _rel(a, b):
    return float(np.max(np.abs(np.asarray(a) / np.asarray(b) - 1.0)))


def _amounts_1d(system, traj):
    mesh, cap = system.mesh, system.capacity[system.cell_slice]
    u = traj.u[:, system.cell_slice]
    return np.stack([(u[:, mesh.region == r] * cap[mesh.region == r]).sum(axis=1)
                     for r in range(len(mesh.region_names))], axis=1)


# ------------------------------------------------------------------------------------------------------------
def limits_table() -> list[str]:
    rows, worst_mass = [], 0.0
    for kind, k in (("sink", 0.0), ("blood", 0.5)):
        regions = skin(clearance=k, sc_diffusivity=3.6e-7)      # a permeable SC so the 1D result is non-trivial
        system = discretise(LayeredDiffusion(regions, Vehicle(True, C0), Receptor(kind)))
        traj = solve_exact(system, T24)
        out = "permeated" if kind == "sink" else "cleared"
        q1, a1 = traj.cumulative[system.rate_index(out)], _amounts_1d(system, traj)
        model = ChannelCellModel(regions, Vehicle(True, C0), Receptor(kind), cell_radius_for_density(100),
                                 channel(300), open_fraction=0.0)
        res = solve_channel_cell(model, T24)
        late = T24 >= 2.0
        err_a = np.max(np.abs(res.layer_amounts - a1), axis=0) / a1.max(axis=0)
        rows.append((f"no open channel (f = 0), {kind}", _rel(res.cumulative[out][late], q1[late]), float(err_a.max())))
        worst_mass = max(worst_mass, res.mass_balance_error)
    regions = skin()
    a0 = 35 * UM
    ch = replace(channel(), depth=15 * UM, shape="cylinder")
    d_ch = float(ch.diffusivity(a0))
    one_d = (Region("channel", 15 * UM, 1.0, d_ch, cells=40),) + regions[1:]
    system = discretise(LayeredDiffusion(one_d, Vehicle(True, C0), Receptor("sink")))
    traj = solve_exact(system, T24)
    q1, a1 = traj.cumulative[system.rate_index("permeated")], _amounts_1d(system, traj)
    res = solve_channel_cell(ChannelCellModel(regions, Vehicle(True, C0), Receptor("sink"), a0, ch), T24)
    a2 = res.layer_amounts.copy()
    a2[:, 0] = res.channel_amount
    late = T24 >= 1.0
    rows.append(("cylinder through the SC, area fraction 1 (a₀ = R)", _rel(res.permeated[late], q1[late]),
                 float((np.max(np.abs(a2 - a1), axis=0) / a1.max(axis=0)).max())))
    worst_mass = max(worst_mass, res.mass_balance_error)
    lines = ["### Limits: the 2D cell against the 1D layered model (target < 0.5 %)", "",
             "Permeable SC (D = 1e-10 cm²/s) so that intact skin passes compound; 24 h, 241 outputs; 1D = exact "
             "eigen solver; 2D = TR-BDF2 at default resolution. Errors: cumulative outflow (max relative, t ≥ 1–2 h) "
             "and amount in each layer (max |Δ| / max amount).", "",
             "| case | cumulative outflow | layer amounts |", "|---|---|---|"]
    lines += [f"| {name} | {eq:.1e} | {ea:.1e} |" for name, eq, ea in rows]
    lines += ["", f"1D reference for the last row: the SC replaced by channel fluid (K = 1, D = D₀ H(r_s/a₀) = "
                  f"{d_ch / 3600:.3g} cm²/s). Worst mass-balance closure of these runs: {worst_mass:.1e}.", ""]
    return lines


def convergence_tables() -> tuple[list[str], dict]:
    lines = ["### Grid convergence (steady flux, direct solve) and transient resolution", "",
             "Steady flux into the sink with the fresh channel (300 um deep, 100 /cm², R = 564 um); resolution "
             "multiplies every cell count (default 1: 82 × 32 cells here). Error against the finest level; observed "
             "order p = log2(|J_h − J_h/2| / |J_h/2 − J_h/4|).", "",
             "| shape | resolution | cells (z × r) | steady flux (ug/cm²/h) | rel. diff. to finest | observed order |",
             "|---|---|---|---|---|---|"]
    info = {}
    for shape in ("cylinder", "cone"):
        levels, fluxes, shapes = (0.5, 1, 2, 4, 8), [], []
        for res in levels:
            model = ChannelCellModel(skin(), Vehicle(True, C0), Receptor("sink"), cell_radius_for_density(100),
                                     channel(300, shape), resolution=res)
            rates, u = steady_state(model)
            fluxes.append(rates["permeated"])
            shapes.append(u.shape)
        fluxes = np.array(fluxes)
        d = np.abs(np.diff(fluxes))
        orders = [float("nan")] * 2 + list(np.log2(d[:-1] / d[1:]))
        for k, res in enumerate(levels):
            p = "" if math.isnan(orders[k]) else f"{orders[k]:.2f}"
            lines.append(f"| {shape} | {res:g} | {shapes[k][0]} × {shapes[k][1]} | {fluxes[k]:.5g} | "
                         f"{abs(fluxes[k] / fluxes[-1] - 1):.1e} | {p} |")
        info[shape] = (fluxes, orders)
    lines += ["", "The cylinder's wall lies on mesh faces: its error falls with resolution at observed orders 1.4–1.9 "
                  "(the re-entrant corners at the channel mouth and tip, where K·D jumps by orders of magnitude, keep "
                  "it below the order 2 of smooth problems; a moderate-contrast cylinder in "
                  "tests/microneedles/test_channel_cell.py shows 1.8–1.9). The cone's wall cuts cells (mixture rule), so "
                  "its error is not monotone in resolution; it stays below 0.3 % from resolution 1.", ""]

    # transient: time steps and closure epochs, default resolution, closing channel (t1/2 = 6 h), in vivo
    model = ChannelCellModel(skin(clearance=0.5), Vehicle(True, C0), Receptor("blood"), cell_radius_for_density(100),
                             channel(300), open_fraction=half_life(6.0))
    ref = solve_channel_cell(model, T24, growth=0.005, max_step=0.025)
    lines += ["Time stepping (TR-BDF2, dyadic steps ≈ growth × time since the last coefficient change) on the "
              "in-vivo cell (dermal clearance 0.5 /h) with closure t½ = 6 h, 16 epochs; error against growth 0.005:", "",
              "| growth | steps | factorisations | max rel. err. cleared (t ≥ 1 h) | max rel. err. basal amount |",
              "|---|---|---|---|---|"]
    late = T24 >= 1.0
    for g in (0.1, 0.05, 0.02):
        r = solve_channel_cell(model, T24, growth=g)
        lines.append(f"| {g:g} | {r.stats['steps']} | {r.stats['factorisations']} | "
                     f"{_rel(r.permeated[late], ref.permeated[late]):.1e} | "
                     f"{_rel(r.layer_amounts[late, 2], ref.layer_amounts[late, 2]):.1e} |")
    lines += ["", "Closure epochs (open fraction piecewise constant, mean over each epoch), against 64 epochs:", "",
              "| epochs | cleared at 24 h | rel. err. | basal amount at 24 h (ug/cm²) | rel. err. |", "|---|---|---|---|---|"]
    ref_e = solve_channel_cell(replace(model, closure_epochs=64), T24)
    for n in (4, 8, 16, 32):
        r = solve_channel_cell(replace(model, closure_epochs=n), T24)
        lines.append(f"| {n} | {r.permeated[-1]:.5g} | {abs(r.permeated[-1] / ref_e.permeated[-1] - 1):.1e} | "
                     f"{r.layer_amounts[-1, 2]:.4g} | {abs(r.layer_amounts[-1, 2] / ref_e.layer_amounts[-1, 2] - 1):.1e} |")
    lines += ["", f"Mass balance of these closure runs: ≤ {max(ref.mass_balance_error, ref_e.mass_balance_error):.1e}. "
                  "Cumulative amounts converge fast; the instantaneous state at the end of an epoch lags the true "
                  "closure (first order in the epoch length), hence the default of 16 epochs.", ""]
    return lines, info


def parallel_tables() -> list[str]:
    lines = ["### Parallel-pathway model against the 2D cell (steady flux)", "",
             "Ratio J_parallel / J_2D − 1 of the steady flux (fresh channels, infinite dose), 2D at default "
             "resolution. **bold** = within 10 %. Rows: channels per cm² (cell radius R); columns: channel depth.", ""]
    for receptor, k in (("sink", 0.0), ("blood", 0.5)):
        regions = skin(clearance=k)
        out = "permeated" if receptor == "sink" else "cleared"
        for shape in ("cylinder", "cone"):
            for coupling in ("lateral", "independent"):
                lines += [f"{shape}, {receptor}, coupling = {coupling}:", "",
                          "| n (/cm²) | R (um) | " + " | ".join(f"{d} um" for d in DEPTHS_UM) + " |",
                          "|---|---|" + "---|" * len(DEPTHS_UM)]
                for n in DENSITIES:
                    cells = []
                    for d in DEPTHS_UM:
                        j2 = _steady_2d(regions, receptor, n, d, shape)[out]
                        jp = steady_flux(ParallelPathwayModel(regions, Vehicle(True, C0), Receptor(receptor),
                                                              channel(d, shape), n, coupling=coupling))[out]
                        e = jp / j2 - 1
                        cells.append(f"**{e:+.2f}**" if abs(e) <= 0.10 else f"{e:+.2f}")
                    lines.append(f"| {n} | {cell_radius_for_density(n) / UM:.0f} | " + " | ".join(cells) + " |")
                lines.append("")
    lines += ["**Where it holds.** The lateral (wall-exchange) model is within 10 % of the 2D cell for dense arrays: "
              "cylinders at ≥ 300 /cm² (R ≤ 330 um) for depths ≥ 150 um and at 1000 /cm² for every depth; cones at "
              "1000 /cm² for depths ≥ 150 um (300 /cm² at 600 um is at the edge). **Where it fails.** Sparse arrays "
              "(≤ 100 /cm², R ≥ 560 um, typical of one roller pass): deep channels come out 13–39 % low (the lumped "
              "tissue is taken as laterally mixed, while in 2D the tissue next to the channel carries flux "
              "downwards), shallow 50 um cylinders up to 34 % high (spreading under the tip is not resolved) and "
              "shallow cones up to 53 % low. The independent (classic) parallel model is 90–100 % low everywhere "
              "here: it confines the flux leaving a channel to the channel's own cross-section, whereas the protein "
              "spreads into the tissue around and below it. Outside the range use `calibrate_exchange` (one steady "
              "2D solve, ~20 ms); the table checks the calibrated model on what the calibration does not fix "
              "(closure, transient, in vivo with dermal clearance 0.5 /h, 16 closure epochs in both models):", ""]
    return lines


_STEADY = {}


def _steady_2d(regions, receptor, n, depth, shape, resolution=1.0):
    key = (regions[-1].clearance, receptor, n, depth, shape, resolution)
    if key not in _STEADY:
        model = ChannelCellModel(regions, Vehicle(True, C0), Receptor(receptor), cell_radius_for_density(n),
                                 channel(depth, shape), resolution=resolution)
        _STEADY[key] = steady_state(model)[0]
    return _STEADY[key]


def calibrated_table() -> list[str]:
    lines = ["| case | exchange factor | J steady vs 2D | cleared at 24 h vs 2D | basal amount, max abs. diff. / max "
             "| parallel run (ms) | 2D run (s) |", "|---|---|---|---|---|---|---|"]
    for n, d, t_half in ((10, 150, 20.0), (30, 300, 6.0), (100, 600, 1.0), (300, 150, 20.0)):
        regions = skin(clearance=0.5)
        f = half_life(t_half)
        base = ParallelPathwayModel(regions, Vehicle(True, C0), Receptor("blood"), channel(d), n, open_fraction=f,
                                    closure_epochs=16)
        cal = calibrate_exchange(base)
        t0 = time.perf_counter()
        fast = solve_parallel(cal, T24)
        t_fast = time.perf_counter() - t0
        cell = ChannelCellModel(regions, Vehicle(True, C0), Receptor("blood"), cell_radius_for_density(n), channel(d),
                                open_fraction=f)
        t0 = time.perf_counter()
        full = solve_channel_cell(cell, T24)
        t_full = time.perf_counter() - t0
        j_ratio = steady_flux(cal)["cleared"] / _steady_2d(regions, "blood", n, d, "cone")["cleared"] - 1
        basal = np.max(np.abs(fast.layer_amounts[:, 2] - full.layer_amounts[:, 2])) / full.layer_amounts[:, 2].max()
        lines.append(f"| {n} /cm², {d} um cone, t½ = {t_half:g} h | {cal.exchange_factor:.2f} | {j_ratio:+.3f} | "
                     f"{fast.permeated[-1] / full.permeated[-1] - 1:+.3f} | {basal:.3f} | {t_fast * 1e3:.0f} | "
                     f"{t_full:.2f} |")
    lines += ["", "The calibration uses the 2D cell at resolution 0.5 (so the steady flux differs from the default "
                  "2D by the 2D's own resolution error); the transient and closure columns are independent checks.", ""]
    return lines


def macromolecule_table() -> list[str]:
    measured = parameters.load("macromolecules")["measured"]
    lines = ["### Macromolecule size and mobility against measured values", "",
             "| molecule | class | MW (g/mol) | R_h predicted (nm) | R_h measured (nm) | rel. err. | D₀ predicted, 37 °C "
             "(cm²/s) | D measured → 37 °C (cm²/s) | rel. err. | source of the measurement |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    eta = mm.parameter("solvent", "water_viscosity")
    for name, e in measured.items():
        mw, cls = e["molecular_weight"].to("g/mol"), e["molecule_class"]
        r = float(mm.hydrodynamic_radius(mw, cls))
        d0 = float(mm.free_diffusivity(r)) / 3600.0
        if "hydrodynamic_radius" in e:
            meas, label, pred = e["hydrodynamic_radius"].to("nm"), "", r * 1e7
        else:
            meas, label = e["radius_of_gyration"].to("nm"), " (R_g)"
            pred = r * 1e7 * mm.parameter("hyaluronic_acid", "rg_over_rh")
        if "diffusivity_20C" in e:
            d37 = e["diffusivity_20C"].to("cm^2/s") * (310.15 / 293.15) * (1.0016e-3 / eta)
            dcol = f"{d37:.3g} | {d0 / d37 - 1:+.2f}"
        else:
            dcol = "– | –"
        src = e.get("hydrodynamic_radius", e.get("radius_of_gyration")).source.split(";")[0]
        lines.append(f"| {name} | {cls} | {mw:.4g} | {pred:.2f}{label} | {meas:g} | {pred / meas - 1:+.2f} | {d0:.3g} | "
                     f"{dcol} | {src} |")
    d0, r_h, d_t = egf()
    lam = np.array([0.0, 1e-3, 0.1, 0.5, 0.9, 0.999, 1.0])
    lines += ["", f"EGF (the test solute): R_h = {r_h * 1e7:.2f} nm, D₀ = {d0 / 3600:.3g} cm²/s, in tissue "
                  f"D = {d_t / 3600:.3g} cm²/s (Ogston factor {d_t / d0:.2f}); in a 35 um channel the Renkin factor is "
                  f"{float(mm.renkin_hindrance(r_h, 35 * UM)):.6f}. Renkin H(λ) at λ = "
                  + ", ".join(f"{x:g}" for x in lam) + ": "
                  + ", ".join(f"{h:.4g}" for h in mm.renkin_hindrance(lam, 1.0)) + " (limits 1 and 0).", ""]
    return lines


def concentration_map(fig_dir: Path) -> tuple[list[str], str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    regions = skin(clearance=0.5)
    total = sum(r.thickness for r in regions)
    layers = (("stratum_corneum", 15 * UM), ("viable_epidermis", 105 * UM), ("basal_layer", 115 * UM),
              ("papillary_dermis", 465 * UM), ("dermis", total))
    ch = channel(300)
    model = ChannelCellModel(regions, Vehicle(True, C0), Receptor("blood"), cell_radius_for_density(100), ch,
                             open_fraction=half_life(20.0), layers=layers)
    t0 = time.perf_counter()
    res = solve_channel_cell(model, T24)
    elapsed = time.perf_counter() - t0
    t_show = 6.0
    c = res.cell_concentration(t_show)
    rf, zf = res.mesh.r_faces / UM, res.mesh.z_faces / UM
    fig, ax = plt.subplots(figsize=(7.0, 4.6))
    positive = c[c > 0]
    norm = LogNorm(vmin=max(positive.max() * 1e-4, positive.min()), vmax=positive.max())
    mesh = ax.pcolormesh(rf, zf, np.clip(c, norm.vmin, None), norm=norm, cmap="viridis", shading="flat")
    fig.colorbar(mesh, ax=ax, label="EGF concentration (ug/cm³)")
    for name, (_, bottom) in zip(res.layer_names[:-1], res.layer_bounds[:-1]):
        ax.axhline(bottom / UM, color="white", lw=0.8, ls="--")
        ax.text(rf[-1] * 0.98, bottom / UM - 4, name.replace("_", " "), color="white", ha="right", va="bottom", fontsize=7)
    f = res.open_fraction[res._time_index(t_show)]
    z = np.linspace(0, ch.depth, 50)
    ax.plot(ch.radius_at(z, 1.0) / UM, z / UM, color="red", lw=1.0, label="fresh channel wall")
    ax.plot(ch.radius_at(z, f) / UM, z / UM, color="orange", lw=1.2, ls=":", label=f"open wall at {t_show:g} h (f = {f:.2f})")
    ax.set_xscale("symlog", linthresh=50)
    ax.set_ylim(700, 0)
    ax.set_xlabel("r (um), symmetric-log scale")
    ax.set_ylabel("depth z (um)")
    ax.set_title(f"EGF at {t_show:g} h: conical channel 300 um × 35 um, 100 /cm², closure t½ = 20 h", fontsize=9)
    ax.legend(loc="lower left", fontsize=7)
    fig.tight_layout()
    fig_dir.mkdir(parents=True, exist_ok=True)
    path = fig_dir / "microneedle_channel_map.png"
    fig.savefig(path, dpi=130)
    plt.close(fig)
    amounts = res.layer_amounts[-1]
    lines = [f"![r–z concentration map]({fig_dir.name}/{path.name})", "",
             f"The in-vivo run behind the map (16 closure epochs, {res.stats['mesh_shape'][0]} × "
             f"{res.stats['mesh_shape'][1]} cells, {res.stats['steps']} steps, {res.stats['factorisations']} "
             f"factorisations): {elapsed:.2f} s; mass balance {res.mass_balance_error:.1e}. Amounts at 24 h (ug/cm² of "
             "skin): " + ", ".join(f"{n} {a:.3g}" for n, a in zip(res.layer_names, amounts))
             + f", channel fluid {res.channel_amount[-1]:.3g}, cleared to blood {res.permeated[-1]:.4g}.", ""]
    return lines, str(path)


def section(fig_dir: Path) -> list[str]:
    """Markdown lines of the section; writes ``fig_dir/microneedle_channel_map.png``."""
    t0 = time.perf_counter()
    lines = ["## Microneedles: channel transport (2D) verification", "",
             "2D axisymmetric unit cell (`dermsim.microneedles.channel_cell`) and the fast parallel-pathway model "
             "(`dermsim.microneedles.pathways`); test solute EGF (6.2 kDa) in skin whose SC it cannot cross. "
             "Script: `validation/microneedle_transport.py`.", ""]
    lines += limits_table()
    conv, _ = convergence_tables()
    lines += conv
    lines += parallel_tables()
    lines += calibrated_table()
    lines += macromolecule_table()
    map_lines, _ = concentration_map(Path(fig_dir))
    lines += map_lines
    lines += [f"(section built in {time.perf_counter() - t0:.0f} s)", ""]
    return lines


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "validation"
    print("\n".join(section(out)))
