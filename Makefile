# Takedown. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev

# uv keeps every pin already in the output file unless the .in files need it moved; --upgrade-package
# NAME moves one (make requirements COMPILE_EXTRA="--upgrade-package NAME").
COMPILE := --quiet --generate-hashes --python-version 3.11 --custom-compile-command "make requirements" $(COMPILE_EXTRA)

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

# Two stamps: what the app runs on (requirements.txt), and on top of it the test, lint, audit and
# browser tools (requirements-dev.txt, and the Nu checker from npm). make run and make serve
# install only the first; make test both. Both locks carry hashes, so pip checks every file.
$(STAMP_RUN): requirements.txt
	@bash scripts/system-deps.sh run
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@touch $(STAMP_RUN)

$(STAMP_DEV): $(STAMP_RUN) requirements-dev.txt package-lock.json
	@bash scripts/system-deps.sh test
	$(PY) -m pip install -q -r requirements-dev.txt
	@# npm ci empties node_modules first: a link to another checkout's is left as it is
	@if [ -L node_modules ]; then echo "node_modules is a link: not reinstalled"; \
	else npm ci --no-audit --no-fund; fi  # the W3C Nu HTML Checker (vnu-jar) the tests run
	@touch $(STAMP_DEV)

.PHONY: install
install: $(STAMP_DEV) ## Set up the virtualenv (both locks) and system packages

.PHONY: run
run: $(STAMP_RUN) ## Set up and serve the site on http://127.0.0.1:5000
	$(VENV)/bin/flask --app app run --host 127.0.0.1 --port 5000

.PHONY: serve
serve: $(STAMP_RUN) ## Serve as in production on 127.0.0.1:8000: nginx, page, letter and pack pools, Redis
	@bash scripts/serve.sh

.PHONY: lint
lint: $(STAMP_DEV) ## Lint the whole tree with ruff (settings in pyproject.toml)
	$(VENV)/bin/ruff check .

# The suite in TEST_WORKERS processes (pytest-xdist); a module's tests that share a serving
# stack stay in one, started first (tests/conftest.py). TEST_WORKERS=0: one process.
# The slowest ten tests are printed at the end, so a slow new one is seen.
# auto: one per core (2 here). Measured on this 2-core machine, same code, one lock hold: 2
# processes took 291 s and 536 CPU-s, 3 took 301 s and 585 CPU-s (each process collects the
# suite itself, about 11 CPU-s, and a third only adds contention).
TEST_WORKERS ?= auto
# Compiled modules are written (to __pycache__, which git ignores) even where the environment
# says not to (PYTHONDONTWRITEBYTECODE): each worker and each server process a test starts then
# reads them instead of compiling the project again (once compiled, collection 10.8 -> 6.6
# CPU-s a worker; importing the app 650 -> 504 CPU-ms).

.PHONY: test
test: $(STAMP_DEV) ## Set up, audit both locks (pip-audit), lint, then run the whole test suite
	@bash scripts/audit.sh
	$(VENV)/bin/ruff check .
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=10

.PHONY: golden
golden: $(STAMP_DEV) ## Rewrite tests/golden.json after a change meant to alter letters or plans
	$(PY) -m tests.golden_cases

.PHONY: facts
facts: $(STAMP_RUN) ## List every fact (kind, date read, copy read, why secondary) and convention; fail past a year
	$(PY) -m takedown.facts

.PHONY: bench
bench: $(STAMP_DEV) ## Each letter kind's CPU time and pages, the pack's, letters per core-second, RSS
	$(PY) bench/bench_letters.py

.PHONY: bench-instructions
bench-instructions: $(STAMP_DEV) ## Count (callgrind) each letter's page against a plain page; needs valgrind, ~6 min
	$(PY) bench/instructions.py

.PHONY: load
load: $(STAMP_RUN) ## Load-test the make serve stack on loopback, surges and attacks, about 5.5 min
	$(PY) bench/load.py

.PHONY: requirements
requirements: ## Recompile requirements.txt and requirements-dev.txt from the .in files (needs the network)
	rm -rf .venv-pin && $(PYTHON) -m venv .venv-pin
	.venv-pin/bin/pip install -q -r requirements-tools.txt
	.venv-pin/bin/uv pip compile $(COMPILE) requirements.in -o requirements.txt
	.venv-pin/bin/uv pip compile $(COMPILE) requirements-dev.in -o requirements-dev.txt
	rm -rf .venv-pin
