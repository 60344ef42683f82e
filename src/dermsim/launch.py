"""Entry point of the `dermsim` command: starts the plot worker before the CLI framework loads.

Kept apart from `dermsim.cli` so that nothing but the standard library is imported before the fork
(`dermsim.plotworker`); then hands over to the typer app.
"""

import sys


def main() -> None:
    from dermsim.plotworker import start_early

    start_early(sys.argv)
    from dermsim.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
