"""Fuzz (issue #18 item 6, #11 item 7): valid example scenarios mutated by Hypothesis (numbers to 0, −x, inf, nan,
1e±308, strings, nesting, deletions) and run in-process through the CLI. Every run either exits 0 with every
invariant (finite numbers, mass balance ≤ 1e-8, no negative amount) or exits 2 (bad input) / 3 (the run's own
result check) with one line and nothing written — never a traceback, never NaN, never past the memory and time
budget. The figures are printed (``pytest -s``); ``DERMSIM_FUZZ_EXAMPLES`` sets the number of cases (150)."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import resource
import time
import tomllib
from pathlib import Path

import pytest

from hypothesis import HealthCheck, given, settings  # noqa: E402  (the test extra; a missing install must fail)
from hypothesis import strategies as st  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from dermsim.cli import app  # noqa: E402
from dermsim.scenario.edit import _table  # noqa: E402

EXAMPLES = Path(__file__).parents[1] / "examples"
#: Fast examples (each runs in about a second); the clones and tissue ones made small.
BASES = {
    "synthetic_membrane.toml": {},
    "peer_case_b_three_layer.toml": {},
    "niacinamide_serum_face.toml": {},
    "caffeine_oecd428_finite_dose.toml": {},
    "epidermis/clones_mouse_tail.toml": {"clones": {"clones": 2000}},
    "epidermis/epidermis_basal_loss_stem_cells.toml": {"tissue": {"lattice_size": 32, "duration": "10 d"}},
}
#: Budget of one run: the CLI refuses anything estimated above these (exit 2); a run that takes longer in fact, or
#: grows the process by more than the memory figure, counts as over budget.
MAX_MEMORY, MAX_TIME, WALL_LIMIT, RSS_LIMIT = "1 GB", "5 s", 60.0, 1.5e9
FIGURES = {"cases": 0, "exit 0": 0, "exit 2": 0, "exit 3": 0, "tracebacks": 0, "NaN results": 0,
           "broken invariants": 0, "over budget": 0}
FAILURES: list[str] = []


def _merge(data: dict, changes: dict) -> dict:
    for key, value in changes.items():
        data[key] = _merge(data.get(key, {}), value) if isinstance(value, dict) else value
    return data


def _base(name: str) -> dict:
    return _merge(tomllib.loads((EXAMPLES / name).read_text()), copy.deepcopy(BASES[name]))


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    yield path


_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
NUMBERS = [0.0, -1.0, math.inf, -math.inf, math.nan, 1e308, 1e-308, -1e308, 1e300, 1e-300]


def _mutated(value, how, number):
    if how == "number":
        if isinstance(value, str) and _NUMBER.search(value):
            text = "nan" if math.isnan(number) else ("inf" if number == math.inf else
                                                      "-inf" if number == -math.inf else repr(number))
            return _NUMBER.sub(text, value, count=1)
        if isinstance(value, bool):
            return number
        if isinstance(value, int | float):
            return number if number != -1.0 else -value
        return number
    if how == "string":
        return "abc"
    if how == "nest":
        return {"x": [value]}
    if how == "list":
        return [value, value]
    return value


@st.composite
def scenarios(draw):
    name = draw(st.sampled_from(sorted(BASES)))
    data = _base(name)
    paths = [p for p in _leaves(data) if p]
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(paths))
        how = draw(st.sampled_from(["number", "number", "number", "string", "nest", "list", "delete"]))
        number = draw(st.sampled_from(NUMBERS))
        node = data
        try:
            for part in path[:-1]:
                node = node[part]
            if how == "delete":
                node.pop(path[-1])
            else:
                node[path[-1]] = _mutated(node[path[-1]], how, number)
        except (KeyError, IndexError, TypeError, AttributeError):     # an earlier mutation changed the path
            pass
    return name, data


def _no_nan(text: str) -> bool:
    try:
        json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except ValueError:
        return False
    return True


def _invariants(summary: dict) -> str | None:
    balance = summary.get("mass_balance_relative_error")
    if balance is not None and not balance <= 1e-8:
        return f"mass balance {balance}"
    for key, value in (summary.get("fraction_of_dose") or {}).items():
        if value is not None and value < -1e-9:
            return f"fraction_of_dose.{key} = {value}"
    return None


def _one_case(tmp_path: Path, name: str, data: dict) -> None:
    FIGURES["cases"] += 1
    case = tmp_path / f"case{FIGURES['cases']}"
    case.mkdir()
    lines: list[str] = []
    try:
        _table(data, [], lines)
    except TypeError:
        return
    scenario = case / "s.toml"
    scenario.write_text("\n".join(lines) + "\n")
    out = case / "out"
    command = ["epidermis", "run"] if "epidermis" in name else ["run"]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0
    started = time.perf_counter()
    res = CliRunner().invoke(app, [*command, str(scenario), "--out", str(out), "--no-plots",
                                   "--max-memory", MAX_MEMORY, "--max-time", MAX_TIME])
    wall = time.perf_counter() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0 - rss
    where = f"{name} {json.dumps(data, default=str)[:300]}"
    if wall > WALL_LIMIT or grown > RSS_LIMIT:
        FIGURES["over budget"] += 1
        FAILURES.append(f"over budget ({wall:.0f} s, +{grown / 1e9:.2f} GB): {where}")
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        FIGURES["tracebacks"] += 1
        FAILURES.append(f"traceback {type(res.exception).__name__}: {res.exception}: {where}")
        return
    if res.exit_code == 0:
        FIGURES["exit 0"] += 1
        text = (out / "summary.json").read_text()
        if not _no_nan(text):
            FIGURES["NaN results"] += 1
            FAILURES.append(f"NaN in summary.json: {where}")
        elif (problem := _invariants(json.loads(text))) is not None:
            FIGURES["broken invariants"] += 1
            FAILURES.append(f"{problem}: {where}")
        return
    lines = res.output.strip().splitlines()
    if res.exit_code in (2, 3) and len(lines) == 1 and lines[0].startswith("error: ") and not out.exists():
        FIGURES[f"exit {res.exit_code}"] += 1
        return
    FIGURES["tracebacks"] += 1
    FAILURES.append(f"exit {res.exit_code} with {len(lines)} lines ({res.output[-300:]!r}): {where}")


@pytest.mark.slow
def test_mutated_scenarios_run_clean_or_fail_in_one_line(tmp_path_factory):
    examples = int(os.environ.get("DERMSIM_FUZZ_EXAMPLES", "150"))
    root = tmp_path_factory.mktemp("fuzz")

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(scenarios())
    def run(case):
        _one_case(root, *case)

    run()
    print("\nfuzz figures: " + ", ".join(f"{k} {v}" for k, v in FIGURES.items()))
    for failure in FAILURES[:20]:
        print("  " + failure)
    assert FIGURES["tracebacks"] == FIGURES["NaN results"] == FIGURES["over budget"] == 0, FAILURES[:5]
    assert FIGURES["broken invariants"] == 0, FAILURES[:5]
