"""Batch kp prediction from a CSV (columns name, mw, log_kow, optional pka, acid_base), vectorised.

As strict as the scenario loader: every number finite and in range (MW > 0, log Kow −10…15, pKa −5…20, pH 0–14),
column names unique, an acid or base without a pKa refused (not silently taken as neutral), and text cells that a
spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) written back with a
leading apostrophe (OWASP CSV-injection rule).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from dermsim.chemistry.compound import ACID_BASE_KINDS as ACID_BASE
from dermsim.errors import InputError
from dermsim.results import atomic_write

REQUIRED = ("name", "mw", "log_kow")
#: Written in the ``note`` column of a row without a kp.
IMPERMEABLE_NOTE = ("no kp: a macromolecule (MW above 1000 g/mol); the intact stratum corneum is treated as "
                    "impermeable (no QSPR is extrapolated beyond it)")


def _column(rows: list[dict], key: str, path: Path, *, optional: bool = False) -> np.ndarray:
    out = np.full(len(rows), np.nan)
    for i, row in enumerate(rows):
        text = (row.get(key) or "").strip()
        if not text:
            if optional:
                continue
            raise InputError(f"{path.name} row {i + 2} column {key}", text, "a number")
        try:
            out[i] = float(text)
        except ValueError:
            raise InputError(f"{path.name} row {i + 2} column {key}", text, "a number") from None
    return out


def _safe_cell(text) -> str:
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection);
    numbers (a leading sign followed by a number) are left as they are."""
    text = "" if text is None else str(text)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def read_rows(path: Path) -> tuple[list[str], list[dict]]:
    """Header and rows of the input CSV. Comma, semicolon or tab separated (as spreadsheets in different locales
    write it); column names are matched case-insensitively (``MW`` is ``mw``)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            text = fh.read()
        header = text.splitlines()[0] if text else ""
        delimiter = max(",;\t", key=header.count) if header else ","
        reader = csv.DictReader(text.splitlines(), delimiter=delimiter)
        fields = [f.strip() for f in (reader.fieldnames or [])]
        fields = [f.lower() if f.lower() in REQUIRED + ("pka", "acid_base") else f for f in fields]
        reader.fieldnames = fields
        rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError("input CSV", str(path), f"a readable CSV file ({exc.__class__.__name__})") from None
    duplicated = sorted({f for f in fields if fields.count(f) > 1})
    if duplicated:
        raise InputError("input CSV columns", ",".join(fields), "each column name once",
                         problem=f"{', '.join(duplicated)} appear more than once")
    missing = [c for c in REQUIRED if c not in fields]
    if missing:
        raise InputError("input CSV columns", ",".join(fields), f"at least {','.join(REQUIRED)} (missing {','.join(missing)})")
    return fields, rows


def predict_kp_csv(input_path: str | Path, out_path: str | Path, *, model: str = "kasting-chen",
                   ph: float = 7.0, hydration: str = "normal") -> int:
    """Read ``input_path``, add ``log_kp_cm_h`` (empty where impermeable, with a ``note`` column saying why),
    write ``out_path`` atomically; returns the number of rows."""
    from dermsim.chemistry.qspr import log_kp

    input_path, out_path = Path(input_path), Path(out_path)
    fields, rows = read_rows(input_path)
    mw = _column(rows, "mw", input_path)
    if np.any(~(mw > 0)):
        i = int(np.flatnonzero(~(mw > 0))[0])
        raise InputError(f"{input_path.name} row {i + 2} column mw", rows[i]["mw"], "a molecular weight > 0 g/mol")
    if not (np.isfinite(ph) and 0.0 <= ph <= 14.0):
        raise InputError("--ph", ph, "a pH between 0 and 14")
    if np.any(~np.isfinite(mw)):
        i = int(np.flatnonzero(~np.isfinite(mw))[0])
        raise InputError(f"{input_path.name} row {i + 2} column mw", rows[i]["mw"], "a finite molecular weight (g/mol)")
    log_kow = _column(rows, "log_kow", input_path)
    out_of_range = np.flatnonzero(~((log_kow >= -10) & (log_kow <= 15)))
    if out_of_range.size:
        i = int(out_of_range[0])
        raise InputError(f"{input_path.name} row {i + 2} column log_kow", rows[i]["log_kow"], "a number from -10 to 15")
    acid_base = np.array([(r.get("acid_base") or "neutral").strip().lower() for r in rows], dtype=object)
    bad = [i for i, a in enumerate(acid_base) if a not in ACID_BASE]
    if bad:
        raise InputError(f"{input_path.name} row {bad[0] + 2} column acid_base", acid_base[bad[0]],
                         f"one of {', '.join(ACID_BASE)}", choices=ACID_BASE)
    pka = _column(rows, "pka", input_path, optional=True) if "pka" in fields else np.full(len(rows), np.nan)
    given = ~np.isnan(pka)
    bad_pka = np.flatnonzero(given & ~((pka >= -5) & (pka <= 20)))
    if bad_pka.size:
        i = int(bad_pka[0])
        raise InputError(f"{input_path.name} row {i + 2} column pka", rows[i]["pka"], "a pKa from -5 to 20")
    needs = np.flatnonzero(np.isin(acid_base, ["acid", "base"]) & ~given)
    if needs.size:
        i = int(needs[0])
        raise InputError(f"{input_path.name} row {i + 2} column pka", rows[i].get("pka", ""),
                         f"a pKa for an {acid_base[i]} (or acid_base = neutral to compute it un-ionised)")
    pka_acid = np.where(acid_base == "acid", pka, np.nan)
    pka_base = np.where(acid_base == "base", pka, np.nan)
    result = log_kp(mw, log_kow, model=model, acid_base=acid_base, pka_acid=pka_acid, pka_base=pka_base,
                    ph=ph, hydration=hydration)

    impermeable = ~np.isfinite(result)
    note = [IMPERMEABLE_NOTE if bad else "" for bad in impermeable]

    def write(tmp):
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow([*fields, "log_kp_cm_h"] + (["note"] if impermeable.any() else []))
            for row, value, why in zip(rows, result, note):
                writer.writerow([_safe_cell(row.get(f, "")) for f in fields]
                                + ["" if not np.isfinite(value) else f"{value:.4f}"]
                                + ([why] if impermeable.any() else []))

    if out_path.parent and not out_path.parent.exists():
        raise InputError("--out", str(out_path), "a path in an existing directory")
    atomic_write(out_path, write)
    return len(rows)
