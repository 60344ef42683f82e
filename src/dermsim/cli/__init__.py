"""The `dermsim` command: one typer app, one module per command group.

`run` takes a scenario file of any kind; `permeate` and `epidermis clones` build a scenario from flags.
Bad input prints one line (field, value, what is allowed) and exits with code 2; outputs are assembled in
a temporary directory and moved into ``--out`` only when complete.
"""

from __future__ import annotations

import sys

import typer

from dermsim.cli.fit import fit
from dermsim.cli.info import info
from dermsim.cli.library import compounds_app, sites_app, vehicles_app
from dermsim.cli.predict import predict_kp
from dermsim.cli.protocol import app as protocol_app
from dermsim.cli.run import permeate, run
from dermsim.cli.studies import population, sensitivity, sweep
from dermsim.cli.serve import serve
from dermsim.cli.epidermis import app as epidermis_app
from dermsim.cli.microneedles import devices_app, microneedle_app

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="dermsim: a validated virtual skin — permeation, microneedles, epidermal renewal.")


def _print_version(value: bool) -> None:
    if value:
        from dermsim import __version__

        typer.echo(f"dermsim {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                          help="print the version and exit")) -> None:
    """dermsim: a validated virtual skin — permeation, microneedles, epidermal renewal."""


app.command()(run)
app.command()(permeate)
app.command("predict-kp")(predict_kp)
app.command("fit")(fit)
app.command()(info)
app.command()(population)
app.command()(sweep)
app.command()(sensitivity)
app.command()(serve)
app.add_typer(compounds_app, name="compounds")
app.add_typer(sites_app, name="sites")
app.add_typer(vehicles_app, name="vehicles")
app.add_typer(devices_app, name="devices")
app.add_typer(microneedle_app, name="microneedle")
app.add_typer(epidermis_app, name="epidermis")
app.add_typer(protocol_app, name="protocol")


def _interrupted(signum, frame) -> None:
    """Ctrl-C and SIGTERM alike: say so in one line and unwind, so that staging folders and the plot worker are
    cleaned up and nothing half-written is left (exit code 130)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)        # a second signal while unwinding is not an error
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.stderr.write("interrupted: nothing was written\n")
    raise KeyboardInterrupt


def main() -> None:
    import signal

    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    from typer.exceptions import Abort

    try:                               # typer >= 0.22 carries its own click
        from typer._click.exceptions import ClickException, NoArgsIsHelpError
    except ImportError:                # pragma: no cover - older typer on click
        from click.exceptions import ClickException, NoArgsIsHelpError

    try:
        code = app(standalone_mode=False)
    except (KeyboardInterrupt, Abort):  # typer turns Ctrl-C into exit 130 inside a command; the same outside one
        sys.exit(130)
    except NoArgsIsHelpError as exc:   # `dermsim` alone: the help
        sys.stdout.write(exc.format_message() + "\n")
        sys.exit(0)
    except ClickException as exc:      # a usage error (missing or unknown option, bad value): one line
        ctx = getattr(exc, "ctx", None)
        where = "dermsim" if ctx is None else "dermsim" + ctx.command_path[len(ctx.find_root().command_path):]
        sys.stderr.write(f"error: {where}: {exc.format_message()} (see `{where} --help`)\n")
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    sys.exit(main())
