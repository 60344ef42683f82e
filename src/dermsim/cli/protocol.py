"""`dermsim protocol run`: a treatment protocol over weeks (sessions, products, dermis, risk)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from dermsim.cli.common import MAX_MEMORY_OPTION, MAX_TIME_OPTION, OVERWRITE_OPTION, default_out, simulate_and_save, user_errors

app = typer.Typer(add_completion=False, no_args_is_help=True, help="treatment protocols over weeks")


@app.command("run")
def run_protocol(protocol: Path = typer.Argument(..., help="protocol TOML file (kind = 'protocol')"),
                 out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: "
                                                    "dermsim-out/protocol-<file name>)"),
                 plots: bool = typer.Option(True, "--plots/--no-plots", help="write PNG plots"),
                 max_memory: Optional[str] = MAX_MEMORY_OPTION, max_time: Optional[str] = MAX_TIME_OPTION,
                 overwrite: bool = OVERWRITE_OPTION):
    """Run a protocol file: result.nc, summary.json, sessions.csv, applications.csv, report.md and plots."""
    with user_errors():
        from dermsim.errors import InputError
        from dermsim.scenario import load_scenario

        scenario = load_scenario(protocol)
        if scenario.kind != "protocol":
            raise InputError("kind", scenario.kind, "'protocol' (a [protocol] table); `dermsim run` takes the others")
        out = out if out is not None else default_out("protocol", protocol.stem)
        simulate_and_save(scenario, out, plots, max_memory, max_time, overwrite)


@app.command("claims")
def claims(out: Optional[Path] = typer.Option(None, "--out", help="output directory (default: "
                                              "dermsim-out/protocol-claims)"),
           overwrite: bool = OVERWRITE_OPTION):
    """Claims about skin care tested on dermsim's models beside the published evidence: summary.json, report.md."""
    with user_errors():
        from dermsim.protocols.claims import check_claims

        out = out if out is not None else default_out("protocol", "claims")
        simulate_and_save(None, out, False, overwrite=overwrite, kind="claims",
                          study=lambda progress: check_claims(progress))
