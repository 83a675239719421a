# The two commands a newcomer needs:  make run   and   make test   (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := wsgi

.PHONY: run test lint bandit install translations translations-update db demo worker chromium bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed translations

# Compiled catalogues are build output (.gitignore); the .po files are the source.
translations: | $(BIN)/python
	$(BIN)/pybabel compile -d translations

translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations

db: install
	mkdir -p instance
	$(BIN)/flask db upgrade

demo: db
	$(BIN)/flask demo load

worker: install
	$(BIN)/huey_consumer oversight.worker.huey -w 2 -k thread

# Web server and background worker together; Ctrl-C stops both.
run: demo
	@echo "Startar på http://$(HOST):$(PORT)  (Ctrl-C stoppar webbserver och bakgrundsjobb)"
	@$(BIN)/huey_consumer oversight.worker.huey -w 2 -k thread -q & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/flask run --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium; install it when we may, otherwise say what to install.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Webbläsartesterna behöver Debians chromium: kör 'sudo apt-get install chromium' och sedan 'make test' igen." >&2; \
	    exit 1; \
	  fi; }

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# One worker per core; a file's tests stay together on one worker (module fixtures, one
# live server per worker). PYTEST_WORKERS=0 runs in this process (for pdb).
PYTEST_WORKERS ?= auto
test: $(VENV)/.installed-test translations chromium lint bandit
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bandit: $(VENV)/.installed-test
	$(BIN)/bandit -q -c pyproject.toml -r oversight suppliers associations assistance registries wsgi.py

bench: $(VENV)/.installed-test
	$(BIN)/pip install -q -e ".[bench]"
	for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache .hypothesis translations/*/LC_MESSAGES/*.mo
