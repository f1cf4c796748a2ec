# The two commands a newcomer runs: `make demo` and `make test`.
# Both create .venv with the system's python3 (>= 3.11) when it is missing and install pcf with its test extras.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.pcf-installed
DEMO_BOM ?= bill_of_materials/formation_grading_machine.yaml
DEMO_OUT ?= out/demo

.PHONY: demo test install benchmark clean-venv

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pcf footprint $(DEMO_BOM) --json $(DEMO_OUT)/result.json
	$(VENV)/bin/pcf report $(DEMO_BOM) --out $(DEMO_OUT)

test: $(STAMP)
	$(PY) -m pytest -q

benchmark: $(STAMP)
	$(PY) benchmarks/bench_engine.py
	$(PY) benchmarks/bench_compare.py
	$(PY) benchmarks/bench_uncertainty.py --no-synthetic-paired
	$(PY) benchmarks/bench_web.py

clean-venv:
	rm -rf $(VENV)
