"""What each result kind writes beside result.nc and summary.json: its plots and its report.

Registered per kind as "module:function" so that importing dermsim loads no plotting code:

* plots: ``function(result, out_dir) -> list[Path]`` (PNG files written);
* report: ``function(result, plots: bool) -> str`` (Markdown text of report.md).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Outputs:
    plots: str
    report: str
    tables: str | None = None      # ``function(result, out_dir) -> list[Path]``: CSV tables (written with or without plots)

    def plot_function(self):
        return _resolve(self.plots)

    def report_function(self):
        return _resolve(self.report)

    def table_function(self):
        return _resolve(self.tables) if self.tables else None


OUTPUTS: dict[str, Outputs] = {
    "permeation": Outputs("dermsim.permeation.plots:save_all", "dermsim.permeation.report:markdown"),
    "microneedle": Outputs("dermsim.microneedles.plots:save_all", "dermsim.microneedles.report:markdown"),
    "tissue": Outputs("dermsim.epidermis.tissue_plots:save_all", "dermsim.epidermis.report:tissue_markdown"),
    "clones": Outputs("dermsim.epidermis.clone_plots:save_result", "dermsim.epidermis.report:clones_markdown"),
    "population": Outputs("dermsim.studies.plots:save_population", "dermsim.studies.report:population_markdown",
                          "dermsim.studies.report:write_table"),
    "sweep": Outputs("dermsim.studies.plots:save_sweep", "dermsim.studies.report:sweep_markdown",
                     "dermsim.studies.report:write_table"),
    "sensitivity": Outputs("dermsim.studies.plots:save_sensitivity", "dermsim.studies.report:sensitivity_markdown",
                           "dermsim.studies.report:write_indices"),
    "protocol": Outputs("dermsim.protocols.plots:save_all", "dermsim.protocols.report:markdown",
                        "dermsim.protocols.report:write_tables"),
    "claims": Outputs("dermsim.protocols.report:no_plots", "dermsim.protocols.report:claims_markdown"),
}


def outputs(kind: str) -> Outputs:
    return OUTPUTS[kind]


def _resolve(path: str):
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)
