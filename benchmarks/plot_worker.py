"""Does the forked plot worker pay for itself? Whole-process `dermsim run` with plots, two ways.

1. as shipped: the command forks a plot worker when it starts, so matplotlib's import and font set-up
   (~0.6 s) overlap simulating on the second core (`dermsim.plotworker`);
2. no worker: plots drawn in the main process after the simulation (fork disabled).

(An earlier version also forked the worker before typer loaded; measured here at 0.69 s against 0.70 s for
the fork at command start and 0.84 s without a worker, median of 15, it gained nothing and was removed.)

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
NONE = "import os\ndel os.fork\nfrom dermsim.cli import main\nmain()\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "examples" / "peer_case_a_membrane.toml"))
    parser.add_argument("--runs", type=int, default=11)
    args = parser.parse_args()
    dermsim = Path(sys.executable).with_name("dermsim")
    ways = {"worker (shipped)": [str(dermsim)], "no worker": [sys.executable, "-c", NONE]}
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
