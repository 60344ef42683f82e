"""`dermsim predict-kp`: vectorised QSPR permeability for every row of a CSV."""

from __future__ import annotations

from pathlib import Path

import typer

from dermsim.cli.common import check_out_file, user_errors


def predict_kp(input: Path = typer.Argument(..., help="CSV with columns name,mw,log_kow[,pka,acid_base]"),
               out: Path = typer.Option(..., "--out", help="output CSV"),
               model: str = typer.Option("kasting-chen", help="QSPR model"),
               ph: float = typer.Option(7.0, help="vehicle pH used for ionisation"),
               hydration: str = typer.Option("normal")):
    """Predict log10 kp (cm/h) for every row of a CSV (vectorised)."""
    with user_errors():
        from dermsim.predict import predict_kp_csv

        check_out_file(out)
        n = predict_kp_csv(input, out, model=model, ph=ph, hydration=hydration)
        empty = _rows_without_kp(out)
        if empty:
            typer.echo(f"{empty} of {n} rows have no kp (macromolecules: the intact stratum corneum is treated as "
                       "impermeable); the note column says so")
        typer.echo(f"wrote {n} rows to {out}: log_kp_cm_h = log10 kp (cm/h) from water at pH {ph:g} through the "
                   f"reference in-vitro epidermis of {model} ({hydration} hydration); a scenario's kp depends on "
                   "its vehicle and skin")


def _rows_without_kp(path: Path) -> int:
    import csv

    with open(path, newline="", encoding="utf-8") as fh:
        return sum(1 for row in csv.DictReader(fh) if not row["log_kp_cm_h"])
