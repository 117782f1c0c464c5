# textlab: `make report` runs the suite on the bundled sample corpus, `make test` runs the tests.
# Both create .venv on first use, so they do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help setup bytecode report test lint ingest stats lab bench bench-scale clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: bytecode ## Create .venv and install the package with its dev extras

# An editable install writes no bytecode: where PYTHONDONTWRITEBYTECODE is set, every process (each
# worker, each report kernel) would otherwise compile the package's source again. Up to date, 0.05 s.
bytecode: $(STAMP) ## Write the package's bytecode ahead (again for a changed module)
	$(PY) -m compileall -q analysis >/dev/null

report: bytecode ## Ingest the sample corpus and write HTML reports to reports/
	$(PY) -m analysis report

test: $(STAMP) ## Lint and run the test suite (notebooks included)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q

lint: $(STAMP) ## Ruff only
	$(VENV)/bin/ruff check .

ingest: bytecode ## Ingest data/raw into data/corpus/
	$(PY) -m analysis ingest data/raw --metadata data/metadata.csv --out data/corpus

stats: bytecode ## Statistics per company for data/raw into data/stats/
	$(PY) -m analysis stats data/raw --metadata data/metadata.csv --by company --out data/stats

lab: $(STAMP) ## Start JupyterLab on notebooks/ with the project's environment as kernel
	$(PY) -m ipykernel install --sys-prefix --name textlab --display-name "textlab (.venv)" >/dev/null
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root)

bench: bytecode ## End-to-end speed: ingest and stats vs plain jieba.lcut (20 and 100 MB generated), single documents
	$(PY) benchmarks/bench_end_to_end.py

bench-scale: bytecode ## Scale: ingest + stats on 100 MB and 1 GB generated corpora, local and Dask 1/2 workers (long)
	cd benchmarks && ../$(PY) bench_scale.py --sizes 100,1000

clean: ## Remove caches and generated reports (keeps .venv)
	rm -rf data/cache reports/* .pytest_cache .ruff_cache
	touch reports/.gitkeep
