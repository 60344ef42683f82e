"""dermsim's 2D microneedle unit cell versus FiPy on the same mesh, and the parallel-pathway model's speed.

Problem (internal units cm, h, ug)
----------------------------------
EGF (6216 Da; D₀ and tissue D from dermsim.chemistry.macromolecule) from a 1 mg/mL aqueous serum, infinite
dose, 24 h with outputs every 6 min, into dermatomed skin on a sink: SC 15 um (impermeable to the protein) |
VE 90 um | basal layer 10 um | dermis 1000 um (tissue K = 0.6). One cylindrical channel, 300 um deep, 35 um
radius, 100 channels/cm² (unit-cell radius 564 um), open throughout (time-invariant, so FiPy needs no
coefficient updates). Default resolution: 82 × 32 cells. A cylinder, not the more realistic cone, because
its wall lies on mesh faces and the spatial error falls smoothly with resolution; with the cone's cut cells
the error is not monotone in resolution (docs/validation.md), which would make "matched accuracy" on a finer
FiPy mesh ill-defined.

dermsim: `solve_channel_cell` (TR-BDF2, banded Cholesky per step size, dyadic steps). Also timed: the same
cell with first-order closure (t½ = 6 h, 16 epochs).

FiPy 4: the same problem on a ``CylindricalGrid2D`` (→ ``CylindricalNonUniformGrid2D``) with dermsim's cell
faces, unknown u = c/K, ``TransientTerm(C) == DiffusionTerm(Γ_face) − ImplicitSourceTerm(loss)``, implicit
Euler with uniform steps, ``LinearLUSolver(tolerance=1e-12)``. Face coefficients Γ_f are set from
dermsim's own face conductances (Γ_f = g_f d_f / A_f, FiPy's cell distance d_f and face area A_f; FiPy's
cylindrical volumes and areas are dermsim's divided by 2π), so both tools share one spatial discretisation
— including dermsim's mixture rule for cells cut by the cone wall and its logarithmic radial conductances
— and differ only in time integration. Dirichlet u = C0 on the surface faces and u = 0 on the base faces
use the same half-cell conductances. The cumulative amount into the sink is integrated consistently with
implicit Euler.

Accuracy: max relative error for t ≥ 2 h of the cumulative amount permeated and of the amount in the
basal layer, against a fine reference: dermsim at resolution 4 (328 × 128 cells) with growth 0.02. Both
tools' errors at the default mesh contain the same spatial error (see the resolution sweep).

Parallel-pathway model: median time of a 24 h run (241 outputs) time-invariant and with closure
(12 epochs, its default), the cost of `calibrate_exchange`, and a 1,000-scenario sweep (random density, depth, shape,
closure half-life and molecule size; seeded).

BLAS runs single-threaded (OPENBLAS_NUM_THREADS=1 etc. set before numpy is imported): on a shared 2-core
machine, threaded BLAS on these small banded/eigen problems was 3–10× slower. Run:
``python benchmarks/channel_vs_fipy.py`` (a few minutes, mostly FiPy and the reference).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import math  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from solver_vs_fipy import machine  # noqa: E402
from timing import median_time  # noqa: E402

from dermsim.chemistry import macromolecule as mm  # noqa: E402
from dermsim.microneedles.channel import Channel, cell_radius_for_density  # noqa: E402
from dermsim.microneedles.channel_cell import ChannelCellModel, discretise_cell, solve_channel_cell  # noqa: E402
from dermsim.microneedles.pathways import ParallelPathwayModel, calibrate_exchange, solve_parallel  # noqa: E402
from dermsim.permeation.layered import Receptor, Region, Vehicle  # noqa: E402

UM = 1e-4
C0 = 1000.0
TIMES = np.linspace(0.0, 24.0, 241)
T_MIN = 2.0
REPEATS = 5
FIPY_STEPS = (1, 2, 4)           # implicit Euler steps per 6-min output
FIPY_BUDGET_S = 120.0


def egf_properties():
    r = float(mm.hydrodynamic_radius(6216.0, "globular_protein"))
    return float(mm.free_diffusivity(r)), r, float(mm.tissue_diffusivity(6216.0, "globular_protein"))


def model(resolution: float = 1.0, open_fraction=1.0, **kw) -> ChannelCellModel:
    d0, r_h, d_t = egf_properties()
    regions = (Region("stratum_corneum", 15 * UM, 1.0, 0.0, cells=40),
               Region("viable_epidermis", 90 * UM, 0.6, d_t, cells=12),
               Region("basal_layer", 10 * UM, 0.6, d_t, cells=6),
               Region("dermis", 1000 * UM, 0.6, d_t, cells=24))
    channel = Channel(depth=300 * UM, surface_radius=35 * UM, free_diffusivity=d0, solute_radius=r_h, shape="cylinder")
    return ChannelCellModel(regions, Vehicle(True, C0), Receptor("sink"), cell_radius_for_density(100.0), channel,
                            open_fraction=open_fraction, resolution=resolution, **kw)


def curves(res) -> tuple[np.ndarray, np.ndarray]:
    return res.permeated, res.layer_amounts[:, 2]


def rel_err(values, ref) -> float:
    m = TIMES >= T_MIN - 1e-9
    return float(np.max(np.abs(values[m] / ref[m] - 1.0)))


# ------------------------------------------------------------------------------------------------------------
def fipy_solve(cell: ChannelCellModel, steps_per_output: int, times: np.ndarray = TIMES) -> tuple[np.ndarray, np.ndarray]:
    """Implicit-Euler FiPy solve of ``cell`` on dermsim's mesh; returns (cumulative permeated, basal amount)."""
    import fipy as fp

    mesh, row_region = cell.mesh()
    system = discretise_cell(cell, mesh, row_region, 1.0).system
    nz, nr = mesh.shape
    R = cell.cell_radius
    to_fipy = R * R / 2.0                   # dermsim per-skin-area quantity → FiPy cylindrical (÷ 2π) units
    fmesh = fp.CylindricalGrid2D(dr=mesh.dr, dz=mesh.dz)      # x = r, y = depth; cell id = j·n_r + i
    w = nr
    cells = system.cell_slice
    cap = system.capacity[cells]
    loss = system.rate_weights[system.rate_index("cleared")][cells]
    g_r = np.zeros((nz, nr + 1))                                   # vertical faces (r = const)
    g_r[:, 1:nr] = -system.operator.bands[w - 1, cells].reshape(nz, nr)[:, 1:]
    g_z = np.zeros((nz + 1, nr))                                   # horizontal faces (depth = const)
    g_z[1:nz] = -system.operator.bands[0, cells].reshape(nz, nr)[1:]
    u_top = C0 / cell.vehicle.partition
    g_z[0] = system.source[cells][:nr] / u_top
    g_bottom = system.rate_weights[system.rate_index("permeated")][cells][-nr:]
    g_z[nz] = g_bottom
    face_g = np.concatenate([g_z.ravel(), g_r.ravel()]) * to_fipy
    areas = np.asarray(fmesh._faceAreas)
    dist = np.asarray(fmesh._cellDistances)
    gamma = np.divide(face_g * dist, areas, out=np.zeros_like(face_g), where=areas > 0)
    volumes = np.asarray(fmesh.cellVolumes)
    u = fp.CellVariable(mesh=fmesh, value=0.0)
    u.constrain(u_top, fmesh.facesBottom)          # y = 0: the skin surface
    u.constrain(0.0, fmesh.facesTop)               # y = L: the sink
    eq = (fp.TransientTerm(coeff=fp.CellVariable(mesh=fmesh, value=cap * to_fipy / volumes))
          == fp.DiffusionTerm(coeff=fp.FaceVariable(mesh=fmesh, value=gamma))
          - fp.ImplicitSourceTerm(coeff=fp.CellVariable(mesh=fmesh, value=loss * to_fipy / volumes)))
    solver = fp.LinearLUSolver(tolerance=1e-12)
    basal_rows = np.flatnonzero(row_region == 2)
    basal_cells = (basal_rows[:, None] * nr + np.arange(nr)[None, :]).ravel()
    theta = system.channel_fraction
    tissue_cap = (system.cell_volume * (1 - theta) * system.cell_partition).ravel()
    q, Q, B = 0.0, [0.0], [0.0]
    for t0, t1 in zip(times[:-1], times[1:]):
        dt = (t1 - t0) / steps_per_output
        for _ in range(steps_per_output):
            eq.solve(var=u, dt=dt, solver=solver)
            q += dt * float(g_bottom @ np.asarray(u.value)[-nr:])
        Q.append(q)
        B.append(float(tissue_cap[basal_cells] @ np.asarray(u.value)[basal_cells]))
    return np.array(Q), np.array(B)


def extrapolate(fipy_rows, sweep, errors, t_dermsim) -> None:
    """Cost of FiPy at dermsim's accuracy, from err ≈ e_space(mesh) + c/m per metric (an estimate).

    ``sweep[res]`` = (cumulative, basal) errors of dermsim on the mesh of that resolution (the shared spatial
    error); c is fitted per metric as the median of (err_FiPy − e_space(1)) × m over the measured runs. A
    metric with c ≤ 0 (FiPy's time error does not add to it) sets no requirement.
    """
    names = ("cumulative", "basal")
    coeff = [float(np.median([(r[2 + k] - sweep[1.0][k]) * r[0] for r in fipy_rows])) for k in range(2)]
    print("EXTRAPOLATION (not measured): err_FiPy(mesh, m) ≈ e_space(mesh) + c/m, e_space = dermsim's error on that "
          "mesh (shared discretisation), c fitted to the runs above: "
          + ", ".join(f"c_{n} = {c:.2e}" for n, c in zip(names, coeff)))
    print(f"| {'resolution':>10} | {'e_space cum / basal':>19} | {'steps needed':>12} | {'s/step':>7} | "
          f"{'est. FiPy time':>14} | {'est. ratio':>10} |")
    for res in (1.5, 2.0):
        need = 1.0
        feasible = True
        for k in range(2):
            if coeff[k] <= 0:
                continue
            room = errors[k] - sweep[res][k]
            if room <= 0:
                feasible = False
                break
            need = max(need, coeff[k] / room)
        if not feasible:
            continue
        steps = int(math.ceil(need * (TIMES.size - 1)))
        cell = model(res)
        t0 = time.perf_counter()
        fipy_solve(cell, 1, TIMES[:3])
        t1 = time.perf_counter()
        fipy_solve(cell, 1, TIMES[:23])
        per_step = ((time.perf_counter() - t1) - (t1 - t0)) / 20
        cost = steps * per_step
        print(f"| {res:>10g} | {sweep[res][0]:8.2e} / {sweep[res][1]:8.2e} | {steps:>12d} | {per_step:7.3f} | "
              f"{cost:>12.0f} s | {cost / t_dermsim:>10.0f} |")


def parallel_benchmarks() -> None:
    d0, r_h, d_t = egf_properties()
    base_cell = model()
    fresh = ParallelPathwayModel(base_cell.regions, base_cell.vehicle, base_cell.receptor, base_cell.channel, 100.0)
    closing = replace(fresh, open_fraction=lambda t: np.exp(-math.log(2) * np.asarray(t) / 6.0))
    t_fresh = median_time(lambda: solve_parallel(fresh, TIMES), 30)
    t_closing = median_time(lambda: solve_parallel(closing, TIMES), 30)
    t_cal = median_time(lambda: calibrate_exchange(fresh), 10)
    print("Parallel-pathway model (lateral coupling), 24 h, 241 outputs, median of 30 runs:")
    print(f"  time-invariant (exact eigen solution, 1 epoch): {t_fresh * 1e3:7.1f} ms")
    print(f"  closure t½ = 6 h (12 epochs, the default):      {t_closing * 1e3:7.1f} ms")
    print(f"  calibrate_exchange (one 2D steady solve + root find), median of 10: {t_cal * 1e3:.1f} ms")
    target = max(t_fresh, t_closing) < 0.05
    print(f"  target < 50 ms per 24 h run: {'met' if target else 'NOT met'}")

    rng = np.random.default_rng(20261123)
    n_runs = 1000
    density = 10 ** rng.uniform(1, 3, n_runs)
    depth = rng.uniform(100, 800, n_runs) * UM
    half_life = 10 ** rng.uniform(0, 1.5, n_runs)
    mw = 10 ** rng.uniform(3, 5.5, n_runs)
    shapes = rng.choice(["cone", "cylinder"], n_runs)
    out = np.empty(n_runs)
    t0 = time.perf_counter()
    for k in range(n_runs):
        r = float(mm.hydrodynamic_radius(mw[k], "globular_protein"))
        dt_k = float(mm.tissue_diffusivity(mw[k], "globular_protein"))
        regions = tuple(replace(reg, diffusivity=(0.0 if reg.name == "stratum_corneum" else dt_k))
                        for reg in base_cell.regions)
        ch = Channel(depth=float(depth[k]), surface_radius=35 * UM, free_diffusivity=float(mm.free_diffusivity(r)),
                     solute_radius=r, shape=str(shapes[k]))
        hl = float(half_life[k])
        m = ParallelPathwayModel(regions, base_cell.vehicle, base_cell.receptor, ch, float(density[k]),
                                 open_fraction=lambda t, hl=hl: np.exp(-math.log(2) * np.asarray(t) / hl))
        out[k] = solve_parallel(m, TIMES).permeated[-1]
    sweep = time.perf_counter() - t0
    print(f"  1,000-scenario sweep (random density 10–1000 /cm², depth 100–800 um, cone/cylinder, t½ 1–32 h, "
          f"MW 1–316 kDa; 12 closure epochs each): {sweep:.1f} s total, {sweep / n_runs * 1e3:.1f} ms per run; "
          f"24 h delivery spans {out.min():.3g}–{out.max():.3g} ug/cm²")


def main() -> None:
    wall0 = time.perf_counter()
    print(__doc__.split("\n")[0])
    print(machine(), f"| BLAS threads {os.environ.get('OPENBLAS_NUM_THREADS')}")
    print()
    cell = model()
    t0 = time.perf_counter()
    ref = solve_channel_cell(model(4.0), TIMES, growth=0.02)
    t_ref = time.perf_counter() - t0
    q_ref, b_ref = curves(ref)
    print(f"reference: dermsim resolution 4 ({ref.stats['mesh_shape'][0]} × {ref.stats['mesh_shape'][1]} cells), "
          f"growth 0.02: {t_ref:.1f} s, mass balance {ref.mass_balance_error:.1e}")

    res = solve_channel_cell(cell, TIMES)
    q1, b1 = curves(res)
    err_q, err_b = rel_err(q1, q_ref), rel_err(b1, b_ref)
    t_dermsim = median_time(lambda: solve_channel_cell(cell, TIMES), REPEATS)
    closing = replace(cell, open_fraction=lambda t: np.exp(-math.log(2) * np.asarray(t) / 6.0))
    t_closing = median_time(lambda: solve_channel_cell(closing, TIMES), REPEATS)
    closing_stats = solve_channel_cell(closing, TIMES).stats
    print()
    print("dermsim resolution sweep (median of 3; errors against the reference):")
    print(f"| {'resolution':>10} | {'cells':>9} | {'steps':>5} | {'err cum':>9} | {'err basal':>9} | {'median (s)':>10} |")
    print(f"|{'-' * 12}|{'-' * 11}|{'-' * 7}|{'-' * 11}|{'-' * 11}|{'-' * 12}|")
    sweep = {}
    for r in (0.5, 1.0, 1.5, 2.0):
        c = model(r)
        rr = solve_channel_cell(c, TIMES)
        q, b = curves(rr)
        tm = median_time(lambda c=c: solve_channel_cell(c, TIMES), 3)
        shape = rr.stats["mesh_shape"]
        sweep[r] = (rel_err(q, q_ref), rel_err(b, b_ref))
        print(f"| {r:>10g} | {shape[0]:>4} × {shape[1]:<3}| {rr.stats['steps']:>5} | {rel_err(q, q_ref):9.2e} | "
              f"{rel_err(b, b_ref):9.2e} | {tm:10.3f} |")
    print()

    fipy_rows, spent = [], 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for m in FIPY_STEPS:
            steps = m * (TIMES.size - 1)
            if fipy_rows and spent + fipy_rows[-1][5] * 2.2 > FIPY_BUDGET_S:
                print(f"(skipping FiPy with {steps} steps: the {FIPY_BUDGET_S:.0f} s budget would be exceeded)")
                continue
            t0 = time.perf_counter()
            q, b = fipy_solve(cell, m)
            tm = time.perf_counter() - t0
            spent += tm
            fipy_rows.append((m, steps, rel_err(q, q_ref), rel_err(b, b_ref), q, tm))

    def row(tool, detail, eq_, eb, seconds):
        print(f"| {tool:<30} | {detail:<34} | {eq_:9.2e} | {eb:9.2e} | {seconds:10.3f} | {seconds / t_dermsim:8.3g} |")

    print("Benchmark: 24 h, 241 outputs, 2D unit cell at default resolution "
          f"({res.stats['mesh_shape'][0]} × {res.stats['mesh_shape'][1]} cells); errors = max rel. err. for t ≥ 2 h "
          "vs the reference; ratio = time / dermsim")
    print()
    print(f"| {'tool':<30} | {'detail':<34} | {'err cum':>9} | {'err basal':>9} | {'median (s)':>10} | {'ratio':>8} |")
    print(f"|{'-' * 32}|{'-' * 36}|{'-' * 11}|{'-' * 11}|{'-' * 12}|{'-' * 10}|")
    row("dermsim solve_channel_cell", f"TR-BDF2, {res.stats['steps']} steps, {res.stats['factorisations']} factor.",
        err_q, err_b, t_dermsim)
    row("dermsim, closure t½ = 6 h", f"16 epochs, {closing_stats['steps']} steps", float("nan"), float("nan"), t_closing)
    for m, steps, eq_, eb, _, tm in fipy_rows:
        row("FiPy implicit Euler + LU", f"same mesh, {steps} steps (1 run)", eq_, eb, tm)
    print()
    matched = [r for r in fipy_rows if r[2] <= err_q and r[3] <= err_b]
    if matched:
        best = min(matched, key=lambda r: r[5])
        print(f"FiPy at matched accuracy (measured): {best[1]} steps, {best[5]:.1f} s -> dermsim is "
              f"{best[5] / t_dermsim:.0f}x faster")
    else:
        cheapest = min(fipy_rows, key=lambda r: r[5])
        print(f"Every measured FiPy run is less accurate than dermsim ({err_q:.2e} cumulative, {err_b:.2e} basal); "
              f"the cheapest ({cheapest[1]} steps, errors {cheapest[2]:.2e} / {cheapest[3]:.2e}) took "
              f"{cheapest[5]:.1f} s = {cheapest[5] / t_dermsim:.0f}x dermsim's time.")
        extrapolate(fipy_rows, sweep, (err_q, err_b), t_dermsim)
    print(f"target < 5 s per 24 h run: {'met' if t_dermsim < 5 else 'NOT met'} ({t_dermsim:.2f} s); "
          f"with closure {t_closing:.2f} s")
    print()
    parallel_benchmarks()
    print(f"total benchmark wall time {time.perf_counter() - wall0:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
