"""One Result for every kind of run: lazy Dataset, typed summary, provenance, one `save`."""

from dermsim.results.dataset import DatasetContent
from dermsim.results.files import atomic_write, json_safe, write_json, write_text
from dermsim.results.metrics import basal_exposure
from dermsim.results.result import Result, load_result

__all__ = ["Result", "load_result", "DatasetContent", "basal_exposure", "atomic_write", "json_safe",
           "write_json", "write_text"]
