"""Helpers of the web tests: the CLI run of a scenario, and comparing numbers to 1e-12."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path


def cli(*args, cwd=None, timeout=300) -> subprocess.CompletedProcess:
    """``dermsim <args>`` in a subprocess (the installed command, as a user runs it)."""
    return subprocess.run([sys.executable, "-m", "dermsim.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def cli_summary(toml: str, folder: Path, plots: bool = False,
                command: tuple[str, ...] = ("run",)) -> tuple[dict, Path]:
    """`dermsim run` (or ``command``, e.g. ("protocol", "run")) of a scenario text: its summary.json (parsed) and
    its output folder."""
    folder.mkdir(parents=True, exist_ok=True)
    scenario = folder / "scenario.toml"
    scenario.write_text(toml, encoding="utf-8")
    out = folder / "out"
    proc = cli(*command, scenario, "--out", out, *([] if plots else ["--no-plots"]))
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "summary.json").read_text("utf-8")), out


def close(a, b, rel: float = 1e-12) -> bool:
    """``a`` equals ``b`` to ``rel`` (relative, absolute below 1e-300), recursively through dicts and lists."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], rel) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, rel) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, int | float) or not isinstance(b, int | float):
            return False
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
    return a == b


#: Figures that are rounding residuals (|value| ~ 1e-13): compared to 1e-12 absolute. Summation order (array
#: alignment under SIMD) moves them by ~1e-15 between two processes running the same scenario, while every
#: physical number agrees to 1e-12 relative.
RESIDUALS = ("mass_balance_relative_error",)


def same(key: str, a, b) -> bool:
    """`close`, with the rounding residuals (`RESIDUALS`) compared to 1e-12 absolute."""
    if key.rsplit(".", 1)[-1] in RESIDUALS and isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-12
    return close(a, b)


def first_difference(a, b, path: str = "summary") -> str | None:
    """Where ``a`` and ``b`` first differ beyond 1e-12 (a path and both values), None if they are `same`."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(set(a) ^ set(b))} in one only"
        return next((d for k in a if (d := first_difference(a[k], b[k], f"{path}.{k}"))), None)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return next((d for i, (x, y) in enumerate(zip(a, b))
                     if (d := first_difference(x, y, f"{path}[{i}]"))), None)
    return None if same(path, a, b) else f"{path}: {a!r} != {b!r}"


def table_numbers(rows: dict[str, str], summary: dict) -> list[tuple[str, float | None, object]]:
    """(summary key, number on the page, number in summary) for every row of a page's numbers table
    (key -> text shown)."""
    from dermsim.web.shared import dig

    return [(key, None if text == "—" else float(text), dig(summary, key)) for key, text in rows.items()]


def check_numbers(rows: dict[str, str], summary: dict) -> None:
    """Every number of a page's numbers table equals the summary's to 1e-12 (a missing one is None in both)."""
    assert rows, "no numbers on the page"
    for key, shown, expected in table_numbers(rows, summary):
        if shown is None:
            assert expected is None, key
        else:
            assert same(key, shown, float(expected)), (key, shown, expected)
