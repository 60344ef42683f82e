"""`python -m dermsim.cli …`: the same app as the `dermsim` command."""

from dermsim.cli import main

main()
