# HazWatch developer commands. `make run` and `make test` work on a fresh Debian + Python.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
HAZWATCH := $(UV) run --frozen hazwatch
export HAZWATCH_DATA_DIR ?= $(CURDIR)/var
# A machine that sets PYTHONDONTWRITEBYTECODE makes every Python process compile HazWatch
# and its libraries from source: about 10 s for each `hazwatch` command, server and test
# process instead of 3 s. The caches go to __pycache__ (ignored by git).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run demo test lint typecheck pytest bench browser-deps screenshots clean

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

install: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --quiet

## Install, migrate, load the demo district and its 2·7 replays, start HazWatch (prints the URL).
run: install
	$(HAZWATCH) db upgrade
	$(HAZWATCH) demo load --if-empty
	$(HAZWATCH) demo replays
	$(HAZWATCH) serve

## Chromium and a CJK font from Debian for the console's browser tests.
browser-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

## Every console page at 1440 px and 390 px in zh-CN and English, as PNGs in
## artifacts/screenshots/pages/ (<page>-<desktop|phone>-<zh_CN|en>.png); needs MQTT.
screenshots: install browser-deps
	HAZWATCH_SCREENSHOTS=1 $(UV) run --frozen pytest -p no:cacheprovider -q tests/web/test_all_pages.py
	@echo "screenshots in $(CURDIR)/artifacts/screenshots/pages/"

lint: install
	$(UV) run --frozen ruff check src tests
	$(UV) run --frozen ruff format --check src tests

typecheck: install
	$(UV) run --frozen mypy

## Test modules run in PYTEST_WORKERS processes (module by module, so a module's server and
## browser stay in one process); most of a module's time is spent waiting on its server,
## the broker or the database, so two processes overlap that waiting on two cores.
PYTEST_WORKERS ?= 2
pytest: install
	$(UV) run --frozen pytest -p no:cacheprovider -n $(PYTEST_WORKERS) --dist loadfile --durations=15; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$status

## Everything CI runs: browser deps, lint, strict typing, the whole suite on SQLite and PostgreSQL.
test: browser-deps lint typecheck pytest

## Rerunnable benchmarks (ingest, alarm latency, access check, replay speed).
bench: install
	$(HAZWATCH) bench all

clean:
	rm -rf .venv .tools var artifacts .mypy_cache .ruff_cache
