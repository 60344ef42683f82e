"""Throughput of batch kp prediction: the vectorised QSPRs, the CSV path and the CLI, on 10^5 rows.

Synthetic compounds (seeded ``numpy.random.Generator``, seed 20261123): molecular weight uniform
30–600 g/mol, log Kow uniform −3…6; 30 % acids with pKa uniform 2–6, 20 % bases with pKa uniform
6–10, the rest neutral. They are written to a temporary CSV (columns name, mw, log_kow, pka,
acid_base), then timed:

(a) ``dermsim.chemistry.qspr.log_kp(...)`` on arrays, for each model in ``qspr.MODELS`` (median of 5);
(b) ``dermsim.predict.predict_kp_csv(in, out)``: CSV read + predict + write (median of 5);
(c) the CLI ``dermsim predict-kp in --out out`` as a subprocess, once (includes interpreter start-up and
    imports; a 10-row file run the same way shows that fixed cost).

Rows per second = 10^5 / median time. Run: ``python benchmarks/predict_kp_throughput.py`` (~30 s).
"""

from __future__ import annotations

import csv
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_time  # noqa: E402

N_ROWS = 100_000
SEED = 20261123
REPEATS = 5


def synthetic_rows(n: int, seed: int = SEED) -> dict[str, np.ndarray]:
    """Synthetic compound table (see module docstring)."""
    rng = np.random.default_rng(seed)
    mw = rng.uniform(30.0, 600.0, n)
    log_kow = rng.uniform(-3.0, 6.0, n)
    draw = rng.uniform(size=n)
    acid_base = np.where(draw < 0.3, "acid", np.where(draw < 0.5, "base", "neutral")).astype(object)
    pka = np.full(n, np.nan)
    acids, bases = acid_base == "acid", acid_base == "base"
    pka[acids] = rng.uniform(2.0, 6.0, acids.sum())
    pka[bases] = rng.uniform(6.0, 10.0, bases.sum())
    # rounded to the 3 decimals written to the CSV, so the array and CSV paths see the same numbers
    return {"mw": mw.round(3), "log_kow": log_kow.round(3), "acid_base": acid_base, "pka": pka.round(3)}


def write_csv(path: Path, rows: dict[str, np.ndarray]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "mw", "log_kow", "pka", "acid_base"])
        for i, (mw, lk, pka, ab) in enumerate(zip(rows["mw"], rows["log_kow"], rows["pka"], rows["acid_base"])):
            w.writerow([f"c{i}", f"{mw:.3f}", f"{lk:.3f}", "" if np.isnan(pka) else f"{pka:.3f}", ab])


def dermsim_command() -> list[str]:
    exe = Path(sys.executable).with_name("dermsim")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("dermsim")
    if found:
        return [found]
    return [sys.executable, "-c", "from dermsim.cli import main; main()"]


def shown_command(cmd: list[str]) -> str:
    """``cmd`` as a reader types it, without this machine's absolute paths."""
    if len(cmd) == 1:
        return Path(cmd[0]).name
    return "python " + " ".join(cmd[1:-1] + [repr(cmd[-1])])


def machine() -> str:
    import scipy

    import dermsim

    return (f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
            f"os.cpu_count()={os.cpu_count()}\n"
            f"python {platform.python_version()} | numpy {np.__version__} | scipy {scipy.__version__} | "
            f"dermsim {dermsim.__version__}")


def main() -> None:
    from dermsim.chemistry import qspr
    from dermsim.predict import predict_kp_csv

    print(__doc__.split("\n")[0])
    print(machine())
    rows = synthetic_rows(N_ROWS)
    kinds = rows["acid_base"]
    print(f"{N_ROWS} rows: {np.mean(kinds == 'acid'):.1%} acids, {np.mean(kinds == 'base'):.1%} bases, "
          f"seed {SEED}")
    print()

    # CSV-equivalent inputs, prepared once (as predict_kp_csv derives them)
    pka_acid = np.where(kinds == "acid", rows["pka"], np.nan)
    pka_base = np.where(kinds == "base", rows["pka"], np.nan)
    kinds_str = kinds.astype(str)

    table = []
    results = {}
    for name in qspr.MODELS:
        def call(name=name):
            return qspr.log_kp(rows["mw"], rows["log_kow"], model=name, acid_base=kinds_str,
                               pka_acid=pka_acid, pka_base=pka_base, ph=7.0, hydration="normal")
        results[name] = call()
        table.append((f"qspr.log_kp, model={name}", median_time(call, REPEATS), f"median of {REPEATS}"))

    with tempfile.TemporaryDirectory(prefix="dermsim-bench-") as tmp:
        tmp = Path(tmp)
        src, out = tmp / "compounds.csv", tmp / "predicted.csv"
        write_csv(src, rows)
        size_mb = src.stat().st_size / 1e6
        t_csv = median_time(lambda: predict_kp_csv(src, out), REPEATS)
        table.append(("predict_kp_csv (read + predict + write)", t_csv, f"median of {REPEATS}"))

        # sanity: what the CSV path wrote equals the array path (4 decimals written)
        with open(out, newline="", encoding="utf-8") as fh:
            written = [r["log_kp_cm_h"] for r in csv.DictReader(fh)]
        written = np.array([float(v) if v else -np.inf for v in written])
        ref = results["kasting-chen"]
        finite = np.isfinite(ref)
        max_diff = float(np.max(np.abs(written[finite] - ref[finite]))) if finite.any() else 0.0
        agree = (written.size == N_ROWS and np.array_equal(np.isfinite(written), finite) and max_diff <= 5.1e-5)

        cmd = dermsim_command()
        out_cli = tmp / "predicted_cli.csv"
        t0 = time.perf_counter()
        proc = subprocess.run([*cmd, "predict-kp", str(src), "--out", str(out_cli)], capture_output=True, text=True)
        t_cli = time.perf_counter() - t0
        table.append(("CLI `dermsim predict-kp` (subprocess)", t_cli if proc.returncode == 0 else float("nan"), "once"))
        cli_same = proc.returncode == 0 and out_cli.read_bytes() == out.read_bytes()

        small = tmp / "small.csv"
        write_csv(small, {k: v[:10] for k, v in rows.items()})
        t0 = time.perf_counter()
        proc_small = subprocess.run([*cmd, "predict-kp", str(small), "--out", str(tmp / "small_out.csv")],
                                    capture_output=True, text=True)
        t_small = time.perf_counter() - t0

    print(f"| {'what':<42} | {'time (ms)':>10} | {'rows/s':>11} | {'timing':<12} |")
    print(f"|{'-' * 44}|{'-' * 12}|{'-' * 13}|{'-' * 14}|")
    for what, seconds, how in table:
        print(f"| {what:<42} | {seconds * 1e3:10.1f} | {N_ROWS / seconds:11.3g} | {how:<12} |")
    print()
    print(f"input CSV {size_mb:.1f} MB; CSV output agrees with qspr.log_kp (kasting-chen, pH 7): {agree} "
          f"(max |diff| {max_diff:.1e}, 4 decimals written; {int((~finite).sum())} impermeable rows)")
    print(f"CLI output identical to predict_kp_csv output: {cli_same}"
          + ("" if proc.returncode == 0 else f" (CLI failed, exit {proc.returncode}: {proc.stderr.strip()[-300:]})"))
    print(f"CLI fixed cost (same command on a 10-row CSV): {t_small * 1e3:.0f} ms"
          + ("" if proc_small.returncode == 0 else f" (exit {proc_small.returncode})"))
    print(f"command: {shown_command(cmd)} predict-kp IN --out OUT")


if __name__ == "__main__":
    main()
