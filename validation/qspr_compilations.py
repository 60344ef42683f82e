"""Evaluate dermsim's kp QSPRs on published human-skin kp compilations other than Cheruvu 2022.

Datasets: every ``validation/data/*.csv`` with at least the columns ``compound, mw, log_kow,
log_kp_cm_h`` (provenance in ``validation/data/README.md``). At present:

* ``chen2010_lian2008`` -- the in-vitro human skin kp compilation of Chen, Lian & Han 2010
  (AIChE J 56:1136; data set compiled in Lian, Chen & Han 2008, J Pharm Sci 97:584), 208 records.
* ``chen2010_lian2008 (not in Cheruvu)`` -- the same, restricted to records whose compound has no
  Cheruvu 2022 record within 1 Da of its MW (a deliberately conservative test of "not in Cheruvu":
  isomers are excluded too), so the number is independent of the Cheruvu evaluation.

Record mapping follows ``validation/qspr_cheruvu.py`` exactly, by reusing its ``predictions`` and
``metrics``: an optional ``thickness_cm`` column gives the membrane thickness (<= 0.002 cm is an
isolated SC membrane); an optional ``membrane`` column of ``stratum-corneum`` marks isolated SC;
otherwise a record is an epidermal membrane of 0.01 cm (100 um, the modal Cheruvu thickness), so
the viable tissue is 100 - 13 = 87 um, the same as dermsim's default. The mechanistic model is
reported with the SC "hydrated" (primary, as for Cheruvu in-vitro records) and "normal". Empirical
QSPRs are whole-membrane kp. No temperature correction; every solute is treated as unionised.

Caveat: Potts & Guy 1992 fitted their equation to Flynn's 1990 compilation, which makes up much of
these older compilations, so Potts-Guy is not evaluated out of sample here.

Run ``python validation/qspr_compilations.py``: prints the table and the verdicts (writes nothing;
``write_csv`` can save the table).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from dermsim.chemistry import qspr

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qspr_cheruvu  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "validation" / "data"
DEFAULT_THICKNESS_CM = 0.01          # 100 um epidermal membrane -> 87 um viable tissue
SC_MEMBRANE_THICKNESS_CM = 0.0013    # isolated SC (<= SC_ONLY_MAX_MM): no viable tissue
CHERUVU_MW_TOLERANCE = 1.0           # Da, for the "not in Cheruvu" subset
REQUIRED = ("compound", "mw", "log_kow", "log_kp_cm_h")
#: CSVs of validation/data/ that are not "other compilations": Cheruvu 2022 itself (qspr_cheruvu.py) and the
#: property table of cosmetic actives (tests/chemistry/test_compound.py).
NOT_COMPILATIONS = ("cheruvu2022_skin_permeability.csv", "cosmetic_actives_properties.csv")


def load_compilation(path: Path) -> dict[str, np.ndarray]:
    """Read one compilation CSV into the record arrays used by ``qspr_cheruvu.predictions``."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [c for c in REQUIRED if rows and c not in rows[0]]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}")

    def thickness(r: dict[str, str]) -> float:
        if r.get("thickness_cm"):
            return float(r["thickness_cm"])
        if (r.get("membrane") or "").strip().lower() in ("stratum-corneum", "stratum corneum", "sc"):
            return SC_MEMBRANE_THICKNESS_CM
        return DEFAULT_THICKNESS_CM

    return {
        "compound": np.array([r["compound"].strip().lower() for r in rows]),
        "mw": np.array([float(r["mw"]) for r in rows]),
        "log_kow": np.array([float(r["log_kow"]) for r in rows]),
        "thickness_cm": np.array([thickness(r) for r in rows]),
        "observed": np.array([float(r["log_kp_cm_h"]) for r in rows]),
    }


def subset(rec: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {k: v[mask] for k, v in rec.items()}


def not_in_cheruvu_mask(rec: dict[str, np.ndarray], tol_da: float = CHERUVU_MW_TOLERANCE) -> np.ndarray:
    """True for records whose MW is more than ``tol_da`` from every Cheruvu 2022 record's MW."""
    ch_mw = qspr_cheruvu.load_records()["mw"]
    return np.min(np.abs(rec["mw"][:, None] - ch_mw[None, :]), axis=1) > tol_da


def datasets(data_dir: Path = DATA_DIR) -> dict[str, dict[str, np.ndarray]]:
    """Every compilation in ``data_dir``, plus its subset of records not in Cheruvu 2022."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for path in sorted(p for p in data_dir.glob("*.csv") if p.name not in NOT_COMPILATIONS):
        rec = load_compilation(path)
        out[path.stem] = rec
        mask = not_in_cheruvu_mask(rec)
        if mask.any() and not mask.all():
            out[f"{path.stem} (not in Cheruvu)"] = subset(rec, mask)
    return out


def compilation_table(data_dir: Path = DATA_DIR) -> list[dict[str, object]]:
    """One row per (dataset, model setting): dataset, model, n, rmse, mae, bias, r2, n_compounds,
    compound_median_rmse. Model settings are those of ``qspr_cheruvu.predictions``, which cover
    every model in ``qspr.MODELS``."""
    rows: list[dict[str, object]] = []
    for name, rec in datasets(data_dir).items():
        preds = qspr_cheruvu.predictions(rec)
        covered = {m for m in qspr.MODELS if any(k == m or k.startswith(m + " ") for k in preds)}
        assert covered == set(qspr.MODELS), f"models without predictions: {set(qspr.MODELS) - covered}"
        for model, pred in preds.items():
            rows.append({"dataset": name, "model": model,
                         **qspr_cheruvu.metrics(pred, rec["observed"], rec["compound"])})
    return rows


def verdicts(rows: list[dict[str, object]], mech: str = "kasting-chen (hydrated SC)",
             ref: str = "potts-guy") -> dict[str, dict[str, bool]]:
    """Per dataset: is ``mech`` at least as good as ``ref`` in per-record and per-compound RMSE?"""
    out: dict[str, dict[str, bool]] = {}
    for ds in dict.fromkeys(r["dataset"] for r in rows):
        m = next(r for r in rows if r["dataset"] == ds and r["model"] == mech)
        p = next(r for r in rows if r["dataset"] == ds and r["model"] == ref)
        out[str(ds)] = {"rmse": m["rmse"] <= p["rmse"],
                        "compound_median_rmse": m["compound_median_rmse"] <= p["compound_median_rmse"]}
    return out


write_csv = qspr_cheruvu.write_csv


def main() -> list[dict[str, object]]:
    rows = compilation_table()
    w = max(len(str(r["dataset"])) for r in rows)
    print(f"{'dataset':{w}s} {'model':28s} {'n':>4s} {'RMSE':>6s} {'bias':>6s} {'r2':>5s} {'ncpd':>5s} {'cpdRMSE':>7s}")
    for r in rows:
        print(f"{r['dataset']:{w}s} {r['model']:28s} {r['n']:4d} {r['rmse']:6.3f} {r['bias']:+6.3f} {r['r2']:5.3f} "
              f"{r['n_compounds']:5d} {r['compound_median_rmse']:7.3f}")
    print()
    for ds, v in verdicts(rows).items():
        ok = "yes" if all(v.values()) else "NO"
        print(f"kasting-chen (hydrated SC) at least as good as potts-guy on {ds}: {ok} "
              f"(per record: {v['rmse']}, per-compound median: {v['compound_median_rmse']})")
    return rows


if __name__ == "__main__":
    main()
