# Two commands on a fresh clone: `make demo` and `make test` (both create .venv if missing).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast validation bench clean web

$(STAMP): pyproject.toml
	command -v chromium >/dev/null 2>&1 || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }  # browser tests (as root)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/dermsim run examples/niacinamide_serum_face.toml --out dermsim-out

web: $(STAMP)
	$(VENV)/bin/dermsim serve

test: $(STAMP)
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

validation: $(STAMP)
	$(PY) validation/build_report.py

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) benchmarks/peer_cases.py
	$(PY) benchmarks/solver_vs_fipy.py
	$(PY) benchmarks/predict_kp_throughput.py
	$(PY) benchmarks/channel_vs_fipy.py
	$(PY) benchmarks/epidermis_clones.py
	$(PY) benchmarks/epidermis_tissue.py
	$(PY) benchmarks/finite_dose_drying.py
	$(PY) benchmarks/batched_exact.py
	$(PY) benchmarks/fit.py
	$(PY) benchmarks/population.py
	$(PY) benchmarks/protocol.py

clean:
	rm -rf $(VENV) dermsim-out
