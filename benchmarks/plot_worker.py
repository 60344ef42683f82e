"""Does the forked plot worker pay for itself? Whole-process `dermsim run` with plots, three ways.

1. as shipped: `dermsim` forks the plot worker before typer loads (`dermsim.launch`), so matplotlib's
   import and font set-up (~0.6 s) overlap parsing and simulating on the second core;
2. late fork: the worker is forked only when the `run` command starts;
3. no worker: plots drawn in the main process after the simulation (fork disabled).

The three are interleaved run by run (so machine load affects them alike) and their medians printed.
Run: ``.venv/bin/python benchmarks/plot_worker.py [--runs N] [SCENARIO]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LATE = "import sys\nfrom dermsim.cli import main\nmain()\n"
NONE = "import os\ndel os.fork\nfrom dermsim.cli import main\nmain()\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "examples" / "peer_case_a_membrane.toml"))
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    dermsim = Path(sys.executable).with_name("dermsim")
    ways = {"early fork (shipped)": [str(dermsim)], "late fork": [sys.executable, "-c", LATE],
            "no worker": [sys.executable, "-c", NONE]}
    times: dict[str, list[float]] = {k: [] for k in ways}
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            for name, cmd in ways.items():
                out = Path(tmp) / f"{i}-{len(times[name])}-{name.split()[0]}"
                start = time.perf_counter()
                subprocess.run(cmd + ["run", args.scenario, "--out", str(out)], check=True, capture_output=True)
                times[name].append(time.perf_counter() - start)
    print(f"load average after:  {os.getloadavg()[0]:.2f}")
    base = statistics.median(times["no worker"])
    print(f"\n`dermsim run {Path(args.scenario).name}` with 3 plots, median of {args.runs} runs:\n")
    print("| how plots are drawn | median (s) | vs no worker |")
    print("|---|---|---|")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"| {name} | {med:.2f} | {med / base:.2f} |")


if __name__ == "__main__":
    main()
