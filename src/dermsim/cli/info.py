"""`dermsim info`: versions of dermsim and its dependencies, for bug reports."""

from __future__ import annotations

import typer


def info():
    """Versions of dermsim and its dependencies (for bug reports)."""
    from importlib.metadata import PackageNotFoundError, version

    import platform

    typer.echo(f"python {platform.python_version()} on {platform.platform()}")
    for pkg in ("dermsim", "numpy", "scipy", "xarray", "netCDF4", "pint", "pydantic", "typer", "rich",
                "matplotlib", "rdkit"):
        try:
            typer.echo(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            typer.echo(f"{pkg} not installed")
