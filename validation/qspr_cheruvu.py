"""Evaluate dermsim's kp QSPRs on the Cheruvu et al. 2022 in-vitro human skin database (476 records).

Data: validation/data/cheruvu2022_skin_permeability.csv (Cheruvu HS, Liu X, Grice JE, Roberts MS 2022,
Data in Brief 42:108242; CC BY 4.0). Observed: ``logkpl`` = log10 kp (cm/h).

Membrane mapping (column ``Skin thicknessj``, mm): records of <= 0.02 mm are isolated stratum
corneum (no viable tissue); thicker records are epidermal (0.075-0.128 mm) membranes, whose
viable tissue is the record thickness minus the 13 um (normal-state) SC. The SC itself is
modelled in the "hydrated" state (epidermal membranes equilibrated with aqueous donor and
receptor in vitro; Wang 2007 / Dancik 2013 use fully hydrated SC for in-vitro immersion data);
the "normal" state is reported too. Empirical QSPRs (Potts-Guy, Mitragotri) are applied as
published (whole-membrane kp). Temperature is not corrected for. Records carry no pKa, so every
solute is treated as unionised.

Metrics: per record RMSE, bias (pred - obs), r^2 (squared Pearson correlation), and the RMSE of
per-compound medians (median prediction vs median observation of each compound name).

Run ``python validation/qspr_cheruvu.py``: writes docs/validation/qspr_cheruvu.csv and
docs/validation/qspr_parity.png.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from dermsim.chemistry import qspr

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "validation" / "data" / "cheruvu2022_skin_permeability.csv"
OUT_CSV = REPO / "docs" / "validation" / "qspr_cheruvu.csv"
OUT_PNG = REPO / "docs" / "validation" / "qspr_parity.png"
SC_ONLY_MAX_MM = 0.02
SC_NORMAL_CM = 13e-4


def load_records(path: Path = DATA) -> dict[str, np.ndarray]:
    """Read the Cheruvu CSV (latin-1) into arrays: compound, mw, log_kow, thickness_cm, observed."""
    with open(path, encoding="latin-1", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return {
        "compound": np.array([r["Compound"].strip().lower() for r in rows]),
        "mw": np.array([float(r["MWa"]) for r in rows]),
        "log_kow": np.array([float(r["logKowb"]) for r in rows]),
        "thickness_cm": np.array([float(r["Skin thicknessj"]) for r in rows]) * 0.1,
        "observed": np.array([float(r["logkpl"]) for r in rows]),
    }


def viable_thickness_cm(thickness_cm: np.ndarray) -> np.ndarray:
    """Viable tissue under the SC for each record (cm); 0 for isolated SC membranes."""
    sc_only = thickness_cm <= SC_ONLY_MAX_MM * 0.1
    return np.where(sc_only, 0.0, np.clip(thickness_cm - SC_NORMAL_CM, 0.0, None))


def predictions(rec: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """log10 kp (cm/h) per model setting for every record."""
    mw, lk = rec["mw"], rec["log_kow"]
    h_ve = viable_thickness_cm(rec["thickness_cm"])
    return {
        "potts-guy": qspr.potts_guy_log_kp(mw, lk),
        "potts-guy (-2.7)": qspr.potts_guy_log_kp(mw, lk, qspr.POTTS_GUY_CONSTANT_SHORT),
        "mitragotri-2002": qspr.mitragotri_log_kp(mw, lk),
        "kasting-chen (hydrated SC)": qspr.log_kp(mw, lk, model="kasting-chen", hydration="hydrated",
                                                   viable_thickness_cm=h_ve),
        "kasting-chen (normal SC)": qspr.log_kp(mw, lk, model="kasting-chen", hydration="normal",
                                                 viable_thickness_cm=h_ve),
    }


def metrics(pred: np.ndarray, obs: np.ndarray, names: np.ndarray) -> dict[str, float]:
    """RMSE, bias, r^2 per record and the RMSE of per-compound medians."""
    res = pred - obs
    compounds = np.unique(names)
    med_p = np.array([np.median(pred[names == c]) for c in compounds])
    med_o = np.array([np.median(obs[names == c]) for c in compounds])
    return {
        "n": int(obs.size),
        "rmse": float(np.sqrt(np.mean(res ** 2))),
        "mae": float(np.mean(np.abs(res))),
        "bias": float(np.mean(res)),
        "r2": float(np.corrcoef(pred, obs)[0, 1] ** 2),
        "n_compounds": int(compounds.size),
        "compound_median_rmse": float(np.sqrt(np.mean((med_p - med_o) ** 2))),
    }


def qspr_table(path: Path = DATA) -> list[dict[str, object]]:
    """One row per model setting: model, n, rmse, mae, bias, r2, n_compounds, compound_median_rmse."""
    rec = load_records(path)
    return [{"model": name, **metrics(pred, rec["observed"], rec["compound"])}
            for name, pred in predictions(rec).items()]


def write_csv(rows: list[dict[str, object]], path: Path) -> None:
    """Write metric rows as CSV (floats with 4 decimals)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in r.items()})


def write_outputs(csv_path: Path = OUT_CSV, png_path: Path = OUT_PNG) -> list[dict[str, object]]:
    """Write the metrics table (CSV) and the parity plot (PNG); return the table."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = qspr_table()
    write_csv(rows, csv_path)
    rec = load_records()
    pred = predictions(rec)
    shown = ["potts-guy", "mitragotri-2002", "kasting-chen (hydrated SC)"]
    fig, axes = plt.subplots(1, len(shown), figsize=(4.2 * len(shown), 4.2), sharex=True, sharey=True)
    lim = (-8.0, 1.5)
    for ax, name in zip(axes, shown):
        m = next(r for r in rows if r["model"] == name)
        ax.scatter(rec["observed"], pred[name], s=9, alpha=0.5)
        ax.plot(lim, lim, "k-", lw=0.8)
        for off in (-1, 1):
            ax.plot(lim, (lim[0] + off, lim[1] + off), "k:", lw=0.6)
        ax.set(xlim=lim, ylim=lim, xlabel="measured log10 kp (cm/h)", title=name)
        ax.text(0.03, 0.97, f"RMSE {m['rmse']:.2f}\nbias {m['bias']:+.2f}\nr² {m['r2']:.2f}\n"
                f"cpd-median RMSE {m['compound_median_rmse']:.2f}", transform=ax.transAxes, va="top", fontsize=8)
    axes[0].set_ylabel("predicted log10 kp (cm/h)")
    fig.suptitle(f"Cheruvu 2022 in-vitro human skin, n = {rec['observed'].size}")
    fig.tight_layout()
    fig.savefig(png_path, dpi=130)
    plt.close(fig)
    return rows


def main() -> None:
    rows = write_outputs()
    print(f"{'model':30s} {'n':>4s} {'RMSE':>6s} {'MAE':>6s} {'bias':>6s} {'r2':>5s} {'ncpd':>5s} {'cpdRMSE':>7s}")
    for r in rows:
        print(f"{r['model']:30s} {r['n']:4d} {r['rmse']:6.3f} {r['mae']:6.3f} {r['bias']:+6.3f} {r['r2']:5.3f} "
              f"{r['n_compounds']:5d} {r['compound_median_rmse']:7.3f}")
    print(f"wrote {OUT_CSV} and {OUT_PNG}")


if __name__ == "__main__":
    main()
