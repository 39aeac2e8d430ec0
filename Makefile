# Takedown. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.txt package-lock.json
	@bash scripts/system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	npm ci --no-audit --no-fund  # the W3C Nu HTML Checker (vnu-jar) the tests run
	@touch $(STAMP)

.PHONY: install
install: $(STAMP) ## Set up the virtualenv and system packages

.PHONY: run
run: $(STAMP) ## Set up and serve the site on http://127.0.0.1:5000
	$(VENV)/bin/flask --app app run --host 127.0.0.1 --port 5000

.PHONY: serve
serve: $(STAMP) ## Serve as in production on 127.0.0.1:8000: nginx, page, letter and pack pools, Redis
	@bash scripts/serve.sh

.PHONY: lint
lint: $(STAMP) ## Lint the whole tree with ruff (settings in pyproject.toml)
	$(VENV)/bin/ruff check .

.PHONY: test
test: $(STAMP) ## Set up, audit the pinned requirements (pip-audit), lint, then run the whole test suite
	@bash scripts/audit.sh
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

.PHONY: golden
golden: $(STAMP) ## Rewrite tests/golden.json after a change meant to alter letters or plans
	$(PY) -m tests.golden_cases

.PHONY: facts
facts: $(STAMP) ## List every fact (kind, date read, copy read, why secondary) and convention; fail past a year
	$(PY) -m takedown.facts

.PHONY: bench
bench: $(STAMP) ## Time letter rendering against a reference page (ratios)
	$(PY) bench/bench_letters.py

.PHONY: bench-instructions
bench-instructions: $(STAMP) ## Count (callgrind) each letter's page against a plain page; needs valgrind, ~6 min
	$(PY) bench/instructions.py

.PHONY: load
load: $(STAMP) ## Load-test the make serve stack on loopback, attacks and surges, under 4 min
	$(PY) bench/load.py

.PHONY: requirements
requirements: ## Re-pin requirements.txt from requirements.in (needs the network)
	rm -rf .venv-pin && $(PYTHON) -m venv .venv-pin
	.venv-pin/bin/pip install -q -r requirements.in
	.venv-pin/bin/pip freeze --exclude-editable | sort -f > requirements.txt
	rm -rf .venv-pin
