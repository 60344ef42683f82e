"""Cumulative-permeation (Franz-cell) data: one table of cells sampled over time, read with units.

A data set is rows of (time, cumulative amount per area) with optional cell, donor and replicate-SD columns.
Units come from the column names (``time_h``, ``time_min``, ``cumulative_ug_per_cm2``, ``sd_ng_per_cm2``) or
are given by the caller; inside, times are in h and amounts in ug/cm² (`dermsim.units.KERNEL_UNITS`).
Everything wrong with a table is an `InputError` naming the column, the value and what is allowed.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dermsim.errors import InputError
from dermsim.units import conversion_factor

TIME_UNIT = "h"
AMOUNT_UNIT = "ug/cm^2"
#: Column-name stems recognised (case-insensitive); a unit may follow the stem after "_".
TIME_NAMES = ("time", "t")
AMOUNT_NAMES = ("cumulative", "amount", "q")
SD_NAMES = ("sd",)


@dataclass(frozen=True)
class FranzData:
    """Cumulative amounts permeated per area, one row a sample.

    time : (n,) h; amount : (n,) ug/cm²; cell, donor : (n,) labels (str); sd : (n,) ug/cm² or None.
    ``source`` names where the table came from (file name) for reports.
    """

    time: np.ndarray
    amount: np.ndarray
    cell: np.ndarray
    donor: np.ndarray
    sd: np.ndarray | None = None
    source: str = "data"

    @property
    def cells(self) -> list[str]:
        return list(dict.fromkeys(self.cell.tolist()))

    @property
    def donors(self) -> list[str]:
        return list(dict.fromkeys(self.donor.tolist()))

    def subset(self, mask: np.ndarray) -> "FranzData":
        """The rows where ``mask`` is true."""
        return FranzData(self.time[mask], self.amount[mask], self.cell[mask], self.donor[mask],
                         None if self.sd is None else self.sd[mask], self.source)


def _unit_from_name(suffix: str) -> str:
    """'ug_per_cm2' -> 'ug/cm^2', 'h' -> 'h' (a trailing digit on a unit is its power)."""
    parts = suffix.split("_per_")
    return "/".join(re.sub(r"([A-Za-zµ]+)(\d)$", r"\1^\2", p) for p in parts)


def _match(header: list[str], stems: tuple[str, ...]) -> tuple[int, str] | None:
    """(index, unit suffix) of the first column named stem or stem_<unit>."""
    for i, name in enumerate(header):
        low = name.strip().lower()
        for stem in stems:
            if low == stem:
                return i, ""
            if low.startswith(stem + "_"):
                return i, name.strip()[len(stem) + 1:]
    return None


def _factor(field: str, unit: str, target: str) -> float:
    try:
        return conversion_factor(unit, target, field)
    except InputError:
        raise InputError(field, unit, f"a unit of {'time' if target == TIME_UNIT else 'amount per area'} "
                         f"such as '{target}'") from None


def _number(text: str, column: str, row: int) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"column {column}, row {row}", text, "a number") from None


def read_csv(path, time_unit: str | None = None, amount_unit: str | None = None) -> FranzData:
    """Read a Franz-cell CSV (comma, semicolon or tab separated).

    Columns: ``time[_unit]``, ``cumulative[_unit]`` (or ``amount``), optional ``cell``, ``donor``,
    ``sd[_unit]`` (replicate SD of the amount; its unit defaults to the amount's). ``time_unit`` /
    ``amount_unit`` (e.g. "min", "ng/cm^2") override or supply the units of the header.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("data", str(path), "an existing CSV file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError("data", str(path), f"a readable UTF-8 CSV file ({exc.__class__.__name__})") from None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputError("data", str(path), "a CSV with a header row and data rows", problem="the file is empty")
    dialect = max((",", ";", "\t"), key=lines[0].count)
    rows = list(csv.reader(lines, delimiter=dialect))
    header, body = rows[0], rows[1:]
    columns = {"time": _match(header, TIME_NAMES), "amount": _match(header, AMOUNT_NAMES),
               "sd": _match(header, SD_NAMES), "cell": _match(header, ("cell",)), "donor": _match(header, ("donor",))}
    for key, example in (("time", "time_h"), ("amount", "cumulative_ug_per_cm2")):
        if columns[key] is None:
            raise InputError("data columns", ",".join(header), f"a {key} column such as '{example}'",
                             problem=f"no {key} column in {','.join(header)!r}")
    t_unit = time_unit or _unit_from_name(columns["time"][1])
    a_unit = amount_unit or _unit_from_name(columns["amount"][1])
    if not t_unit:
        raise InputError("time unit", header[columns["time"][0]], "a unit in the column name (time_h, time_min) "
                         "or --time-unit")
    if not a_unit:
        raise InputError("amount unit", header[columns["amount"][0]], "a unit in the column name "
                         "(cumulative_ug_per_cm2) or --amount-unit")
    s_unit = a_unit if columns["sd"] is None or not columns["sd"][1] else _unit_from_name(columns["sd"][1])
    t_factor = _factor("time unit", t_unit, TIME_UNIT)
    a_factor = _factor("amount unit", a_unit, AMOUNT_UNIT)
    s_factor = _factor("sd unit", s_unit, AMOUNT_UNIT)

    def get(key, row, i):
        j = columns[key][0]
        if j >= len(row) or not row[j].strip():
            raise InputError(f"column {header[j]}, row {i}", "", "a value in every row")
        return row[j].strip()

    time, amount, sd, cell, donor = [], [], [], [], []
    for i, row in enumerate(body, start=2):
        time.append(_number(get("time", row, i), header[columns["time"][0]], i) * t_factor)
        amount.append(_number(get("amount", row, i), header[columns["amount"][0]], i) * a_factor)
        if columns["sd"] is not None:
            sd.append(_number(get("sd", row, i), header[columns["sd"][0]], i) * s_factor)
        cell.append(get("cell", row, i) if columns["cell"] is not None else "1")
        donor.append(get("donor", row, i) if columns["donor"] is not None else "1")
    data = FranzData(np.array(time, dtype=float), np.array(amount, dtype=float), np.array(cell, dtype=object),
                     np.array(donor, dtype=object), np.array(sd, dtype=float) if sd else None, source=path.name)
    return check(data, names={"time": header[columns["time"][0]], "amount": header[columns["amount"][0]],
                              "sd": header[columns["sd"][0]] if columns["sd"] is not None else "sd"})


def from_arrays(time, amount, cell=None, donor=None, sd=None, source: str = "data") -> FranzData:
    """A checked `FranzData` from arrays already in h and ug/cm² (cells and donors default to one)."""
    time, amount = np.asarray(time, dtype=float).ravel(), np.asarray(amount, dtype=float).ravel()
    n = time.size
    cell = np.full(n, "1", dtype=object) if cell is None else np.asarray(cell).astype(str).astype(object)
    donor = np.full(n, "1", dtype=object) if donor is None else np.asarray(donor).astype(str).astype(object)
    sd = None if sd is None else np.asarray(sd, dtype=float).ravel()
    if not (amount.size == n == cell.size == donor.size and (sd is None or sd.size == n)):
        raise InputError("data", f"{n} times", "time, amount, cell, donor and sd of one length")
    return check(FranzData(time, amount, cell, donor, sd, source))


def check(data: FranzData, names: dict | None = None) -> FranzData:
    """``data`` if every value is allowed, else `InputError` naming the first bad one: finite numbers, times
    ≥ 0, amounts ≥ 0, SDs > 0, one row per (cell, time), amounts not decreasing in time within a cell."""
    names = names or {"time": "time", "amount": "cumulative amount", "sd": "sd"}
    if data.time.size == 0:
        raise InputError("data", "no rows", "at least one data row")
    for key in ("time", "amount", "sd"):
        values = getattr(data, key)
        if values is None:
            continue
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise InputError(f"{names[key]} (data row {bad[0] + 1})", values[bad[0]], "a finite number")
    for key, allowed in (("time", "a time ≥ 0"), ("amount", "an amount ≥ 0")):
        values = getattr(data, key)
        bad = np.flatnonzero(values < 0)
        if bad.size:
            raise InputError(f"{names[key]} (data row {bad[0] + 1}, cell {data.cell[bad[0]]})", float(values[bad[0]]),
                             allowed)
    if data.sd is not None:
        bad = np.flatnonzero(data.sd <= 0)
        if bad.size:
            raise InputError(f"{names['sd']} (data row {bad[0] + 1})", float(data.sd[bad[0]]),
                             "an SD > 0 (leave out rows at t = 0, where the amount is 0 by definition)")
    for cell in data.cells:
        rows = np.flatnonzero(data.cell == cell)
        order = rows[np.argsort(data.time[rows], kind="stable")]
        t, q = data.time[order], data.amount[order]
        same = np.flatnonzero(np.diff(t) == 0)
        if same.size:
            raise InputError(f"{names['time']} (cell {cell})", float(t[same[0]]), "one row per cell and time",
                             problem=f"time {t[same[0]]:g} h appears twice in cell {cell}")
        drop = np.flatnonzero(np.diff(q) < 0)
        if drop.size:
            k = drop[0]
            raise InputError(f"{names['amount']} (cell {cell}, time {t[k + 1]:g} h)", float(q[k + 1]),
                             f"a cumulative amount ≥ the one before it ({q[k]:g} ug/cm² at {t[k]:g} h): "
                             "cumulative amounts cannot decrease")
        donors = set(data.donor[rows].tolist())
        if len(donors) > 1:
            raise InputError(f"donor (cell {cell})", ",".join(sorted(donors)), "one donor per cell")
    if not math.isfinite(float(np.max(data.time))) or np.max(data.time) <= 0:
        raise InputError(names["time"], float(np.max(data.time)), "at least one time > 0")
    return data
